"""The logic language's functions in real Chromium: the browser mirror (survey/static/js/logic.js)
gives the hand-computed values of function_vectors.py there too (node runs them in
tests/survey/questionnaire/logic/test_js_mirror.py; a browser's Date, Array.from and Set are
checked here), and hostile regex() patterns do not freeze the page."""
from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page

from survey.questionnaire.logic import parse, to_json
from tests.survey.questionnaire.logic.function_vectors import CLOCK_VECTORS, FUNCTION_VECTORS

LOGIC_JS = Path(__file__).resolve().parents[2] / "survey" / "static" / "js" / "logic.js"

RUN_CASES = """(cases) => cases.map(({ast, answers, now}) => {
  const clock = now === null ? undefined : new Date(now[0], now[1] - 1, now[2], now[3], now[4], now[5]);
  const value = window.XinshengLogic.evaluate(ast, answers, null, clock);
  return value instanceof Set ? {multi: Array.from(value)} : value;
})"""


def _load_logic(page: Page) -> None:
    page.set_content("<!doctype html><title>logic</title>")
    page.add_script_tag(path=str(LOGIC_JS))


def _same(actual: object, expected: object) -> bool:
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return actual is expected or (isinstance(expected, str) and actual == expected)
    return isinstance(actual, (int, float)) and not isinstance(actual, bool) and actual == expected


def test_function_vectors_in_chromium(page: Page) -> None:
    _load_logic(page)
    cases = [{"ast": to_json(parse(text)), "answers": answers, "now": None}
             for text, answers, _expected in FUNCTION_VECTORS]
    cases += [{"ast": to_json(parse(text)), "answers": {},
               "now": [clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second]}
              for text, clock, _expected in CLOCK_VECTORS]
    expected = [value for _text, _answers, value in FUNCTION_VECTORS]
    expected += [value for _text, _clock, value in CLOCK_VECTORS]
    results = page.evaluate(RUN_CASES, json.loads(json.dumps(cases)))
    texts = [text for text, *_rest in FUNCTION_VECTORS + CLOCK_VECTORS]
    wrong = [(text, actual, wanted) for text, actual, wanted in zip(texts, results, expected)
             if not _same(actual, wanted)]
    assert wrong == []


def test_hostile_patterns_do_not_freeze_the_page(page: Page) -> None:
    """'(a+)+$' against 10,000 characters takes a backtracking RegExp longer than the age of
    the universe; the mirror's automaton answers in well under the 5 s given here."""
    _load_logic(page)
    ast = to_json(parse("regex(t, '(a+)+$') or regex(t, '^(a|aa)*$')"))
    elapsed = page.evaluate("""([ast, text]) => {
      const started = performance.now();
      const value = window.XinshengLogic.evaluate(ast, {t: text}, null);
      return [value, performance.now() - started];
    }""", [ast, "a" * 10_000 + "!"])
    assert elapsed[0] is False
    assert elapsed[1] < 5_000
