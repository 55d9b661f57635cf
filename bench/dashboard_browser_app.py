"""The app as served, for bench/dashboard_browser.py. ``BENCH_DASHBOARD_DELIVERY=old`` serves it
as it was before issue 17 item 5: the plotly package's full plotly.js and no compression (the
baseline the benchmark measures in the same run); anything else: as shipped."""
from __future__ import annotations

import os

from survey.app import create_app

OLD = {"PLOTLY_BUNDLE": "full", "COMPRESS_REGISTER": False}

app = create_app(OLD if os.environ.get("BENCH_DASHBOARD_DELIVERY") == "old" else None)
