"""`partnergraph evidence`: a concept's claims by polarity and work, and its rule-based profile."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from partnergraph import Project, open_store
from partnergraph.cli import main
from partnergraph.concepts import find_concept
from partnergraph.errors import QueryError
from partnergraph.evidence import KIND_STRENGTH, collect_evidence, grade, kind_rank
from partnergraph.evidence_output import CSV_HEADER, render_evidence
from partnergraph.names import work_names
from partnergraph.stores import Store

SEED_CONCEPTS = ("trust", "power-imbalance", "communication", "competition", "lack-of-trust", "environment")


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def test_found_by_alternative_label_in_any_case(built: Project, store: Store) -> None:
    assert find_concept(store, "MUTUAL TRUST").slug == "trust"
    assert find_concept(store, "Lack of Trust").slug == "lack-of-trust"
    with pytest.raises(QueryError, match="did you mean 'communication'"):
        find_concept(store, "comunication")


def test_profile_of_a_contested_concept_on_every_backend(built: Project, store: Store) -> None:
    evidence = collect_evidence(store, built, "communication")
    profile = evidence.profile
    assert (profile.works, profile.reviewed_documents) == (2, 2)  # jones2010, greasley2008
    assert profile.polarity == {"enables": 2, "hinders": 1}
    assert profile.years == (2008, 2010)
    assert (profile.adequacy, profile.coherence, profile.grade) == ("moderate", "mostly consistent", "low")
    assert [c.polarity for c in evidence.claims] == ["enables", "enables", "hinders"]


def test_secondary_only_works_are_named(built: Project, store: Store) -> None:
    evidence = collect_evidence(store, built, "power-imbalance")
    assert evidence.profile.secondary_only == ["kanter1989"]
    assert evidence.profile.secondary_only_names == ["Kanter, 1989"]
    assert any("secondary citation" not in r for r in evidence.profile.reasons)
    text = render_evidence(evidence, "table")
    assert "known only through secondary citation: Kanter, 1989" in text


@pytest.mark.parametrize(
    ("works", "documents", "polarity", "empirical", "first_hand", "expected"),
    [
        (3, 2, {"enables": 9, "hinders": 1}, True, 3, ("substantial", "consistent", "high")),
        (3, 2, {"enables": 9, "hinders": 1}, False, 3, ("substantial", "consistent", "moderate")),
        (2, 1, {"enables": 3, "hinders": 2}, True, 2, ("moderate", "mostly consistent", "low")),
        (4, 3, {"enables": 3, "hinders": 3}, True, 4, ("substantial", "contested", "low")),
        (1, 1, {"hinders": 1}, False, 0, ("thin", "consistent", "very low")),
        (1, 1, {"neutral": 2}, True, 1, ("thin", "not directional", "low")),
    ],
)
def test_grade_rules(works, documents, polarity, empirical, first_hand, expected) -> None:
    adequacy, coherence, level, reasons = grade(works, documents, polarity, empirical, first_hand)
    assert (adequacy, coherence, level) == expected
    assert reasons[-1].startswith("a rule over counts")


def test_grade_reasons_use_real_plurals() -> None:
    reasons = grade(1, 1, {"hinders": 1}, False, 0)[3]
    assert reasons[:2] == [
        "adequacy thin: 1 distinct work in 1 reviewed document",
        "coherence consistent: 0 enabling claims, 1 hindering claim",
    ]
    reasons = grade(28, 5, {"enables": 49}, True, 28)[3]
    assert reasons[0] == "adequacy substantial: 28 distinct works in 5 reviewed documents"


def test_cli_text_names_works_and_documents_and_csv_json_keep_keys(built: Project) -> None:
    code, out = run(built, "evidence", "Mutual trust")
    assert code == 0, out
    assert out.startswith("Trust (slug: trust)\n")
    assert "Enables partnership working: 2 claims from 2 works" in out
    assert "read in tsrc-review" not in out
    assert "confidence: low" in out
    code, out = run(built, "evidence", "trust", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_HEADER
    assert {r["reviewed in (key)"] for r in rows} <= {"tsrc-review", "wallace2010", "balloch2007"}
    assert all(r["reviewed in"] and r["reviewed in"] != r["reviewed in (key)"] for r in rows)
    code, out = run(built, "evidence", "power-imbalance", "--format", "json")
    data = json.loads(out)
    assert data["profile"]["secondary_only"] == ["kanter1989"]
    kanter = [c for c in data["claims"] if c["via"]]
    assert kanter and kanter[0]["via"] == ["balloch2007"]
    assert kanter[0]["citation"] == f"Kanter, 1989 (as cited in {kanter[0]['via_names'][0]})"
    assert all(c["reviewed_in_name"] and c["reviewed_in"] for c in data["claims"])
    code, out = run(built, "evidence", "trsut")
    assert code == 1 and "did you mean 'trust'" in out


@pytest.fixture(scope="module")
def seed_store(seed_corpus: Project):
    with open_store(seed_corpus.default_store) as store:
        yield store


@pytest.mark.parametrize("concept", SEED_CONCEPTS)
def test_table_names_no_cite_key_and_fits_100_columns(seed_corpus: Project, seed_store, concept) -> None:
    text = render_evidence(collect_evidence(seed_store, seed_corpus, concept), "table")
    too_wide = [line for line in text.splitlines() if len(line) > 100]
    assert not too_wide, too_wide[:3]
    keys = [k for k in work_names(seed_store) if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text)]
    assert not keys, keys
    assert not re.search(r"\w\(s\)", text), re.search(r".{40}\w\(s\).{20}", text)


def test_claims_are_grouped_by_work_strongest_and_newest_first(seed_corpus: Project, seed_store) -> None:
    evidence = collect_evidence(seed_store, seed_corpus, "trust")
    groups = evidence.by_polarity_and_work()["enables"]
    headings = [g.heading() for g in groups]
    assert len(headings) == len(set(headings)), "a work appears under one heading only"
    ranks = [min(kind_rank(c.kind) for c in g.claims) for g in groups]
    assert ranks == sorted(ranks)
    assert groups[0].claims[0].kind == KIND_STRENGTH[0]  # the seed's one empirical study on trust
    for rank in set(ranks):
        years = [g.newest_year() for g in groups if min(kind_rank(c.kind) for c in g.claims) == rank]
        dated = [y for y in years if y is not None]
        assert dated == sorted(dated, reverse=True) and years == dated + [None] * (len(years) - len(dated))
    # The flat list (CSV, JSON) follows the same order as the table.
    assert [c.claim_id for c in evidence.claims] == [c.claim_id for g in groups for c in g.claims]
    text = render_evidence(evidence, "table")
    assert text.index(groups[0].heading()) < text.index(groups[-1].heading())
