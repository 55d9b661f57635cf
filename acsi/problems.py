"""Why a fit is inadmissible or a model was not estimated, as a code and its parameters.

One type, :class:`Problem`, for the admissibility checks of PLS (:mod:`acsi.validity`) and
CB-SEM (:mod:`acsi.admissibility`) and for the segments :mod:`acsi.segment_fit` skips. A
problem is stored as ``{"code": ..., "params": {...}}`` (:meth:`Problem.to_dict`) and written
in a language only when it is shown: :meth:`Problem.english` for the CLI and the fit document's
English texts, the web layer's catalogue (``survey.reports.problem_text``) for zh_CN and en.

Parameters are JSON values: construct and item names as strings, numbers unrounded (the
renderer rounds), counts as integers; a number that is undefined is ``None``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, get_args

__all__ = ["PROBLEM_CODES", "PROBLEM_PARAMS", "Problem", "ProblemCode", "english_text"]

ProblemCode = Literal[
    "not_converged", "loading_beyond_one", "path_beyond_one", "correlations_undefined", "not_positive_definite",
    "correlation_too_high", "heywood_variance", "negative_disturbance", "below_min_base", "not_estimable"]
PROBLEM_CODES: tuple[str, ...] = get_args(ProblemCode)

#: The parameters each code carries (all of them, none other).
PROBLEM_PARAMS: Mapping[str, frozenset[str]] = MappingProxyType({
    "not_converged": frozenset(),
    "loading_beyond_one": frozenset({"item", "value"}),
    "path_beyond_one": frozenset({"source", "target", "value"}),
    "correlations_undefined": frozenset(),
    "not_positive_definite": frozenset({"eigenvalue"}),
    "correlation_too_high": frozenset({"first", "second", "value", "limit"}),
    "heywood_variance": frozenset({"variable", "value", "share"}),
    "negative_disturbance": frozenset({"construct", "value"}),
    # n_effective: Kish's effective n of a weighted segment, None unweighted; method "cbsem" adds
    # items + 1 to the rule of the minimum base.
    "below_min_base": frozenset({"n_used", "n_effective", "min_base", "method"}),
    # detail: the estimator's own message (acsi.errors), in English.
    "not_estimable": frozenset({"detail"}),
})


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a fit is not admissible or a model was not estimated: ``code`` (one of
    :data:`PROBLEM_CODES`) and ``params`` (exactly the names :data:`PROBLEM_PARAMS` lists for it).

    Raises ValueError naming the code or the parameters when they do not follow those rules.
    """

    code: ProblemCode
    params: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_PARAMS:
            raise ValueError(f"problem code {self.code!r} is not one of {', '.join(PROBLEM_CODES)}")
        given, wanted = set(self.params), PROBLEM_PARAMS[self.code]
        if given != wanted:
            raise ValueError(f"problem {self.code!r} takes the parameters {sorted(wanted)}, got {sorted(given)}")
        object.__setattr__(self, "params", MappingProxyType({k: _plain(v) for k, v in self.params.items()}))

    def english(self) -> str:
        """The problem as an English sentence (the CLI, the fit document's texts)."""
        return _ENGLISH[self.code](self.params)

    def to_dict(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}``, JSON-serialisable."""
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        """The problem :meth:`to_dict` stored; raises ValueError for an unknown code or parameters."""
        return cls(data["code"], dict(data.get("params") or {}))


def english_text(problem: Problem | str) -> str:
    """``problem`` in English; a stored text (a run stored before problems had codes) as it is."""
    return problem if isinstance(problem, str) else problem.english()


def _plain(value: Any) -> Any:
    """A JSON value: numpy scalars become Python numbers, NaN / ±inf become None."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return int(value)
    if isinstance(value, float) or hasattr(value, "dtype"):
        number = float(value)
        return number if math.isfinite(number) else None
    raise ValueError(f"problem parameter {value!r} is not a string, number or None")


def _number(value: float | None, spec: str) -> str:
    return "undefined" if value is None else format(value, spec)


def _below_min_base(p: Mapping[str, Any]) -> str:
    weighted = "" if p["n_effective"] is None else f" (effective n {_number(p['n_effective'], '.1f')})"
    cbsem = ", items + 1" if p["method"] == "cbsem" else ""
    return (f"{p['n_used']} usable rows{weighted}: below the minimum base of {p['min_base']} (min_base rule: "
            f"max(50, 10 × most arrows into a construct{cbsem}), or as set)")


_ENGLISH: Mapping[str, Callable[[Mapping[str, Any]], str]] = MappingProxyType({
    "not_converged": lambda p: "the algorithm did not converge",
    "loading_beyond_one": lambda p: (f"standardised loading of {p['item']!r} is {_number(p['value'], '.4f')}; "
                                     "|loading| must be ≤ 1"),
    "path_beyond_one": lambda p: (f"standardised path {p['source']} -> {p['target']} is "
                                  f"{_number(p['value'], '.4f')}; |path| must be ≤ 1"),
    "correlations_undefined": lambda p: "the construct correlations are undefined (a construct has zero variance)",
    "not_positive_definite": lambda p: ("the construct correlation matrix is not positive definite (smallest "
                                        f"eigenvalue {_number(p['eigenvalue'], '.3g')})"),
    "correlation_too_high": lambda p: (f"constructs {p['first']!r} and {p['second']!r} correlate "
                                       f"{_number(p['value'], '.4f')}; |correlation| must be ≤ {p['limit']}"),
    "heywood_variance": lambda p: (f"variance of {p['variable']!r} is {_number(p['value'], '.4g')} "
                                   f"({_number(p['share'], '.2%')} of its total variance): a Heywood case"),
    "negative_disturbance": lambda p: (f"R² of {p['construct']!r} is {_number(p['value'], '.3f')}: "
                                       "negative disturbance variance"),
    "below_min_base": _below_min_base,
    "not_estimable": lambda p: f"not estimable: {p['detail']}",
})
