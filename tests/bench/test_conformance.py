"""The interchange conformance command, run on small forms written in the test (never on
../shared): each file is counted once as usable, empty, refused or traceback, pyxform's verdict is
kept beside it, and a missing corpus folder ends the command with status 2."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.conformance import (
    ROOT, Section, count_folder, import_one, main, pyxform_verdict, sections,
)
from survey.questionnaire.xlsform import import_xlsform
from xlsform_forms import workbook

USABLE = workbook([["type", "name", "label"], ["text", "city", "Your city?"]])
NOTHING_TO_ANSWER = workbook([["type", "name", "label"], ["note", "hi", "Hello"],
                              ["hidden", "source", ""]])
DUPLICATE_COLUMN = workbook([["type", "name", "label", "label"], ["text", "q", "A", "B"]])
CHOICES_ONLY = b"choices,list_name,name,label\n,yn,yes,Yes\n"


def corpus(folder: Path) -> Path:
    xlsform = folder / "xlsform-corpus"
    (xlsform / "nested").mkdir(parents=True)
    (xlsform / "usable.xlsx").write_bytes(USABLE)
    (xlsform / "nested" / "notes.xlsx").write_bytes(NOTHING_TO_ANSWER)
    (xlsform / "duplicate.xlsx").write_bytes(DUPLICATE_COLUMN)
    (xlsform / "choices.csv").write_bytes(CHOICES_ONLY)
    (xlsform / "README.md").write_text("not a form")
    (folder / "limesurvey").mkdir()
    return folder


def test_each_file_is_counted_once_with_pyxforms_verdict(tmp_path):
    counts = count_folder(sections(corpus(tmp_path))[0])
    outcomes = {item.path: (item.verdict.valid, item.verdict.answerable, item.outcome)
                for item in counts.outcomes}
    assert outcomes == {
        "usable.xlsx": (True, True, "usable"),
        "nested/notes.xlsx": (True, False, "refused"),
        "duplicate.xlsx": (False, False, "refused"),
        "choices.csv": (False, False, "refused"),
    }
    assert counts.judged() == (1, 2) and counts.judged(answerable=True) == (1, 1)
    summary = counts.summary()
    assert "  files                                4\n" in summary
    assert "  valid per pyxform                    2\n" in summary
    assert "  refused with a message               3\n" in summary
    assert "  tracebacks                           0\n" in summary
    assert "  usable among valid                   1/2 (50.0%)\n" in summary
    assert ("    nested/notes.xlsx: valid, nothing to answer, refused: notes.xlsx: nothing in this "
            "form can be answered in Xinsheng") in summary
    assert "    duplicate.xlsx: invalid, refused: duplicate.xlsx: pyxform rejected the form: " \
        "Duplicate column header: label" in summary
    assert "usable.xlsx:" not in summary


def test_an_unexpected_exception_is_counted_as_a_traceback(tmp_path):
    def broken_import(data: bytes, *, filename: str):
        raise KeyError(filename)
    (tmp_path / "a.lss").write_bytes(b"<document/>")
    counts = count_folder(Section("Broken", tmp_path, broken_import, (".lss",)))
    assert [(item.outcome, item.reason) for item in counts.outcomes] == [
        ("traceback", "KeyError: 'a.lss'")]
    assert "  tracebacks                           1\n" in counts.summary()
    assert "valid per" not in counts.summary()  # no reference tool for this section


def test_an_import_with_nothing_to_answer_counts_as_empty():
    def empty_import(data: bytes, *, filename: str):
        result = import_xlsform(USABLE, filename=filename)
        return type(result)(type(result.questionnaire)(result.questionnaire.title, ()), ())
    assert import_one(USABLE, "f.xlsx", empty_import) == (
        "empty", "imported with no question that can be answered")


def test_pyxform_verdict_tells_notes_from_questions():
    assert pyxform_verdict(USABLE, "f.xlsx").answerable
    assert not pyxform_verdict(NOTHING_TO_ANSWER, "f.xlsx").answerable
    assert not pyxform_verdict(DUPLICATE_COLUMN, "f.xlsx").valid


def test_main_prints_every_section(tmp_path, capsys):
    assert main(["--fixtures", str(corpus(tmp_path))]) == 0
    output = capsys.readouterr().out
    assert "XLSForm (pyxform's test corpus)" in output and "LimeSurvey (sample surveys)" in output


def test_a_missing_corpus_folder_is_named_and_ends_with_status_2(tmp_path):
    (tmp_path / "limesurvey").mkdir()
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "conformance.py"),
                             "--fixtures", str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert f"the folder {tmp_path / 'xlsform-corpus'} does not exist" in result.stderr
    assert result.stdout == ""
