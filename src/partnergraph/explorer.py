"""`partnergraph serve`: a local web explorer over the built store.

The first page is an overview a person can read (categories, classes, the most-evidenced
concepts and the reviewed documents, with their counts); from it, pages for the whole
graph, each concept, each work and the gap map, a query page whose named queries take
their parameters from a form, downloads of summaries and the bibliography, and a
read-only SPARQL 1.1 endpoint. Every page has the same navigation bar, and wherever a
person reads, works are named by their short citation, not their cite key. Every page is
built by the library functions the CLI uses (evidence, matrix, summary, viz, bib export,
overview); this module only routes requests to them. It binds to 127.0.0.1 unless told
otherwise, loads nothing from the network, and escapes every string from the sources.
Requests under another host name or from another site's page are refused, and bodies,
idle connections and export styles are bounded (http_guard.py says why). Every page is
made once per build and kept (build_cache.py); only SPARQL queries run per request.
The overview, the gap map, the bibliography and the concept index are made side by side
in the background as the server starts, and the served gap map holds counts only: a
cell's quotes come from /map/cell when it is opened (at 100,000 claims, all of them made
a page of megabytes). The graph's own IRIs (/id/..., /ontology) are dereferenced by
content negotiation in linked_data.py.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import networkx as nx
from rdflib import URIRef

from .bibexport import EXPORTERS
from .build_cache import BuildCache
from .concepts import CONCEPT_PREFIX, ConceptRef, find_concept
from .errors import PartnergraphError
from .evidence import collect_evidence
from .evidence_graph import NodeEvidence, build_graph
from .evidence_output import POLARITY_HEADINGS, profile_lines
from .http_guard import (
    MAX_BODY,
    SECURITY_HEADERS,
    content_disposition,
    host_allowed,
    host_names,
    origin_allowed,
)
from .http_response import Response, error
from .linked_data import LinkedData, serves
from .matrix import DIMENSIONS, MEASURES, as_html, build_matrix, cell_claims, group_anchor
from .names import WorkName, plural, reader_names, work_names
from .namespaces import ID, sparql_prologue
from .output import compact
from .overview import Count, overview
from .project import Project
from .queries import NamedQuery, find_query, named_queries, run_query
from .sparql_endpoint import QUERY_SECONDS, RESULT_CAP, SparqlEndpoint
from .stores import QueryResult, Store, Term
from .summary import bibliography_works, build_summary, choose_concepts
from .summary_output import cited_works, markdown_bundle, to_docx, to_html
from .viz_html import network_data, render_page

JSON_TYPE = "application/json; charset=utf-8"
WARM_PATHS = ("/", "/map")
WORKERS_SECONDS = 30.0
"""How long warming waits for the SPARQL query workers to start before it starts anyway."""
CACHE_BYTES = 64_000_000
"""Pages kept per build, by the size of their bodies (see build_cache.py)."""
REQUEST_SECONDS = 10.0
"""A connection that sends nothing for this long is closed, so idle sockets hold no thread."""
STYLE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #222; }
blockquote { margin: 0.4rem 0; padding-left: 0.6rem; border-left: 3px solid #8aa; }
.meta { color: #555; font-size: 0.9rem; } table { border-collapse: collapse; }
td, th { border: 1px solid #ddd; padding: 2px 6px; font-size: 0.9rem; vertical-align: top; }
textarea { width: 100%; height: 10rem; } td.n { text-align: right; }
#error { color: #a00; }
"""
# Its own style: it is also put into pages the explorer did not lay out (gap map, graph).
NAV = (
    "<nav><style>nav { padding: 0.4rem 0; font-family: system-ui, sans-serif; font-size: 15px; }"
    " nav a { margin-right: 1rem; }</style>"
    '<a href="/">Overview</a><a href="/graph">Graph</a><a href="/map">Gap map</a><a href="/query">Queries</a>'
    '<a href="/export/bib?format=bibtex" download>Bibliography (.bib)</a></nav>'
)


def page(title: str, body: str, status: int = HTTPStatus.OK) -> Response:
    text = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{NAV}<main><h1>{html.escape(title)}</h1>{body}</main>"
        "</body></html>"
    )
    return Response(status, text.encode("utf-8"))


