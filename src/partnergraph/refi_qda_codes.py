"""The concept vocabulary as REFI-QDA codes: one tree a QDA tool can show and code with.

A QDA codebook is a tree, each code in it once, while SKOS lets a concept have several
broader concepts. The tree therefore hangs each concept under its first broader concept
(by IRI) or, without one, under a folder for its class; the class folders are not
codable. Every concept's class is kept as a code set as well, since a success factor
filed under a Mattessich category no longer sits in the success-factor folder, and a
concept's Description names all its broader concepts.

A code's GUID is the UUID 5 of its IRI in the URL namespace: anyone can derive it from
the graph, and it stays the same across builds and exports, so codings made in a QDA
tool can be matched back to the concepts they used.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from rdflib import URIRef

from .errors import PartnergraphError
from .namespaces import PG, sparql_prologue
from .stores import Store

_CONCEPTS = """
SELECT ?concept ?label ?class ?classLabel ?classDefinition ?definition ?scope ?broader WHERE {
  ?concept skos:inScheme id:scheme ; skos:prefLabel ?label ; a ?class .
  ?class rdfs:subClassOf skos:Concept .
  OPTIONAL { ?class rdfs:label ?classLabel }
  OPTIONAL { ?class skos:definition ?classDefinition }
  OPTIONAL { ?concept skos:definition ?definition }
  OPTIONAL { ?concept skos:scopeNote ?scope }
  OPTIONAL { ?concept skos:broader ?broader }
}
"""

_PALETTE = ("#2E7D32", "#C62828", "#1565C0", "#6A1B9A", "#EF6C00", "#00838F", "#AD1457", "#558B2F", "#4E342E")
"""Colours given to the class folders and their codes in class order (a QDA tool
shows a code's colour beside every segment coded with it)."""


def guid(iri: str) -> str:
    """The REFI-QDA GUID of a graph resource: deterministic, and derivable from its IRI."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


@dataclass
class Code:
    iri: str
    name: str
    description: str
    codable: bool
    color: str | None = None
    children: list[Code] = field(default_factory=list)

    @property
    def guid(self) -> str:
        return guid(self.iri)


@dataclass(frozen=True)
class CodeSet:
    iri: str
    name: str
    description: str
    members: tuple[str, ...]
    """The member codes' GUIDs."""

    @property
    def guid(self) -> str:
        return guid(self.iri)


@dataclass(frozen=True)
class Codebook:
    roots: list[Code]
    sets: list[CodeSet]

    def walk(self) -> list[Code]:
        """Every code, parents before their children."""
        out: list[Code] = []
        stack = list(reversed(self.roots))
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(code.children))
        return out


@dataclass
class _Concept:
    label: str
    classes: dict[str, str] = field(default_factory=dict)
    definitions: set[str] = field(default_factory=set)
    scopes: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)


def concept_codebook(store: Store) -> Codebook:
    """The scheme's concepts as codes under their broader concepts and class folders.

    Only asserted triples are read, so the export is the same whether or not
    `reason` has run since the build."""
    concepts: dict[str, _Concept] = {}
    class_definitions: dict[str, str] = {}
    for row in store.select(sparql_prologue() + _CONCEPTS, include_inferred=False).dicts():
        entry = concepts.setdefault(str(row["concept"]), _Concept(str(row["label"])))
        cls = str(row["class"])
        entry.classes[cls] = (
            str(row["classLabel"]).capitalize() if row["classLabel"] else cls.rsplit("#", 1)[-1]
        )
        for key, values in (
            ("definition", entry.definitions),
            ("scope", entry.scopes),
            ("broader", entry.broader),
        ):
            if row[key] is not None:
                values.add(str(row[key]))
        if row["classDefinition"] is not None:
            class_definitions[str(row["class"])] = str(row["classDefinition"])
    if not concepts:
        raise PartnergraphError(
            "the graph holds no concepts of the vocabulary (corpus/concepts.yaml) to write as codes "
            "— run `partnergraph build` first, or check --store"
        )
    class_of = {iri: min(entry.classes) for iri, entry in concepts.items()}
    class_names = {cls: name for entry in concepts.values() for cls, name in entry.classes.items()}
    order = sorted(set(class_of.values()), key=lambda cls: (class_names[cls].casefold(), cls))
    colours = {cls: _PALETTE[i % len(_PALETTE)] for i, cls in enumerate(order)}
    folders = {
        cls: Code(
            cls,
            class_names[cls],
            _folder_description(cls, class_definitions),
            codable=False,
            color=colours[cls],
        )
        for cls in order
    }
    names = _unique_names(concepts, class_of, class_names)
    codes = {
        iri: Code(iri, names[iri], _description(iri, entry, concepts), True, colours[class_of[iri]])
        for iri, entry in concepts.items()
    }
    by_label = sorted(concepts, key=lambda i: (concepts[i].label.casefold(), i))
    for iri in by_label:
        parents = sorted(b for b in concepts[iri].broader if b in codes)
        parent = codes[parents[0]] if parents else folders[class_of[iri]]
        parent.children.append(codes[iri])
    sets = [
        CodeSet(
            f"{cls}#refi-qda-set",
            f"Class: {class_names[cls]}",
            f"Every concept typed {cls}, wherever the code tree files it.",
            tuple(
                codes[iri].guid
                for iri in sorted(concepts, key=lambda i: concepts[i].label.casefold())
                if class_of[iri] == cls
            ),
        )
        for cls in order
    ]
    return Codebook([folders[cls] for cls in order], sets)


