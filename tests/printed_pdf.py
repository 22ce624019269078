"""A real PDF of a Markdown review, as a reader would get one: pandoc writes the HTML,
Debian's Chromium prints it (through Playwright) with a running header and page
numbers, so the PDF has what real ones have: pages, running heads, a text layer laid out
by a real typesetter. Shared by tests/test_ingest_pdf.py and benchmarks/bench_ingest_pdf.py.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RUNNING_HEAD = "Working Together Locally"
_HEADER = f'<div style="font-size:8px;width:100%;text-align:center">{RUNNING_HEAD}</div>'
_FOOTER = '<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span></div>'
# By default A5 at 15pt: a short review runs over several pages, and sentences break across them.
_PAGE_STYLE = (
    "body {{ font-size: {size}pt; max-width: none; margin: 0; padding: 0; }} header {{ display: none; }}"
)


def markdown_to_html(markdown: Path, html: Path) -> None:
    """`-smart` keeps straight apostrophes: the words of the PDF stay those of the Markdown."""
    command = ["pandoc", "-f", "markdown-smart", "-s", "--metadata", "title=review"]
    subprocess.run([*command, str(markdown), "-o", str(html)], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def launched_browser(chromium: str) -> Iterator[Any]:
    """A Chromium of its own, for a script; tests share the session's (tests/browser.py),
    since Playwright's sync API allows one instance per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def print_pdf(html: Path, pdf: Path, browser: Any, paper: str = "A5", size: int = 15) -> None:
    page = browser.new_page()
    try:
        page.goto(html.resolve().as_uri())
        page.add_style_tag(content=_PAGE_STYLE.format(size=size))
        margin = {"top": "2cm", "bottom": "2cm", "left": "1.5cm", "right": "1.5cm"}
        page.pdf(
            path=str(pdf), format=paper, display_header_footer=True, header_template=_HEADER,
            footer_template=_FOOTER, margin=margin,
        )  # fmt: skip
    finally:
        page.close()


def print_review(markdown: Path, pdf: Path, browser: Any, paper: str = "A5", size: int = 15) -> Path:
    html = pdf.with_suffix(".html")
    markdown_to_html(markdown, html)
    print_pdf(html, pdf, browser, paper, size)
    return pdf
