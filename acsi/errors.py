"""The error hierarchy of :mod:`acsi`.

Every message names the offending value and the rule it broke, so the web layer and the CLI can
show it to a person unchanged.
"""
from __future__ import annotations


class AcsiError(ValueError):
    """Base class of every error raised deliberately by :mod:`acsi`."""


class InputDataError(AcsiError):
    """The data cannot be analysed as given (unknown column, non-numeric cell, constant item...)."""


class InsufficientDataError(AcsiError):
    """Too few usable rows for the requested analysis."""


class ModelSpecError(AcsiError):
    """A model specification is malformed (unknown construct, duplicate item, bad syntax...)."""


class EstimationError(AcsiError):
    """An estimator failed to produce a result (no convergence, singular matrix, optimiser error)."""
