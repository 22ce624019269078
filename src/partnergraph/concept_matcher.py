"""Which concepts a piece of text is about, by the words of their names.

One matcher serves the curator drafting claims from a new document, `concepts
--search` and the suggestions on a miss, so a word finds the same concepts wherever it
is typed. Words are compared by their Snowball English stems ("communities" and
"community" meet, "crisis" and "risk" do not, which character similarity would
confuse), stop words are ignored, and a word shared by many concept names
("partnership") counts for less than a rare one ("trust"), so the concepts a sentence
names in full come first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import snowballstemmer

if TYPE_CHECKING:
    from .corpus import Concept

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
    ]
)
"""Function words, so "involvement of communities" is not matched on "of". Negations
are stop words here: whether a factor is missing is the polarity's business, not the
concept's."""

ALTERNATIVE_SHARE = 0.9
"""An alternative label met counts this share of the preferred label met equally well:
the concept a text names by its own name comes first."""
CATEGORY_SHARE = 0.5
"""A category ("Power and equality") counts this share: claims are about the concepts
it groups (fewer than 1 in 100 seed claims is about a category), so it is offered
above a narrower concept only when its name is matched far better."""
MIN_COVERAGE = 0.5
"""A name is a candidate once words carrying half its weight occur in the text."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Candidate:
    slug: str
    score: float
    matched: tuple[str, ...]
    """The words of the text that matched, as written there (lower case); a suggestion
    learnt from curated claims (concept_suggester.py) ends with the nearest one's id,
    "like e123", so the curator can look up why it was offered."""


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stemWord(word.casefold().replace("’", "'").removesuffix("'s"))


def words(text: str) -> list[str]:
    """The content words of a text, lower case, in order."""
    return [w for w in (m.group().casefold() for m in _WORD.finditer(text)) if w not in STOP_WORDS]


def stems(text: str) -> dict[str, str]:
    """Each stem of the text's content words, with the first word that gave it."""
    found: dict[str, str] = {}
    for word in words(text):
        found.setdefault(stem(word), word)
    return found


@dataclass(frozen=True)
class _Name:
    slug: str
    stems: tuple[str, ...]
    share: float


class ConceptMatcher:
    """Ranks concepts for a text by the stems of their preferred and alternative labels."""

    def __init__(self, concepts: list[Concept]) -> None:
        categories = {c.slug for c in concepts if c.cls == "Category"}
        self._init([(c.slug, c.label, c.alt) for c in concepts], categories)

    @classmethod
    def from_names(cls, names: Iterable[tuple[str, str, Sequence[str]]]) -> ConceptMatcher:
        """A matcher over (slug, label, alternative labels), as the built store holds them."""
        matcher = cls.__new__(cls)
        matcher._init(list(names))
        return matcher

    def _init(self, names: list[tuple[str, str, Sequence[str]]], categories: set[str] | None = None) -> None:
        self._names: list[_Name] = []
        self._labels: dict[str, str] = {}
        for slug, label, alts in names:
            self._labels[slug] = label
            for name in dict.fromkeys([label, *alts]):
                name_stems = tuple(stems(name))
                if name_stems:
                    share = 1.0 if name == label else ALTERNATIVE_SHARE
                    share *= CATEGORY_SHARE if slug in (categories or ()) else 1.0
                    self._names.append(_Name(slug, name_stems, share))
        frequency = Counter(s for n in self._names for s in set(n.stems))
        total = max(len(self._names), 1)
        self._weight = {s: math.log(1 + total / f) for s, f in frequency.items()}

    def label(self, slug: str) -> str:
        return self._labels[slug]

    def known(self, word: str) -> bool:
        """Whether any concept name holds this word's stem."""
        return stem(word) in self._weight

    def rank(self, text: str, n: int = 3) -> list[Candidate]:
        """The `n` concepts whose names the text covers best, best first.

        A name scores the weighted share of its stems the text holds (squared, so a
        name met in full stands out) times the weight of the stems matched, so
        "Lack of trust" fully named outranks "Trust" in a sentence about a lack of
        trust, and a name of common words alone ("This is a partnership") ranks low;
        a concept takes its best name.
        """
        found = stems(text)
        best: dict[str, Candidate] = {}
        for name in self._names:
            hits = [s for s in name.stems if s in found]
            if not hits:
                continue
            matched = sum(self._weight[s] for s in hits)
            coverage = matched / sum(self._weight[s] for s in name.stems)
            if coverage < MIN_COVERAGE:
                continue
            score = round(coverage * coverage * matched * name.share, 4)
            if name.slug not in best or score > best[name.slug].score:
                best[name.slug] = Candidate(name.slug, score, tuple(found[s] for s in hits))
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.slug))
        return ranked[:n]

    def matched(self, text: str, slug: str) -> tuple[str, ...]:
        """The words of the text that match the names of one concept, best name first."""
        found = stems(text)
        hits = [
            tuple(found[s] for s in name.stems if s in found) for name in self._names if name.slug == slug
        ]
        return max(hits, key=len, default=())

    def search(self, text: str) -> list[str]:
        """Slugs of the concepts one of whose names holds every content word typed, by
        stem or as part of a word ("fund" finds "funding"), in name order."""
        typed = words(text) or [w.casefold() for w in _WORD.findall(text)]
        if not typed:
            return []
        found: dict[str, None] = {}
        for name in self._names:
            if all(stem(w) in name.stems or any(w in s for s in name.stems) for w in typed):
                found.setdefault(name.slug)
        return list(found)
