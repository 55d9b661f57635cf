"""Strategies and helpers of the fuzz gate: a questionnaire with free-answer questions,
hostile text and number strings, and helpers to post forms and files.

Every property test here shares one app (and database) across its examples, as a server shares
its database between requests; the health check against function-scoped fixtures is silenced
for that reason (:func:`bounded`). Example counts are small and fixed: the whole directory
must stay well under five minutes per database on two cores (``.ci/run`` runs it twice), and
the derandomised "reproducible" profile of tests/conftest.py makes every run draw the same
examples.
"""
from __future__ import annotations

import io
import re
import zipfile

from flask import Flask
from hypothesis import HealthCheck, Phase, settings, strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.db import get_session
from survey.questionnaire.document import (
    NumericSettings, Page, Question, Questionnaire, ScaleSettings, TextSettings, Texts,
)

SHARED_APP = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def bounded(max_examples: int) -> settings:
    """The fuzz gate's settings: ``max_examples`` draws, one shared app, and no shrinking — a
    failing example is reported as drawn (shrinking a slow web request can take many minutes)."""
    return settings(max_examples=max_examples, suppress_health_check=SHARED_APP,
                    phases=(Phase.explicit, Phase.generate))
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
HIDDEN = {name: re.compile(rf'name="{name}" type="hidden" value="([^"]*)"') for name in ("xs_submission", "xs_shown")}

#: The questions of the fuzzed page and what each accepts.
FREE_FIELDS = ("count", "amount", "name", "note", "visit")


def free_answers() -> Questionnaire:
    """Page 1: one required rating (saved before the fuzzing starts). Page 2: a whole number and
    a decimal without bounds (nothing stops a huge value before it is parsed), a short and a
    long text and a date — every free-typed answer a respondent sends."""
    t = Texts
    first = Page("p1", t("第一页", "Page 1"), (
        Question("sat", "rating", t("满意度", "Satisfaction"), required=True, settings=ScaleSettings(min=1, max=5)),
    ))
    second = Page("p2", t("第二页", "Page 2"), (
        Question("count", "numeric", t("次数", "How many times?"), settings=NumericSettings()),  # unbounded
        Question("amount", "numeric", t("金额", "How much?"),
                 settings=NumericSettings(integer=False)),
        Question("name", "text", t("称呼", "Name"), settings=TextSettings(max_length=50)),
        Question("note", "long_text", t("备注", "Anything else?")),
        Question("visit", "date", t("日期", "Date of your visit")),
    ))
    return Questionnaire(t("模糊测试", "Fuzz survey"), (first, second))


def count_rows(app: Flask, model) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def form_tokens(html: str) -> dict[str, str]:
    """The hidden values a browser posts back with a page's form."""
    found = {"csrf_token": CSRF.search(html).group(1)}
    for name, pattern in HIDDEN.items():
        match = pattern.search(html)
        if match:
            found[name] = match.group(1)
    return found


def post_file(client, path: str, name: str, data: bytes, **fields: str):
    """POST ``data`` as the form's ``file`` with the page's CSRF token (encoded in memory: the
    test client would spool a large body to a file it never closes)."""
    token = form_tokens(client.get(path).get_data(as_text=True))["csrf_token"]
    boundary, body = encode_multipart({"csrf_token": token, **fields, "file": FileStorage(io.BytesIO(data), name)})
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


# --- hostile values -------------------------------------------------------------------------

#: Numbers written to cost a parser dearly or to overflow it (issue 13, items 1 and 8).
HOSTILE_NUMBERS = ("1e1000000", "1e100000", "-1e100000", "9" * 5000, "1" + "0" * 4000, "1e-1000000",
                   "NaN", "nan", "Infinity", "-inf", "0x1F", "1_000", "١٢٣", "1e309", "2e31", "٣.٥",
                   "4294967296", "9223372036854775808", "1.7976931348623157e309", "+-1", "1e", ".", "")

#: Text that databases and encoders choke on (NUL, lone surrogates, very long strings).
HOSTILE_TEXTS = ("\x00", "a\x00b", "\ud800", "x\udfffy", "\ufeff", "\u202e", "<script>alert(1)</script>",
                 "=HYPERLINK(\"http://evil.example\")", "\n=1+1", "'; DROP TABLE responses; --", "ß" * 20000,
                 "x" * 200_000)


def number_strings() -> st.SearchStrategy[str]:
    """Plausible and hostile number spellings: exponents up to 10^6, thousands of digits."""
    exponent = st.integers(min_value=-1_000_000, max_value=1_000_000)
    return st.one_of(
        st.sampled_from(HOSTILE_NUMBERS),
        st.builds(lambda m, e: f"{m}e{e}", st.integers(-99, 99), exponent),
        st.builds(lambda n: "9" * n, st.integers(300, 6000)),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers().map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
    )


def text_strings() -> st.SearchStrategy[str]:
    """Any text, including NUL and lone surrogates, and very long strings."""
    return st.one_of(
        st.sampled_from(HOSTILE_TEXTS),
        st.text(st.characters(exclude_categories=()), max_size=60),  # every code point, surrogates included
        st.builds(lambda c, n: c * n, st.characters(exclude_categories=()), st.integers(1000, 100_000)),
    )


def urlencoded(fields: dict[str, str]) -> bytes:
    """A form body as a hostile client sends it: lone surrogates go out as their (invalid)
    UTF-8 bytes instead of making the encoder give up before the request is sent."""
    from urllib.parse import quote_from_bytes

    return "&".join(f"{quote_from_bytes(k.encode())}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'))}"
                    for k, v in fields.items()).encode("ascii")


def truncated_sheet(xlsx: bytes, keep: float, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with its first sheet's XML cut off part-way (the zip itself is sound)."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == sheet:
                data = data[: int(len(data) * keep)]
            target.writestr(item.filename, data)
    return out.getvalue()
