"""JSON interchange: documented shape, strict validation with paths, lossless round trip."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.questionnaire.document import (
    SCALE_RANGES, Binding, Choice, DocumentError, KanoSettings, MatrixRow, MultipleChoiceSettings,
    NumericSettings, Page, Question, Questionnaire, ScaleSettings, SingleChoiceSettings,
    TextSettings, Texts,
)
from survey.questionnaire.jsonio import SCHEMA, VERSION, from_json, to_json
from survey.questionnaire.sanitize import sanitize_questionnaire

texts = st.builds(Texts, st.text(max_size=12), st.text(max_size=12))
identifiers = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True)
bindings = st.none() | st.builds(Binding, identifiers, identifiers, identifiers)
expressions = st.none() | st.text(min_size=1, max_size=15)


@st.composite
def questions(draw, code: str) -> Question:
    kind = draw(st.sampled_from(["single_choice", "multiple_choice", "rating", "nps", "matrix",
                                 "kano", "yes_no", "numeric", "text", "long_text", "date",
                                 "info"]))
    options: dict = {}
    if kind in ("single_choice", "multiple_choice"):
        codes = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,4}", fullmatch=True)
                              .filter(lambda c: c != "other"), min_size=1, max_size=4, unique=True))
        options["choices"] = tuple(Choice(c, draw(texts)) for c in codes)
        other, randomize = draw(st.booleans()), draw(st.booleans())
        if kind == "single_choice":
            display = draw(st.sampled_from(["radio", "dropdown"]))
            options["settings"] = SingleChoiceSettings(display, other, randomize)
        else:
            available = len(codes) + other
            low = draw(st.none() | st.integers(0, available))
            high = draw(st.none() | st.integers(low or 0, available))
            options["settings"] = MultipleChoiceSettings(low, high, other, randomize)
    elif kind in ("rating", "matrix"):
        low, high = draw(st.sampled_from(sorted(SCALE_RANGES)))
        options["settings"] = ScaleSettings(low, high, draw(texts), draw(texts),
                                            draw(st.booleans()))
        if kind == "matrix":
            options["rows"] = tuple(MatrixRow(f"{code}_r{index}", draw(texts), draw(bindings))
                                    for index in range(draw(st.integers(1, 3))))
    elif kind == "kano":
        options["settings"] = KanoSettings(draw(texts), draw(st.booleans()))
    elif kind == "numeric":
        integer = draw(st.booleans())
        number = st.integers(-1000, 1000) if integer else st.floats(-1e6, 1e6)
        bounds = sorted(draw(st.lists(number, min_size=2, max_size=2)))
        options["settings"] = NumericSettings(draw(st.sampled_from([None, bounds[0]])),
                                              draw(st.sampled_from([None, bounds[1]])), integer)
    elif kind in ("text", "long_text"):
        options["settings"] = TextSettings(draw(st.none() | st.integers(1, 5000)))
    if kind in ("rating", "nps", "yes_no", "numeric"):
        options["binding"] = draw(bindings)
    return Question(code, kind, draw(texts), help=draw(texts), required=draw(st.booleans()),
                    show_if=draw(expressions), validation=draw(expressions),
                    validation_message=draw(texts), **options)


@st.composite
def questionnaires(draw) -> Questionnaire:
    pages = []
    for page_index in range(draw(st.integers(0, 3))):
        page_questions = tuple(draw(questions(f"q{page_index}_{index}"))
                               for index in range(draw(st.integers(0, 4))))
        pages.append(Page(f"page{page_index}", draw(texts), page_questions, draw(expressions)))
    return Questionnaire(draw(texts), tuple(pages), draw(texts),
                         draw(st.sampled_from(["zh_CN", "en"])),
                         draw(st.sampled_from(["acsi", "kano", "complaint_followup", "nps",
                                               "custom"])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questionnaires())
def test_round_trip_is_lossless(questionnaire):
    saved = sanitize_questionnaire(questionnaire)  # what "save" stores
    data = json.loads(json.dumps(to_json(saved), ensure_ascii=False))
    assert from_json(data) == saved
    assert to_json(from_json(data)) == data


def sample() -> Questionnaire:
    return Questionnaire(
        Texts("满意度", "Satisfaction"),
        (Page("p1", Texts("第一页", "Page 1"), (
            Question("sat", "rating", Texts("总体满意度", "Overall satisfaction"),
                     binding=Binding("acsi", "CS", "CS1"),
                     settings=ScaleSettings(1, 10, Texts("很不满意", "Very dissatisfied"),
                                            Texts("很满意", "Very satisfied"))),
            Question("colour", "single_choice", Texts("颜色", "Colour"),
                     choices=(Choice("red", Texts("红", "Red")),), show_if="sat >= 5"),
        )),),
        kind="acsi",
    )


def test_documented_shape():
    data = to_json(sample())
    assert data["schema"] == SCHEMA == "xinsheng.questionnaire" and data["version"] == VERSION == 1
    assert data["kind"] == "acsi" and data["default_language"] == "zh_CN"
    question = data["pages"][0]["questions"][0]
    assert question["settings"] == {"min": 1, "max": 10,
                                    "low_label": {"zh": "很不满意", "en": "Very dissatisfied"},
                                    "high_label": {"zh": "很满意", "en": "Very satisfied"},
                                    "dont_know": False}
    assert question["binding"] == {"model": "acsi", "construct": "CS", "indicator": "CS1"}
    assert data["pages"][0]["questions"][1]["choices"] == [
        {"code": "red", "label": {"zh": "红", "en": "Red"}}]


def test_optional_keys_may_be_left_out():
    minimal = {"schema": SCHEMA, "version": 1, "title": {"zh": "标题"},
               "pages": [{"code": "p", "questions": [{"code": "q", "type": "nps",
                                                      "text": {"en": "Recommend?"}}]}]}
    questionnaire = from_json(minimal)
    assert questionnaire.title == Texts("标题", "")
    assert questionnaire.question("q").text == Texts("", "Recommend?")
    assert questionnaire.kind == "custom"


def broken(path: list, value) -> dict:
    data = copy.deepcopy(to_json(sample()))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not an object", r"^/: must be an object, got str"),
        (broken(["schema"], "surveyjs"), r"^/schema: must be 'xinsheng.questionnaire'"),
        (broken(["version"], 2), r"^/version: this Xinsheng reads version 1, got 2"),
        (broken(["version"], True), r"^/version"),
        (broken(["pages"], KeyError), r"^/: is missing the key\(s\) pages"),
        (broken(["extra"], 1), r"^/: has unknown key\(s\) extra"),
        (broken(["pages", 0, "questions", 0, "type"], "signature"),  # "slider" is a type now
         r"^/pages/0/questions/0/type: 'signature' is not one of"),
        (broken(["pages", 0, "questions", 0, "settings", "max"], 6),
         r"^/pages/0/questions/0: question 'sat': setting 'min/max'"),
        (broken(["pages", 0, "questions", 0, "settings", "colour"], 6),
         r"^/pages/0/questions/0/settings: has unknown key\(s\) colour"),
        (broken(["pages", 0, "questions", 0, "text", "zh"], 5),
         r"^/pages/0/questions/0/text/zh: must be a string"),
        (broken(["pages", 0, "questions", 0, "binding", "model"], ""),
         r"^/pages/0/questions/0/binding: binding model must be a non-empty string"),
        (broken(["pages", 0, "questions", 1, "choices", 0, "code"], "a b"),
         r"^/pages/0/questions/1/choices/0: choice code 'a b' is invalid"),
        (broken(["pages", 0, "questions", 1, "code"], "sat"), r"code 'sat' is used twice"),
        (broken(["pages", 0, "questions"], {}), r"^/pages/0/questions: must be a list"),
        (broken(["default_language"], "de"), r"default_language 'de'"),
    ],
)
def test_bad_documents_name_the_path_and_rule(data, message):
    with pytest.raises(DocumentError, match=message):
        from_json(data)


def test_rich_text_is_sanitised_on_import():
    data = to_json(sample())
    data["pages"][0]["questions"][0]["help"] = {"zh": "<script>x()</script><b>提示</b>", "en": ""}
    data["description"] = {"zh": "", "en": "<a href='javascript:x'>x</a>"}
    questionnaire = from_json(data)
    assert questionnaire.question("sat").help.zh == "<b>提示</b>"
    assert questionnaire.description.en == '<a rel="noopener noreferrer">x</a>'
