"""Command line for analysts: ``python -m acsi SUBCOMMAND ...``.

Each subcommand lives in its own module exposing ``register(subparsers)``; that function adds
its parser and sets ``func`` (``args -> int`` exit code) as the default.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from acsi.errors import AcsiError

# Modules that contribute subcommands; each must define ``register(subparsers)``.
SUBCOMMAND_MODULES = ("acsi.cli.fit", "acsi.cli.run", "acsi.cli.metrics")
# The module of each subcommand: a run imports only its own (the metrics module alone pulls in
# scipy.stats and statsmodels, a second of start-up that ``fit`` does not need).
COMMAND_MODULES = {"fit": "acsi.cli.fit", "run": "acsi.cli.run", "kano": "acsi.cli.metrics", "nps": "acsi.cli.metrics",
                   "wom": "acsi.cli.metrics", "complaints": "acsi.cli.metrics"}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or only ``command``'s module when it names one."""
    parser = argparse.ArgumentParser(prog="python -m acsi", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    modules = (COMMAND_MODULES[command],) if command in COMMAND_MODULES else SUBCOMMAND_MODULES
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a subcommand module not written yet
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(arguments)
    try:
        return int(args.func(args))
    except AcsiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
