"""XLSForm choice lists -> ``Choice`` values, and pyxform's "or other" text questions.

pyxform adds an ``other`` choice and a ``<select>_other`` text question for ``or_other``; the
import folds both back into the select's ``other`` setting. Choices are read from pyxform's
parsed lists; the raw choices sheet tells which names the designer wrote (pyxform adds ``other``
to a list shared with an ``or_other`` select)."""
from __future__ import annotations

from typing import Any, Callable

from survey.questionnaire.document import OTHER_CODE, Choice, Texts
from survey.questionnaire.xlsform.reshape import media_files


def or_other_base(node: dict) -> str | None:
    """The select a node is pyxform's generated "specify other" text question of, if it is."""
    name = str(node.get("name", ""))
    base = name[: -len("_other")]
    relevant = node.get("bind", {}).get("relevant")
    if node.get("type") == "text" and name.endswith("_other") \
            and relevant == f"selected(../{base}, '{OTHER_CODE}')":
        return base
    return None


def or_other_selects(nodes: list[dict]) -> set[str]:
    """The names of the selects followed by their generated "specify other" text question."""
    found: set[str] = set()
    selects = {node.get("name") for node in nodes if str(node.get("type")).startswith("select")}
    for node in nodes:
        if or_other_base(node) in selects:
            found.add(str(or_other_base(node)))
        found |= or_other_selects(node.get("children", []))
    return found


class ChoiceReader:
    """Reads a select's choices; warns about choice filters, duplicate names, media and choices
    without text (once per list for the last two)."""

    def __init__(self, lists: dict[str, list[dict]], raw_choices: Any,
                 texts: Callable[[object], Texts], plain_slot: str, warnings: list[str]) -> None:
        self.lists, self.texts, self.plain_slot, self.warnings = lists, texts, plain_slot, warnings
        self.written: dict[str, set[str]] = {}  # list name -> the names on the choices sheet
        for row in raw_choices or ():
            keys = {str(key).strip().lower().replace(" ", "_"): value for key, value in row.items()}
            self.written.setdefault(str(keys.get("list_name", "")).strip(), set()).add(
                str(keys.get("name", "")).strip())
        self.warned_lists: set[str] = set()

    def choices(self, node: dict, settings: object) -> tuple[Choice, ...]:
        """The choices of the select ``node`` (() when its list is not in the form)."""
        list_name = node.get("itemset") or node.get("list_name")
        if not list_name:
            return ()
        if node.get("choice_filter"):
            self.warnings.append(f"'{node.get('name')}': the choice filter "
                                 f"{node['choice_filter']!r} is not supported; all choices are "
                                 "shown.")
        written = self.written.get(list_name)
        items = self.lists.get(list_name, node.get("choices", []))
        self._warn_about_list(str(list_name), items)
        result: list[Choice] = []
        duplicates: list[str] = []
        for item in items:
            code = str(item.get("name", ""))
            if getattr(settings, "other", False) and code == OTHER_CODE:
                continue
            if written is not None and code not in written:
                continue  # added by pyxform for an or_other question sharing this list
            if any(choice.code == code for choice in result):
                duplicates.append(code)
                continue
            label = self.texts(item.get("label"))
            result.append(Choice(code, Texts(**{self.plain_slot: code}) if label.is_empty()
                                 else label))
        if duplicates:
            self.warnings.append(
                f"'{node.get('name')}': the choice list '{list_name}' has the name(s) "
                f"{', '.join(repr(code) for code in dict.fromkeys(duplicates))} more than once "
                "(for its choice filter); choice codes must be unique, so only the first of each "
                "was kept.")
        return tuple(result)

    def _warn_about_list(self, list_name: str, items: list[dict]) -> None:
        """Warn once per choice list about its choices' media and labels made from names."""
        if list_name in self.warned_lists:
            return
        self.warned_lists.add(list_name)
        media = [f"'{item.get('name')}': {file}" for item in items for file in media_files(item)]
        unlabelled = [str(item.get("name")) for item in items
                      if self.texts(item.get("label")).is_empty()]
        if media:
            self.warnings.append(f"Choice list '{list_name}': the choices' media were not "
                                 f"imported ({'; '.join(media)}).")
        if unlabelled:
            self.warnings.append(f"Choice list '{list_name}': the choice(s) "
                                 f"{', '.join(repr(code) for code in unlabelled)} have no text; "
                                 "their names were used as their labels.")
