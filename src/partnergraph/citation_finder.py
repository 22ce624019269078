"""Citations in a reviewed document's text, each with its exact character span.

Four kinds are found, because reviews cite in these ways and a curator (or `ingest`)
must see all of them, not only the ones a key can be read from:

- author-year: "(Rowe, 2006)", "Lester et al (2008)", "Mattessich et al's, 2001",
  "Cairns et al, 2006: 24", "Huxham and Vangen (2000)", "(Audit Commission, 1998;
  Shaw, 2003)"; "as cited by/in" before one marks it secondary;
- numbered: "[35]", "[54,55,56]", "[3-5]" (ranges expanded);
- note markers: superscript digits glued to the word before them ("SMART¹"), and,
  only in a text with a "Notes"/"Endnotes"/"Footnotes" heading, plain digits glued
  after a word or punctuation ("partnership.12"). A text with neither has its plain
  digit markers ("sectors 1,2,3.", "(TSI),16 social") taken only as a run of three or
  more that counts up from 1 and never after a numbering label ("Table 1", "page
  12"): in running text digits are as often counts or page numbers, and a false
  citation is worse than a missed one the curator can add;
- web: a web address alone in brackets ("(http://www.pilotlight.org.uk/pilotlight)").

A note marker whose note the text holds (at the page foot, as a superscript line, or
under a Notes heading) carries the note's text and the author-year citations and
references with initials ("Konrad, E. L. (1996)") read in it; "Ibid." repeats the note
before.

Spans are in the text as given (no whitespace folding), so `text[start:end]` is the
citation as printed, and a draft can point at it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

_WORD = r"[A-Z][\w'’\-/]*"
_NAME = rf"{_WORD}(?:\s+(?:(?:of|for)(?:\s+the)?|and\s+Local|de|van|von)?\s*{_WORD})*"
_AUTHORS = rf"{_NAME}(?:\s*(?:,\s*(?:&|and\b)?|&|\band\b)\s*{_NAME})*(?:\s+et\.?\s+al\.?)?"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Spring|Summer|Autumn|Winter)"
)
_YEAR = r"(?P<year>(?:19|20)\d\d[a-z]?\b(?!\s*[-–]\s*\d)|n\.\s?d\.|undated\b)"
_AUTHOR_YEAR = re.compile(
    rf"(?P<authors>{_AUTHORS})(?:['’]s)?(?P<separator>\s*,?\s*\(?\s*(?:{_MONTH}\s+)?){_YEAR}"
    r"(?P<pages>\s*:\s*\d+(?:\s*[-–]\s*\d+)?)?"
)
# Further years of the same authors: "(Williamson, 1975, 1985, 1991)".
_MORE_YEARS = re.compile(r"\s*[,;]\s*(?P<year>(?:19|20)\d\d[a-z]?)\b(?!\s*[-–]\s*\d)(?!\s*[,;]?\s*[A-Z])")
_NUMBERED = re.compile(r"\[(?P<numbers>\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\]")
_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_NOTE = re.compile(rf"(?<=[^\s{_SUPERSCRIPT}])[{_SUPERSCRIPT}]+")
_SUPERSCRIPT_BODY = re.compile(rf"^\s*([{_SUPERSCRIPT}]+)", re.MULTILINE)
_NUMBERED_BODY = re.compile(r"^\s*\[?(\d{1,3})[\].]?\s+\S", re.MULTILINE)
_GLUED_NOTE = re.compile(
    r"(?<!\bp\.)(?<!\bpp\.)(?<!\d[,.;:])(?<=[a-z\.,;:\)’”\"])(?P<n>\d{1,3}(?:,\d{1,3})*)(?=[\s,.;:)]|$)"
)
# A footnote number that lost its superscript in extraction: digits after a word or closing mark,
# spaced or glued ("sectors 1,2,3.", "(TSI),16 social"), closing a line or followed by punctuation or a
# lowercase word (a capitalised one only for the very next number of the run); never after a label
# that numbers things ("Table 1", "page 12", "Section 2.2.4").
_PLAIN_MARKER = re.compile(
    r"(?<![Tt]able)(?<![Ff]igure)(?<![Ss]ection)(?<![Cc]hapter)(?<![Aa]ppendix)(?<![Pp]age)(?<![Ss]tep)"
    r"(?<![Ss]tage)(?<![Pp]art)(?<![Pp]hase)(?<=[a-z\)’”.,])(?<!\d[.,])(?<!\bp\.)(?<!\bpp\.)"
    r"[ \t]?(?P<n>\d{1,2}(?:,\d{1,2})*)"
    r"(?=[.,;:]?[ \t]*$|[.,;:][ \t]+\S|[ \t]+[a-z]|(?P<capital>[ \t]+[A-Z]))",
    re.MULTILINE,
)
_NOTES_HEADING = re.compile(r"^\s*(?:end|foot)?notes\s*$", re.IGNORECASE | re.MULTILINE)
# "as cited by/in X" and "drawing on (the work of) X": X is the work the finding was read through.
# A web address alone in brackets, as grey literature cites an organisation's page.
_WEB = re.compile(r"\(\s*(?P<url>(?:https?://|www\.)[^\s()]+?)[.,;]?\s*\)")
_SECONDARY = re.compile(
    r"(?:as\s+cited\s+(?:by|in)|drawing\s+on(?:\s+the\s+work\s+of)?)\s*\(?\s*$", re.IGNORECASE
)
_ET_AL = re.compile(r"\bet\.?\s+al\.?")
# Capitalised words that open sentences or name months, never an author.
NOT_AUTHORS = frozenset(
    [
        "see",
        "in",
        "as",
        "for",
        "the",
        "also",
        "and",
        "by",
        "from",
        "since",
        "during",
        "between",
        "until",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "spring",
        "summer",
        "autumn",
        "winter",
        "table",
        "figure",
        "appendix",
        "chapter",
        "section",
        "page",
        "year",
        "years",
        "act",
        "however",
        "this",
        "these",
        "although",
        "both",
        "conversely",
        "furthermore",
        "moreover",
        "therefore",
        "whereas",
        "thus",
        "similarly",
        "finally",
        "firstly",
        "secondly",
        "additionally",
        "indeed",
        "while",
        "uk",
    ]
)


@dataclass(frozen=True)
class FoundCitation:
    kind: str  # "author-year" | "numbered" | "note" | "web"
    start: int
    end: int  # exact span in the text
    text: str
    surnames: tuple[str, ...]
    year: str | None
    et_al: bool
    numbers: tuple[int, ...]
    secondary: bool  # "as cited by/in"
    authors: str = ""  # the author part as printed, whitespace folded ("Cairns et al")
    keys: tuple[str, ...] = ()  # cite keys it may stand for, most specific first
    note_text: str = ""  # a note marker's own note, as printed, when the text holds it
    cites: tuple[FoundCitation, ...] = ()  # the author-year citations read in that note

    @property
    def label(self) -> str:
        """How a report names it: "Cairns et al, 2006", "[54, 55]", "note 3", a web address."""
        if self.kind == "web":
            return self.text
        if self.kind == "author-year":
            return f"{self.authors}, {self.year or 'n.d.'}"
        if self.kind == "numbered":
            return "[" + ", ".join(map(str, self.numbers)) + "]"
        return f"note {self.numbers[0]}"


def key_stem(name: str) -> str:
    """A name as cite keys spell it: ASCII letters only, lowercase (`Rugkåsa` → `rugkasa`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


def find_citations(text: str) -> list[FoundCitation]:
    """Every citation of the three kinds, sorted by where it starts; each note marker whose
    note the text holds carries that note and the citations read in it."""
    author_year = _author_year(text)
    found = author_year + _numbered(text) + _with_notes(text, _notes(text), author_year) + _web(text)
    return sorted(found, key=lambda c: (c.start, c.end))


def _author_year(text: str) -> list[FoundCitation]:
    """The first author is whatever precedes the first `and`, `&`, comma or `et al`.

    A sentence may run into the name ("See Cairns et al"), so openers are dropped and
    every tail of the remaining words is a candidate key, longest first. A key naming
    the first two surnames (`huxhamvangen1996`) comes before them, and the whole name
    up to a comma before that split, for corporate authors with "and" in their names.
    A name and year with only a space between them count inside brackets ("(Ling
    2012:3)") and never in running text, where "Return 2007" is a title. Further years
    of the same authors ("Williamson, 1975, 1985") are citations of their own, spanning
    the year.
    """
    found = []
    for match in _AUTHOR_YEAR.finditer(text):
        start, authors = match.start(), match["authors"]
        # Drop sentence openers that run into the name: "Furthermore, Rummery", "See Cairns".
        while (opener := re.match(r"(\w+)[,\s]+", authors)) and key_stem(opener[1]) in NOT_AUTHORS:
            start += opener.end()
            authors = authors[opener.end() :]
        names = [n for n in re.split(r"\s*(?:,|&|\bet\.?\s+al\.?)\s*", authors) if n]
        words = re.sub(r"['’]s$", "", re.split(r"\s+and\s+", names[0])[0]).split()
        bare = not re.search(r"[,(]", match["separator"]) and not re.search(r"[(;]\s*$", text[:start])
        if not words or key_stem(words[0]) in NOT_AUTHORS or key_stem(words[-1]) in _DATE_WORDS or bare:
            continue
        year = match["year"] if match["year"][0].isdigit() else None
        citation = _citation(text, start, match.end(), authors, names, words, year)
        found.append(citation)
        position = match.end()
        while more := _MORE_YEARS.match(text, position):
            position = more.end()
            found.append(_citation(text, more.start("year"), position, authors, names, words, more["year"]))
    return found


_DATE_WORDS = frozenset(key_stem(m) for m in _MONTH[3:-1].split("|"))


def _citation(
    text: str, start: int, end: int, authors: str, names: list[str], words: list[str], year: str | None
) -> FoundCitation:
    suffix = year or "-nd"
    second = names[1] if len(names) > 1 else names[0].partition(" and ")[2]
    pair = [key_stem(words[-1] + second.split()[-1]) + suffix] if second.split() else []
    whole = [key_stem("".join(re.sub(r"['’]s$", "", names[0]).split())) + suffix]
    tails = [key_stem("".join(words[i:])) + suffix for i in range(len(words))]
    # A corporate author of three or more capitalised words is also keyed by its initials
    # ("Learning and Skills Improvement Service" → `lsis`), last, as the least certain.
    capitals = [w for w in re.sub(r"['’]s$", "", names[0]).split() if w[0].isupper()]
    initials = [key_stem("".join(w[0] for w in capitals)) + suffix] if len(capitals) >= 3 else []
    others = [names[0].partition(" and ")[2], *names[1:]]
    surnames = [" ".join(words)] + [
        re.sub(r"['’]s$", "", n).strip() for o in others for n in re.split(r"\s+and\s+", o) if n.strip()
    ]
    return FoundCitation(
        kind="author-year",
        start=start,
        end=end,
        text=text[start:end],
        surnames=tuple(surnames),
        year=year,
        et_al=bool(_ET_AL.search(authors)),
        numbers=(),
        secondary=bool(_SECONDARY.search(text[max(0, start - 40) : start])),
        authors=" ".join(authors.split()),
        keys=tuple(dict.fromkeys(pair + whole + tails + initials)),
    )


def _expand(numbers: str) -> tuple[int, ...]:
    """ "54,55,56" → (54, 55, 56); "3-5" → (3, 4, 5); an implausible range is kept as its two ends."""
    out: list[int] = []
    for part in numbers.split(","):
        bounds = [int(b) for b in re.split(r"[-–]", part)]
        if len(bounds) == 2 and bounds[0] <= bounds[1] <= bounds[0] + 50:
            out += range(bounds[0], bounds[1] + 1)
        else:
            out += bounds
    return tuple(dict.fromkeys(out))


# After a bracketed number opening a line, an entry of a reference list goes on with its
# first author or title; a citation that a line break put there goes on with punctuation,
# the end of the line or the sentence's next lowercase word ("studied\n[4].").
_ENTRY_LABEL_FOLLOWER = re.compile(r"[ \t]+[^\sa-z.,;:)]")


def _numbered(text: str) -> list[FoundCitation]:
    """Bracketed numbers, but not one labelling an entry of the reference list."""
    return [
        FoundCitation("numbered", m.start(), m.end(), m[0], (), None, False, _expand(m["numbers"]), False)
        for m in _NUMBERED.finditer(text)
        if text[text.rfind("\n", 0, m.start()) + 1 : m.start()].strip()
        or not _ENTRY_LABEL_FOLLOWER.match(text, m.end())
    ]


def _web(text: str) -> list[FoundCitation]:
    return [
        FoundCitation("web", m.start("url"), m.end("url"), m["url"], (), None, False, (), False)
        for m in _WEB.finditer(text)
    ]


_DIGITS = str.maketrans(_SUPERSCRIPT, "0123456789")


def _notes_start(text: str) -> int | None:
    """Where the last "Notes" heading starts: glued digits count as markers only before it."""
    headings = list(_NOTES_HEADING.finditer(text))
    return headings[-1].start() if headings else None


def _notes(text: str) -> list[FoundCitation]:
    """Superscript markers; failing those, plain-digit markers that number their notes in order."""
    found = [
        FoundCitation(
            "note", m.start(), m.end(), m[0], (), None, False, (int(m[0].translate(_DIGITS)),), False
        )
        for m in _SUPERSCRIPT_NOTE.finditer(text)
    ]
    if (notes_start := _notes_start(text)) is not None:
        found += [
            FoundCitation("note", m.start(), m.end(), m[0], (), None, False, _expand(m[0]), False)
            for m in _GLUED_NOTE.finditer(text, 0, notes_start)
        ]
    return found or _plain_markers(text)


def _plain_markers(text: str) -> list[FoundCitation]:
    """Footnote numbers printed as plain digits, taken only as a run that counts up from 1.

    A document numbers its notes in order, and counts, pages and list items rarely follow
    one another so: each candidate must continue the run (its first number within two of
    the next expected, to survive a marker lost in extraction), and a run shorter than
    three markers is dropped.
    """
    expected, found = 1, []
    for m in _PLAIN_MARKER.finditer(text):
        numbers = tuple(int(n) for n in m["n"].split(","))
        # Before a capital ("outcomes. 12 If you") a number may open a sentence: only the next one counts.
        slack = 0 if m["capital"] else 2
        if list(numbers) == sorted(numbers) and expected <= numbers[0] <= expected + slack:
            found.append(
                FoundCitation("note", m.start("n"), m.end("n"), m["n"], (), None, False, numbers, False)
            )
            expected = numbers[-1] + 1
    return found if len(found) >= 3 else []


def note_bodies(text: str) -> set[int]:
    """Numbers of the notes whose own text the document holds."""
    return set(note_spans(text))


_LONE_NUMBER = re.compile(r"^(\d{1,3})[ \t]*$")
_SUPERSCRIPT_STOP = re.compile(rf"^\s*[{_SUPERSCRIPT}]|^\s*\d{{1,3}}\s*$")
_ENDNOTE_STOP = re.compile(r"^\s*\[?\d{1,3}[\].]?\s")
# A page-foot note ends at a lone number (the next note or the page number) or at an
# indented line: extraction indents the first line of the next page.
_PAGE_FOOT_STOP = re.compile(r"^\s|^\d{1,3}\s*$")
_NOTE_LINES = 4
# A footnote is printed at the foot of its marker's page: a page holds fewer characters than this.
_PAGE_CHARACTERS = 4000
_IBID = re.compile(r"^\W*ibid\b", re.IGNORECASE)
_SURNAME = r"(?:(?:van|von|de|der|du|la|le|di|da)\s)*[A-Z][\w'’-]+"
_INITIALS = r"(?:[A-Z]\.\s*(?:-?[A-Z]\.\s*)*)"
# A reference as notes print it: "Konrad, E. L. (1996)", "Okafor, A. and Lind, P. (2017)",
# "Mattessich, P. et al (2001)".
_NOTE_REFERENCE = re.compile(
    rf"(?P<authors>{_SURNAME},\s*{_INITIALS}(?:,?\s*(?:&|\band\b)?\s*{_SURNAME},\s*{_INITIALS})*"
    r"(?:,?\s*et\.?\s+al\.?)?)\s*\(?(?P<year>(?:19|20)\d\d[a-z]?)\b\)?"
)


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _note_end(text: str, start: int, stop: re.Pattern[str]) -> int:
    """A note runs from its number over the following lines up to a blank line, a line that
    opens another note (`stop`), or a few lines: notes are short, and a note that swallowed
    the running text would hand its citations to the wrong marker."""
    end = _line_end(text, start)
    for _ in range(_NOTE_LINES - 1):
        line = text[end + 1 : _line_end(text, end + 1)]
        if end >= len(text) or not line.strip() or stop.match(line):
            break
        end = _line_end(text, end + 1)
    return end


def note_spans(text: str, markers: list[FoundCitation] | None = None) -> dict[int, tuple[int, int]]:
    """Each note number → the span of its own text, in three layouts: a line opening with a
    superscript number (a footnote), a numbered line under the "Notes" heading (an endnote),
    and, for markers the text has, the number alone on a line at the page foot."""
    spans: dict[int, tuple[int, int]] = {}
    for m in _SUPERSCRIPT_BODY.finditer(text):
        spans.setdefault(int(m[1].translate(_DIGITS)), (m.end(), _note_end(text, m.end(), _SUPERSCRIPT_STOP)))
    if (notes_start := _notes_start(text)) is not None:
        for m in _NUMBERED_BODY.finditer(text, notes_start):
            start = m.end() - 1
            spans.setdefault(int(m[1]), (start, _note_end(text, start, _ENDNOTE_STOP)))
    _page_foot_notes(text, _notes(text) if markers is None else markers, spans)
    return spans


def line_spans(text: str, begin: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each line of `text[begin:end]`, in the offsets of `text`: split at
    "\n" only, as the spans quotes and citations carry count every other character."""
    out, position = [], begin
    for line in text[begin:end].split("\n"):
        out.append((position, position + len(line)))
        position += len(line) + 1
    return out


def _page_foot_notes(text: str, markers: list[FoundCitation], spans: dict[int, tuple[int, int]]) -> None:
    """Footnotes as extraction prints them: a number alone on a line, then the note. A page
    number looks the same, so a number counts only for a marker printed at most a page before it, not yet
    given a note, and higher than the notes read so far (notes run in order, page numbers
    restart nothing). Numbers stacked on consecutive lines ("8", "9") take the notes after
    them in order, split at blank lines or else line by line, and only when the counts agree.
    """
    first = {}
    for c in markers:
        for n in c.numbers:
            first.setdefault(n, c.start)
    lines, last, i = line_spans(text), 0, 0
    while i < len(lines):
        stack: list[int] = []
        while i < len(lines) and (lone := _LONE_NUMBER.match(text[lines[i][0] : lines[i][1]])):
            n = int(lone[1])
            below = n in first and 0 < lines[i][0] - first[n] <= _PAGE_CHARACTERS
            fits = below and n not in spans and n > last
            if not fits or (stack and n != stack[-1] + 1):
                break
            stack.append(n)
            i += 1
        if not stack:
            i += 1
            continue
        chunks: list[list[tuple[int, int]]] = [[]]
        while i < len(lines) and len(chunks) <= len(stack) * _NOTE_LINES:
            line = text[lines[i][0] : lines[i][1]]
            if line.strip() and _PAGE_FOOT_STOP.match(line):
                break
            if not line.strip():
                if len(chunks) == len(stack) and chunks[-1]:
                    break
                if chunks[-1]:
                    chunks.append([])
            else:
                chunks[-1].append(lines[i])
            i += 1
        chunks = [c for c in chunks if c]
        if len(chunks) < len(stack):
            chunks = [[line] for chunk in chunks for line in chunk]
        if len(chunks) == len(stack):
            for n, chunk in zip(stack, chunks, strict=True):
                spans[n] = (chunk[0][0], chunk[-1][1])
            last = stack[-1]


def _note_references(text: str, start: int, end: int) -> list[FoundCitation]:
    """References with initials, read only inside a note: in running text and reference
    lists the author-year forms suffice, and a reference list is not a citation."""
    found = []
    for m in _NOTE_REFERENCE.finditer(text, start, end):
        names = re.findall(rf"({_SURNAME}),\s*{_INITIALS}", m["authors"])
        et_al = bool(_ET_AL.search(m["authors"]))
        authors = (names[0] + " et al") if et_al else " and ".join(names)
        found.append(_citation(text, m.start(), m.end(), authors, names, names[0].split(), m["year"]))
    return found


def _with_notes(
    text: str, markers: list[FoundCitation], author_year: list[FoundCitation]
) -> list[FoundCitation]:
    """Each marker with its note's text and the citations in it; "Ibid." repeats the note before."""
    spans = note_spans(text, markers)
    markers = [m for m in markers if not any(a <= m.start < b for a, b in spans.values())]
    read: dict[int, tuple[str, tuple[FoundCitation, ...]]] = {}
    for n in sorted(spans):
        start, end = spans[n]
        note = text[start:end].strip()
        if _IBID.match(note) and n - 1 in read:
            read[n] = read[n - 1]
            continue
        cites = [c for c in author_year if start <= c.start < end]
        cites += [
            r
            for r in _note_references(text, start, end)
            if not any(r.start <= c.start < r.end for c in cites)
        ]
        read[n] = (note, tuple(sorted(cites, key=lambda c: c.start)))
    out = []
    for marker in markers:
        notes = [read[n] for n in marker.numbers if n in read]
        if notes:
            text_of = "\n".join(dict.fromkeys(note for note, _ in notes))
            cites = tuple(dict.fromkeys(c for _, cs in notes for c in cs))
            marker = replace(marker, note_text=text_of, cites=cites)
        out.append(marker)
    return out
