"""REFI-QDA exports: the vocabulary as a codebook (.qdc), the corpus as a project (.qdpx).

REFI-QDA (www.qdasoftware.org) is the exchange standard of NVivo, ATLAS.ti, MAXQDA and
QualCoder; with these files a team continues coding the reviewed documents where the
curators left off. The project holds each reviewed document's text as an internal
source and each claim as a coded selection of its quote, found in the text as
`partnergraph verify` finds it (whitespace folded); positions count Unicode code points
from 0 and end after the last character (schemas/refi-qda/README.md).

Everything written is derived from the graph and the texts alone — GUIDs from IRIs,
dates from the claims' provenance, a fixed time in the ZIP — so the same build gives
the same bytes, and nothing is written unless the whole export is sound.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from .build import write_atomically
from .errors import PartnergraphError
from .namespaces import PG, sparql_prologue
from .project import Project
from .quote_location import FoldedText
from .refi_qda_codes import Code, Codebook, CodeSet, claim_attribute_codes, concept_codebook, guid
from .stores import Store
from .verify import document_texts

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "partnergraph"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a ZIP entry can carry: no clock reaches the archive."""

_DOCUMENTS = """
SELECT ?doc ?key ?sha ?title ?authors ?issued WHERE {
  ?doc a pg:ReviewedDocument ; pg:citeKey ?key .
  OPTIONAL { ?doc pg:textSha256 ?sha }
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc pg:authors ?authors }
  OPTIONAL { ?doc dcterms:issued ?issued }
}
"""

_CLAIMS = """
SELECT ?claim ?id ?key ?concept ?quote ?polarityValue ?polarity ?kindValue ?kind
       ?section ?pages ?wording ?note ?agent ?agentName ?at ?by ?via
WHERE {
  ?claim a pg:Claim ; pg:claimId ?id ; pg:reportedIn/pg:citeKey ?key ; pg:about ?concept ; pg:quote ?quote .
  OPTIONAL { ?claim pg:polarity ?polarityValue OPTIONAL { ?polarityValue rdfs:label ?polarity } }
  OPTIONAL { ?claim pg:evidenceKind ?kindValue OPTIONAL { ?kindValue rdfs:label ?kind } }
  OPTIONAL { ?claim pg:section ?section }
  OPTIONAL { ?claim pg:citedPages ?pages }
  OPTIONAL { ?claim pg:sourceWording ?wording }
  OPTIONAL { ?claim skos:note ?note }
  OPTIONAL { ?claim prov:wasAttributedTo ?agent OPTIONAL { ?agent rdfs:label ?agentName } }
  OPTIONAL { ?claim prov:generatedAtTime ?at }
  OPTIONAL { ?claim pg:assertedBy/pg:citeKey ?by }
  OPTIONAL { ?claim pg:citedVia/pg:citeKey ?via }
}
"""
"""Asserting and via works come one per row and are gathered in Python: GROUP_CONCAT over
an unbound value fails on rdflib, and the order it joins values in is the store's."""


def write_codebook(project: Project, store: Store, out: Path) -> None:
    """The concept vocabulary as a REFI-QDA codebook (.qdc, Codebook.xsd)."""
    del project  # the codebook is the graph's; the signature matches write_project's
    codebook = concept_codebook(store)
    root = ET.Element("CodeBook", origin=ORIGIN)
    root.append(_codes(codebook.roots))
    if codebook.sets:
        root.append(_sets(codebook.sets, "guid"))
    write_atomically(out, _xml_bytes(root, CODEBOOK_NS))


@dataclass(frozen=True)
class _Source:
    key: str
    iri: str
    data: bytes
    text: str
    description: str

    @property
    def guid(self) -> str:
        return guid(self.iri)

    @property
    def internal_name(self) -> str:
        return f"{self.guid}.txt"


