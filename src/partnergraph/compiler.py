"""Compile the authoring files into RDF, in the terms `docs/schema.md` lays down.

The compiler only translates: every check happens before it runs, so it can assume
that every name resolves. It writes no blank nodes, so that the serialised graph is
byte-identical from build to build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS, XSD

from .bibliography import Work
from .corpus import EVIDENCE_KINDS, POLARITIES, Claim, Corpus, DocumentAnnotations
from .namespaces import BIBO, OA, PG, PREFIXES, SCHEME, claim_iri, concept_iri, work_iri

BIBO_CLASS = {
    "article": BIBO.AcademicArticle,
    "inproceedings": BIBO.AcademicArticle,
    "book": BIBO.Book,
    "incollection": BIBO.Chapter,
    "inbook": BIBO.Chapter,
    "techreport": BIBO.Report,
    "report": BIBO.Report,
    "phdthesis": BIBO.Thesis,
    "mastersthesis": BIBO.Thesis,
    "thesis": BIBO.Thesis,
    "online": BIBO.Webpage,
    "webpage": BIBO.Webpage,
    "legislation": BIBO.Legislation,
    "legal": BIBO.Legislation,
    "policy": PG.PolicyDocument,
}
# BibTeX field -> predicate; values are literals as the BibTeX holds them.
WORK_FIELDS = {
    "title": DCTERMS.title,
    "author": PG.authors,
    "editor": PG.editors,
    "journal": PG.containerTitle,
    "booktitle": PG.containerTitle,
    "series": PG.containerTitle,
    "publisher": DCTERMS.publisher,
    "institution": PG.institution,
    "organization": PG.institution,
    "school": PG.institution,
    "volume": BIBO.volume,
    "number": BIBO.issue,
    "pages": BIBO.pages,
    "doi": BIBO.doi,
    "url": BIBO.uri,
    "edition": BIBO.edition,
    "address": PG.place,
    "note": PG.bibNote,
}
YEAR = re.compile(r"^\d{4}$")


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def add_works(graph: Graph, works: Iterable[Work], reviewed: dict[str, DocumentAnnotations]) -> None:
    for work in works:
        node = work_iri(work.key)
        graph.add((node, RDF.type, PG.Work))
        graph.add((node, RDF.type, BIBO_CLASS.get(work.entry_type, BIBO.Document)))
        graph.add((node, PG.citeKey, Literal(work.key)))
        for name, predicate in WORK_FIELDS.items():
            value = work.get(name)
            if value:
                graph.add((node, predicate, Literal(value)))
        year = work.get("year") or work.get("date")
        if year:
            datatype = XSD.gYear if YEAR.match(year) else None
            graph.add((node, DCTERMS.issued, Literal(year, datatype=datatype)))
        for variant in work.variant_keys:
            graph.add((node, PG.variantKey, Literal(variant)))
        for supplied in work.supplied_fields:
            graph.add((node, PG.suppliedField, Literal(supplied)))
        if work.minimal:
            graph.add((node, PG.minimalRecord, Literal(True)))
        endnote = work.get("pg-endnote")
        if endnote and endnote.isdigit():
            graph.add((node, PG.endnoteNumber, Literal(int(endnote))))
        if (work.get("pg-unresolved") or "").lower() == "true":
            graph.add((node, PG.unresolvedCitation, Literal(True)))
        doc = reviewed.get(work.key)
        if doc is not None:
            graph.add((node, RDF.type, PG.ReviewedDocument))
            if doc.text_file:
                graph.add((node, PG.textFile, Literal(doc.text_file)))
            if doc.text_sha256:
                graph.add((node, PG.textSha256, Literal(doc.text_sha256)))


def add_concepts(graph: Graph, corpus: Corpus) -> None:
    graph.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((SCHEME, SKOS.prefLabel, _en("partnergraph concepts of partnership working")))
    for c in corpus.concepts:
        node = concept_iri(c.slug)
        graph.add((node, RDF.type, SKOS.Concept))
        graph.add((node, RDF.type, PG[c.cls]))
        graph.add((node, SKOS.inScheme, SCHEME))
        graph.add((node, SKOS.prefLabel, _en(c.label)))
        for alt in c.alt:
            graph.add((node, SKOS.altLabel, _en(alt)))
        if c.definition:
            graph.add((node, SKOS.definition, _en(c.definition)))
        if c.definition_source:
            graph.add((node, PG.definitionSource, work_iri(c.definition_source)))
        for broader in c.broader:
            graph.add((node, SKOS.broader, concept_iri(broader)))
        if c.counterpart:
            graph.add((node, PG.counterpart, concept_iri(c.counterpart)))
        for key in c.proposed_by:
            graph.add((node, PG.proposedBy, work_iri(key)))
        if c.note:
            graph.add((node, SKOS.scopeNote, _en(c.note)))


def add_claim(graph: Graph, doc: DocumentAnnotations, claim: Claim) -> None:
    node = claim_iri(doc.document, claim.id)
    reviewed = work_iri(doc.document)
    graph.add((node, RDF.type, PG.Claim))
    graph.add((node, PG.claimId, Literal(claim.id)))
    graph.add((node, PG.about, concept_iri(claim.concept)))
    graph.add((node, PG.polarity, PG[POLARITIES[claim.polarity]]))
    for key in claim.asserted_by or (doc.document,):
        graph.add((node, PG.assertedBy, work_iri(key)))
    for key in claim.via:
        graph.add((node, PG.citedVia, work_iri(key)))
    graph.add((node, PG.reportedIn, reviewed))
    graph.add((node, PG.quote, Literal(claim.quote)))
    optional_literals = {
        PG.section: claim.section,
        PG.citedPages: claim.pages,
        PG.sourceWording: claim.wording,
        PG.country: claim.country,
        SKOS.note: claim.note,
    }
    for predicate, value in optional_literals.items():
        if value:
            graph.add((node, predicate, Literal(value)))
    if claim.count is not None:
        graph.add((node, PG.mentionCount, Literal(claim.count)))
    if claim.kind:
        graph.add((node, PG.evidenceKind, PG[EVIDENCE_KINDS[claim.kind]]))
    for kind in claim.more_kinds:
        graph.add((node, PG.additionalEvidenceKind, PG[EVIDENCE_KINDS[kind]]))
    for sector in claim.sectors:
        graph.add((node, PG.sector, Literal(sector)))
    for number in claim.endnotes:
        graph.add((node, PG.citedInNote, Literal(number)))
    if claim.partnership_type:
        graph.add((node, PG.partnershipType, concept_iri(claim.partnership_type)))
    graph.add((node, PROV.wasAttributedTo, PG.HandCuration))
    _add_anchor(graph, node, reviewed, claim.quote)


def _add_anchor(graph: Graph, claim: URIRef, document: URIRef, quote: str) -> None:
    """The quote as a W3C Web Annotation, so annotation tools can find it in the text."""
    anchor = URIRef(f"{claim}/anchor")
    target = URIRef(f"{anchor}/target")
    selector = URIRef(f"{anchor}/selector")
    graph.add((anchor, RDF.type, OA.Annotation))
    graph.add((anchor, OA.hasBody, claim))
    graph.add((anchor, OA.hasTarget, target))
    graph.add((target, RDF.type, OA.SpecificResource))
    graph.add((target, OA.hasSource, document))
    graph.add((target, OA.hasSelector, selector))
    graph.add((selector, RDF.type, OA.TextQuoteSelector))
    graph.add((selector, OA.exact, Literal(quote)))


def canonical(ontology: Graph) -> Graph:
    """The ontology with blank nodes relabelled by content, so their labels never vary."""
    return to_canonical_graph(ontology)


def serialize_turtle(graph: Graph) -> bytes:
    """Deterministic Turtle: triples sorted as N-Triples, written by Oxigraph.

    rdflib's pretty Turtle writer took 26 s for the 63,000 triples of a seed-sized
    corpus; sorting N-Triples and letting pyoxigraph write Turtle takes under a second,
    and sorting makes the bytes independent of insertion and hash order.
    """
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines()))
    triples = [q.triple for q in ox.parse(b"\n".join(lines), ox.RdfFormat.N_TRIPLES)]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=plain_prefixes(triples))


_PLAIN_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def plain_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The prefixes under which every IRI of the graph has a local name needing no escape.

    Turtle allows `id:concept\\/trust`, but Virtuoso 7.2.5 keeps the backslash in the
    IRI, so every lookup by IRI then misses. A namespace with any such local name (the
    instance IRIs under `id:` hold slashes) is left unbound and its IRIs written in full;
    which prefixes qualify depends only on the triples, so the bytes stay deterministic.
    """
    namespaces = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    escaped = {
        prefix
        for iri in iris
        for prefix, namespace in namespaces.items()
        if iri.startswith(namespace) and not _PLAIN_LOCAL_NAME.fullmatch(iri[len(namespace) :] or "_")
    }
    return {prefix: namespace for prefix, namespace in namespaces.items() if prefix not in escaped}


def compile_graph(ontology: Graph, corpus: Corpus, works: Iterable[Work]) -> Graph:
    """The whole graph: the ontology, the works, the vocabulary and every claim."""
    graph = new_graph()
    graph += canonical(ontology)
    reviewed = {d.document: d for d in corpus.documents}
    add_works(graph, works, reviewed)
    add_concepts(graph, corpus)
    for doc, claim in corpus.claims:
        add_claim(graph, doc, claim)
    return graph