class Explorer:
    """The routes, over one open store; safe to call from the server's threads."""

    def __init__(self, project: Project, store: Store) -> None:
        self.project, self.store = project, store
        self._cache = BuildCache(self._build_stamp, CACHE_BYTES, _weight)
        self.endpoint = SparqlEndpoint(project, store)
        self.linked_data = LinkedData(project, store, page, _page_of)
        self.warmed = threading.Event()
        """Set once `warm` has made (or failed to make) what a first visit needs."""

    # -- helpers -----------------------------------------------------------------------
    def _build_stamp(self) -> tuple[int, int, int] | None:
        """Which build the pages show: a build rewrites the graph file."""
        try:
            stat = self.project.graph_file.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def graph(self):
        return self._cache.get(
            "graph", lambda: build_graph(self.store, self.project, evidence=self.evidence())
        )

    def evidence(self) -> NodeEvidence:
        """Each node's count of claims, which every focused view of a large graph ranks by."""
        return self._cache.get("node-evidence", lambda: NodeEvidence.read(self.store))

    def works(self) -> list:
        """The bibliography's works, read from the sources once per build."""
        return self._cache.get("works", lambda: bibliography_works(self.project))

    def _concept(self, text: str) -> ConceptRef | str:
        """A concept page's concept by its slug, from an index made once per build (reading
        every concept's names for each page was 40% of its time at 100,000 claims); anything
        else (a label, a wording, a typo) as typed, for `find_concept` to resolve or refuse."""
        refs = self._cache.get("concept slugs", lambda: _concepts_by_slug(self.store))
        return refs.get(text, text)

    def warm(self) -> None:
        """Make what a first visitor's pages need while the server is already answering: at
        100,000 claims the overview, the gap map and the bibliography (for work pages) take
        one to two seconds of CPU each, once per build. Each in its own thread, as Oxigraph
        answers them outside the interpreter lock: made one after the other, the first
        twenty visitors of /map waited 7-8 s for the overview before it. They start once the
        SPARQL workers have: started together, the first SPARQL answer came after 2.4-4.5 s
        instead of 1.4 s."""
        if self.endpoint.pool is not None:
            self.endpoint.pool.started.wait(WORKERS_SECONDS)
        jobs: list[Callable[[], object]] = [self.works, lambda: self._concept("")]
        jobs += [lambda path=path: self.route("GET", path, {}, "") for path in WARM_PATHS]
        threads = [threading.Thread(target=_quietly, args=(job,), name="warm", daemon=True) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.warmed.set()

    # -- pages -------------------------------------------------------------------------
    def home(self, query: dict[str, list[str]]) -> Response:
        if "focus" in query:  # links from before the overview took `/`
            target = "/graph?focus=" + urllib.parse.quote(query["focus"][0], safe=":")
            return Response(HTTPStatus.FOUND, b"", "text/plain; charset=utf-8", location=target)
        counts = overview(self.store)
        names = work_names(self.store, [c.key for c in counts.documents_read])
        classes = {c.key: c.label for c in counts.classes}
        esc = html.escape
        parts = [
            f"<p>{plural(counts.claims, 'claim')} about {plural(counts.concepts, 'concept')}, asserted by "
            f"{plural(counts.works, 'work')} and read in {plural(counts.documents, 'reviewed document')}. "
            'Open <a href="/graph">the whole graph</a>, the <a href="/map">gap map</a> '
            'or the <a href="/query">named queries</a>; each concept has its own page.</p>',
            "<h2>Most-evidenced concepts</h2>",
            _count_table(
                "top-concepts",
                "Concept",
                counts.top_concepts,
                lambda c: f'<a href="/concept/{_path(c.key)}">{esc(c.label)}</a>',
                extra=("Class", lambda c: esc(_capital(classes.get(c.cls, c.cls)))),
            ),
            "<h2>Categories</h2><p class=meta>Concepts grouped as the reviewed documents group them; "
            "each opens its rows of the gap map.</p>",
            _count_table(
                "categories",
                "Category",
                counts.categories,
                lambda c: f'<a href="/map#{group_anchor(c.label)}">{esc(c.label)}</a>',
                concepts=True,
            ),
            "<h2>Concept classes</h2>",
            _count_table("classes", "Class", counts.classes, lambda c: esc(_capital(c.label)), concepts=True),
            "<h2>Reviewed documents</h2>",
            _count_table(
                "documents",
                "Document",
                counts.documents_read,
                lambda c: _work_link(c.key, _citation(names, c.key)),
                concepts=True,
            ),
        ]
        return page("partnergraph — the evidence at a glance", "".join(parts))

    def graph_page(self, query: dict[str, list[str]]) -> Response:
        """Above the node budget the whole graph is only its most-evidenced part, so a focus
        is drawn from a graph read around it. Pages are kept, weighed by their bytes: at
        100,000 claims writing one takes seconds."""
        focus = query.get("focus", [None])[0]

        def render() -> Response:
            graph = self.graph()
            if focus and "trimmed" in graph.graph:
                graph = build_graph(self.store, self.project, focus=focus, evidence=self.evidence())
            return self._graph_response(graph, focus)

        return self._cache.get(("graph-page", focus), render)

    def _graph_response(self, graph: nx.Graph, focus: str | None) -> Response:
        data = network_data(graph)
        data["served"] = True
        if focus:
            if focus not in data["details"]:
                return error(HTTPStatus.NOT_FOUND, f"no node {focus}")
            data["focus"] = focus
        return Response(HTTPStatus.OK, render_page(data, nav=NAV).encode("utf-8"))

    def concept(self, slug: str) -> Response:
        # A category reached through "broader" is a page too: it lists the concepts it
        # groups (as "narrower") even where no claim is about the category itself.
        evidence = collect_evidence(self.store, self.project, self._concept(slug), empty_category_ok=True)
        esc = html.escape
        ref = evidence.concept
        parts = [
            "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in profile_lines(evidence.profile)) + "</ul>"
            if evidence.claims
            else "<p>No claim is about this concept itself; the concepts it groups have their own "
            "evidence (below, as narrower).</p>"
        ]
        related = self.store.select(_RELATED, {"concept": URIRef(ref.iri)}).dicts()
        if related:
            parts.append("<h2>Related concepts</h2><ul>")
            for r in related:
                link = f'<a href="/concept/{_path(str(r["slug"]))}">{esc(str(r["label"]))}</a>'
                parts.append(f"<li>{esc(str(r['relation']))}: {link}</li>")
            parts.append("</ul>")
        q = urllib.parse.quote(ref.slug)
        parts.append(
            "<p>Export: "
            f'<a href="/export/summary?concept={q}&format=markdown" download>summary (Markdown, .zip)</a>, '
            f'<a href="/export/summary-bib?concept={q}" download>its .bib</a>, '
            f'<a href="/export/summary?concept={q}&format=html" download>HTML</a>, '
            f'<a href="/export/summary?concept={q}&format=docx" download>Word</a>, '
            '<a href="/export/bib?format=bibtex" download>the bibliography</a> · '
            f'<a href="/graph?focus=concept:{q}">in the graph</a></p>'
        )
        for polarity, claims in evidence.by_polarity().items():
            parts.append(f"<h2>{esc(POLARITY_HEADINGS[polarity])} ({len(claims)})</h2>")
            for c in claims:
                pages = f", p. {c.pages}" if c.pages and len(c.works) == 1 else ""
                works = "; ".join(_work_link(w.key, w.short()) for w in c.works) + esc(pages)
                if c.via:
                    works += esc(f" (as cited in {', '.join(c.via_names or c.via)})")
                where = ", ".join(filter(None, [c.reviewed_in_name or c.reviewed_in, c.section]))
                parts.append(
                    f"<blockquote>“{esc(c.quote)}”</blockquote><p class=meta>{works} — "
                    f"read in {esc(where)} — {esc(c.kind or 'kind unstated')}</p>"
                )
        return page(f"{ref.label}", "".join(parts))

    def work(self, key: str) -> Response:
        esc = html.escape
        works = {w.key: w for w in self.works()}
        if key not in works:
            return error(HTTPStatus.NOT_FOUND, f"no work with cite key {key}")
        work = works[key]
        rows = run_query(
            self.store, find_query("concepts-backed-by-work", self.project), {"work": key}
        ).dicts()
        shown = {key} | {str(r[v]) for r in rows for v in ("reviewedIn", "via") if r[v] is not None}
        names = work_names(self.store, shown)
        record = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in sorted(work.fields.items())
        )
        parts = [
            f"<p class=meta>{esc(_citation(names, key))} · cite key <code>{esc(key)}</code></p>",
            f"<h2>Bibliographic record</h2><table>{record}</table>",
            "<h2>What it backs and contests</h2>",
        ]
        for r in rows:
            polarity = compact(r["polarity"]).removeprefix("pg:")
            read_in = _work_link(str(r["reviewedIn"]), _citation(names, str(r["reviewedIn"])))
            via = _work_link(str(r["via"]), _citation(names, str(r["via"]))) if r["via"] else ""
            parts.append(
                f"<blockquote>“{esc(str(r['quote']))}”</blockquote><p class=meta>{esc(polarity)} "
                f"<b>{esc(str(r['label']))}</b> — read in {read_in}"
                + (f" (as cited in {via})" if via else "")
                + "</p>"
            )
        if not rows:
            parts.append("<p>No claim in the graph rests on this work.</p>")
        documents = sorted({str(r["reviewedIn"]) for r in rows}, key=lambda k: _citation(names, k))
        cited_in = ", ".join(_work_link(d, _citation(names, d)) for d in documents)
        parts.append(
            f"<p>Cited in: {cited_in or 'no reviewed document'} · "
            f'<a href="/graph?focus=work:{_path(key)}">in the graph</a></p>'
        )
        return page(work.get("title") or _citation(names, key), "".join(parts))

    def gap_map(self, query: dict[str, list[str]]) -> Response:
        """Counts only, a page of columns at a time; a cell's quotes come from `map_cell`."""
        by = query.get("by", ["documents"])[0]
        count = query.get("count", ["claims"])[0]
        number = query.get("page", ["1"])[0]
        if by not in DIMENSIONS or count not in MEASURES or not number.isdigit():
            return error(
                HTTPStatus.BAD_REQUEST,
                "by is documents, works or kinds; count is claims or works; page a number",
            )
        matrix = build_matrix(self.store, self.project, by, count, int(number))
        text = as_html(matrix, cells_url=f"/map/cell?by={by}&cell=")
        views = " · ".join(f'<a href="/map?by={b}">by {b}</a>' for b in DIMENSIONS if b != by)
        pages = " · ".join(
            f'<a href="/map?by={by}&amp;count={count}&amp;page={n}">page {n}</a>'
            for n in (matrix.page.number - 1, matrix.page.number + 1)
            if 1 <= n <= matrix.page.pages
        )
        more = f" · {pages}" if pages else ""
        return Response(
            HTTPStatus.OK,
            text.replace("<body>", f"<body>{NAV}<p class=views>Also {views}{more}</p>", 1).encode("utf-8"),
        )

    def map_cell(self, query: dict[str, list[str]]) -> Response:
        """The claims behind one cell of the gap map, as JSON, for its panel."""
        by, cell = query.get("by", ["documents"])[0], query.get("cell", [""])[0]
        if by not in DIMENSIONS or "|" not in cell:
            return error(HTTPStatus.BAD_REQUEST, "by is documents, works or kinds; cell is concept|column")
        claims = [c.__dict__ for c in cell_claims(self.store, self.project, by, cell)]
        return Response(HTTPStatus.OK, json.dumps(claims, ensure_ascii=False).encode("utf-8"), JSON_TYPE)

    def queries_page(self, query: dict[str, list[str]]) -> Response:
        """Each named query with its parameters as form fields, concepts and works offered
        by name; a concept may be typed as `evidence` takes it (slug, label, wording)."""
        esc = html.escape
        queries = named_queries(self.project)
        name = query.get("name", [None])[0]
        if name is not None and name not in queries:
            return error(HTTPStatus.NOT_FOUND, f"no named query {name}")
        chosen = name or next(iter(queries))
        given = {k: v[0] for k, v in query.items() if k != "name"}
        options = "".join(
            f'<option value="{esc(n)}"{" selected" if n == chosen else ""}>{esc(q.title)}</option>'
            for n, q in queries.items()
        )
        fieldsets = "".join(
            _parameter_fields(q, given if n == chosen else {}, n == chosen)
            for n, q in queries.items()
            if q.parameters
        )
        body = [
            '<form method="get" action="/query" id="query-form">'
            f'<label>Query <select name="name" id="query-name">{options}</select></label> '
            f'{fieldsets}<button type="submit" id="run">Run</button></form>',
            self._choices(queries.values()),
            _QUERY_SCRIPT,
        ]
        status = HTTPStatus.OK
        if name:
            named = queries[name]
            try:
                result = run_query(self.store, named, self._parameters(named, given))
            except PartnergraphError as exc:
                body.append(f'<p id="error">{esc(str(exc))}</p>')
                status = HTTPStatus.BAD_REQUEST
            else:
                body.append(self._result_table(named, result))
        body.append(
            '<h2>SPARQL</h2><form method="post" action="/sparql"><textarea name="query">'
            "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } LIMIT 10</textarea>"
            '<input type="hidden" name="format" value="csv"><button type="submit">Run</button></form>'
            "<p class=meta>Standard prefixes are declared. Read-only; "
            f"{QUERY_SECONDS:g} s time limit, {RESULT_CAP} rows at most.</p>"
        )
        return page("Named queries", "".join(body), status)

    def _parameters(self, named: NamedQuery, given: dict[str, str]) -> dict[str, str]:
        """The form's values; a concept typed by label or wording becomes its IRI."""
        params = {p.name: given[p.name].strip() for p in named.parameters if given.get(p.name, "").strip()}
        for p in named.parameters:
            if p.type == "concept" and p.name in params:
                params[p.name] = find_concept(self.store, params[p.name]).iri
        return params

    def _choices(self, queries: Iterable[NamedQuery]) -> str:
        """Datalists of concepts (by label, slug beside) and works (by key, name beside)."""
        types = {p.type for q in queries for p in q.parameters}
        esc = html.escape
        lists = []
        if "concept" in types:
            rows = self.store.select(sparql_prologue() + _CONCEPT_LABELS).dicts()
            lists.append(
                '<datalist id="concepts">'
                + "".join(
                    f'<option value="{esc(str(r["label"]))}">{esc(str(r["slug"]))}</option>' for r in rows
                )
                + "</datalist>"
            )
        if "work" in types:
            names = sorted(work_names(self.store).values(), key=lambda w: (w.citation.casefold(), w.key))
            lists.append(
                '<datalist id="works">'
                + "".join(f'<option value="{esc(w.key)}">{esc(w.citation)}</option>' for w in names)
                + "</datalist>"
            )
        return "".join(lists)

    def _result_table(self, named: NamedQuery, result: QueryResult) -> str:
        """Rows as the query returns them, except that works (by IRI or cite key) read as
        names linking to their page, and concepts as labels linking to theirs."""
        esc = html.escape
        names = work_names(self.store)
        labels = reader_names(self.store, names)
        work_prefix = str(ID["work/"])

        def cell(term: Term | None) -> str:
            value = term.value if term is not None else ""
            if value.startswith(CONCEPT_PREFIX) and value in labels:
                slug = value.removeprefix(CONCEPT_PREFIX)
                return f'<a href="/concept/{_path(slug)}">{esc(labels[value])}</a>'
            key = value.removeprefix(work_prefix)
            if key in names:
                return _work_link(key, names[key].citation)
            return esc(compact(term))

        head = "".join(f"<th>{esc(v)}</th>" for v in result.variables)
        rows = "".join(
            "<tr>" + "".join(f"<td>{cell(t)}</td>" for t in row) + "</tr>" for row in result.rows[:500]
        )
        return (
            f"<p>{esc(named.description)}</p><p id=count>{plural(len(result), 'row')}</p>"
            f"<table id=results><tr>{head}</tr>{rows}</table>"
        )

    def export(self, what: str, query: dict[str, list[str]]) -> Response:
        works = self.works()
        if what == "bib":
            fmt = query.get("format", ["bibtex"])[0]
            if fmt not in EXPORTERS:
                return error(HTTPStatus.BAD_REQUEST, "format is bibtex or csljson")
            name = "partnergraph.bib" if fmt == "bibtex" else "partnergraph.json"
            return Response(
                HTTPStatus.OK, EXPORTERS[fmt](works).encode("utf-8"), "text/plain; charset=utf-8", name
            )
        concepts = tuple(query.get("concept", []))
        summary = build_summary(
            self.store, self.project, choose_concepts(self.store, self.project, concepts, None, None)
        )
        cited = cited_works(summary, works)
        stem = "-".join(concepts)[:60] or "summary"
        if what == "summary-bib":
            return Response(
                HTTPStatus.OK,
                EXPORTERS["bibtex"](cited).encode("utf-8"),
                "text/plain; charset=utf-8",
                f"{stem}.bib",
            )
        fmt = query.get("format", ["markdown"])[0]
        style = query.get("style", ["apa"])[0]
        if not STYLE_NAME.fullmatch(style):  # a name, never a path to some file on this machine
            return error(
                HTTPStatus.BAD_REQUEST, "style is a CSL style's name, such as apa or harvard-cite-them-right"
            )
        if fmt == "markdown":
            # The Markdown names its .csl and carries .bib and CSL-JSON beside it: one .zip.
            body, kind, suffix = markdown_bundle(summary, cited, style), "application/zip", "zip"
        elif fmt == "html":
            body, kind, suffix = (
                to_html(summary, cited, style).encode("utf-8"),
                "text/html; charset=utf-8",
                "html",
            )
        elif fmt == "docx":
            body, suffix = to_docx(summary, cited, style), "docx"
            kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            return error(HTTPStatus.BAD_REQUEST, "format is markdown, html or docx")
        return Response(HTTPStatus.OK, body, kind, f"{stem}.{suffix}")

    def route(self, method: str, path: str, query: dict[str, list[str]], accept: str) -> Response:
        if serves(path):  # the graph's own IRIs: negotiated by Accept, so not kept by path
            return self.linked_data.respond(path, accept)
        key = (path, tuple(sorted((k, tuple(v)) for k, v in query.items())))
        return self._cache.get(key, lambda: self.page(path, query))

    def page(self, path: str, query: dict[str, list[str]]) -> Response:
        """Any page but the SPARQL endpoint: the same for every request within a build."""
        try:
            if path == "/":
                return self.home(query)
            if path == "/graph":
                return self.graph_page(query)
            if path.startswith("/concept/"):
                return self.concept(urllib.parse.unquote(path.removeprefix("/concept/")))
            if path.startswith("/work/"):
                return self.work(urllib.parse.unquote(path.removeprefix("/work/")))
            if path == "/map":
                return self.gap_map(query)
            if path == "/map/cell":
                return self.map_cell(query)
            if path == "/query":
                return self.queries_page(query)
            if path.startswith("/export/"):
                return self.export(path.removeprefix("/export/"), query)
        except PartnergraphError as exc:
            return error(
                HTTPStatus.NOT_FOUND if "no concept" in str(exc) else HTTPStatus.BAD_REQUEST, str(exc)
            )
        return error(HTTPStatus.NOT_FOUND, f"nothing at {path}")


