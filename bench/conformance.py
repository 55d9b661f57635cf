"""Interchange conformance: what Xinsheng makes of other tools' own test forms.

Imports every file of each section — pyxform's test corpus from ``../shared/fixtures/
xlsform-corpus/`` and LimeSurvey's sample surveys from ``../shared/fixtures/limesurvey/`` — and
prints, per section:

  files                   forms found
  valid per <reference>   forms the reference tool itself converts (pyxform for XLSForm)
    of which with a       valid forms whose converted XForm has at least one control a person
    question to answer    answers (not read-only): the forms any tool could make usable
  imported                forms Xinsheng imported
  usable                  imported forms with at least one question that stores an answer
  refused with a message  forms Xinsheng refused with its import error (a message to act on)
  tracebacks              any other exception (must be 0)

then one line per file that is not usable, with the reason. Exit status: 0; 1 when there was a
traceback; 2 when a section's folder is missing (nothing is measured then).

    .venv/bin/python -m bench.conformance
    .venv/bin/python bench/conformance.py --fixtures ../shared/fixtures
    make conformance

A new format is one more ``Section`` in ``sections()``: a name, a folder, an import function
``(data, *, filename) -> ImportResult`` and the file suffixes.
"""
from __future__ import annotations

import argparse
import sys
import traceback
import warnings as python_warnings
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal, Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is sys.path[0], not the project
    sys.path.insert(0, str(ROOT))

from survey.questionnaire.document import DocumentError, Questionnaire  # noqa: E402
from survey.questionnaire.limesurvey import import_lss  # noqa: E402
from survey.questionnaire.xlsform import ImportResult, import_xlsform  # noqa: E402

DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures"
Outcome = Literal["usable", "empty", "refused", "traceback"]
ImportFunction = Callable[..., ImportResult]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The reference tool's verdict on one file."""

    valid: bool
    answerable: bool


ReferenceCheck = Callable[[bytes, str], Verdict]


@dataclass(frozen=True, slots=True)
class Section:
    """One interchange format: where its forms are and how Xinsheng imports one.

    ``import_function(data, filename=...)`` returns an ``ImportResult`` or raises a
    ``DocumentError`` (a refusal with a message). ``reference`` names the tool whose verdict
    ``check`` gives, when there is one (pyxform for XLSForm).
    """

    name: str
    folder: Path
    import_function: ImportFunction
    suffixes: tuple[str, ...]
    reference: str = ""
    check: ReferenceCheck | None = None


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What became of one file, with the reason for anything but 'usable' ('empty': imported
    with nothing to answer)."""

    path: str
    verdict: Verdict | None
    outcome: Outcome
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SectionCounts:
    name: str
    folder: Path
    reference: str
    outcomes: tuple[FileOutcome, ...]

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for item in self.outcomes if item.outcome in outcomes)

    def judged(self, *, answerable: bool = False) -> tuple[int, int] | None:
        """(usable, of) among the files the reference judged valid (and answerable), or None
        when the section has no reference."""
        if not self.reference:
            return None
        chosen = [item for item in self.outcomes if item.verdict and item.verdict.valid
                  and (item.verdict.answerable or not answerable)]
        return sum(1 for item in chosen if item.outcome == "usable"), len(chosen)

    def summary(self) -> str:
        """The counts and one line per file that is not usable."""
        def row(label: str, value: object) -> str:
            return f"  {label:<36} {value}"
        lines = [f"{self.name} ({self.folder})", row("files", len(self.outcomes))]
        valid, answerable = self.judged(), self.judged(answerable=True)
        if valid and answerable:
            lines += [row(f"valid per {self.reference}", valid[1]),
                      row("  of which with a question to answer", answerable[1])]
        lines += [row("imported", self.count("usable", "empty")),
                  row("usable", self.count("usable")),
                  row("refused with a message", self.count("refused")),
                  row("tracebacks", self.count("traceback"))]
        for label, pair in (("usable among valid", valid),
                            ("usable among valid with a question", answerable)):
            if pair and pair[1]:
                lines.append(row(label, f"{pair[0]}/{pair[1]} ({100 * pair[0] / pair[1]:.1f}%)"))
        not_usable = [item for item in self.outcomes if item.outcome != "usable"]
        if not_usable:
            lines.append("  not usable:")
        for item in not_usable:
            verdict = "" if item.verdict is None else (
                "invalid, " if not item.verdict.valid else
                "valid, " if item.verdict.answerable else "valid, nothing to answer, ")
            lines.append(f"    {item.path}: {verdict}{item.outcome}: {item.reason}")
        return "\n".join(lines)


def is_usable(questionnaire: Questionnaire) -> bool:
    """A questionnaire is usable when at least one question stores an answer."""
    return bool(questionnaire.variables())


_ANSWER_CONTROLS = {"input", "select", "select1", "upload", "range", "rank", "trigger"}


def xform_has_answer_control(xform: str) -> bool:
    """Whether an XForm's body has a control a person answers (one whose bind is not
    read-only: notes are read-only inputs)."""
    root = ElementTree.fromstring(xform)
    read_only = {bind.get("nodeset") for bind in root.iter()
                 if bind.tag.rsplit("}", 1)[-1] == "bind" and bind.get("readonly") == "true()"}
    return any(element.tag.rsplit("}", 1)[-1] in _ANSWER_CONTROLS
               and element.get("ref") not in read_only
               for body in root.iter() if body.tag.rsplit("}", 1)[-1] == "body"
               for element in body.iter())


def pyxform_verdict(data: bytes, filename: str) -> Verdict:
    """pyxform's verdict: does it convert the file, and does the XForm ask anything?"""
    from pyxform.xls2xform import convert
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("ignore")
        try:
            xform = convert(data, file_type=Path(filename).suffix.lower()).xform
        except Exception:  # noqa: BLE001 - whatever pyxform raises, it did not convert the file
            return Verdict(valid=False, answerable=False)
    return Verdict(valid=True, answerable=xform_has_answer_control(xform))


