"""How well the drafting proposals agree with the curated claims, document by document.

For each reviewed document, its text alone (from the seeds folder) is cut into
sentences and drafted; each curated claim is then looked up by the sentence holding
the start of its quote, and the proposals for that sentence are compared with what the
curator recorded: is the curated concept among the top-3 candidates, is it the first,
does the proposed polarity (for the curated concept's class) and evidence kind agree.

Concepts are suggested by `ConceptSuggester`, which learns from curated claims, so the
evaluation leaves one document out: the suggester that drafts a document is trained on
the other documents' claims only, and its weights are chosen by cross-validation inside
those (each of them held out in turn from the rest, the weights with the most top-3
plus top-1 hits over them win); the held-out document's claims never choose anything. The
name-only `ConceptMatcher` runs beside it as the baseline. The vocabulary
(corpus/concepts.yaml) was itself written from these five documents, and its
alternative labels echo their wording, which flatters both. Finally the weights are
cross-validated over all five documents: those are the defaults `ingest` uses.

When the sentence-embedding model is installed (benchmarks/sentence_embedding.py), the
same run scores suggestion by meaning beside them (`VARIANTS`): zero-shot against each
concept's names and definition, nearest curated quotes, each concept's mean quote, and
blends of these with the learnt parts, each variant's parameters again chosen on the
training documents only. Embeddings are cached in build/embeddings by text, so only the
first run pays for encoding (a few minutes). Run:

    python benchmarks/eval_drafting.py [--seeds ../shared/seeds] [--misses 5] [--no-meaning]
"""

from __future__ import annotations

import argparse
import bisect
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from partnergraph import Project
from partnergraph.concept_suggester import ConceptSuggester, Evidence, Weights, examples_of
from partnergraph.corpus import Claim, Concept, Corpus, DocumentAnnotations, load_corpus
from partnergraph.drafting import ConceptMatcher, Sentence, propose_kind, propose_polarity, sentences
from sentence_embedding import INSTALL, EmbeddingCache, available

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
CACHE = REPO / "build" / "embeddings" / "all-minilm-l6-v2.npz"
"""Embeddings of the seeds' sentences, the quotes and the concepts, by text hash."""
_SPACE = re.compile(r"\s+")
GRID = tuple(Weights(n, prior) for n in (0.0, 0.5, 1.0, 2.0, 4.0) for prior in (0.0, 0.05, 0.1))
"""The weights cross-validation chooses from; neighbours 0 and prior 0 is the name match
alone, so learning has to earn its place."""


@dataclass
class DocumentScore:
    document: str
    claims: int = 0
    located: int = 0
    top1: int = 0
    top3: int = 0
    base_top1: int = 0
    """Hits of the name-only matcher, the baseline."""
    base_top3: int = 0
    polarity: int = 0
    kind: int = 0
    sentences: int = 0
    drafted: int = 0
    """Sentences with at least one candidate, which `ingest` writes as drafts."""
    base_drafted: int = 0
    ceiling: int = 0
    """Claims a perfect top-3 could hit: a sentence holding five concepts allows three."""
    seconds: float = 0.0
    """Training the suggester and drafting every sentence of the text."""
    weights: Weights = field(default_factory=Weights)
    misses: list[str] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.located if self.located else 0.0


