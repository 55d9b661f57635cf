"""Hand-computed values of the logic language's functions, shared by the Python evaluator tests
(test_functions.py) and the browser-mirror tests (test_js_mirror.py): (expression, answers,
expected value) and, for today()/now(), (expression, clock, expected value)."""

from __future__ import annotations

import datetime

#: The clock of the CLOCK_VECTORS: a leap-year February night, a second to midnight.
LEAP_NIGHT = datetime.datetime(2024, 2, 28, 23, 59, 30)
NEW_YEAR = datetime.datetime(2023, 12, 31, 0, 0, 0)

FUNCTION_VECTORS: list[tuple[str, dict, object]] = [
    # regex(value, pattern): found anywhere unless anchored; ASCII classes; '$' is the very end.
    (r"regex(t, '^1[3-9]\d{9}$')", {"t": "13912345678"}, True),
    (r"regex(t, '^1[3-9]\d{9}$')", {"t": "12345678901"}, False),
    (r"regex(t, '^1[3-9]\d{9}$')", {"t": "139123456789"}, False),
    ("regex(t, '^[0-9]{3}$')", {"t": "1234"}, False),
    ("regex(t, 'b')", {"t": "abc"}, True),
    ("regex(t, '^b')", {"t": "abc"}, False),
    ("regex(t, 'c$')", {"t": "abc\n"}, False),
    ("regex(t, '^a.c$')", {"t": "a\nc"}, False),
    ("regex(t, '^a.c$')", {"t": "a😀c"}, True),
    (r"regex(t, '^[\u4e00-\u9fa5]+$')", {"t": "中文"}, True),
    (r"regex(t, '^[\u4e00-\u9fa5]+$')", {"t": "中a"}, False),
    (r"regex(t, '\d')", {"t": "٣"}, False),
    (r"regex(t, '^\w+@\w+\.(com|cn)$')", {"t": "li@example.cn"}, True),
    (r"regex(t, '^\w+@\w+\.(com|cn)$')", {"t": "li@example.org"}, False),
    ("regex(t, '^(?:ab){2,3}$')", {"t": "ababab"}, True),
    ("regex(t, '^(?:ab){2,3}$')", {"t": "abababab"}, False),
    ("regex(t, '(')", {"t": "("}, False),
    ("regex(t, '^(a+)+$')", {"t": "a" * 40 + "!"}, False),
    ("regex(t, 'a')", {}, False),
    ("regex(n, '1')", {"n": 1}, False),
    ("regex(c, '^x$')", {"c": "x"}, True),
    # date arithmetic: ISO texts; whole days; the years 1-9999
    ("d + 30", {"d": "2024-01-31"}, "2024-03-01"),
    ("30 + d", {"d": "2024-01-31"}, "2024-03-01"),
    ("d - 1", {"d": "2024-03-01"}, "2024-02-29"),
    ("d - e", {"d": "2024-03-01", "e": "2023-03-01"}, 366.0),
    ("e - d", {"d": "2024-03-01", "e": "2023-03-01"}, -366.0),
    ("'1900-02-28' + 1", {}, "1900-03-01"),
    ("'2000-02-28' + 1", {}, "2000-02-29"),
    ("'0001-01-01' + 3652058", {}, "9999-12-31"),
    ("d + 0.5", {"d": "2024-01-01"}, None),
    ("d + 1", {"d": "2023-02-29"}, None),
    ("d + 1", {"d": "2024-1-1"}, None),
    ("d + 1", {"d": "9999-12-31"}, None),
    ("d - 1", {"d": "0001-01-01"}, None),
    ("d + 1", {}, None),
    ("d * 2", {"d": "2024-01-01"}, None),
    ("d + e", {"d": "2024-01-01", "e": "2024-01-02"}, None),
    ("1 - d", {"d": "2024-01-01"}, None),
    # if(cond, a, b): only a real true picks a
    ("if(a > 1, 'big', 'small')", {"a": 5}, "big"),
    ("if(a > 1, 'big', 'small')", {"a": 0}, "small"),
    ("if(a > 1, 'big', 'small')", {}, "small"),
    ("if(a, 1, 2)", {"a": "x"}, 2.0),
    # coalesce: the first answered argument ('' and an empty selection are unanswered)
    ("coalesce(a, b, 0)", {}, 0.0),
    ("coalesce(a, b, 0)", {"b": 3}, 3.0),
    ("coalesce(a, b, 0)", {"a": "", "b": 2}, 2.0),
    ("coalesce(a, b, 0)", {"a": False}, False),
    ("coalesce(m, 'none')", {"m": []}, "none"),
    ("coalesce(a, b)", {}, None),
    # sum, min, max: numbers only; an unanswered argument gives no result
    ("sum(a, b, c)", {"a": 1, "b": 2.5, "c": -4}, -0.5),
    ("sum(a, b)", {"a": 1}, None),
    ("sum(a, 1)", {"a": True}, None),
    ("sum(coalesce(a, 0), coalesce(b, 0))", {"b": 2}, 2.0),
    ("sum(a, a)", {"a": 1e308}, None),
    ("sum(0.1, 0.2)", {}, 0.30000000000000004),
    ("sum(a)", {"a": 7}, 7.0),
    ("sum(d, 1)", {"d": "2024-01-01"}, None),
    ("min(3, a, 2)", {"a": 1}, 1.0),
    ("max(3, a, 2)", {"a": 1}, 3.0),
    ("min(a, 2)", {}, None),
    ("max(a)", {"a": "7"}, None),
    # selected-at(m, i): from 0, codes in code-point order; a single choice is a selection of one
    ("selected-at(m, 0)", {"m": ["web", "shop", "app"]}, "app"),
    ("selected-at(m, 2)", {"m": ["web", "shop", "app"]}, "web"),
    ("selected-at(m, 3)", {"m": ["web", "shop", "app"]}, None),
    ("selected-at(m, -1)", {"m": ["web", "shop", "app"]}, None),
    ("selected-at(m, 0.5)", {"m": ["web", "shop", "app"]}, None),
    ("selected-at(m, 1)", {"m": ["b", "B", "é", "a"]}, "a"),
    ("selected-at(m, 0)", {"m": ["😀", "ｚ"]}, "ｚ"),
    ("selected-at(c, 0)", {"c": "red"}, "red"),
    ("selected-at(c, 1)", {"c": "red"}, None),
    ("selected-at(m, 0)", {}, None),
    ("selected-at(m, '0')", {"m": ["a"]}, None),
    # count-selected (count): the number of codes; 0 when unanswered
    ("count-selected(m)", {"m": ["a", "b"]}, 2.0),
    ("count-selected(m)", {}, 0.0),
    ("count-selected(c)", {"c": "a"}, 1.0),
]

CLOCK_VECTORS: list[tuple[str, datetime.datetime, object]] = [
    ("today()", LEAP_NIGHT, "2024-02-28"),
    ("now()", LEAP_NIGHT, "2024-02-28T23:59:30"),
    ("today() + 1", LEAP_NIGHT, "2024-02-29"),
    ("today() + 2", LEAP_NIGHT, "2024-03-01"),
    ("today() - '2024-01-01'", LEAP_NIGHT, 58.0),
    ("now() > '2024-02-28T23:59'", LEAP_NIGHT, True),
    ("now() < '2024-02-29'", LEAP_NIGHT, True),
    ("today() = '2024-02-28'", LEAP_NIGHT, True),
    ("today() + 1", NEW_YEAR, "2024-01-01"),
    ("now()", NEW_YEAR, "2023-12-31T00:00:00"),
    ("now() + 1", NEW_YEAR, None),
]
