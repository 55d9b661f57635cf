"""The password rule for new passwords: a length range plus zxcvbn's guessability estimate.

:func:`password_problem` takes a candidate password and what is known about its owner (e-mail,
name) and returns ``None`` when the password is acceptable, otherwise a :class:`PasswordProblem`
naming the rule it breaks and why, in Chinese and in English (``RULE_MESSAGES``). Existing
passwords are never re-checked at login; the rule applies where a password is set
(``survey.services.accounts``).

zxcvbn (pinned 4.5.0) scores a password 0–4 by the guesses an attacker who knows common
passwords, words, names, keyboard patterns, dates and the user's own details would need; we
require :data:`MIN_SCORE` (3: "safely unguessable", about 10^8 guesses or more). Its own feedback
is English only, so the reason is taken from the longest pattern it matched and explained in both
languages here.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10
#: Longest password accepted (the login form accepts as many characters).
MAX_LENGTH = 1024
MIN_SCORE = 3
#: zxcvbn refuses longer input (its matching grows quickly with length); a longer password is
#: judged by this prefix, which is never stronger than the whole.
_ZXCVBN_MAX = 72
# zxcvbn 4.5 keeps the user inputs in a module-level dictionary while it scores, so two threads
# scoring at once could see each other's inputs.
_ZXCVBN_LOCK = threading.Lock()

_TOO_GUESSABLE = ("密码太容易被猜到：", "This password is too easy to guess: ")
# rule code → (Chinese, English); ``%(...)s`` placeholders are filled from the problem.
RULE_MESSAGES: Mapping[str, tuple[str, str]] = {
    "too_short": ("密码至少需要 %(minimum)s 个字符（现在是 %(length)s 个）。",
                  "The password needs at least %(minimum)s characters (it has %(length)s)."),
    "too_long": ("密码最多 %(maximum)s 个字符（现在是 %(length)s 个）。",
                 "The password may have at most %(maximum)s characters (it has %(length)s)."),
    "repeat": ("重复的字符或片段（如“aaa”或“abcabc”）很容易被猜到。请改用几个不相关的词。",
               "repeated characters or parts (like “aaa” or “abcabc”) are easy to guess. "
               "Use a few unrelated words instead."),
    "sequence": ("连续的字母或数字（如“abc”或“6543”）很容易被猜到。请改用几个不相关的词。",
                 "sequences (like “abc” or “6543”) are easy to guess. Use a few unrelated words "
                 "instead."),
    "keyboard": ("键盘上相邻的按键（如“qwerty”）很容易被猜到。请改用几个不相关的词。",
                 "rows of neighbouring keys (like “qwerty”) are easy to guess. Use a few "
                 "unrelated words instead."),
    "date": ("日期和年份很容易被猜到。请避免使用与您有关的日期。",
             "dates and years are easy to guess. Avoid dates that have to do with you."),
    "common": ("它是（或接近）一个常用密码。请改用几个不相关、不常见的词。",
               "it is (or is close to) a commonly used password. Use a few unrelated, uncommon "
               "words instead."),
    "personal": ("它包含您的电子邮箱或姓名。请不要使用与您有关的信息。",
                 "it contains your e-mail address or name. Leave out anything about you."),
    "word": ("单个常见词（即使加上数字）很容易被猜到。请再加一两个不相关的词。",
             "a single common word, even with digits added, is easy to guess. Add another "
             "unrelated word or two."),
    "name": ("人名和姓氏很容易被猜到。请再加一两个不相关的词。",
             "names and surnames are easy to guess. Add another unrelated word or two."),
    "guessable": ("它太简单。请再加一两个不相关的词，不常见的词更好。",
                  "it is too simple. Add another word or two; uncommon words are better."),
}
_LENGTH_RULES = frozenset({"too_short", "too_long"})

_DICTIONARY_RULES = {"passwords": "common", "user_inputs": "personal", "surnames": "name",
                     "male_names": "name", "female_names": "name"}
_PATTERN_RULES = {"repeat": "repeat", "sequence": "sequence", "spatial": "keyboard",
                  "date": "date", "regex": "date"}  # zxcvbn's only regex is "recent year"


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    """Why a password is refused: ``rule`` is a key of :data:`RULE_MESSAGES`."""

    rule: str
    params: tuple[tuple[str, int], ...] = ()

    def message(self, language: str = "en") -> str:
        """The reason in Chinese (``zh…``) or English."""
        chinese = str(language).startswith("zh")
        template = RULE_MESSAGES[self.rule][0 if chinese else 1]
        if self.rule not in _LENGTH_RULES:
            template = _TOO_GUESSABLE[0 if chinese else 1] + template
        return template % dict(self.params) if self.params else template


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> PasswordProblem | None:
    """``None`` when ``password`` may be used, else the first rule it breaks: its length
    (:data:`MIN_LENGTH`..:data:`MAX_LENGTH` characters), then guessability (zxcvbn score below
    :data:`MIN_SCORE`, counting ``user_inputs`` such as the e-mail and name as known words)."""
    length = len(password)
    if length < MIN_LENGTH:
        return PasswordProblem("too_short", (("minimum", MIN_LENGTH), ("length", length)))
    if length > MAX_LENGTH:
        return PasswordProblem("too_long", (("maximum", MAX_LENGTH), ("length", length)))
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=_known_words(user_inputs))
    if result["score"] >= MIN_SCORE:
        return None
    return PasswordProblem(_reason(result["sequence"]))


def _known_words(user_inputs: Iterable[str]) -> list[str]:
    """Each input, its parts around ``@`` (an e-mail's local part and domain) and its words."""
    words: list[str] = []
    for value in user_inputs:
        if value:
            words.append(value)
            words.extend(part for part in value.split("@") if part and part != value)
            words.extend(part for part in re.split(r"[\W_]+", value) if len(part) >= 3)
    return words


def _reason(sequence: list[dict]) -> str:
    """The rule behind the longest pattern zxcvbn matched (as its own feedback does)."""
    matched = [match for match in sequence if match.get("pattern") != "bruteforce"]
    if not matched:
        return "guessable"
    longest = max(matched, key=lambda match: len(match["token"]))
    if longest["pattern"] == "dictionary":
        return _DICTIONARY_RULES.get(longest.get("dictionary_name", ""), "word")
    return _PATTERN_RULES.get(longest["pattern"], "guessable")
