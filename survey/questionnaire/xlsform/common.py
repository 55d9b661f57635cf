"""What XLSForm import and export share: their errors, the import result and the translation of
logic expressions into XLSForm syntax."""
from __future__ import annotations

from dataclasses import dataclass

from survey.questionnaire import logic
from survey.questionnaire.document import DocumentError, Questionnaire
from survey.questionnaire.notices import Notice


class QuestionnaireImportError(DocumentError):
    """An uploaded XLSForm cannot be imported; the message says what to fix. ``notice`` (when
    the format gives one) is the same message as a rule and values, to be translated."""

    def __init__(self, message: str, notice: Notice | None = None) -> None:
        super().__init__(message)
        self.notice = notice

    @classmethod
    def of(cls, notice: Notice) -> QuestionnaireImportError:
        """The error whose message is ``notice`` in English."""
        return cls(notice.text(), notice)


class QuestionnaireExportError(DocumentError):
    """A questionnaire cannot be written as XLSForm yet; the message says what to fix.
    ``notice`` (when the format gives one) is the same message as a rule and values."""

    def __init__(self, message: str, notice: Notice | None = None) -> None:
        super().__init__(message)
        self.notice = notice


@dataclass(frozen=True, slots=True)
class ImportResult:
    """A successfully imported questionnaire and the warnings the designer must see."""

    questionnaire: Questionnaire
    warnings: tuple[str, ...]
    #: The warnings as rules and values, in the same order, when the format gives them.
    notices: tuple[Notice, ...] = ()




def to_xlsform_expression(expression: str | None) -> str:
    """XLSForm syntax of a logic-language expression ('' for None)."""
    return "" if expression is None else logic.to_xlsform(logic.parse(expression))
