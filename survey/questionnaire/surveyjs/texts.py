"""SurveyJS localizable strings <-> ``Texts(zh, en)``.

SurveyJS writes a text as a plain string or as ``{"default": …, "en": …, "zh-cn": …}``, where
``default`` is the text of the survey's default locale (English unless the site changed it).
Export writes ``{"default": en, "zh-cn": zh}`` (empty languages left out). Import takes ``en``
and the first Chinese key (``zh-cn``, ``zh-tw``, ``zh``…) first; ``default`` (or a plain
string) then fills English, or Chinese when the text is Chinese and no Chinese key exists.
Other languages are left out; the caller warns once per language.
"""
from __future__ import annotations

import re

from survey.questionnaire.document import Texts
from survey.questionnaire.language_slots import slot_of

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def texts_to_surveyjs(texts: Texts) -> dict[str, str]:
    """``{"default": en, "zh-cn": zh}`` without the empty languages."""
    found = {"default": texts.en, "zh-cn": texts.zh}
    return {key: value for key, value in found.items() if value}


def texts_from_surveyjs(value: object, ignored: set[str]) -> Texts:
    """Read a SurveyJS string; languages other than Chinese and English are added to
    ``ignored`` (for one warning each)."""
    if value is None:
        return Texts()
    if not isinstance(value, dict):
        value = {"default": value}
    slots: dict[str, str] = {}
    for key, text in value.items():
        slot = slot_of(str(key)) if key != "default" else None
        if slot is None and key != "default":
            if str(text).strip():
                ignored.add(str(key))
        elif slot is not None and slot not in slots:
            slots[slot] = "" if text is None else str(text)
    default = value.get("default")
    if default is not None:
        default = str(default)
        if "en" not in slots and ("zh" in slots or not _CJK.search(default)):
            slots["en"] = default
        elif "zh" not in slots and _CJK.search(default):
            slots["zh"] = default
    return Texts(zh=slots.get("zh", ""), en=slots.get("en", ""))
