"""Why a fit is not admissible or a model was not estimated, written in the reader's language.

The estimators store each reason as a code and its parameters (:class:`acsi.problems.Problem`);
:func:`problem_text` writes it with the translation catalogue (Flask-Babel) in the current
locale, :func:`problem_text_in` in a given one (the offline report and the PDF, made by a job or
a command). A reason a run stored before reasons had codes is English text and is shown as it
is: nothing is parsed back.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from acsi.problems import Problem
from reports.labels import construct_label
from survey.i18n import normalise_locale

__all__ = ["PROBLEM_MESSAGES", "problem_text", "problem_text_in"]

#: The sentence of each code (and of the weighted variant of "below_min_base").
PROBLEM_MESSAGES: Mapping[str, LazyString] = {
    "not_converged": _l("The estimation did not converge."),
    "loading_beyond_one": _l("The standardised loading of %(item)s is %(value)s; it must lie between −1 and 1."),
    "path_beyond_one": _l("The standardised path %(source)s → %(target)s is %(value)s; it must lie between "
                          "−1 and 1."),
    "correlations_undefined": _l("The construct correlations are undefined: a construct has no variance."),
    "not_positive_definite": _l("The construct correlation matrix is not positive definite (smallest "
                                "eigenvalue %(eigenvalue)s)."),
    "correlation_too_high": _l("The correlation of %(first)s and %(second)s is %(value)s; its absolute value must "
                               "not exceed %(limit)s."),
    "heywood_variance": _l("The variance of %(variable)s is %(value)s (%(share)s of its total variance): a "
                           "Heywood case."),
    "negative_disturbance": _l("R² of %(construct)s is %(value)s: its unexplained variance is negative."),
    "below_min_base": _l("%(n_used)s usable responses: fewer than the minimum base of %(min_base)s."),
    "below_min_base_weighted": _l("%(n_used)s usable responses (effective n %(n_effective)s): fewer than the "
                                  "minimum base of %(min_base)s."),
    "not_estimable": _l("The model cannot be estimated on these responses: %(detail)s"),
}

#: How each number is written (None: "—").
_NUMBER_FORMATS = {"value": ".3f", "eigenvalue": ".3g", "share": ".1%", "limit": "g", "n_effective": ",.1f",
                   "n_used": ",d", "min_base": ",d"}
#: Parameters that name a construct of the model (shown by its name in the locale).
_CONSTRUCTS = ("source", "target", "first", "second", "construct", "variable")


def _locale() -> str:
    return normalise_locale(str(get_locale() or "")) or "zh_CN"


def _shown(key: str, value: Any, locale: str) -> str:
    if value is None:
        return "—"
    if key in _NUMBER_FORMATS:
        spec = _NUMBER_FORMATS[key]
        return format(int(value) if spec.endswith("d") else float(value), spec).replace("-", "−")
    if key in _CONSTRUCTS:
        return construct_label(str(value), locale)
    return str(value)


def problem_text(problem: Problem | str) -> str:
    """``problem`` in the current locale; a stored English text as it is."""
    if isinstance(problem, str):
        return problem
    key = problem.code
    if key == "below_min_base" and problem.params["n_effective"] is not None:
        key = "below_min_base_weighted"
    locale = _locale()
    values = {name: _shown(name, value, locale) for name, value in problem.params.items()
              if name != "method"}
    message = PROBLEM_MESSAGES[key]
    return str(message) % values if values else str(message)


def problem_text_in(locale: str) -> Callable[[Problem | str], str]:
    """:func:`problem_text` in ``locale`` ("zh_CN" or "en"), whatever the current one is."""
    def text(problem: Problem | str) -> str:
        with force_locale(locale):
            return problem_text(problem)
    return text
