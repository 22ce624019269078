"""Concept suggestions learnt from curated claims: on the seed vocabulary with claims
written here (so the expected concept is known), on the project's own claims through
`ingest`, and the leave-one-document-out evaluation's promise that a held-out
document's claims train nothing that scores it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from partnergraph import Project
from partnergraph.concept_suggester import ConceptSuggester, Example
from partnergraph.corpus import Corpus, load_corpus
from partnergraph.drafting import ConceptMatcher
from partnergraph.drafts import drafts_file, read_drafts
from partnergraph.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from eval_drafting import (  # noqa: E402
    CACHE,
    GRID,
    SEEDS,
    VARIANTS,
    Blend,
    CrossValidation,
    MeaningFolds,
    load_seeds,
    score_document,
    score_meaning,
)
from sentence_embedding import INSTALL, EmbeddingCache, available  # noqa: E402

BUDGETS = "Councils facing shrinking public sector budgets turn to voluntary partners."
"""Names no word of 'Funding requirements and pressures', so only a claim can teach it."""


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(Project.locate(REPO), [])


def test_a_concept_is_learnt_from_a_claim_whose_quote_is_alike(corpus: Corpus) -> None:
    examples = [
        Example("x1", "funding-driver", "Reduced public sector budgets push organisations to work together."),
        Example("x2", "trust", "Partners came to trust each other over the years."),
    ]
    assert "funding-driver" not in [c.slug for c in ConceptMatcher(list(corpus.concepts)).rank(BUDGETS)]
    ranked = {c.slug: c for c in ConceptSuggester(corpus.concepts, examples).rank(BUDGETS)}
    assert ranked["funding-driver"].matched == ("public", "sector", "budgets", "like x1")  # rarest first
    assert "trust" not in ranked


def test_a_named_concept_keeps_its_name_words_before_the_learnt_ones(corpus: Corpus) -> None:
    examples = [Example("x2", "trust", "Partners came to trust each other over the years.")]
    ranked = ConceptSuggester(corpus.concepts, examples).rank("Over the years partners built mutual trust.")
    assert ranked[0].slug == "trust"
    assert ranked[0].matched[:2] == ("mutual", "trust") and ranked[0].matched[-1] == "like x2"
    assert "years" in ranked[0].matched


def test_without_claims_the_name_match_decides_with_its_own_scores(corpus: Corpus) -> None:
    matcher = ConceptMatcher(list(corpus.concepts))
    untrained = ConceptSuggester(corpus.concepts, [])
    for text in (BUDGETS, "A lack of trust between partners slowed everything.", "Trust grew."):
        assert untrained.rank(text) == matcher.rank(text)
    assert not untrained.trained


def test_one_rare_word_in_common_is_no_suggestion(corpus: Corpus) -> None:
    examples = [Example("x3", "shared-vision", "Weatherly found the partners agreed on a vision.")]
    suggester = ConceptSuggester(corpus.concepts, examples)
    assert suggester.rank("Weatherly was late.") == []
    assert suggester.rank("Partners agreed a vision early, as Weatherly found.")[0].slug == "shared-vision"


def test_claims_about_unknown_concepts_are_not_learnt(corpus: Corpus) -> None:
    examples = [Example("x4", "no-such-concept", "Reduced public sector budgets push organisations.")]
    assert "no-such-concept" not in [
        c.slug for c in ConceptSuggester(corpus.concepts, examples).rank(BUDGETS)
    ]


def _project(root: Path, with_claims: bool) -> Project:
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(REPO / part, root / part)
    if not with_claims:
        for path in (root / "corpus" / "documents").glob("*.yaml"):
            path.unlink()
    return Project.locate(root)


@pytest.mark.parametrize("with_claims", [True, False])
def test_ingest_learns_from_the_projects_claims(tmp_path: Path, with_claims: bool) -> None:
    project = _project(tmp_path / "project", with_claims)
    source = tmp_path / "new.txt"
    source.write_text(f"# Drivers\n\n{BUDGETS}\n", encoding="utf-8")
    ingest(project, source, "new2026drivers")
    drafts = read_drafts(drafts_file(project, "new2026drivers")).drafts
    options = [o for d in drafts for o in d.options]
    learnt = [o for o in options if o.matched and o.matched[-1].startswith("like ")]
    if with_claims:
        claim_ids = {c.id for _, c in load_corpus(project, []).claims}
        assert "funding-driver" in [o.concept for o in options]
        assert learnt and all(o.matched[-1].removeprefix("like ") in claim_ids for o in learnt)
    else:
        assert options and not learnt
        assert "funding-driver" not in [o.concept for o in options]


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the reviewed texts are not in {SEEDS}")
def test_a_held_out_document_trains_and_tunes_nothing_that_scores_it(corpus: Corpus) -> None:
    seeds = [s for s in load_seeds(corpus, SEEDS) if s.doc.document != "wallace2010"]
    validation = CrossValidation(corpus, seeds)
    held = seeds[0]
    score = score_document(held, corpus, validation, misses=0)
    assert score.located > 100 and score.top3 >= score.top1
    assert validation._suggesters and all(held.doc.document in without for without in validation._suggesters)


def test_a_name_met_in_full_is_not_outvoted_by_the_quotes_of_a_broader_concept(corpus: Corpus) -> None:
    # The project's claims hold many quotes about trust like this sentence; its concept
    # is still the one it names in full.
    suggester = ConceptSuggester.from_corpus(corpus)
    text = "A lack of trust between council officers and community groups was a barrier in most of them."
    ranked = suggester.rank(text)
    assert [c.slug for c in ranked[:2]] == ["lack-of-trust", "trust"]
    assert ranked[0].matched[:2] == ("lack", "trust") and ranked[0].matched[-1].startswith("like ")


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the reviewed texts are not in {SEEDS}")
@pytest.mark.skipif(not available(), reason=f"the embedding model is not installed: {INSTALL}")
def test_the_benchmarks_embedding_variants_hold_out_what_they_score(corpus: Corpus) -> None:
    seeds = [s for s in load_seeds(corpus, SEEDS) if s.doc.document != "wallace2010"]
    validation = CrossValidation(corpus, seeds)
    folds = MeaningFolds(validation, EmbeddingCache(CACHE))
    held = seeds[0].doc.document
    # Scored as matrices, the learnt blend is the suggester itself, hit for hit.
    without = frozenset({held})
    for weights in (GRID[3], GRID[-1]):
        learnt = Blend(weights.neighbours, weights.prior)
        assert folds.fold(without, held).hits(learnt) == validation.hits(without, held, weights)
    scores = score_meaning(seeds[0], folds, misses=2)
    assert set(scores) == set(VARIANTS)
    assert all(held in without for without, _ in folds._folds)
    zero_shot = scores["zero-shot"]
    assert 0 < zero_shot.top1 <= zero_shot.top3 <= len(seeds[0].pairs)
    # Meaning alone ranks every concept, so a miss always shows three proposals.
    assert zero_shot.misses and all(m.count("', '") == 2 for m in zero_shot.misses)
    assert isinstance(zero_shot.blend, Blend) and not zero_shot.blend.stems
