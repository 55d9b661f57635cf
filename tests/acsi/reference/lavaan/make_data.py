"""Write the synthetic data sets and model files that make_reference.R fits (see README.md).

Run from the repository root:
``PYTHONPATH=. .venv/bin/python tests/acsi/reference/lavaan/make_data.py OUTDIR``.
The tests rebuild the same data with :func:`reference_case` and compare with the committed JSON;
they never run R.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from acsi.spec import BUILTIN_MODELS, ModelSpec
from acsi.synthetic import simulate_acsi

CASES = ("acsi_continuous", "acsi_misspecified", "ecsi_likert_weighted")


def reference_case(name: str) -> tuple[pd.DataFrame, ModelSpec, str | None]:
    """(data, model to fit, weight column or None) of one reference case."""
    acsi = BUILTIN_MODELS["acsi"]
    if name == "acsi_continuous":  # well-conditioned, correctly specified
        return simulate_acsi(2000, seed=20261123).frame, acsi, None
    if name == "acsi_misspecified":  # data has expectation -> loyalty, the fitted model has not
        generating = ModelSpec.from_lavaan(acsi.to_lavaan() + "\nloyalty ~ expectation", name="acsi+")
        frame = simulate_acsi(1000, seed=4242, spec=generating, paths={("expectation", "loyalty"): 0.3}).frame
        return frame, acsi, None
    if name == "ecsi_likert_weighted":  # 1-10 answers, respondent weights 0.5 / 1 / 2
        frame = simulate_acsi(3000, seed=777, spec=BUILTIN_MODELS["ecsi"], discretize=(1, 10)).frame
        weights = np.random.default_rng(778).choice([0.5, 1.0, 2.0], size=len(frame))
        return frame.assign(weight=weights), BUILTIN_MODELS["ecsi"], "weight"
    raise KeyError(name)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        frame, spec, _ = reference_case(name)
        frame.to_csv(out_dir / f"{name}.csv", index=False)
        (out_dir / f"{name}.lavaan").write_text(spec.to_lavaan() + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
