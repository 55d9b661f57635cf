"""today() and now() in show-if and validation rules read the organisation's clock
(TIME_ZONE), whatever the server's own time zone is."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from survey.services.page_flow import rule_holds

# 25 hours apart: at every moment these two zones are on different dates.
EARLIEST, LATEST = "Pacific/Kiritimati", "Pacific/Pago_Pago"


def _dates(zone: str) -> set[str]:
    return {datetime.now(ZoneInfo(zone)).date().isoformat()}


@pytest.mark.parametrize(("zone", "other"), [(EARLIEST, LATEST), (LATEST, EARLIEST)])
def test_today_is_the_date_in_the_organisations_time_zone(app: Flask, zone: str, other: str) -> None:
    app.config["TIME_ZONE"] = zone
    with app.app_context():
        before = _dates(zone)
        holds = {day: rule_holds(f"today() = '{day}'", {}) for day in before | _dates(other)}
        after = _dates(zone)
    own_dates = before | after  # the date may turn while the test runs
    assert any(holds[day] for day in own_dates if day in holds)
    assert not any(holds[day] for day in holds if day not in own_dates)


def test_validation_against_today_uses_the_same_clock(app: Flask) -> None:
    app.config["TIME_ZONE"] = EARLIEST
    with app.app_context():
        today = datetime.now(ZoneInfo(EARLIEST)).date().isoformat()
        behind = datetime.now(ZoneInfo(LATEST)).date().isoformat()
        assert rule_holds(". <= today()", {}, current=today)
        assert rule_holds(". <= today()", {}, current=behind)
        assert rule_holds("today() - . >= 1", {}, current=behind)


def test_outside_an_app_the_clock_is_utc() -> None:
    before = datetime.now(ZoneInfo("UTC")).date().isoformat()
    holds = rule_holds(f"today() = '{before}'", {})
    after = datetime.now(ZoneInfo("UTC")).date().isoformat()
    assert holds or before != after
