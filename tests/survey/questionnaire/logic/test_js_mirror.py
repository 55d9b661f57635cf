"""The browser mirror (survey/static/js/logic.js) must give exactly the server's results.

Each test gathers many cases (hand-written and hypothesis-generated), evaluates them in Python,
then runs ONE node process over the same JSON syntax trees and answers and compares.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.questionnaire.logic import (
    Arithmetic,
    Call,
    Comparison,
    Number,
    Reference,
    String,
    evaluate,
    parse,
    to_json,
)
from tests.survey.questionnaire.logic.function_vectors import CLOCK_VECTORS, FUNCTION_VECTORS
from tests.survey.questionnaire.logic.logic_strategies import (
    CHOICES,
    CODES,
    DATES,
    PATTERNS,
    answers,
    expressions,
    texts,
)

LOGIC_JS = Path(__file__).resolve().parents[4] / "survey" / "static" / "js" / "logic.js"
PROPERTY_SETTINGS = settings(max_examples=200, derandomize=True, database=None, deadline=None)

CURRENT_VALUES = st.one_of(
    st.none(), st.integers(-5, 5), st.sampled_from(CHOICES),
    st.lists(st.sampled_from(CHOICES), max_size=3),
)

#: The clock today() and now() read in both languages (a leap-year February night).
NOW = datetime.datetime(2024, 2, 28, 23, 59, 30)

# The runner rebuilds the clock as a local Date from its wall-clock parts, as a browser would.
NODE_RUNNER = """
const logic = require(process.argv[2]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const results = cases.map(({ast, answers, current, now}) => {
  const clock = now === undefined ? undefined : new Date(now[0], now[1] - 1, ...now.slice(2));
  const value = logic.evaluate(ast, answers, current, clock);
  const truth = logic.isTrue(ast, answers, current, clock);
  return {value: value instanceof Set ? {multi: Array.from(value)} : value, truth};
});
process.stdout.write(JSON.stringify(results));
"""


def run_in_node(cases: list[dict], tmp_path: Path) -> list[dict]:
    node = shutil.which("node")
    assert node is not None, "node must be on PATH for the browser-mirror tests"
    runner = tmp_path / "run_logic.js"
    runner.write_text(NODE_RUNNER, encoding="utf-8")
    completed = subprocess.run(
        [node, str(runner), str(LOGIC_JS)], input=json.dumps(cases), capture_output=True,
        text=True, check=True, timeout=60,
    )
    # JavaScript writes large doubles as integers (1e17 -> 100000000000000000): read as floats.
    return json.loads(completed.stdout, parse_int=float)


def python_result(case: dict) -> dict:
    value = evaluate(case["expr"], case["answers"], current=case["current"],
                     now=case.get("now", NOW))
    if isinstance(value, frozenset):
        value = {"multi": value}
    return {"value": value, "truth": value is True}


def assert_same_results(cases: list[dict], tmp_path: Path) -> None:
    expected = [python_result(case) for case in cases]
    payload = []
    for case in cases:
        clock = case.get("now", NOW)
        payload.append({
            "ast": to_json(case["expr"]), "answers": case["answers"], "current": case["current"],
            "now": [clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second],
        })
    actual = run_in_node(payload, tmp_path)
    assert len(actual) == len(expected)
    for case, python, javascript in zip(cases, expected, actual):
        if isinstance(python["value"], dict):
            assert isinstance(javascript["value"], dict), case
            javascript["value"] = {"multi": frozenset(javascript["value"]["multi"])}
        assert javascript == python, case
        assert type(javascript["value"]) is type(python["value"]), case  # True is not 1.0


HAND_WRITTEN = [
    ("age >= 18 and selected(channels, 'web')", {"age": 20, "channels": ["web", "shop"]}, None),
    ("age != 18", {}, None),
    ("nothing = nothing", {"nothing": None}, None),
    ("blank = ''", {"blank": ""}, None),
    ("7 mod 3 + -7 mod 3 + 7.5 mod -2", {}, None),
    ("1 / 0", {}, None),
    ("0.1 + 0.2", {}, None),
    ("a * a * a * a", {"a": 1e100}, None),
    ("count(m) + count(c) + count(x) + length(t) + length(x)",
     {"m": ["a", "b", "a"], "c": "a", "t": "汉字😀"}, None),
    ("'😀' > 'ｚ'", {}, None),
    ("t < 'ｚ'", {"t": "😀"}, None),
    ("m = n", {"m": ["a", "b"], "n": ["b", "a"]}, None),
    ("m = n or n = m", {"m": ["a"], "n": ["a", "b"]}, None),
    ("m", {"m": ["a", "b"]}, None),
    ("flag = true and not flag2 and flag != 1", {"flag": True, "flag2": False}, None),
    ("length(.) <= 3 and . != 'bad'", {}, "ok"),
    ("selected(., 'a') and empty(z) and answered(.)", {}, ["a"]),
    ("n = 9007199254740993", {"n": 9007199254740993}, None),
    ("-n", {"n": 0}, None),
    ("q * 10 = q * 10", {"q": 1e308}, None),
    ("q", {"q": 1.5}, None),
    ("-(q * q)", {"q": 562815595.9514534}, None),
    ("'ab' < 'abc' and not ('abc' < 'ab') and 'ab' <= 'ab'", {}, None),
    ("answered(m) or answered(n) or count(m) > 0", {"m": [], "n": ""}, None),
]


def test_hand_written_cases_agree(tmp_path: Path) -> None:
    cases = [{"expr": parse(text), "answers": answer_map, "current": current}
             for text, answer_map, current in HAND_WRITTEN]
    assert_same_results(cases, tmp_path)


def test_generated_cases_agree(tmp_path: Path) -> None:
    cases: list[dict] = []

    @PROPERTY_SETTINGS
    @given(expressions(), answers, CURRENT_VALUES)
    def collect(expr, answer_map, current) -> None:
        cases.append({"expr": expr, "answers": answer_map, "current": current})

    collect()
    assert len(cases) >= 100
    assert_same_results(cases, tmp_path)


def _focused_expressions() -> st.SearchStrategy:
    """Small, mostly well-typed expressions over the answers, where random trees rarely go."""
    operand = st.one_of(
        st.sampled_from(CODES).map(Reference),
        st.one_of(st.sampled_from(CHOICES), texts).map(String),
        st.integers(0, 5).map(Number),
    )
    return st.one_of(
        st.builds(Comparison, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), operand, operand),
        st.builds(lambda function, code: Call(function, (Reference(code),)),
                  st.sampled_from(["count", "answered", "empty", "length"]),
                  st.sampled_from(CODES)),
        st.builds(lambda code, choice: Call("selected", (Reference(code), String(choice))),
                  st.sampled_from(CODES), st.sampled_from(CHOICES)),
        st.builds(Arithmetic, st.sampled_from(["+", "-", "*", "/", "mod"]), operand, operand),
        st.builds(lambda value, pattern: Call("regex", (value, String(pattern))),
                  operand, st.sampled_from(PATTERNS)),
        st.builds(lambda selection, index: Call("selected-at", (Reference(selection), Number(index))),
                  st.sampled_from(CODES), st.integers(-1, 4)),
        st.builds(lambda day, days: Arithmetic("+", String(day), Number(days)),
                  st.sampled_from(DATES), st.integers(-800_000, 800_000)),
        st.builds(lambda left, right: Arithmetic("-", String(left), String(right)),
                  st.sampled_from(DATES), st.sampled_from(DATES)),
    )


def test_generated_focused_cases_agree(tmp_path: Path) -> None:
    cases: list[dict] = []

    @PROPERTY_SETTINGS
    @given(_focused_expressions(), answers)
    def collect(expr, answer_map) -> None:
        cases.append({"expr": expr, "answers": answer_map, "current": None})

    collect()
    assert len(cases) >= 100
    assert_same_results(cases, tmp_path)


def test_function_vectors_agree(tmp_path: Path) -> None:
    """Every hand-computed vector of test_functions.py, through the browser mirror too."""
    cases = [{"expr": parse(text), "answers": answer_map, "current": None}
             for text, answer_map, _expected in FUNCTION_VECTORS]
    cases += [{"expr": parse(text), "answers": {}, "current": None, "now": clock}
              for text, clock, _expected in CLOCK_VECTORS]
    assert_same_results(cases, tmp_path)


def test_hostile_patterns_finish_quickly_in_node(tmp_path: Path) -> None:
    """Patterns that make backtracking engines run for ages are linear here (10,000 characters)."""
    hostile = [("regex(t, '(a+)+$')", "a" * 10_000 + "!"), ("regex(t, '^(a|aa)*$')", "a" * 10_000 + "!"),
               ("regex(t, '(.*a){12}')", "a" * 10_000)]
    cases = [{"expr": parse(text), "answers": {"t": value}, "current": None}
             for text, value in hostile]
    assert_same_results(cases, tmp_path)  # run_in_node has a 60 s timeout; this takes well under 1 s


def test_browser_global_is_exposed_and_nothing_is_eval_ed() -> None:
    """The file must expose the browser global too (checked textually; no browser here)."""
    source = LOGIC_JS.read_text(encoding="utf-8")
    assert "root.XinshengLogic = api" in source
    assert "eval(" not in source and "Function(" not in source


def test_unknown_node_type_is_an_error_in_node(tmp_path: Path) -> None:
    good = {"ast": to_json(parse("q1 = 1")), "answers": {}, "current": None}
    bad = {"ast": {"type": "bogus"}, "answers": {}, "current": None}
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_in_node([good, bad], tmp_path)
    assert "unknown syntax tree node type bogus" in caught.value.stderr
