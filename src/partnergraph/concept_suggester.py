"""Which concepts a sentence is about, learnt from the claims curators have already
recorded.

Concept names alone miss most of what the literature says: "reduced public sector
budgets" is a funding driver though no name holds those words. But every curated claim
pairs a quote with its concept, so the evidence base is its own training data. A
sentence is compared with the curated quotes (TF-IDF over word stems and pairs of
neighbouring stems, cosine similarity) and each concept scores the similarity of its
nearest quotes among the sentence's NEIGHBOURS closest; that is blended with the name
match of `ConceptMatcher`, which still decides for concepts no claim uses yet, and a
project without claims gets the name match alone. Each suggestion keeps what a curator
can check: the words of the sentence it shares with the concept's name or nearest
quote, and that quote's claim id.

The defaults of `Weights` are what cross-validation over the five seed documents picks
(benchmarks/eval_drafting.py, which also scores each document with weights picked on
the other four only). Measured that way the gain is small: top-3 0.55 against 0.54 for
the names alone, top-1 0.30 against 0.32. Quotes of one document resemble another's
little in their words; the learnt part mostly helps where a sentence names no concept.
Comparing by meaning instead (sentence embeddings, benchmarks/sentence_embedding.py) was
measured the same way and is not used here: blended in, it raises top-3 by 0.01 at best.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from .concept_matcher import Candidate, ConceptMatcher, stem, words

if TYPE_CHECKING:
    from .corpus import Concept, Corpus, DocumentAnnotations


@dataclass(frozen=True)
class Example:
    """One curated claim as training data: its id, its concept and its quote."""

    claim: str
    concept: str
    quote: str


def examples_of(documents: Iterable[DocumentAnnotations]) -> list[Example]:
    """The curated claims of these documents as training data."""
    return [Example(c.id, c.concept, c.quote) for d in documents for c in d.claims]


@dataclass(frozen=True)
class Weights:
    """How the parts of a suggestion's score are blended: the name match squashed to
    0..1 (x / (x + NAME_SCALE)) counts once, `neighbours` times the summed squared
    similarity of the concept's quotes among the NEIGHBOURS nearest, and `prior` times
    log(1 + the concept's claims), since a concept recorded often is the likelier
    reading of an ambiguous sentence. The defaults are what cross-validation over the
    five seed documents picks (benchmarks/eval_drafting.py)."""

    neighbours: float = 0.5
    prior: float = 0.0


NEIGHBOURS = 30
"""How many nearest curated quotes vote for their concepts."""
MIN_LIKENESS = 0.2
MIN_SHARED = 2
"""A concept no name of which the sentence holds is offered only when one of its quotes
is at least MIN_LIKENESS similar (cosine) and shares MIN_SHARED word stems with it: a
faint likeness, or one rare word ("Weatherly") in common, is no reason to draft a
sentence. Both fixed beforehand, not tuned."""
NAME_SCALE = 2.0
"""A name-match score at which its squashed value is one half (a two-word name met in
full scores about 3-6)."""
SHOWN_WORDS = 4
"""At most this many shared words are shown for the learnt part of a suggestion."""


Vector = dict[str, float]


@dataclass
class Evidence:
    """What speaks for one concept: its name-match score, the summed squared similarity
    of its quotes among the nearest, and the index of its nearest quote."""

    name: float
    votes: float = 0.0
    nearest: int | None = None


def features(text: str) -> Counter[str]:
    """Stems of the content words, and each pair of neighbouring stems ("lack trust"):
    pairs tell "shared vision" from a vision that is not shared elsewhere."""
    stems = [stem(w) for w in words(text)]
    found = Counter(stems)
    found.update(f"{a} {b}" for a, b in pairwise(stems))
    return found


class ConceptSuggester:
    """Ranks concepts for a sentence by name match and by likeness to curated quotes."""

    def __init__(
        self, concepts: Sequence[Concept], examples: Iterable[Example], weights: Weights | None = None
    ) -> None:
        self.matcher = ConceptMatcher(list(concepts))
        self.weights = weights or Weights()
        self._known = {c.slug for c in concepts}
        self._examples = [e for e in examples if e.concept in self._known]
        counts = [features(e.quote) for e in self._examples]
        self._stems = [{f for f in c if " " not in f} for c in counts]
        frequency = Counter(f for c in counts for f in c)
        total = len(counts) + 1
        self._idf = {f: math.log(total / (1 + n)) + 1.0 for f, n in frequency.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, count in enumerate(counts):
            for feature, weight in self._vector(count).items():
                self._postings[feature].append((index, weight))
        claims_of = Counter(e.concept for e in self._examples)
        self._prior = {slug: math.log(1 + n) for slug, n in claims_of.items()}

    @classmethod
    def from_corpus(cls, corpus: Corpus, weights: Weights | None = None) -> ConceptSuggester:
        """A suggester trained on every curated claim of the project."""
        return cls(corpus.concepts, examples_of(corpus.documents), weights)

    @property
    def trained(self) -> bool:
        return bool(self._examples)

    def _vector(self, count: Counter[str]) -> Vector:
        weighted = {f: (1 + math.log(n)) * self._idf[f] for f, n in count.items() if f in self._idf}
        norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        return {f: v / norm for f, v in weighted.items()}

    def nearest(self, text: str, k: int = NEIGHBOURS) -> list[tuple[float, int]]:
        """The k curated quotes most like the text, as (cosine, example index), best first."""
        similarity: dict[int, float] = defaultdict(float)
        for feature, weight in self._vector(features(text)).items():
            for index, other in self._postings.get(feature, ()):
                similarity[index] += weight * other
        return heapq.nlargest(k, ((s, i) for i, s in similarity.items()))

    def parts(self, text: str) -> dict[str, Evidence]:
        """For each concept the text names or a near quote is about, what speaks for it."""
        found = {c.slug: Evidence(c.score) for c in self.matcher.rank(text, n=len(self._known))}
        stems = {stem(w) for w in words(text)}
        for similarity, index in self.nearest(text):
            slug = self._examples[index].concept
            if slug not in found and (
                similarity < MIN_LIKENESS or len(stems & self._stems[index]) < MIN_SHARED
            ):
                continue
            evidence = found.setdefault(slug, Evidence(0.0))
            evidence.votes += similarity * similarity
            if evidence.nearest is None:
                evidence.nearest = index
        return found

    def score(self, slug: str, evidence: Evidence, weights: Weights | None = None) -> float:
        w = weights or self.weights
        squashed = evidence.name / (evidence.name + NAME_SCALE)
        return squashed + w.neighbours * evidence.votes + w.prior * self._prior.get(slug, 0.0)

    def rank(self, text: str, n: int = 3, weights: Weights | None = None) -> list[Candidate]:
        """The `n` likeliest concepts, best first, each with the words that matched:
        those of its name, then those shared with its nearest curated quote, whose
        claim id ends the list ("like e123"). Without claims, the name match alone, with
        its own scores."""
        if not self._examples:
            return self.matcher.rank(text, n)
        found = self.parts(text)
        scored = sorted((-self.score(slug, e, weights), slug) for slug, e in found.items())
        return [self._explained(text, slug, -value, found[slug].nearest) for value, slug in scored[:n]]

    def _explained(self, text: str, slug: str, value: float, best: int | None) -> Candidate:
        named = self.matcher.matched(text, slug)
        if best is None:
            return Candidate(slug, round(value, 4), named)
        example = self._examples[best]
        theirs = {stem(w) for w in words(example.quote)}
        shared = [w for w in dict.fromkeys(words(text)) if stem(w) in theirs and w not in named]
        shared.sort(key=lambda w: -self._idf.get(stem(w), 0.0))
        return Candidate(slug, round(value, 4), (*named, *shared[:SHOWN_WORDS], f"like {example.claim}"))
