"""Source text that would run as script, formula or TeX if any output pasted it in as markup.

The viz file and the explorer's pages must show it as characters; one helper puts it
into a copy of the fixture so that both are tested with the same hostile strings. The
quote also opens an HTML comment and a script (`<!--<script>`), which, inside a page's
embedded JSON, would make the HTML parser swallow the rest of the page. A second helper
plants what spreadsheets, LaTeX and Word trip on: cells that start a formula, TeX
commands that run programs or read files, and control characters XML forbids.
"""

from __future__ import annotations

import re

from partnergraph import Project

HOSTILE_LABEL = "Trust <img src=x onerror=alert('label')>"
HOSTILE_QUOTE = "a partnership <!--<script>alert('quote')</script> needs trust"
HOSTILE_TITLE = "Formation <b onmouseover=alert('title')>of</b> partnerships"

FORMULA_QUOTE = '=HYPERLINK("http://127.0.0.1/x","click")'
FORMULA_SECTION = "@SUM(1+1)*cmd|' /C calc'!A0"
DASHED_LABEL = "Lack of trust – and of respect"
CONTROL_LABEL = "Power\x07imbalance"
CONTROL_QUOTE = "imbalance\x0bof power\x1b between partners"
SCRIPT_TITLE = "<script>alert('title')</script> [@osborne2012] # Heading"
TEX_TITLE = (
    r"\input{/etc/passwd} \write18{touch /tmp/pwned} ^^5cinput{/etc/hostname} \csname input\endcsname"
    r" \'{E}tude \emph{of} \& partnerships"
)


def make_hostile(project: Project) -> None:
    """A concept label (trust), a quote (competition, in tsrc-review) and a title (greasley2008)."""
    concepts = project.root / "corpus/concepts.yaml"
    concepts.write_text(concepts.read_text().replace("label: Trust\n", f'label: "{HOSTILE_LABEL}"\n'))
    document = project.root / "corpus/documents/tsrc-review.yaml"
    document.write_text(
        document.read_text().replace(
            'quote: "Competition within a market', f'quote: "{HOSTILE_QUOTE} Competition within a market'
        )
    )
    bib = project.root / "bibliography/works.bib"
    bib.write_text(bib.read_text().replace("title = {The formation of", f"title = {{{HOSTILE_TITLE} of"))


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar, control characters written as escapes."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in body) + '"'


def make_hostile_exports(project: Project) -> None:
    """Lack of trust's label gets an en dash, power imbalance's a control character; in wallace2010
    a quote about communication starts a formula and its section another, and one about
    lack of trust carries control characters; greasley2008's title holds TeX that runs or reads files
    and Markdown/HTML that would inject script, a citation and a heading."""
    concepts = project.root / "corpus/concepts.yaml"
    text = concepts.read_text().replace("label: Lack of trust\n", f"label: {_yaml(DASHED_LABEL)}\n")
    concepts.write_text(text.replace("label: Power imbalance\n", f"label: {_yaml(CONTROL_LABEL)}\n"))
    wallace = project.root / "corpus/documents/wallace2010.yaml"
    text = wallace.read_text().replace('quote: "lack of trust"', f"quote: {_yaml(CONTROL_QUOTE)}")
    formula = f"quote: {_yaml(FORMULA_QUOTE)}\n    section: {_yaml(FORMULA_SECTION)}"
    wallace.write_text(text.replace('quote: "lack of communication"\n    section: Appendix 2', formula))
    bib = project.root / "bibliography/works.bib"
    entry = re.compile(r"(@article\{greasley2008,\n  author = \{[^}]*\},\n  title = \{)")
    bib.write_text(entry.sub(lambda m: m[1] + f"{SCRIPT_TITLE} {TEX_TITLE} ", bib.read_text(), count=1))
