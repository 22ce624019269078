"""Source text that would run as script if any page pasted it in as markup.

The viz file and the explorer's pages must show it as characters; one helper puts it
into a copy of the fixture so that both are tested with the same hostile strings.
"""

from __future__ import annotations

from partnergraph import Project

HOSTILE_LABEL = "Trust <img src=x onerror=alert('label')>"
HOSTILE_QUOTE = "a partnership <script>alert('quote')</script> needs trust"
HOSTILE_TITLE = "Formation <b onmouseover=alert('title')>of</b> partnerships"


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
