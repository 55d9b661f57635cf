"""The password rule: length, then zxcvbn guessability with the owner's details as known words."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from models import User
from survey.services.accounts import WeakPassword, create_user
from survey.services.password_policy import MAX_LENGTH, MIN_LENGTH, PasswordProblem, password_problem
from support import TEST_PASSWORD


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("aaaaaaaaaa", "repeat"),
        ("password12", "common"),
        ("qwertyuiop12", "common"),
        ("abcdefghij1", "sequence"),
        ("zxcvbnm,./", "keyboard"),
        ("1990-01-01x", "date"),
        ("elephant12", "common"),
        ("xK9#xK9#xK9#", "repeat"),
        ("ana.lopez@example.com", "personal"),
        ("ana.lopez2026", "personal"),
    ],
)
def test_guessable_passwords_are_refused_with_the_reason(password: str, rule: str) -> None:
    problem = password_problem(password, user_inputs=("ana.lopez@example.com", "Ana Lopez"))
    assert problem == PasswordProblem(rule)


def test_length_limits_name_the_numbers() -> None:
    short = password_problem("Zq9!vB2")
    assert short == PasswordProblem("too_short", (("minimum", MIN_LENGTH), ("length", 7)))
    assert short.message("en") == "The password needs at least 10 characters (it has 7)."
    assert short.message("zh_CN") == "密码至少需要 10 个字符（现在是 7 个）。"
    long = password_problem("correct horse " * 80)
    assert long is not None and long.rule == "too_long"
    assert f"at most {MAX_LENGTH} characters (it has 1120)" in long.message("en")


def test_a_long_password_is_judged_by_its_beginning_too() -> None:
    assert password_problem("a" * 500).rule == "repeat"
    assert password_problem("quiet lantern orbit marmalade " * 10) is None


@pytest.mark.parametrize(
    "password",
    [TEST_PASSWORD, "quiet lantern orbit marmalade", "Tr0ub4dor&3x-zebra", "zrH0h7yurHSeNO__"],
)
def test_strong_passwords_pass(password: str) -> None:
    assert password_problem(password, user_inputs=("designer@example.com",)) is None


def test_passwords_like_the_demo_admins_pass() -> None:
    """``flask demo`` gives its admin ``secrets.token_urlsafe(12)``."""
    for _ in range(50):
        assert password_problem(secrets.token_urlsafe(12), user_inputs=("admin@example.com",)) is None


def test_messages_say_why_in_both_languages() -> None:
    problem = password_problem("password12")
    assert problem.message("en") == (
        "This password is too easy to guess: it is (or is close to) a commonly used password. "
        "Use a few unrelated, uncommon words instead.")
    assert problem.message("zh_CN").startswith("密码太容易被猜到：它是（或接近）一个常用密码。")


def test_create_user_applies_the_rule_and_writes_nothing(session) -> None:
    for password in ("aaaaaaaaaa", "password12", "ana@example.com!"):
        with pytest.raises(WeakPassword) as caught:
            create_user(session, email="ana@example.com", password=password, role="viewer")
        assert "too easy to guess" in str(caught.value)
    assert session.scalars(select(User)).all() == []
