"""The row-level report of an upload: which rule a row, a column or the whole file breaks.

A :class:`RowProblem` names the row as a spreadsheet shows it (the header is row 1; 0 for the
whole file), the column, the value and the rule; its message comes in Chinese and in English
from :data:`RULE_MESSAGES`. An :class:`ImportReport` collects them with what an import did.
Shared by the invitation upload and the complaint-case import (``survey.services.upload_tables``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Language = Literal["zh_CN", "en"]

# rule code → (Chinese, English); ``%(...)s`` placeholders are filled from the problem.
RULE_MESSAGES: Mapping[str, tuple[str, str]] = {
    "too_large": ("文件过大（上限 %(limit)s 字节）。", "The file is too large (limit %(limit)s bytes)."),
    "format": ("只接受 .csv 或 .xlsx 文件。", "Only .csv and .xlsx files are accepted."),
    "encoding": ("CSV 文件必须是 UTF-8（可带 BOM）、GBK/GB18030 或 UTF-16（带 BOM）编码；请在 Excel 中另存为“CSV UTF-8”。",
                 "A CSV file must be UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 (with BOM); in Excel use “CSV UTF-8”."),
    "unreadable": ("无法读取该文件：%(detail)s。", "The file cannot be read: %(detail)s."),
    "empty": ("文件没有标题行或数据行。", "The file has no header row or no data rows."),
    "too_many_rows": ("数据行过多（上限 %(limit)s 行）。", "Too many data rows (limit %(limit)s)."),
    "import_failed": ("导入在后台失败，未导入任何内容；请重新上传，若仍失败请联系管理员。",
                      "The import failed in the background and nothing was imported; upload the file again, "
                      "and tell an administrator if it fails again."),
    "missing_column": ("缺少必需的列。", "A required column is missing."),
    "duplicate_column": ("列名重复。", "The column name appears twice."),
    "column_name": ("列名只能包含字母、数字和下划线，并以字母开头（最多 64 个字符）。",
                    "Column names may contain only letters, digits and '_', starting with a letter "
                    "(at most 64)."),
    "required": ("必填，不能为空。", "Required; must not be empty."),
    "too_long": ("过长（最多 %(limit)s 个字符）。", "Too long (at most %(limit)s characters)."),
    "language": ("语言必须是 zh_CN 或 en。", "The language must be zh_CN or en."),
    "email": ("不是有效的电子邮件地址。", "Not a valid e-mail address."),
    "date": ("日期格式应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM。",
             "Dates must look like YYYY-MM-DD or YYYY-MM-DD HH:MM."),
    "past": ("过期时间已过去。", "The expiry time is in the past."),
    "duplicate": ("在文件中重复出现（第 %(first)s 行已有）。",
                  "Appears twice in the file (first on row %(first)s)."),
    "already_invited": ("该客户已有尚未完成的邀请。", "This customer already has an open invitation."),
    "choice": ("必须是以下之一：%(allowed)s。", "Must be one of: %(allowed)s."),
    "before_opened": ("解决时间早于受理时间。", "The resolution time is before the opening time."),
    "resolved_at_required": ("已结案的案件需要解决时间。", "A closed case needs a resolution time."),
    "not_object": ("每条记录必须是一个 JSON 对象。", "Each record must be a JSON object."),
    "nul": ("文件含有 NUL 字符（\\0），不是文本 CSV。", "The file contains a NUL character (\\0); it is not a text CSV."),
    "too_many_columns": (
        "列过多：共 %(count)s 列；除 %(known)s 外，最多允许 %(limit)s 个细分属性列。",
        "Too many columns: the file has %(count)s; besides %(known)s at most %(limit)s segment "
        "attribute columns are allowed."),
    "zip_members": ("该 .xlsx 压缩包有 %(actual)s 个部件，上限为 %(limit)s 个。",
                    "The .xlsx archive has %(actual)s parts; the limit is %(limit)s."),
    "zip_size": ("该 .xlsx 解压后超过 %(limit)s 字节（压缩炸弹保护）。",
                 "The .xlsx unpacks to more than %(limit)s bytes (decompression-bomb guard)."),
    "zip_ratio": ("该 .xlsx 的压缩比为 %(actual)s 倍，上限为 %(limit)s 倍（压缩炸弹保护）。",
                  "The .xlsx is compressed %(actual)s times; the limit is %(limit)s times "
                  "(decompression-bomb guard)."),
    "zip_overrun": ("该 .xlsx 的部件解压后超过其声明的 %(limit)s 字节，文件已损坏或被篡改。",
                    "A part of the .xlsx unpacks to more than the %(limit)s bytes it declares; the "
                    "file is damaged or forged."),
}


class UploadError(ValueError):
    """The file itself cannot be used (size, format, encoding); carries one report problem."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.message("en"))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One broken rule: ``row`` as a spreadsheet numbers it (header = 1; 0 for the whole file)."""

    row: int
    column: str
    value: str
    rule: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, language: Language | str = "en") -> str:
        chinese, english = RULE_MESSAGES[self.rule]
        template = chinese if str(language).startswith("zh") else english
        return template % dict(self.params) if self.params else template

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "rule": self.rule,
                "message_en": self.message("en"), "message_zh": self.message("zh_CN")}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import found (``problems``) and did (``created``/``updated``)."""

    rows: int
    problems: tuple[RowProblem, ...] = ()
    created: int = 0
    updated: int = 0
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "created": self.created, "updated": self.updated,
                "problems": [p.as_dict() for p in self.problems], "truncated": self.truncated}
