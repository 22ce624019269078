"""The drafts file of an ingested document, and the curator's decisions on it.

`ingest` writes `corpus/drafts/KEY.yaml`: one draft per sentence that seems to carry a
finding, with ranked candidate concepts. The build never reads that folder, so nothing
in it reaches the graph; `review` turns the drafts a curator accepts into claims of
`corpus/documents/KEY.yaml` in the corpus's own format and records each decision in
the drafts file, so a review can stop and resume where it stopped.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .build import write_atomically
from .corpus import load_document
from .errors import PartnergraphError, SourceProblem
from .project import Project

DRAFT_HEADER = (
    "# Draft claims written by `partnergraph ingest`: NOT part of the graph.\n"
    "# Review them with `partnergraph review {key}`; accepted claims go to corpus/documents/{key}.yaml.\n"
)
DOCUMENT_HEADER = "# One claim per finding read in the reviewed document; see docs/schema.md.\n"
REJECT, MERGE = "reject", "merge"
_SPACE = re.compile(r"\s+")


def drafts_dir(project: Project) -> Path:
    return project.root / "corpus" / "drafts"


def drafts_file(project: Project, key: str) -> Path:
    return drafts_dir(project) / f"{key}.yaml"


def document_file(project: Project, key: str) -> Path:
    return project.documents_dir / f"{key}.yaml"


@dataclass(frozen=True)
class Option:
    """A candidate concept for a draft, with the polarity the sentence gives it."""

    concept: str
    score: float
    matched: tuple[str, ...]
    polarity: str


@dataclass(frozen=True)
class Draft:
    id: str
    start: int
    end: int
    quote: str
    section: str | None
    options: tuple[Option, ...]
    kind: str | None
    asserted_by: tuple[str, ...]
    decision: str | None = None
    """None until reviewed; then 'reject', 'merge', or the accepted slugs joined by ','."""
    claims: tuple[str, ...] = ()
    """Ids of the claims the decision wrote, so a later review does not write them again."""
    notes: tuple[int, ...] = ()
    """Numbers of the endnotes the sentence cites its works through; accepted claims keep them."""


@dataclass(frozen=True)
class DraftsFile:
    document: str
    text_file: str
    text_sha256: str
    made_by: str
    drafts: tuple[Draft, ...]
    works_added: tuple[str, ...] = field(default=())


def fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _draft_to_yaml(draft: Draft) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in asdict(draft).items() if v not in (None, (), [])}
    data["options"] = [
        {"concept": o.concept, "score": round(o.score, 3), "matched": list(o.matched), "polarity": o.polarity}
        for o in draft.options
    ]
    for name in ("asserted_by", "claims", "notes"):
        if name in data:
            data[name] = list(data[name])
    return data


def dump_drafts(drafts: DraftsFile) -> str:
    body = {
        "status": "draft",
        "document": drafts.document,
        "text": {"file": drafts.text_file, "sha256": drafts.text_sha256},
        "made_by": drafts.made_by,
        "works_added": list(drafts.works_added),
        "drafts": [_draft_to_yaml(d) for d in drafts.drafts],
    }
    dumped = yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100_000)
    return DRAFT_HEADER.format(key=drafts.document) + dumped


def write_drafts(path: Path, drafts: DraftsFile) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, dump_drafts(drafts).encode("utf-8"))


def read_drafts(path: Path) -> DraftsFile:
    if not path.is_file():
        raise PartnergraphError(f"no drafts at {path} — run partnergraph ingest FILE --key KEY first")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("status") != "draft":
        raise PartnergraphError(f"{path} is not a drafts file written by partnergraph ingest")
    drafts = tuple(
        Draft(
            id=str(d["id"]),
            start=int(d["start"]),
            end=int(d["end"]),
            quote=str(d["quote"]),
            section=d.get("section"),
            options=tuple(
                Option(
                    str(o["concept"]), float(o["score"]), tuple(o.get("matched") or ()), str(o["polarity"])
                )
                for o in d.get("options") or ()
            ),
            kind=d.get("kind"),
            asserted_by=tuple(d.get("asserted_by") or ()),
            decision=d.get("decision"),
            claims=tuple(d.get("claims") or ()),
            notes=tuple(int(n) for n in d.get("notes") or ()),
        )
        for d in data.get("drafts") or ()
    )
    text = data.get("text") or {}
    return DraftsFile(
        str(data["document"]), str(text.get("file")), str(text.get("sha256")), str(data.get("made_by")),
        drafts, tuple(data.get("works_added") or ()),
    )  # fmt: skip


@dataclass
class NewClaim:
    """A claim being written by this review; merging widens its quote to the later sentence."""

    id: str
    concept: str
    polarity: str
    asserted_by: list[str]
    start: int
    end: int
    section: str | None
    kind: str | None
    notes: list[int] = field(default_factory=list)
    curation: dict[str, Any] = field(default_factory=dict)
    """The draft it was accepted from, the tool that drafted it and the day of the review
    (docs/schema.md, curation): the build tells such claims from hand-curated ones."""

    def as_yaml(self, text: str) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "concept": self.concept, "polarity": self.polarity}
        if self.asserted_by:
            data["asserted_by"] = self.asserted_by
        data["quote"] = fold(text[self.start : self.end])
        if self.section:
            data["section"] = self.section
        if self.kind:
            data["kind"] = self.kind
        if self.notes:
            data["endnote"] = self.notes[0] if len(self.notes) == 1 else self.notes
        if self.curation:
            data["curation"] = dict(self.curation)
        return data


def polarity_for(draft: Draft, slug: str, fallback: str) -> str:
    """The polarity proposed with the chosen concept, or `fallback` for a slug typed in."""
    return next((o.polarity for o in draft.options if o.concept == slug), fallback)


def existing_ids(project: Project, key: str) -> set[str]:
    path = document_file(project, key)
    if not path.is_file():
        return set()
    problems: list[SourceProblem] = []
    doc = load_document(path.read_text(encoding="utf-8"), project.relative(path), problems)
    if problems or doc is None:
        raise PartnergraphError(f"{project.relative(path)} has errors; fix them (partnergraph build) first")
    return {c.id for c in doc.claims + doc.rejected}


class Review:
    """Applies decisions draft by draft; `finish` writes the claims and the decisions."""

    def __init__(self, project: Project, key: str) -> None:
        self.project, self.key = project, key
        self.drafts = read_drafts(drafts_file(project, key))
        self.text = (project.root / "texts" / self.drafts.text_file).read_text(encoding="utf-8")
        self.taken = existing_ids(project, key)
        self.new: list[NewClaim] = []
        self.decided: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.day = datetime.date.today()  # when the curator accepted: written into the file, read by builds

    @property
    def pending(self) -> list[Draft]:
        return [d for d in self.drafts.drafts if d.decision is None]

    def _next_id(self) -> str:
        number = len(self.taken) + 1
        while f"c{number:03d}" in self.taken:
            number += 1
        self.taken.add(f"c{number:03d}")
        return f"c{number:03d}"

    def accept(self, draft: Draft, slugs: list[str], fallback_polarity: str = "enables") -> list[str]:
        """One claim per chosen concept, all quoting the same sentence."""
        ids = []
        for slug in slugs:
            claim = NewClaim(
                self._next_id(), slug, polarity_for(draft, slug, fallback_polarity),
                list(draft.asserted_by), draft.start, draft.end, draft.section, draft.kind,
                list(draft.notes), {"draft": draft.id, "tool": self.drafts.made_by, "date": self.day},
            )  # fmt: skip
            self.new.append(claim)
            ids.append(claim.id)
        self.decided[draft.id] = (",".join(slugs), tuple(ids))
        return ids

    def reject(self, draft: Draft) -> None:
        self.decided[draft.id] = (REJECT, ())

    def merge(self, draft: Draft) -> str:
        """The previous claim of this review now quotes from its sentence to the end of this
        one (an exact span of the text, so it still verifies) and gains this one's works."""
        if not self.new:
            raise PartnergraphError("nothing accepted in this review to merge with")
        previous = self.new[-1]
        if draft.start < previous.start:
            raise PartnergraphError("can only merge with an earlier sentence")
        previous.end = max(previous.end, draft.end)
        previous.asserted_by += [k for k in draft.asserted_by if k not in previous.asserted_by]
        previous.notes += [n for n in draft.notes if n not in previous.notes]
        self.decided[draft.id] = (MERGE, (previous.id,))
        return previous.id

    def finish(self) -> Path:
        path = document_file(self.project, self.key)
        if self.new:
            if path.is_file():
                written = path.read_text(encoding="utf-8")
            else:
                text = {"file": self.drafts.text_file, "sha256": self.drafts.text_sha256}
                head = yaml.safe_dump({"document": self.key, "text": text}, sort_keys=False)
                written = DOCUMENT_HEADER + head + "claims:\n"
            items = [c.as_yaml(self.text) for c in self.new]
            written += yaml.safe_dump(items, sort_keys=False, allow_unicode=True, width=100_000)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, written.encode("utf-8"))
        drafts = tuple(
            replace(d, decision=self.decided[d.id][0], claims=self.decided[d.id][1])
            if d.id in self.decided
            else d
            for d in self.drafts.drafts
        )
        write_drafts(drafts_file(self.project, self.key), replace(self.drafts, drafts=drafts))
        return path


