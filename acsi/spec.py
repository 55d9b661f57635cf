"""Model specifications: constructs, their items and the structural paths, as immutable values.

A :class:`ModelSpec` is what every estimator in :mod:`acsi` takes. It validates itself on
construction (unknown construct in a path, duplicate item, cycle, empty block raise
:class:`~acsi.errors.ModelSpecError`), prints itself as lavaan syntax (:meth:`ModelSpec.to_lavaan`)
so the same model runs in semopy / lavaan / seminr, and parses the same subset back
(:meth:`ModelSpec.from_lavaan`).

Built-in models (:data:`BUILTIN_MODELS`):

``acsi``
    The ACSI model of Fornell et al. (1996) with the ACSI 2015 dataset variable names. Two
    choices are ours and are documented here:

    * **complaints** is measured by ``COMP`` alone (complained yes/no, coded 0/1), a single-item
      construct. ``HANDLE`` (how well the complaint was handled) is asked of complainers only, so
      putting it in the block would make listwise deletion drop every non-complainer; it is
      analysed separately by the complaint metrics instead.
    * **loyalty** is measured by ``REPUR`` alone. The price-tolerance items ``HIGHPTOL`` /
      ``LOWPTOL`` are percentages, not 1–10 ratings, and each respondent answers only one of them
      (which one depends on the repurchase answer), so they are structurally missing for about
      half the sample and cannot share a reflective block with listwise deletion. A study that
      has a combined price-tolerance column can add it through :meth:`ModelSpec.from_lavaan`.

``ecsi``
    The ECSI model as in the "mobi" example shipped with seminr / semPLS: seven constructs
    (image, expectation, quality, value, satisfaction, complaints, loyalty), 24 items with the
    mobi column names and the 12 mobi paths.

``ccsi``
    The Chinese CSI (Tsinghua CCSI): brand image, expected quality, perceived quality, perceived
    value, satisfaction, loyalty — ECSI without complaints (10 paths). There is no public
    dataset with fixed variable names, so the item names are ours: ``IMAGE1–3``,
    ``EXPECT1–3``, ``QUALITY1–3``, ``VALUE1–2``, ``SATIS1–3``, ``LOYAL1–2``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from acsi.errors import ModelSpecError

__all__ = ["Construct", "ModelSpec", "BUILTIN_MODELS", "CONSTRUCT_LABELS"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True, slots=True)
class Construct:
    """One latent construct: its name, its item columns and its measurement mode.

    ``mode`` "A" is reflective (correlation weights), "B" formative (regression weights).
    """

    name: str
    items: tuple[str, ...]
    mode: Literal["A", "B"] = "A"
    label_en: str = ""
    label_zh: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _IDENTIFIER.match(self.name):
            raise ModelSpecError(f"construct name {self.name!r} is not a valid identifier")
        if isinstance(self.items, str) or not isinstance(self.items, tuple):
            raise ModelSpecError(
                f"construct {self.name!r}: items must be a tuple of column names, got {self.items!r}")
        if not self.items:
            raise ModelSpecError(f"construct {self.name!r} has an empty block: it needs at least one item")
        for item in self.items:
            if not isinstance(item, str) or not _IDENTIFIER.match(item):
                raise ModelSpecError(f"construct {self.name!r}: item {item!r} is not a valid column name")
        seen: set[str] = set()
        for item in self.items:
            if item in seen:
                raise ModelSpecError(f"construct {self.name!r} lists item {item!r} twice")
            seen.add(item)
        if self.mode not in ("A", "B"):
            raise ModelSpecError(f"construct {self.name!r}: mode {self.mode!r} must be 'A' or 'B'")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A PLS / SEM model: constructs (measurement model) and directed paths (structural model).

    Raises :class:`ModelSpecError` when a path names an unknown construct, an item appears in
    two blocks, the paths form a cycle, a path is repeated or loops on itself, or a construct
    takes part in no path (in a model with more than one construct).
    """

    name: str
    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.constructs:
            raise ModelSpecError(f"model {self.name!r} has no constructs")
        names = [c.name for c in self.constructs]
        seen_names: set[str] = set()
        for n in names:
            if n in seen_names:
                raise ModelSpecError(f"model {self.name!r} defines construct {n!r} twice")
            seen_names.add(n)
        owner: dict[str, str] = {}
        for c in self.constructs:
            for item in c.items:
                if item in owner:
                    raise ModelSpecError(
                        f"item {item!r} appears in both {owner[item]!r} and {c.name!r}; "
                        "each item may measure one construct only")
                if item in seen_names:
                    raise ModelSpecError(f"item {item!r} has the same name as a construct")
                owner[item] = c.name
        seen_paths: set[tuple[str, str]] = set()
        for path in self.paths:
            if not (isinstance(path, tuple) and len(path) == 2):
                raise ModelSpecError(f"path {path!r} must be a (from, to) pair")
            source, target = path
            for end in (source, target):
                if end not in seen_names:
                    raise ModelSpecError(
                        f"path {source!r} -> {target!r} names unknown construct {end!r}; "
                        f"known: {', '.join(names)}")
            if source == target:
                raise ModelSpecError(f"path {source!r} -> {target!r} points a construct at itself")
            if path in seen_paths:
                raise ModelSpecError(f"path {source!r} -> {target!r} is listed twice")
            seen_paths.add(path)
        if len(names) > 1:
            connected = {n for p in self.paths for n in p}
            for n in names:
                if n not in connected:
                    raise ModelSpecError(f"construct {n!r} takes part in no structural path")
        cycle = _find_cycle(names, self.paths)
        if cycle:
            raise ModelSpecError(
                "the structural paths contain a cycle " + " -> ".join(cycle)
                + "; only recursive models can be estimated")

    def construct(self, name: str) -> Construct:
        """Return the construct called ``name``; raise :class:`ModelSpecError` if there is none."""
        for c in self.constructs:
            if c.name == name:
                return c
        raise ModelSpecError(f"model {self.name!r} has no construct {name!r}")

    @property
    def construct_names(self) -> tuple[str, ...]:
        """Construct names in declaration order."""
        return tuple(c.name for c in self.constructs)

    @property
    def items(self) -> tuple[str, ...]:
        """All item columns, block by block, in declaration order."""
        return tuple(item for c in self.constructs for item in c.items)

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Constructs that some path points at, in declaration order."""
        targets = {t for _, t in self.paths}
        return tuple(c.name for c in self.constructs if c.name in targets)

    def predecessors(self, name: str) -> tuple[str, ...]:
        """Constructs with a path into ``name``, in declaration order of the paths."""
        return tuple(s for s, t in self.paths if t == name)

    def to_lavaan(self) -> str:
        """The model in lavaan syntax: ``=~`` (mode A) / ``<~`` (mode B) lines, then ``~`` lines."""
        lines = [
            f"{c.name} {'=~' if c.mode == 'A' else '<~'} {' + '.join(c.items)}" for c in self.constructs]
        for target in self.endogenous:
            lines.append(f"{target} ~ {' + '.join(self.predecessors(target))}")
        return "\n".join(lines)

    @classmethod
    def from_lavaan(cls, text: str, *, name: str = "custom") -> ModelSpec:
        """Parse the lavaan subset ``lhs =~ a + b`` (reflective), ``lhs <~ a + b`` (formative) and
        ``lhs ~ x + y`` (regression), one statement per line or separated by ``;``, ``#`` comments.

        Raises :class:`ModelSpecError` naming the line number for any other operator (``~~``,
        ``:=``), modifiers (``0.5*x``), a construct measured twice, or a bad name.
        """
        blocks: dict[str, tuple[tuple[str, ...], str]] = {}
        paths: list[tuple[str, str]] = []
        for lineno, raw in enumerate(text.splitlines(), start=1):
            for statement in raw.split("#", 1)[0].split(";"):
                statement = statement.strip()
                if not statement:
                    continue
                parsed = _parse_statement(statement, lineno)
                lhs, op, rhs = parsed
                if op in ("=~", "<~"):
                    if lhs in blocks:
                        raise ModelSpecError(f"line {lineno}: construct {lhs!r} is measured twice")
                    blocks[lhs] = (rhs, "A" if op == "=~" else "B")
                else:
                    paths.extend((source, lhs) for source in rhs)
        if not blocks:
            raise ModelSpecError("the lavaan text defines no construct (no '=~' or '<~' line)")
        constructs = tuple(
            Construct(n, items, mode, *CONSTRUCT_LABELS.get(n, ("", "")))  # type: ignore[arg-type]
            for n, (items, mode) in blocks.items())
        return cls(name=name, constructs=constructs, paths=tuple(paths))


def _parse_statement(statement: str, lineno: int) -> tuple[str, str, tuple[str, ...]]:
    for bad in ("~~", ":=", "==", "<", ">", "|"):
        if bad in statement.replace("<~", "").replace("=~", ""):
            raise ModelSpecError(f"line {lineno}: operator {bad!r} is not supported in {statement!r}")
    match = re.match(r"^\s*(\S+)\s*(=~|<~|~)\s*(.*)$", statement)
    if match is None:
        raise ModelSpecError(f"line {lineno}: expected 'lhs =~ items', 'lhs <~ items' or 'lhs ~ causes', "
                             f"got {statement!r}")
    lhs, op, rhs_text = match.groups()
    terms = tuple(t.strip() for t in rhs_text.split("+"))
    if not rhs_text.strip() or any(not t for t in terms):
        raise ModelSpecError(f"line {lineno}: empty term on the right of {op!r} in {statement!r}")
    for term in (lhs, *terms):
        if "*" in term:
            raise ModelSpecError(f"line {lineno}: modifiers such as {term!r} are not supported")
        if not _IDENTIFIER.match(term):
            raise ModelSpecError(f"line {lineno}: {term!r} is not a valid name")
    return lhs, op, terms


def _find_cycle(names: list[str], paths: tuple[tuple[str, str], ...]) -> list[str]:
    """Return one directed cycle as a list of names (first == last), or [] if the graph is acyclic."""
    successors: dict[str, list[str]] = {n: [] for n in names}
    for s, t in paths:
        successors[s].append(t)
    state: dict[str, int] = dict.fromkeys(names, 0)  # 0 new, 1 on stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in successors[node]:
            if state[nxt] == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state[nxt] == 0:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for n in names:
        if state[n] == 0:
            found = visit(n)
            if found:
                return found
    return []


#: (English, Chinese) labels of the built-in construct names.
CONSTRUCT_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "image": ("brand image", "品牌形象"),
    "expectation": ("customer expectations", "顾客期望"),
    "quality": ("perceived quality", "感知质量"),
    "value": ("perceived value", "感知价值"),
    "satisfaction": ("customer satisfaction", "顾客满意度"),
    "complaints": ("customer complaints", "顾客抱怨"),
    "loyalty": ("customer loyalty", "顾客忠诚"),
})


def _construct(name: str, *items: str) -> Construct:
    en, zh = CONSTRUCT_LABELS[name]
    return Construct(name, tuple(items), "A", en, zh)


_ACSI_PATHS = (
    ("expectation", "quality"), ("expectation", "value"), ("expectation", "satisfaction"),
    ("quality", "value"), ("quality", "satisfaction"), ("value", "satisfaction"),
    ("satisfaction", "complaints"), ("satisfaction", "loyalty"), ("complaints", "loyalty"),
)
_IMAGE_PATHS = (("image", "expectation"), ("image", "satisfaction"), ("image", "loyalty"))

ACSI = ModelSpec("acsi", (
    _construct("expectation", "OVERALLX", "CUSTOMX", "WRONGX"),
    _construct("quality", "OVERALLQ", "CUSTOMQ", "WRONGQ"),
    _construct("value", "PQ", "QP"),
    _construct("satisfaction", "SATIS", "CONFIRM", "IDEAL"),
    _construct("complaints", "COMP"),
    _construct("loyalty", "REPUR"),
), _ACSI_PATHS)

ECSI = ModelSpec("ecsi", (
    _construct("image", "IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"),
    _construct("expectation", "CUEX1", "CUEX2", "CUEX3"),
    _construct("quality", "PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"),
    _construct("value", "PERV1", "PERV2"),
    _construct("satisfaction", "CUSA1", "CUSA2", "CUSA3"),
    _construct("complaints", "CUSCO"),
    _construct("loyalty", "CUSL1", "CUSL2", "CUSL3"),
), _IMAGE_PATHS + _ACSI_PATHS)

CCSI = ModelSpec("ccsi", (
    _construct("image", "IMAGE1", "IMAGE2", "IMAGE3"),
    _construct("expectation", "EXPECT1", "EXPECT2", "EXPECT3"),
    _construct("quality", "QUALITY1", "QUALITY2", "QUALITY3"),
    _construct("value", "VALUE1", "VALUE2"),
    _construct("satisfaction", "SATIS1", "SATIS2", "SATIS3"),
    _construct("loyalty", "LOYAL1", "LOYAL2"),
), _IMAGE_PATHS + tuple(p for p in _ACSI_PATHS if "complaints" not in p))

#: The built-in models by name.
BUILTIN_MODELS: Mapping[str, ModelSpec] = MappingProxyType({"acsi": ACSI, "ecsi": ECSI, "ccsi": CCSI})
