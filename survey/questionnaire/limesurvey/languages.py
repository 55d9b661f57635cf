"""Which LimeSurvey language fills which slot of the document's ``Texts(zh, en)``.

LimeSurvey codes are ``zh-Hans``, ``zh-Hant-HK``, ``zh-Hant-TW``, ``en``, ``de``, ``de-informal``
… Chinese (any script or region) goes to ``zh`` and English (any variant) to ``en``; the first of
each in the survey's language order (the base language first) wins. The rule when a survey has
neither: its base language fills both slots, so the questionnaire can be answered at once, and a
warning asks for a translation. Every language whose texts are left out is named in a warning.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey.questionnaire.document import Texts
from survey.questionnaire.language_slots import Slot, slot_of
from survey.questionnaire.notices import Notice, notice


@dataclass(frozen=True, slots=True)
class LanguagePlan:
    """``sources[slot]`` is the LimeSurvey language read into that slot."""

    sources: dict[Slot, str]
    default_slot: Slot
    warnings: tuple[Notice, ...]

    def texts(self, localized: dict[str, str]) -> Texts:
        """The ``Texts`` for a ``{language: text}`` map of LimeSurvey texts."""
        return Texts(zh=localized.get(self.sources.get("zh", ""), "").strip(),
                     en=localized.get(self.sources.get("en", ""), "").strip())


def plan_languages(languages: tuple[str, ...], base: str) -> LanguagePlan:
    """Decide the slot of each language (``languages`` in survey order, base first)."""
    sources: dict[Slot, str] = {}
    warnings: list[Notice] = []
    for language in languages:
        slot = slot_of(language)
        if slot is not None and slot not in sources:
            sources[slot] = language
    if not sources:
        language = base or (languages[0] if languages else "")
        sources = {"zh": language, "en": language}
        warnings.append(notice("lss_no_zh_en", language=language or "?"))
    kept = set(sources.values())
    left_out = [language for language in languages if language not in kept]
    if left_out:
        origin = {slot: f"'{sources[slot]}'" if slot in sources else "—" for slot in ("zh", "en")}
        warnings.append(notice("lss_languages_left_out",
                               languages=", ".join(f"'{x}'" for x in left_out), **origin))
    base_slot = slot_of(base) if base else None
    default_slot = base_slot if base_slot in sources else ("zh" if "zh" in sources
                                                           and "en" not in sources else "en")
    return LanguagePlan(sources, default_slot, tuple(warnings))
