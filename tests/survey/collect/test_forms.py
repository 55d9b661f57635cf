"""The page-form factory: one field per answer variable, every question type, server-side
show-if, validation messages, randomised choice order."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from survey.collect.forms import build_page_form, form_data
from survey.questionnaire.document import (
    Choice, MultipleChoiceSettings, Page, Question, Questionnaire, SingleChoiceSettings, Texts,
)


@pytest.fixture
def posted(app):
    """Validate page ``index`` of ``document`` with posted ``data``; returns the form."""
    def validate(document, index, data, *, prior=None, locale="en", seed="s"):
        form_class = build_page_form(document, index, locale=locale, seed=seed)
        with app.test_request_context(method="POST", data=MultiDict(data)):
            form = form_class(prior_answers=prior or {}, meta={"csrf": False})
            form.ok = form.validate()
            return form
    return validate


def test_a_fresh_class_per_page_with_one_field_per_variable(kit) -> None:
    document = kit.every_type()
    first = build_page_form(document, 0, locale="en", seed="a")
    again = build_page_form(document, 0, locale="en", seed="a")
    second = build_page_form(document, 1, locale="zh_CN", seed="a")
    assert first is not again
    fields = {name for name in dir(first) if not name.startswith("_")}
    assert {"region", "region_other", "channel", "features", "new_customer", "since"} <= fields
    assert "intro" not in fields  # information texts ask nothing
    assert {"satisfaction", "nps", "q_speed", "q_price", "wifi_f", "wifi_d", "wifi_imp"} <= set(dir(second))
    assert "quality" not in set(dir(second))  # a matrix stores its rows only
    with pytest.raises(IndexError, match="page 7 does not exist"):
        build_page_form(document, 7, locale="en", seed="a")


def test_valid_pages_give_typed_answers(posted, kit) -> None:
    document = kit.every_type()
    form = posted(document, 0, kit.PAGE1)
    assert form.ok, form.question_errors
    assert form.answers == {"region": "north", "channel": "web", "features": ["a"],
                            "new_customer": "no", "since": 3}
    form = posted(document, 1, kit.PAGE2)
    assert form.ok, form.question_errors
    assert form.answers == {"satisfaction": 4, "nps": 9, "q_speed": 5, "q_price": 3,
                            "wifi_f": "like", "wifi_d": "dislike", "wifi_imp": 7}
    form = posted(document, 2, kit.PAGE3)
    assert form.ok and form.answers == {"comment": "Good", "nickname": "Li", "visit": "2026-01-05"}


@pytest.mark.parametrize(("page", "change", "question", "message"), [
    (0, {"region": ""}, "region", "This question needs an answer."),
    (0, {"region": "west"}, "region", "Choose one of the options listed."),
    (0, {"region": "other"}, "region", "Please specify your other answer."),
    (0, {"channel": "fax"}, "channel", "Choose one of the options listed."),
    (0, {"features": []}, "features", None),
    (0, {"features": ["a", "b", "c"]}, "features", "Choose at most 2 options."),
    (0, {"since": "two"}, "since", "Enter a whole number."),
    (0, {"since": "2.5"}, "since", "Enter a whole number."),
    (0, {"since": "61"}, "since", "Enter a number between 1 and 60."),
    (0, {"since": ""}, "since", "This question needs an answer."),
    (1, {"satisfaction": "6"}, "satisfaction", "Enter a number between 1 and 5."),
    (1, {"nps": "11"}, "nps", "Enter a number between 0 and 10."),
    (1, {"nps": "-1"}, "nps", "Enter a number between 0 and 10."),
    (1, {"q_price": ""}, "quality", "Please answer every row."),
    (1, {"wifi_d": ""}, "wifi", "Please answer each part of this question."),
    (1, {"wifi_f": "love"}, "wifi", "Choose one of the options listed."),
    (1, {"wifi_imp": "10"}, "wifi", "Enter a number between 1 and 9."),
    (2, {"comment": "x" * 21}, "comment", "Use at most 20 characters."),
    (2, {"nickname": "L"}, "nickname", "A nickname has at least two letters"),
    (2, {"visit": "05/01/2026"}, "visit", "Enter a date as YYYY-MM-DD."),
])
def test_invalid_answers_are_reported_on_their_question(posted, kit, page, change, question,
                                                        message) -> None:
    data = {0: kit.PAGE1, 1: kit.PAGE2, 2: kit.PAGE3}[page] | change
    form = posted(kit.every_type(), page, data)
    if message is None:  # an optional multiple choice left empty is fine
        assert form.ok and "features" not in form.answers
        return
    assert not form.ok
    assert form.question_errors == {question: [message]}
    field = form[{"quality": "q_speed", "wifi": "wifi_f"}.get(question, question)]
    assert field.errors == [message]
    assert question not in form.answers and not any(k.startswith(question) for k in form.answers)


def test_messages_and_validation_message_follow_the_locale(posted, kit) -> None:
    form = posted(kit.every_type(), 2, kit.PAGE3 | {"nickname": "L"}, locale="zh_CN")
    assert form.question_errors == {"nickname": ["昵称至少两个字"]}


def test_dont_know_and_other_specify(posted, kit) -> None:
    form = posted(kit.every_type(), 1, kit.PAGE2 | {"satisfaction": "dont_know"})
    assert form.ok and form.answers["satisfaction"] == "dont_know"
    form = posted(kit.every_type(), 1, kit.PAGE2 | {"nps": "dont_know"})
    assert form.question_errors == {"nps": ["Enter a whole number."]}  # NPS has no "don't know"
    form = posted(kit.every_type(), 0, kit.PAGE1 | {"region": "other", "region_other": " East "})
    assert form.ok and form.answers["region"] == "other" and form.answers["region_other"] == "East"
    form = posted(kit.every_type(), 0, kit.PAGE1 | {"region_other": "ignored"})
    assert form.ok and "region_other" not in form.answers  # only counts with "other" chosen


def test_show_if_on_the_server_hides_questions_which_are_neither_required_nor_stored(posted, kit) -> None:
    document = kit.every_type()
    form = posted(document, 0, kit.PAGE1 | {"new_customer": "yes", "since": ""})
    assert form.ok  # 'since' is required but hidden
    form = posted(document, 0, kit.PAGE1 | {"new_customer": "yes", "since": "5"})
    assert form.ok and "since" not in form.answers  # hidden answers are not stored
    assert [q.code for q in form.shown()] == ["intro", "region", "channel", "features", "new_customer"]
    form = posted(document, 0, kit.PAGE1 | {"new_customer": "no", "since": ""})
    assert form.question_errors == {"since": ["This question needs an answer."]}


def test_show_if_uses_earlier_pages_and_a_chain_of_hidden_questions(posted) -> None:
    t = Texts("问", "Q")
    document = Questionnaire(t, (
        Page("p1", t, (Question("age", "numeric", t),)),
        Page("p2", t, (Question("drives", "yes_no", t, show_if="age >= 18"),
                       Question("car", "text", t, required=True, show_if="drives = 'yes'"))),
    ))
    form = posted(document, 1, {"drives": "yes", "car": ""}, prior={"age": 30})
    assert form.question_errors == {"car": ["This question needs an answer."]}
    # Under 18: 'drives' is hidden, so its posted 'yes' does not count and 'car' hides too.
    form = posted(document, 1, {"drives": "yes", "car": ""}, prior={"age": 12})
    assert form.ok and form.answers == {}


def test_randomised_choices_are_stable_per_seed_and_keep_other_last() -> None:
    t = Texts("问", "Q")
    choices = tuple(Choice(f"c{i}", Texts(f"选{i}", f"C{i}")) for i in range(8))
    document = Questionnaire(t, (Page("p", t, (
        Question("pick", "single_choice", t, choices=choices,
                 settings=SingleChoiceSettings(randomize=True, other=True)),
        Question("many", "multiple_choice", t, choices=choices,
                 settings=MultipleChoiceSettings(randomize=False)),
    )),))
    orders = {seed: [c.code for c in build_page_form(document, 0, locale="en", seed=seed)
                     .choice_order["pick"]] for seed in ("r1", "r2", "r3")}
    assert orders["r1"] == [c.code for c in build_page_form(document, 0, locale="zh_CN", seed="r1")
                            .choice_order["pick"]]
    assert all(order[-1] == "other" and sorted(order[:-1]) == sorted(c.code for c in choices)
               for order in orders.values())
    assert len({tuple(order) for order in orders.values()}) > 1
    fixed = build_page_form(document, 0, locale="en", seed="r1").choice_order["many"]
    assert [c.code for c in fixed] == [c.code for c in choices]


def test_form_data_round_trips_stored_answers(app, kit) -> None:
    document = kit.every_type()
    stored = {"satisfaction": 4, "nps": 0, "q_speed": 5, "wifi_f": "like", "wifi_imp": 7,
              "features": ["a", "b"], "elsewhere": 1}
    assert form_data(document, 1, stored) == {"satisfaction": "4", "nps": "0", "q_speed": "5",
                                             "wifi_f": "like", "wifi_imp": "7"}
    assert form_data(document, 0, stored) == {"features": ["a", "b"]}
