"""A one-document project around a small text written here, for the anchor, provenance
and citation-typing tests: the text has a CRLF line end, form feeds (three pages) and
non-ASCII characters before the quotes, so byte offsets, translated newlines or a wrong
page count each move an anchor off its quote."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from partnergraph import Project

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
TEXT = (
    "Côte d’Ivoire and “elsewhere”: a review\r\n"
    "\fPartnerships need trust, as Cairns et al (2010) found.\n"
    "They need good\n   communication between partners, and time (Jones et al, 2010).\n"
    "\fTrust matters, they said; trust matters again in the end.\n"
)
DOCUMENT = """document: tsrc-review
{curation}text:
  file: review.txt
  sha256: "{sha}"
claims:
{claims}"""


def text_sha() -> str:
    return hashlib.sha256(TEXT.encode("utf-8")).hexdigest()


def one_document_project(tmp_path: Path, claims: str, curation: str = "") -> tuple[Project, Path]:
    """The mini project with its documents replaced by one, and the folder of its text."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    for path in (root / "corpus" / "documents").glob("*.yaml"):
        path.unlink()
    document = DOCUMENT.format(curation=curation, sha=text_sha(), claims=claims)
    (root / "corpus" / "documents" / "tsrc-review.yaml").write_text(document, encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "review.txt").write_bytes(TEXT.encode("utf-8"))
    return Project.locate(root), texts
