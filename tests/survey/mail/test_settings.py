from __future__ import annotations

import pytest

from config import ConfigError, load_environment
from survey.mail.settings import MailSettings, MailSettingsError


def test_a_full_url_is_read_with_its_defaults() -> None:
    s = MailSettings.from_url("smtp://mailer%40corp:p%40ss@mail.example.com:587?from=survey@example.com")
    assert (s.host, s.port, s.tls, s.username, s.password, s.sender) == (
        "mail.example.com", 587, "starttls", "mailer@corp", "p@ss", "survey@example.com")
    assert "p@ss" not in s.describe()
    assert MailSettings.from_url("smtps://mail.example.com", default_sender="a@example.com").port == 465
    assert MailSettings.from_url("smtps://mail.example.com", default_sender="a@example.com").tls == "ssl"
    assert MailSettings.from_url("smtp://127.0.0.1:25", default_sender="a@example.com").tls == "none"


@pytest.mark.parametrize("url, rule", [
    ("http://mail.example.com", "must start with smtp:// or smtps://"),
    ("smtp://", "names no host"),
    ("smtp://mail.example.com:99999", "port that is not a number"),
    ("smtp://mail.example.com?tls=maybe", "tls='maybe' must be one of starttls, ssl, none"),
    ("smtp://mail.example.com?form=a@example.com", "unknown options ['form']"),
    ("smtp://mail.example.com?from=nobody", "'nobody' is not an e-mail address"),
    ("smtp://mail.example.com?timeout=0", "timeout must be between"),
])
def test_a_broken_url_names_its_rule(url, rule) -> None:
    with pytest.raises(MailSettingsError, match=rule.replace("[", r"\[").replace("]", r"\]").replace("?", r"\?")):
        MailSettings.from_url(url, default_sender="" if "from=" in url else "a@example.com")


def test_the_app_refuses_to_start_with_a_broken_mail_url() -> None:
    with pytest.raises(ConfigError, match="smtp://"):
        load_environment({"XINSHENG_ENV": "testing", "MAIL_URL": "smtq://x"})
    settings = load_environment({"XINSHENG_ENV": "testing"})
    assert settings["MAIL_URL"] == ""  # sending off
    assert load_environment({"XINSHENG_ENV": "testing", "MAIL_URL": "smtp://127.0.0.1:2525",
                             "MAIL_FROM": "cx@example.com"})["MAIL_FROM"] == "cx@example.com"
