"""Property: a questionnaire file — JSON or XLSForm, garbled, truncated, nested or random — is
imported whole or refused with a message, on the designer's page and by
``flask questionnaire import``: never a 5xx or a traceback, never a partial questionnaire."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import example, given, strategies as st

from models import Questionnaire
from survey.questionnaire.jsonio import to_json
from fuzz.hostile import bounded, count_rows, free_answers, post_file, text_strings, truncated_sheet

XLSFORMS = Path(__file__).parents[1] / "survey" / "questionnaire" / "fixtures" / "xlsform" / "good"
VALID_JSON = to_json(free_answers())


@pytest.fixture
def designer(client, login_as):
    login_as("designer")
    return client


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text_strings(),
              st.integers(300, 4000).map(lambda n: int("9" * n))),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text_strings(), inner, max_size=4)),
    max_leaves=12)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


@st.composite
def mutated_documents(draw) -> object:
    """The valid questionnaire with one value replaced, deleted or buried in deep nesting."""
    document = json.loads(json.dumps(VALID_JSON))
    path = draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "replace", "delete", "nest"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "nest":
        value = parent[path[-1]]
        for _ in range(draw(st.sampled_from([100, 5_000, 100_000]))):
            value = [value]
        parent[path[-1]] = value
    else:
        parent[path[-1]] = draw(json_values)
    return document


def json_bytes(document: object) -> bytes:
    try:
        return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except RecursionError:  # deeper than the encoder goes: write the nesting by hand
        depth = 100_000
        return ('{"schema": "xinsheng.questionnaire", "pages": ' + "[" * depth + "]" * depth + "}").encode()


json_files = st.one_of(
    mutated_documents().map(json_bytes),
    json_values.map(json_bytes),
    st.binary(max_size=300),
    st.builds(lambda cut: json_bytes(VALID_JSON)[:cut], st.integers(0, 2000)),
)

xlsform_headers = st.sampled_from(["type", "name", "label", "label::English (en)", "required", "relevant",
                                   "constraint", "choice_filter", "list_name", "calculation", ""])
xlsform_types = st.sampled_from(["text", "integer", "decimal", "select_one yn", "select_multiple x",
                                 "begin group", "end group", "note", "date", "calculate", "begin repeat"])


@st.composite
def xlsform_csvs(draw) -> bytes:
    """A CSV in roughly XLSForm shape (or not at all)."""
    header = draw(st.lists(xlsform_headers, min_size=1, max_size=5))
    rows = [["survey", *header]]
    for _ in range(draw(st.integers(0, 6))):
        rows.append(["", *[draw(st.one_of(xlsform_types, text_strings())) for _ in header]])
    if draw(st.booleans()):
        rows += [["choices", "list_name", "name", "label"], ["", "yn", "yes", draw(text_strings())]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


workbooks = st.sampled_from(sorted(p.name for p in XLSFORMS.glob("*.xlsx")))
xlsform_files = st.one_of(
    xlsform_csvs().map(lambda data: ("form.csv", data)),
    st.builds(lambda name, sheet, keep: ("form.xlsx", truncated_sheet((XLSFORMS / name).read_bytes(), keep,
                                                                      f"xl/worksheets/sheet{sheet}.xml")),
              workbooks, st.sampled_from([1, 2]), st.floats(0.05, 0.95)),
    st.builds(lambda name, cut: ("form.xlsx", (XLSFORMS / name).read_bytes()[:cut]), workbooks, st.integers(0, 9000)),
    st.binary(max_size=300).map(lambda data: ("form.csv", data)),
)


def check_web_import(app, designer, name: str, data: bytes) -> None:
    before = count_rows(app, Questionnaire)
    reply = post_file(designer, "/design/import?lang=en", name, data)
    assert reply.status_code < 500, (reply.status_code, name, data[:200])
    stored = count_rows(app, Questionnaire) - before
    if reply.status_code in (200, 302) and stored:
        assert stored == 1
    else:
        assert reply.status_code == 422, reply.status_code
        assert "could not be imported" in reply.get_data(as_text=True)
        assert stored == 0, "a refused import stored a questionnaire"


def check_cli_import(app, runner, tmp_path: Path, name: str, data: bytes) -> None:
    before = count_rows(app, Questionnaire)
    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(args=["questionnaire", "import", str(path)])
    stored = count_rows(app, Questionnaire) - before
    if result.exit_code == 0:
        assert stored == 1 and result.stdout.strip().isdigit()
    else:
        assert isinstance(result.exception, SystemExit), f"traceback instead of a message: {result.exception!r}"
        assert result.output.startswith("Error:") and len(result.output.strip()) > len("Error:")
        assert stored == 0, "a failed import stored a questionnaire"


# 30 examples per test: each is one import of a small document (about 10 s per database);
# deep nesting and huge numbers are among the drawn mutations.
@bounded(30)
@given(data=json_files)
@example(data=b'{"schema": "xinsheng.questionnaire", "pages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
@example(data=json_bytes(VALID_JSON).replace(b'"version": 1', b'"version": ' + b"9" * 5000, 1))
def test_questionnaire_json_import_is_whole_or_refused(app, designer, runner, tmp_path, data) -> None:
    check_web_import(app, designer, "survey.json", data)
    check_cli_import(app, runner, tmp_path, "survey.json", data)


@bounded(30)
@given(file=xlsform_files)
@example(file=("form.csv", b"name,age\nWang,3\n"))
def test_xlsform_import_is_whole_or_refused(app, designer, runner, tmp_path, file) -> None:
    name, data = file
    check_web_import(app, designer, name, data)
    check_cli_import(app, runner, tmp_path, name, data)
