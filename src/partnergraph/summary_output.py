"""Writing a `Summary`: one Markdown document for Pandoc, and HTML and Word made from it.

The Markdown keeps citations as Pandoc keys (`[@key, p. 24]`) and carries its own
references in the YAML metadata, so `pandoc --citeproc summary.md` works from any
folder; `write_summary` also writes the works beside it as BibTeX and CSL-JSON
(`bib export`'s writers) for Zotero and LaTeX, and a copy of the CSL style that
`csl:` names. HTML and Word are that same document rendered by Pandoc's citeproc
(pandoc_citeproc.py says why Pandoc rather than citeproc-py), so every format
formats citations and reference lists exactly as `pandoc --citeproc` does.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from .bibexport import export_bibtex, export_csljson
from .bibliography import Work
from .build import write_atomically
from .pandoc_citeproc import markdown_text, reference_items, run_pandoc, yaml_references
from .summary import Cite, Section, Segment, Summary, grade_note, style_path

FORMATS = ("markdown", "html", "docx")
BUNDLE_STEM = "summary"
CSS = """
body { font-family: Georgia, serif; max-width: 46rem; line-height: 1.5; color: #222; }
h2 { border-bottom: 1px solid #ccc; } blockquote { border-left: 3px solid #8aa; color: #222; }
.where { color: #666; font-size: 0.9rem; } table { font-size: 0.9rem; }
"""


def pandoc_cite(cites: tuple[Cite, ...]) -> str:
    parts = [f"@{c.key}, p. {markdown_text(c.pages)}" if c.pages else f"@{c.key}" for c in cites]
    return "[" + "; ".join(parts) + "]"


def segment_markdown(segment: Segment) -> str:
    return markdown_text(segment.text) if segment.text else pandoc_cite(segment.cites)


def section_markdown(section: Section) -> list[str]:
    label = markdown_text(section.concept.label)
    lines = [f"## {label}", ""]
    lines.append("".join(segment_markdown(s) for s in section.paragraph))
    lines.append("")
    prof = section.evidence.profile
    kinds = ", ".join(f"{kind} {n}" for kind, n in prof.evidence_kinds.items())
    years = f"{prof.years[0]}–{prof.years[1]}" if prof.years else "not stated"
    lines += [f"- Kinds of evidence (claims): {markdown_text(kinds)}", f"- Years of the works: {years}", ""]
    if section.works:
        lines += ["| Work | Claims | Reported as | Read in |", "|:--|--:|:--|:--|"]
        lines += [
            f"| {segment_markdown(row.cite)} | {row.claims} | {markdown_text(row.effects)} | "
            f"{markdown_text(row.read_in)} |"
            for row in section.works
        ]
        lines += ["", f"Table: Every work behind {label}, strongest evidence first.", ""]
    for claim, segment in section.quotes:
        where = ", ".join(filter(None, [claim.reviewed_in_name or claim.reviewed_in, claim.section]))
        quote = markdown_text(claim.quote)
        lines += [f"> “{quote}” {segment_markdown(segment)} (read in {markdown_text(where)})", ""]
    return lines


def to_markdown(summary: Summary, works: list[Work], csl: str | None = None) -> str:
    """The summary as Pandoc Markdown with its references embedded; `csl` is the path
    the `csl:` metadata names (none: Pandoc's default style, or `--csl` on its command line)."""
    cited = cited_works(summary, works)
    lines = ["---", f"title: {json.dumps(markdown_text(summary.title), ensure_ascii=False)}"]
    if csl:
        lines.append(f"csl: {json.dumps(csl, ensure_ascii=False)}")
    lines += ["link-citations: true", *yaml_references(reference_items(cited)), "---", ""]
    for section in summary.sections:
        lines += section_markdown(section)
    lines += ["## About the confidence grades", ""]
    for text in grade_note():
        lines += [markdown_text(text), ""]
    lines += ["## References", "", "::: {#refs}", ":::", ""]
    return "\n".join(lines)


def cited_works(summary: Summary, works: list[Work]) -> list[Work]:
    by_key = {w.key: w for w in works}
    return [by_key[key] for key in summary.cited_keys() if key in by_key]


def to_html(summary: Summary, works: list[Work], style: str) -> str:
    """A standalone HTML page (heading "References" over Pandoc's reference list)."""
    page = run_pandoc(
        to_markdown(summary, works),
        "html5",
        style_path(style),
        "--standalone",
        "--wrap=none",
        f"--variable=header-includes:<style>{CSS}</style>",
    )
    return page.decode("utf-8")


def to_docx(summary: Summary, works: list[Work], style: str) -> bytes:
    """A Word document (heading "References" over Pandoc's reference list)."""
    return run_pandoc(to_markdown(summary, works), "docx", style_path(style), "--output=-")


def markdown_bundle(summary: Summary, works: list[Work], style: str) -> bytes:
    """A .zip of summary.md (references embedded, `csl: summary.csl`), summary.bib,
    summary.json (CSL-JSON) and summary.csl: what the Markdown needs, wherever it is
    unzipped. Run Pandoc in that folder, or give it `--resource-path=FOLDER`."""
    cited = cited_works(summary, works)
    csl = f"{BUNDLE_STEM}.csl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(f"{BUNDLE_STEM}.md", to_markdown(summary, cited, csl))
        bundle.writestr(f"{BUNDLE_STEM}.bib", export_bibtex(cited))
        bundle.writestr(f"{BUNDLE_STEM}.json", export_csljson(cited))
        bundle.writestr(csl, style_path(style).read_bytes())
    return buffer.getvalue()


def write_summary(summary: Summary, works: list[Work], out: Path, fmt: str, style: str) -> list[Path]:
    """Write the summary (and, for Markdown, its .bib, CSL-JSON and .csl); return the files written.

    The Markdown's `csl:` is the absolute path of the style copied beside it, since
    Pandoc looks a relative one up from the folder it runs in, not the file's."""
    cited = cited_works(summary, works)
    if fmt == "markdown":
        bib, csl_json, csl = out.with_suffix(".bib"), out.with_suffix(".json"), out.with_suffix(".csl")
        write_atomically(bib, export_bibtex(cited).encode("utf-8"))
        write_atomically(csl_json, export_csljson(cited).encode("utf-8"))
        write_atomically(csl, style_path(style).read_bytes())
        write_atomically(out, to_markdown(summary, cited, str(csl.resolve())).encode("utf-8"))
        return [out, bib, csl_json, csl]
    if fmt == "html":
        write_atomically(out, to_html(summary, cited, style).encode("utf-8"))
    else:
        write_atomically(out, to_docx(summary, cited, style))
    return [out]
