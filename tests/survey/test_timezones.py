"""Times are stored in UTC and shown and read in the organisation's zone (XINSHENG_TIMEZONE)."""
from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime

import pytest

from config import ConfigError, load_environment
from survey.services.upload_tables import parse_datetime
from survey.timezones import local_midnight, local_time, offset_label


def _env(**extra: str) -> dict[str, str]:
    return {"XINSHENG_ENV": "testing", "XINSHENG_INSTANCE": tempfile.mkdtemp(), **extra}


def test_the_zone_defaults_to_china_and_a_bad_name_stops_the_start() -> None:
    assert load_environment(_env())["TIME_ZONE"] == "Asia/Shanghai"
    assert load_environment(_env(XINSHENG_TIMEZONE="Europe/Berlin"))["TIME_ZONE"] == "Europe/Berlin"
    with pytest.raises(ConfigError, match="XINSHENG_TIMEZONE='Mars/Olympus' is not a time zone name"):
        load_environment(_env(XINSHENG_TIMEZONE="Mars/Olympus"))


def test_times_are_shown_in_the_zone_with_its_offset(app) -> None:
    moment = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    with app.app_context():
        app.config["TIME_ZONE"] = "Asia/Shanghai"
        assert local_time(moment) == "2026-12-07 20:00 UTC+8"
        assert local_time(datetime(2026, 12, 7, 23, 30)) == "2026-12-08 07:30 UTC+8"  # naive = UTC (SQLite)
        assert local_time(datetime(2026, 12, 7, 23, 30), "%Y-%m-%d") == "2026-12-08"
        assert local_time(None) == ""
        app.config["TIME_ZONE"] = "Asia/Kolkata"
        assert local_time(moment) == "2026-12-07 17:30 UTC+5:30"
        app.config["TIME_ZONE"] = "America/St_Johns"
        assert offset_label(moment.astimezone(__import__("zoneinfo").ZoneInfo("America/St_Johns"))) == "UTC-3:30"


def test_a_naive_time_in_an_upload_is_read_where_the_team_works(app) -> None:
    with app.app_context():
        app.config["TIME_ZONE"] = "Asia/Shanghai"
        assert parse_datetime("2026-12-31 18:00") == datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
        assert parse_datetime("2026-12-31") == datetime(2026, 12, 30, 16, 0, tzinfo=UTC)
        assert parse_datetime("2026-12-31T18:00+00:00") == datetime(2026, 12, 31, 18, 0, tzinfo=UTC)  # offset wins
        assert local_midnight(date(2026, 12, 31)) == datetime(2026, 12, 30, 16, 0, tzinfo=UTC)


def test_pages_show_local_times(app, client, login_as, make_user) -> None:
    from survey.db import get_session
    from survey.questionnaire.templates import acsi_standard
    from survey.services.questionnaires import create_questionnaire, publish

    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        version.published_at = datetime(2026, 12, 7, 23, 15, tzinfo=UTC)
        session.commit()
        questionnaire_id = version.questionnaire_id
    login_as("designer")
    page = client.get(f"/design/{questionnaire_id}?lang=en").get_data(as_text=True)
    assert "2026-12-08 07:15 UTC+8" in page
