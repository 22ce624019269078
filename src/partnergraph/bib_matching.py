"""A parsed reference against the bibliography: is the work already known, and if not,
which key does it get?

Matching is deliberately cautious. A false match merges two works and silently moves
evidence from one to the other; a missed match only leaves a duplicate that
`bib check` flags. So a reference matches an entry only when the year agrees, the first
author agrees up to one edit (Snavely / Snaveley) or through the entry's `ids`, and,
where both sides have titles, the titles agree; when neither side can tell two works of
one author and year apart, nothing is matched.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from .bibcheck import _similar, _surname
from .bibliography import Work
from .citation_finder import key_stem

if TYPE_CHECKING:
    from .reference_parser import ParsedReference

TITLE_AGREEMENT = 0.8
"""Titles transcribed by two documents differ in punctuation, case and a typo or two
('Collaboraton'); different works of one author and year share far less than this."""
_KEY_STOPWORDS = {"a", "an", "the", "on", "of", "in", "to", "and", "for"}


def first_surname(ref: ParsedReference) -> str:
    """The first author as keys spell it: a person's surname, a corporate name whole
    without a leading 'The'."""
    if not ref.authors:
        return ""
    first = ref.authors[0]
    name = first.split(",")[0] if "," in first else re.sub(r"^The\s+", "", first)
    return key_stem(name)


def year_key(ref: ParsedReference) -> str:
    """The key an author-year citation of the reference spells ('charitiescommission2009b',
    'snaveley2003'): what an entry's `ids` records for it."""
    year = ref.year if ref.year and ref.year[:4].isdigit() else "-nd"
    return f"{first_surname(ref)}{year}{ref.year_suffix or ''}"


def work_surname(work: Work) -> str:
    """`bib check`'s first-author surname, with a corporate name's leading 'The' dropped
    as the keys drop it (charteredinstituteofpurchasingandsupply2010definition)."""
    surname = _surname(work)
    return surname[3:] if (work.get("author") or "").startswith("The ") else surname


def titles_agree(a: str | None, b: str | None) -> bool:
    """Near-equal as wholes, or one a prefix of the other (a subtitle left out), and no
    word of either without a partner one edit away in the other: 'Collaboraton' is a
    typo, but '... Case Study Organisation One' and '... Two' are two works."""
    words_a, words_b = (re.findall(r"[a-z0-9]+", (t or "").lower()) for t in (a, b))
    shorter = min(len(words_a), len(words_b))
    if shorter >= 3:  # compare what both give: a title may be cited without its subtitle
        words_a, words_b = words_a[:shorter], words_b[:shorter]
    key_a, key_b = "".join(words_a), "".join(words_b)
    if not (key_a and key_b):
        return False
    if SequenceMatcher(None, key_a, key_b).ratio() < TITLE_AGREEMENT:
        return False
    set_a, set_b = set(words_a) - _KEY_STOPWORDS, set(words_b) - _KEY_STOPWORDS
    return all(any(_similar(x, y) for y in set_b) for x in set_a - set_b) and all(
        any(_similar(y, x) for x in set_a) for y in set_b - set_a
    )


def _same_author_and_year(ref: ParsedReference, work: Work) -> bool:
    year = (work.get("year") or work.get("date") or "n.d.")[:4]
    if (ref.year or "n.d.")[:4] != year:
        return False
    surname = first_surname(ref)
    if surname and work_surname(work) and _similar(surname, work_surname(work)):
        return True
    return bool(surname) and year_key(ref) in work.variant_keys


def match_work(ref: ParsedReference, works: list[Work]) -> Work | None:
    """The existing entry for the same work, or None when there is none or the reference
    cannot tell which of several it is. Among same-author-and-year entries, one whose
    title agrees wins and one whose title disagrees is out; an entry without a title
    (or a reference without one) is taken only when it is the sole candidate left."""
    candidates = [w for w in works if _same_author_and_year(ref, w)]
    if ref.title:
        titled = [w for w in candidates if w.get("title") and titles_agree(ref.title, w.get("title"))]
        if len(titled) == 1:
            return titled[0]
        if len(titled) > 1:
            return None
        candidates = [w for w in candidates if not w.get("title")]
    if ref.year_suffix:
        # '2009b': the author has several works that year, so an entry without a title
        # is this one only if its ids carry the same letter.
        candidates = [w for w in candidates if year_key(ref) in w.variant_keys]
    return candidates[0] if len(candidates) == 1 else None


def _title_word(title: str | None) -> str:
    for word in re.split(r"[^\w]+", title or ""):
        stem = key_stem(word)
        if stem and stem not in _KEY_STOPWORDS:
            return stem
    return ""


def bibtex_key(ref: ParsedReference, taken: set[str]) -> str:
    """The bibliography's rule: first author's surname (a corporate name whole), lowercase
    ASCII, the year, then the first significant word of the title ('osborne1996hitch',
    'biglotteryfund-nd-good'; 'barnes2007' when no title is known). On a clash the
    text's own year letter is appended if it has one ('…2009summaryb'), else b, c, …"""
    stem = first_surname(ref) or _title_word(ref.title) or "anonymous"
    dated = ref.year and ref.year[:4].isdigit()
    word = _title_word(ref.title) if ref.authors else ""
    key = f"{stem}{ref.year}{word}" if dated else f"{stem}-nd" + (f"-{word}" if word else "")
    if key not in taken:
        return key
    if ref.year_suffix and key + ref.year_suffix not in taken:
        return key + ref.year_suffix
    letter = ord("b")
    while f"{key}{chr(letter)}" in taken and letter < ord("z"):
        letter += 1
    if f"{key}{chr(letter)}" not in taken:
        return f"{key}{chr(letter)}"
    number = 2
    while f"{key}-{number}" in taken:
        number += 1
    return f"{key}-{number}"
