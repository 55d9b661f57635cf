"""Built-in questionnaire templates: they build, are fully bilingual, and are construct-complete."""
from __future__ import annotations

import json
import re

import pytest

from acsi.spec import BUILTIN_MODELS
from survey.questionnaire.constructs import completeness
from survey.questionnaire.document import (
    KANO_ANSWER_CODES, DocumentError, Questionnaire, ScaleSettings, Texts,
)
from survey.questionnaire.jsonio import from_json, to_json
from survey.questionnaire.logic.ast import references
from survey.questionnaire.logic.checker import check_questionnaire
from survey.questionnaire.logic.evaluator import is_true
from survey.questionnaire.logic.issues import LogicItem, ValueType
from survey.questionnaire.logic.parser import parse
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.templates import (
    ACSI_UNBOUND_CODES, COMPLAINT_FOLLOWUP_CODES, JUSTICE_MODEL, TEMPLATES, acsi_standard,
    ccsi_standard, complaint_followup, kano_battery, nps_pulse,
)

ATTRIBUTES = (Texts("一键下单", "one-click ordering"), Texts("订单追踪", "order tracking"),
              Texts("夜间配送", "evening delivery"))
ALL = {key: template.preview() for key, template in TEMPLATES.items()}
ALL["kano_without_importance"] = kano_battery(ATTRIBUTES, importance=False)
ALL["acsi_custom_subject"] = acsi_standard(
    subject=Texts("心声银行信用卡", "the Xinsheng Bank credit card"))


def _all_texts(questionnaire: Questionnaire) -> list[tuple[str, Texts]]:
    found = [("title", questionnaire.title), ("description", questionnaire.description)]
    for page in questionnaire.pages:
        found.append((page.code, page.title))
        for question in page.questions:
            found.append((question.code, question.text))
            found += [(f"{question.code}/{c.code}", c.label) for c in question.choices]
            found += [(f"{question.code}/{r.code}", r.text) for r in question.rows]
            for name in ("low_label", "high_label", "attribute"):
                value = getattr(question.settings, name, None)
                if isinstance(value, Texts):
                    found.append((f"{question.code}/{name}", value))
            if not question.help.is_empty():
                found.append((f"{question.code}/help", question.help))
    return found


def _logic_items(questionnaire: Questionnaire) -> list[LogicItem]:
    """What the design-time checker sees: pages, questions and their answer variables, in order."""
    value_types: dict[str, ValueType] = {
        "number": "number", "text": "text", "choice": "choice", "multi": "multi", "date": "date"}
    items: list[LogicItem] = []
    for page in questionnaire.pages:
        items.append(LogicItem(page.code, "page", len(items), "none", show_if=page.show_if))
        for question in page.questions:
            variables = question.variables()
            own = [v for v in variables if v.code == question.code]
            kind: ValueType = "none"
            choices = None
            if own:
                (variable,) = own
                kind = "bool" if question.type == "yes_no" else value_types[variable.kind]
                choices = frozenset(c.code for c in variable.choices) or None
            items.append(LogicItem(question.code, "question", len(items), kind, choices,
                                   question.show_if, question.validation))
            for variable in variables:
                if variable.code != question.code:
                    items.append(LogicItem(
                        variable.code, "question", len(items), value_types[variable.kind],
                        frozenset(c.code for c in variable.choices) or None))
    return items


@pytest.mark.parametrize("key", sorted(ALL))
def test_logic_checker_reports_no_issue(key: str) -> None:
    assert check_questionnaire(_logic_items(ALL[key])) == []


def test_logic_checker_would_catch_a_bad_show_if() -> None:
    """The adapter above is honest: a wrong choice code in a template show-if is reported."""
    questionnaire = ALL["complaint_followup"]
    items = [item if item.code != "first_contact" else LogicItem(
        item.code, item.kind, item.position, item.value_type, item.choices,
        "selected(resolution_status, 'solved')") for item in _logic_items(questionnaire)]
    assert [issue.rule for issue in check_questionnaire(items)] == ["unknown_choice"]


def test_registry_lists_the_five_templates_with_bilingual_names() -> None:
    assert set(TEMPLATES) == {"acsi_standard", "complaint_followup", "kano_battery", "nps_pulse",
                              "ccsi_standard"}
    for key, template in TEMPLATES.items():
        assert template.key == key
        assert template.name.missing() == () and template.description.missing() == ()
    assert [k for k, t in TEMPLATES.items() if t.needs_attributes] == ["kano_battery"]


@pytest.mark.parametrize("key", sorted(ALL))
def test_every_text_is_written_in_both_languages(key: str) -> None:
    questionnaire = ALL[key]
    assert questionnaire.missing_translations() == ()
    for location, texts in _all_texts(questionnaire):
        assert texts.zh.strip() and texts.en.strip(), location
        assert "{" not in texts.zh + texts.en, f"unfilled placeholder at {location}"
        assert re.search(r"[\u4e00-\u9fff]", texts.zh) or texts.zh == texts.en, location


