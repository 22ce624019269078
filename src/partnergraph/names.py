"""What a person reads instead of a cite key: short citations, short titles, plurals.

Cite keys and slugs are for scripts and Pandoc; wherever a researcher reads, the
tool shows "Wallace, 2010" (or, for a work with no author, its short title), the
way a journal's in-text citation does. One function per rule, used by every reader
(terminal, summaries, explorer, gap map, graph view), so they never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal

from .claim_joins import part
from .namespaces import sparql_prologue
from .stores import Store

SHORT_TITLE_WORDS = 5


def class_name(cls: str) -> str:
    """'PartnershipType' -> 'Partnership type': an ontology class as a heading reads."""
    words = re.findall(r"[A-Z][a-z]*|[a-z]+", cls)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else cls


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 work', '28 works', '2 reviewed documents' — never 'work(s)'."""
    if count == 1:
        return f"{count} {singular}"
    if plural_form is None:
        head, _, last = singular.rpartition(" ")
        last = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else last + "s"
        plural_form = f"{head} {last}" if head else last
    return f"{count} {plural_form}"


def author_surnames(authors: str | None) -> str | None:
    """'Cairns, B. and Harris, J. and others' -> 'Cairns et al.'; 'Lewicki and others'
    -> 'Lewicki et al.' (the source named only the first author); corporate names whole."""
    if not authors:
        return None
    names = [n.strip() for n in re.split(r"\s+and\s+", authors) if n.strip()]
    others = any(n.lower() == "others" for n in names)
    surnames = [n.split(",")[0].strip() if "," in n else n for n in names if n.lower() != "others"]
    if not surnames:
        return None
    if len(surnames) >= 3 or others:
        return f"{surnames[0]} et al."
    return " and ".join(surnames)


def short_title(title: str | None, words: int = SHORT_TITLE_WORDS) -> str | None:
    """A title as APA cites an authorless work: the part before any colon, cut to a few
    words with an ellipsis."""
    if not title:
        return None
    head = title.split(":", 1)[0].strip()
    parts = head.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def short_citation(
    authors: str | None, year: str | None, title: str | None = None, key: str | None = None
) -> str:
    """'Wallace, 2010'; 'Cairns et al., n.d.'; an authorless work by its short title
    ('Local Cross-Sector Partnerships, n.d.'); the key only when nothing else is known."""
    who = author_surnames(authors) or short_title(title) or key or "unknown work"
    return f"{who}, {year[:4] if year else 'n.d.'}"


@dataclass(frozen=True)
class WorkName:
    key: str
    citation: str
    """'Wallace, 2010': the short citation shown wherever a person reads."""
    title: str | None
    reviewed: bool


_WORKS = """
SELECT ?citeKey (SAMPLE(?a) AS ?authors) (SAMPLE(?y) AS ?year) (SAMPLE(?t) AS ?title)
       (SAMPLE(?r) AS ?reviewed) WHERE {
  %s
  %s
  OPTIONAL { ?work a pg:ReviewedDocument . BIND(true AS ?r) }
} GROUP BY ?citeKey"""
_EVERY_WORK = "?work a pg:Work ; pg:citeKey ?citeKey ."
_THESE_WORKS = (
    "{ SELECT ?work ?citeKey WHERE { VALUES ?citeKey { %s } ?work pg:citeKey ?citeKey } } ?work a pg:Work ."
)
"""The keys in a subquery of their own: beside the OPTIONALs, Oxigraph compared every key with
every work (at 100,000 claims 1,000 keys took 0.9 s of CPU and 10,000 took 7 s; here 0.08 and 0.75 s)."""
_FIELDS = ("?work pg:authors ?a", "?work dcterms:issued ?y", "?work dcterms:title ?t")
"""Optional. For every work, each written as the store evaluates it fast (claim_joins.py): 20,000
works at 100,000 claims; for the works asked for, looked up work by work."""


def work_names(store: Store, keys: Iterable[str] | None = None) -> dict[str, WorkName]:
    """Every work's short citation by cite key, in one query; with `keys`, only those
    works' (one concept's evidence names a few hundred of 20,000 works at 100,000 claims)."""
    names = {}
    if keys is None:
        query = _WORKS % (_EVERY_WORK, " ".join(part(store, field, optional=True) for field in _FIELDS))
    else:
        keys = list(keys)
        if not keys:  # an empty VALUES block: rdflib fails on it, and nothing would match
            return {}
        values = " ".join(Literal(key).n3() for key in keys)
        query = _WORKS % (_THESE_WORKS % values, " ".join(f"OPTIONAL {{ {field} }}" for field in _FIELDS))
    for row in store.select(sparql_prologue() + query).dicts():
        key = str(row["citeKey"])
        authors, year, title = (optional_text(row[v]) for v in ("authors", "year", "title"))
        citation = short_citation(authors, year, title, key)
        names[key] = WorkName(key, citation, title, row["reviewed"] is not None)
    return names


def optional_text(term: object | None) -> str | None:
    """A query cell as text, or None where the OPTIONAL left it unbound."""
    return str(term) if term is not None else None


_CONCEPT_LABELS = (
    "SELECT ?concept (SAMPLE(?l) AS ?label) WHERE { ?concept skos:prefLabel ?l } GROUP BY ?concept"
)


def reader_names(store: Store, works: dict[str, WorkName] | None = None) -> dict[str, str]:
    """What a results table shows in place of an identifier: a work's short citation
    (for its IRI or its cite key) and a concept's label (for its IRI)."""
    from .namespaces import work_iri

    shown = {
        str(row["concept"]): str(row["label"])
        for row in store.select(sparql_prologue() + _CONCEPT_LABELS).dicts()
    }
    for key, name in (works if works is not None else work_names(store)).items():
        shown[key] = shown[str(work_iri(key))] = name.citation
    return shown
