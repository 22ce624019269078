"""The works, as read from `bibliography/*.bib` with bibtexparser v2.

A work is cited everywhere by one key; the spellings documents use for it are kept
in `ids` so that a later extraction can match them. Nothing here adds a field the
BibTeX does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, ParsingFailedBlock

from .corpus import Origin
from .errors import SourceProblem
from .project import Project

_LATEX_ESCAPES = {r"\&": "&", r"\%": "%", r"\$": "$", r"\_": "_", r"\#": "#", "~": "\u00a0"}


def clean_latex(value: str) -> str:
    """Strip BibTeX's protective braces and the common escapes; the text stays as written."""
    for escape, char in _LATEX_ESCAPES.items():
        value = value.replace(escape, char)
    value = value.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", value).strip()


def split_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Work:
    key: str
    entry_type: str
    fields: dict[str, str] = field(hash=False)
    origin: Origin = field(hash=False)
    raw_fields: dict[str, str] = field(hash=False, default_factory=dict)
    """The values as written, braces and LaTeX intact, for writing BibTeX back."""

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    @property
    def variant_keys(self) -> tuple[str, ...]:
        return split_list(self.fields.get("ids"))

    @property
    def supplied_fields(self) -> tuple[str, ...]:
        return split_list(self.fields.get("pg-supplied"))

    @property
    def minimal(self) -> bool:
        return self.fields.get("pg-minimal", "").lower() == "true"


def load_bib_file(path: Path, shown_as: str, problems: list[SourceProblem]) -> list[Work]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(SourceProblem(shown_as, None, f"cannot read: {exc}", "save it as UTF-8"))
        return []
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            message = f"duplicate entry key '{block.key}'"
            fix = "merge the two entries; keep the other spellings in 'ids'"
        elif isinstance(block, DuplicateFieldKeyBlock):
            message = f"entry '{block.key}' has a field twice"
            fix = "keep one of the two fields"
        elif isinstance(block, ParsingFailedBlock):
            message = f"malformed BibTeX entry: {block.error}"
            fix = "check the braces and commas of this entry"
        else:  # pragma: no cover - bibtexparser may add kinds of failure
            message, fix = f"unreadable block ({type(block).__name__})", "check this entry"
        problems.append(SourceProblem(shown_as, line, message, fix))
    works = []
    for entry in library.entries:
        raw = {f.key.lower(): str(f.value) for f in entry.fields}
        fields = {name: clean_latex(value) for name, value in raw.items()}
        origin = Origin(shown_as, entry.start_line + 1)
        works.append(Work(entry.key, entry.entry_type.lower(), fields, origin, raw))
    return works


def load_bibliography(project: Project, problems: list[SourceProblem]) -> list[Work]:
    """Every work of every .bib file; a key used twice anywhere is a problem."""
    works: dict[str, Work] = {}
    variants: dict[str, Work] = {}
    for path in sorted(project.bibliography_dir.glob("*.bib")):
        shown = project.relative(path)
        for work in load_bib_file(path, shown, problems):
            if work.key in works:
                first = works[work.key].origin
                problems.append(
                    SourceProblem(
                        shown,
                        work.origin.line,
                        f"duplicate entry key '{work.key}' (first at {first.path} line {first.line})",
                        "merge the two entries; keep the other spellings in 'ids'",
                    )
                )
                continue
            works[work.key] = work
            for variant in work.variant_keys:
                variants.setdefault(variant, work)
    for variant, work in variants.items():
        if variant in works and works[variant] is not work:
            problems.append(
                SourceProblem(
                    work.origin.path,
                    work.origin.line,
                    f"'{variant}' in the ids of '{work.key}' is also an entry of its own",
                    "merge the two entries or drop the variant",
                )
            )
    return sorted(works.values(), key=lambda w: w.key)
