"""Import and export of whole questionnaires, by file format (XLSForm, versioned JSON, LimeSurvey
.lss, SurveyJS JSON).
Shared by the designer's upload page and ``flask questionnaire import/export``."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePath
from typing import Callable, Literal

from survey.questionnaire.document import DocumentError, Questionnaire
from survey.questionnaire.jsonio import from_json, to_json
from survey.questionnaire.limesurvey import import_lss, looks_like_lss
from survey.questionnaire.notices import Notice, notice
from survey.questionnaire.sanitize import sanitize_questionnaire
from survey.questionnaire.surveyjs import export_surveyjs, import_surveyjs, is_surveyjs
from survey.questionnaire.xlsform.common import ImportResult
from survey.questionnaire.xlsform import FormIdentity, MAX_UPLOAD_BYTES, export_xlsform, import_xlsform
from survey.services.inbound_json import MAX_DEPTH, JsonRejected, load_json
from survey.services.isolation import IsolationError, run_isolated

ExportFormat = Literal["xlsform", "json", "surveyjs"]
XLSFORM_SUFFIXES = (".xlsx", ".xls", ".csv")


class InterchangeError(ValueError):
    """An upload cannot be imported; the message tells the designer what to fix (``notice``:
    the same as a rule and values, for the formats that give one)."""

    def __init__(self, message: str, notice: Notice | None = None) -> None:
        super().__init__(message)
        self.notice = notice


@dataclass(frozen=True, slots=True)
class ImportedQuestionnaire:
    questionnaire: Questionnaire
    warnings: tuple[str, ...]
    #: The warnings as rules and values (LimeSurvey, SurveyJS), to be worded in the reader's language.
    notices: tuple[Notice, ...] = ()


#: What reading one uploaded questionnaire file may take (the readers run isolated: a crafted
#: file cannot hold a web worker longer, nor make it allocate more).
IMPORT_SECONDS = 30.0
IMPORT_MEMORY_BYTES = 1024 ** 3


def import_questionnaire(data: bytes, *, filename: str, seconds: float | None = None,
                         memory_bytes: int | None = None) -> ImportedQuestionnaire:
    """Read an XLSForm (.xlsx/.xls/.csv), a LimeSurvey survey (.lss), or a .json upload: a
    questionnaire exported from Xinsheng (it has a ``schema``) or a SurveyJS survey (``pages``).

    LimeSurvey and SurveyJS files are told apart by content, not only by the name. The file is
    read in a child process (``survey.services.isolation``) given ``seconds`` and
    ``memory_bytes`` (default :data:`IMPORT_SECONDS`, :data:`IMPORT_MEMORY_BYTES`). Raises :class:`InterchangeError` naming the file and the problem (a file
    that takes longer or more memory is refused as probably damaged); nothing is stored here,
    so a failed import leaves nothing behind.
    """
    seconds = IMPORT_SECONDS if seconds is None else seconds
    memory_bytes = IMPORT_MEMORY_BYTES if memory_bytes is None else memory_bytes
    try:
        kind, value = run_isolated(_import_outcome, data, filename, seconds=seconds, memory_bytes=memory_bytes)
    except IsolationError as failed:
        if failed.reason == "crash":
            raise RuntimeError(f"reading {filename} failed in its child process:\n{failed.detail}") from None
        refusal = (notice("file_too_slow", file=filename, seconds=f"{seconds:g}") if failed.reason == "time"
                   else notice("file_too_demanding", file=filename, limit=memory_bytes // 1024 ** 2))
        raise InterchangeError(refusal.text(), refusal) from None
    if kind == "refused":
        message, refusal = value
        raise InterchangeError(message, refusal)
    return value


def _import_outcome(data: bytes, filename: str) -> tuple[str, object]:
    """In the child: ("imported", the questionnaire) or ("refused", (message, notice)) —
    InterchangeError's notice would not survive pickling as an exception."""
    try:
        return "imported", _import(data, filename)
    except InterchangeError as refused:
        return "refused", (str(refused), refused.notice)


def _import(data: bytes, filename: str) -> ImportedQuestionnaire:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".lss" or (suffix not in XLSFORM_SUFFIXES and looks_like_lss(data)):
        return _imported(import_lss, data, filename)
    if suffix == ".json":
        if len(data) > MAX_UPLOAD_BYTES:
            raise InterchangeError(
                f"{filename}: the file has {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
        try:  # the one inbound JSON validator: depth, finite numbers, no NUL or lone surrogates
            payload = load_json(data, max_bytes=MAX_UPLOAD_BYTES, max_depth=MAX_DEPTH)
        except JsonRejected as rejected:
            raise InterchangeError(f"{filename}: {rejected.path}: {rejected.message} "
                                   f"(rule {rejected.rule})") from None
        if is_surveyjs(payload):
            return _imported(import_surveyjs, data, filename)
        try:
            return ImportedQuestionnaire(sanitize_questionnaire(from_json(payload)), ())
        except DocumentError as error:
            raise InterchangeError(f"{filename}: {error}") from None
    if suffix in XLSFORM_SUFFIXES:
        try:
            result = import_xlsform(data, filename=filename)
        except DocumentError as error:
            raise InterchangeError(str(error)) from None
        return ImportedQuestionnaire(result.questionnaire, result.warnings)
    raise InterchangeError(
        f"{filename}: unknown file type {suffix or '(none)'!r}; use an XLSForm (.xlsx, .xls, .csv), "
        "a LimeSurvey .lss, a SurveyJS .json or a questionnaire .json")


def _imported(reader: Callable[..., ImportResult], data: bytes,
              filename: str) -> ImportedQuestionnaire:
    try:
        result = reader(data, filename=filename)
    except DocumentError as error:
        raise InterchangeError(str(error), getattr(error, "notice", None)) from None
    return ImportedQuestionnaire(result.questionnaire, result.warnings, result.notices)


def export_questionnaire(questionnaire: Questionnaire, export_format: ExportFormat, *,
                         identity: FormIdentity | None = None) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx bytes), as UTF-8 JSON or as SurveyJS
    JSON (UTF-8). ``identity``
    (the stored questionnaire's id and the version's number) goes into the XLSForm's form_id."""
    if export_format == "xlsform":
        return export_xlsform(questionnaire, identity=identity)
    if export_format == "surveyjs":
        return export_surveyjs(questionnaire)
    if export_format == "json":
        return json.dumps(to_json(questionnaire), ensure_ascii=False, indent=2).encode("utf-8")
    raise InterchangeError(f"unknown export format {export_format!r}; use 'xlsform', 'json' or "
                           "'surveyjs'")
