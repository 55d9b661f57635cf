"""``python -m acsi run``: a whole analysis run from a CSV file, as the app computes it.

The same orchestrator as the web (:func:`acsi.run.analyse`): the model per segment, NPS, Kano,
complaint metrics with word of mouth, and each segment tested against the rest with Holm over
the run. Prints the fit document of docs/acsi-fit-json.md with the other metrics under
``metrics`` — what ``flask analysis show RUN_ID`` prints for a stored run of the same data.
``--previous FILE.csv`` adds the change since the previous wave, tested as the app tests it.

    python -m acsi run --data answers.csv --model acsi --scale 1,10 --scale-item COMP=0,1 \\
        --nps nps --segment region --segment tier --bootstrap 500 --seed 1
"""
from __future__ import annotations

import argparse
import json

from acsi.cli.fit import load_model, parse_scale
from acsi.cli.tables import read_header, read_table
from acsi.errors import InputDataError
from acsi.run import COMPLAINT_COLUMNS, COMPLAINT_NUMBERS, KanoPair, RunOptions, RunPlan, analyse

__all__ = ["register"]



def _kano(entry: str) -> KanoPair:
    """``ATTRIBUTE=FUNCTIONAL,DYSFUNCTIONAL[,IMPORTANCE]`` → a :class:`KanoPair`."""
    attribute, equals, columns = entry.rpartition("=")
    parts = [c.strip() for c in columns.split(",")]
    if not equals or not attribute.strip() or len(parts) not in (2, 3) or not all(parts):
        raise InputDataError(f"--kano {entry!r} must be ATTRIBUTE=FUNCTIONAL_COLUMN,DYSFUNCTIONAL_COLUMN"
                             "[,IMPORTANCE_COLUMN]")
    return KanoPair(attribute.strip(), parts[0], parts[1], parts[2] if len(parts) == 3 else None)


def _by_respondent(table, column: str, path: str):
    """``table`` indexed by its respondent column (so that a respondent in both waves is seen)."""
    if column not in table.columns:
        raise InputDataError(f"--respondent {column!r} is not a column of {path!r}")
    ids = table[column].astype(str).str.strip()
    if ids.duplicated().any():
        raise InputDataError(f"--respondent {column!r} repeats {ids[ids.duplicated()].iloc[0]!r} in {path!r}")
    return table.set_index(ids)


def _run(args: argparse.Namespace) -> int:
    spec = load_model(args.model) if args.model else None
    header = read_header(args.data)
    kano = tuple(_kano(entry) for entry in args.kano or ())
    complaints = tuple(c for c in COMPLAINT_COLUMNS if c in header) if args.complaints else ()
    if args.complaints and "resolution_satisfaction" not in complaints:
        raise InputDataError(f"--complaints needs a column 'resolution_satisfaction' in {args.data!r}")
    numeric = [*(spec.items if spec else ()), *(args.nps or ()), *(c for c in complaints if c in COMPLAINT_NUMBERS),
               *(p.importance for p in kano if p.importance)]
    frame = read_table(args.data, weights=args.weights, numeric=numeric)
    previous = None
    if args.previous:
        previous = read_table(args.previous, weights=args.weights, numeric=numeric)
        if args.respondent:
            frame, previous = (_by_respondent(table, args.respondent, path)
                               for table, path in ((frame, args.data), (previous, args.previous)))
        else:  # rows are named by their line: the two files are taken as separate waves
            previous.index = previous.index + (int(frame.index.max()) + 1 if len(frame) else 0)
    bounds = {}
    if spec is not None:
        default = parse_scale(args.scale)
        bounds = dict.fromkeys(spec.items, default)
        for entry in args.scale_item or ():
            item, _, pair = entry.partition("=")
            if item not in bounds:
                raise InputDataError(f"--scale-item {entry!r}: {item!r} is not an item of model {spec.name!r}")
            bounds[item] = parse_scale(pair, option=f"--scale-item {item}")
    plan = RunPlan(model=spec, scale_bounds=bounds, nps={c: c for c in args.nps or ()}, kano=kano,
                   complaints=complaints)
    options = RunOptions(method=args.method, missing=args.missing, dimensions={c: c for c in args.segment or ()},
                         weights=args.weights, bootstrap=args.bootstrap, seed=args.seed)
    document = analyse(frame, plan, options, previous=previous).document()
    print(json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    text = "a whole analysis run (model, NPS, Kano, complaints, segment tests) as the app computes it"
    parser = subparsers.add_parser("run", help=text, description=text)
    parser.add_argument("--data", required=True, help="CSV file, UTF-8, header row, one row per respondent")
    parser.add_argument("--model", help="acsi, ecsi, ccsi or PATH.lav; its items are columns of the file")
    parser.add_argument("--scale", default="1,10", metavar="MIN,MAX", help="scale bounds of the items (1,10)")
    parser.add_argument("--scale-item", action="append", metavar="ITEM=MIN,MAX",
                        help="scale bounds of one item (repeatable), e.g. COMP=0,1")
    parser.add_argument("--nps", action="append", metavar="COLUMN", help="a 0-10 NPS column (repeatable)")
    parser.add_argument("--kano", action="append", metavar="ATTRIBUTE=F,D[,I]",
                        help="a Kano attribute: its functional, dysfunctional [and importance] columns")
    parser.add_argument("--complaints", action="store_true",
                        help="complaint metrics and word of mouth from the follow-up columns present")
    parser.add_argument("--segment", action="append", metavar="COLUMN", help="a segment dimension (repeatable)")
    parser.add_argument("--weights", help="column of respondent weights (>= 0)")
    parser.add_argument("--method", choices=("pls", "plsc"), default="pls")
    parser.add_argument("--missing", choices=("listwise", "mean", "em"), default="em")
    parser.add_argument("--bootstrap", type=int, default=500, metavar="N", help="bootstrap resamples (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--previous", metavar="FILE.csv",
                        help="the previous wave (same columns): the change since then is tested (metrics.change_tests)")
    parser.add_argument("--respondent", metavar="COLUMN",
                        help="respondent id column of both files: waves sharing respondents are not tested "
                             "(default: the files are separate waves)")
    parser.set_defaults(func=_run)
