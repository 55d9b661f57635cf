"""``python -m acsi kano|nps|wom|complaints``: per-segment metrics from a CSV file.

Input columns and the JSON output are documented in docs/acsi-metrics-json.md. Rows are named
by their CSV line (the header is line 1). Every segment is compared with the rest of the sample
(Holm-adjusted across segments); suppressed cells print no numbers unless --show-suppressed.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from acsi.complaints import (ComplaintSettings, ComplaintSummary, parse_yes_no,
                             summarise_complaints)
from acsi.cli.tables import read_table
from acsi.errors import InputDataError
from acsi.kano import KanoSettings, analyse_kano
from acsi.nps import NpsResult, compare_nps, net_promoter_score, nps_group
from acsi.multiple_testing import holm_adjust, versus_rest_families
from acsi.segments import (ALL_SEGMENT, Comparison, SuppressionRule, compare_means_with_rest,
                           compare_proportions_with_rest, split_by_segment, welch_anova)
from acsi.word_of_mouth import (CalibratedWordOfMouth, MeasuredWordOfMouth,
                                WordOfMouthSettings, calibrated_word_of_mouth,
                                measured_word_of_mouth, parse_valence)

__all__ = ["register"]


def _require(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InputDataError(f"column {column!r} is required; the file has {list(frame.columns)}")


def _answered(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for column in columns:
        values = frame[column]
        keep &= (values.notna() & (values.astype(str).str.strip() != "")).to_numpy()
    return frame[keep]


def _weights(frame: pd.DataFrame, column: str | None) -> np.ndarray | None:
    return None if column is None else frame[column].to_numpy(dtype=float)


def _segments(frame: pd.DataFrame, args: argparse.Namespace,
              one: Callable[[pd.DataFrame], dict[str, Any]],
              versus_rest: Callable[[pd.DataFrame, pd.DataFrame], dict[str, Comparison]]
              ) -> list[dict[str, Any]]:
    """Per segment: {"segment", "n", **one(rows), "comparison_with_rest"} with Holm per test."""
    entries, comparisons, labels = [], [], []
    for label, rows in split_by_segment(frame, args.segment):
        entry = {"segment": label, "n": int(len(rows)), **one(rows)}
        tests = {} if label == ALL_SEGMENT else versus_rest(rows, frame.drop(index=rows.index))
        entries.append(entry)
        comparisons.append(tests)
        labels.append(label)
    segment_labels = [label for label in labels if label != ALL_SEGMENT]
    families = [ALL_SEGMENT if label == ALL_SEGMENT else family for label, family in zip(
        labels, [ALL_SEGMENT, *versus_rest_families(segment_labels, frame, args.segment)])]
    for key in {k for tests in comparisons for k in tests}:
        holm = holm_adjust([tests[key].p_value if key in tests else None for tests in comparisons],
                           families=families)
        for tests, adjusted in zip(comparisons, holm):
            if key in tests:
                t = tests[key]
                tests[key] = Comparison(t.test, t.difference, t.statistic, t.p_value, adjusted)
    for entry, tests in zip(entries, comparisons):
        entry["comparison_with_rest"] = (None if entry["segment"] == ALL_SEGMENT
                                         else {k: v.to_dict() for k, v in sorted(tests.items())})
    return entries


def _across_segments(frame: pd.DataFrame, args: argparse.Namespace, metric: str,
                     values: Callable[[pd.DataFrame], np.ndarray]) -> dict[str, Any] | None:
    """Welch ANOVA of ``metric`` across the segments (not "all"); None when unweighted data
    with at least two segments of at least two values is not available."""
    if args.segment is None or args.weights is not None:
        return None
    groups = [values(rows) for label, rows in split_by_segment(frame, args.segment)
              if label != ALL_SEGMENT]
    if len(groups) < 2 or any(g.size < 2 for g in groups):
        return None
    return {"metric": metric, **welch_anova(groups).to_dict()}


def _rule(args: argparse.Namespace) -> SuppressionRule:
    return SuppressionRule(args.min_shown, args.min_reliable, args.max_relative_se)


def _run_kano(args: argparse.Namespace, frame: pd.DataFrame) -> dict[str, Any]:
    settings = KanoSettings(category_strength_threshold=args.threshold,
                            screen_extreme=args.screen_extreme, confidence=args.confidence,
                            suppression=_rule(args))
    _require(frame, "attribute", "functional", "dysfunctional")

    def one(rows: pd.DataFrame) -> dict[str, Any]:
        results = analyse_kano(rows, weights=args.weights, settings=settings)
        n = (rows["respondent"].nunique() if "respondent" in rows.columns
             else max((r.n for r in results), default=0))
        return {"n": int(n), "attributes": [r.to_dict(redact_suppressed=not args.show_suppressed)
                                            for r in results]}
    return {"segments": _segments(frame, args, one, lambda rows, rest: {}),
            "across_segments": None}


def _run_nps(args: argparse.Namespace, frame: pd.DataFrame) -> dict[str, Any]:
    _require(frame, "nps")
    frame = _answered(frame, "nps")

    def result(rows: pd.DataFrame) -> NpsResult:
        return net_promoter_score(rows["nps"], weights=_weights(rows, args.weights),
                                  confidence=args.confidence, rule=_rule(args))

    def one(rows: pd.DataFrame) -> dict[str, Any]:
        return result(rows).to_dict(redact_suppressed=not args.show_suppressed)

    def scores(rows: pd.DataFrame) -> np.ndarray:
        groups = [nps_group(v) for v in rows["nps"]]
        return np.array([100.0 if g == "promoter" else -100.0 if g == "detractor" else 0.0
                         for g in groups])
    return {"segments": _segments(frame, args, one, lambda rows, rest: {
                "nps": compare_nps(result(rows), result(rest))}),
            "across_segments": _across_segments(frame, args, "nps", scores)}


def _complainers(frame: pd.DataFrame) -> pd.DataFrame:
    if "complained" not in frame.columns:
        return frame
    answered = _answered(frame, "complained")
    flags = [parse_yes_no(v, where=f"row {i}, complained") for i, v in answered["complained"].items()]
    return answered[np.array(flags, dtype=bool)]


def _share_test(first: tuple[float | None, float], second: tuple[float | None, float]
                ) -> Comparison:
    """Two-proportion z on effective counts (share × n_eff) of two (share, n_eff) cells."""
    (p1, n1), (p2, n2) = first, second
    if p1 is None or p2 is None:
        return Comparison("two_proportion_z", None, None, None)
    return compare_proportions_with_rest(p1 * n1, n1, p2 * n2, n2)


def _run_wom(args: argparse.Namespace, frame: pd.DataFrame) -> dict[str, Any]:
    settings = WordOfMouthSettings(args.reach_satisfied, args.reach_dissatisfied,
                                   suppression=_rule(args))
    has_calibrated = "resolution_satisfaction" in frame.columns
    has_measured = {"people_told", "told_valence"} <= set(frame.columns)
    if not (has_calibrated or has_measured):
        raise InputDataError("word of mouth needs 'resolution_satisfaction' or both 'people_told' "
                             f"and 'told_valence'; the file has {list(frame.columns)}")
    redact = not args.show_suppressed

    def calibrated(rows: pd.DataFrame) -> CalibratedWordOfMouth:
        rows = _answered(_complainers(rows), "resolution_satisfaction")
        return calibrated_word_of_mouth(rows["resolution_satisfaction"], settings=settings,
                                        weights=_weights(rows, args.weights),
                                        confidence=args.confidence)

    def measured_rows(rows: pd.DataFrame) -> pd.DataFrame:
        return _answered(_complainers(rows), "people_told", "told_valence")

    def measured(rows: pd.DataFrame) -> MeasuredWordOfMouth:
        rows = measured_rows(rows)
        return measured_word_of_mouth(rows["people_told"], rows["told_valence"], settings=settings,
                                      weights=_weights(rows, args.weights),
                                      confidence=args.confidence)

    def one(rows: pd.DataFrame) -> dict[str, Any]:
        return {"calibrated": calibrated(rows).to_dict(redact_suppressed=redact)
                if has_calibrated else None,
                "measured": measured(rows).to_dict(redact_suppressed=redact)
                if has_measured else None}

    def net_values(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        rows = measured_rows(rows)
        told = pd.to_numeric(rows["people_told"]).to_numpy(dtype=float)
        signs = [parse_valence(v) for v in rows["told_valence"]]
        return told * np.array(signs, dtype=float), _weights(rows, args.weights)

    def versus_rest(rows: pd.DataFrame, rest: pd.DataFrame) -> dict[str, Comparison]:
        tests = {}
        if has_calibrated:
            first, second = calibrated(rows), calibrated(rest)
            tests["fully_satisfied_share"] = _share_test(
                (first.fully_satisfied_share, first.n_effective),
                (second.fully_satisfied_share, second.n_effective))
        if has_measured:
            (a, wa), (b, wb) = net_values(rows), net_values(rest)
            tests["measured_net"] = compare_means_with_rest(a, b, segment_weights=wa,
                                                            rest_weights=wb)
        return tests
    return {"segments": _segments(frame, args, one, versus_rest),
            "across_segments": _across_segments(frame, args, "measured_net",
                                                lambda rows: net_values(rows)[0])
            if has_measured else None}


def _run_complaints(args: argparse.Namespace, frame: pd.DataFrame) -> dict[str, Any]:
    settings = ComplaintSettings(suppression=_rule(args))

    def summary(rows: pd.DataFrame) -> ComplaintSummary:
        return summarise_complaints(rows, weights=args.weights, settings=settings,
                                    confidence=args.confidence)

    def one(rows: pd.DataFrame) -> dict[str, Any]:
        return summary(rows).to_dict(redact_suppressed=not args.show_suppressed)

    def handle(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        answered = _answered(_complainers(rows), "handle")
        return (pd.to_numeric(answered["handle"]).to_numpy(dtype=float),
                _weights(answered, args.weights))

    def versus_rest(rows: pd.DataFrame, rest: pd.DataFrame) -> dict[str, Comparison]:
        first, second = summary(rows), summary(rest)
        tests = {}
        for name in ("complaint_rate", "resolution_rate", "first_contact_resolution"):
            a, b = getattr(first, name), getattr(second, name)
            if a is not None:
                tests[name] = _share_test((a.estimate, a.n_effective), (b.estimate, b.n_effective))
        if "handle" in frame.columns:
            (a, wa), (b, wb) = handle(rows), handle(rest)
            tests["handling_mean"] = compare_means_with_rest(a, b, segment_weights=wa,
                                                             rest_weights=wb)
        return tests
    return {"segments": _segments(frame, args, one, versus_rest),
            "across_segments": _across_segments(frame, args, "handling_mean",
                                                lambda rows: handle(rows)[0])
            if "handle" in frame.columns else None}


_RUNNERS = {"kano": _run_kano, "nps": _run_nps, "wom": _run_wom, "complaints": _run_complaints}


def _table(value: Any, prefix: str = "") -> list[str]:
    """Flatten a JSON value to aligned "key  value" lines (the --format table view)."""
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _table(v, f"{prefix}{k}.")]
    if isinstance(value, list):
        return [line for i, v in enumerate(value) for line in _table(v, f"{prefix}{i}.")]
    text = ("—" if value is None else f"{value:.4f}" if isinstance(value, float)
            else str(value))
    return [f"{prefix.rstrip('.'):<60} {text}"]


def _run(args: argparse.Namespace) -> int:
    frame = read_table(args.data, weights=args.weights)
    output = _RUNNERS[args.command](args, frame)
    segments = output["segments"]
    document = {"command": args.command, "segment_column": args.segment,
                "weights_column": args.weights, "confidence": args.confidence,
                "suppression": {"min_shown": args.min_shown, "min_reliable": args.min_reliable,
                                "max_relative_se": args.max_relative_se},
                "segments": segments, "across_segments": output["across_segments"]}
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        for entry in segments:
            print(f"== segment {entry['segment']} (n={entry['n']}) ==")
            print("\n".join(_table({k: v for k, v in entry.items() if k not in ("segment",)})))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the kano, nps, wom and complaints subcommands."""
    helps = {"kano": "Kano categories per attribute (columns attribute, functional, dysfunctional"
                     "[, importance, respondent])",
             "nps": "Net Promoter Score (column nps, 0-10)",
             "wom": "word-of-mouth indices (resolution_satisfaction; people_told + told_valence)",
             "complaints": "complaint metrics (complained, handle, resolution_status, ...)"}
    for name, text in helps.items():
        parser = subparsers.add_parser(
            name, help=text, description=text,
            epilog="Input columns and the JSON schema: docs/acsi-metrics-json.md")
        parser.add_argument("--data", required=True, help="CSV file, UTF-8, header row")
        parser.add_argument("--segment", help="column whose values define segments")
        parser.add_argument("--weights", help="column of survey weights (>= 0)")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument("--confidence", type=float, default=0.95)
        parser.add_argument("--min-shown", type=int, default=30, help="suppress below this n")
        parser.add_argument("--min-reliable", type=int, default=60,
                            help="flag 'unreliable' below this n")
        parser.add_argument("--max-relative-se", type=float, default=0.30)
        parser.add_argument("--show-suppressed", action="store_true",
                            help="print the numbers of suppressed cells (still flagged)")
        if name == "kano":
            parser.add_argument("--threshold", type=float, default=0.06,
                                help="category-strength threshold")
            parser.add_argument("--screen-extreme", action="store_true",
                                help="drop respondents answering the same extreme to everything")
        if name == "wom":
            parser.add_argument("--reach-satisfied", type=float, default=4.5)
            parser.add_argument("--reach-dissatisfied", type=float, default=9.5)
        parser.set_defaults(func=_run)

