"""`partnergraph evidence`: a concept's claims by polarity and its rule-based profile."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from partnergraph import Project
from partnergraph.cli import main
from partnergraph.concepts import find_concept
from partnergraph.errors import QueryError
from partnergraph.evidence import collect_evidence, grade
from partnergraph.stores import Store


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
    profile = collect_evidence(store, built, "power-imbalance").profile
    assert profile.secondary_only == ["kanter1989"]
    assert any("secondary citation" not in r for r in profile.reasons)


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


def test_cli_text_csv_and_json(built: Project) -> None:
    code, out = run(built, "evidence", "Mutual trust")
    assert code == 0, out
    assert out.startswith("Trust (trust)\n")
    assert "Enables partnership working (2)" in out
    assert "- Cairns et al., 2010, p. 3 [tsrc-review, Support needs]" in out
    assert "confidence: low" in out
    code, out = run(built, "evidence", "trust", "--format", "csv")
    assert out.splitlines()[0] == "claim,polarity,citation,works,quote,reviewed_in,section,pages,kind"
    code, out = run(built, "evidence", "power-imbalance", "--format", "json")
    data = json.loads(out)
    assert data["profile"]["secondary_only"] == ["kanter1989"]
    assert {c["citation"] for c in data["claims"]} >= {"Kanter, 1989 (as cited in balloch2007)"}
    code, out = run(built, "evidence", "trsut")
    assert code == 1 and "did you mean 'trust'" in out