@dataclass
class Seed:
    """One reviewed document with its text, its sentences and each claim's sentence."""

    doc: DocumentAnnotations
    text: str
    found: list[Sentence]
    pairs: list[tuple[Claim, Sentence]]


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text with whitespace runs folded to one space (as `verify` compares quotes),
    and for each folded character its offset in the original."""
    out: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        piece = " " if match.group().isspace() else match.group()
        out.append(piece)
        offsets.extend(range(match.start(), match.start() + len(piece)))
    return "".join(out), offsets


def holding_sentence(found: list[Sentence], starts: list[int], offset: int) -> Sentence | None:
    index = bisect.bisect_right(starts, offset) - 1
    if index >= 0 and found[index].start <= offset < found[index].end:
        return found[index]
    return None


def locate(doc: DocumentAnnotations, text: str) -> Seed:
    found = sentences(text)
    starts = [s.start for s in found]
    folded, offsets = folded_with_offsets(text)
    pairs: list[tuple[Claim, Sentence]] = []
    for claim in doc.claims:
        at = folded.find(_SPACE.sub(" ", claim.quote).strip())
        sentence = holding_sentence(found, starts, offsets[at]) if at >= 0 else None
        if sentence is not None:
            pairs.append((claim, sentence))
    return Seed(doc, text, found, pairs)


class CrossValidation:
    """Suggesters trained without some documents, and what they say about the sentences
    of the documents left out, each computed once however many folds need it."""

    def __init__(self, corpus: Corpus, seeds: Sequence[Seed]) -> None:
        self.corpus = corpus
        self.seeds = {s.doc.document: s for s in seeds}
        self._suggesters: dict[frozenset[str], ConceptSuggester] = {}
        self._parts: dict[tuple[frozenset[str], str], dict[int, dict[str, Evidence]]] = {}

    def suggester(self, without: frozenset[str], weights: Weights | None = None) -> ConceptSuggester:
        if without not in self._suggesters:
            kept = [d for d in self.corpus.documents if d.document not in without]
            self._suggesters[without] = ConceptSuggester(self.corpus.concepts, examples_of(kept))
        return self._suggesters[without]

    def parts(self, without: frozenset[str], document: str) -> dict[int, dict[str, Evidence]]:
        """What speaks for each concept in each sentence holding a claim of `document`."""
        key = (without, document)
        if key not in self._parts:
            suggester = self.suggester(without)
            self._parts[key] = {s.start: suggester.parts(s.text) for _, s in self.seeds[document].pairs}
        return self._parts[key]

    def hits(self, without: frozenset[str], document: str, weights: Weights) -> tuple[int, int]:
        """(top-3 hits, top-1 hits) on `document` of the suggester trained without `without`."""
        suggester = self.suggester(without)
        parts = self.parts(without, document)
        top3 = top1 = 0
        for claim, sentence in self.seeds[document].pairs:
            found = parts[sentence.start]
            ranked = sorted(found, key=lambda slug: (-suggester.score(slug, found[slug], weights), slug))
            top3 += claim.concept in ranked[:3]
            top1 += ranked[:1] == [claim.concept]
        return top3, top1

    def choose(self, documents: Sequence[str]) -> Weights:
        """The weights with the most top-3 plus top-1 hits (then top-3) over `documents`,
        each held out from a suggester trained on the others' claims (and never on a
        document outside `documents`). Top-1 counts as well because `review` accepts the
        first candidate on Enter: top-3 alone picks weights under which many similar
        quotes of "trust" outvote a sentence naming "lack of trust" in full."""
        return best_held_out(GRID, documents, frozenset(self.seeds), self.hits)


Option = TypeVar("Option")


def best_held_out(
    options: Sequence[Option],
    documents: Sequence[str],
    every: frozenset[str],
    hits: Callable[[frozenset[str], str, Option], tuple[int, int]],
) -> Option:
    """The option with the most top-3 plus top-1 hits (then top-3) over `documents`, each
    scored by `hits(without, document, option)` trained without it and without every
    document outside `documents`."""
    outside = every - set(documents)

    def total(option: Option) -> tuple[int, int]:
        pairs = [hits(outside | {d}, d, option) for d in documents]
        top3, top1 = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        return top3 + top1, top3

    return max(options, key=total)


def concept_names(concept: Concept) -> list[str]:
    """The label, each alternative label and the definition, each compared alone."""
    return list(dict.fromkeys((concept.label, *concept.alt, *filter(None, [concept.definition]))))


def concept_text(concept: Concept) -> str:
    """What a concept is compared with in meaning: its label, alternative labels and
    definition in one text."""
    names = "; ".join(dict.fromkeys((concept.label, *concept.alt)))
    return f"{names}. {concept.definition}" if concept.definition else names


@dataclass(frozen=True)
class Blend:
    """One way to score concepts from the parts measured for a sentence: the learnt
    suggester's (name match, TF-IDF votes with weight `neighbours`, prior), plus
    `meaning` times the cosine between the sentence and the concept's text (zero-shot),
    `names` times its best cosine with the label, an alternative label or the definition
    each alone, `knn` times the summed squared cosines of the concept's quotes among the
    `k` curated quotes nearest in meaning, and `centroid` times the cosine with the mean
    of the concept's curated quotes. With only the first two it is the learnt suggester
    exactly: only concepts it found are ranked."""

    neighbours: float = 0.0
    prior: float = 0.0
    meaning: float = 0.0
    knn: float = 0.0
    k: int = 10
    names: float = 0.0
    centroid: float = 0.0
    centred: bool = False
    """Whether each cosine is taken less its mean over the training documents' sentences:
    some concepts' texts are near every sentence (hubs) and would be offered for all."""
    stems: bool = True
    """Whether the name match and the TF-IDF votes count at all."""

    def label(self) -> str:
        return (
            f"n{self.neighbours:g} p{self.prior:g} z{self.meaning:g} zn{self.names:g}"
            f" k{self.knn:g}@{self.k} c{self.centroid:g}{' centred' if self.centred else ''}"
        )


