"""Texts, choices, bindings and the standard wordings of a questionnaire."""

import pytest

from survey.questionnaire.values import (
    KANO_ANSWER_CODES, KANO_ANSWERS, NPS_WORDING, YES_NO_CHOICES, Binding, Choice, DocumentError,
    Texts, nps_text, setting_error,
)


def test_texts_get_and_missing():
    texts = Texts("你好", "")
    assert texts.get("zh_CN") == "你好" and texts.get("zh") == "你好" and texts.get("en") == ""
    assert texts.missing() == ("en",)
    assert Texts().missing() == ("zh", "en")
    assert Texts("a", "  ").missing() == ("en",)
    with pytest.raises(DocumentError, match="must be strings"):
        Texts(1, "x")


def test_kano_answers_are_keyed_by_meaning_with_standard_labels():
    assert KANO_ANSWER_CODES == ("like", "must_be", "neutral", "live_with", "dislike")
    assert [c.label.zh for c in KANO_ANSWERS] == ["非常喜欢", "理应如此", "无所谓", "勉强接受", "很不喜欢"]
    assert KANO_ANSWERS[1].label.en == "I expect it"
    assert YES_NO_CHOICES[0].code == "yes"


def test_nps_wording_fills_the_subject():
    text = nps_text(Texts("本店", "our shop"))
    assert text.en == "How likely are you to recommend our shop to a friend or colleague?"
    assert text.zh == "您向朋友或同事推荐本店的可能性有多大？"
    assert "{subject}" in NPS_WORDING.en


def test_codes_and_bindings_are_checked_and_errors_name_the_rule():
    with pytest.raises(DocumentError, match="choice code 'a b' is invalid"):
        Choice("a b", Texts("甲", "A"))
    with pytest.raises(DocumentError, match="binding construct must be a non-empty string"):
        Binding("acsi", " ", "CS1")
    assert str(setting_error("q", "max", "must be positive", -1)) == \
        "question 'q': setting 'max' must be positive, got -1"
