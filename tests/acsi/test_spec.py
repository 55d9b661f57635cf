"""Model specifications: construction rules, built-in models, lavaan round trip."""
from __future__ import annotations

import dataclasses

import pytest

from acsi.errors import ModelSpecError
from acsi.spec import BUILTIN_MODELS, Construct, ModelSpec


def small(paths=(("a", "b"),), **blocks):
    blocks = blocks or {"a": ("x1", "x2"), "b": ("y1",)}
    return ModelSpec("m", tuple(Construct(n, items) for n, items in blocks.items()), tuple(paths))


def test_builtin_models_have_the_documented_shape():
    acsi, ecsi, ccsi = (BUILTIN_MODELS[k] for k in ("acsi", "ecsi", "ccsi"))
    assert acsi.construct_names == ("expectation", "quality", "value", "satisfaction", "complaints", "loyalty")
    assert acsi.construct("satisfaction").items == ("SATIS", "CONFIRM", "IDEAL")
    assert acsi.construct("complaints").items == ("COMP",)
    assert len(acsi.paths) == 9 and ("satisfaction", "complaints") in acsi.paths
    assert len(ecsi.items) == 24 and len(ecsi.paths) == 12
    assert ecsi.construct("quality").items == tuple(f"PERQ{i}" for i in range(1, 8))
    assert "complaints" not in ccsi.construct_names and len(ccsi.paths) == 10
    for model in BUILTIN_MODELS.values():
        for construct in model.constructs:
            assert construct.label_en and construct.label_zh
    assert acsi.construct("satisfaction").label_zh == "顾客满意度"


def test_specs_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BUILTIN_MODELS["acsi"].name = "x"  # type: ignore[misc]


@pytest.mark.parametrize("model", ["acsi", "ecsi", "ccsi"])
def test_lavaan_round_trip(model):
    spec = BUILTIN_MODELS[model]
    again = ModelSpec.from_lavaan(spec.to_lavaan(), name=model)
    assert again.constructs == spec.constructs
    assert set(again.paths) == set(spec.paths)


def test_to_lavaan_text():
    spec = ModelSpec.from_lavaan("f <~ x1 + x2\ng =~ y1 + y2 # comment\ng ~ f")
    assert spec.construct("f").mode == "B"
    assert spec.to_lavaan() == "f <~ x1 + x2\ng =~ y1 + y2\ng ~ f"
    assert spec.items == ("x1", "x2", "y1", "y2")


@pytest.mark.parametrize(("text", "message"), [
    ("a =~ x1\nb =~ y1\na ~~ b", "line 3: operator '~~'"),
    ("a =~ x1 + \nb =~ y1", "line 1: empty term"),
    ("a =~ 0.5*x1\nb =~ y\nb ~ a", "line 1"),
    ("a =~ x1\na =~ x2", "line 2: construct 'a' is measured twice"),
    ("a ~ b", "defines no construct"),
    ("a =~ x1\nb =~ y1\nb ~ c", "unknown construct 'c'"),
])
def test_from_lavaan_errors_name_the_line(text, message):
    with pytest.raises(ModelSpecError, match=message):
        ModelSpec.from_lavaan(text)


def test_validation_rules():
    with pytest.raises(ModelSpecError, match="unknown construct 'c'"):
        small(paths=(("a", "c"),))
    with pytest.raises(ModelSpecError, match="item 'x1' appears in both 'a' and 'b'"):
        small(a=("x1",), b=("x1",))
    with pytest.raises(ModelSpecError, match="lists item 'x1' twice"):
        Construct("a", ("x1", "x1"))
    with pytest.raises(ModelSpecError, match="empty block"):
        Construct("a", ())
    with pytest.raises(ModelSpecError, match="cycle a -> b -> c -> a"):
        small(paths=(("a", "b"), ("b", "c"), ("c", "a")), a=("x",), b=("y",), c=("z",))
    with pytest.raises(ModelSpecError, match="at itself"):
        small(paths=(("a", "a"), ("a", "b")))
    with pytest.raises(ModelSpecError, match="takes part in no structural path"):
        small(a=("x",), b=("y",), c=("z",))
    with pytest.raises(ModelSpecError, match="listed twice"):
        small(paths=(("a", "b"), ("a", "b")))
    with pytest.raises(ModelSpecError, match="mode 'C'"):
        Construct("a", ("x",), "C")  # type: ignore[arg-type]
    with pytest.raises(ModelSpecError, match="no construct 'nope'"):
        BUILTIN_MODELS["acsi"].construct("nope")


def test_predecessors_and_endogenous():
    ecsi = BUILTIN_MODELS["ecsi"]
    assert ecsi.predecessors("satisfaction") == ("image", "expectation", "quality", "value")
    assert ecsi.endogenous == ("expectation", "quality", "value", "satisfaction", "complaints", "loyalty")