KS = (3, 10, 30)
VARIANTS: dict[str, tuple[Blend, ...]] = {
    "learnt": tuple(Blend(w.neighbours, w.prior) for w in GRID),
    "zero-shot": (Blend(meaning=1.0, stems=False),),
    "zs-names": (Blend(names=1.0, stems=False),),
    "kNN": tuple(Blend(knn=1.0, k=k, stems=False) for k in KS),
    "centroid": (Blend(centroid=1.0, stems=False),),
    "zs centred": (Blend(meaning=1.0, stems=False, centred=True),),
    "zs+centr.": tuple(
        Blend(meaning=z, names=zn, centroid=1.0, stems=False)
        for z in (0.0, 0.5, 1.0, 2.0)
        for zn in (0.0, 0.5, 1.0, 2.0)
    ),
    "stem+zs": tuple(Blend(n, 0.0, z) for n in (0.0, 0.5, 2.0) for z in (0.25, 0.5, 1.0, 2.0, 4.0)),
    "stem+zs c.": tuple(
        Blend(n, 0.0, z, centred=True) for n in (0.0, 0.5, 2.0) for z in (0.25, 0.5, 1.0, 2.0, 4.0)
    ),
    "stem+all": tuple(
        Blend(n, 0.0, z, b, 10, zn, c, centred=centred)
        for centred in (False, True)
        for n in (0.5, 2.0)
        for z in (0.0, 0.25, 0.5)
        for zn in (0.0, 0.25, 0.5)
        for c in (0.0, 0.25, 0.5, 1.0)
        for b in (0.0, 0.25)
    ),
}
"""Each variant and the parameters its inner cross-validation chooses from."""


