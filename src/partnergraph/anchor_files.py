"""`corpus/anchors/<document>.yaml`: where each quote stands in its reviewed document's text.

The build cannot read the texts (they live outside the repository), so `partnergraph
anchor --texts DIR` locates every quote once and writes its offsets here, with the
SHA-256 of the text it measured. The build compiles an anchor only while that SHA-256
is the one the document file declares and the claim's quote is the one that was
located (a short hash of it is kept): an anchor that no longer fits is left out and
counted, never compiled pointing at the wrong words. `verify` names such stale anchors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .errors import SourceProblem
from .fields import FieldReader, as_mapping
from .project import Project
from .source_files import read_sources
from .yaml_source import LineDict, load_yaml

if TYPE_CHECKING:
    from .corpus import Claim, DocumentAnnotations

ANCHORS_HEADER = (
    "# Written by `partnergraph anchor --texts DIR`: where each claim's quote stands in the text\n"
    "# whose SHA-256 is below (offsets in code points, as W3C Web Annotation counts them).\n"
    "# Do not edit by hand; run the command again when the text or a quote changes.\n"
)
ANCHOR_KEYS = ("start", "end", "page", "prefix", "suffix", "quote")
FILE_KEYS = ("document", "text", "anchors")
TEXT_KEYS = ("file", "sha256")
RERUN = "run `partnergraph anchor --texts DIR` again"


def anchors_dir(project: Project) -> Path:
    return project.root / "corpus" / "anchors"


def quote_hash(quote: str) -> str:
    """A short hash of the whitespace-folded quote: enough to see that a quote was edited
    since it was located (the build cannot compare it with the text)."""
    from .verify import fold  # verify reads the corpus, which reads this module

    return hashlib.sha256(fold(quote).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Anchor:
    """One quote's place: `text[start:end]` (code points of the text as stored) folds to
    the quote; `prefix` and `suffix` are the folded words just before and after it."""

    start: int
    end: int
    prefix: str
    suffix: str
    quote: str
    page: int | None = None
    line: int = 0


@dataclass(frozen=True)
class DocumentAnchors:
    document: str
    text_file: str | None
    sha256: str
    anchors: dict[str, Anchor] = field(default_factory=dict)
    path: str = ""
    line: int = 1

    def usable(self, doc: DocumentAnnotations, claim: Claim) -> Anchor | None:
        """The claim's anchor if it still fits the document's declared text and its quote."""
        anchor = self.anchors.get(claim.id)
        if anchor is None or not self.fits(doc) or anchor.quote != quote_hash(claim.quote):
            return None
        return anchor

    def fits(self, doc: DocumentAnnotations) -> bool:
        return bool(doc.text_sha256) and doc.text_sha256.lower() == self.sha256.lower()


class _Quoted(str):
    """Written in quotes: a hex digest of digits and one 'e' would read back as a float."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)


def dump_anchors(anchors: DocumentAnchors) -> str:
    body: dict[str, Any] = {
        "document": anchors.document,
        "text": {"file": anchors.text_file, "sha256": _Quoted(anchors.sha256)},
        "anchors": {
            claim_id: {
                "start": a.start,
                "end": a.end,
                **({"page": a.page} if a.page is not None else {}),
                "prefix": a.prefix,
                "suffix": a.suffix,
                "quote": a.quote,
            }
            for claim_id, a in anchors.anchors.items()
        },
    }
    return ANCHORS_HEADER + yaml.dump(
        body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000
    )


def _read_anchor(claim_id: str, item: Any, shown_as: str, problems: list[SourceProblem]) -> Anchor | None:
    mapping = as_mapping(item)
    if mapping is None:
        problems.append(SourceProblem(shown_as, None, f"anchor {claim_id} is not a mapping", RERUN))
        return None
    before = len(problems)
    f = FieldReader(mapping, shown_as, f"anchor {claim_id}", ANCHOR_KEYS, problems)
    start, end, page = f.integer("start"), f.integer("end"), f.integer("page")
    quote = f.text("quote", required=True)
    prefix, suffix = mapping.get("prefix", ""), mapping.get("suffix", "")
    if start is None or end is None or end <= start:
        f.problem("start", f"anchor {claim_id} needs whole numbers start < end", RERUN)
    if not isinstance(prefix, str) or not isinstance(suffix, str):
        f.problem("prefix", f"anchor {claim_id}: prefix and suffix must be text", RERUN)
    if len(problems) > before or start is None or end is None or quote is None:
        return None
    return Anchor(start, end, str(prefix), str(suffix), quote, page or None, mapping.line)


def load_anchor_file(text: str, shown_as: str, problems: list[SourceProblem]) -> DocumentAnchors | None:
    data, yaml_problems = load_yaml(text, shown_as)
    problems += yaml_problems
    top = as_mapping(data)
    if yaml_problems or top is None:
        if not yaml_problems:
            problems.append(SourceProblem(shown_as, 1, "expected a mapping", RERUN))
        return None
    f = FieldReader(top, shown_as, "anchor file", FILE_KEYS, problems)
    document = f.text("document", required=True)
    text_field = f.mapping_field("text")
    sha = file_name = None
    if text_field is not None:
        t = FieldReader(text_field, shown_as, "text", TEXT_KEYS, problems)
        sha, file_name = t.text("sha256", required=True), t.text("file")
    else:
        f.problem(None, "missing required field 'text' (its sha256)", RERUN)
    entries = top.get("anchors") or {}
    if not isinstance(entries, LineDict):
        f.problem("anchors", "'anchors' must be a mapping of claim ids", RERUN)
        entries = LineDict()
    anchors = {}
    for claim_id, item in entries.items():
        anchor = _read_anchor(str(claim_id), item, shown_as, problems)
        if anchor is not None:
            anchors[str(claim_id)] = anchor
    if document is None or sha is None:
        return None
    return DocumentAnchors(document, file_name, sha, anchors, shown_as, top.line)


def anchored_claims(documents: Iterable[DocumentAnnotations], anchors: Mapping[str, DocumentAnchors]) -> int:
    """How many claims the build can anchor by offsets (the rest keep their quote selector)."""
    count = 0
    for doc in documents:
        found = anchors.get(doc.document)
        if found is not None:
            count += sum(1 for claim in doc.claims if found.usable(doc, claim) is not None)
    return count


def load_anchors(project: Project, problems: list[SourceProblem]) -> dict[str, DocumentAnchors]:
    """Every anchor file of the project, by document key; none at all is no problem."""
    folder = anchors_dir(project)
    if not folder.is_dir():
        return {}
    found: dict[str, DocumentAnchors] = {}
    for shown_as, text in read_sources(folder, ".yaml", project, problems, missing_fix=RERUN):
        anchors = load_anchor_file(text, shown_as, problems)
        if anchors is None:
            continue
        if anchors.document in found:
            first = found[anchors.document].path
            message = f"anchors of '{anchors.document}' are already in {first}"
            problems.append(SourceProblem(shown_as, anchors.line, message, "delete this file, then " + RERUN))
            continue
        found[anchors.document] = anchors
    return found
