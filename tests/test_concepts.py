"""Concept and class lookup as people type them, and the `concepts` listing.

Examples are the seed corpus's own vocabulary (corpus/concepts.yaml): the category
"Power and equality" that no claim is about, alternative labels two concepts share
("governance", "inequality"), and the funding concepts a researcher finds by a word.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest

from partnergraph import Project, find_query, open_store, run_query
from partnergraph.concept_list import CSV_HEADER, list_concepts, render_concepts
from partnergraph.concepts import CONCEPT_PREFIX, find_concept, resolve_class
from partnergraph.errors import QueryError
from partnergraph.evidence import collect_evidence
from partnergraph.stores import Store

POWER_MEMBERS = (
    "access-to-power",
    "equality-between-partners",
    "loss-of-independence",
    "power-imbalance",
    "unequal-benefits",
    "valuing-contributions",
)
FUNDING = ("access-to-funding", "funding-differences", "funding-driver", "short-term-funding")


@pytest.fixture(scope="module")
def seed(seed_corpus: Project) -> Iterator[Store]:
    with open_store(seed_corpus.default_store) as store:
        yield store


@pytest.mark.parametrize("typed", ["Power", "power", "power-and-equality", "Power and equality"])
def test_a_category_no_claim_is_about_is_refused_with_its_concepts(
    seed_corpus: Project, seed: Store, typed: str
) -> None:
    with pytest.raises(QueryError) as caught:
        collect_evidence(seed, seed_corpus, typed)
    message = str(caught.value)
    assert f"'{typed}' is a category" in message
    assert "The category Power and equality (power-and-equality) groups 6 concepts" in message
    assert all(f"  {slug} " in message for slug in POWER_MEMBERS)
    assert max(len(line) for line in f"error: {message}".splitlines()) <= 100
    with pytest.raises(QueryError, match="is a category"):
        find_concept(seed, typed, empty_category_ok=False)
    # As a query parameter a category is fine: such queries take in its narrower concepts.
    assert find_concept(seed, typed).slug == "power-and-equality"
    works = run_query(seed, find_query("works-backing-concept", seed_corpus), {"concept": typed})
    assert len(works) > 0


def test_a_category_with_claims_of_its_own_is_found(seed_corpus: Project, seed: Store) -> None:
    evidence = collect_evidence(seed, seed_corpus, "Environment")
    assert evidence.concept.slug == "environment"
    assert evidence.claims  # Wallace (2010) says things about the environment as a whole


def test_a_category_on_every_backend(built: Project, store: Store) -> None:
    with pytest.raises(QueryError, match=r"Membership characteristics \(membership\) groups 2") as caught:
        collect_evidence(store, built, "membership")
    assert "  lack-of-trust  Lack of trust" in str(caught.value)
    assert "  trust          Trust" in str(caught.value)
    # "Communication" is the label of a factor and of a category: the factor wins.
    assert find_concept(store, "Communication").slug == "communication"


@pytest.mark.parametrize(
    ("typed", "both"),
    [
        ("governance", ("clear-governance", "governance-problems")),
        ("Inequality", ("power-and-equality", "power-imbalance")),
        ("learning", ("capability-and-learning", "shared-learning")),
    ],
)
def test_an_alternative_label_two_concepts_share_lists_both(seed: Store, typed: str, both) -> None:
    with pytest.raises(QueryError, match=f"'{typed}' names 2 concepts — type the slug") as caught:
        find_concept(seed, typed)
    assert all(f"  {slug} " in str(caught.value) for slug in both)


def test_a_miss_suggests_the_concepts_whose_names_contain_the_word(seed: Store) -> None:
    with pytest.raises(QueryError, match="no concept called 'funding'") as caught:
        find_concept(seed, "funding")
    assert all(f"  {slug} " in str(caught.value) for slug in FUNDING)
    with pytest.raises(QueryError, match="did you mean 'communication'"):
        find_concept(seed, "comunication")


@pytest.mark.parametrize(
    "typed",
    [
        "trust",
        "TRUST",
        "mutual trust",
        CONCEPT_PREFIX + "trust",
        f"<{CONCEPT_PREFIX}trust>",
        "id:concept/trust",
    ],
)
def test_every_form_a_concept_is_typed_in(seed: Store, typed: str) -> None:
    assert find_concept(seed, typed).slug == "trust"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("barrier", "Barrier"),
        ("Barrier", "Barrier"),
        ("BARRIER", "Barrier"),
        ("barriers", "Barrier"),
        ("SuccessFactor", "SuccessFactor"),
        ("success factor", "SuccessFactor"),
        ("success-factors", "SuccessFactor"),
        ("pg:Theory", "Theory"),
        ("support need", "SupportNeed"),
    ],
)
def test_a_class_in_any_case(seed: Store, typed: str, name: str) -> None:
    assert resolve_class(seed, typed).name == name


def test_an_unknown_class_lists_the_valid_ones(seed: Store) -> None:
    with pytest.raises(QueryError, match="no concept class called 'barier'") as caught:
        resolve_class(seed, "barier")
    assert "Barrier ('barrier')" in str(caught.value)
    assert "SuccessFactor ('success factor')" in str(caught.value)


class CountingStore:
    """Passes queries to a real store and counts them."""

    def __init__(self, store: Store) -> None:
        self.store, self.queries = store, 0

    def select(self, *args, **kwargs):
        self.queries += 1
        return self.store.select(*args, **kwargs)


def test_listing_counts_claims_in_one_grouped_query(seed_corpus: Project, seed: Store) -> None:
    counting = CountingStore(seed)
    entries = list_concepts(counting, cls="BARRIER")  # type: ignore[arg-type]
    assert counting.queries == 2  # the classes, then the listing
    by_slug = {e.slug: e for e in entries}
    assert len(by_slug) == len(entries) and all(e.classes == ["barrier"] for e in entries)
    for slug in ("lack-of-trust", "power-imbalance", "competition"):
        assert by_slug[slug].claims == len(collect_evidence(seed, seed_corpus, slug).claims)
    assert [e.slug for e in list_concepts(seed, cls="barrier")] == [e.slug for e in entries]
    assert by_slug["power-imbalance"].categories == ["Power and equality"]


def test_listing_searches_labels_and_alternative_labels(seed: Store) -> None:
    found = {e.slug for e in list_concepts(seed, search="Funding")}
    assert set(FUNDING) <= found
    assert "competition" in found  # its alternative label: "competition for funding and contracts"
    assert {e.slug for e in list_concepts(seed, search="funding", cls="barrier")} >= {"short-term-funding"}
    assert list_concepts(seed, search="no such word anywhere") == []


def test_listing_sorted_by_class_then_label(seed: Store) -> None:
    entries = list_concepts(seed)
    keys = [(e.classes[:1], e.label.casefold()) for e in entries]
    assert keys == sorted(keys)
    assert len(entries) == len({e.slug for e in entries}) > 200


def test_listing_renders_as_table_csv_and_json(seed_corpus: Project, seed: Store) -> None:
    entries = list_concepts(seed)
    table = render_concepts(entries, "table")
    assert max(len(line) for line in table.splitlines()) <= 100
    assert "Barrier (50 concepts)" in table
    total = sum(e.claims for e in entries)
    assert table.splitlines()[-1] == f"{len(entries)} concepts, {total} claims about them"
    rows = list(csv.DictReader(io.StringIO(render_concepts(entries, "csv"))))
    assert tuple(rows[0]) == CSV_HEADER and len(rows) == len(entries)
    trust = next(r for r in rows if r["slug"] == "trust")
    claims = len(collect_evidence(seed, seed_corpus, "trust").claims)
    assert (trust["label"], trust["class"], trust["claims"]) == ("Trust", "success factor", str(claims))
    data = json.loads(render_concepts(entries, "json"))
    assert data[0]["slug"] == entries[0].slug and isinstance(data[0]["claims"], int)
    assert render_concepts([], "table") == "no concept matches"


@pytest.mark.parametrize(
    ("typed", "among"),
    [
        ("communities", {"reach-into-communities", "community-leadership", "end-user-involvement"}),
        ("partnerships skills", {"partnership-skills"}),
        ("developing communities", {"community-development-perspective"}),
    ],
)
def test_search_compares_words_by_stem(seed: Store, typed: str, among: set[str]) -> None:
    assert among <= {e.slug for e in list_concepts(seed, search=typed)}


def test_a_miss_never_offers_a_look_alike_of_another_word(seed: Store) -> None:
    with pytest.raises(QueryError) as caught:
        find_concept(seed, "crisis")
    message = str(caught.value)
    assert "risk" not in message.casefold()
    assert "no concept's names use 'crisis'" in message


def test_a_miss_offers_the_concept_named_by_the_words_typed(seed: Store) -> None:
    with pytest.raises(QueryError) as caught:
        find_concept(seed, "empowerment of communities")
    message = str(caught.value)
    assert "did you mean" not in message
    assert "  community-development-perspective  " in message
    assert "reach-into-communities" not in message


def test_a_miss_ranks_concepts_sharing_some_words(seed: Store) -> None:
    with pytest.raises(QueryError) as caught:
        find_concept(seed, "trust failure")
    lines = str(caught.value).splitlines()
    assert "no concept's names use 'failure'" in lines
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    assert listed[:2] == ["trust", "lack-of-trust"]


@pytest.mark.parametrize(("typed", "meant"), [("trsut", "trust"), ("comunication", "communication")])
def test_a_typing_slip_is_offered_its_spelling(seed: Store, typed: str, meant: str) -> None:
    with pytest.raises(QueryError, match=f"did you mean '{meant}'"):
        find_concept(seed, typed)