@pytest.mark.parametrize("key", sorted(ALL))
def test_codes_are_unique_lower_case_and_every_show_if_parses(key: str) -> None:
    questionnaire = ALL[key]
    codes = [v.code for v in questionnaire.variables()]
    question_codes = [q.code for q in questionnaire.questions()]
    assert len(codes) == len(set(codes)) and len(question_codes) == len(set(question_codes))
    assert all(code == code.lower() for code in codes + question_codes)
    earlier: set[str] = set()
    for question in questionnaire.questions():
        if question.show_if is not None:
            names = references(parse(question.show_if))
            assert names and names <= earlier, f"{question.code} refers to {names - earlier}"
        earlier |= {question.code} | {v.code for v in question.variables()}


def test_acsi_template_is_complete_for_acsi_with_its_items() -> None:
    questionnaire = ALL["acsi_standard"]
    report = completeness(questionnaire, BUILTIN_MODELS)
    assert report.complete and report.custom == () and report.problems == ()
    assert report.models() == ("acsi",)
    bound = {v.binding.indicator: v for v in questionnaire.variables() if v.binding}
    assert sorted(bound) == sorted(BUILTIN_MODELS["acsi"].items)
    assert all(code == variable.code.upper() for code, variable in bound.items())
    # 13 model items + HANDLE + price tolerance (high, low) = every item of methodology §1
    assert [q.code for q in questionnaire.questions()] == [
        "overallx", "customx", "wrongx", "overallq", "customq", "wrongq", "pq", "qp", "satis",
        "confirm", "ideal", "comp", "handle", "repur", "highptol", "lowptol"]
    unbound = {q.code for q in questionnaire.questions() if q.binding is None}
    assert set(ACSI_UNBOUND_CODES) == unbound


def test_acsi_scales_labels_and_routing() -> None:
    questionnaire = ALL["acsi_standard"]
    for question in questionnaire.questions():
        if question.type == "rating":
            settings = question.settings
            assert isinstance(settings, ScaleSettings)
            assert (settings.min, settings.max) == (1, 10), question.code
    satis = questionnaire.question("satis").settings
    assert satis.low_label.en == "Very dissatisfied" and satis.high_label.en == "Very satisfied"
    assert questionnaire.question("confirm").settings.high_label.en == "Exceeds expectations"
    assert questionnaire.question("comp").type == "yes_no"
    handle = parse(questionnaire.question("handle").show_if)
    assert is_true(handle, {"comp": "yes"}) and not is_true(handle, {"comp": "no"})
    assert not is_true(handle, {})
    high, low = (parse(questionnaire.question(c).show_if) for c in ("highptol", "lowptol"))
    for answer in range(1, 11):
        assert is_true(high, {"repur": answer}) != is_true(low, {"repur": answer})
    for code in ("highptol", "lowptol"):
        question = questionnaire.question(code)
        assert question.type == "numeric"
        assert (question.settings.min, question.settings.max) == (0, 100)


def test_subject_is_filled_in_both_languages_and_must_be_bilingual() -> None:
    satis = ALL["acsi_custom_subject"].question("satis").text
    assert "心声银行信用卡" in satis.zh and "the Xinsheng Bank credit card" in satis.en
    for builder in (acsi_standard, ccsi_standard, complaint_followup, nps_pulse):
        with pytest.raises(DocumentError, match="both Chinese and English; missing: en"):
            builder(subject=Texts("产品", ""))
    with pytest.raises(DocumentError, match="missing: zh"):
        ccsi_standard(brand=Texts(" ", "Acme"))
    image = ccsi_standard(brand=Texts("心声", "Xinsheng")).question("image3").text
    assert image == Texts("我认为心声值得信赖。", "I feel that Xinsheng can be trusted.")


def test_ccsi_template_is_complete_for_ccsi_only() -> None:
    questionnaire = ALL["ccsi_standard"]
    report = completeness(questionnaire, BUILTIN_MODELS)
    assert report.complete and report.models() == ("ccsi",)
    assert sum(row.found for row in report.rows) == len(BUILTIN_MODELS["ccsi"].items) == 16
    assert all(q.type == "rating" and q.settings.max == 10 for q in questionnaire.questions())
    assert "complaints" not in {row.construct for row in report.rows}


