"""Which text of ``Texts(zh, en)`` a language code of another tool fills (LimeSurvey's ``zh-Hans``,
``zh-Hant-TW``, ``en``; SurveyJS's ``zh-cn``, ``en`` …)."""
from __future__ import annotations

Slot = str  # "zh" or "en"


def slot_of(language: str) -> Slot | None:
    """'zh' for a Chinese code (``zh``, ``zh-…``, ``zh_…``), 'en' for an English one, None
    otherwise."""
    code = language.strip().lower().replace("_", "-")
    if code == "zh" or code.startswith("zh-"):
        return "zh"
    if code == "en" or code.startswith("en-"):
        return "en"
    return None
