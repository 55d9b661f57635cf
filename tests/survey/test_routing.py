"""Ids in URLs beyond what an Integer column holds are "not found", on every database."""
from __future__ import annotations

import pytest

from survey.routing import MAX_ID


@pytest.mark.parametrize("number", [str(MAX_ID + 1), "9" * 11, "9" * 20, "1" + "0" * 30])
@pytest.mark.parametrize("template", ["/design/{}", "/design/{}/pages/0", "/reports/runs/{}/dashboard",
                                      "/reports/runs/{}", "/exports/{}", "/invitations/{}/links.csv"])
def test_ids_too_large_for_the_database_are_404(client, login_as, template, number) -> None:
    login_as("admin")
    response = client.get(template.format(number) + "?lang=en")
    assert response.status_code == 404


def test_the_largest_id_is_still_routed_and_simply_not_found(client, login_as) -> None:
    login_as("admin")
    assert client.get(f"/design/{MAX_ID}").status_code == 404
    assert client.get(f"/reports/runs/{MAX_ID}/dashboard").status_code == 404


def test_run_ids_too_large_for_the_database_in_the_compare_form_are_refused(client, login_as) -> None:
    login_as("analyst")
    response = client.get(f"/reports/runs/compare?a={MAX_ID + 1}&b={10**25}&lang=en")
    assert response.status_code == 302 and response.headers["Location"].endswith("/reports/runs")
