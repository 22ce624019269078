"""The controlled vocabulary and the claims, as read from `corpus/`.

Loading checks the form of each file (required fields, allowed values, unique ids);
whether the names a claim uses exist is for `references.check_references`, which
sees the vocabulary and the bibliography together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import SourceProblem
from .fields import FieldReader, as_mapping
from .project import Project
from .yaml_source import LineDict, load_yaml

CONCEPT_CLASSES = (
    "SuccessFactor",
    "Barrier",
    "Theory",
    "PartnershipType",
    "Benefit",
    "Driver",
    "SupportNeed",
    "Principle",
    "Outcome",
    "Risk",
    "Assumption",
    "Category",
)
POLARITIES = {"enables": "Enables", "hinders": "Hinders", "neutral": "Neutral", "mixed": "Mixed"}
EVIDENCE_KINDS = {
    "empirical-study": "EmpiricalStudy",
    "review": "Review",
    "practice-guidance": "PracticeGuidance",
    "participant-testimony": "ParticipantTestimony",
    "theory": "TheoryEvidence",
    "author-analysis": "AuthorAnalysis",
}
T = TypeVar("T")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLAIM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

CONCEPT_KEYS = (
    "slug", "class", "label", "alt", "definition", "definition_source",
    "broader", "counterpart", "proposed_by", "note",
)  # fmt: skip
CLAIM_KEYS = (
    "id", "concept", "polarity", "asserted_by", "via", "quote", "section", "pages",
    "wording", "count", "kind", "context", "note",
)  # fmt: skip
CONTEXT_KEYS = ("sector", "country", "partnership_type")
DOCUMENT_KEYS = ("document", "text", "claims")
TEXT_KEYS = ("file", "sha256")


@dataclass(frozen=True)
class Origin:
    """Where a record was written, for every later message about it."""

    path: str
    line: int


@dataclass(frozen=True)
class Concept:
    slug: str
    cls: str
    label: str
    alt: tuple[str, ...]
    definition: str | None
    definition_source: str | None
    broader: tuple[str, ...]
    counterpart: str | None
    proposed_by: tuple[str, ...]
    note: str | None
    origin: Origin


@dataclass(frozen=True)
class Claim:
    id: str
    concept: str
    polarity: str
    asserted_by: tuple[str, ...]
    via: tuple[str, ...]
    quote: str
    section: str | None
    pages: str | None
    wording: str | None
    count: int | None
    kind: str | None
    sectors: tuple[str, ...]
    country: str | None
    partnership_type: str | None
    note: str | None
    origin: Origin
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.origin.line)


@dataclass(frozen=True)
class DocumentAnnotations:
    """One reviewed document's file: the document's cite key and the claims read in it."""

    document: str
    text_file: str | None
    text_sha256: str | None
    claims: tuple[Claim, ...]
    origin: Origin


@dataclass(frozen=True)
class Corpus:
    concepts: tuple[Concept, ...]
    documents: tuple[DocumentAnnotations, ...]

    @property
    def claims(self) -> list[tuple[DocumentAnnotations, Claim]]:
        return [(d, c) for d in self.documents for c in d.claims]


def _top_list(data: object, key: str, shown_as: str, problems: list[SourceProblem]) -> list[LineDict]:
    """The list under a top-level key, each item a mapping; anything else is a problem."""
    top = as_mapping(data)
    if top is None or not isinstance(top.get(key), list):
        problems.append(
            SourceProblem(shown_as, 1, f"expected a top-level '{key}:' list", "see docs/schema.md")
        )
        return []
    items: list[LineDict] = []
    for index, item in enumerate(top[key]):
        if as_mapping(item) is None:
            problems.append(
                SourceProblem(
                    shown_as,
                    top.line_of(key),
                    f"item {index + 1} of '{key}' is not a mapping",
                    "write each item as '- field: value' lines",
                )
            )
        else:
            items.append(item)
    return items


def _read_concept(item: LineDict, shown_as: str, problems: list[SourceProblem]) -> Concept | None:
    slug_value = item.get("slug")
    what = f"concept '{slug_value}'" if slug_value else "concept"
    f = FieldReader(item, shown_as, what, CONCEPT_KEYS, problems)
    slug = f.text("slug", required=True)
    cls = f.choice("class", CONCEPT_CLASSES, required=True)
    label = f.text("label", required=True)
    if slug and not SLUG.match(slug):
        f.problem("slug", f"slug '{slug}' is not lowercase-with-hyphens", "e.g. 'lack-of-trust'")
        return None
    if not (slug and cls and label):
        return None
    return Concept(
        slug=slug,
        cls=cls,
        label=label,
        alt=f.text_list("alt"),
        definition=f.text("definition"),
        definition_source=f.text("definition_source"),
        broader=f.text_list("broader"),
        counterpart=f.text("counterpart"),
        proposed_by=f.text_list("proposed_by"),
        note=f.text("note"),
        origin=Origin(shown_as, item.line),
    )


def _read_unique(
    items: list[LineDict],
    read: Callable[[LineDict, str, list[SourceProblem]], T | None],
    key: Callable[[T], str],
    what: str,
    fix: str,
    shown_as: str,
    problems: list[SourceProblem],
) -> list[T]:
    """Read each item; a record whose key an earlier one already has is a problem."""
    records: list[T] = []
    first_line: dict[str, int] = {}
    for item in items:
        record = read(item, shown_as, problems)
        if record is None:
            continue
        name = key(record)
        if name in first_line:
            problems.append(
                SourceProblem(
                    shown_as,
                    item.line,
                    f"duplicate {what} '{name}' (first at line {first_line[name]})",
                    fix,
                )
            )
            continue
        first_line[name] = item.line
        records.append(record)
    return records


def load_concepts(path: Path, shown_as: str, problems: list[SourceProblem]) -> list[Concept]:
    data, yaml_problems = load_yaml(path, shown_as)
    problems += yaml_problems
    if yaml_problems:
        return []
    items = _top_list(data, "concepts", shown_as, problems)
    return _read_unique(
        items, _read_concept, lambda c: c.slug, "concept slug",
        "merge the two entries or give one another slug", shown_as, problems,
    )  # fmt: skip


def _read_claim(item: LineDict, shown_as: str, problems: list[SourceProblem]) -> Claim | None:
    what = f"claim {item.get('id')}" if item.get("id") else "claim"
    f = FieldReader(item, shown_as, what, CLAIM_KEYS, problems)
    claim_id = f.text("id", required=True)
    concept = f.text("concept", required=True)
    polarity = f.choice("polarity", POLARITIES, required=True)
    quote = f.text("quote", required=True)
    kind = f.choice("kind", EVIDENCE_KINDS)
    context = f.mapping_field("context")
    sectors: tuple[str, ...] = ()
    country = partnership_type = None
    if context is not None:
        c = FieldReader(context, shown_as, f"{what} context", CONTEXT_KEYS, problems)
        sectors, country = c.text_list("sector"), c.text("country")
        partnership_type = c.text("partnership_type")
    if claim_id and not CLAIM_ID.match(claim_id):
        f.problem("id", f"claim id '{claim_id}' has characters an IRI cannot carry", "use c001")
        return None
    if not (claim_id and concept and polarity and quote):
        return None
    return Claim(
        id=claim_id,
        concept=concept,
        polarity=polarity,
        asserted_by=f.text_list("asserted_by"),
        via=f.text_list("via"),
        quote=quote,
        section=f.text("section"),
        pages=f.text("pages"),
        wording=f.text("wording"),
        count=f.integer("count"),
        kind=kind,
        sectors=sectors,
        country=country,
        partnership_type=partnership_type,
        note=f.text("note"),
        origin=Origin(shown_as, item.line),
        key_lines=dict(item.key_lines),
    )


def load_document(path: Path, shown_as: str, problems: list[SourceProblem]) -> DocumentAnnotations | None:
    data, yaml_problems = load_yaml(path, shown_as)
    problems += yaml_problems
    top = as_mapping(data)
    if yaml_problems:
        return None
    if top is None:
        problems.append(SourceProblem(shown_as, 1, "expected a mapping", "see docs/schema.md"))
        return None
    f = FieldReader(top, shown_as, "document file", DOCUMENT_KEYS, problems)
    document = f.text("document", required=True)
    text = f.mapping_field("text")
    text_file = text_sha = None
    if text is not None:
        t = FieldReader(text, shown_as, "text", TEXT_KEYS, problems)
        text_file, text_sha = t.text("file"), t.text("sha256")
    claims = _read_unique(
        _top_list(top, "claims", shown_as, problems), _read_claim, lambda c: c.id,
        "claim id", "give each claim in a file its own id", shown_as, problems,
    )  # fmt: skip
    if document is None:
        return None
    return DocumentAnnotations(document, text_file, text_sha, tuple(claims), Origin(shown_as, top.line))


def load_corpus(project: Project, problems: list[SourceProblem]) -> Corpus:
    """Every concept and document file of the project; problems are appended, not raised."""
    concepts_path = project.concepts_file
    shown = project.relative(concepts_path)
    if not concepts_path.is_file():
        problems.append(SourceProblem(shown, None, "file not found", "create the vocabulary file"))
        concepts: list[Concept] = []
    else:
        concepts = load_concepts(concepts_path, shown, problems)
    documents: list[DocumentAnnotations] = []
    by_key: dict[str, DocumentAnnotations] = {}
    for path in sorted(project.documents_dir.glob("*.yaml")):
        doc = load_document(path, project.relative(path), problems)
        if doc is None:
            continue
        if doc.document in by_key:
            first = by_key[doc.document].origin.path
            problems.append(
                SourceProblem(
                    doc.origin.path,
                    doc.origin.line,
                    f"document '{doc.document}' is already annotated in {first}",
                    "keep one file per reviewed document",
                )
            )
            continue
        by_key[doc.document] = doc
        documents.append(doc)
    return Corpus(tuple(concepts), tuple(documents))
