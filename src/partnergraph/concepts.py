"""Finding a concept or a concept class by what a person types.

Every reader command (evidence, summary, query parameters, the explorer) looks
concepts up here, so "Mutual trust", "trust", "TRUST" and the concept's IRI mean the
same everywhere. A lookup never guesses silently: a category with no claims of its
own, or a wording two concepts share, is an error that names what to type instead,
and a miss suggests both a close spelling and every concept whose names share the
words typed, because researchers type "funding" when the vocabulary says "Short-term
and uncertain funding". Words are compared by stem (concept_matcher.py), so "crisis"
suggests no 'risk' and "empowerment of communities" finds community empowerment.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rdflib import URIRef

from .concept_matcher import ConceptMatcher, words
from .errors import QueryError, did_you_mean
from .namespaces import ID, PG, sparql_prologue
from .stores import Store

CONCEPT_PREFIX = str(ID["concept/"])
SUGGESTIONS = 12
"""At most this many concepts are listed in one error message; the rest are counted."""
TYPOS_PER_LETTERS = 5
"""A name is offered as the spelling meant when it is one typing slip (a letter
missing, extra, wrong or two swapped) per this many letters away, and at least one:
'trsut' is one slip from 'trust', 'comunication' one from 'communication', but
'crisis' is three from 'risk', which character similarity alone would offer."""

_CONCEPTS = (
    "SELECT ?concept ?slug ?label ?alt ?category WHERE {\n"
    "  ?concept skos:inScheme id:scheme ; skos:prefLabel ?label .\n"
    "  OPTIONAL { ?concept skos:altLabel ?alt }\n"
    "  OPTIONAL { ?concept a pg:Category . BIND(true AS ?category) }\n"
    f'  BIND(STRAFTER(STR(?concept), "{CONCEPT_PREFIX}") AS ?slug)\n'
    "}"
)
# ?category is bound by a triple pattern before EXISTS reads it, whichever way the
# store joins the bound value in.
_MEMBERS = (
    "SELECT ?slug ?label ?own WHERE {\n"
    "  ?category skos:prefLabel ?categoryLabel .\n"
    "  OPTIONAL { ?member skos:broader ?category ; skos:prefLabel ?label .\n"
    f'    BIND(STRAFTER(STR(?member), "{CONCEPT_PREFIX}") AS ?slug) }}\n'
    "  BIND(EXISTS { ?claim pg:about ?category } AS ?own)\n"
    "} ORDER BY STR(LCASE(?label))"
)
_CLASSES = "SELECT ?class ?label WHERE { ?class rdfs:subClassOf skos:Concept ; rdfs:label ?label }"


@dataclass(frozen=True)
class ConceptRef:
    iri: str
    slug: str
    label: str


@dataclass(frozen=True)
class ConceptClass:
    """A pg: concept class: `name` is its local name (Barrier), `label` its reading ('barrier')."""

    iri: str
    name: str
    label: str


@dataclass
class _Names:
    """One concept's names as the scheme holds them, for matching and for messages."""

    ref: ConceptRef
    category: bool
    alts: list[str]


def find_concept(store: Store, text: str, *, empty_category_ok: bool = True) -> ConceptRef:
    """A concept by slug, IRI, preferred or alternative label, ignoring case.

    A slug wins over a preferred label, which wins over an alternative label. Where a
    factor and a category share a preferred label ("Communication") the factor wins;
    where two concepts share an alternative label ("governance") the error lists both.
    A category is a fine query parameter (queries such as works-backing-concept take in
    its narrower concepts), but where the caller shows the concept's own claims, one that
    no claim is about would show an empty profile: with `empty_category_ok=False` it is
    an error listing the concepts it groups.
    """
    concepts = _all_names(store)
    wanted = _strip_iri(text.strip()).casefold()
    for level in ("slug", "label", "alt"):
        found = [c for c in concepts.values() if wanted in _level_names(c, level)]
        if level == "label" and len(found) > 1:
            found = [c for c in found if not c.category] or found
        if len(found) > 1:
            raise QueryError(_ambiguous(text, found))
        if found:
            if found[0].category and not empty_category_ok:
                _refuse_empty_category(store, text, found[0].ref)
            return found[0].ref
    raise QueryError(_missing(text, wanted, concepts))


def search_names(names: list[tuple[str, str, list[str]]], text: str) -> list[str]:
    """Slugs of the concepts, given as (slug, label, alternative labels), found by what
    was typed: every word in one of their names by stem or as part of a word, or the
    text within the slug."""
    typed = text.strip().casefold()
    found = set(ConceptMatcher.from_names(names).search(text))
    return [slug for slug, _, _ in names if slug in found or (typed and typed in slug)]


def concept_classes(store: Store) -> list[ConceptClass]:
    """The pg: classes of concepts (Barrier, SuccessFactor ...), as the ontology names them."""
    rows = store.select(sparql_prologue() + _CLASSES).dicts()
    classes = {
        str(r["class"]): ConceptClass(str(r["class"]), str(r["class"]).removeprefix(str(PG)), str(r["label"]))
        for r in rows
    }
    return sorted(classes.values(), key=lambda c: c.name)


