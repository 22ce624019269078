"""The controlled vocabulary and the claims, as read from `corpus/`.

Loading checks the form of each file (required fields, allowed values, unique ids);
whether the names a claim uses exist is for `references.check_references`, which
sees the vocabulary and the bibliography together.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from .anchor_files import load_anchors
from .citation_typing import STANCES
from .curation import Curation, read_curation
from .errors import SourceProblem
from .fields import FieldReader, as_mapping
from .project import Project
from .source_files import read_source, read_sources, shown
from .yaml_source import LineDict, load_yaml

if TYPE_CHECKING:
    from .anchor_files import DocumentAnchors

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
    "wording", "count", "kind", "context", "note", "endnote", "lint", "curation", "stance",
)  # fmt: skip
LINT_RULES = (
    "unbalanced-marks", "spans-heading", "spans-table-row", "spans-list",
    "long-quote", "short-quote", "no-label-word",
)  # fmt: skip
"""The quote lint's rules (quote_lint.py) a claim may excuse with `lint: [rule]`; named
here so that a misspelt rule is a build error, not an excuse that silently never applies."""
CONTEXT_KEYS = ("sector", "country", "partnership_type")
DOCUMENT_KEYS = ("document", "curation", "text", "claims")
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
    more_kinds: tuple[str, ...] = ()
    """Evidence kinds after the first of a `kind:` list (literature and interviews, say);
    `kind` stays the principal one that evidence profiles count and sort by."""
    endnotes: tuple[int, ...] = ()
    """The numbers of the endnotes or footnotes through which this document cites the
    asserting works; kept on the claim because one shared work has a different number in
    each document that cites it."""
    lint: tuple[str, ...] = ()
    """Quote-lint rules a curator has checked and excused for this claim (its `note` says
    why); read by `partnergraph lint` only, never compiled into the graph."""
    curation: Curation | None = None
    """Who curated the claim and when: its own `curation:` over its document's."""
    stance: str | None = None
    """What the reviewed document says of the asserting works (agrees, disputes ...): the
    CiTO citation function when the claim states one (citation_typing.py)."""

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
    rejected: tuple[Claim, ...] = ()
    """Claims with a mistake of form, kept only so their names are checked too: one run
    then reports every mistake of a claim, not the first. Never compiled."""
    curation: Curation | None = None


@dataclass(frozen=True)
class Corpus:
    concepts: tuple[Concept, ...]
    documents: tuple[DocumentAnnotations, ...]
    anchors: Mapping[str, DocumentAnchors] = field(default_factory=dict)
    """Where each quote stands in its text (corpus/anchors/), by document key."""

    @property
    def claims(self) -> list[tuple[DocumentAnnotations, Claim]]:
        return [(d, c) for d in self.documents for c in d.claims]


def _top_list(
    data: object, key: str, item: str, shown_as: str, problems: list[SourceProblem]
) -> list[LineDict]:
    """The list under a top-level key, each item a mapping; anything else is a problem,
    reported where the key stands when it does (a mapping of claims, say)."""
    top = as_mapping(data)
    fix = f"write each item as a '- {item}' line and its fields below it (see docs/schema.md)"
    if top is None or key not in top:
        problems.append(SourceProblem(shown_as, 1, f"expected a top-level '{key}:' list", fix))
        return []
    if not isinstance(top[key], list):
        value = top[key]
        kind = "a mapping" if isinstance(value, dict) else "empty" if value is None else repr(str(value)[:40])
        problems.append(SourceProblem(shown_as, top.line_of(key), f"'{key}' must be a list, not {kind}", fix))
        return []
    items: list[LineDict] = []
    for index, value in enumerate(top[key]):
        if as_mapping(value) is None:
            message = f"item {index + 1} of '{key}' is not a mapping"
            problems.append(SourceProblem(shown_as, top.line_of(key), message, fix))
        else:
            items.append(value)
    return items


