"""The graph's own IRIs, dereferenced by `partnergraph serve` as the W3C note "Cool URIs for
the Semantic Web" and the "Best Practice Recipes for Publishing RDF Vocabularies" ask.

An instance IRI (`https://w3id.org/partnergraph/id/concept/trust`, served here as
`/id/concept/trust`) names a thing, not a page, so it answers 303 See Other to a document
about it, chosen by the request's Accept header: the explorer's own page for a concept or a
work, else `/doc/concept/trust.html`, or `/doc/concept/trust.ttl`, `.jsonld`, `.nt`, `.rdf`.
The document URLs answer 200 (and `/doc/concept/trust` itself negotiates, naming the one it
chose in Content-Location). A description is the resource's triples as subject and as object,
with the label of each resource that points at it, so a reader sees what links there.

The ontology uses hash IRIs (`pg:` = `.../ontology#`): a client drops the fragment before it
asks, so `/ontology` answers the whole ontology at once, negotiated, with no redirect; its HTML
page anchors each term by its local name, so `/ontology#Claim` lands on the term.

Anything the Accept header allows nothing of is 406 with the types on offer; an IRI the graph
does not know is 404, before any redirect, so a client never follows a 303 into a dead end.
Every negotiated answer says `Vary: Accept`, so caches keep one copy per type.

`publish` writes the same documents as files, for the static site the w3id.org redirect
rules (w3id/.htaccess) point at, where no server negotiates: the rules choose the file.
"""

from __future__ import annotations

import html
import os
import shutil
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import PartnergraphError
from .exporting import compact_jsonld, context_prefixes, load_context, turtle_prefixes
from .http_response import Response, error
from .namespaces import ID, PG
from .output import compact
from .project import Project
from .sparql_endpoint import negotiate
from .sparql_results import to_oxigraph
from .stores import Store, Term
from .stores.base import Triple

BASE = str(ID).removesuffix("id/")
"""Where the project's IRIs live; a local path under it names the same resource here."""
ONTOLOGY_IRI = str(PG).removesuffix("#")
THING, DOCUMENT, ONTOLOGY = "/id/", "/doc/", "/ontology"
VARY = (("Vary", "Accept"),)
Link = Callable[[str], str | None]
_UNSAFE_IRI = set('<>"{}|^`\\') | {chr(c) for c in range(0x21)}


@dataclass(frozen=True)
class Format:
    media_type: str
    extension: str
    rdf: ox.RdfFormat | None  # None: the page a person reads

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type