def import_one(data: bytes, filename: str, import_function: ImportFunction) -> tuple[Outcome, str]:
    """(outcome, reason) of importing one file (see ``FileOutcome``)."""
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")
            result = import_function(data, filename=filename)
    except DocumentError as error:
        return "refused", str(error)
    except Exception:  # noqa: BLE001 - counting tracebacks is the point of this command
        return "traceback", traceback.format_exc().strip().splitlines()[-1]
    if is_usable(result.questionnaire):
        return "usable", ""
    return "empty", "imported with no question that can be answered"


def count_folder(section: Section) -> SectionCounts:
    """Import every file under ``section.folder`` whose name ends in one of its suffixes.

    Raises ``FileNotFoundError`` naming the section and the folder when the folder is missing.
    """
    if not section.folder.is_dir():
        raise FileNotFoundError(f"{section.name}: the folder {section.folder} does not exist")
    files = sorted(path for path in section.folder.rglob("*")
                   if path.is_file() and path.suffix.lower() in section.suffixes)
    outcomes = []
    for path in files:
        data = path.read_bytes()
        verdict = None if section.check is None else section.check(data, path.name)
        outcome, reason = import_one(data, path.name, section.import_function)
        outcomes.append(FileOutcome(str(path.relative_to(section.folder)), verdict, outcome,
                                    reason))
    return SectionCounts(section.name, section.folder, section.reference, tuple(outcomes))


def sections(fixtures: Path) -> list[Section]:
    """The formats measured, each with its folder under ``fixtures``."""
    return [
        Section("XLSForm (pyxform's test corpus)", fixtures / "xlsform-corpus", import_xlsform,
                (".xlsx", ".xls", ".csv"), "pyxform", pyxform_verdict),
        Section("LimeSurvey (sample surveys)", fixtures / "limesurvey", import_lss, (".lss",)),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES,
                        help="folder holding xlsform-corpus/ and limesurvey/ "
                             "(default: %(default)s)")
    arguments = parser.parse_args(argv)
    chosen = sections(arguments.fixtures)
    missing = [section for section in chosen if not section.folder.is_dir()]
    if missing:
        for section in missing:
            print(f"{section.name}: the folder {section.folder} does not exist; put the "
                  "fixtures there or pass --fixtures", file=sys.stderr)
        return 2
    tracebacks = 0
    for section in chosen:
        counts = count_folder(section)
        print(counts.summary(), end="\n\n", flush=True)
        tracebacks += counts.count("traceback")
    return 1 if tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