def test_complaint_template_has_every_followup_item() -> None:
    questionnaire = ALL["complaint_followup"]
    assert tuple(v.code for v in questionnaire.variables()) == COMPLAINT_FOLLOWUP_CODES
    assert questionnaire.kind == "complaint_followup"
    codes = {q.code: q for q in questionnaire.questions()}
    assert [c.code for c in codes["resolution_status"].choices] == ["fully", "partly", "not"]
    assert codes["first_contact"].type == "yes_no"
    assert [r.code for r in codes["justice"].rows] == [
        "justice_outcome", "justice_speed", "justice_ease", "justice_courtesy",
        "justice_explanation"]
    assert (codes["justice"].settings.min, codes["justice"].settings.max) == (1, 5)
    assert codes["justice"].settings.high_label.en == "Strongly agree"
    assert (codes["handle"].settings.min, codes["handle"].settings.max) == (1, 10)
    assert (codes["resolution_satisfaction"].settings.min,
            codes["resolution_satisfaction"].settings.max) == (1, 5)
    assert (codes["repurchase"].settings.min, codes["repurchase"].settings.max) == (1, 10)
    assert [c.code for c in codes["purchase_change"].choices] == ["more", "same", "less", "stop"]
    assert codes["people_told"].type == "numeric" and codes["people_told"].settings.min == 0
    assert [c.code for c in codes["told_valence"].choices] == ["positive", "mixed", "negative"]
    assert codes["nps"].type == "nps"
    valence = parse(codes["told_valence"].show_if)
    assert is_true(valence, {"people_told": 3}) and not is_true(valence, {"people_told": 0})
    first = parse(codes["first_contact"].show_if)
    assert is_true(first, {"resolution_status": "partly"})
    assert not is_true(first, {"resolution_status": "not"})


def test_complaint_justice_rows_are_bound_to_a_custom_model() -> None:
    report = completeness(ALL["complaint_followup"], BUILTIN_MODELS)
    assert report.rows == () and report.problems == ()
    (custom,) = report.custom
    assert (custom.model, custom.found) == (JUSTICE_MODEL, 5)
    assert custom.constructs == ("distributive", "procedural", "interactional")


def test_kano_builder_makes_pairs_and_importance() -> None:
    questionnaire = kano_battery(ATTRIBUTES)
    kano = [q for q in questionnaire.questions() if q.type == "kano"]
    assert [q.settings.attribute for q in kano] == list(ATTRIBUTES)
    assert all(q.settings.importance for q in kano)
    assert kano[0].text == Texts("一键下单", "One-click ordering")
    assert [v.code for v in questionnaire.variables()] == [
        f"kano_{n}_{part}" for n in (1, 2, 3) for part in ("f", "d", "imp")]
    pair = questionnaire.variables()[:2]
    assert all(tuple(c.code for c in v.choices) == KANO_ANSWER_CODES for v in pair)
    assert questionnaire.variables()[2].maximum == 9
    plain = ALL["kano_without_importance"]
    assert [v.code for v in plain.variables()] == [
        f"kano_{n}_{part}" for n in (1, 2, 3) for part in ("f", "d")]
    assert "9" not in plain.question("kano_intro").text.en


def test_kano_builder_splits_long_batteries_into_pages() -> None:
    attributes = [Texts(f"功能{n}", f"feature {n}") for n in range(1, 12)]
    questionnaire = kano_battery(attributes)
    assert [sum(q.type == "kano" for q in p.questions) for p in questionnaire.pages] == [5, 5, 1]
    assert len(questionnaire.variables()) == 33


@pytest.mark.parametrize(("attributes", "message"), [
    ((), "at least one attribute"),
    ((Texts("一键下单", ""),), "attribute 1 .* has no English name"),
    ((Texts("", "tracking"),), "has no Chinese name"),
    ((Texts("下单", "ordering"), Texts("追踪", " Ordering ")),
     "attributes 1 and 2 have the same English name"),
    ((Texts("下单", "ordering"), Texts("下单", "checkout")), "same Chinese name '下单'"),
    (("one-click ordering",), "must be Texts"),
    (Texts("下单", "ordering"), "must be a sequence"),
])
def test_kano_builder_rejects_bad_attribute_names(attributes: object, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        kano_battery(attributes)  # type: ignore[arg-type]


def test_nps_pulse_asks_nps_and_routes_the_improvement_question() -> None:
    questionnaire = ALL["nps_pulse"]
    assert [q.code for q in questionnaire.questions()] == [
        "nps", "nps_reason", "nps_improve", "contact_ok"]
    assert questionnaire.question("nps").text.en.startswith("How likely are you to recommend")
    improve = parse(questionnaire.question("nps_improve").show_if)
    assert is_true(improve, {"nps": 8}) and not is_true(improve, {"nps": 9})
    assert completeness(questionnaire, BUILTIN_MODELS).messages("en") == ()


@pytest.mark.parametrize("key", sorted(ALL))
def test_templates_survive_json_and_sanitising_unchanged(key: str) -> None:
    questionnaire = ALL[key]
    text = json.dumps(to_json(questionnaire), ensure_ascii=False)
    assert from_json(json.loads(text)) == questionnaire
    assert sanitize_questionnaire(questionnaire) == questionnaire


def test_builders_return_fresh_equal_values() -> None:
    assert acsi_standard() == acsi_standard() == TEMPLATES["acsi_standard"].preview()
    assert complaint_followup() is not complaint_followup()
