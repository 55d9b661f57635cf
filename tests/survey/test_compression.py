"""Text responses go compressed (zstd, brotli or gzip, as the client accepts) and decompress to
the very bytes sent uncompressed; the dashboard's plotly.js is compressed once per process."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask_compress.flask_compress import _uncompress_data

from reports.plotly_bundle import plotly_bundle

STATIC = Path(__file__).resolve().parents[2] / "survey" / "static"


def _plotly_url(client) -> str:
    html = client.get("/reports/").get_data(as_text=True)  # any page: url_for in a request
    assert html
    with client.application.test_request_context():
        from flask import url_for
        return url_for("reports.plotly_js")


@pytest.mark.parametrize("encoding", ["br", "gzip", "zstd"])
def test_the_plotly_bundle_goes_compressed_and_decompresses_to_the_bundle(client, login_as, encoding) -> None:
    login_as("viewer")
    url = _plotly_url(client)
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.data == plotly_bundle().data
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) // 2
    assert _uncompress_data(packed.data, encoding) == plain.data


def test_brotli_is_preferred_to_gzip_and_gzip_serves_the_rest(client, login_as) -> None:
    login_as("viewer")
    url = _plotly_url(client)
    chosen = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert chosen.headers["Content-Encoding"] == "br" and brotli.decompress(chosen.data) == plotly_bundle().data
    refused = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in refused.headers and refused.data == plotly_bundle().data


def test_only_the_immutable_bundle_is_kept_compressed(app, client, login_as) -> None:
    login_as("viewer")
    url = _plotly_url(client)
    cache = app.extensions["compress"].cache
    cache.data.clear()
    for _ in range(2):
        page = client.get("/reports/", headers={"Accept-Encoding": "br"})
        assert page.headers["Content-Encoding"] == "br"
        assert "<h1" in brotli.decompress(page.data).decode()
        script = client.get(url, headers={"Accept-Encoding": "br"})
        assert brotli.decompress(script.data) == plotly_bundle().data
    assert list(cache.data) == [f"br;{url}"]  # the page (a new CSRF token each time) never
    client.get("/reports/plotly.min.js?v=0123456789abcdef", headers={"Accept-Encoding": "br"})
    assert list(cache.data) == [f"br;{url}"]  # nor a URL of another version


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_go_compressed(client, encoding) -> None:
    original = (STATIC / "css" / "reports.css").read_bytes()
    response = client.get("/static/css/reports.css", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == encoding
    body = response.get_data()
    response.close()
    assert (brotli.decompress(body) if encoding == "br" else gzip.decompress(body)) == original
    assert int(response.headers["Content-Length"]) == len(body)


def test_a_versioned_static_file_is_compressed_once(app, client) -> None:
    with app.test_request_context():
        from flask import url_for
        url = url_for("static", filename="css/app.css")
    for _ in range(2):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(response.get_data()) == (STATIC / "css" / "app.css").read_bytes()
        response.close()
    assert list(app.extensions["compress"].cache.data) == [f"gzip;{url}"]


def test_a_page_decompresses_to_the_page(client, login_as) -> None:
    login_as("viewer")
    plain = client.get("/reports/?lang=zh_CN").get_data(as_text=True)
    packed = client.get("/reports/?lang=zh_CN", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    unpacked = gzip.decompress(packed.data).decode()
    strip = re.compile(r'value="[^"]+"|nonce-[^;"]+')  # the CSRF token of each form differs per response
    assert strip.sub("", unpacked) == strip.sub("", plain)
