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
SUBCOMMAND_MODULES = ("acsi.cli.fit", "acsi.cli.metrics")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m acsi", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a subcommand module not written yet
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except AcsiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
