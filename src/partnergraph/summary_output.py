"""Writing a `Summary`: Markdown for Pandoc, or HTML and Word through citeproc-py.

Markdown keeps citations as Pandoc keys and writes the bibliography beside it as
BibTeX and CSL-JSON (`bib export`'s writers, not a second one), so `pandoc --citeproc`
formats them in whatever style the writer's journal wants. HTML and Word are finished
documents: citeproc-py formats each citation and the reference list in a CSL style,
reading CSL-JSON, since its BibTeX reader drops the fields of reports and grey
literature.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

from .bibexport import export_bibtex, export_csljson, to_csl
from .bibliography import Work
from .build import write_atomically
from .evidence_output import profile_lines
from .summary import Cite, Summary, style_path

FORMATS = ("markdown", "html", "docx")


def pandoc_cite(cites: tuple[Cite, ...]) -> str:
    parts = [f"@{c.key}, p. {c.pages}" if c.pages else f"@{c.key}" for c in cites]
    return "[" + "; ".join(parts) + "]"


def to_markdown(summary: Summary, bibliography: str) -> str:
    lines = [
        "---",
        f"title: {json.dumps(summary.title, ensure_ascii=False)}",
        f"bibliography: {bibliography}",
        "link-citations: true",
        "---",
        "",
    ]
    for section in summary.sections:
        lines.append(f"## {section.concept.label}")
        lines.append("")
        lines.append("".join(s.text or pandoc_cite(s.cites) for s in section.paragraph))
        lines.append("")
        lines += [f"- {line}" for line in profile_lines(section.evidence.profile)]
        lines.append("")
        for claim, segment in section.quotes:
            where = ", ".join(filter(None, [claim.reviewed_in, claim.section]))
            lines.append(f"> “{claim.quote}” {pandoc_cite(segment.cites)} (read in {where})")
            lines.append("")
    lines += ["## References", "", "::: {#refs}", ":::", ""]
    return "\n".join(lines)


class Formatter:
    """citeproc-py in one CSL style over the summary's works, read as CSL-JSON."""

    def __init__(self, works: list[Work], style: str, output: str) -> None:
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON

        self._source = CiteProcJSON([to_csl(w) for w in works])
        self._style = CitationStylesStyle(str(style_path(style)), validate=False)
        self._bibliography = CitationStylesBibliography(self._style, self._source, getattr(formatter, output))
        self._citations: dict[tuple[Cite, ...], object] = {}

    def register(self, cites: tuple[Cite, ...]) -> None:
        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        items = [
            CitationItem(c.key, locator=Locator("page", c.pages)) if c.pages else CitationItem(c.key)
            for c in cites
        ]
        citation = Citation(items)
        self._bibliography.register(citation)
        self._citations[cites] = citation

    def cite(self, cites: tuple[Cite, ...]) -> str:
        return str(self._bibliography.cite(self._citations[cites], lambda item: None))

    def references(self) -> list[str]:
        return [str(entry) for entry in self._bibliography.bibliography()]


def formatted(summary: Summary, works: list[Work], style: str, output: str) -> tuple[Formatter, Callable]:
    fmt = Formatter(works, style, output)
    groups = [
        s.cites for sec in summary.sections for s in [*sec.paragraph, *(q for _, q in sec.quotes)] if s.cites
    ]
    for cites in groups:
        fmt.register(cites)
    return fmt, fmt.cite


CSS = """
body { font-family: Georgia, serif; max-width: 46rem; margin: 2rem auto; line-height: 1.5; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
ul.profile { color: #444; font-size: 0.95rem; } blockquote { margin: 1rem 0; padding-left: 1rem;
border-left: 3px solid #8aa; } .where { color: #666; font-size: 0.9rem; }
.references p { padding-left: 2rem; text-indent: -2rem; }
"""


def to_html(summary: Summary, works: list[Work], style: str) -> str:
    fmt, cite = formatted(summary, works, style, "html")
    esc = html.escape
    body = [f"<h1>{esc(summary.title)}</h1>"]
    for section in summary.sections:
        body.append(f'<h2 id="{esc(section.concept.slug)}">{esc(section.concept.label)}</h2>')
        body.append(
            "<p>" + "".join(esc(s.text) if s.text else cite(s.cites) for s in section.paragraph) + "</p>"
        )
        body.append(
            '<ul class="profile">'
            + "".join(f"<li>{esc(line)}</li>" for line in profile_lines(section.evidence.profile))
            + "</ul>"
        )
        for claim, segment in section.quotes:
            where = ", ".join(filter(None, [claim.reviewed_in, claim.section]))
            body.append(
                f"<blockquote>“{esc(claim.quote)}” {cite(segment.cites)} "
                f'<span class="where">(read in {esc(where)})</span></blockquote>'
            )
    body.append('<h2 id="references">References</h2><div class="references">')
    body += [f"<p>{entry}</p>" for entry in fmt.references()]
    body.append("</div>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(summary.title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def to_docx(summary: Summary, works: list[Work], style: str) -> bytes:
    import io

    from docx import Document

    fmt, cite = formatted(summary, works, style, "plain")
    document = Document()
    document.add_heading(summary.title, level=1)
    for section in summary.sections:
        document.add_heading(section.concept.label, level=2)
        document.add_paragraph("".join(s.text or cite(s.cites) for s in section.paragraph))
        for line in profile_lines(section.evidence.profile):
            document.add_paragraph(line, style="List Bullet")
        for claim, segment in section.quotes:
            where = ", ".join(filter(None, [claim.reviewed_in, claim.section]))
            quote = document.add_paragraph(style="Quote")
            quote.add_run(f"“{claim.quote}” ")
            quote.add_run(f"{cite(segment.cites)} (read in {where})")
    document.add_heading("References", level=2)
    for entry in fmt.references():
        document.add_paragraph(entry)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_summary(summary: Summary, works: list[Work], out: Path, fmt: str, style: str) -> list[Path]:
    """Write the summary (and, for Markdown, its .bib and CSL-JSON); return the files written."""
    cited = [w for key in summary.cited_keys() for w in works if w.key == key]
    if fmt == "markdown":
        bib, csl = out.with_suffix(".bib"), out.with_suffix(".json")
        write_atomically(bib, export_bibtex(cited).encode("utf-8"))
        write_atomically(csl, export_csljson(cited).encode("utf-8"))
        write_atomically(out, to_markdown(summary, csl.name).encode("utf-8"))
        return [out, bib, csl]
    if fmt == "html":
        write_atomically(out, to_html(summary, cited, style).encode("utf-8"))
    else:
        write_atomically(out, to_docx(summary, cited, style))
    return [out]
