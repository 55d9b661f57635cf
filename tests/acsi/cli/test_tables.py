"""Reading the CLI's CSV: model items as numbers at once, text elsewhere, bad cells named."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from acsi.cli.tables import read_table
from acsi.data import prepare_items
from acsi.errors import InputDataError

REPO_ROOT = Path(__file__).resolve().parents[3]


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_numeric_columns_are_floats_and_the_rest_stays_text(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "\ufeffq1, q2 ,region\n1,2,001\n,4.5,north\n")
    frame = read_table(path, numeric=("q1", "q2"))
    assert list(frame.columns) == ["q1", "q2", "region"]
    assert str(frame["q1"].dtype) == "float64" and str(frame["q2"].dtype) == "float64"
    assert frame["region"].tolist() == ["001", "north"]  # not read as the number 1
    assert frame["q1"].isna().tolist() == [False, True]
    assert list(frame.index) == [2, 3]


def test_text_in_a_numeric_column_is_named_by_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "b.csv", "q1,q2\n1,2\n3,abc\n")
    frame = read_table(path, numeric=("q1", "q2"))
    with pytest.raises(InputDataError, match=r"column 'q2' row 3 holds 'abc'"):
        prepare_items(frame, ("q1", "q2"), min_rows=1)


def test_the_same_values_either_way(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "q1,q2,w\n1, 2,1\n3,4,2\n5,,0.5\n")
    fast = read_table(path, numeric=("q1", "q2"), weights="w")
    text = read_table(path, weights="w")
    for column in ("q1", "q2"):
        assert fast[column].tolist() == pytest.approx(
            [float(v) if isinstance(v, str) else v for v in text[column]], nan_ok=True)
    assert fast["w"].tolist() == [1.0, 2.0, 0.5]


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="cannot read"):
        read_table(str(tmp_path / "missing.csv"), numeric=("q1",))


def test_a_subcommand_imports_only_its_own_module() -> None:
    code = ("import sys; from acsi.cli import build_parser; build_parser('fit'); "
            "print('acsi.cli.metrics' in sys.modules, 'acsi.cli.fit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "True"]
