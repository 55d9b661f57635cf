"""The reports load plotly.js's basic bundle as `make install` fetched it, and fall back to the
plotly package's full bundle (with a warning) when it is missing or of another version."""
from __future__ import annotations

import logging
import re

from reports import plotly_install
from reports.figures import report_figures
from reports.plotly_bundle import BASIC_BUNDLE, bundle_version, full_bundle_path, plotly_bundle
from reports.view_model import build_report


def test_make_install_put_the_basic_bundle_of_the_packages_version_in_place() -> None:
    assert BASIC_BUNDLE.is_file(), "run `make install-test` (python -m reports.plotly_install)"
    bundle = plotly_bundle()
    full = plotly_bundle("full")
    assert bundle.kind == "basic" and bundle.data == BASIC_BUNDLE.read_bytes()
    assert bundle.version == full.version == plotly_install.VERSION
    assert len(bundle.data) * 3 < len(full.data)  # 1.2 MB of 4.8 MB
    assert bundle.digest != full.digest and len(bundle.digest) == 16


def test_the_pin_follows_the_plotly_package() -> None:
    """Upgrading plotly (requirements.lock) without updating the pinned basic bundle fails here."""
    assert bundle_version(full_bundle_path().read_bytes()[:512]) == plotly_install.VERSION
    assert plotly_install.VERSION in plotly_install.TARBALL_URL


def test_a_missing_basic_bundle_falls_back_to_the_full_one(tmp_path, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="reports.plotly_bundle"):
        bundle = plotly_bundle("basic", tmp_path / "plotly-basic.min.js")
    assert bundle.kind == "full" and bundle.data == full_bundle_path().read_bytes()
    assert "is missing" in caplog.text and "make install" in caplog.text


def test_a_basic_bundle_of_another_version_is_not_used(tmp_path, caplog) -> None:
    stale = tmp_path / "plotly-basic.min.js"
    stale.write_bytes(b"/**\n* plotly.js (basic - minified) v1.58.5\n*/\nvar Plotly = {};\n")
    with caplog.at_level(logging.WARNING, logger="reports.plotly_bundle"):
        bundle = plotly_bundle("basic", stale)
    assert bundle.kind == "full"
    assert "version 1.58.5" in caplog.text


def _trace_types(bundle: bytes) -> set[str]:
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle.decode("utf-8")))


def test_the_basic_bundle_draws_every_trace_type_the_reports_use(results, previous) -> None:
    """A figure with a trace type the basic bundle lacks (a heatmap, say) would stay blank."""
    view = build_report(results, run_id=4, previous=previous)
    used = {trace.type for locale in ("zh_CN", "en") for fig in report_figures(view, locale).values()
            for trace in fig.data}
    assert used and used <= _trace_types(plotly_bundle().data) == {"scatter", "bar", "pie"}
    assert len(_trace_types(plotly_bundle("full").data)) > 40  # the check reads real registrations
