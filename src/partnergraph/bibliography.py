"""The works, as read from `bibliography/*.bib` with bibtexparser v2.

A work is cited everywhere by one key; the spellings documents use for it are kept
in `ids` so that a later extraction can match them. Nothing here adds a field the
BibTeX does not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import Library
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    ImplicitComment,
    ParsingFailedBlock,
)

from .corpus import Origin
from .errors import SourceProblem
from .fields import TOO_LONG_FIX, too_long
from .project import Project
from .source_files import read_sources

# A key becomes part of the work's IRI (id:work/KEY): no spaces, nothing that ends or
# splits an IRI path.
CITE_KEY = re.compile(r"[^\s<>\"{}|^`\\#?/%]+")
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


def _stray_text(library: Library, text: str, shown_as: str, problems: list[SourceProblem]) -> None:
    """Text between entries that is not a '%' comment: BibTeX skips it, so an entry whose
    '@' was lost, or a file that is not BibTeX at all, would vanish without a word."""
    lines = [line.strip() for line in text.splitlines()]
    for block in library.blocks:
        if not isinstance(block, ImplicitComment):
            continue
        strays = [line.strip() for line in block.comment.splitlines()]
        stray = next((line for line in strays if line and not line.startswith("%")), None)
        if stray is None:
            continue
        later = lines[block.start_line :]
        number = block.start_line + (later.index(stray) if stray in later else 0)
        problems.append(
            SourceProblem(
                shown_as,
                number + 1,
                f"text outside any entry: '{stray[:60]}'",
                "start an entry with '@' (e.g. @article{key, ...}) or a comment with '%'",
            )
        )


def _entry_problems(key: str, raw: dict[str, str], line: int, shown_as: str) -> list[SourceProblem]:
    problems = []
    if not CITE_KEY.fullmatch(key):
        suggestion = re.sub(r"[^A-Za-z0-9_.:-]+", "-", key).strip("-") or "smith2010"
        problems.append(
            SourceProblem(
                shown_as,
                line,
                f"entry key '{key}' cannot be part of an IRI (no spaces or any of <>\"{{}}|^`\\#?/%)",
                f"e.g. '{suggestion}', and cite it so",
            )
        )
    for name, value in raw.items():
        length = too_long(value)
        if length:
            message = f"entry '{key}': field '{name}' {length}"
            problems.append(SourceProblem(shown_as, line, message, TOO_LONG_FIX))
    return problems


def load_bib_file(text: str, shown_as: str, problems: list[SourceProblem]) -> list[Work]:
    library = bibtexparser.parse_string(text)
    _stray_text(library, text, shown_as, problems)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            message = f"duplicate entry key '{block.key}'"
            fix = "merge the two entries; keep the other spellings in 'ids'"
        elif isinstance(block, DuplicateFieldKeyBlock):  # it has no .key: the entry it failed on has
            key = getattr(block.ignore_error_block, "key", "?")
            message = f"entry '{key}' has the field {', '.join(sorted(block.duplicate_keys))} twice"
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
        origin = Origin(shown_as, entry.start_line + 1)
        entry_problems = _entry_problems(entry.key, raw, origin.line, shown_as)
        problems += entry_problems
        if entry_problems:
            continue
        fields = {name: clean_latex(value) for name, value in raw.items()}
        works.append(Work(entry.key, entry.entry_type.lower(), fields, origin, raw))
    return works


def load_bibliography(project: Project, problems: list[SourceProblem]) -> list[Work]:
    """Every work of every .bib file; a key used twice anywhere is a problem."""
    works: dict[str, Work] = {}
    variants: dict[str, Work] = {}
    files = read_sources(
        project.bibliography_dir, ".bib", project, problems,
        missing_fix="create it and put the .bib files of the works cited there",
    )  # fmt: skip
    for shown_as, text in files:
        for work in load_bib_file(text, shown_as, problems):
            if work.key in works:
                first = works[work.key].origin
                problems.append(
                    SourceProblem(
                        work.origin.path,
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