@dataclass
class FoldParts:
    """For every sentence holding a claim of one document, every concept's part scores,
    as matrices (sentence x concept, concepts in slug order) so a blend scores at once."""

    rows: list[int]
    """The matrix row of each claim of the document, in `pairs` order."""
    truth: np.ndarray
    name: np.ndarray
    votes: np.ndarray
    found: np.ndarray
    prior: np.ndarray
    meaning: np.ndarray
    names: np.ndarray
    knn: dict[int, np.ndarray]
    centroid: np.ndarray
    hubs: tuple[np.ndarray, np.ndarray, np.ndarray]
    """The mean over the training documents' sentences of `meaning`, `names` and
    `centroid`, per concept."""

    def scores(self, blend: Blend) -> np.ndarray:
        learnt = self.name + blend.neighbours * self.votes + blend.prior * self.prior
        hubs = self.hubs if blend.centred else (0.0, 0.0, 0.0)
        total = (
            blend.meaning * (self.meaning - hubs[0])
            + blend.names * (self.names - hubs[1])
            + blend.centroid * (self.centroid - hubs[2])
            + (blend.knn * self.knn[blend.k] if blend.knn else 0.0)
        )
        if not blend.stems:
            return total + np.zeros_like(self.name)
        if not (blend.meaning or blend.names or blend.centroid or blend.knn):
            return np.where(self.found, learnt, -np.inf)
        return np.where(self.found, learnt, 0.0) + total

    def ranked(self, blend: Blend, n: int = 3) -> np.ndarray:
        """The n best concepts' columns for each claim, best first (ties: slug order);
        -1 where fewer than n concepts were found."""
        scores = self.scores(blend)[self.rows]
        best = np.argsort(-scores, axis=1, kind="stable")[:, :n]
        return np.where(np.isfinite(np.take_along_axis(scores, best, 1)), best, -1)

    def hits(self, blend: Blend) -> tuple[int, int]:
        """(top-3 hits, top-1 hits)."""
        best = self.ranked(blend)
        return int((best == self.truth[:, None]).any(1).sum()), int((best[:, 0] == self.truth).sum())


class MeaningFolds:
    """The folds of `CrossValidation` with sentence embeddings beside the learnt parts:
    each document's sentences, the curated quotes and the concepts' texts are embedded
    once (and cached on disk by text), a fold's quotes are those of the documents it
    trains on."""

    def __init__(self, validation: CrossValidation, cache: EmbeddingCache) -> None:
        self.validation = validation
        corpus = validation.corpus
        self.slugs = sorted(c.slug for c in corpus.concepts)
        self.column = {slug: i for i, slug in enumerate(self.slugs)}
        by_slug = {c.slug: c for c in corpus.concepts}
        self.concepts = cache.encode([concept_text(by_slug[s]) for s in self.slugs])
        names = [(i, n) for i, s in enumerate(self.slugs) for n in concept_names(by_slug[s])]
        self.name_columns = np.array([i for i, _ in names])
        self.names = cache.encode([n for _, n in names])
        self.quotes = {
            d.document: (
                [self.column[c.concept] for c in d.claims if c.concept in self.column],
                cache.encode([c.quote for c in d.claims if c.concept in self.column]),
            )
            for d in corpus.documents
        }
        self.sentences: dict[str, tuple[list[int], np.ndarray]] = {}
        for document, seed in validation.seeds.items():
            starts = list(dict.fromkeys(s.start for _, s in seed.pairs))
            text = {s.start: s.text for _, s in seed.pairs}
            self.sentences[document] = (starts, cache.encode([text[i] for i in starts]))
        self._folds: dict[tuple[frozenset[str], str], FoldParts] = {}

    def _best_name(self, vectors: np.ndarray) -> np.ndarray:
        """Each sentence's best cosine with each concept's label, alternative labels or
        definition taken alone."""
        best = np.full((len(self.slugs), len(vectors)), -1.0)
        np.maximum.at(best, self.name_columns, self.names @ vectors.T)
        return best.T

    def fold(self, without: frozenset[str], document: str) -> FoldParts:
        key = (without, document)
        if key in self._folds:
            return self._folds[key]
        validation = self.validation
        suggester = validation.suggester(without)
        parts = validation.parts(without, document)
        starts, vectors = self.sentences[document]
        shape = (len(starts), len(self.slugs))
        name, votes, found = np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=bool)
        for row, start in enumerate(starts):
            for slug, evidence in parts[start].items():
                learnt = suggester.score(slug, evidence, Weights(1.0, 0.0))
                name[row, self.column[slug]] = learnt - evidence.votes
                votes[row, self.column[slug]] = evidence.votes
                found[row, self.column[slug]] = True
        prior = np.array([suggester.score(s, Evidence(0.0), Weights(0.0, 1.0)) for s in self.slugs])
        kept = [d for d in self.quotes if d not in without]
        labels = np.array([c for d in kept for c in self.quotes[d][0]], dtype=int)
        similarity = vectors @ np.concatenate([self.quotes[d][1] for d in kept]).T
        order = np.argsort(-similarity, axis=1)
        knn = {}
        for k in KS:
            nearest = order[:, :k]
            votes_k = np.zeros(shape)
            weight = np.take_along_axis(similarity, nearest, 1).clip(0) ** 2
            np.add.at(votes_k, (np.arange(len(starts))[:, None], labels[nearest]), weight)
            knn[k] = votes_k
        centroids = np.zeros((len(self.slugs), vectors.shape[1]))
        np.add.at(centroids, labels, np.concatenate([self.quotes[d][1] for d in kept]))
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        trained = np.concatenate([self.sentences[d][1] for d in self.sentences if d not in without])
        hubs = (
            (trained @ self.concepts.T).mean(0),
            self._best_name(trained).mean(0),
            (trained @ centroids.T).mean(0),
        )
        row_of = {start: i for i, start in enumerate(starts)}
        pairs = validation.seeds[document].pairs
        self._folds[key] = FoldParts(
            rows=[row_of[s.start] for _, s in pairs],
            truth=np.array([self.column.get(c.concept, -2) for c, _ in pairs]),
            name=name,
            votes=votes,
            found=found,
            prior=np.broadcast_to(prior, shape),
            meaning=vectors @ self.concepts.T,
            names=self._best_name(vectors),
            knn=knn,
            centroid=vectors @ centroids.T,
            hubs=hubs,
        )
        return self._folds[key]

    def choose(self, documents: Sequence[str], blends: Sequence[Blend]) -> Blend:
        """As `CrossValidation.choose`: the blend with the most top-3 plus top-1 hits over
        `documents`, each held out from quotes and claims of the others only."""
        return best_held_out(
            blends, documents, frozenset(self.validation.seeds), lambda w, d, b: self.fold(w, d).hits(b)
        )


