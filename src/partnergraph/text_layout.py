"""What each line of an extracted text is: a heading, a table row, a list item or prose.

The texts come from PDFs and Word files, so their layout survives only as line
shapes: a table row keeps its cells apart with tabs (or is a line of figures, as a
survey table flattens), a list item starts with a bullet or a number (or follows a
bullet left alone on its line), and a heading is a short line that ends no sentence
and that the next line does not continue in lower case. The quote lint asks these
questions of the lines a quote spans; none of them needs more than the line and its
neighbours, so they are judged line by line.
"""

from __future__ import annotations

import re
from enum import Enum

_ROUND_BULLETS = "•●▪◦‣■□➢✓"
"""Bullets that never occur in prose; a dash or an asterisk may."""
_BULLET = _ROUND_BULLETS + "-–*"
_MARKER = re.compile(rf"^\s*(?:[{re.escape(_BULLET)}]|\(?(?:\d{{1,2}}|[a-z]|[ivx]{{1,4}})[.)])(?:\s+|$)")
_BULLET_START = re.compile(rf"^\s*[{re.escape(_BULLET)}](?:\s+|$)")
_LONE_MARKER = re.compile(rf"^\s*[{re.escape(_BULLET)}]\s*$")
_FIGURES = re.compile(r"^[\s\d.,%£$€()+-]+$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_CHAPTER_NUMBER = re.compile(r"^\s*\d{1,2}\.?\s+[A-Z]")
_SENTENCE_END = re.compile(r"""[.!?:”"’)]\d{0,2}$""")  # a footnote number may follow: 'trust.6'
_OPEN_END = ".,;:!?…-–—(/&"

HEADING_CHARACTERS = 80
"""A heading is at most this long; the texts' wrapped prose lines run 55 to 90
characters, so length alone does not decide, but a longer line is never a title."""
HEADING_WORDS = 12


class LineKind(Enum):
    BLANK = "blank"
    MARKER = "marker"  # a bullet alone on its line; its item's words follow
    ITEM = "item"  # the line a list item starts on
    TABLE = "table"
    HEADING = "heading"
    TEXT = "text"


def is_figures_row(line: str) -> bool:
    """A row of a flattened table of figures, such as '60 % 24 % 16 % 0 %'."""
    return bool(_FIGURES.match(line)) and len(_NUMBER.findall(line)) >= 2


def cell_tabs(line: str) -> list[int]:
    """Offsets in the line of the tabs that part two cells: text on both sides (a tab
    just after a bullet is the bullet's, a leading tab only indents a wrapped cell)."""
    body_start = marker.end() if (marker := _MARKER.match(line)) else 0
    return [
        at
        for at, char in enumerate(line)
        if char == "\t" and line[body_start:at].strip() and line[at + 1 :].strip()
    ]


def is_table_row(line: str) -> bool:
    return bool(cell_tabs(line)) or is_figures_row(line)


def _title_case(words: list[str]) -> bool:
    long_words = [w for w in words if sum(ch.isalpha() for ch in w) > 3]
    capitals = [w for w in long_words if w.lstrip("(“‘\"'")[:1].isupper()]
    return bool(long_words) and len(capitals) >= 0.6 * len(long_words)


def _next_text(lines: list[str], index: int) -> str | None:
    for line in lines[index + 1 :]:
        if line.strip():
            return line.strip()
    return None


def _is_heading(lines: list[str], index: int) -> bool:
    text = lines[index].strip()
    words = text.split()
    if len(text) > HEADING_CHARACTERS or len(words) > HEADING_WORDS or text[-1] in _OPEN_END:
        return False
    if text.isdigit():  # a page number
        return False
    following = _next_text(lines, index)
    if following and following[0].islower():  # the sentence goes on
        return False
    if _SECTION_NUMBER.match(text) or (_CHAPTER_NUMBER.match(text) and len(words) <= 6):
        return True
    before = lines[index - 1].strip() if index else ""
    after = lines[index + 1].strip() if index + 1 < len(lines) else ""
    starts_block = not before or bool(_SENTENCE_END.search(before))
    return starts_block and (not after or _title_case(words))


def _in_sentence(lines: list[str], index: int) -> bool:
    """'– for example ...' or '17) which ...' inside a sentence is a dash or the end of a
    citation, not a list marker: the line before it ends no sentence or lead-in. A round
    bullet is never prose."""
    before = lines[index - 1].rstrip() if index else ""
    mark = lines[index].lstrip()[:1]
    cited_page = before.endswith(":") and before[-2:-1].isdigit()  # '(Cairns et al, 2006:' then '17)'
    return mark not in _ROUND_BULLETS and bool(before) and (before[-1] not in ".:;!?”" or cited_page)


def classify(lines: list[str]) -> list[LineKind]:
    """The kind of each line, in order."""
    kinds: list[LineKind] = []
    after_marker = False
    for index, line in enumerate(lines):
        if not line.strip():
            kinds.append(LineKind.BLANK)
            continue
        if _LONE_MARKER.match(line):
            kinds.append(LineKind.MARKER)
            after_marker = True
            continue
        if is_table_row(line):
            kind = LineKind.TABLE
        elif after_marker or (_BULLET_START.match(line) and not _in_sentence(lines, index)):
            kind = LineKind.ITEM
        elif _is_heading(lines, index):  # '2. Background', not an item
            kind = LineKind.HEADING
        elif _MARKER.match(line) and not _in_sentence(lines, index):
            kind = LineKind.ITEM
        else:
            kind = LineKind.TEXT
        after_marker = False
        kinds.append(kind)
    return kinds
