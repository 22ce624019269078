"""How long `partnergraph ingest` takes on a ~30-page PDF review (the issue's goal: under 30 s
on a 2-core machine).

The PDF is real: the synthetic review of tests/fixtures/ingest, its sections repeated
with new numbers (and its endnotes renumbered, so every copy cites notes of its own),
rendered by pandoc and printed by Debian's Chromium exactly as tests/test_ingest_pdf.py
prints it, with a running head and page numbers. It is then ingested into a copy of the
seed project, once, and the figures printed. Not a timed test. Run:

    python benchmarks/bench_ingest_pdf.py [--copies 34] [--paper A4] [--size 11]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from partnergraph import Project  # noqa: E402
from partnergraph.ingest import ingest  # noqa: E402
from partnergraph.text_extraction import extract_text  # noqa: E402
from printed_pdf import launched_browser, print_review  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "ingest" / "synthetic-review.md"
NOTES_PER_COPY = 6


def long_review(copies: int) -> str:
    """The fixture's body `copies` times, sections and note numbers shifted per copy; each
    copy's notes are works of their own (the years differ)."""
    text = FIXTURE.read_text(encoding="utf-8")
    title, rest = text.split("\n## 1 ", 1)
    body, lists = ("## 1 " + rest).split("\n## References", 1)
    references, notes = lists.split("\n## Notes", 1)
    parts, all_notes = [title.rstrip() + "\n"], []
    for copy in range(copies):
        shift = copy * NOTES_PER_COPY

        def renumber(match: re.Match[str], shift: int = shift) -> str:
            return re.sub(r"\d+", lambda n: str(int(n.group()) + shift), match.group())

        part = re.sub(r"\[\d+(?:[-,]\d+)*\]", renumber, body)
        part = re.sub(r"^## (\d+)", lambda m, c=copy: f"## {c * 4 + int(m.group(1))}", part, flags=re.M)
        parts.append(part)
        own = re.sub(r"\((20\d\d)\)", lambda m, c=copy: f"({int(m.group(1)) - c})", notes.strip())
        if copy < copies - 1:  # an empty note mid-list would swallow the next one's number
            own = re.sub(
                r"\[6\]\s*$", f"[6] Okafor, N. ({2018 - copy}). The cost of partnership. Example Press.", own
            )
        all_notes.append(re.sub(r"^\[\d+\]", renumber, own, flags=re.M))
    return (
        "\n".join(parts) + "\n## References" + references + "\n## Notes\n\n" + "\n\n".join(all_notes) + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=34, help="copies of the fixture's body")
    parser.add_argument("--paper", default="A4")
    parser.add_argument("--size", type=int, default=11, help="font size, points")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        markdown = work / "long-review.md"
        markdown.write_text(long_review(args.copies), encoding="utf-8")
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with launched_browser(chromium) as browser:
            pdf = print_review(markdown, work / "long-review.pdf", browser, args.paper, args.size)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        project_root = work / "project"
        for part in ("ontology", "corpus", "bibliography", "queries"):
            shutil.copytree(ROOT / part, project_root / part)
        project = Project.locate(project_root)
        started = time.perf_counter()
        text = extract_text(pdf)
        extracted = time.perf_counter() - started
        started = time.perf_counter()
        report = ingest(project, pdf, "long2026review")
        total = time.perf_counter() - started
        print(f"PDF: {pages} pages, {len(text):,} characters of text")
        print(f"pdftotext and running heads: {extracted:.2f} s")
        print(f"ingest (text, references, citations, drafts): {total:.2f} s")
        print("\n".join(report.lines(project)))


if __name__ == "__main__":
    main()