@dataclass
class VariantScore:
    """One variant's hits on one held-out document with the blend chosen without it."""

    blend: Blend
    top1: int
    top3: int
    misses: list[str]


def score_meaning(seed: Seed, folds: MeaningFolds, misses: int) -> dict[str, VariantScore]:
    """Each variant on one held-out document: its parameters chosen by inner
    cross-validation over the other documents, scored on this one."""
    held = seed.doc.document
    others = [d for d in folds.validation.seeds if d != held]
    fold = folds.fold(frozenset({held}), held)
    scores = {}
    for variant, blends in VARIANTS.items():
        blend = folds.choose(others, blends) if len(blends) > 1 else blends[0]
        top3, top1 = fold.hits(blend)
        shown: list[str] = []
        for (claim, sentence), best in zip(seed.pairs, fold.ranked(blend), strict=True):
            if len(shown) < misses and claim.concept not in [folds.slugs[i] for i in best if i >= 0]:
                proposed = [folds.slugs[i] for i in best if i >= 0]
                shown.append(
                    f"{claim.id} {claim.concept!r} not in {proposed}: {_SPACE.sub(' ', sentence.text)[:110]}"
                )
        scores[variant] = VariantScore(blend, top1, top3, shown)
    return scores


def meaning_report(
    scores: list[DocumentScore], variants: list[dict[str, VariantScore]], seconds: float
) -> str:
    """Top-1 / top-3 of each variant, held out, beside the name-only baseline."""
    names = list(VARIANTS)
    head = f"{'document':<24}{'found':>6}{'stem':>11}" + "".join(f"{n:>13}" for n in names)
    lines = ["\nconcept suggestion by meaning, each cell top-1 / top-3 held out", head]
    for s, v in zip(scores, variants, strict=True):
        cells = "".join(f"{s.share(v[n].top1):>7.2f} /{s.share(v[n].top3):.2f}" for n in names)
        lines.append(
            f"{s.document:<24}{s.located:>6}{s.share(s.base_top1):>5.2f} /{s.share(s.base_top3):.2f}{cells}"
        )
    located = sum(s.located for s in scores) or 1
    totals = {n: (sum(v[n].top1 for v in variants), sum(v[n].top3 for v in variants)) for n in names}
    cells = "".join(f"{totals[n][0] / located:>7.2f} /{totals[n][1] / located:.2f}" for n in names)
    base_top1, base_top3 = sum(s.base_top1 for s in scores), sum(s.base_top3 for s in scores)
    base = f"{base_top1 / located:>5.2f} /{base_top3 / located:.2f}"
    lines.append(f"{'all':<24}{located:>6}{base}{cells}")
    lines.append(
        "parameters chosen without each document: "
        + "; ".join(
            f"{s.document}: " + ", ".join(f"{n} {v[n].blend.label()}" for n in names if len(VARIANTS[n]) > 1)
            for s, v in zip(scores, variants, strict=True)
        )
    )
    lines.append(f"embedding, cross-validation and scoring: {seconds:.1f} s")
    best = max(names, key=lambda n: sum(v[n].top3 + v[n].top1 for v in variants))
    for s, v in zip(scores, variants, strict=True):
        lines += [f"\nmisses of {best} in {s.document}:"] + [f"  {m}" for m in v[best].misses]
    return "\n".join(lines)


