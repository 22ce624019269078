"""Pandoc's citeproc formats every citation and reference list partnergraph writes.

Why Pandoc and not citeproc-py: rendered side by side on the seed bibliography,
citeproc-py 0.11 listed APA references in order of first use instead of by author,
put a full stop after a bare surname ("Lewicki. (1998)." for "Lewicki et al."), and
printed an authorless document's title twice; Pandoc's citeproc implements CSL and
passes nearly all of the CSL test suite, and is what a researcher runs on the
Markdown export anyway. So HTML and Word are written by Pandoc from the very
Markdown document the export holds, and both always agree with `pandoc --citeproc`
(tests/test_reference_oracle.py checks it entry for entry in APA and Harvard).

The references travel inside the document's YAML metadata (`references:`), so a
document renders from any folder. Pandoc reads metadata strings as Markdown, so
every ASCII punctuation mark in them is backslash-escaped — except straight quotes,
which Pandoc's CSL-JSON reader itself turns into typographic ones, and which the
Markdown reader's smart punctuation then treats the same way.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from .bibexport import to_csl
from .bibliography import Work
from .errors import PartnergraphError

INSTALL = "install Pandoc (Debian/Ubuntu: apt-get install pandoc; others: https://pandoc.org/installing.html)"
_MARKUP = re.compile(r"""([\\`*_{}\[\]<>#@$~^|&])""")
"""Characters that start Markdown inline markup: emphasis, links, citations, code,
math, raw HTML and TeX, entities, sub/superscripts, notes, table cells."""
_QUOTES = re.compile(r"""(['"])""")
_SMART = re.compile(r"-{2,}|\.{3,}")
"""Runs that smart punctuation turns into dashes and ellipses."""
_BLOCK_START = re.compile(r"^(\s*\d*)([-+*=:>|#.)])")
"""What would make the text a list, heading, quote or definition where it begins a block."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
OTHERS = {"literal": "others"}


class PandocMissing(PartnergraphError):
    """HTML and Word summaries need Pandoc, which is not a Python package."""


def pandoc_executable() -> str:
    found = shutil.which("pandoc")
    if found is None:
        raise PandocMissing(
            f"HTML and Word summaries are written by Pandoc, which is not installed: {INSTALL}"
        )
    return found


def run_pandoc(document: str, to: str, csl: Path, *options: str) -> bytes:
    """`pandoc --citeproc` over a Markdown document whose references are embedded.

    Pandoc runs in the style's folder and is given its file name: Word files keep the
    `csl` metadata as a document property, and an absolute path there made every .docx
    differ between two installations (and told its readers where the writer's Python
    lived)."""
    arguments = ["--from=markdown", f"--to={to}", "--citeproc", f"--csl={csl.name}", *options]
    result = subprocess.run(
        [pandoc_executable(), *arguments],
        input=document.encode("utf-8"),
        capture_output=True,
        check=False,
        cwd=csl.resolve().parent,
    )
    if result.returncode != 0:
        raise PartnergraphError(f"pandoc failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def markdown_text(text: str, keep_quotes: bool = False) -> str:
    """Text that Pandoc's Markdown reader gives back exactly, yet still readable as
    Markdown: the characters that would start markup, smart dashes and ellipses, and
    straight quotes (unless `keep_quotes`) are backslash-escaped; line breaks become
    spaces, and characters XML forbids U+FFFD (see `xml_text`)."""
    text = re.sub(r"\s*\n\s*", " ", xml_text(text))
    text = _MARKUP.sub(r"\\\1", text)
    if not keep_quotes:
        text = _QUOTES.sub(r"\\\1", text)
    text = _SMART.sub(lambda run: "".join("\\" + c for c in run.group()), text)
    return _BLOCK_START.sub(r"\1\\\2", text)


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids (C0 controls but tab and line ends,
    lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD: Pandoc copies them into a Word
    file's XML as they are (from the body and from YAML's `\\u0007` escapes alike),
    and Word and python-docx then refuse to open it."""
    return _NOT_XML.sub("\ufffd", text)


def reference_items(works: Iterable[Work]) -> list[dict[str, object]]:
    """The CSL-JSON every summary renders from: `bib export`'s items, except that a
    sole surname followed by 'others' ("Lewicki et al." in the source) becomes the
    literal name "Lewicki et al.". `bib export` keeps Pandoc's own marker (a final
    literal name 'others'), but Pandoc before 2.18 (citeproc 0.6, Debian 12's) prints
    it as "Lewickiothers." in styles with et-al-use-last, APA's reference list among
    them (jgm/citeproc#102); the literal reads the same in every style and version."""
    items = []
    for work in works:
        item = to_csl(work)
        names = item.get("author")
        if isinstance(names, list) and len(names) == 2 and names[1] == OTHERS and set(names[0]) == {"family"}:
            item["author"] = [{"literal": f"{names[0]['family']} et al."}]
        items.append(item)
    return items


def yaml_references(items: list[dict[str, object]]) -> list[str]:
    """The `references:` metadata block, as JSON (which YAML reads) with each string
    escaped for Pandoc's Markdown reading of metadata."""

    def escape(value: object) -> object:
        if isinstance(value, str):
            return markdown_text(value, keep_quotes=True)
        if isinstance(value, list):
            return [escape(v) for v in value]
        if isinstance(value, dict):
            return {k: escape(v) for k, v in value.items()}
        return value

    body = json.dumps(escape(items), indent=2, ensure_ascii=False)
    return ["references:", *("  " + line for line in body.splitlines())]
