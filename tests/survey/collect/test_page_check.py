"""The page check every channel shares (web page forms and the API)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from survey.collect.page_check import check_page, newly_shown, posted_values


def test_posted_values_reads_lists_for_multiple_choice_only(kit) -> None:
    page = kit.every_type().pages[0]
    data = MultiDict([("region", "north"), ("region", "south"), ("features", "a"), ("features", "b")])
    raw = posted_values(page, data)
    assert raw["region"] == "north"  # a single choice takes the first value, as its field does
    assert raw["features"] == ["a", "b"]
    assert raw["since"] is None and raw["region_other"] is None
    assert set(raw) == {"region", "region_other", "channel", "features", "new_customer", "since"}


def test_a_valid_page_needs_no_request_and_keeps_only_shown_answers(kit) -> None:
    page = kit.every_type().pages[0]
    checked = check_page(page, kit.PAGE1 | {"new_customer": "yes", "since": "7"}, {}, locale="en")
    assert checked.ok and checked.errors == {}
    assert checked.answers == {"region": "north", "channel": "web", "features": ["a"], "new_customer": "yes"}
    assert checked.values["since"] == 7  # parsed, but its question is hidden, so not kept
    assert "since" not in {q.code for q in checked.shown}


def test_errors_settled_variables_and_revealed_questions(app, kit) -> None:
    from flask_babel import force_locale

    page = kit.every_type().pages[0]
    with app.test_request_context(), force_locale("en"):
        checked = check_page(page, kit.PAGE1 | {"features": ["a", "b", "c"], "since": "0"}, {}, locale="en")
    assert checked.errors == {"features": ["Choose at most 2 options."],
                              "since": ["Enter a number between 1 and 60."]}
    assert not checked.ok
    # Back keeps what is final: everything except the two questions in error.
    assert set(checked.settled_variables) == set(checked.page_variables) - {"features", "since"}
    # 'since' appears only after answering new_customer = no; a page shown without it reveals it.
    assert checked.revealed("intro region channel features new_customer") == ("since",)
    assert checked.revealed("intro region channel features new_customer since") == ()
    assert checked.revealed(None) == ()  # not posted (an API call): nothing to reveal
    assert newly_shown(checked.shown, "") == ("since",)


def test_messages_follow_the_active_language(app, kit) -> None:
    from flask_babel import force_locale

    page = kit.every_type().pages[0]
    with app.test_request_context(), force_locale("zh_CN"):
        checked = check_page(page, kit.PAGE1 | {"new_customer": ""}, {}, locale="zh_CN")
    [message] = checked.errors["new_customer"]
    assert message != "This question needs an answer." and any("\u4e00" <= c <= "\u9fff" for c in message)
