"""Compile the authoring files into RDF, in the terms `docs/schema.md` lays down.

The compiler only translates: every check happens before it runs, so it can assume
that every name resolves. It writes no blank nodes, so that the serialised graph is
byte-identical from build to build.
"""

from __future__ import annotations

import base64
import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib import namespace as standard
from rdflib.compare import to_canonical_graph

from . import namespaces as ours
from .bibliography import Work
from .citation_typing import citation_function, cited_works
from .corpus import EVIDENCE_KINDS, POLARITIES, Claim, Corpus, DocumentAnnotations
from .namespaces import ID, PREFIXES, SCHEME, claim_iri, concept_iri, work_iri

if TYPE_CHECKING:
    from .anchor_files import Anchor, DocumentAnchors
    from .curation import Curation


class PlainNamespace:
    """A namespace whose terms are plain `str`, each made once.

    rdflib's `PG.Claim` makes and validates a new URIRef on every use, and URIRefs
    compare in Python: that was most of the compiler's time at 10,000 claims.
    """

    def __init__(self, namespace: Namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:  # called once per name: the value is then kept
        if name.startswith("_"):  # copy, pickle and mock probes are no terms
            raise AttributeError(name)
        value = str(self._namespace[name])
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> str:
        return getattr(self, name)


BIBO, OA, PG = PlainNamespace(ours.BIBO), PlainNamespace(ours.OA), PlainNamespace(ours.PG)
CITO, RDFS = PlainNamespace(ours.CITO), PlainNamespace(standard.RDFS)
DCTERMS, PROV = PlainNamespace(standard.DCTERMS), PlainNamespace(standard.PROV)
RDF, SKOS, XSD = PlainNamespace(standard.RDF), PlainNamespace(standard.SKOS), PlainNamespace(standard.XSD)

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


class Lines:
    """The graph as N-Triples lines, written straight from the records, by subject.

    rdflib took 16 s to build a Graph of the 207,000 triples of 10,000 claims and 5 s
    more to write it as N-Triples; formatting the lines directly takes a fraction of
    that. Each term is written exactly as rdflib's N-Triples writer writes it
    (tests/test_build_speed_paths.py compares them), because the sorted lines give the
    Turtle file its order. The IRIs are kept as they are written, so that
    `plain_prefixes_for` need not read them back out of millions of triples.
    """

    def __init__(self) -> None:
        self.by_subject: defaultdict[str, list[str]] = defaultdict(list)
        self.iris: set[str] = set()
        self._nodes: dict[str, str] = {}
        self._works: dict[str, str] = {}
        self._concepts: dict[str, str] = {}

    def node(self, iri: str) -> str:
        """The IRI as an N-Triples term, remembered for the prefixes."""
        term = self._nodes.get(iri)
        if term is None:
            term = self._nodes[iri] = f"<{iri}>"
            self.iris.add(iri)
        return term

    def work(self, key: str) -> str:
        term = self._works.get(key)
        if term is None:
            term = self._works[key] = self.node(str(work_iri(key)))
        return term

    def concept(self, slug: str) -> str:
        term = self._concepts.get(slug)
        if term is None:
            term = self._concepts[slug] = self.node(str(concept_iri(slug)))
        return term

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """`subject` and `obj` are terms already (`node`, `text`, `english`, `typed`)."""
        self.by_subject[subject].append(f"{self.node(predicate)} {obj} .")

    def add_lines(self, lines: Iterable[str]) -> None:
        """Lines written elsewhere (by rdflib), each split at its subject."""
        for line in lines:
            subject, rest = line.split(" ", 1)
            self.by_subject[subject].append(rest)

    def sorted_unique(self) -> tuple[bytes, int]:
        """The N-Triples document, its lines sorted and unique, and how many there are.

        Sorting by subject, then each subject's few lines, gives the order of sorting
        whole lines (a subject term ends in '>' or, a blank node's, before the space that
        follows it, so none sorts as a prefix of another) at a quarter of the cost."""
        chunks = []
        count = 0
        for subject in sorted(self.by_subject):
            rests = sorted(set(self.by_subject.pop(subject)))  # each group freed once written
            count += len(rests)
            # bytes at once: one non-ASCII quote would make a joined str take 2-4 bytes a character
            chunks.append((f"{subject} " + f"\n{subject} ".join(rests) + "\n").encode("utf-8"))
        return b"".join(chunks), count


def text(value: str) -> str:
    """A plain literal, escaped as rdflib's N-Triples writer escapes it (and no more)."""
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")
    return f'"{escaped}"'


def english(value: str) -> str:
    return f"{text(value)}@en"


def typed(value: object, datatype: str) -> str:
    return f"{text(str(value))}^^<{datatype}>"


def boolean_true() -> str:
    return typed("true", XSD.boolean)


def integer(value: int) -> str:
    return typed(value, XSD.integer)


def add_works(out: Lines, works: Iterable[Work], reviewed: dict[str, DocumentAnnotations]) -> None:
    for work in works:
        node = out.work(work.key)
        out.add(node, RDF.type, out.node(PG.Work))
        out.add(node, RDF.type, out.node(BIBO_CLASS.get(work.entry_type, BIBO.Document)))
        out.add(node, PG.citeKey, text(work.key))
        for name, predicate in WORK_FIELDS.items():
            value = work.get(name)
            if value:
                out.add(node, predicate, text(value))
        year = work.get("year") or work.get("date")
        if year:
            out.add(node, DCTERMS.issued, typed(year, XSD.gYear) if YEAR.match(year) else text(year))
        for variant in work.variant_keys:
            out.add(node, PG.variantKey, text(variant))
        for supplied in work.supplied_fields:
            out.add(node, PG.suppliedField, text(supplied))
        if work.minimal:
            out.add(node, PG.minimalRecord, boolean_true())
        endnote = work.get("pg-endnote")
        if endnote and endnote.isdigit():
            out.add(node, PG.endnoteNumber, integer(int(endnote)))
        if (work.get("pg-unresolved") or "").lower() == "true":
            out.add(node, PG.unresolvedCitation, boolean_true())
        doc = reviewed.get(work.key)
        if doc is not None:
            out.add(node, RDF.type, out.node(PG.ReviewedDocument))
            if doc.text_file:
                out.add(node, PG.textFile, text(doc.text_file))
            if doc.text_sha256:
                out.add(node, PG.textSha256, text(doc.text_sha256))


def add_concepts(out: Lines, corpus: Corpus) -> None:
    scheme = out.node(str(SCHEME))
    out.add(scheme, RDF.type, out.node(SKOS.ConceptScheme))
    out.add(scheme, SKOS.prefLabel, english("partnergraph concepts of partnership working"))
    for c in corpus.concepts:
        node = out.concept(c.slug)
        out.add(node, RDF.type, out.node(SKOS.Concept))
        out.add(node, RDF.type, out.node(PG[c.cls]))
        out.add(node, SKOS.inScheme, scheme)
        out.add(node, SKOS.prefLabel, english(c.label))
        for alt in c.alt:
            out.add(node, SKOS.altLabel, english(alt))
        if c.definition:
            out.add(node, SKOS.definition, english(c.definition))
        if c.definition_source:
            out.add(node, PG.definitionSource, out.work(c.definition_source))
        for broader in c.broader:
            out.add(node, SKOS.broader, out.concept(broader))
        if c.counterpart:
            out.add(node, PG.counterpart, out.concept(c.counterpart))
        for key in c.proposed_by:
            out.add(node, PG.proposedBy, out.work(key))
        if c.note:
            out.add(node, SKOS.scopeNote, english(c.note))


_CLAIM_LITERALS = (
    ("section", PG.section),
    ("pages", PG.citedPages),
    ("wording", PG.sourceWording),
    ("country", PG.country),
    ("note", SKOS.note),
)


def add_claim(
    out: Lines, doc: DocumentAnnotations, claim: Claim, anchors: DocumentAnchors | None = None
) -> None:
    iri = str(claim_iri(doc.document, claim.id))
    node = out.node(iri)
    reviewed = out.work(doc.document)
    quote = text(claim.quote)
    out.add(node, RDF.type, out.node(PG.Claim))
    out.add(node, PG.claimId, text(claim.id))
    out.add(node, PG.about, out.concept(claim.concept))
    out.add(node, PG.polarity, out.node(PG[POLARITIES[claim.polarity]]))
    for key in claim.asserted_by or (doc.document,):
        out.add(node, PG.assertedBy, out.work(key))
    for key in claim.via:
        out.add(node, PG.citedVia, out.work(key))
    out.add(node, PG.reportedIn, reviewed)
    out.add(node, PG.quote, quote)
    for name, predicate in _CLAIM_LITERALS:
        value = getattr(claim, name)
        if value:
            out.add(node, predicate, text(value))
    if claim.count is not None:
        out.add(node, PG.mentionCount, integer(claim.count))
    if claim.kind:
        out.add(node, PG.evidenceKind, out.node(PG[EVIDENCE_KINDS[claim.kind]]))
    for kind in claim.more_kinds:
        out.add(node, PG.additionalEvidenceKind, out.node(PG[EVIDENCE_KINDS[kind]]))
    for sector in claim.sectors:
        out.add(node, PG.sector, text(sector))
    for number in claim.endnotes:
        out.add(node, PG.citedInNote, integer(number))
    if claim.partnership_type:
        out.add(node, PG.partnershipType, out.concept(claim.partnership_type))
    _add_provenance(out, node, doc.document, claim)
    _add_citations(out, iri, node, reviewed, doc.document, claim)
    anchor = anchors.usable(doc, claim) if anchors is not None else None
    _add_anchor(out, iri, node, reviewed, quote, anchor, anchors.sha256 if anchor and anchors else None)


def _add_citations(out: Lines, claim_iri: str, claim: str, reviewed: str, document: str, data: Claim) -> None:
    """The reviewed document cites each asserting work (CiTO): directly, with the citation
    function as the property, and as a `cito:Citation` of this claim, so that two claims
    citing one work for different reasons each keep theirs (citation_typing.py)."""
    function = CITO[citation_function(data)]
    for key in cited_works(document, data):
        work = out.work(key)
        out.add(reviewed, function, work)
        citation = out.node(f"{claim_iri}/citation/{key}")
        out.add(citation, RDF.type, out.node(CITO.Citation))
        out.add(citation, CITO.hasCitingEntity, reviewed)
        out.add(citation, CITO.hasCitedEntity, work)
        out.add(citation, CITO.hasCitationCharacterization, out.node(function))
        out.add(citation, PROV.wasDerivedFrom, claim)


def _add_provenance(out: Lines, node: str, document: str, claim: Claim) -> None:
    """Who curated the claim and when (PROV-O). A claim accepted from an ingest draft is
    derived from the draft and generated by the tool's run; any other was curated by hand."""
    curation = claim.curation
    if curation is None or curation.draft is None:
        out.add(node, PROV.wasAttributedTo, out.node(PG.HandCuration))
    if curation is None:
        return
    if curation.by or curation.orcid:
        out.add(node, PROV.wasAttributedTo, _agent(out, curation))
    if curation.date:
        out.add(
            node,
            PROV.generatedAtTime,
            typed(curation.date, XSD.dateTime if curation.is_datetime else XSD.date),
        )
    if curation.draft:
        draft = out.node(f"{ID}draft/{document}-{curation.draft}")
        out.add(draft, RDF.type, out.node(PROV.Entity))
        out.add(draft, RDFS.label, text(f"ingest draft {curation.draft}"))
        out.add(node, PROV.wasDerivedFrom, draft)
    if curation.tool:
        activity = out.node(f"{ID}activity/{_slug(curation.tool)}")
        out.add(activity, RDF.type, out.node(PROV.Activity))
        out.add(activity, RDFS.label, text(f"drafting by {curation.tool}"))
        software = out.node(f"{ID}agent/software/{_slug(curation.tool)}")
        out.add(software, RDF.type, out.node(PROV.SoftwareAgent))
        out.add(software, RDFS.label, text(curation.tool))
        out.add(activity, PROV.wasAssociatedWith, software)
        out.add(node, PROV.wasGeneratedBy, activity)
        out.add(node, PG.extractorVersion, text(curation.tool))


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", value.lower()).strip("-")


def _agent(out: Lines, curation: Curation) -> str:
    """The curator: their ORCID iD as the IRI when they have one, else an agent of ours."""
    iri = f"https://orcid.org/{curation.orcid}" if curation.orcid else f"{ID}agent/{curation.agent_slug}"
    agent = out.node(iri)
    # prov:Agent always: the shapes check it without PROV-O's Person ⊑ Agent, which the
    # ontology does not restate (it gives other vocabularies' terms no axioms)
    out.add(agent, RDF.type, out.node(PROV.Agent))
    if curation.orcid:
        out.add(agent, RDF.type, out.node(PROV.Person))
    if curation.by:
        out.add(agent, RDFS.label, text(curation.by))
    return agent


def text_state_iri(sha256: str) -> str:
    return f"{ID}text/sha256-{sha256.lower()}"


def ni_iri(sha256: str) -> str:
    """RFC 6920's name for the exact bytes of the text: ni:///sha-256;<base64url>."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256)).decode("ascii").rstrip("=")
    return f"ni:///sha-256;{digest}"


def _add_anchor(
    out: Lines,
    claim_iri: str,
    claim: str,
    document: str,
    quote: str,
    anchor: Anchor | None,
    sha256: str | None,
) -> None:
    """The quote as a W3C Web Annotation, so annotation tools can find it in the text: the
    quote with the words around it, and, once `partnergraph anchor` has measured it, its
    offsets in the text whose SHA-256 the target's state names."""
    node = out.node(f"{claim_iri}/anchor")
    target = out.node(f"{claim_iri}/anchor/target")
    selector = out.node(f"{claim_iri}/anchor/selector")
    out.add(node, RDF.type, out.node(OA.Annotation))
    out.add(node, OA.hasBody, claim)
    out.add(node, OA.hasTarget, target)
    out.add(target, RDF.type, out.node(OA.SpecificResource))
    out.add(target, OA.hasSource, document)
    out.add(target, OA.hasSelector, selector)
    out.add(selector, RDF.type, out.node(OA.TextQuoteSelector))
    out.add(selector, OA.exact, quote)
    if anchor is None or sha256 is None:
        return
    if anchor.prefix:
        out.add(selector, OA.prefix, text(anchor.prefix))
    if anchor.suffix:
        out.add(selector, OA.suffix, text(anchor.suffix))
    position = out.node(f"{claim_iri}/anchor/position")
    out.add(target, OA.hasSelector, position)
    out.add(position, RDF.type, out.node(OA.TextPositionSelector))
    out.add(position, OA.start, typed(anchor.start, XSD.nonNegativeInteger))
    out.add(position, OA.end, typed(anchor.end, XSD.nonNegativeInteger))
    state = out.node(text_state_iri(sha256))
    out.add(target, OA.hasState, state)
    out.add(state, RDF.type, out.node(OA.State))
    out.add(state, OA.cachedSource, out.node(ni_iri(sha256)))
    out.add(state, RDFS.label, text(f"the text with SHA-256 {sha256.lower()}"))
    if anchor.page is not None:
        out.add(claim, PG.readOnPage, typed(anchor.page, XSD.positiveInteger))


def canonical(ontology: Graph) -> Graph:
    """The ontology with blank nodes relabelled by content, so their labels never vary."""
    return to_canonical_graph(ontology)


def ontology_lines(ontology: Graph) -> tuple[list[str], set[str]]:
    """The ontology's N-Triples lines (by rdflib: it is small) and its IRIs."""
    graph = canonical(ontology)
    return rdflib_lines(graph)


def ntriples_lines(data: str) -> list[str]:
    """An N-Triples document's lines. "\n" only: str.splitlines also breaks at \x0b, \x85
    or U+2028, which N-Triples writers leave unescaped inside a literal."""
    return [line for line in data.split("\n") if line]


def rdflib_lines(graph: Graph) -> tuple[list[str], set[str]]:
    data = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    return ntriples_lines(data), iris


def turtle_from_lines(lines: Iterable[str], iris: Iterable[str]) -> bytes:
    """N-Triples lines written elsewhere (by rdflib, by Oxigraph) as the build's Turtle."""
    out = Lines()
    out.add_lines(lines)
    return turtle_from_ntriples(out.sorted_unique()[0], iris)


def turtle_from_ntriples(ntriples: bytes, iris: Iterable[str]) -> bytes:
    """Deterministic Turtle: the sorted N-Triples lines, written by Oxigraph.

    rdflib's pretty Turtle writer took 26 s for the 63,000 triples of a seed-sized
    corpus; sorting N-Triples and letting pyoxigraph write Turtle takes under a second,
    and sorting makes the bytes independent of insertion and hash order. The triples
    stream from the parser to the writer, never all held as Python objects at once.
    """
    quads = ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)  # all in the default graph
    out = _Chunks()
    ox.serialize(quads, out, format=ox.RdfFormat.TURTLE, prefixes=plain_prefixes_for(iris))
    return b"".join(out.chunks)


