"""XLSForm names -> Xinsheng codes. XLSForm allows '-' and '.' in names; a Xinsheng code holds
only ASCII letters, digits and '_', so such a name gets a code made from it (with a warning), and
the ``${name}`` references in expressions follow."""
from __future__ import annotations

import re

from survey.questionnaire.document import CODE_PATTERN


def names_in(nodes: list[dict]) -> set[str]:
    """Every name in pyxform's parsed survey tree (so made-up codes never collide with one)."""
    found: set[str] = set()
    for node in nodes:
        found.add(str(node.get("name", "")))
        found |= names_in(node.get("children", []))
    return found


class CodeNamer:
    """Gives each XLSForm name its code; ``used_codes`` is shared with the importer, which adds
    the page codes it makes up."""

    def __init__(self, used_codes: set[str], warnings: list[str]) -> None:
        self.used_codes, self.warnings = used_codes, warnings
        self.renamed: dict[str, str] = {}  # XLSForm name -> the valid code it was given

    def rename_invalid(self, nodes: list[dict]) -> None:
        """Give every name that is no code its code before any expression is read, so that
        references to a later question are rewritten too."""
        for node in nodes:
            self.code(str(node.get("name", "")))
            self.rename_invalid(node.get("children", []))

    def code(self, name: str) -> str:
        """The code of an XLSForm name: the name itself, or a valid code made from it (with a
        warning naming both)."""
        if not name or CODE_PATTERN.match(name):
            return name
        if name in self.renamed:
            return self.renamed[name]
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)
        base = (base if re.match(r"[A-Za-z_]", base) else f"_{base}")[:60]
        code, number = base, 2
        while code in self.used_codes:
            code, number = f"{base}_{number}", number + 1
        self.used_codes.add(code)
        self.renamed[name] = code
        self.warnings.append(f"'{name}' was renamed '{code}': Xinsheng codes start with a letter "
                             "or '_' and hold only ASCII letters, digits and '_' (at most 64).")
        return code

    def rewrite_references(self, expression: str) -> str:
        """``expression`` with each ``${name}`` of a renamed name pointing at its code."""
        for old, new in self.renamed.items():
            expression = expression.replace(f"${{{old}}}", f"${{{new}}}")
        return expression
