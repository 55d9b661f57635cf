"""The fit document's roll-up leaves inadmissible fits out and says so."""
from __future__ import annotations

import pytest

from acsi.report import fit_report
from acsi.spec import BUILTIN_MODELS

ECSI = BUILTIN_MODELS["ecsi"]


def test_an_inadmissible_segment_is_flagged_and_left_out_of_the_rollup(make_segment_frame):
    data = make_segment_frame({"a": 150, "b": 150, "c": 150}, {}, seed=21)
    loyalty = [c.items for c in ECSI.constructs if c.name == "loyalty"][0]
    satisfaction = [c.items for c in ECSI.constructs if c.name == "satisfaction"][0]
    in_b = data["region"] == "b"
    for target, source in zip(loyalty, satisfaction):  # loyalty answers copy satisfaction in b: r ≈ 1
        data.loc[in_b, target] = data.loc[in_b, source]
    document = fit_report(ECSI, data, segment="region", rollup_weights={"a": 2, "b": 1, "c": 1},
                          rollup_source="revenue")
    entries = {e["segment"]: e for e in document["segments"]}
    assert entries["b"]["admissible"] is False and entries["a"]["admissible"] is True
    rolled = document["rollup"]
    assert rolled["excluded"] == ["b"] and rolled["excluded_weight_share"] == pytest.approx(0.25)
    a, c = entries["a"]["indices"]["satisfaction"], entries["c"]["indices"]["satisfaction"]
    assert rolled["value"] == pytest.approx((2 * a + c) / 3, abs=1e-12)
    assert "roll-up leaves out inadmissible fits: b" in document["warnings"]