def score_document(seed: Seed, corpus: Corpus, validation: CrossValidation, misses: int) -> DocumentScore:
    doc, held = seed.doc, seed.doc.document
    by_slug = {c.slug: c for c in corpus.concepts}
    matcher = ConceptMatcher(list(corpus.concepts))
    score = DocumentScore(held, claims=len(doc.claims), sentences=len(seed.found), located=len(seed.pairs))
    score.weights = validation.choose([d for d in validation.seeds if d != held])
    began = time.perf_counter()
    suggester = ConceptSuggester(
        corpus.concepts,
        examples_of(d for d in corpus.documents if d is not doc),
        score.weights,
    )
    drafts = {s.start: (suggester.rank(s.text, n=3), propose_kind(s.text)) for s in seed.found}
    score.seconds = time.perf_counter() - began
    baseline = {s.start: [c.slug for c in matcher.rank(s.text, n=3)] for s in seed.found}
    score.drafted = sum(bool(ranked) for ranked, _ in drafts.values())
    score.base_drafted = sum(bool(ranked) for ranked in baseline.values())
    concepts_of: dict[int, set[str]] = {}
    for claim, sentence in seed.pairs:
        concepts_of.setdefault(sentence.start, set()).add(claim.concept)
    for claim, sentence in seed.pairs:
        candidates, kind = drafts[sentence.start]
        slugs = [c.slug for c in candidates]
        score.top1 += slugs[:1] == [claim.concept]
        score.top3 += claim.concept in slugs
        score.base_top1 += baseline[sentence.start][:1] == [claim.concept]
        score.base_top3 += claim.concept in baseline[sentence.start]
        score.ceiling += claim.concept in sorted(concepts_of[sentence.start])[:3]
        near = matcher.matched(sentence.text, claim.concept)
        proposed = propose_polarity(sentence.text, by_slug[claim.concept].cls, near)
        score.polarity += proposed == claim.polarity
        score.kind += kind == claim.kind
        if claim.concept not in slugs and len(score.misses) < misses:
            shown = [f"{c.slug} [{', '.join(c.matched)}]" for c in candidates]
            score.misses.append(
                f"{claim.id} {claim.concept!r} not in {shown}: {_SPACE.sub(' ', sentence.text)[:120]}"
            )
    return score