_RELATED = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT DISTINCT ?relation ?slug ?label WHERE {
  { ?concept skos:broader ?other . BIND("broader" AS ?relation) }
  UNION { ?other skos:broader ?concept . BIND("narrower" AS ?relation) }
  UNION { { ?concept pg:counterpart ?other } UNION { ?other pg:counterpart ?concept }
          BIND("counterpart" AS ?relation) }
  ?other skos:prefLabel ?label .
  BIND(STRAFTER(STR(?other), "/concept/") AS ?slug)
} ORDER BY ?relation ?label"""


_SLUGS = """
SELECT ?concept ?label WHERE { ?concept skos:inScheme id:scheme ; skos:prefLabel ?label }"""


def _concepts_by_slug(store: Store) -> dict[str, ConceptRef]:
    """Every concept by its slug; a slug that another's matches but for case is left out,
    so that `find_concept` says which it could be."""
    refs: dict[str, ConceptRef] = {}
    for row in store.select(sparql_prologue() + _SLUGS).dicts():
        iri = str(row["concept"])
        refs.setdefault(iri, ConceptRef(iri, iri.removeprefix(CONCEPT_PREFIX), str(row["label"])))
    folded: dict[str, int] = {}
    for ref in refs.values():
        folded[ref.slug.casefold()] = folded.get(ref.slug.casefold(), 0) + 1
    return {ref.slug: ref for ref in refs.values() if folded[ref.slug.casefold()] == 1}


_CONCEPT_LABELS = """
SELECT ?slug ?label WHERE {
  ?concept skos:inScheme id:scheme ; skos:prefLabel ?label .
  FILTER NOT EXISTS { ?concept a pg:Category }
  BIND(STRAFTER(STR(?concept), "/concept/") AS ?slug)
} ORDER BY LCASE(STR(?label))"""
# Only the chosen query's parameters are shown and sent: the others' fieldsets are disabled.
_QUERY_SCRIPT = """<script>
const pick = document.getElementById('query-name');
pick.addEventListener('change', () => document.querySelectorAll('fieldset[data-query]').forEach(f => {
  f.disabled = f.hidden = f.dataset.query !== pick.value; }));
