"""What the readers of other tools' expressions (LimeSurvey's Expression Manager, SurveyJS's
``visibleIf``) share: the refusal of a part the logic language cannot say, and the cursor over a
token list their recursive-descent parsers step along."""
from __future__ import annotations

from survey.questionnaire.notices import Notice, notice


class Unmappable(ValueError):
    """The expression has no equivalent in the other language; ``notice`` names the part."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.text())
        self.notice = notice


class TokenCursor:
    """A position in ``tokens`` (``(kind, value)`` pairs); ``("end", "")`` past the last."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.position = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        """The next token, moving past it; when ``value`` is given it must be that token's value
        (else :class:`Unmappable` naming what was expected and found)."""
        token = self.peek()
        if value is not None and token[1] != value:
            raise Unmappable(notice("expected_token", expected=value, found=token[1]))
        self.position += 1
        return token