def load_seeds(corpus: Corpus, seeds: Path) -> list[Seed]:
    return [
        locate(doc, (seeds / doc.text_file).read_text(encoding="utf-8"))
        for doc in corpus.documents
        if doc.text_file and (seeds / doc.text_file).exists()
    ]


def evaluate(
    seeds: Path = SEEDS, misses: int = 5, meaning: bool = False
) -> tuple[list[DocumentScore], Weights, list[dict[str, VariantScore]], float]:
    """Each document's scores, held out, the weights chosen over all of them and, with
    `meaning`, each embedding variant's scores held out and the seconds they took."""
    problems: list = []
    corpus = load_corpus(Project.locate(REPO), problems)
    found = load_seeds(corpus, seeds)
    validation = CrossValidation(corpus, found)
    scores = [score_document(seed, corpus, validation, misses) for seed in found]
    chosen = validation.choose([s.doc.document for s in found])
    variants: list[dict[str, VariantScore]] = []
    began = time.perf_counter()
    if meaning:
        folds = MeaningFolds(validation, EmbeddingCache(CACHE))
        variants = [score_meaning(seed, folds, misses) for seed in found]
    return scores, chosen, variants, time.perf_counter() - began


def report(scores: list[DocumentScore], chosen: Weights | None = None) -> str:
    lines = [
        f"{'document':<24}{'claims':>7}{'found':>7}{'top-1':>7}{'top-3':>7}{'stem-1':>7}{'stem-3':>7}"
        f"{'polar.':>7}{'kind':>7}{'sent.':>7}{'draft':>7}{'stem-d':>7}{'time s':>8}{'ceil.':>7}"
        "  weights (neighbours, prior)"
    ]
    counts = ("top1", "top3", "base_top1", "base_top3", "polarity", "kind")
    for s in scores:
        shares = "".join(f"{s.share(getattr(s, f)):>7.2f}" for f in counts)
        lines.append(
            f"{s.document:<24}{s.claims:>7}{s.located:>7}{shares}{s.sentences:>7}{s.drafted:>7}"
            f"{s.base_drafted:>7}{s.seconds:>8.2f}{s.share(s.ceiling):>7.2f}"
            f"  {s.weights.neighbours:g}, {s.weights.prior:g}"
        )
    located = sum(s.located for s in scores) or 1
    totals = "".join(f"{sum(getattr(s, f) for s in scores) / located:>7.2f}" for f in counts)
    lines.append(
        f"{'all':<24}{sum(s.claims for s in scores):>7}{located:>7}{totals}"
        f"{sum(s.sentences for s in scores):>7}{sum(s.drafted for s in scores):>7}"
        f"{sum(s.base_drafted for s in scores):>7}{sum(s.seconds for s in scores):>8.2f}"
        f"{sum(s.ceiling for s in scores) / located:>7.2f}"
    )
    if chosen is not None:
        lines.append(
            f"weights cross-validated over all documents (ingest's defaults should match): "
            f"neighbours {chosen.neighbours:g}, prior {chosen.prior:g}"
        )
    for s in scores:
        lines += [f"\nmisses in {s.document}:"] + [f"  {m}" for m in s.misses]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--misses", type=int, default=5, help="examples of misses shown per document")
    parser.add_argument(
        "--no-meaning",
        action="store_true",
        help="skip the sentence-embedding variants (skipped anyway without the model)",
    )
    args = parser.parse_args()
    meaning = not args.no_meaning and available()
    scores, chosen, variants, seconds = evaluate(args.seeds, args.misses, meaning)
    print(report(scores, chosen))
    if meaning:
        print(meaning_report(scores, variants, seconds))
    elif not args.no_meaning:
        print(f"\nsentence-embedding variants skipped: the model is not installed ({INSTALL})")


if __name__ == "__main__":
    main()