_VALUES = """
SELECT ?value ?label ?definition WHERE {
  ?value a ?kind ; rdfs:label ?label .
  OPTIONAL { ?value skos:definition ?definition }
}
"""

CLAIM_ATTRIBUTES = ((str(PG.Polarity), "Polarity"), (str(PG.EvidenceKind), "Evidence kind"))
"""The claim attributes a project also codes with, so that a QDA tool's matrix or
co-occurrence query can cross them with the concepts (hindering claims about trust)."""


def claim_attribute_codes(store: Store) -> list[Code]:
    """A folder per claim attribute with a code per value ("Polarity: hinders"): the
    prefix keeps them apart from concepts and classes of the same name (theory)."""
    folders = []
    for cls, name in CLAIM_ATTRIBUTES:
        rows = store.select(
            sparql_prologue() + _VALUES, {"kind": URIRef(cls)}, include_inferred=False
        ).dicts()
        values: dict[str, tuple[str, str | None]] = {}
        for row in sorted(rows, key=lambda r: (str(r["value"]), str(r["label"]), str(r["definition"] or ""))):
            values.setdefault(str(row["value"]), (str(row["label"]), str(row["definition"] or "") or None))
        children = [
            Code(
                iri,
                f"{name}: {label}",
                "\n\n".join([*([definition] if definition else []), f"Value: {iri}"]),
                True,
            )
            for iri, (label, definition) in sorted(values.items(), key=lambda item: (item[1][0], item[0]))
        ]
        if children:
            description = f"The claims' {name.lower()} ({cls}), coded beside their concept."
            folders.append(Code(cls, name, description, codable=False, children=children))
    return folders


def _unique_names(
    concepts: dict[str, _Concept], class_of: dict[str, str], class_names: dict[str, str]
) -> dict[str, str]:
    """Each concept's label, with its class (then its IRI) added where a label is shared.

    QDA tools name codes uniquely: QualCoder, for one, merges two codes of the same name
    on import, which would pool the evidence of two concepts."""
    taken = Counter(
        [*(e.label.casefold() for e in concepts.values()), *(n.casefold() for n in class_names.values())]
    )
    names = {
        iri: e.label
        if taken[e.label.casefold()] == 1
        else f"{e.label} ({class_names[class_of[iri]].lower()})"
        for iri, e in concepts.items()
    }
    again = Counter(name.casefold() for name in names.values())
    return {iri: name if again[name.casefold()] == 1 else f"{name} <{iri}>" for iri, name in names.items()}


def _description(iri: str, entry: _Concept, concepts: dict[str, _Concept]) -> str:
    """What a coder needs to apply the code as the vocabulary means it, and its IRI to find it again."""
    parts = sorted(entry.definitions) + [f"Scope note: {note}" for note in sorted(entry.scopes)]
    if entry.broader:
        names = sorted(concepts[b].label if b in concepts else b for b in entry.broader)
        parts.append("Broader: " + "; ".join(names))
    parts.append(f"Concept: {iri}")
    return "\n\n".join(parts)


def _folder_description(cls: str, definitions: dict[str, str]) -> str:
    return "\n\n".join([*([definitions[cls]] if cls in definitions else []), f"Class: {cls}"])