def _read_concept(item: LineDict, shown_as: str, problems: list[SourceProblem]) -> Concept | None:
    slug_value = item.get("slug")
    what = f"concept '{slug_value}'" if slug_value else "concept"
    f = FieldReader(item, shown_as, what, CONCEPT_KEYS, problems)
    # Every field is read before deciding, so each mistake of the entry is reported.
    concept = Concept(
        slug=f.text("slug", required=True) or "",
        cls=f.choice("class", CONCEPT_CLASSES, required=True) or "",
        label=f.text("label", required=True) or "",
        alt=f.text_list("alt"),
        definition=f.text("definition"),
        definition_source=f.text("definition_source"),
        broader=f.text_list("broader"),
        counterpart=f.text("counterpart"),
        proposed_by=f.text_list("proposed_by"),
        note=f.text("note"),
        origin=Origin(shown_as, item.line),
    )
    if concept.slug and not SLUG.match(concept.slug):
        f.problem("slug", f"slug '{concept.slug}' is not lowercase-with-hyphens", "e.g. 'lack-of-trust'")
        return None
    return concept if concept.slug and concept.cls and concept.label else None


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


def load_concepts(text: str, shown_as: str, problems: list[SourceProblem]) -> list[Concept]:
    data, yaml_problems = load_yaml(text, shown_as)
    problems += yaml_problems
    if yaml_problems:
        return []
    items = _top_list(data, "concepts", "slug: ...", shown_as, problems)
    return _read_unique(
        items, _read_concept, lambda c: c.slug, "concept slug",
        "merge the two entries or give one another slug", shown_as, problems,
    )  # fmt: skip


def _endnotes(f: FieldReader) -> tuple[int, ...]:
    """`endnote: 4` or `endnote: [2, 3]`: note numbers start at 1, so 0 is a typo too."""
    value = f.mapping.get("endnote")
    if value is None:
        return ()
    numbers = value if isinstance(value, list) else [value]
    if not numbers or any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in numbers):
        f.problem(
            "endnote",
            f"'endnote' must be a positive whole number or a list of them, not {reprlib.repr(value)}",
            "write the note's number as printed, e.g. endnote: 4 or endnote: [2, 3]",
        )
        return ()
    return tuple(numbers)


def _read_claim(
    item: LineDict,
    shown_as: str,
    problems: list[SourceProblem],
    rejected: list[Claim],
    curation: Curation | None = None,
) -> Claim | None:
    """The claim, or None with its problems reported; every field is read first, so a
    claim with two mistakes shows both, and a rejected claim goes to `rejected` so that
    the names it uses are checked as well."""
    before = len(problems)
    what = f"claim {item.get('id')}" if item.get("id") else "claim"
    f = FieldReader(item, shown_as, what, CLAIM_KEYS, problems)
    context = f.mapping_field("context")
    sectors: tuple[str, ...] = ()
    country = partnership_type = None
    if context is not None:
        c = FieldReader(context, shown_as, f"{what} context", CONTEXT_KEYS, problems)
        sectors, country = c.text_list("sector"), c.text("country")
        partnership_type = c.text("partnership_type")
    kinds = f.choice_list("kind", EVIDENCE_KINDS)
    own_curation = f.mapping_field("curation")
    if own_curation is not None:
        curation = read_curation(own_curation, shown_as, what, problems).over(curation)
    claim = Claim(
        id=f.text("id", required=True) or "",
        concept=f.text("concept", required=True) or "",
        polarity=f.choice("polarity", POLARITIES, required=True) or "",
        asserted_by=f.text_list("asserted_by"),
        via=f.text_list("via"),
        quote=f.text("quote", required=True) or "",
        section=f.text("section"),
        pages=f.text("pages"),
        wording=f.text("wording"),
        count=f.integer("count"),
        kind=kinds[0] if kinds else None,
        sectors=sectors,
        country=country,
        partnership_type=partnership_type,
        note=f.text("note"),
        origin=Origin(shown_as, item.line),
        key_lines=dict(item.key_lines),
        more_kinds=kinds[1:],
        endnotes=_endnotes(f),
        lint=f.choice_list("lint", LINT_RULES),
        curation=curation,
        stance=f.choice("stance", STANCES),
    )
    if claim.stance and not claim.asserted_by:
        f.problem(
            "stance",
            "a stance is towards the works asserting the claim",
            "add 'asserted_by', or drop 'stance'",
        )
    if claim.id and not CLAIM_ID.match(claim.id):
        f.problem("id", f"claim id '{claim.id}' has characters an IRI cannot carry", "use c001")
    if len(problems) > before:
        rejected.append(claim)
        return None
    return claim


