"""``python -m acsi kano|nps|wom|complaints``: per-segment metrics from a CSV file.

Input columns and the JSON output are documented in docs/acsi-metrics-json.md. Rows are named
by their CSV line (the header is line 1). The numbers come from the run orchestrator the app
uses (:func:`acsi.run.analyse`): every segment is compared with the rest of the sample by the
test of :mod:`acsi.segment_tests` (Holm over the distinct comparisons of the run), and this
module only turns the file into a plan and the results into the documented JSON. Suppressed
cells print no numbers unless --show-suppressed.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

import pandas as pd

from acsi.cli.tables import read_table
from acsi.errors import InputDataError
from acsi.run import COMPLAINT_COLUMNS, KanoPair, RunOptions, RunPlan, RunResults, analyse
from acsi.segments import ALL_SEGMENT, SuppressionRule

__all__ = ["register"]

#: The Welch ANOVA of each command (``across_segments``), by its metric in the run's tests.
_ACROSS = {"nps": "nps:nps", "wom": "wom:measured_net", "complaints": "complaints:handling_mean"}
_WOM_COLUMNS = ("complained", "resolution_satisfaction", "people_told", "told_valence")


def _require(frame: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InputDataError(f"column {column!r} is required; the file has {list(frame.columns)}")


def _one_per_respondent(frame: pd.DataFrame, who: pd.Series, column: str) -> pd.Series:
    """``column``'s value per respondent; raises InputDataError when a respondent's rows differ."""
    values = frame[column].astype(object).where(frame[column].notna(), None)
    for respondent, rows in values.groupby(who, sort=False):
        if rows.nunique(dropna=False) > 1:
            lines = list(rows.index[:2])
            raise InputDataError(f"respondent {respondent!r} has different {column!r} values in rows "
                                 f"{lines[0]} and {lines[1]}; a respondent has one")
    return frame[column].groupby(who, sort=False).first()


def _kano_plan(args: argparse.Namespace, frame: pd.DataFrame) -> tuple[RunPlan, pd.DataFrame]:
    """Long Kano answers (a row per respondent and attribute) → one row per respondent with a
    functional / dysfunctional (/ importance) column per attribute, and its plan."""
    from acsi.kano import check_answers

    _require(frame, "attribute", "functional", "dysfunctional")
    check_answers(frame)
    if args.screen_extreme and "respondent" not in frame.columns:
        raise InputDataError("screening extreme answers needs a 'respondent' column")
    frame = frame[frame["attribute"].notna()]
    labels = frame.index.astype(str)
    who = (frame["respondent"].astype(str).str.strip().where(frame["respondent"].notna(), "line " + labels)
           if "respondent" in frame.columns else pd.Series("line " + labels, index=frame.index))
    attribute = frame["attribute"].astype(str).str.strip()
    repeated = (who + "\x00" + attribute).duplicated()
    if repeated.any():
        line = repeated.index[repeated.to_numpy()][0]
        raise InputDataError(f"row {line}: respondent {who[line]!r} answers attribute {attribute[line]!r} "
                             "a second time")
    wide = pd.DataFrame(index=pd.Index(pd.unique(who), name="respondent"))
    pairs = []
    for position, name in enumerate(pd.unique(attribute)):
        rows = frame[attribute == name]
        columns = {part: f"kano{position}:{part}" for part in ("functional", "dysfunctional", "importance")}
        for part in ("functional", "dysfunctional", *(("importance",) if "importance" in frame.columns else ())):
            wide[columns[part]] = pd.Series(rows[part].to_numpy(), index=who[rows.index].to_numpy())
        pairs.append(KanoPair(str(name), columns["functional"], columns["dysfunctional"],
                              columns["importance"] if "importance" in frame.columns else None))
    for column in {c for c in (args.segment, args.weights) if c and c in frame.columns}:
        wide[column] = _one_per_respondent(frame, who, column)
    return RunPlan(kano=tuple(pairs)), wide


def _nps_plan(args: argparse.Namespace, frame: pd.DataFrame) -> tuple[RunPlan, pd.DataFrame]:
    _require(frame, "nps")
    return RunPlan(nps={"nps": "nps"}), frame


def _wom_plan(args: argparse.Namespace, frame: pd.DataFrame) -> tuple[RunPlan, pd.DataFrame]:
    columns = set(frame.columns)
    if not ("resolution_satisfaction" in columns or {"people_told", "told_valence"} <= columns):
        raise InputDataError("word of mouth needs 'resolution_satisfaction' or both 'people_told' "
                             f"and 'told_valence'; the file has {list(frame.columns)}")
    return RunPlan(complaints=tuple(c for c in _WOM_COLUMNS if c in columns),
                   complaint_parts=("word_of_mouth",)), frame


def _complaints_plan(args: argparse.Namespace, frame: pd.DataFrame) -> tuple[RunPlan, pd.DataFrame]:
    present = tuple(c for c in COMPLAINT_COLUMNS if c in frame.columns)
    if not present:
        raise InputDataError(f"complaint metrics need at least one of the columns {', '.join(COMPLAINT_COLUMNS)}; "
                             f"the file has {list(frame.columns)}")
    return RunPlan(complaints=present, complaint_parts=("summary",)), frame


_PLANS = {"kano": _kano_plan, "nps": _nps_plan, "wom": _wom_plan, "complaints": _complaints_plan}


def _metrics(command: str, results: RunResults, label: str, size: int, by_respondent: bool) -> dict[str, Any]:
    """The command's fields of one segment entry (docs/acsi-metrics-json.md)."""
    if command == "nps":
        return dict(results.get("nps:nps", label) or {})
    if command == "kano":
        payload = results.get("kano", label) or {"n": 0, "attributes": []}
        attributes = payload["attributes"]
        n = payload["n"] if by_respondent else max((a["n"] for a in attributes), default=0)
        return {"n": n, "attributes": attributes}
    payload = results.get("complaints", label) or {}
    if command == "wom":
        return {"n": size, "calibrated": payload.get("word_of_mouth_calibrated"),
                "measured": payload.get("word_of_mouth_measured")}
    return {"n": size, **(payload.get("summary") or {})}