HTML = Format("text/html", "html", None)
FORMATS = (
    HTML,  # first: a bare `*/*` or no Accept at all is most often a person who pasted an IRI
    Format("text/turtle", "ttl", ox.RdfFormat.TURTLE),
    Format("application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    Format("application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
    Format("application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML),
)
BY_TYPE = {f.media_type: f for f in FORMATS}
BY_EXTENSION = {f.extension: f for f in FORMATS}
OFFERED = ", ".join(BY_TYPE)

_KNOWN = "ASK { { <{iri}> ?p ?o } UNION { ?s ?p <{iri}> } }"
_DESCRIBE = """
CONSTRUCT { <{iri}> ?p ?o . ?s ?q <{iri}> . ?s ?name ?label }
WHERE {
  { <{iri}> ?p ?o }
  UNION { ?s ?q <{iri}> OPTIONAL { ?s ?name ?label
          FILTER(?name IN (<http://www.w3.org/2004/02/skos/core#prefLabel>,
                           <http://www.w3.org/2000/01/rdf-schema#label>)) } }
}"""


_NAMES = """
SELECT ?iri (MIN(STR(?label)) AS ?name)
WHERE {
  %s
  ?iri ?naming ?label .
  FILTER(?naming IN (<http://www.w3.org/2004/02/skos/core#prefLabel>, <http://www.w3.org/2000/01/rdf-schema#label>))
}
GROUP BY ?iri"""
"""A person reads a resource's name, not its IRI: the label each IRI a page shows has (the
least one where there are several, as `_label` picks a page's title)."""


def choose(accept: str) -> Format | None:
    """The format the Accept header rates highest (q-values, `type/*`, `*/*`), None if none."""
    chosen = negotiate(accept, list(BY_TYPE))
    return BY_TYPE[chosen] if chosen else None


def serves(path: str) -> bool:
    """Whether a request path is one of the graph's IRIs or the documents about them."""
    return (
        path.startswith((THING, DOCUMENT))
        or path == ONTOLOGY
        or path.startswith((ONTOLOGY + ".", ONTOLOGY + "/"))
    )


def iri_of(local: str) -> str | None:
    """The IRI a path under /id/ names (percent-decoded, as the graph spells it), or None
    where the result could not be an IRI, so that it never reaches a query's text."""
    iri = BASE + urllib.parse.unquote(local.removeprefix("/"))
    return None if _UNSAFE_IRI & set(iri) else iri


class LinkedData:
    """The routes under /id/, /doc/ and /ontology, over one store.

    `pages` gives the explorer's own HTML page for a thing where it has one (a concept, a
    work); `frame` lays out a page like the explorer's others."""

    def __init__(
        self,
        project: Project,
        store: Store,
        frame: Callable[[str, str], Response],
        pages: Callable[[str], str | None],
    ) -> None:
        self.project, self.store, self.frame, self.pages = project, store, frame, pages

    def respond(self, path: str, accept: str) -> Response:
        try:
            return self._respond(path, accept)
        except PartnergraphError as exc:  # a broken context or ontology file: it names the file
            return error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))

    def _respond(self, path: str, accept: str) -> Response:
        if path.startswith(THING):
            return self.thing(path.removeprefix(THING), accept)
        if path.startswith(DOCUMENT):
            return self.document(path.removeprefix(DOCUMENT), accept)
        return self.ontology(path.removeprefix(ONTOLOGY), accept)

    def thing(self, local: str, accept: str) -> Response:
        """303 See Other to the document in the chosen format: the IRI names no document."""
        iri = iri_of("id/" + local)
        if iri is None or not self.knows(iri):
            return error(HTTPStatus.NOT_FOUND, f"the graph knows no {BASE}id/{local}", VARY)
        chosen = choose(accept)
        if chosen is None:
            return _not_acceptable(accept)
        target = self.pages(iri) if chosen is HTML else None
        location = target or f"{DOCUMENT}{local}.{chosen.extension}"
        return Response(
            HTTPStatus.SEE_OTHER,
            f"See {location}\n".encode(),
            "text/plain; charset=utf-8",
            location=location,
            headers=VARY,
        )

    def document(self, name: str, accept: str) -> Response:
        """A description in the format its extension names; without one, negotiated."""
        stem, dot, extension = name.rpartition(".")
        chosen = BY_EXTENSION.get(extension) if dot else None
        if chosen is None:
            stem, chosen = name, choose(accept)
            if chosen is None:
                return _not_acceptable(accept)
        iri = iri_of("id/" + stem)
        triples = self.describe(iri) if iri else []
        if not triples:
            return error(HTTPStatus.NOT_FOUND, f"the graph knows no {BASE}id/{stem}", VARY)
        where = (("Content-Location", f"{DOCUMENT}{stem}.{chosen.extension}"),) if not dot else ()
        if chosen is HTML:
            response = self.frame(
                _label(iri, triples), description_html(iri, triples, names=self.names(triples))
            )
        else:
            response = Response(HTTPStatus.OK, self.serialize(triples, chosen), chosen.content_type)
        response.headers = (*response.headers, *VARY, *where)
        return response

    def ontology(self, suffix: str, accept: str) -> Response:
        """The whole ontology, in one document: its terms are hash IRIs of this one. Its
        version IRI (`/ontology/0.2.0`) answers the same while it is the current version."""
        if suffix.startswith("/"):
            version = self.version_iri()
            if version is None or version != ONTOLOGY_IRI + suffix.rstrip("/"):
                return error(
                    HTTPStatus.NOT_FOUND, f"this server holds ontology version {version}, not {suffix}"
                )
            suffix = ""
        chosen = BY_EXTENSION.get(suffix.removeprefix(".")) if suffix else choose(accept)
        if chosen is None:
            return _not_acceptable(accept) if not suffix else error(HTTPStatus.NOT_FOUND, "no such format")
        where = () if suffix else (("Content-Location", f"{ONTOLOGY}.{chosen.extension}"),)
        if chosen is HTML:
            response = self.frame(*self.ontology_page())
        else:
            response = Response(HTTPStatus.OK, self.ontology_bytes(chosen), chosen.content_type)
        response.headers = (*response.headers, *VARY, *where)
        return response

    def version_iri(self) -> str | None:
        graph = rdflib.Graph().parse(self.project.ontology_file, format="turtle")
        version = graph.value(rdflib.URIRef(ONTOLOGY_IRI), rdflib.OWL.versionIRI)
        return str(version) if version is not None else None

    def ontology_page(self, link: Callable[[str], str] = lambda ext: f"ontology.{ext}") -> tuple[str, str]:
        """The ontology's title and documentation page body; `link` names its other formats' files."""
        graph = rdflib.Graph().parse(self.project.ontology_file, format="turtle")
        return _ontology_title(graph), _ontology_html(graph, link)

    def ontology_bytes(self, chosen: Format) -> bytes:
        """The ontology in an RDF format; Turtle as authored, comments and all."""
        if chosen.rdf is ox.RdfFormat.TURTLE:
            return self.project.ontology_file.read_bytes()
        triples = ox.parse(path=str(self.project.ontology_file), format=ox.RdfFormat.TURTLE)
        return self.serialize_ox(list(triples), chosen)

    def knows(self, iri: str) -> bool:
        """Whether the graph holds the IRI at all: a redirect needs no more (a concept's
        description holds every claim about it)."""
        answer = self.store.select(_KNOWN.replace("{iri}", iri))
        return bool(answer.rows) and answer.rows[0][0] is not None and answer.rows[0][0].value == "true"

    def describe(self, iri: str) -> list[Triple]:
        """The resource's triples as subject and as object, and the labels of what points at it."""
        return self.store.construct(_DESCRIBE.replace("{iri}", iri))

    def names(self, triples: list[Triple]) -> dict[str, str]:
        """The labels of the IRIs a description page shows, read from the whole graph: the
        description itself holds only the labels of what points at the resource."""
        iris = sorted({term.value for triple in triples for term in triple if term.kind == "iri"})
        if not iris:
            return {}
        values = "VALUES ?iri { " + " ".join(f"<{iri}>" for iri in iris) + " }"
        return {row[0].value: row[1].value for row in self.store.select(_NAMES % values).rows if row[1]}

    def serialize(self, triples: list[Triple], chosen: Format) -> bytes:
        """Sorted, so that a document is the same bytes whichever store answered."""
        ordered = sorted(triples, key=lambda t: tuple(_term_key(x) for x in t))
        return self.serialize_ox([ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in ordered], chosen)

    def serialize_ox(self, triples: list[ox.Triple], chosen: Format) -> bytes:
        """As `export` writes the whole graph: JSON-LD compacted with the project's context
        (inlined, so no reader has to fetch it), prefixes from the same context."""
        context = load_context(self.project)
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        if chosen.rdf is ox.RdfFormat.JSON_LD:
            return compact_jsonld(quads, context)
        prefixes = turtle_prefixes(quads, context_prefixes(context), graphs=False)
        return ox.serialize(triples, format=chosen.rdf, prefixes=prefixes) or b""


