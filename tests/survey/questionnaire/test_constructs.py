"""Completeness of construct bindings, on small hand-built questionnaires."""
from __future__ import annotations

import pytest

from acsi.spec import BUILTIN_MODELS
from survey.questionnaire.constructs import CompletenessReport, completeness
from survey.questionnaire.document import (
    Binding, MatrixRow, Page, Question, Questionnaire, ScaleSettings, Texts,
)


def _rating(code: str, binding: Binding | None) -> Question:
    return Question(code=code, type="rating", text=Texts(f"题 {code}", f"Item {code}"),
                    binding=binding, settings=ScaleSettings(min=1, max=10))


def _questionnaire(*questions: Question) -> Questionnaire:
    return Questionnaire(title=Texts("测试", "Test"),
                         pages=(Page("p1", Texts("第一页", "Page 1"), questions),))


def _acsi(code: str, construct: str, indicator: str) -> Question:
    return _rating(code, Binding("acsi", construct, indicator))


def _row(report: CompletenessReport, model: str, construct: str):
    (row,) = [r for r in report.rows if r.model == model and r.construct == construct]
    return row


def test_complete_value_block_and_only_bound_models_reported() -> None:
    report = completeness(_questionnaire(_acsi("pq", "value", "PQ"), _acsi("qp", "value", "QP"),
                                         _rating("extra", None)), BUILTIN_MODELS)
    assert report.models() == ("acsi",)
    assert [r.construct for r in report.rows] == list(BUILTIN_MODELS["acsi"].construct_names)
    value = _row(report, "acsi", "value")
    assert (value.indicators, value.expected, value.found) == (("PQ", "QP"), 2, 2)
    assert value.complete
    assert value.label == Texts("感知价值", "perceived value")
    assert value.message("en") == "ACSI — perceived value: 2 of 2 items"
    # the other constructs are reported as missing, so the whole report is incomplete
    quality = _row(report, "acsi", "quality")
    assert (quality.found, quality.expected, quality.complete) == (0, 3, False)
    assert report.problems == () and report.custom == ()
    assert not report.complete


def test_partial_construct_reads_one_of_two_in_both_languages() -> None:
    report = completeness(_questionnaire(_acsi("qp", "value", "QP")), BUILTIN_MODELS)
    value = _row(report, "acsi", "value")
    assert (value.indicators, value.found, value.complete) == (("QP",), 1, False)
    assert value.message("en") == "ACSI — perceived value: 1 of 2 items"
    assert value.message("zh") == "ACSI — 感知价值：2 项中的 1 项"
    assert value.message("zh_CN") == value.message("zh")
    complaints = _row(report, "acsi", "complaints")
    assert complaints.message("en") == "ACSI — customer complaints: 0 of 1 item"
    assert "ACSI — perceived value: 1 of 2 items" in report.messages("en")


def test_whole_model_complete_with_yes_no_and_matrix_rows() -> None:
    spec = BUILTIN_MODELS["acsi"]
    rows = tuple(MatrixRow(item.lower(), Texts(item, item), Binding("acsi", c.name, item))
                 for c in spec.constructs if c.name != "complaints" for item in c.items)
    matrix = Question(code="grid", type="matrix", text=Texts("评分", "Ratings"), rows=rows,
                      settings=ScaleSettings(min=1, max=10))
    comp = Question(code="comp", type="yes_no", text=Texts("投诉过吗？", "Complained?"),
                    binding=Binding("acsi", "complaints", "COMP"))
    report = completeness(_questionnaire(matrix, comp), BUILTIN_MODELS)
    assert report.complete
    assert all(r.complete and r.found == r.expected for r in report.rows)
    assert sum(r.found for r in report.rows) == len(spec.items)


def test_unknown_construct_is_a_problem_and_counts_nowhere() -> None:
    report = completeness(_questionnaire(_acsi("img", "image", "IMAGE1"),
                                         _acsi("satis", "satisfaction", "SATIS")), BUILTIN_MODELS)
    (problem,) = report.problems
    assert (problem.kind, problem.model, problem.construct, problem.variables) == (
        "unknown_construct", "acsi", "image", ("img",))
    assert "ACSI has no construct 'image' (variable img)" in problem.message("en")
    assert "构念“image”" in problem.message("zh")
    assert sum(r.found for r in report.rows) == 1
    assert not report.complete


def test_indicator_not_in_construct_names_the_construct_items() -> None:
    report = completeness(_questionnaire(_acsi("q1", "value", "SATIS")), BUILTIN_MODELS)
    (problem,) = report.problems
    assert problem.kind == "unknown_indicator"
    assert problem.known == ("PQ", "QP")
    assert problem.message("en") == ("ACSI — perceived value has no indicator 'SATIS' "
                                     "(variable q1); its indicators are PQ, QP")
    assert "感知价值中没有指标“SATIS”" in problem.message("zh")
    assert _row(report, "acsi", "value").found == 0
    assert _row(report, "acsi", "satisfaction").found == 0


def test_indicator_bound_twice_is_counted_once_and_reported() -> None:
    report = completeness(_questionnaire(_acsi("pq", "value", "PQ"), _acsi("pq2", "value", "PQ"),
                                         _acsi("qp", "value", "QP")), BUILTIN_MODELS)
    value = _row(report, "acsi", "value")
    assert (value.found, value.complete) == (2, True)
    (problem,) = report.problems
    assert (problem.kind, problem.indicator, problem.variables) == (
        "duplicate_indicator", "PQ", ("pq", "pq2"))
    assert problem.message("en") == ("ACSI indicator 'PQ' is bound to 2 variables (pq, pq2); "
                                     "bind each indicator once")
    assert not report.complete


def test_custom_model_is_grouped_and_counted_only() -> None:
    report = completeness(_questionnaire(
        _rating("a1", Binding("service", "staff", "S1")),
        _rating("a2", Binding("service", "staff", "S2")),
        _rating("a3", Binding("service", "speed", "S3")),
        _acsi("satis", "satisfaction", "SATIS")), BUILTIN_MODELS)
    (custom,) = report.custom
    assert (custom.model, custom.constructs, custom.found) == ("service", ("staff", "speed"), 3)
    assert custom.message("en") == "Custom model 'service': 3 items bound (2 constructs)"
    assert custom.message("zh") == "自定义模型“service”：已绑定 3 项（2 个构念）"
    assert report.models() == ("acsi", "service")
    assert {r.model for r in report.rows} == {"acsi"}
    assert report.problems == ()


def test_model_not_in_mapping_is_custom_even_if_builtin_elsewhere() -> None:
    only_ccsi = {"ccsi": BUILTIN_MODELS["ccsi"]}
    report = completeness(_questionnaire(_acsi("satis", "satisfaction", "SATIS")), only_ccsi)
    assert report.rows == ()
    assert [c.model for c in report.custom] == ["acsi"]


def test_no_bindings_reports_nothing() -> None:
    report = completeness(_questionnaire(_rating("q1", None)), BUILTIN_MODELS)
    assert (report.rows, report.custom, report.problems, report.messages("en")) == ((), (), (), ())
    assert report.complete


def test_rejects_a_non_questionnaire() -> None:
    with pytest.raises(TypeError, match="needs a Questionnaire"):
        completeness("not a questionnaire", BUILTIN_MODELS)  # type: ignore[arg-type]
