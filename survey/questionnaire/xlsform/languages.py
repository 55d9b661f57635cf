"""XLSForm texts -> ``Texts``: which language column is Chinese or English, and which language
a plain ``label`` column (no ``::language``) is written in."""
from __future__ import annotations

import re

from survey.questionnaire.document import Texts

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def language_slot(name: str) -> str | None:
    """Map an XLSForm language name ('English (en)', 'chinese', 'zh') to 'zh', 'en' or None."""
    code = re.search(r"\(\s*([A-Za-z]{2,3})", name)
    word = (code.group(1) if code else name).strip().lower()
    if word.startswith(("zh", "chinese", "中文", "简体", "繁體", "cn")):
        return "zh"
    if word.startswith(("en", "english")):
        return "en"
    return None


def plain_language_slot(form: dict) -> str:
    """'zh' or 'en': the declared default language of pyxform's parsed ``form``, else 'zh' when
    any plain text has Chinese characters or only Chinese columns exist, else 'en'."""
    declared = language_slot(str(form.get("default_language", "default")))
    if declared:
        return declared
    plain, explicit = [], set()

    def visit(value: object) -> None:
        if isinstance(value, str):
            plain.append(value)
        elif isinstance(value, dict):
            for language, text in value.items():
                (plain.append(str(text)) if language == "default"
                 else explicit.add(language_slot(language)))

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            visit(node.get("label"))
            visit(node.get("hint"))
            walk(node.get("children", []))
    walk(form.get("children", []))
    for items in form.get("choices", {}).values():
        for item in items:
            visit(item.get("label"))
    if any(_CJK.search(text) for text in plain):
        return "zh"
    return "zh" if "zh" in explicit and "en" not in explicit else "en"


class TextReader:
    """Reads pyxform labels into ``Texts``; warns once per language that is neither Chinese nor
    English (its texts are not imported)."""

    def __init__(self, plain_slot: str, warnings: list[str]) -> None:
        self.plain_slot, self.warnings = plain_slot, warnings
        self.ignored_languages: set[str] = set()

    def texts(self, value: object) -> Texts:
        """Turn a pyxform label (a string or {language: text}) into ``Texts``."""
        if value is None:
            return Texts()
        if not isinstance(value, dict):
            return Texts(**{self.plain_slot: str(value)})
        found: dict[str, str] = {}
        for language, text in value.items():
            slot = self.plain_slot if language == "default" else language_slot(language)
            if slot is None:
                if language not in self.ignored_languages:
                    self.ignored_languages.add(language)
                    self.warnings.append(f"Language '{language}' is not Chinese or English; its "
                                         "texts were not imported.")
            elif language != "default" or slot not in found:
                found[slot] = str(text)
        return Texts(**found)
