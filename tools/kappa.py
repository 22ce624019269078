"""Cohen's kappa and percentage agreement of two coders, from their table of pairs.

Written out rather than taken from scikit-learn, which the project does not otherwise
need; tests/test_agreement.py checks it against the published tables scikit-learn's own
tests use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def kappa(counts: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's kappa of a table of (first coder's category, second's) → count; None when
    chance agreement is total (both coders put everything in one category), where kappa
    is undefined."""
    total = sum(counts.values())
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for (a, b), n in counts.items():
        first[a] += n
        second[b] += n
    expected = sum(first[c] * second[c] for c in first)  # × total² too, kept in whole numbers
    if total == 0 or expected == total * total:
        return None
    observed = sum(n for (a, b), n in counts.items() if a == b)
    return (observed * total - expected) / (total * total - expected)


def share(counts: Mapping[tuple[str, str], int]) -> float | None:
    """The share of decisions on which the two coders agree."""
    total = sum(counts.values())
    return sum(n for (a, b), n in counts.items() if a == b) / total if total else None
