"""tools/vocabulary_figures.py on the mini corpus, as it is and with one case of each flag added.

The expected figures are read off the fixture's files: 9 concepts, 10 claims (4 in the
TSRC review, 6 in Wallace), of which `communication` has 3, `trust` and `power-imbalance`
2, three concepts one, three none; the label Communication is both a factor's and a
category's; trust and lack of trust are counterparts; Wallace's c002 codes the success
factor communication as hindering.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from partnergraph import Project

TOOL = Path(__file__).resolve().parent.parent / "tools" / "vocabulary_figures.py"
ADDED = """
  - slug: trusting
    class: SuccessFactor
    label: Trusting
  - slug: lack-of-mutual-trust
    class: Barrier
    label: Lack of mutual trust between organizations
  - slug: power-imbalanse
    class: Barrier
    label: Power imbalanse
"""


def _figures(root: Path) -> list[str]:
    command = [sys.executable, str(TOOL), "--project", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_the_mini_corpus_figures(mini: Project) -> None:
    assert _figures(mini.root) == [
        "concepts: 9 (Barrier 3, Category 2, SuccessFactor 2, Theory 1, PartnershipType 1)",
        "claims: 10",
        "concepts with no claim: 3: membership, communication-category, cross-sector-partnership",
        "concepts with one claim: 3: lack-of-trust, competition, resource-dependency-theory",
        "names two concepts share: 1",
        "  'communication': communication-category, communication",
        "similar names: 0 pairs",
        "counterpart pairs: 1; both sides used: 1",
        "counterparts not a success factor and a barrier: 0",
        "  lack-of-trust (1) <-> trust (2)",
        "claims against their concept's class: 1",
        "  communication [SuccessFactor] wallace2010 c002 hinders",
    ]


def test_each_flag_on_a_case_added_to_the_corpus(mini: Project) -> None:
    concepts = mini.root / "corpus" / "concepts.yaml"
    text = concepts.read_text(encoding="utf-8").replace(
        "    alt: [competition within a market]\n",
        "    alt: [competition within a market]\n    counterpart: resource-dependency-theory\n",
    )
    concepts.write_text(text + ADDED, encoding="utf-8")
    wallace = mini.root / "corpus" / "documents" / "wallace2010.yaml"
    claim = (
        '    concept: power-imbalance\n    polarity: {}\n    asserted_by: [greasley2008]\n    quote: "power'
    )
    text = wallace.read_text(encoding="utf-8")
    wallace.write_text(text.replace(claim.format("hinders"), claim.format("enables")), encoding="utf-8")
    figures = _figures(mini.root)
    similar = figures[figures.index("similar names: 4 pairs") + 1 :][:4]
    assert similar == [
        "  trust ~ trusting: same stems: 'Trust' / 'Trusting'",
        "  trust ~ lack-of-mutual-trust: one contains the other: 'mutual trust' / "
        "'Lack of mutual trust between organizations'",
        "  lack-of-trust ~ lack-of-mutual-trust: one contains the other: 'Lack of trust' / "
        "'Lack of mutual trust between organizations'",
        "  power-imbalance ~ power-imbalanse: spelt alike: 'Power imbalance' / 'Power imbalanse'",
    ]
    assert "counterparts not a success factor and a barrier: 1" in figures
    assert "  competition: its counterpart is a Theory" in figures
    assert figures[-3:] == [
        "claims against their concept's class: 2",
        "  communication [SuccessFactor] wallace2010 c002 hinders",
        "  power-imbalance [Barrier] wallace2010 c004 enables",
    ]