def resolve_class(store: Store, text: str) -> ConceptClass:
    """A concept class as people type it: 'barrier', 'BARRIER', 'Barriers', 'success factor',
    'SuccessFactor' or the class IRI all name pg:Barrier or pg:SuccessFactor."""
    classes = concept_classes(store)
    wanted = _squash(text.removeprefix(str(PG)).removeprefix("pg:"))
    for cls in classes:
        forms = {_squash(cls.name), _squash(cls.label)}
        if wanted in forms or wanted in {_plural_form(f) for f in forms}:
            return cls
    listing = ", ".join(f"{c.name} ('{c.label}')" for c in classes)
    raise QueryError(f"no concept class called '{text}' — the classes are {listing}")


def _squash(text: str) -> str:
    return re.sub(r"[\s_-]+", "", text).casefold()


def _plural_form(squashed: str) -> str:
    return squashed[:-1] + "ies" if squashed.endswith("y") else squashed + "s"


def typing_slips(typed: str, name: str) -> int:
    """Letters inserted, deleted, replaced or swapped with a neighbour to turn one word
    into the other (optimal string alignment distance)."""
    rows = [list(range(len(name) + 1))]
    for i, a in enumerate(typed, 1):
        row = [i]
        for j, b in enumerate(name, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b)))
            if i > 1 and j > 1 and a == name[j - 2] and typed[i - 2] == b:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _all_names(store: Store) -> dict[str, _Names]:
    concepts: dict[str, _Names] = {}
    for row in store.select(sparql_prologue() + _CONCEPTS, {}).dicts():
        iri = str(row["concept"])
        if iri not in concepts:
            ref = ConceptRef(iri, str(row["slug"]), str(row["label"]))
            concepts[iri] = _Names(ref, row["category"] is not None, [])
        if row["alt"] is not None and str(row["alt"]) not in concepts[iri].alts:
            concepts[iri].alts.append(str(row["alt"]))
    # The store returns rows in no fixed order; messages list concepts by slug.
    return dict(sorted(concepts.items(), key=lambda item: item[1].ref.slug))


def _strip_iri(text: str) -> str:
    """The slug of a concept given as its IRI (<...> or not) or as id:concept/slug."""
    bare = text.removeprefix("<").removesuffix(">")
    for prefix in (CONCEPT_PREFIX, "id:concept/"):
        if bare.startswith(prefix):
            return bare.removeprefix(prefix)
    return text


def _level_names(concept: _Names, level: str) -> set[str]:
    if level == "slug":
        return {concept.ref.slug.casefold()}
    if level == "label":
        return {concept.ref.label.casefold()}
    return {alt.casefold() for alt in concept.alts}


def _listing(refs: list[ConceptRef]) -> list[str]:
    """'  slug  Label' lines, the slug being what to type; long lists end in a count."""
    width = max((len(r.slug) for r in refs[:SUGGESTIONS]), default=0)
    lines = [f"  {r.slug.ljust(width)}  {r.label}" for r in refs[:SUGGESTIONS]]
    if len(refs) > SUGGESTIONS:
        lines.append(f"  … and {len(refs) - SUGGESTIONS} more")
    return lines


def _ambiguous(text: str, found: list[_Names]) -> str:
    head = f"'{text}' names {len(found)} concepts — type the slug of the one you mean:"
    return "\n".join([head, *_listing([c.ref for c in found])])


def _refuse_empty_category(store: Store, text: str, category: ConceptRef) -> None:
    rows = store.select(sparql_prologue() + _MEMBERS, {"category": URIRef(category.iri)}).dicts()
    if any(r["own"] is not None and r["own"].to_python() is True for r in rows):
        return
    members = [
        ConceptRef(CONCEPT_PREFIX + str(r["slug"]), str(r["slug"]), str(r["label"]))
        for r in rows
        if r["slug"] is not None
    ]
    head = (
        f"'{text}' is a category, and no claim is about it.\n"
        f"The category {category.label} ({category.slug}) groups {len(members)} concepts — type one:"
    )
    raise QueryError("\n".join([head, *_listing(members)]))


def _missing(text: str, wanted: str, concepts: dict[str, _Names]) -> str:
    names: dict[str, str] = {}
    for concept in concepts.values():
        for level in ("slug", "label", "alt"):
            for name in _level_names(concept, level):
                names.setdefault(name, concept.ref.slug)
    allowed = max(1, len(wanted) // TYPOS_PER_LETTERS)
    close = [
        name
        for name in difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.6)
        if typing_slips(wanted, name) <= allowed
    ][:1]
    lines = [f"no concept called '{text}' — " + did_you_mean(wanted, close, "corpus/concepts.yaml")]
    triples = [(c.ref.slug, c.ref.label, c.alts) for c in concepts.values()]
    refs = {c.ref.slug: c.ref for c in concepts.values()}
    containing = [refs[slug] for slug in search_names(triples, wanted)]
    if containing:
        lines.append(f"concepts whose names contain '{text.strip()}':")
        lines += _listing(containing)
        return "\n".join(lines)
    matcher = ConceptMatcher.from_names(triples)
    ranked = matcher.rank(wanted, n=SUGGESTIONS + 1)
    unknown = [w for w in words(wanted) if not matcher.known(w)]
    if unknown and not close:
        lines.append("no concept's names use " + ", ".join(f"'{w}'" for w in unknown))
    if ranked:
        lines.append(f"concepts sharing words with '{text.strip()}', closest first:")
        lines += _listing([refs[c.slug] for c in ranked])
    return "\n".join(lines)