def publish(project: Project, store: Store, folder: Path) -> int:
    """Add to `folder` (a release, or any folder a static host such as GitHub Pages serves)
    the layout w3id/.htaccess redirects to: `doc/KIND/NAME.EXT`, the document of every IRI
    under /id/ in every format `serve` offers, and the ontology as `ontology/partnergraph.EXT`
    and `doc/ontology.html` where the folder has none yet (a release's pyLODE page is kept).
    Returns the number of resources described. Everything is written into a staging folder
    first, so a failure leaves the folder as it was."""
    ld = LinkedData(project, store, lambda title, body: Response(HTTPStatus.OK, b""), lambda iri: None)
    staged = folder / ".publish.partial"
    shutil.rmtree(staged, ignore_errors=True)
    count = 0
    names = {row[0].value: row[1].value for row in store.select(_NAMES % "").rows if row[1]}
    for row in store.select(_RESOURCES):
        iri = row[0].value  # type: ignore[union-attr]
        local = iri.removeprefix(str(ID))
        if iri_of("id/" + local) != iri or {"", ".", ".."} & set(local.split("/")):
            continue  # no file name could hold it (and serve answers 404 for it too)
        triples = ld.describe(iri)
        target = staged / "doc" / local
        target.parent.mkdir(parents=True, exist_ok=True)
        for chosen in FORMATS:
            body = (
                _standalone(_label(iri, triples), description_html(iri, triples, _published_link, names))
                if chosen is HTML
                else ld.serialize(triples, chosen)
            )
            target.with_name(f"{target.name}.{chosen.extension}").write_bytes(body)
        count += 1
    ontology = {
        f"ontology/{ONTOLOGY_FILE}.{f.extension}": ld.ontology_bytes(f) for f in FORMATS if f is not HTML
    }
    ontology["doc/ontology.html"] = _standalone(
        *ld.ontology_page(lambda ext: f"../ontology/{ONTOLOGY_FILE}.{ext}")
    )
    for name, body in ontology.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).write_bytes(body)
    folder.mkdir(parents=True, exist_ok=True)
    for entry in sorted((staged / "doc").iterdir()):
        kept = folder / "doc" / entry.name
        if entry.is_dir():  # a kind's documents are replaced whole: none is left from before
            shutil.rmtree(kept, ignore_errors=True)
        elif kept.exists() and f"doc/{entry.name}" in ontology:
            continue
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(entry, kept)
    for name in ontology:
        if not (folder / name).exists() and (staged / name).exists():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged / name, folder / name)
    shutil.rmtree(staged)
    return count


