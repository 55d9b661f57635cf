"""The one inbound JSON validator: size, encoding, depth, finite numbers, NUL and lone surrogates."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.services.inbound_json import JsonRejected, load_json, nesting_depth


@pytest.mark.parametrize(("data", "path", "rule"), [
    (b'{"a": NaN}', "/a", "not_finite"),
    (b'{"a": [1, Infinity]}', "/a/1", "not_finite"),
    (b'[-Infinity]', "/0", "not_finite"),
    (b'{"a": 1e400}', "/a", "not_finite"),
    (b'{"a": -1e309}', "/a", "not_finite"),
    (b'{"n": ' + b"1" * 5000 + b"}", "/n", "number_length"),
    (b'{"a": "x\\u0000"}', "/a", "characters"),
    (b'{"a/b": {"c~": ["\\ud800"]}}', "/a~1b/c~0/0", "characters"),
    (b'{"k\\udc00": 1}', "/k?", "characters"),
    (b'"\\ud83d\\ud83d\\ude00"', "/", "characters"),
    (b"[" * 33 + b"]" * 33, "/", "depth"),
    (b"[" * 200_000, "/", "depth"),
    (b'{"x": "\xed\xa0\x80"}', "(byte 7)", "encoding"),
    (b"\xff", "(byte 0)", "encoding"),
    (b'{"a": ', "(line 1, column 7)", "syntax"),
    (b"x" * 101, "/", "size"),
])
def test_hostile_documents_name_path_and_rule(data, path, rule) -> None:
    with pytest.raises(JsonRejected) as raised:
        load_json(data, max_bytes=100 if rule == "size" else 10 ** 7)
    assert (raised.value.path, raised.value.rule) == (path, rule)
    assert str(raised.value).startswith(path)


def test_ordinary_documents_pass_unchanged() -> None:
    document = {"a": [1, 2.5, -0.0, None, True], "b": {"c": "中文 😀", "d": "[{\"}]"},
                "deep": [[[[[[[[[[[]]]]]]]]]]], "pair": "😀", "n": 10 ** 99}
    for text in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
        assert load_json(text.encode()) == document
    assert load_json(b"[" * 32 + b"]" * 32) is not None


@pytest.mark.parametrize(("data", "depth"), [
    (b"1", 0), (b"[]", 1), (b'{"a": [{}]}', 3), (b'["[[[[", "\\\\", "\\"[["]', 1),
    (b'[{"a": "]]]]"}, [[1]]]', 3),
])
def test_nesting_depth_ignores_brackets_in_strings(data, depth) -> None:
    assert nesting_depth(data) == depth


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@given(_JSONISH)
def test_any_python_json_value_loads_back_or_is_refused_by_rule(value) -> None:
    text = json.dumps(value)  # NaN, Infinity and lone surrogates included, as Python writes them
    try:
        loaded = load_json(text.encode())
    except JsonRejected as rejected:
        assert rejected.rule in ("not_finite", "characters", "depth")
        return
    assert loaded == value


@given(st.binary(max_size=200) | st.text(alphabet='[]{}",:\\u0abdNI 1e-', max_size=80).map(str.encode))
def test_any_bytes_give_a_value_or_a_refusal(data) -> None:
    try:
        load_json(data)
    except JsonRejected:
        pass