</script>"""


def _parameter_fields(named: NamedQuery, given: dict[str, str], chosen: bool) -> str:
    esc = html.escape
    fields = []
    for p in named.parameters:
        value = given.get(p.name, p.default or "")
        choices = {"concept": ' list="concepts"', "work": ' list="works"'}.get(p.type, "")
        fields.append(
            f'<label>{esc(p.name)} <input name="{esc(p.name)}" value="{esc(value)}"{choices}></label> '
            f"<span class=meta>{esc(p.doc)}</span><br>"
        )
    hidden = "" if chosen else " hidden disabled"
    return (
        f'<fieldset data-query="{esc(named.name)}"{hidden}><legend>Parameters</legend>'
        + "".join(fields)
        + "</fieldset>"
    )


def _count_table(
    table_id: str,
    heading: str,
    rows: list[Count],
    first: Callable[[Count], str],
    concepts: bool = False,
    extra: tuple[str, Callable[[Count], str]] | None = None,
) -> str:
    """One overview table: a named, linked first column, then counts from `overview`."""
    head = [heading, *(["Concepts"] if concepts else []), "Claims", "Works", *([extra[0]] if extra else [])]
    body = []
    for c in rows:
        cells = [first(c), *([str(c.concepts)] if concepts else []), str(c.claims), str(c.works)]
        cells += [extra[1](c)] if extra else []
        row = "".join(f"<td{' class=n' if cell.isdigit() else ''}>{cell}</td>" for cell in cells)
        body.append(f"<tr>{row}</tr>")
    return (
        f'<table id="{table_id}"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def _quietly(job: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # a failing page fails again, and says so, when asked
        job()


def _weight(value: object) -> int:
    """A page weighs its body; the graph and the works, kept beside the pages, count as nothing."""
    return len(value.body) if isinstance(value, Response) else 0


def _page_of(iri: str) -> str | None:
    """The explorer's own page for a concept or a work, where an /id/ IRI sends a browser."""
    if iri.startswith(CONCEPT_PREFIX):
        return f"/concept/{_path(iri.removeprefix(CONCEPT_PREFIX))}"
    if iri.startswith(str(ID["work/"])):
        return f"/work/{_path(iri.removeprefix(str(ID['work/'])))}"
    return None


