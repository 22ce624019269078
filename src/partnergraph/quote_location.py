"""Where in a reviewed document's text a quote stands, as offsets of the text itself.

`verify` answers whether a quote occurs in the whitespace-folded text; the quote lint
must also see the lines the quote spans (a heading, a table row, list items), which
folding has erased. A `FoldedText` is the text folded exactly as `verify.fold` folds it,
with each folded character's offset in the original, so one substring search in the
folded text answers both questions.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .citation_finder import line_spans
from .verify import fold

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class QuoteSpan:
    """A quote's first occurrence in the text: its offsets and the lines it covers."""

    start: int
    end: int
    first_line: int
    last_line: int


@dataclass(frozen=True)
class FoldedText:
    raw: str
    folded: str
    origin: tuple[int, ...]
    """The offset in `raw` of each character of `folded` (a folded space: the first
    whitespace character of the run it replaces)."""
    lines: tuple[tuple[int, int], ...]
    line_starts: tuple[int, ...]

    @classmethod
    def of(cls, raw: str) -> FoldedText:
        """The text's non-space runs joined by single spaces: `verify.fold`'s result, with
        offsets kept (`\\S` is exactly what `\\s+` leaves, so the two cannot disagree)."""
        parts: list[str] = []
        origin: list[int] = []
        for match in _WORD.finditer(raw):
            if parts:
                parts.append(" ")
                origin.append(match.start() - 1)
            parts.append(match.group())
            origin.extend(range(match.start(), match.end()))
        lines = tuple(line_spans(raw))
        return cls(raw, "".join(parts), tuple(origin), lines, tuple(s for s, _ in lines))

    def locate(self, quote: str) -> QuoteSpan | None:
        """The quote's first occurrence, or None when verify would report it missing."""
        wanted = fold(quote)
        at = self.folded.find(wanted) if wanted else -1
        if at < 0:
            return None
        start, end = self.origin[at], self.origin[at + len(wanted) - 1] + 1
        return QuoteSpan(start, end, self.line_at(start), self.line_at(end - 1))

    def line_at(self, offset: int) -> int:
        """The index (from 0) of the line holding the offset."""
        return bisect.bisect_right(self.line_starts, offset) - 1

    def line(self, index: int) -> str:
        start, end = self.lines[index]
        return self.raw[start:end]
