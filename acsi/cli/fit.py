"""``python -m acsi fit``: fit an ACSI / ECSI / CCSI (or lavaan-file) model from a CSV file.

The JSON output is built by :func:`acsi.report.fit_report` and documented in
docs/acsi-fit-json.md. Rows are named by their CSV line (the header is line 1), so a bad cell is
reported as ``column 'X' row 17 holds 'abc'``.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from acsi.cli.tables import read_table
from acsi.errors import InputDataError, ModelSpecError
from acsi.report import fit_report
from acsi.spec import BUILTIN_MODELS, ModelSpec

__all__ = ["register", "load_model", "parse_scale"]


def load_model(value: str) -> ModelSpec:
    """A built-in model name (acsi, ecsi, ccsi) or the path of a lavaan file (``*.lav``)."""
    if value in BUILTIN_MODELS:
        return BUILTIN_MODELS[value]
    path = Path(value)
    if path.suffix != ".lav" or not path.is_file():
        raise ModelSpecError(f"--model {value!r} is neither a built-in model ({', '.join(BUILTIN_MODELS)}) "
                             "nor an existing lavaan file ending in .lav")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelSpecError(f"cannot read model file {value!r}: {exc}") from exc
    return ModelSpec.from_lavaan(text, name=path.stem)


def parse_scale(text: str, *, option: str = "--scale") -> tuple[float, float]:
    """``"1,10"`` → (1.0, 10.0); InputDataError naming the option unless two numbers low < high."""
    parts = text.split(",")
    try:
        low, high = (float(p) for p in parts)
    except ValueError:
        raise InputDataError(f"{option} {text!r} must be MIN,MAX (two numbers)") from None
    if not low < high:
        raise InputDataError(f"{option} {text!r}: MIN must be below MAX")
    return low, high


def _scale_bounds(args: argparse.Namespace, spec: ModelSpec) -> Any:
    default = parse_scale(args.scale)
    if not args.scale_item:
        return default
    bounds = dict.fromkeys(spec.items, default)
    for entry in args.scale_item:
        item, _, pair = entry.partition("=")
        if item not in bounds:
            raise InputDataError(f"--scale-item {entry!r}: {item!r} is not an item of model {spec.name!r}")
        bounds[item] = parse_scale(pair, option=f"--scale-item {item}")
    return bounds


def _rollup_weights(path: str | None) -> dict[str, float] | None:
    if path is None:
        return None
    table = read_table(path)
    for column in ("segment", "weight"):
        if column not in table.columns:
            raise InputDataError(f"roll-up file {path!r} needs columns 'segment' and 'weight'; it has "
                                 f"{list(table.columns)}")
    out = {}
    for row, (label, weight) in table[["segment", "weight"]].iterrows():
        try:
            out[str(label).strip()] = float(weight)
        except (TypeError, ValueError):
            raise InputDataError(f"roll-up file {path!r} row {row}, column 'weight': {weight!r} is not a number") \
                from None
    return out


def _table(value: Any, prefix: str = "") -> list[str]:
    """Flatten a JSON value to aligned "key  value" lines."""
    if isinstance(value, dict):
        return [line for k, v in value.items() for line in _table(v, f"{prefix}{k}.")]
    if isinstance(value, list):
        return [line for i, v in enumerate(value) for line in _table(v, f"{prefix}{i}.")]
    text = "—" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)
    return [f"  {prefix.rstrip('.'):<58} {text}"]


def _print_table(document: dict[str, Any]) -> None:
    print(f"model {document['model']}, method {document['method']}"
          + (f", scheme {document['scheme']}" if document["scheme"] else ""))
    for entry in document["segments"]:
        print(f"\n== segment {entry['segment']} (n={entry['n']}, {entry['status']}) ==")
        if entry["status"] == "skipped":
            print(f"skipped: {entry['reason']}")
            continue
        print("paths")
        for p in entry["paths"]:
            ci = "" if p["ci_low"] is None else f"  [{p['ci_low']: .4f}, {p['ci_high']: .4f}]"
            print(f"  {p['from']:>14} -> {p['to']:<14} {p['estimate']: .4f}{ci}")
        print("\n".join(_table({"r2": entry["r2"], "indices": entry["indices"]})))
        for warning in entry["warnings"]:
            print(f"warning: {warning}")
    for key in ("comparisons", "rollup"):
        if document[key] is not None:
            print(f"\n== {key} ==")
            print("\n".join(_table(document[key])))


def _run(args: argparse.Namespace) -> int:
    spec = load_model(args.model)
    frame = read_table(args.data, weights=args.weights, numeric=spec.items)
    document = fit_report(
        spec, frame, method=args.method, scheme=args.scheme, segment=args.segment, weights=args.weights,
        missing=args.missing, min_base=args.min_base, scale_bounds=_scale_bounds(args, spec),
        resamples=args.bootstrap, seed=args.seed, level=args.level, ipma_target=args.ipma,
        compare=args.compare, compare_versus=args.compare_versus, compare_resamples=args.compare_resamples,
        compare_constructs=args.compare_construct, rollup_weights=_rollup_weights(args.rollup_weights),
        rollup_source=args.rollup_source or (Path(args.rollup_weights).name if args.rollup_weights else None),
        rollup_construct=args.rollup_construct)
    if args.format == "json":
        print(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        _print_table(document)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fit`` subcommand."""
    text = "fit a satisfaction model (PLS, PLSc or CB-SEM) per segment; JSON or a table"
    parser = subparsers.add_parser("fit", help=text, description=text,
                                   epilog="The JSON schema and Python API: docs/acsi-fit-json.md")
    parser.add_argument("--model", required=True, help="acsi, ecsi, ccsi or PATH.lav (lavaan syntax)")
    parser.add_argument("--data", required=True, help="CSV file, UTF-8, header row, one row per respondent")
    parser.add_argument("--method", choices=("pls", "plsc", "cbsem"), default="pls")
    parser.add_argument("--scheme", choices=("path", "centroid", "factorial"), default="path")
    parser.add_argument("--missing", choices=("listwise", "mean", "em"), default="listwise")
    parser.add_argument("--segment", help="column whose values define segments")
    parser.add_argument("--weights", help="column of respondent weights (>= 0)")
    parser.add_argument("--bootstrap", type=int, default=0, metavar="N", help="bootstrap resamples (pls/plsc)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and the comparisons")
    parser.add_argument("--level", type=float, default=0.95, help="confidence level of the intervals")
    parser.add_argument("--format", choices=("json", "table"), default="json")
    parser.add_argument("--scale", default="1,10", metavar="MIN,MAX", help="scale bounds of the items (1,10)")
    parser.add_argument("--scale-item", action="append", metavar="ITEM=MIN,MAX",
                        help="scale bounds of one item (repeatable), e.g. CUSCO=0,1")
    parser.add_argument("--min-base", type=int, help="minimum usable rows per segment "
                        "(default max(50, 10 x most arrows into a construct[, items + 1 for cbsem]))")
    parser.add_argument("--ipma", metavar="CONSTRUCT", help="importance-performance map for this target")
    parser.add_argument("--compare", choices=("permutation", "bootstrap"),
                        help="test index differences between segments")
    parser.add_argument("--compare-versus", choices=("rest", "pairwise"), default="rest")
    parser.add_argument("--compare-resamples", type=int, default=999)
    parser.add_argument("--compare-construct", action="append", metavar="CONSTRUCT",
                        help="construct whose index is compared (repeatable; default satisfaction)")
    parser.add_argument("--rollup-weights", metavar="FILE.csv",
                        help="CSV with columns segment, weight (e.g. revenue) for a weighted roll-up")
    parser.add_argument("--rollup-source", help="where the roll-up weights come from (default: the file name)")
    parser.add_argument("--rollup-construct", default="satisfaction")
    parser.set_defaults(func=_run)
