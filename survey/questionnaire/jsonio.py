"""Lossless JSON interchange for whole questionnaires (schema ``xinsheng.questionnaire`` v1).

``to_json`` turns a ``Questionnaire`` into plain JSON-compatible data; ``from_json`` reads it
back, validating every key and raising ``DocumentError`` whose message starts with a
JSON-pointer-like path (``/pages/0/questions/2/settings/max: …``). The format is described in
``docs/questionnaire-json.md``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from survey.questionnaire.document import (
    SETTINGS_CLASS, Binding, Choice, DocumentError, MatrixRow, Page, Question, Questionnaire,
    Texts,
)
from survey.questionnaire.sanitize import sanitize_questionnaire

SCHEMA = "xinsheng.questionnaire"
VERSION = 1


# --- writing ----------------------------------------------------------------------------------

def texts_to_json(texts: Texts) -> dict[str, str]:
    """Return ``{"zh": …, "en": …}``."""
    return {"zh": texts.zh, "en": texts.en}


def binding_to_json(binding: Binding | None) -> dict[str, str] | None:
    """Return ``{"model", "construct", "indicator"}`` or None."""
    if binding is None:
        return None
    return {"model": binding.model, "construct": binding.construct,
            "indicator": binding.indicator}


def settings_to_json(settings: object) -> dict[str, Any]:
    """Return the settings of one question as a JSON object (Texts become zh/en objects)."""
    result: dict[str, Any] = {}
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        result[field.name] = texts_to_json(value) if isinstance(value, Texts) else value
    return result


def question_to_json(question: Question) -> dict[str, Any]:
    """Return one question as a JSON object (all keys present)."""
    return {
        "code": question.code,
        "type": question.type,
        "text": texts_to_json(question.text),
        "help": texts_to_json(question.help),
        "required": question.required,
        "show_if": question.show_if,
        "validation": question.validation,
        "validation_message": texts_to_json(question.validation_message),
        "binding": binding_to_json(question.binding),
        "settings": settings_to_json(question.settings),
        "choices": [{"code": c.code, "label": texts_to_json(c.label)} for c in question.choices],
        "rows": [{"code": r.code, "text": texts_to_json(r.text),
                  "binding": binding_to_json(r.binding)} for r in question.rows],
    }


def to_json(questionnaire: Questionnaire) -> dict[str, Any]:
    """Return the whole questionnaire as JSON-compatible data with schema and version."""
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "title": texts_to_json(questionnaire.title),
        "description": texts_to_json(questionnaire.description),
        "default_language": questionnaire.default_language,
        "kind": questionnaire.kind,
        "pages": [{"code": page.code, "title": texts_to_json(page.title),
                   "show_if": page.show_if,
                   "questions": [question_to_json(q) for q in page.questions]}
                  for page in questionnaire.pages],
    }


# --- reading ----------------------------------------------------------------------------------

def _error(path: str, message: str) -> DocumentError:
    return DocumentError(f"{path or '/'}: {message}")


def _object(data: object, path: str, *, required: set[str], optional: set[str]) -> dict:
    if not isinstance(data, dict):
        raise _error(path, f"must be an object, got {type(data).__name__}")
    missing = sorted(required - data.keys())
    if missing:
        raise _error(path, f"is missing the key(s) {', '.join(missing)}")
    unknown = sorted(str(key) for key in data.keys() - required - optional)
    if unknown:
        raise _error(path, f"has unknown key(s) {', '.join(unknown)}")
    return data


def _list(data: object, path: str) -> list:
    if not isinstance(data, list):
        raise _error(path, f"must be a list, got {type(data).__name__}")
    return data


def _string(data: object, path: str, *, optional: bool = False) -> str | None:
    if data is None and optional:
        return None
    if not isinstance(data, str):
        raise _error(path, f"must be a string{' or null' if optional else ''}, got {data!r}")
    return data


def texts_from_json(data: object, path: str) -> Texts:
    """Read a ``{"zh", "en"}`` object (either key may be left out: it means '')."""
    obj = _object(data, path, required=set(), optional={"zh", "en"})
    return Texts(_string(obj.get("zh", ""), f"{path}/zh"), _string(obj.get("en", ""), f"{path}/en"))


def binding_from_json(data: object, path: str) -> Binding | None:
    """Read a binding object (or null)."""
    if data is None:
        return None
    obj = _object(data, path, required={"model", "construct", "indicator"}, optional=set())
    try:
        return Binding(obj["model"], obj["construct"], obj["indicator"])
    except DocumentError as error:
        raise _error(path, str(error)) from None


def settings_from_json(question_type: str, data: object, path: str) -> object:
    """Read the settings object of a question of ``question_type``."""
    settings_class = SETTINGS_CLASS[question_type]
    fields = {field.name: field for field in dataclasses.fields(settings_class)}
    obj = _object(data, path, required=set(), optional=set(fields))
    values = {}
    for name, value in obj.items():
        default = fields[name].default
        values[name] = texts_from_json(value, f"{path}/{name}") if isinstance(default, Texts) \
            else value
    return settings_class(**values)


def _question_from_json(data: object, path: str) -> Question:
    obj = _object(data, path, required={"code", "type", "text"},
                  optional={"help", "required", "show_if", "validation", "validation_message",
                            "binding", "settings", "choices", "rows"})
    question_type = _string(obj["type"], f"{path}/type")
    if question_type not in SETTINGS_CLASS:
        raise _error(f"{path}/type", f"{question_type!r} is not one of "
                     f"{', '.join(SETTINGS_CLASS)}")
    choices = []
    for index, item in enumerate(_list(obj.get("choices", []), f"{path}/choices")):
        where = f"{path}/choices/{index}"
        choice = _object(item, where, required={"code", "label"}, optional=set())
        label = texts_from_json(choice["label"], f"{where}/label")
        try:
            choices.append(Choice(choice["code"], label))
        except DocumentError as error:
            raise _error(where, str(error)) from None
    rows = []
    for index, item in enumerate(_list(obj.get("rows", []), f"{path}/rows")):
        where = f"{path}/rows/{index}"
        row = _object(item, where, required={"code", "text"}, optional={"binding"})
        rows.append(MatrixRow(row["code"], texts_from_json(row["text"], f"{where}/text"),
                              binding_from_json(row.get("binding"), f"{where}/binding")))
    fields = dict(
        code=obj["code"], type=question_type, text=texts_from_json(obj["text"], f"{path}/text"),
        help=texts_from_json(obj.get("help", {}), f"{path}/help"),
        required=obj.get("required", False),
        show_if=_string(obj.get("show_if"), f"{path}/show_if", optional=True),
        validation=_string(obj.get("validation"), f"{path}/validation", optional=True),
        validation_message=texts_from_json(obj.get("validation_message", {}),
                                           f"{path}/validation_message"),
        binding=binding_from_json(obj.get("binding"), f"{path}/binding"),
        settings=settings_from_json(question_type, obj.get("settings", {}), f"{path}/settings"),
        choices=tuple(choices), rows=tuple(rows))
    try:
        return Question(**fields)
    except DocumentError as error:
        raise _error(path, str(error)) from None


def _page_from_json(data: object, path: str) -> Page:
    obj = _object(data, path, required={"code", "questions"}, optional={"title", "show_if"})
    questions = tuple(_question_from_json(item, f"{path}/questions/{index}")
                      for index, item in enumerate(_list(obj["questions"], f"{path}/questions")))
    title = texts_from_json(obj.get("title", {}), f"{path}/title")
    show_if = _string(obj.get("show_if"), f"{path}/show_if", optional=True)
    try:
        return Page(obj["code"], title, questions, show_if)
    except DocumentError as error:
        raise _error(path, str(error)) from None


def from_json(data: object) -> Questionnaire:
    """Read a questionnaire written by ``to_json`` (or by hand, following the schema).

    Rich-text fields are sanitised on the way in. Raises ``DocumentError`` naming the path of
    the first bad value and the rule it breaks (wrong schema or version, missing or unknown
    keys, wrong types, or any document rule such as a duplicated code).
    """
    obj = _object(data, "", required={"schema", "version", "title", "pages"},
                  optional={"description", "default_language", "kind"})
    if obj["schema"] != SCHEMA:
        raise _error("/schema", f"must be {SCHEMA!r}, got {obj['schema']!r}")
    if obj["version"] != VERSION or isinstance(obj["version"], bool):
        raise _error("/version", f"this Xinsheng reads version {VERSION}, got {obj['version']!r}")
    pages = tuple(_page_from_json(item, f"/pages/{index}")
                  for index, item in enumerate(_list(obj["pages"], "/pages")))
    title = texts_from_json(obj["title"], "/title")
    description = texts_from_json(obj.get("description", {}), "/description")
    try:
        questionnaire = Questionnaire(
            title=title, pages=pages, description=description,
            default_language=obj.get("default_language", "zh_CN"),
            kind=obj.get("kind", "custom"))
    except DocumentError as error:
        raise _error("", str(error)) from None
    return sanitize_questionnaire(questionnaire)