CONVENTIONS = """\
How to decide (the vocabulary's conventions, docs/schema.md):
  * A missing or insufficient success factor is recorded as its BARRIER counterpart with
    polarity 'hinders' ("a lack of trust" -> lack-of-trust, hinders), never as the factor
    with 'hinders': that would grade the factor itself as contested.
  * One sentence naming several factors: pick them together (e.g. 1,2) - one claim each,
    all quoting the sentence. A finding that runs on into the next sentence: merge (m).
  * No concept fits: add one (n) - slug, class, label, its counterpart (a Barrier for a
    SuccessFactor and the other way round) and broader categories - and accept it.
Answers: Enter or 1 = first candidate, 2 / 3 / 1,2 = others or several, s = type a slug,
n = add a new concept, r = reject, m = merge with the previous accepted claim,
q = stop here (resume later).
"""


def add_concept(
    project: Project, slug: str, cls: str, label: str, counterpart: str = "", broader: str = ""
) -> None:
    """Append a concept to corpus/concepts.yaml when none of the vocabulary fits; checked
    here as the build would, so a typo is caught where it was made, not at the next build."""
    from .corpus import CONCEPT_CLASSES, SLUG, load_concepts

    problems: list[SourceProblem] = []
    path = project.concepts_file
    known = {c.slug: c for c in load_concepts(path.read_text(encoding="utf-8"), "concepts.yaml", problems)}
    if not SLUG.match(slug):
        raise PartnergraphError(f"slug '{slug}' is not lowercase-with-hyphens, e.g. 'lack-of-trust'")
    if slug in known:
        raise PartnergraphError(f"'{slug}' exists already; choose it with s")
    if cls not in CONCEPT_CLASSES:
        raise PartnergraphError(f"class '{cls}' is not one of {', '.join(CONCEPT_CLASSES)}")
    parents = [b.strip() for b in broader.split(",") if b.strip()]
    for name in [counterpart, *parents] if counterpart else parents:
        if name not in known:
            raise PartnergraphError(f"'{name}' is not a concept slug (partnergraph concepts --search WORD)")
    entry: dict[str, Any] = {"slug": slug, "class": cls, "label": label}
    if parents:
        entry["broader"] = parents
    if counterpart:
        entry["counterpart"] = counterpart
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    text += yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100_000)
    write_atomically(path, text.encode("utf-8"))


