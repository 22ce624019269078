"""What `partnergraph ingest --force` may replace, and what it must keep.

Re-ingesting a document (a better PDF, a corrected text) replaces what ingest itself
wrote: the stored text, the stub entry, the reference entries and placeholder works the
document added, and its drafts. It never touches the curator's work: claims accepted
into `corpus/documents/KEY.yaml` stay, a stub the curator completed stays, an entry any
claim, concept or other document's drafts use stays, and review decisions carry over to
sentences whose words did not change.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import bibtexparser

from .bibliography import Work
from .build import stage
from .corpus import Corpus
from .drafts import Draft, DraftsFile, document_file, drafts_dir, drafts_file, read_drafts
from .errors import PartnergraphError
from .project import Project
from .references import cited_keys

INGESTED_BIB = "ingested.bib"
_BLANK_RUNS = re.compile(r"\n{3,}")


def ingested_bib(project: Project) -> Path:
    return project.bibliography_dir / INGESTED_BIB


def _from_ingested_bib(work: Work) -> bool:
    return Path(work.origin.path).name == INGESTED_BIB


@dataclass
class Previous:
    """What an earlier ingest of the same key left, as found on disk."""

    key: str
    text: Path | None = None
    drafts: DraftsFile | None = None
    drafts_path: Path | None = None
    stub: Work | None = None
    accepted: int = 0
    accepted_path: Path | None = None
    paths: list[str] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.paths)

    @property
    def stub_completed(self) -> bool:
        """The curator filled in what the stub left unstated: their entry, not ingest's."""
        return self.stub is not None and bool(self.stub.get("author") or self.stub.get("year"))


def find_previous(project: Project, key: str, works: list[Work], corpus: Corpus) -> Previous:
    previous = Previous(key)
    for work in works:
        if work.key != key and key not in work.variant_keys:
            continue
        if not _from_ingested_bib(work):
            raise PartnergraphError(
                f"'{key}' is already a work of {work.origin.path} (line {work.origin.line}), not written "
                "by partnergraph ingest, so not even --force replaces it; choose another --key"
            )
        previous.stub = work
        previous.paths.append(f"the entry '{key}' in bibliography/{INGESTED_BIB}")
    text = project.root / "texts" / f"{key}.txt"
    if text.exists():
        previous.text = text
        previous.paths.append(project.relative(text))
    drafts = drafts_file(project, key)
    if drafts.exists():
        previous.drafts, previous.drafts_path = read_drafts(drafts), drafts
        previous.paths.append(project.relative(drafts))
    accepted = document_file(project, key)
    if accepted.exists():
        previous.accepted_path = accepted
        previous.accepted = sum(len(d.claims) for d in corpus.documents if d.document == key)
        previous.paths.append(f"{project.relative(accepted)} ({_claims(previous.accepted)})")
    return previous


def _claims(count: int) -> str:
    return f"{count} accepted claim{'s' if count != 1 else ''}"


def refusal(previous: Previous) -> PartnergraphError:
    kept = f"; accepted claims in corpus/documents/{previous.key}.yaml are kept" if previous.accepted else ""
    return PartnergraphError(
        f"'{previous.key}' was ingested already: {', '.join(previous.paths)}. Pass --force to ingest it "
        f"again (the text, its new bibliography entries and its drafts are replaced{kept}), "
        "or choose another --key"
    )


def used_elsewhere(project: Project, key: str, corpus: Corpus) -> set[str]:
    """Cite keys something other than this document's drafts uses: every claim (the
    document's own accepted ones too), concept, and other document's drafts."""
    keys = cited_keys(corpus)
    folder = drafts_dir(project)
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        if path.stem == key:
            continue
        other = read_drafts(path)
        keys.update(k for d in other.drafts for k in d.asserted_by)
    return keys


def replaceable(project: Project, previous: Previous, corpus: Corpus) -> set[str]:
    """The entries the earlier ingest wrote that the new one may drop and write afresh."""
    own = set(previous.drafts.works_added) if previous.drafts else set()
    own -= used_elsewhere(project, previous.key, corpus)
    if previous.stub is not None and not previous.stub_completed:
        own.add(previous.key)
    return own


def without_entries(bib_text: str, keys: set[str]) -> str:
    """The file as written, comments and the curator's formatting intact, minus `keys`."""
    for entry in bibtexparser.parse_string(bib_text).entries:
        if entry.key in keys:
            bib_text = bib_text.replace(entry.raw, "", 1)
    return _BLANK_RUNS.sub("\n\n", bib_text)


def carry_decisions(old: DraftsFile | None, new: tuple[Draft, ...]) -> tuple[tuple[Draft, ...], int]:
    """A decision stays with its sentence when the sentence's words are unchanged (its
    claims are already in the document file); every other draft is pending again."""
    if old is None:
        return new, 0
    decided = {d.quote: d for d in old.drafts if d.decision is not None}
    carried, kept = [], 0
    for draft in new:
        before = decided.pop(draft.quote, None)
        if before is None:
            carried.append(draft)
        else:
            carried.append(replace(draft, decision=before.decision, claims=before.claims))
            kept += 1
    return tuple(carried), kept


def publish(files: dict[Path, bytes]) -> None:
    """Every file staged before any is replaced: a full disk or a failed write leaves
    the earlier ingest whole, not a new text beside old drafts."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
