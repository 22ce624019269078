"""Why a reviewed document cites a work, in CiTO's citation functions.

A claim asserted by another work means the reviewed document cites that work for the
claim's finding. CiTO then asks why; the answer is read from the claim, never guessed:

- a claim's `stance:` (what the document itself says of the work) decides first:
  agrees → cito:agreesWith, supports → cito:supports, confirms → cito:confirms,
  extends → cito:extends, qualifies → cito:qualifies, disputes → cito:disputes,
  disagrees → cito:disagreesWith, critiques → cito:critiques, refutes → cito:refutes;
- otherwise its evidence kind: a theory claim cites the work as the authority for the
  theory (cito:citesAsAuthority); any other claim reports the work's finding as evidence
  for what the document says (cito:citesAsEvidence).

Polarity says nothing about the document's stance (a hindering finding can be cited in
full agreement), so it is never read here. `via` works are not typed: CiTO has no
"as cited in" function, and `pg:citedVia` keeps that link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .corpus import Claim

STANCES = {
    "agrees": "agreesWith",
    "supports": "supports",
    "confirms": "confirms",
    "extends": "extends",
    "qualifies": "qualifies",
    "disputes": "disputes",
    "disagrees": "disagreesWith",
    "critiques": "critiques",
    "refutes": "refutes",
}
KIND_FUNCTIONS = {"theory": "citesAsAuthority"}
DEFAULT_FUNCTION = "citesAsEvidence"
FUNCTIONS = tuple(sorted({*STANCES.values(), *KIND_FUNCTIONS.values(), DEFAULT_FUNCTION}))
"""Every CiTO property the build may write (the ontology declares each)."""


def citation_function(claim: Claim) -> str:
    """The local name of the CiTO property for the claim's citation of its asserting works."""
    if claim.stance:
        return STANCES[claim.stance]
    return KIND_FUNCTIONS.get(claim.kind or "", DEFAULT_FUNCTION)


def cited_works(document: str, claim: Claim) -> tuple[str, ...]:
    """The works the document cites for this claim: its asserting works other than itself."""
    return tuple(key for key in claim.asserted_by if key != document)