def _work_link(key: str, text: str) -> str:
    """A work by its short citation, linked to its page; the key stays in the link and tooltip."""
    return f'<a href="/work/{_path(key)}" title="{html.escape(key)}">{html.escape(text)}</a>'


def _citation(names: dict[str, WorkName], key: str) -> str:
    return names[key].citation if key in names else key


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _path(text: str) -> str:
    """A path segment or query value, percent-encoded and so safe in an attribute."""
    return urllib.parse.quote(text, safe="")


class Handler(BaseHTTPRequestHandler):
    explorer: Explorer
    host_names: frozenset[str]
    wildcard: bool

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        """Every answer, the server's own error pages included, carries the protective headers."""
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def refused(self) -> Response | None:
        """Another host name (DNS rebinding) or another site's page (Origin): refused."""
        host = self.headers.get("Host")
        if not host_allowed(host, self.host_names, self.server.server_address[1], self.wildcard):
            return error(
                HTTPStatus.BAD_REQUEST, "unknown host name: open this server as 127.0.0.1 or localhost"
            )
        if not origin_allowed(self.headers.get("Origin"), host or ""):
            return error(HTTPStatus.FORBIDDEN, "requests from other sites' pages are refused")
        return None

    def read_body(self) -> bytes | Response:
        """The request body, or the refusal of one without a valid size or over `MAX_BODY`
        (answered without reading it; the connection is then closed)."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            if length < 0:
                return error(HTTPStatus.BAD_REQUEST, "Content-Length is not a number of bytes")
            return error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request body holds at most {MAX_BODY} bytes"
            )
        return self.rfile.read(length)

    def _respond(self, response: Response, body: bool = True) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.filename:
            self.send_header("Content-Disposition", content_disposition(response.filename))
        if response.location:
            self.send_header("Location", response.location)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(response.body)

    def _get(self, method: str) -> Response:
        if refusal := self.refused():
            return refusal
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/sparql":
            return self.explorer.endpoint.handle(method, query, self.headers, b"")
        return self.explorer.route("GET", url.path, query, self.headers.get("Accept", ""))

    def do_GET(self) -> None:
        self._respond(self._get("GET"))

    def do_HEAD(self) -> None:
        """The headers a GET would get, without its body."""
        self._respond(self._get("HEAD"), body=False)

    def do_OPTIONS(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/sparql":
            self._respond(self.explorer.endpoint.handle("OPTIONS", {}, self.headers, b""))
            return
        self._respond(Response(HTTPStatus.NO_CONTENT, b"", headers=(("Allow", "GET, HEAD, OPTIONS"),)))

    def _not_allowed(self) -> None:
        """PUT, DELETE, PATCH: 405 naming what is allowed, not http.server's 501."""
        url = urllib.parse.urlsplit(self.path)
        self._respond(
            self.explorer.endpoint.handle(self.command, {}, self.headers, b"")
            if url.path == "/sparql"
            else error(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"{self.command} is not allowed here",
                (("Allow", "GET, HEAD, OPTIONS"),),
            )
        )

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def do_POST(self) -> None:
        refusal = self.refused() or self.read_body()
        if isinstance(refusal, Response):
            self._respond(refusal)
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self._respond(error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST"))
            return
        query = urllib.parse.parse_qs(url.query)
        self._respond(self.explorer.endpoint.handle("POST", query, self.headers, refusal))


class ExplorerServer(ThreadingHTTPServer):
    """Closing the server also ends the SPARQL endpoint's query workers."""

    explorer: Explorer
    # socketserver's default backlog of 5 drops the connections of a sixth client at once,
    # which then waits a second for TCP to try again: 20 readers made p99 one second.
    request_queue_size = 128

    def server_close(self) -> None:
        super().server_close()
        # socketserver calls this too when binding fails, before `explorer` is set.
        explorer = getattr(self, "explorer", None)
        if explorer is not None:
            explorer.endpoint.close()


def make_server(
    project: Project, store: Store, host: str = "127.0.0.1", port: int = 8765
) -> ThreadingHTTPServer:
    bound = {
        "explorer": Explorer(project, store),
        "host_names": host_names(host),
        "wildcard": host in ("", "0.0.0.0", "::"),
        "timeout": REQUEST_SECONDS,
    }
    try:
        server = ExplorerServer((host, port), type("BoundHandler", (Handler,), bound))
    except BaseException:
        bound["explorer"].endpoint.close()  # a busy port must not leave query workers behind
        raise
    server.explorer = bound["explorer"]
    threading.Thread(target=server.explorer.warm, name="warm pages", daemon=True).start()
    return server