def load_document(text: str, shown_as: str, problems: list[SourceProblem]) -> DocumentAnnotations | None:
    data, yaml_problems = load_yaml(text, shown_as)
    problems += yaml_problems
    top = as_mapping(data)
    if yaml_problems:
        return None
    if top is None:
        problems.append(SourceProblem(shown_as, 1, "expected a mapping", "see docs/schema.md"))
        return None
    f = FieldReader(top, shown_as, "document file", DOCUMENT_KEYS, problems)
    document = f.text("document", required=True)
    text_field = f.mapping_field("text")
    text_file = text_sha = None
    if text_field is not None:
        t = FieldReader(text_field, shown_as, "text", TEXT_KEYS, problems)
        text_file, text_sha = t.text("file"), t.text("sha256")
    curation_field = f.mapping_field("curation")
    curation = read_curation(curation_field, shown_as, "document", problems) if curation_field else None
    rejected: list[Claim] = []
    claims = _read_unique(
        _top_list(top, "claims", "id: c001", shown_as, problems),
        lambda item, where, found: _read_claim(item, where, found, rejected, curation), lambda c: c.id,
        "claim id", "give each claim in a file its own id", shown_as, problems,
    )  # fmt: skip
    if document is None:
        return None
    origin = Origin(shown_as, top.line)
    return DocumentAnnotations(
        document, text_file, text_sha, tuple(claims), origin, tuple(rejected), curation
    )


def _refuse_yml(project: Project, problems: list[SourceProblem]) -> None:
    """`.yml` files would be skipped by the `*.yaml` glob, and their claims lost unseen."""
    if not project.documents_dir.is_dir():
        return
    for path in sorted(project.documents_dir.glob("*.yml")):
        problems.append(
            SourceProblem(
                shown(path, project),
                None,
                "only .yaml files are read, so this file's claims would be left out",
                f"rename it to {path.stem}.yaml",
            )
        )


def load_corpus(project: Project, problems: list[SourceProblem]) -> Corpus:
    """Every concept and document file of the project; problems are appended, not raised."""
    concepts_path = project.concepts_file
    concepts: list[Concept] = []
    if not concepts_path.exists() and not concepts_path.is_symlink():
        spelt_yml = concepts_path.with_suffix(".yml").exists()
        fix = (
            f"rename {concepts_path.stem}.yml to {concepts_path.name}"
            if spelt_yml
            else "create the vocabulary file"
        )
        problems.append(SourceProblem(shown(concepts_path, project), None, "file not found", fix))
    else:
        text = read_source(concepts_path, project, problems)
        if text is not None:
            concepts = load_concepts(text, shown(concepts_path, project), problems)
    _refuse_yml(project, problems)
    documents: list[DocumentAnnotations] = []
    by_key: dict[str, DocumentAnnotations] = {}
    files = read_sources(
        project.documents_dir, ".yaml", project, problems,
        missing_fix="create it and put one YAML file per reviewed document there",
    )  # fmt: skip
    for shown_as, text in files:
        doc = load_document(text, shown_as, problems)
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
    return Corpus(tuple(concepts), tuple(documents), load_anchors(project, problems))
