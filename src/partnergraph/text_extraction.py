"""The plain text of a reviewed document, whatever form it came in.

Quotes are checked against this text, so extraction keeps the words exactly and only
drops markup: HTML tags (headings kept as their own lines, so sections are found),
nothing of Markdown (its `#` headings are what the sentence splitter reads sections
from). PDF goes through poppler's `pdftotext -layout`, a Debian package that every
distribution ships and that keeps reading order on two-column pages better than the
pure-Python readers; it is the tool the seed texts were extracted with.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from .errors import PartnergraphError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
_BLOCKS = {"p", "div", "br", "li", "tr", "section", "article", "blockquote", "table", "ul", "ol"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "head", "noscript"}


class _TextOfHtml(HTMLParser):
    """Collects the visible text; a heading becomes a Markdown heading line so that the
    drafts know which section a sentence was read in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _HEADINGS:
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _HEADINGS or tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).splitlines()]
        paragraphs: list[str] = []
        for line in lines:
            if line or (paragraphs and paragraphs[-1]):
                paragraphs.append(line)
        return "\n".join(paragraphs).strip() + "\n"


def html_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    return parser.text()


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise PartnergraphError(
            f"{path.name}: reading a PDF needs poppler's pdftotext — install it "
            "(apt-get install poppler-utils, brew install poppler) or give the text as .txt"
        )
    done = subprocess.run(
        [tool, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=False, timeout=120
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
        raise PartnergraphError(f"{path.name}: pdftotext could not read it: {message}")
    return done.stdout.decode("utf-8", "replace")


def extract_text(path: Path) -> str:
    """The document's text; an unknown kind of file is refused rather than read as text,
    since a quote checked against binary noise would verify nothing."""
    if not path.is_file():
        raise PartnergraphError(f"{path} is not a file")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix in TEXT_SUFFIXES + HTML_SUFFIXES:
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PartnergraphError(f"{path.name} is not UTF-8 text ({exc.reason})") from exc
        return html_text(raw) if suffix in HTML_SUFFIXES else raw.replace("\r\n", "\n")
    known = ", ".join(TEXT_SUFFIXES + HTML_SUFFIXES + (".pdf",))
    raise PartnergraphError(f"{path.name}: cannot read a '{suffix or 'nameless'}' file; give one of {known}")