def describe(draft: Draft, labels: dict[str, str]) -> list[str]:
    works = ", ".join(draft.asserted_by) or "the document itself"
    if draft.notes:
        works += f"  notes: {', '.join(str(n) for n in draft.notes)}"
    lines = [
        f"{draft.id}  [{draft.section or 'no section'}]  kind: {draft.kind or '-'}  asserted by: {works}",
        f"  «{draft.quote}»",
    ]
    for number, option in enumerate(draft.options, 1):
        matched = ", ".join(option.matched)
        label = labels.get(option.concept, "?")
        lines.append(
            f"  {number}. {option.concept} ({label}) {option.polarity}  score {option.score:.2f}  [{matched}]"
        )
    return lines


def apply_answer(review: Review, draft: Draft, answer: str, slugs: set[str], typed: str = "") -> str:
    """One decision from what the curator typed; returns what was done, for the echo.
    A wrong answer raises, and the caller asks again."""
    answer = answer.strip().lower() or "1"
    if answer == "r":
        review.reject(draft)
        return "rejected"
    if answer == "m":
        return f"merged into {review.merge(draft)}"
    if answer == "s":
        if typed not in slugs:
            raise PartnergraphError(f"'{typed}' is not a concept slug (partnergraph concepts --search WORD)")
        return "accepted as " + ", ".join(review.accept(draft, [typed]))
    try:
        picks = [int(part) for part in answer.replace(" ", "").split(",")]
    except ValueError:
        raise PartnergraphError(f"'{answer}' is not an answer; type 1, 2, 1,2, s, r, m or q") from None
    if not draft.options or any(not 1 <= n <= len(draft.options) for n in picks):
        raise PartnergraphError(f"choose among 1-{len(draft.options)}")
    chosen = list(dict.fromkeys(draft.options[n - 1].concept for n in picks))
    return "accepted as " + ", ".join(review.accept(draft, chosen))
