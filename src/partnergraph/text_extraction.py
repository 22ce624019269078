"""The plain text of a reviewed document, whatever form it came in.

Quotes are checked against this text, so extraction keeps the words exactly and only
drops markup: HTML tags (headings kept as their own lines, so sections are found),
nothing of Markdown (its `#` headings are what the sentence splitter reads sections
from). PDF goes through poppler's `pdftotext -layout`, a Debian package that every
distribution ships and that keeps reading order on two-column pages better than the
pure-Python readers; it is the tool the seed texts were extracted with.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from .errors import PartnergraphError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
_BLOCKS = {"p", "div", "br", "li", "tr", "section", "article", "blockquote", "table", "ul", "ol"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED = {"script", "style", "head", "noscript"}
_NUMBERS = re.compile(r"\d+")
_ENDS_PARAGRAPH = re.compile(r"""[.!?:]["'”’)\]]*\s*$""")
_EDGE = 2
"""How many lines at the top and at the bottom of a page may be a running head or foot."""
_LETTERS_PER_PAGE = 10
"""Fewer letters than this per page, once running heads are gone: a scan (the rest is the
scanner's page numbers or a stamp), not a page of text."""


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


def _edges(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:_EDGE] + filled[-_EDGE:]))


def _shape(line: str) -> str:
    """A line with its numbers blanked: "Page 3 of 12" and "Page 4 of 12" are one running foot."""
    return _NUMBERS.sub("#", " ".join(line.split()))


def without_running_heads(text: str) -> str:
    """The pages of pdftotext's output joined as one text, without the lines repeated at
    the top or bottom of at least half the pages (running heads, page numbers). Left in,
    they would split every sentence that runs over a page into two drafts, one of them
    with the running head in its quote. A page that ends mid-sentence joins the next
    with a line break, so the sentence stays one paragraph."""
    pages = [page.splitlines() for page in text.split("\f")]
    if pages and not any(line.strip() for line in pages[-1]):
        pages.pop()
    if len(pages) < 2:
        return text.replace("\f", "\n")
    seen = Counter(shape for lines in pages for shape in {_shape(lines[i]) for i in _edges(lines)})
    running = {shape for shape, count in seen.items() if count >= max(2, len(pages) / 2)}
    joined = ""
    for lines in pages:
        edges = set(_edges(lines))
        kept = [line for i, line in enumerate(lines) if i not in edges or _shape(line) not in running]
        body = "\n".join(kept).strip("\n")
        if not body.strip():
            continue
        if joined:
            joined += "\n\n" if _ENDS_PARAGRAPH.search(joined) else "\n"
        joined += body
    return joined + "\n"


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
    message = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0 and "password" in message.lower():
        raise PartnergraphError(
            f"{path.name} is encrypted with a password, so its text cannot be read; decrypt it first "
            f"(qpdf --decrypt --password=PASSWORD {path.name} decrypted.pdf) and ingest that file"
        )
    if done.returncode != 0:
        raise PartnergraphError(
            f"{path.name}: pdftotext could not read it: {message or f'exit status {done.returncode}'}"
        )
    raw = done.stdout.decode("utf-8", "replace")
    text = without_running_heads(raw)
    if sum(c.isalpha() for c in text) < _LETTERS_PER_PAGE * max(1, raw.rstrip("\f").count("\f") + 1):
        raise PartnergraphError(
            f"{path.name} has no text layer (a scan or images of pages), so there is no text to quote; "
            f"OCR it first, e.g. ocrmypdf {path.name} ocr.pdf (apt-get install ocrmypdf), and ingest ocr.pdf"
        )
    return text


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
