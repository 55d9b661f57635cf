"""The lark (LALR) grammar of the logic language, in two dialects.

``"xinsheng"`` is the language designers write (see ``docs/logic-language.md``). ``"xlsform"`` reads
XLSForm ``relevant``/``constraint`` expressions: there ``not(...)``, ``true()`` and ``false()`` are
functions rather than keywords, and the tree is turned into the same syntax tree by the parser.

Precedence, loosest first: ``or``; ``and``; ``not``; one (non-chaining) comparison
``= == != < <= > >=``; ``+ -``; ``* / div mod``; unary ``-``; literals, references, ``.``,
function calls and parentheses. Keywords are lower-case and reserved: a question whose code is a
keyword is written ``${code}``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

Dialect: TypeAlias = Literal["xinsheng", "xlsform"]

#: Words that cannot be bare question codes in the Xinsheng dialect.
KEYWORDS: frozenset[str] = frozenset({"and", "or", "not", "div", "mod", "true", "false"})

#: Regular expression for a bare question code: letters, digits, '_'; no leading digit.
NAME_PATTERN = r"[^\W\d]\w*"
#: Regular expression for the code inside ``${...}`` (XLSForm names may also hold '-' and '.').
BRACED_NAME_PATTERN = r"[^\W\d][\w.\-]*"

_COMMON_RULES = r"""
?start: or_expr

?or_expr: and_expr
        | and_expr (_OR and_expr)+                 -> or_

?and_expr: not_expr
         | not_expr (_AND not_expr)+               -> and_

?comparison: sum
           | sum COMPARISON_OPERATOR sum           -> comparison

?sum: product
    | sum (PLUS | MINUS) product                   -> arithmetic

?product: unary
        | product (STAR | SLASH | DIV | MOD) unary -> arithmetic

?unary: atom
      | MINUS unary                                -> negate

call: (NAME | HYPHENATED_NAME) _LPAR [arguments] _RPAR
arguments: or_expr (_COMMA or_expr)*

_OR: "or"
_AND: "and"
DIV: "div"
MOD: "mod"
COMPARISON_OPERATOR: "==" | "!=" | "<=" | ">=" | "=" | "<" | ">"
PLUS: "+"
MINUS: "-"
STAR: "*"
SLASH: "/"
_LPAR: "("
_RPAR: ")"
_COMMA: ","
DOT: "."
NUMBER: /[0-9]+(\.[0-9]+)?/
STRING: /'(?:[^']|'')*'|"(?:[^"]|"")*"/
NAME: /@NAME@/
BRACED_REFERENCE: /\$\{@BRACED@\}/
HYPHENATED_NAME.2: /(?:count-selected|string-length)(?![\w-])|selected-at(?=\s*\()/

%ignore /\s+/
"""

_XINSHENG_RULES = r"""
?not_expr: comparison
         | _NOT not_expr                           -> not_

?atom: NUMBER                                      -> number
     | STRING                                      -> string
     | TRUE                                        -> true
     | FALSE                                       -> false
     | NAME                                        -> reference
     | BRACED_REFERENCE                            -> braced_reference
     | DOT                                         -> current
     | call
     | _LPAR or_expr _RPAR

_NOT: "not"
TRUE: "true"
FALSE: "false"
"""

_XLSFORM_RULES = r"""
?not_expr: comparison

?atom: NUMBER                                      -> number
     | STRING                                      -> string
     | NAME                                        -> reference
     | BRACED_REFERENCE                            -> braced_reference
     | DOT                                         -> current
     | call
     | _LPAR or_expr _RPAR
"""


def grammar_text(dialect: Dialect) -> str:
    """Return the lark grammar source for ``dialect`` ("xinsheng" or "xlsform")."""
    common = _COMMON_RULES.replace("@NAME@", NAME_PATTERN).replace("@BRACED@", BRACED_NAME_PATTERN)
    if dialect == "xinsheng":
        return common + _XINSHENG_RULES
    if dialect == "xlsform":
        return common + _XLSFORM_RULES
    raise ValueError(f"unknown logic dialect {dialect!r}; expected 'xinsheng' or 'xlsform'")


#: Terminal name -> how an error message describes it.
TERMINAL_DESCRIPTIONS: dict[str, str] = {
    "NUMBER": "a number",
    "STRING": "a quoted text",
    "NAME": "a question code",
    "BRACED_REFERENCE": "a ${code} reference",
    "HYPHENATED_NAME": "a function name",
    "DOT": "'.'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "_LPAR": "'('",
    "_RPAR": "')'",
    "_COMMA": "','",
    "_NOT": "'not'",
    "_AND": "'and'",
    "_OR": "'or'",
    "DIV": "'div'",
    "MOD": "'mod'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
    "COMPARISON_OPERATOR": "a comparison (=, !=, <, <=, >, >=)",
    "$END": "the end of the expression",
}
#: Terminals that can start a value; when most are expected, the message just says "a value".
VALUE_STARTS: frozenset[str] = frozenset(
    {"NUMBER", "STRING", "NAME", "BRACED_REFERENCE", "HYPHENATED_NAME", "DOT", "TRUE", "FALSE",
     "_LPAR", "MINUS", "_NOT"}
)
#: Terminals that continue an expression after a value; summarised as "an operator".
OPERATORS: frozenset[str] = frozenset(
    {"_AND", "_OR", "DIV", "MOD", "PLUS", "MINUS", "STAR", "SLASH", "COMPARISON_OPERATOR"}
)
