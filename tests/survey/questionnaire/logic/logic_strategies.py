"""Hypothesis strategies shared by the logic-language tests (syntax trees, answers, token soup)."""

from __future__ import annotations

from hypothesis import strategies as st

from survey.questionnaire.logic import ast

#: Question codes used by generated expressions and answers; includes a keyword ('div'), a
#: function name ('count') and an XLSForm-only name ('my-q') to exercise ${...} rendering.
CODES = ("q1", "q2", "sat_2", "m1", "count", "div", "my-q", "note")
CHOICES = ("a", "b", "c", "yes", "no")

_COMPARISONS = sorted(ast.COMPARISON_OPERATORS)
_ARITHMETIC = sorted(ast.ARITHMETIC_OPERATORS)

# Text without surrogates (real answers are valid UTF-8) and short enough to keep cases small.
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(float),
    st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False).map(abs),
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 1e-7, 123.456]),
)


#: ISO dates, some not real ('2023-02-29') or out of range, to exercise date arithmetic.
DATES = ("2024-02-28", "2024-02-29", "2023-02-29", "0001-01-01", "9999-12-31", "2024-12-31",
         "1999-1-1")
#: regex() patterns: supported ones and some outside the dialect (which match nothing).
PATTERNS = ("^[0-9]{3}$", "a|b", "^(?:ab)+$", "[^a-c]", "\\d+\\.\\d*", "^$", ".", "^\\w+\\s?$",
            "[\\u4e00-\\u9fa5]", "(a", "\\b", "a**", "(?=a)")


def leaves(*, text_strategy: st.SearchStrategy[str] = texts) -> st.SearchStrategy[ast.Expr]:
    """Literals, references, ``.``, ``today()`` and ``now()``."""
    return st.one_of(
        numbers.map(ast.Number),
        st.one_of(st.sampled_from(CHOICES), st.sampled_from(DATES), text_strategy).map(ast.String),
        st.booleans().map(ast.Boolean),
        st.sampled_from(CODES).map(ast.Reference),
        st.just(ast.Current()),
        st.sampled_from(["today", "now"]).map(lambda function: ast.Call(function, ())),
    )


def _extend(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    operands = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        children.map(ast.Not),
        operands.map(ast.And),
        operands.map(ast.Or),
        st.builds(ast.Comparison, st.sampled_from(_COMPARISONS), children, children),
        st.builds(ast.Arithmetic, st.sampled_from(_ARITHMETIC), children, children),
        children.map(ast.Negate),
        st.builds(lambda first, choice: ast.Call("selected", (first, choice)), children, children),
        st.builds(
            lambda function, argument: ast.Call(function, (argument,)),
            st.sampled_from(["count", "answered", "empty", "length"]),
            children,
        ),
        st.builds(lambda value, pattern: ast.Call("regex", (value, pattern)), children,
                  st.one_of(st.sampled_from(PATTERNS).map(ast.String), children)),
        st.builds(lambda *arguments: ast.Call("if", arguments), children, children, children),
        st.builds(lambda arguments: ast.Call("coalesce", arguments),
                  st.lists(children, min_size=2, max_size=3).map(tuple)),
        st.builds(lambda function, arguments: ast.Call(function, arguments),
                  st.sampled_from(["sum", "min", "max"]),
                  st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(lambda selection, index: ast.Call("selected-at", (selection, index)),
                  children, children),
    )


def expressions(*, text_strategy: st.SearchStrategy[str] = texts) -> st.SearchStrategy[ast.Expr]:
    """Arbitrary (not necessarily well-typed) syntax trees, as the parser could produce them."""
    return st.recursive(leaves(text_strategy=text_strategy), _extend, max_leaves=12)


answers_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from(CHOICES + DATES + ("",)),
    texts,
    st.lists(st.sampled_from(CHOICES), max_size=4),
)
answers = st.dictionaries(st.sampled_from(CODES), answers_values)

#: Pieces of the language, joined at random to probe the parser with near-valid text.
TOKENS = (
    "q1", "${q2}", ".", "1", "2.5", "'a'", '"b"', "true", "false", "and", "or", "not", "=", "==",
    "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "div", "mod", "(", ")", ",", "selected(",
    "count(", "count-selected(", "answered(", "empty(", "length(", "foo(", "$", "'", "?", "\n",
    "regex(", "'^a+$'", "'(a'", "today()", "now(", "if(", "coalesce(", "sum(", "min(", "max(",
    "selected-at(", "'2024-01-31'",
)
token_soup = st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join)
