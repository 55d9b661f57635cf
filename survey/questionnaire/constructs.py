"""Construct-binding completeness: which model indicators a questionnaire measures.

:func:`completeness` reads the bindings of every answer variable (rating, NPS, yes/no and
numeric questions, and matrix rows) and compares them with measurement models such as
``acsi.spec.BUILTIN_MODELS``. The designer shows the result before publishing, one line per
construct: "ACSI — perceived value: 1 of 2 items" / "ACSI — 感知价值：2 项中的 1 项".

* Only models the questionnaire binds at least one variable to are reported; every construct of
  such a model gets a :class:`ConstructCoverage` row, in the model's declaration order.
* A binding to a model name not in ``models`` is a custom model: reported as a
  :class:`CustomModelCoverage` (how many indicators are bound, nothing is expected).
* Mistakes are :class:`BindingProblem` values: a construct the model does not have, an
  indicator the construct does not have, or one indicator bound to two variables.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from acsi.spec import Construct, ModelSpec
from survey.questionnaire.document import Questionnaire, Texts

__all__ = [
    "ConstructCoverage", "CustomModelCoverage", "BindingProblem", "CompletenessReport",
    "completeness", "model_display_name", "MODEL_DISPLAY_NAMES",
]

Locale = Literal["zh", "zh_CN", "en"]
ProblemKind = Literal["unknown_construct", "unknown_indicator", "duplicate_indicator"]

#: How built-in model names are written in messages; other names are shown as they are.
MODEL_DISPLAY_NAMES: Mapping[str, str] = {"acsi": "ACSI", "ecsi": "ECSI", "ccsi": "CCSI"}


def model_display_name(model: str) -> str:
    """Return the name of ``model`` as shown to people ('acsi' → 'ACSI')."""
    return MODEL_DISPLAY_NAMES.get(model, model)


def _chinese(locale: str) -> bool:
    return locale.lower().startswith("zh")


@dataclass(frozen=True, slots=True)
class ConstructCoverage:
    """How many of one construct's indicators the questionnaire measures.

    ``indicators`` are the bound indicators in the model's item order; ``expected`` is the
    number of items of the construct, ``found`` the number bound (each counted once).
    """

    model: str
    construct: str
    label: Texts
    indicators: tuple[str, ...]
    expected: int
    found: int
    complete: bool

    def message(self, locale: Locale | str) -> str:
        """Return e.g. "ACSI — perceived value: 1 of 2 items" or "ACSI — 感知价值：2 项中的 1 项"."""
        name = model_display_name(self.model)
        if _chinese(locale):
            return f"{name} — {self.label.zh}：{self.expected} 项中的 {self.found} 项"
        noun = "item" if self.expected == 1 else "items"
        return f"{name} — {self.label.en}: {self.found} of {self.expected} {noun}"


@dataclass(frozen=True, slots=True)
class CustomModelCoverage:
    """Bindings to a model the report does not know: only counted, nothing is expected."""

    model: str
    constructs: tuple[str, ...]
    found: int

    def message(self, locale: Locale | str) -> str:
        """Return e.g. "Custom model 'justice': 5 items bound" / "自定义模型“justice”：已绑定 5 项"."""
        if _chinese(locale):
            return (f"自定义模型“{self.model}”：已绑定 {self.found} 项"
                    f"（{len(self.constructs)} 个构念）")
        noun = "item" if self.found == 1 else "items"
        constructs = "construct" if len(self.constructs) == 1 else "constructs"
        return (f"Custom model '{self.model}': {self.found} {noun} bound "
                f"({len(self.constructs)} {constructs})")


@dataclass(frozen=True, slots=True)
class BindingProblem:
    """A binding that cannot count towards its model; ``variables`` are the answer variables."""

    kind: ProblemKind
    model: str
    construct: str
    indicator: str
    variables: tuple[str, ...]
    known: tuple[str, ...] = ()  # the model's constructs, or the construct's indicators
    label: Texts = Texts()  # the construct's label, when the model has that construct

    def message(self, locale: Locale | str) -> str:
        """Return the problem in ``locale``, naming the variable(s) and the rule broken."""
        name, zh = model_display_name(self.model), _chinese(locale)
        construct = self.label.get(locale) or self.construct
        variables = ("、" if zh else ", ").join(self.variables)
        known = ("、" if zh else ", ").join(self.known)
        if self.kind == "unknown_construct":
            if zh:
                return (f"{name} 模型中没有构念“{self.construct}”（变量 {variables}）；"
                        f"可用构念：{known}")
            return (f"{name} has no construct '{self.construct}' (variable {variables}); "
                    f"its constructs are {known}")
        if self.kind == "unknown_indicator":
            if zh:
                return (f"{name} — {construct}中没有指标“{self.indicator}”（变量 {variables}）；"
                        f"该构念的指标为 {known}")
            return (f"{name} — {construct} has no indicator '{self.indicator}' (variable "
                    f"{variables}); its indicators are {known}")
        if zh:
            return (f"{name} 指标“{self.indicator}”被绑定了 {len(self.variables)} 次"
                    f"（{variables}）；每个指标只能绑定一次")
        return (f"{name} indicator '{self.indicator}' is bound to {len(self.variables)} "
                f"variables ({variables}); bind each indicator once")


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    """Per-construct coverage of the bound models, custom models, and binding problems."""

    rows: tuple[ConstructCoverage, ...]
    custom: tuple[CustomModelCoverage, ...]
    problems: tuple[BindingProblem, ...]

    @property
    def complete(self) -> bool:
        """True when every reported construct is fully measured and there is no problem."""
        return all(row.complete for row in self.rows) and not self.problems

    def models(self) -> tuple[str, ...]:
        """Return the reported model names (built-in, then custom), in first-bound order."""
        return tuple(dict.fromkeys([r.model for r in self.rows] + [c.model for c in self.custom]))

    def rows_for(self, model: str) -> tuple[ConstructCoverage, ...]:
        """Return the construct rows of ``model`` (empty if it is not reported)."""
        return tuple(row for row in self.rows if row.model == model)

    def messages(self, locale: Locale | str) -> tuple[str, ...]:
        """Return one line per construct row, custom model and problem, in that order."""
        return tuple(x.message(locale) for x in (*self.rows, *self.custom, *self.problems))


def _label(block: Construct) -> Texts:
    return Texts(block.label_zh or block.name, block.label_en or block.name)


def completeness(questionnaire: Questionnaire,
                 models: Mapping[str, ModelSpec]) -> CompletenessReport:
    """Compare the questionnaire's bindings with ``models`` (name → spec, e.g. BUILTIN_MODELS).

    Returns a :class:`CompletenessReport`; raises nothing for bad bindings (they become
    problems). Raises ``TypeError`` if ``questionnaire`` is not a ``Questionnaire``.
    """
    if not isinstance(questionnaire, Questionnaire):
        raise TypeError(f"completeness() needs a Questionnaire, got {type(questionnaire).__name__}")
    # (model, indicator) -> (construct of the first binding, variable codes), in order
    bound: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for variable in questionnaire.variables():
        binding = variable.binding
        if binding is None:
            continue
        key = (binding.model, binding.indicator)
        if key in bound:
            bound[key][1].append(variable.code)
        else:
            bound[key] = (binding.construct, [variable.code])

    problems: list[BindingProblem] = []
    reported: dict[str, None] = {}  # built-in models bound at least once, in first-bound order
    found: dict[tuple[str, str], list[str]] = {}  # (model, construct) -> indicators
    custom: dict[str, tuple[dict[str, None], list[str]]] = {}
    for (model, indicator), (construct, variables) in bound.items():
        if len(variables) > 1:
            problems.append(BindingProblem("duplicate_indicator", model, construct, indicator,
                                           tuple(variables)))
        spec = models.get(model)
        if spec is None:
            constructs, indicators = custom.setdefault(model, ({}, []))
            constructs[construct] = None
            indicators.append(indicator)
            continue
        reported[model] = None
        if construct not in spec.construct_names:
            problems.append(BindingProblem("unknown_construct", model, construct, indicator,
                                           tuple(variables), spec.construct_names))
        elif indicator not in spec.construct(construct).items:
            block = spec.construct(construct)
            problems.append(BindingProblem("unknown_indicator", model, construct, indicator,
                                           tuple(variables), block.items, _label(block)))
        else:
            found.setdefault((model, construct), []).append(indicator)

    rows: list[ConstructCoverage] = []
    for model in reported:
        for block in models[model].constructs:
            present = set(found.get((model, block.name), ()))
            indicators = tuple(item for item in block.items if item in present)
            rows.append(ConstructCoverage(
                model=model, construct=block.name,
                label=_label(block),
                indicators=indicators, expected=len(block.items), found=len(indicators),
                complete=len(indicators) == len(block.items)))
    return CompletenessReport(
        rows=tuple(rows),
        custom=tuple(CustomModelCoverage(model, tuple(constructs), len(indicators))
                     for model, (constructs, indicators) in custom.items()),
        problems=tuple(problems))