class _Chunks:
    """An output written to from Python code, so that Ctrl-C and SIGTERM are handled
    between two chunks: into a bytes buffer, Oxigraph wrote 130 MB (five seconds) deaf."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.chunks.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the chunks are joined at the end."""


def serialize_turtle(graph: Graph) -> bytes:
    """An rdflib graph (a script's) as the same deterministic Turtle."""
    return turtle_from_lines(*rdflib_lines(graph))


_PLAIN_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def plain_prefixes_for(iris: Iterable[str]) -> dict[str, str]:
    """The prefixes under which every IRI of the graph has a local name needing no escape.

    Turtle allows `id:concept\\/trust`, but Virtuoso 7.2.5 keeps the backslash in the
    IRI, so every lookup by IRI then misses. A namespace with any such local name (the
    instance IRIs under `id:` hold slashes) is left unbound and its IRIs written in full;
    which prefixes qualify depends only on the IRIs, so the bytes stay deterministic.
    The IRIs of a namespace stand together once sorted, so each namespace reads only its own.
    """
    ordered = sorted(iris)
    plain = {}
    for prefix, namespace in ((p, str(n)) for p, n in PREFIXES.items()):
        first = bisect.bisect_left(ordered, namespace)
        following = (ordered[i] for i in range(first, len(ordered)))
        own = itertools.takewhile(lambda iri, ns=namespace: iri.startswith(ns), following)
        if all(_PLAIN_LOCAL_NAME.fullmatch(iri[len(namespace) :] or "_") for iri in own):
            plain[prefix] = namespace
    return plain


