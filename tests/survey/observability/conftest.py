"""Fixtures for the observability tests."""
from __future__ import annotations

import pytest

from metrics_scrape import AUTH, TOKEN, Scrape


@pytest.fixture
def scrape(app, client):
    """Scrape /metrics with the token (set on ``app`` here)."""
    app.config["METRICS_TOKEN"] = TOKEN

    def read() -> Scrape:
        response = client.get("/metrics", headers=AUTH)
        assert response.status_code == 200, response.get_data(as_text=True)
        return Scrape(response.get_data(as_text=True))

    return read
