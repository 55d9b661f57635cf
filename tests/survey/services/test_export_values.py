"""The rule for stored values no export format can carry, and the formula test for CSV cells."""
from __future__ import annotations

import json
import math

from hypothesis import given
from hypothesis import strategies as st

from survey.services.export_values import clean_text, load_document

_STORED = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10 ** 40, max_value=10 ** 40) | st.floats()
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


def _writable(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return len(str(abs(value))) <= 15
    if isinstance(value, str):
        return clean_text(value) == value
    if isinstance(value, list):
        return all(_writable(item) for item in value)
    if isinstance(value, dict):
        return all(_writable(key) and _writable(item) for key, item in value.items())
    return True


@given(_STORED)
def test_every_stored_document_reads_as_writable_values(value) -> None:
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, allow_nan=True)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            continue  # a database cannot hand back text that is not UTF-8
        assert _writable(load_document(text))


def test_the_rule_by_example() -> None:
    assert load_document('{"a": NaN, "b": -Infinity, "c": 1e400}') == {"a": None, "b": None, "c": None}
    assert load_document('{"n": %s}' % ("9" * 5000)) == {"n": "9" * 5000}
    assert load_document('[1e400, -2.5E+999, 1e-400]') == [None, None, 0.0]
    assert load_document('{"k\\udc00": "a\\u0000b\\ud800"}') == {"k\ufffd": "ab\ufffd"}
    assert load_document('{"n": 123456789012345, "pair": "\\ud83d\\ude00"}') == {
        "n": 123456789012345, "pair": "😀"}