def compile_ntriples(ontology: Graph, corpus: Corpus, works: Iterable[Work]) -> tuple[bytes, int, set[str]]:
    """The whole graph — the ontology, the works, the vocabulary and every claim — as an
    N-Triples document of sorted, unique lines, their number, and the IRIs they name."""
    out = Lines()
    reviewed = {d.document: d for d in corpus.documents}
    add_works(out, works, reviewed)
    add_concepts(out, corpus)
    for doc in corpus.documents:
        anchors = corpus.anchors.get(doc.document)
        for claim in doc.claims:
            add_claim(out, doc, claim, anchors)
    lines, iris = ontology_lines(ontology)
    out.add_lines(lines)
    ntriples, count = out.sorted_unique()
    return ntriples, count, out.iris | iris


def compile_turtle(ontology: Graph, corpus: Corpus, works: Iterable[Work]) -> tuple[bytes, int]:
    """The build's Turtle file and its number of triples."""
    ntriples, count, iris = compile_ntriples(ontology, corpus, works)
    return turtle_from_ntriples(ntriples, iris), count


def compile_graph(ontology: Graph, corpus: Corpus, works: Iterable[Work]) -> Graph:
    """The same graph in rdflib, for `validate`'s pySHACL and for scripts."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    ntriples, _count, _iris = compile_ntriples(ontology, corpus, works)
    return graph.parse(data=ntriples, format="nt")
