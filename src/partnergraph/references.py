"""Checks that need the vocabulary and the bibliography together.

Every name a claim or concept uses must resolve: a concept slug to a concept, a cite
key to a bibliography entry, a document to a work. A misspelling gets the nearest
correct name as its fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from .bibliography import Work
from .corpus import Concept, Corpus
from .errors import SourceProblem, did_you_mean


def cited_keys(corpus: Corpus) -> set[str]:
    """Every cite key the corpus uses: documents, asserting works, vias, theories, definitions."""
    keys = {d.document for d in corpus.documents}
    for doc, claim in corpus.claims:
        keys |= set(claim.asserted_by or (doc.document,)) | set(claim.via)
    for concept in corpus.concepts:
        keys |= set(concept.proposed_by)
        if concept.definition_source:
            keys.add(concept.definition_source)
    return keys


def check_references(corpus: Corpus, works: Iterable[Work]) -> list[SourceProblem]:
    concepts = {c.slug: c for c in corpus.concepts}
    keys = {w.key: w for w in works}
    variant_to_key = {v: w.key for w in keys.values() for v in w.variant_keys}
    problems: list[SourceProblem] = []

    def unknown_key(key: str, path: str, line: int, who: str) -> None:
        if key in keys:
            return
        if key in variant_to_key:
            fix = f"'{key}' is a variant of '{variant_to_key[key]}': cite '{variant_to_key[key]}'"
        else:
            fix = did_you_mean(key, keys, "the bibliography")
        problems.append(SourceProblem(path, line, f"{who}: cite key '{key}' has no bibliography entry", fix))

    def unknown_concept(slug: str, path: str, line: int, who: str, field: str) -> None:
        if slug not in concepts:
            problems.append(
                SourceProblem(
                    path,
                    line,
                    f"{who}: unknown concept '{slug}' in '{field}'",
                    did_you_mean(slug, concepts, "corpus/concepts.yaml"),
                )
            )

    for c in corpus.concepts:
        who, path, line = f"concept '{c.slug}'", c.origin.path, c.origin.line
        for slug in c.broader:
            unknown_concept(slug, path, line, who, "broader")
        if c.counterpart:
            unknown_concept(c.counterpart, path, line, who, "counterpart")
            other = concepts.get(c.counterpart)
            if other and {c.cls, other.cls} != {"Barrier", "SuccessFactor"}:
                problems.append(
                    SourceProblem(
                        path,
                        line,
                        f"{who}: counterpart '{other.slug}' is a {other.cls}, "
                        f"but counterparts pair a Barrier with a SuccessFactor",
                        "link a barrier to the success factor it is the absence of",
                    )
                )
        for key in (*c.proposed_by, *([c.definition_source] if c.definition_source else [])):
            unknown_key(key, path, line, who)

    for doc in corpus.documents:
        if doc.document not in keys:
            unknown_key(doc.document, doc.origin.path, doc.origin.line, "document")
        for claim in (*doc.claims, *doc.rejected):
            who, path = f"claim {claim.id}" if claim.id else "claim", claim.origin.path
            if claim.concept:
                unknown_concept(claim.concept, path, claim.line_of("concept"), who, "concept")
            if claim.partnership_type:
                unknown_concept(
                    claim.partnership_type, path, claim.line_of("context"), who, "partnership_type"
                )
            for key in claim.asserted_by:
                unknown_key(key, path, claim.line_of("asserted_by"), who)
            for key in claim.via:
                unknown_key(key, path, claim.line_of("via"), who)
    return problems + broader_cycles(corpus.concepts) + shared_counterparts(corpus.concepts)


def broader_cycles(concepts: Iterable[Concept]) -> list[SourceProblem]:
    """Each circle of `broader` links, once, at the first concept of it in the file.

    A circle gives the hierarchy no top: 'works backing a concept' would count a
    concept's own claims under its narrower concepts, and the explorer's tree never ends.
    """
    by_slug = {c.slug: c for c in concepts}
    on_path, finished = 1, 2
    state: dict[str, int] = {}
    problems: list[SourceProblem] = []
    for start in by_slug:
        if start in state:
            continue
        path, pending = [start], [iter(by_slug[start].broader)]
        state[start] = on_path
        while pending:
            slug = next(pending[-1], None)
            if slug is None:
                state[path.pop()] = finished
                pending.pop()
            elif state.get(slug) == on_path:
                problems.append(_circle(path[path.index(slug) :], by_slug))
            elif slug in by_slug and slug not in state:
                state[slug] = on_path
                path.append(slug)
                pending.append(iter(by_slug[slug].broader))
    return problems


def _circle(circle: list[str], by_slug: dict[str, Concept]) -> SourceProblem:
    """The circle told from the concept written first, where the message points."""
    first = min((by_slug[s] for s in circle), key=lambda c: c.origin.line)
    at = circle.index(first.slug)
    names = [*circle[at:], *circle[:at], first.slug]
    return SourceProblem(
        first.origin.path,
        first.origin.line,
        f"concept '{first.slug}': broader links go round in a circle: {' → '.join(names)}",
        "remove one of these 'broader' links so the hierarchy has a top",
    )


def shared_counterparts(concepts: Iterable[Concept]) -> list[SourceProblem]:
    """A concept paired with two others: each barrier is the absence of one success factor.

    A pair may be written on either side, or on both; a second partner is the mistake,
    reported where it is written, naming where the first pairing was.
    """
    partner: dict[str, tuple[str, Concept]] = {}
    problems: list[SourceProblem] = []
    for concept in concepts:
        if not concept.counterpart:
            continue
        pair = (concept.slug, concept.counterpart)
        for one, other in (pair, pair[::-1]):
            known = partner.get(one)
            if known is not None and known[0] != other:
                where = known[1]
                problems.append(
                    SourceProblem(
                        concept.origin.path,
                        concept.origin.line,
                        f"concept '{concept.slug}': '{one}' is already the counterpart of '{known[0]}' "
                        f"(line {where.origin.line})",
                        "a success factor pairs with one barrier: merge the barriers or pair this one "
                        "with another factor",
                    )
                )
                break
        else:
            partner.setdefault(pair[0], (pair[1], concept))
            partner.setdefault(pair[1], (pair[0], concept))
    return problems