def write_project(project: Project, store: Store, texts: Path, out: Path) -> None:
    """The corpus as a REFI-QDA project (.qdpx): texts, codes, and each claim a coded selection."""
    codebook = concept_codebook(store)
    roots = codebook.roots + claim_attribute_codes(store)
    codable = {code.iri: code for code in Codebook(roots, []).walk() if code.codable}
    sources = _sources(project, store, texts)
    claims = _claims(store)
    by_document: dict[str, list[dict]] = {}
    for claim in claims:
        by_document.setdefault(str(claim["key"]), []).append(claim)
    users = sorted({(str(c["agent"]), str(c["agentName"] or c["agent"])) for c in claims if c["agent"]})

    root = ET.Element("Project", name="partnergraph evidence graph", origin=ORIGIN)
    if users:
        users_el = ET.SubElement(root, "Users")
        for iri, name in users:
            ET.SubElement(users_el, "User", guid=guid(iri), name=name, id=iri)
    codebook_el = ET.SubElement(root, "CodeBook")
    codebook_el.append(_codes(roots))
    if sources:  # the schema wants at least one source inside <Sources>
        sources_el = ET.SubElement(root, "Sources")
        for source in sources.values():
            sources_el.append(_text_source(source, by_document.get(source.key, []), codable))
    if codebook.sets:
        root.append(_sets(codebook.sets, "targetGUID"))
    ET.SubElement(root, "Description").text = (
        "Exported by partnergraph. Each selection is one claim of the evidence graph: its quote in the "
        "reviewed document, coded with the concept the claim is about, its polarity and its evidence kind; "
        "the selection's description gives the works asserting it and the claim's IRI. The concept codes "
        "are the controlled vocabulary; each description ends with the concept's IRI."
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        _add(zipped, "project.qde", _xml_bytes(root, PROJECT_NS))
        for source in sorted(sources.values(), key=lambda s: s.internal_name):
            _add(zipped, f"sources/{source.internal_name}", source.data)
    write_atomically(out, archive.getvalue())


def _claims(store: Store) -> list[dict]:
    """One row per claim, with its asserting and via works gathered.

    A claim curated by a named curator is also attributed to the generic hand curation;
    the curator is its user. A claim with several curators or dates keeps the first (by
    IRI and value), so it is still one selection."""
    rows = store.select(sparql_prologue() + _CLAIMS, include_inferred=False).dicts()
    claims: dict[str, dict] = {}
    for row in sorted(rows, key=_curator_first):
        claim = claims.setdefault(str(row["claim"]), {**row, "by": set(), "via": set()})
        claim["by"].update([str(row["by"])] if row["by"] else [])
        claim["via"].update([str(row["via"])] if row["via"] else [])
    return list(claims.values())


def _curator_first(row: dict) -> tuple[bool, tuple[str, ...]]:
    generic = row["agent"] is not None and str(row["agent"]) == str(PG.HandCuration)
    return generic, tuple(str(value or "") for value in row.values())


def _sources(project: Project, store: Store, texts: Path) -> dict[str, _Source]:
    """Each reviewed document with its text, found as `verify` finds it and checked against
    the SHA-256 the graph records (where it records one); any missing or changed text stops
    the export."""
    found = {doc.document: (doc, path) for doc, path in document_texts(project, texts)[1]}
    sources: dict[str, _Source] = {}
    rows = store.select(sparql_prologue() + _DOCUMENTS, include_inferred=False).dicts()
    for row in sorted(rows, key=lambda r: str(r["key"])):
        key = str(row["key"])
        doc, path = found.get(key, (None, None))
        where = f"{doc.origin.path} line {doc.origin.line}" if doc else f"reviewed document {key}"
        if path is None:
            raise PartnergraphError(
                f"{where}: no text of {key} in {texts} — put the reviewed text there "
                "(the file named by its `text: file:`) or pass --texts with the folder that holds it"
            )
        data = path.read_bytes()
        recorded = str(row["sha"]).lower() if row["sha"] else None
        actual = hashlib.sha256(data).hexdigest()
        if recorded is not None and actual != recorded:
            raise PartnergraphError(
                f"{where}: {path} has SHA-256 {actual}, but the graph records {recorded} for {key} "
                "— export with the text its quotes were read in, or set `text: sha256:` to the new "
                "text's, check its quotes (partnergraph verify) and rebuild"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PartnergraphError(
                f"{path}: not UTF-8 at byte {exc.start} — REFI-QDA plain-text sources are UTF-8; "
                "convert the text (iconv -t UTF-8), set `text: sha256:` to the new file's and rebuild"
            ) from exc
        sources[key] = _Source(key, str(row["doc"]), data, text, _source_description(row, actual))
    return sources


def _source_description(row: dict, sha256: str) -> str:
    lines = [str(row[k]) for k in ("title", "authors", "issued") if row[k] is not None]
    lines += [f"Cite key: {row['key']}", f"Work: {row['doc']}", f"Text SHA-256: {sha256}"]
    return "\n".join(lines)


def _text_source(source: _Source, claims: list[dict], codes: dict[str, Code]) -> ET.Element:
    element = ET.Element(
        "TextSource",
        guid=source.guid,
        name=source.key,
        plainTextPath=f"internal://{source.internal_name}",
    )
    ET.SubElement(element, "Description").text = source.description
    text = FoldedText.of(source.text)
    placed = []
    for claim in claims:
        span = text.locate(str(claim["quote"]))
        if span is None:
            raise PartnergraphError(
                f"claim {claim['id']} of {source.key} ({claim['claim']}): its quote is not in the text "
                "— run `partnergraph verify --texts DIR` for the file and line, correct the quote and rebuild"
            )
        code = codes.get(str(claim["concept"]))
        if code is None:
            raise PartnergraphError(
                f"claim {claim['id']} of {source.key}: its concept {claim['concept']} is not in the "
                "vocabulary's scheme — rebuild (partnergraph build) and export again"
            )
        coded = [("", code)] + [
            (f"/{name}", codes[str(claim[name])])
            for name in ("polarityValue", "kindValue")
            if str(claim[name]) in codes
        ]
        placed.append((span.start, span.end, str(claim["claim"]), claim, coded))
    for start, end, _, claim, coded in sorted(placed, key=lambda p: p[:3]):
        element.append(_selection(start, end, claim, coded))
    return element


def _selection(start: int, end: int, claim: dict, coded: list[tuple[str, Code]]) -> ET.Element:
    """The claim's quote coded with its concept first, then its polarity and evidence kind."""
    iri = str(claim["claim"])
    user = {"creatingUser": guid(str(claim["agent"]))} if claim["agent"] else {}
    when = _date_time(claim["at"])
    dated = {"creationDateTime": when} if when else {}
    selection = ET.Element(
        "PlainTextSelection",
        guid=guid(iri),
        name=f"{claim['key']} {claim['id']}",
        startPosition=str(start),
        endPosition=str(end),
        **user,
        **dated,
    )
    ET.SubElement(selection, "Description").text = _claim_description(claim)
    for suffix, code in coded:
        coding = ET.SubElement(selection, "Coding", guid=guid(f"{iri}/coding{suffix}"), **user, **dated)
        ET.SubElement(coding, "CodeRef", targetGUID=code.guid)
    return selection


def _claim_description(claim: dict) -> str:
    fields = (
        ("Polarity", claim["polarity"]),
        ("Evidence kind", claim["kind"]),
        ("Asserted by", "; ".join(sorted(claim["by"]))),
        ("Cited via", "; ".join(sorted(claim["via"]))),
        ("Section", claim["section"]),
        ("Cited pages", claim["pages"]),
        ("Wording", claim["wording"]),
        ("Note", claim["note"]),
        ("Claim", claim["claim"]),
    )
    return "\n".join(f"{name}: {value}" for name, value in fields if value is not None and str(value))


def _date_time(term: object) -> str | None:
    """xsd:dateTime as given; a date at midnight UTC; anything else is left out (never the clock)."""
    if term is None:
        return None
    value = str(term)
    datatype = getattr(term, "datatype", "") or ""
    if datatype.endswith("#dateTime"):
        return value
    if datatype.endswith("#date"):
        return f"{value}T00:00:00Z"
    return None


def _codes(roots: list[Code]) -> ET.Element:
    codes = ET.Element("Codes")
    for root in roots:
        codes.append(_code(root))
    return codes


def _code(code: Code) -> ET.Element:
    attributes = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.color:
        attributes["color"] = code.color
    element = ET.Element("Code", attributes)
    ET.SubElement(element, "Description").text = code.description
    for child in code.children:
        element.append(_code(child))
    return element


def _sets(sets: list[CodeSet], member_attribute: str) -> ET.Element:
    """Code sets; the codebook schema names a member by `guid`, the project schema by `targetGUID`."""
    element = ET.Element("Sets")
    for code_set in sets:
        set_el = ET.SubElement(element, "Set", guid=code_set.guid, name=code_set.name)
        ET.SubElement(set_el, "Description").text = code_set.description
        for member in code_set.members:
            ET.SubElement(set_el, "MemberCode", {member_attribute: member})
    return element


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped; ElementTree would write them as they are."""


def _xml_bytes(root: ET.Element, ns: str) -> bytes:
    """The tree written with `ns` as the default namespace of every element.

    The elements carry plain names and the root an `xmlns` attribute: ElementTree's own
    `default_namespace` refuses the unqualified attributes the REFI-QDA schemas require."""
    root.attrib = {"xmlns": ns, **root.attrib}
    ET.indent(root)
    xml = ET.tostring(root, encoding="unicode")
    bad = _NOT_XML.search(xml)
    if bad:
        context = xml[max(0, bad.start() - 60) : bad.end() + 60].replace(bad.group(), "\ufffd")
        raise PartnergraphError(
            f"the export would hold U+{ord(bad.group()):04X}, a control character XML cannot hold, in "
            f"«{context.strip()}» — remove it from the authoring file the text comes from "
            "(corpus/concepts.yaml, a document's YAML or the bibliography) and rebuild"
        )
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xml.encode() + b"\n"


def _add(zipped: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zipped.writestr(info, data)
