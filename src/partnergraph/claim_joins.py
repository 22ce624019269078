"""Joins of claim patterns written the way each store evaluates fast.

Oxigraph joins two plain triple patterns by looking the second up once per solution of the
first: at 100,000 claims `?claim pg:about ?c ; pg:reportedIn ?d` took 2.2 s of CPU. Written
as two subqueries it hashes both sides instead, 0.25 s. rdflib (the `memory:` store) does
the opposite: it evaluates a join of subqueries pair by pair, each pair compared with every
other (an overview of the 1,618-claim seed corpus took 19 s instead of 4), but a plain
group well. So readers name their patterns here and get the form that suits the store;
SPARQL endpoints (Fuseki, Virtuoso, Oxigraph server) get the plain group, which their
planners reorder themselves.
"""

from __future__ import annotations

import re

from .stores import Store

_VARIABLE = re.compile(r"\?\w+")


def hashed(store: Store) -> bool:
    """Whether patterns should be subqueries of their own (the embedded Oxigraph store)."""
    return store.descriptor.startswith("oxigraph:")


def part(store: Store, pattern: str, optional: bool = False) -> str:
    """One pattern of a join: a subquery projecting its variables for Oxigraph, else the
    pattern itself, so that consecutive parts make one basic graph pattern."""
    if hashed(store):
        variables = " ".join(dict.fromkeys(_VARIABLE.findall(pattern)))
        text = f"{{ SELECT {variables} WHERE {{ {pattern} }} }}"
    else:
        text = f"{{ {pattern} }}" if optional else f"{pattern} ."
    return f"OPTIONAL {text}" if optional else text


def join(store: Store, *patterns: str) -> str:
    return " ".join(part(store, pattern) for pattern in patterns)