ONTOLOGY_FILE = "partnergraph"
"""The ontology's name in a published folder: `ontology/partnergraph.ttl`, as in a release."""
_RESOURCES = f"""
SELECT DISTINCT ?r WHERE {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }}
  FILTER(isIRI(?r) && STRSTARTS(STR(?r), "{ID}")) }} ORDER BY ?r"""


def _published_link(iri: str) -> str | None:
    """In a published folder every IRI is its own link: w3id.org redirects the project's."""
    return iri if iri.startswith(("https://", "http://")) else None


def _standalone(title: str, body: str) -> bytes:
    """A published page: the explorer's look, without its navigation (there is no server)."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style></head><body><main><h1>{html.escape(title)}</h1>{body}</main>"
        "</body></html>"
    ).encode()


PAGE_STYLE = (
    "body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; }"
    " .meta { color: #555; } td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }"
)


def _term_key(term: Term) -> tuple[str, str, str, str]:
    return term.kind, term.value, term.datatype or "", term.language or ""


def _not_acceptable(accept: str) -> Response:
    return error(HTTPStatus.NOT_ACCEPTABLE, f"nothing here fits Accept: {accept}; on offer: {OFFERED}", VARY)


def local_link(iri: str) -> str | None:
    """Where this server answers for one of the project's IRIs; None for anyone else's."""
    if iri.startswith(str(ID)):
        return THING + urllib.parse.quote(iri.removeprefix(str(ID)), safe="/")
    if iri.startswith(str(PG)):
        return f"{ONTOLOGY}#{iri.removeprefix(str(PG))}"
    return None


def _label(iri: str, triples: list[Triple]) -> str:
    names = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
    labels = [o.value for s, p, o in triples if s.value == iri and p.value in names]
    return min(labels) if labels else iri


def _term_html(term: Term, link: Link, names: dict[str, str]) -> str:
    """An IRI shown by its name where it has one (its compact form in the link's title), a
    literal as written."""
    if term.kind != "iri":
        return html.escape(term.value)
    short = html.escape(compact(term))
    name = names.get(term.value)
    text = html.escape(name) if name else short
    title = f' title="{short}"' if name else ""
    target = link(term.value)
    return f'<a href="{html.escape(target)}"{title}>{text}</a>' if target else f"<span{title}>{text}</span>"


def description_html(
    iri: str, triples: list[Triple], link: Link = local_link, names: dict[str, str] | None = None
) -> str:
    """Two tables a person reads: what the resource says, and what says something of it.
    `link` says where a link to one of the project's IRIs goes: this server's path in
    `serve`, the IRI itself in a published folder (where w3id.org redirects); `names`,
    the labels that stand for IRIs (ontology terms keep their compact names, being
    terms of a vocabulary rather than things described)."""
    names = {k: v for k, v in (names or {}).items() if k.startswith(str(ID))}
    out = sorted((t for t in triples if t[0].value == iri), key=lambda t: (compact(t[1]), t[2].value))
    inbound = sorted((t for t in triples if t[2].value == iri), key=lambda t: (compact(t[1]), t[0].value))
    rows = "".join(
        f"<tr><th>{_term_html(p, link, {})}</th><td>{_term_html(o, link, names)}</td></tr>" for _, p, o in out
    )
    back = "".join(
        f"<tr><td>{_term_html(s, link, names)}</td><th>{_term_html(p, link, {})}</th></tr>"
        for s, p, _ in inbound
    )
    name = html.escape(urllib.parse.quote(iri.rsplit("/", 1)[-1], safe=""))
    links = " · ".join(f'<a href="{name}.{f.extension}">{f.extension}</a>' for f in FORMATS[1:])
    return (
        f"<p class=meta><code>{html.escape(iri)}</code> · also as {links}</p>"
        f'<table id="about">{rows}</table>'
        + (f'<h2>Referred to by</h2><table id="referred">{back}</table>' if back else "")
    )


def _ontology_title(graph: rdflib.Graph) -> str:
    title = graph.value(rdflib.URIRef(ONTOLOGY_IRI), rdflib.RDFS.label) or graph.value(
        rdflib.URIRef(ONTOLOGY_IRI), rdflib.DCTERMS.title
    )
    return str(title or "partnergraph ontology")


def _ontology_html(graph: rdflib.Graph, link: Callable[[str], str]) -> str:
    """Every `pg:` term, anchored by its local name so that a hash IRI opens at it."""
    esc = html.escape
    parts = [
        f"<p class=meta><code>{esc(ONTOLOGY_IRI)}</code> · also as "
        + " · ".join(f'<a href="{esc(link(f.extension))}">{f.extension}</a>' for f in FORMATS[1:])
        + "</p>"
    ]
    terms = sorted({s for s in graph.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(str(PG))})
    for term in terms:
        name = term.removeprefix(str(PG))
        kinds = ", ".join(sorted(compact(Term("iri", str(k))) for k in graph.objects(term, rdflib.RDF.type)))
        label = graph.value(term, rdflib.RDFS.label) or graph.value(term, rdflib.SKOS.prefLabel) or name
        about = graph.value(term, rdflib.SKOS.definition) or graph.value(term, rdflib.RDFS.comment) or ""
        parts.append(
            f'<section id="{esc(name)}"><h2>{esc(str(label))} <code>pg:{esc(name)}</code></h2>'
            f"<p class=meta>{esc(kinds)}</p><p>{esc(str(about))}</p></section>"
        )
    return "".join(parts)