def _comparison(test: dict[str, Any]) -> dict[str, Any]:
    return {key: test[key] for key in ("test", "difference", "statistic", "p_value", "p_value_holm")}


def _document(args: argparse.Namespace, results: RunResults, by_respondent: bool) -> dict[str, Any]:
    prefix = f"{args.segment}="
    tests = results.get("segment_tests") or {"tests": [], "across": []}
    entries = []
    for label, size in zip(results.segments, results.sizes):
        entry = {"segment": label.removeprefix(prefix), "n": size,
                 **_metrics(args.command, results, label, size, by_respondent)}
        entry["comparison_with_rest"] = None if label == ALL_SEGMENT else {
            test["metric"].partition(":")[2] if args.command != "nps" else "nps": _comparison(test)
            for test in tests["tests"] if test["segment"] == label}
        entries.append(entry)
    metric = _ACROSS.get(args.command)
    across = next(({"metric": metric.partition(":")[2] if args.command != "nps" else "nps",
                    **{k: a[k] for k in ("test", "difference", "statistic", "p_value", "p_value_holm")}}
                   for a in tests.get("across", ()) if a["metric"] == metric), None)
    return {"command": args.command, "segment_column": args.segment, "weights_column": args.weights,
            "confidence": args.confidence,
            "suppression": {"min_shown": args.min_shown, "min_reliable": args.min_reliable,
                            "max_relative_se": args.max_relative_se},
            "segments": entries, "across_segments": across}


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
    plan, data = _PLANS[args.command](args, frame)
    options = RunOptions(dimensions={args.segment: args.segment} if args.segment else {}, weights=args.weights,
                         level=args.confidence, redact_suppressed=not args.show_suppressed,
                         suppression=SuppressionRule(args.min_shown, args.min_reliable, args.max_relative_se),
                         kano_threshold=getattr(args, "threshold", 0.06),
                         kano_screen_extreme=getattr(args, "screen_extreme", False),
                         word_of_mouth_reach=(getattr(args, "reach_satisfied", 4.5),
                                              getattr(args, "reach_dissatisfied", 9.5)))
    document = _document(args, analyse(data, plan, options), "respondent" in frame.columns)
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        for entry in document["segments"]:
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

