"""The mechanical first reading of a new document: its sentences, and for each the
concepts, polarity and evidence kind a curator would most likely record.

Everything here is a proposal for the review step; nothing enters the graph until a
curator accepts it. Sentence spans are exact character offsets into the text as given,
so a quote cut from them verifies (`verify` folds whitespace, nothing else).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .concept_matcher import Candidate, ConceptMatcher
from .concept_suggester import ConceptSuggester

__all__ = [
    "Candidate",
    "ConceptMatcher",
    "ConceptSuggester",
    "Sentence",
    "propose_kind",
    "propose_polarity",
    "sentences",
]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    section: str | None


_HEADING = [
    re.compile(r"#{1,6}\s+\S.*"),  # Markdown
    re.compile(r"(?:\d+\.)*\d+\.?\s+[A-Z](?:(?!\. )[^\t]){1,100}"),  # 2.4.2 Critical Success Factors
    re.compile(r"\d{1,2}\.\s+[a-z](?:(?!\. )[^\t]){1,100}"),  # 6. challenges of partnership
    re.compile(r"(?:Chapter|Section|Appendix)\s+\w+\b[^\t.]{0,100}"),
    re.compile(r"[^a-z\t]*[A-Z]{2}[^a-z\t]*"),  # ALL CAPS
]
_PLAIN_HEADING = re.compile(r"[A-Z][\w’'/()-]*(?: [\w’'/()&:–-]+){0,11}")
_BULLET = re.compile(r"\s*(?:[•●▪◦‣∙*–-]|o\s|\(?[0-9]{1,2}[.)]\s|\(?[a-z][.)]\s)")
_ENDS_SENTENCE = re.compile(r"""[.!?:]["'”’)\]]*\s*$""")
_ABBREVIATIONS = frozenset(
    [
        "al",
        "e.g",
        "eg",
        "i.e",
        "ie",
        "p",
        "pp",
        "cf",
        "vs",
        "etc",
        "viz",
        "ed",
        "eds",
        "vol",
        "no",
        "nos",
        "fig",
        "figs",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "ch",
        "para",
        "approx",
        "ibid",
        "op",
        "cit",
        "ca",
        "c",
    ]
)
# A full stop, ? or ! (with closing quotes or brackets), then space, then what a
# sentence starts with.
_BOUNDARY = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_LETTER = re.compile(r"[^\W\d_]")


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text, bullets and table rows (tab-separated lines) each one
    unit, headings none; `section` is the nearest heading above, numbered ("2.4.2
    Critical Success Factors"), Markdown or in capitals."""
    found: list[Sentence] = []
    for start, end, section in _units(text):
        for s, e in _split(text, start, end):
            if _LETTER.search(text, s, e):
                found.append(Sentence(s, e, text[s:e], section))
    return found


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        yield pos, pos + len(stripped)
        pos += len(line)


def _is_heading(line: str, previous: str, following: str = "", width: int = 0) -> bool:
    """A short line without a closing full stop, after a blank line or a finished
    sentence, that looks like a heading: a wrapped line beginning "10 UK toolkits"
    follows an unfinished one and is not taken for one. An unnumbered line in sentence
    case ("Challenges of cross-sector working") counts when a new sentence starts below
    and the line broke early: the next line's first word would have fitted within the
    text's usual `width`, so the line was not wrapped there."""
    bare = line.strip()
    if not bare or len(bare) > 110 or "\t" in line or bare.endswith((".", ",", ";")):
        return False
    if previous.strip() and not _ENDS_SENTENCE.search(previous) and not _is_heading(previous, ""):
        return False
    if sum(c.isalpha() for c in bare) < 3:
        return False
    if any(p.fullmatch(bare) for p in _HEADING):
        return True
    first_word = following.split()[0] if following.split() else ""
    return (
        bool(_PLAIN_HEADING.fullmatch(bare))
        and bare.count("(") == bare.count(")")
        and bool(re.match(r"\s*[A-Z]", following))
        and len(line.rstrip()) + 1 + len(first_word) <= width
    )


def _units(text: str) -> Iterator[tuple[int, int, str | None]]:
    """Paragraphs, bullets and table rows as (start, end, section), trimmed of space."""
    section: str | None = None
    start: int | None = None
    end = 0
    previous = ""
    lines = list(_lines(text))
    width = _usual_width(text, lines)
    for number, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        following = text[slice(*lines[number + 1])] if number + 1 < len(lines) else ""
        new_unit = not line.strip() or "\t" in line or _BULLET.match(line) or "\t" in previous
        heading = _is_heading(line, previous, following, width)
        if (new_unit or heading) and start is not None:
            yield start, end, section
            start = None
        if heading:
            section = line.strip().lstrip("#").strip().rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")
        elif line.strip():
            if start is None:
                start = line_start + len(line) - len(line.lstrip())
            end = line_start + len(line.rstrip())
        previous = line
    if start is not None:
        yield start, end, section


def _usual_width(text: str, lines: list[tuple[int, int]]) -> int:
    """The length most wrapped lines reach (the 80th percentile of non-blank lines)."""
    lengths = sorted(end - start for start, end in lines if text[start:end].strip())
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def _split(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence spans within one unit: a full stop ends a sentence unless it ends an
    abbreviation or an initial, or falls inside brackets ("(Rowe, 2006. p. 4)")."""
    unit = text[start:end]
    begin = 0
    for match in _BOUNDARY.finditer(unit):
        stop = match.end()
        if _inside_brackets(unit, begin, match.start()) or _abbreviation(unit, match.start()):
            continue
        yield from _trimmed(text, start + begin, start + stop)
        begin = stop
    yield from _trimmed(text, start + begin, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    if piece.strip():
        yield start + lead, start + len(piece.rstrip())


def _inside_brackets(unit: str, begin: int, at: int) -> bool:
    before = unit[begin:at]
    return before.count("(") > before.count(")") and ")" in unit[at : at + 200]


def _abbreviation(unit: str, dot: int) -> bool:
    if unit[dot] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", unit[:dot])
    if not word:
        return False
    token = word.group(1).strip(".")
    dotted = "." in token  # U.K., i.e.
    return dotted or token.casefold() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


NEGATIVE_CLASSES = frozenset({"Barrier", "Risk"})
NEUTRAL_CLASSES = frozenset({"Theory", "PartnershipType", "Assumption"})
_BARRIER_WORDING = re.compile(
    r"\b(?:lack(?:s|ed|ing)?\b|insufficient|inadequate|hinder\w*|barrier\w*|difficult\w*|problem\w*|"
    r"without\b|absen\w+|poor(?:ly)?\b|limited\b|unable\b|obstacle\w*|imped\w+|undermin\w+|"
    r"prevent\w*|constrain\w*|failure|fail(?:s|ed)?\b|unclear\b|mistrust|distrust|tension\w*|"
    r"conflict\w*|not\b|no\b|never\b|n[o’']t\b|little\b|challeng\w+)",
    re.IGNORECASE,
)
_MIXED_WORDING = re.compile(r"\b(?:both\b.*\band\b.*\b(?:benefit|challenge)|double-edged|mixed)\b", re.I)


NEAR_WORDS = 6
"""Barrier wording counts when it is this many words or fewer from a word of the
concept's name: a sentence listing problems and then "good communication" does not
make communication hinder."""


def propose_polarity(text: str, concept_cls: str, near: Sequence[str] = ()) -> str:
    """'enables', 'hinders', 'neutral' or 'mixed' for a claim the text makes about a
    concept of class `concept_cls` (a corpus class name such as SuccessFactor).

    Theories, partnership types and assumptions are described, so neutral; barriers
    and risks hinder; anything else enables unless the sentence uses negation or
    barrier wording ("lack of", "insufficient", "hinder", "barrier", "without") —
    within NEAR_WORDS of one of the words `near` (the words a candidate matched, as
    `Candidate.matched` gives them) where those occur in the text, anywhere otherwise.

    A negated success factor comes back as 'hinders', but the vocabulary records a
    missing success factor as its barrier counterpart ("lack of trust" is a claim that
    lack-of-trust hinders, not that trust hinders, which would grade trust
    "contested"): where the concept has a counterpart, the review step should propose
    the counterpart with `propose_polarity(text, "Barrier")`, as `counterpart_proposal`
    does, and keep 'hinders' on the success factor only where it has none.
    """
    if concept_cls in NEUTRAL_CLASSES:
        return "neutral"
    if concept_cls in NEGATIVE_CLASSES:
        return "hinders"
    if _MIXED_WORDING.search(text):
        return "mixed"
    return "hinders" if _BARRIER_WORDING.search(_around(text, near)) else "enables"


def _around(text: str, near: Sequence[str]) -> str:
    """The words of `text` within NEAR_WORDS of any of `near`; all of it if none occurs."""
    tokens = text.split()
    wanted = {w.casefold() for w in near}
    hits = [i for i, t in enumerate(tokens) if re.sub(r"\W+", "", t).casefold() in wanted]
    if not hits:
        return text
    keep = sorted({j for i in hits for j in range(max(0, i - NEAR_WORDS), i + NEAR_WORDS + 1)})
    return " ".join(tokens[j] for j in keep if j < len(tokens))


def counterpart_proposal(text: str, cls: str, counterpart: str | None) -> tuple[str | None, str]:
    """(the concept to propose instead, or None to keep it; the polarity) for a claim
    about a concept of class `cls` with barrier counterpart `counterpart`."""
    polarity = propose_polarity(text, cls)
    if polarity == "hinders" and cls not in NEGATIVE_CLASSES and counterpart:
        return counterpart, propose_polarity(text, "Barrier")
    return None, polarity


_CITATION = re.compile(
    r"\(\s*(?:see\s+|e\.g\.\s*|cited (?:in|by)\s+)?[A-Z][\w'’-]+[^()]{0,80}?\b(?:1[89]|20)\d\d[a-z]?\b"
    r"|\b[A-Z][\w'’-]+(?: et al\.?| and [A-Z][\w'’-]+| & [A-Z][\w'’-]+)?['’]?s?,? "
    r"\(?(?:1[89]|20)\d\d[a-z]?\)?"
    r"|\[\d+(?:\s*[,–-]\s*\d+)*\]"
)
_TESTIMONY = re.compile(
    r"^\s*[\"“‘']|\b(?:one|a|another) (?:participant|respondent|interviewee|partner|member)\b[^.]*\b"
    r"(?:said|says|told|explained|commented|described|noted|reported)\b|\b(?:told us|said that)\b",
    re.I,
)
_QUOTED_SPEECH = re.compile(r"[“\"][^”\"]{20,}[”\"]")
_EMPIRICAL = re.compile(
    r"\b(?:interview\w*|survey\w*|participants?|respondents?|focus groups?|questionnaires?|case stud\w+|"
    r"fieldwork|action research|feedback)\b",
    re.I,
)
_AUTHOR = re.compile(
    r"\b(?:we (?:conclude|argue|suggest|found|find|propose|recommend)|this (?:review|report|study|"
    r"paper|research|dissertation|chapter)|our (?:analysis|findings|review)|in conclusion)\b",
    re.I,
)
_GUIDANCE = re.compile(
    r"\b(?:should|must|ensure|need(?:s)? to|make sure|it is important to|consider)\b", re.IGNORECASE
)
_THEORY = re.compile(r"\b(?:theor\w+|model\w*|typolog\w+|framework)\b", re.I)


def propose_kind(text: str) -> str:
    """The evidence kind, as corpus documents name it (`kind:` in
    corpus/documents/*.yaml): cited literature is a review; what participants said,
    or words quoted without a citation, testimony; interviews, surveys and
    participants an empirical study; "we conclude" or "this review" the author's
    analysis; "should"/"ensure" practice guidance; models and theories theory;
    anything else the document's own analysis."""
    if _CITATION.search(text):
        return "review"
    if _TESTIMONY.search(text) or _QUOTED_SPEECH.search(text):
        return "participant-testimony"
    if _EMPIRICAL.search(text):
        return "empirical-study"
    if _AUTHOR.search(text):
        return "author-analysis"
    if _GUIDANCE.search(text):
        return "practice-guidance"
    if _THEORY.search(text):
        return "theory"
    return "author-analysis"
