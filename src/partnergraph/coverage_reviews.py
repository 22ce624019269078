"""`corpus/coverage/<document>.yaml`: the citations a reviewer read and found no finding in.

`partnergraph coverage` lists the works a text cites that no claim uses. Many are rightly
left out — a methods textbook, a policy named for context, a list of further reading —
but a list that never shrinks hides the ones still to code. A reviewer who has read the
passage records the work here with the reason it carries no finding, and coverage then
reports it as reviewed instead of as a gap; `--strict` fails only on the citations
nobody has looked at.

Mistakes of form (an unknown field, reason or cite key, a file for a document that is
not reviewed) stop the command like any authoring error; an entry that has gone stale
(a claim now uses the work, or the text no longer cites it) is reported beside the
document it belongs to, since it is the corpus that moved, not the file that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .corpus import Origin, _read_unique, _top_list
from .errors import InputError, SourceProblem, did_you_mean
from .fields import FieldReader, as_mapping
from .project import Project
from .source_files import read_sources
from .yaml_source import LineDict, load_yaml

REASONS = {
    "method": "cited for the research method or methodology, not for a finding on partnerships",
    "context": "sets the scene (a place, a sector, a programme) without a finding on partnerships",
    "background": "a general pointer to the literature; the document reports no finding of it",
    "policy-reference": "a law, policy or official guidance named, not read for a finding",
    "data-source": "the source of figures or facts the document gives",
    "example": "named as an instance (an organisation, a case, a toolkit)",
    "definition": "cited for the meaning of a term; the finding, if any, is the definition itself",
    "further-reading": "listed as a resource or further reading, not cited for a point",
}
ENTRY_KEYS = ("work", "reason", "note")
FILE_KEYS = ("document", "uncoded")


@dataclass(frozen=True)
class ReviewedCitation:
    """A cited work the document's reviewer found no finding in, and why."""

    work: str
    reason: str
    note: str
    origin: Origin


def coverage_dir(project: Project) -> Path:
    return project.root / "corpus" / "coverage"


def _read_entry(item: LineDict, shown_as: str, problems: list[SourceProblem]) -> ReviewedCitation | None:
    before = len(problems)
    f = FieldReader(item, shown_as, f"uncoded work '{item.get('work') or '?'}'", ENTRY_KEYS, problems)
    entry = ReviewedCitation(
        work=f.text("work", required=True) or "",
        reason=f.choice("reason", REASONS, required=True) or "",
        note=f.text("note", required=True) or "",
        origin=Origin(shown_as, item.line),
    )
    return entry if len(problems) == before else None


def _read_file(
    text: str, shown_as: str, problems: list[SourceProblem]
) -> tuple[str | None, int, list[ReviewedCitation]]:
    """The document key, the line it is written on, and the file's entries."""
    data, yaml_problems = load_yaml(text, shown_as)
    problems += yaml_problems
    top = as_mapping(data)
    if yaml_problems:
        return None, 1, []
    if top is None:
        problems.append(SourceProblem(shown_as, 1, "expected a mapping", "see docs/schema.md"))
        return None, 1, []
    f = FieldReader(top, shown_as, "coverage file", FILE_KEYS, problems)
    document = f.text("document", required=True)
    entries = _read_unique(
        _top_list(top, "uncoded", "work: KEY", shown_as, problems), _read_entry, lambda e: e.work,
        "uncoded work", "keep one entry per work", shown_as, problems,
    )  # fmt: skip
    return document, top.line_of("document"), entries


def load_coverage_reviews(
    project: Project, documents: set[str], works: dict[str, set[str]]
) -> dict[str, dict[str, ReviewedCitation]]:
    """Each reviewed document → its uncoded works by key. `works` maps each entry key to
    its other spellings (`ids`), so a variant gets the entry's own key as its fix.
    Raises `InputError` with every mistake of form; no folder means nothing reviewed yet."""
    folder = coverage_dir(project)
    problems: list[SourceProblem] = []
    found: dict[str, dict[str, ReviewedCitation]] = {}
    if not folder.is_dir():
        return found
    for shown_as, text in read_sources(folder, ".yaml", project, problems, missing_fix=""):
        document, line, entries = _read_file(text, shown_as, problems)
        if document is None:
            continue
        if document not in documents:
            fix = did_you_mean(document, documents, "corpus/documents/")
            problems.append(SourceProblem(shown_as, line, f"'{document}' is not a reviewed document", fix))
            continue
        if document in found:
            problems.append(
                SourceProblem(shown_as, line, f"'{document}' has two coverage files", "merge them into one")
            )
            continue
        found[document] = {}
        for entry in entries:
            if entry.work in works:
                found[document][entry.work] = entry
                continue
            entry_key = next((key for key, ids in works.items() if entry.work in ids), None)
            fix = (
                f"write '{entry_key}', the entry's key"
                if entry_key
                else did_you_mean(entry.work, works, "bibliography/*.bib")
            )
            message = f"no bibliography entry has key '{entry.work}'"
            problems.append(SourceProblem(shown_as, entry.origin.line, message, fix))
    if problems:
        raise InputError(problems)
    return found
