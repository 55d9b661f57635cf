"""Which plotly.js the reports load (the dashboard's script and the standalone report's inline one).

The report figures use only Scatter and Bar traces, which plotly.js's "basic" partial bundle
draws: about a fifth of the full bundle. ``make install`` fetches it
(:mod:`reports.plotly_install`) into ``reports/vendor/``; when it is missing, or its version is
not the one the plotly package writes figures for, the full bundle shipped inside the plotly
package is used and a warning is logged.

* ``plotly_bundle(kind="basic" | "full") -> Bundle`` — the bytes, kind, version and a short
  content digest (for versioned, immutable URLs); read once per process.
* ``bundle_version(head) -> str | None`` — the version in a bundle's banner ("4.1.1").
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

BASIC_BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly-basic.min.js"
_BANNER = re.compile(rb"plotly\.js(?: \(basic - minified\))? v(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class Bundle:
    data: bytes
    kind: Literal["basic", "full"]
    version: str | None
    digest: str  # first 16 hex digits of the sha256 of data

    @cached_property
    def text(self) -> str:
        return self.data.decode("utf-8")


def full_bundle_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def bundle_version(head: bytes) -> str | None:
    match = _BANNER.search(head)
    return match.group(1).decode() if match else None


def _bundle(data: bytes, kind: Literal["basic", "full"]) -> Bundle:
    return Bundle(data=data, kind=kind, version=bundle_version(data[:512]),
                  digest=hashlib.sha256(data).hexdigest()[:16])


@cache
def plotly_bundle(kind: Literal["basic", "full"] = "basic", basic_path: Path = BASIC_BUNDLE) -> Bundle:
    """The basic bundle at ``basic_path`` (``kind="basic"``) or the full one; falls back to the
    full bundle, with a warning, when the basic one is missing or of another version."""
    full = _bundle(full_bundle_path().read_bytes(), "full")
    if kind == "full":
        return full
    try:
        basic = _bundle(basic_path.read_bytes(), "basic")
    except FileNotFoundError:
        logger.warning("plotly.js basic bundle %s is missing (run `make install`); serving the full "
                       "%s bundle of the plotly package instead", basic_path, f"{len(full.data):,}-byte")
        return full
    if basic.version != full.version:
        logger.warning("plotly.js basic bundle %s is version %s but the plotly package writes figures for "
                       "%s (run `make install`); serving the full bundle instead", basic_path, basic.version,
                       full.version)
        return full
    return basic
