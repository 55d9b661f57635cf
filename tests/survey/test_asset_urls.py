"""Static files and the dashboard's plotly.js are linked with ``?v=<content digest>``; at the
current digest they are cached for a year (immutable), without it (or at an old one) they are not."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reports.plotly_bundle import plotly_bundle
from survey.asset_urls import IMMUTABLE, file_digest

STATIC = Path(__file__).resolve().parents[2] / "survey" / "static"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_pages_link_versioned_static_files_and_plotly(client, login_as) -> None:
    login_as("viewer")
    html = client.get("/reports/?lang=en").get_data(as_text=True)
    assert f'href="/static/css/app.css?v={_digest(STATIC / "css" / "app.css")}"' in html
    assert f'href="/static/css/reports.css?v={_digest(STATIC / "css" / "reports.css")}"' in html
    with client.application.test_request_context():
        from flask import url_for
        assert url_for("reports.plotly_js") == f"/reports/plotly.min.js?v={plotly_bundle().digest}"
        assert url_for("static", filename="no/such.css") == "/static/no/such.css"  # nothing to version


def test_versioned_urls_are_immutable_and_others_are_revalidated(client, login_as) -> None:
    login_as("viewer")
    css = f"/static/css/reports.css?v={_digest(STATIC / 'css' / 'reports.css')}"
    plotly = f"/reports/plotly.min.js?v={plotly_bundle().digest}"
    for url in (css, plotly):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE, url
        response.close()
    for url in ("/static/css/reports.css", "/static/css/reports.css?v=0000000000000000",
                "/reports/plotly.min.js", "/reports/plotly.min.js?v=0000000000000000"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" not in response.headers.get("Cache-Control", "") and \
            "no-cache" in response.headers.get("Cache-Control", ""), url
        response.close()


def test_the_bundle_is_revalidated_by_its_etag(client, login_as) -> None:
    login_as("viewer")
    first = client.get("/reports/plotly.min.js")
    again = client.get("/reports/plotly.min.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_changed_file_gets_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "a.css"
    path.write_text("a { color: red }")
    first = file_digest(path)
    path.write_text("a { color: blue; }")
    assert file_digest(path) != first and file_digest(path) == _digest(path)
    assert file_digest(tmp_path / "missing.css") is None


def test_a_path_outside_the_static_folder_is_not_versioned(app) -> None:
    with app.test_request_context():
        from flask import url_for
        assert not re.search(r"\?v=", url_for("static", filename="../../config.py"))
