"""How well the drafting proposals agree with the curated claims, document by document.

For each reviewed document, its text alone (from the seeds folder) is cut into
sentences and drafted; each curated claim is then looked up by the sentence holding
the start of its quote, and the proposals for that sentence are compared with what the
curator recorded: is the curated concept among the top-3 candidates, is it the first,
does the proposed polarity (for the curated concept's class) and evidence kind agree.
Nothing is learnt from the claims, so every document is held out; the vocabulary
(corpus/concepts.yaml) was itself written from these five documents, and its
alternative labels echo their wording, which flatters the concept figures. Run:

    python benchmarks/eval_drafting.py [--seeds ../shared/seeds] [--misses 5]
"""

from __future__ import annotations

import argparse
import bisect
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from partnergraph import Project
from partnergraph.corpus import Claim, Corpus, DocumentAnnotations, load_corpus
from partnergraph.drafting import ConceptMatcher, Sentence, propose_kind, propose_polarity, sentences

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
_SPACE = re.compile(r"\s+")


@dataclass
class DocumentScore:
    document: str
    claims: int = 0
    located: int = 0
    top1: int = 0
    top3: int = 0
    polarity: int = 0
    kind: int = 0
    sentences: int = 0
    ceiling: int = 0
    """Claims a perfect top-3 could hit: a sentence holding five concepts allows three."""
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    def share(self, count: int) -> float:
        return count / self.located if self.located else 0.0


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


def score_document(doc: DocumentAnnotations, corpus: Corpus, text: str, misses: int) -> DocumentScore:
    by_slug = {c.slug: c for c in corpus.concepts}
    matcher = ConceptMatcher(list(corpus.concepts))
    score = DocumentScore(doc.document, claims=len(doc.claims))
    began = time.perf_counter()
    found = sentences(text)
    drafts = {s.start: (matcher.rank(s.text, n=3), propose_kind(s.text)) for s in found}
    score.seconds = time.perf_counter() - began
    score.sentences = len(found)
    starts = [s.start for s in found]
    folded, offsets = folded_with_offsets(text)
    pairs: list[tuple[Claim, Sentence]] = []
    for claim in doc.claims:
        at = folded.find(_SPACE.sub(" ", claim.quote).strip())
        sentence = holding_sentence(found, starts, offsets[at]) if at >= 0 else None
        if sentence is not None:
            pairs.append((claim, sentence))
    concepts_of: dict[int, set[str]] = {}
    for claim, sentence in pairs:
        concepts_of.setdefault(sentence.start, set()).add(claim.concept)
    score.located = len(pairs)
    for claim, sentence in pairs:
        candidates, kind = drafts[sentence.start]
        slugs = [c.slug for c in candidates]
        score.top1 += slugs[:1] == [claim.concept]
        score.top3 += claim.concept in slugs
        score.ceiling += claim.concept in sorted(concepts_of[sentence.start])[:3]
        near = matcher.matched(sentence.text, claim.concept)
        proposed = propose_polarity(sentence.text, by_slug[claim.concept].cls, near)
        score.polarity += proposed == claim.polarity
        score.kind += kind == claim.kind
        if claim.concept not in slugs and len(score.misses) < misses:
            score.misses.append(
                f"{claim.id} {claim.concept!r} not in {slugs}: {_SPACE.sub(' ', sentence.text)[:120]}"
            )
    return score


def evaluate(seeds: Path = SEEDS, misses: int = 5) -> list[DocumentScore]:
    problems: list = []
    corpus = load_corpus(Project.locate(REPO), problems)
    scores = []
    for doc in corpus.documents:
        if doc.text_file and (seeds / doc.text_file).exists():
            text = (seeds / doc.text_file).read_text(encoding="utf-8")
            scores.append(score_document(doc, corpus, text, misses))
    return scores


def report(scores: list[DocumentScore]) -> str:
    lines = [
        f"{'document':<24}{'claims':>7}{'found':>7}{'top-1':>7}{'top-3':>7}{'polar.':>7}{'kind':>7}"
        f"{'sent.':>7}{'time s':>8}{'ceil.':>7}"
    ]
    for s in scores:
        lines.append(
            f"{s.document:<24}{s.claims:>7}{s.located:>7}{s.share(s.top1):>7.2f}{s.share(s.top3):>7.2f}"
            f"{s.share(s.polarity):>7.2f}{s.share(s.kind):>7.2f}{s.sentences:>7}{s.seconds:>8.2f}{s.share(s.ceiling):>7.2f}"
        )
    located = sum(s.located for s in scores) or 1
    totals = [sum(getattr(s, f) for s in scores) / located for f in ("top1", "top3", "polarity", "kind")]
    lines.append(
        f"{'all':<24}{sum(s.claims for s in scores):>7}{located:>7}"
        + "".join(f"{t:>7.2f}" for t in totals)
        + f"{sum(s.sentences for s in scores):>7}{sum(s.seconds for s in scores):>8.2f}"
    )
    for s in scores:
        lines += [f"\nmisses in {s.document}:"] + [f"  {m}" for m in s.misses]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--misses", type=int, default=5, help="examples of misses shown per document")
    args = parser.parse_args()
    print(report(evaluate(args.seeds, args.misses)))


if __name__ == "__main__":
    main()
