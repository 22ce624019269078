"""`partnergraph serve`: a local web explorer over the built store.

Pages for the graph, each concept, each work and the gap map, a query page with the
named queries, downloads of summaries and the bibliography, and a read-only SPARQL
1.1 endpoint. Every page is built by the library functions the CLI uses (evidence,
matrix, summary, viz, bib export); this module only routes requests to them. It
binds to 127.0.0.1 unless told otherwise, loads nothing from the network, and
escapes every string that comes from the sources.
"""

from __future__ import annotations

import ctypes
import html
import re
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rdflib import URIRef

from .bibexport import EXPORTERS
from .build import load_sources
from .errors import PartnergraphError
from .evidence import collect_evidence
from .evidence_graph import build_graph
from .evidence_output import POLARITY_HEADINGS, profile_lines
from .matrix import RENDERERS, build_matrix
from .output import as_csv, as_sparql_json, compact
from .project import Project
from .queries import find_query, named_queries, run_query
from .stores import QueryResult, Store
from .summary import build_summary, choose_concepts
from .summary_output import to_docx, to_html, to_markdown
from .viz_html import network_data, render_page

QUERY_SECONDS = 10.0
RESULT_CAP = 10_000
# Queries past their limit that are still finishing (Oxigraph cannot be interrupted);
# while this many run, new queries are turned away rather than piled on.
ABANDONED_CAP = 2
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.I | re.M)
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #222; }
blockquote { margin: 0.4rem 0; padding-left: 0.6rem; border-left: 3px solid #8aa; }
.meta { color: #555; font-size: 0.9rem; } table { border-collapse: collapse; }
td, th { border: 1px solid #ddd; padding: 2px 6px; font-size: 0.9rem; vertical-align: top; }
textarea { width: 100%; height: 10rem; }
"""
# Its own style: it is also put into pages the explorer did not lay out (the gap map).
NAV = (
    "<nav><style>nav a { margin-right: 1rem; }</style>"
    '<a href="/">Graph</a><a href="/map">Gap map</a><a href="/query">Queries</a></nav>'
)


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    filename: str | None = None


def page(title: str, body: str) -> Response:
    text = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{NAV}<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(HTTPStatus.OK, text.encode("utf-8"))


def error(status: int, message: str) -> Response:
    return Response(status, message.encode("utf-8"), "text/plain; charset=utf-8")


class Explorer:
    """The routes, over one open store; safe to call from the server's threads."""

    def __init__(self, project: Project, store: Store) -> None:
        self.project, self.store = project, store
        self._lock = threading.Lock()
        self._graph = None
        self._abandoned: set[threading.Thread] = set()
        self._abandoned_lock = threading.Lock()

    # -- helpers -----------------------------------------------------------------------
    def graph(self):
        with self._lock:
            if self._graph is None:
                self._graph = build_graph(self.store, self.project)
            return self._graph

    def select(self, sparql: str, seconds: float | None = None) -> QueryResult:
        """Run a SELECT or ASK within the time limit, or stop it and say so.

        The query runs in a daemon thread; past the limit that thread is sent
        `QueryAbandoned`, which ends the pure-Python evaluation of the in-memory
        store at its next step. Oxigraph evaluates inside Rust between solutions, so
        there the thread stops at the next solution it returns; meanwhile the reply
        has already gone out, and a stuck thread never keeps the server from exiting.
        While `ABANDONED_CAP` such threads are still running, new queries are refused.
        """
        seconds = QUERY_SECONDS if seconds is None else seconds
        with self._abandoned_lock:
            self._abandoned = {t for t in self._abandoned if t.is_alive()}
            if len(self._abandoned) >= ABANDONED_CAP:
                raise TimeoutError(
                    f"{len(self._abandoned)} earlier queries ran past the time limit and are still "
                    "finishing; try again in a while"
                )
        outcome: list[object] = []

        def work() -> None:
            try:
                outcome.append(self.store.select(sparql))
            except QueryAbandoned:
                pass
            except BaseException as exc:  # handed to the requesting thread below
                outcome.append(exc)

        worker = threading.Thread(target=work, name="sparql-query", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive():
            abandon(worker)
            with self._abandoned_lock:
                self._abandoned.add(worker)
            raise TimeoutError(f"the query ran longer than {seconds:g} s and was stopped")
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]

    # -- pages -------------------------------------------------------------------------
    def home(self, query: dict[str, list[str]]) -> Response:
        data = network_data(self.graph())
        data["served"] = True
        focus = query.get("focus", [None])[0]
        if focus:
            if focus not in data["details"]:
                return error(HTTPStatus.NOT_FOUND, f"no node {focus}")
            data["focus"] = focus
        return Response(HTTPStatus.OK, render_page(data).encode("utf-8"))

    def concept(self, slug: str) -> Response:
        evidence = collect_evidence(self.store, self.project, slug)
        esc = html.escape
        ref = evidence.concept
        parts = [
            "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in profile_lines(evidence.profile)) + "</ul>"
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
            f'<a href="/export/summary?concept={q}&format=markdown" download>summary (Markdown)</a>, '
            f'<a href="/export/summary-bib?concept={q}" download>its .bib</a>, '
            f'<a href="/export/summary?concept={q}&format=html" download>HTML</a>, '
            f'<a href="/export/summary?concept={q}&format=docx" download>Word</a>, '
            '<a href="/export/bib?format=bibtex" download>the bibliography</a> · '
            f'<a href="/?focus=concept:{q}">in the graph</a></p>'
        )
        for polarity, claims in evidence.by_polarity().items():
            parts.append(f"<h2>{esc(POLARITY_HEADINGS[polarity])} ({len(claims)})</h2>")
            for c in claims:
                works = ", ".join(f'<a href="/work/{_path(w.key)}">{esc(w.key)}</a>' for w in c.works)
                where = ", ".join(filter(None, [c.reviewed_in, c.section]))
                parts.append(
                    f"<blockquote>“{esc(c.quote)}”</blockquote><p class=meta>{esc(c.citation())} — {works} — "
                    f"read in {esc(where)} — {esc(c.kind or 'kind unstated')}</p>"
                )
        return page(f"{ref.label}", "".join(parts))

    def work(self, key: str) -> Response:
        esc = html.escape
        works = {w.key: w for w in load_sources(self.project).works}
        if key not in works:
            return error(HTTPStatus.NOT_FOUND, f"no work with cite key {key}")
        work = works[key]
        record = "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in sorted(work.fields.items())
        )
        rows = run_query(
            self.store, find_query("concepts-backed-by-work", self.project), {"work": key}
        ).dicts()
        parts = [
            f"<h2>Bibliographic record</h2><table>{record}</table>",
            "<h2>What it backs and contests</h2>",
        ]
        for r in rows:
            polarity = compact(r["polarity"]).removeprefix("pg:")
            parts.append(
                f"<blockquote>“{esc(str(r['quote']))}”</blockquote><p class=meta>{esc(polarity)} "
                f"<b>{esc(str(r['label']))}</b> — read in {esc(str(r['reviewedIn']))}"
                + (f" (as cited in {esc(str(r['via']))})" if r["via"] else "")
                + "</p>"
            )
        if not rows:
            parts.append("<p>No claim in the graph rests on this work.</p>")
        documents = sorted({str(r["reviewedIn"]) for r in rows})
        parts.append(
            f"<p>Cited in: {esc(', '.join(documents) or 'no reviewed document')} · "
            f'<a href="/?focus=work:{_path(key)}">in the graph</a></p>'
        )
        return page(work.get("title") or key, "".join(parts))

    def gap_map(self, query: dict[str, list[str]]) -> Response:
        by = query.get("by", ["documents"])[0]
        count = query.get("count", ["claims"])[0]
        if by not in ("documents", "works", "kinds") or count not in ("claims", "works"):
            return error(HTTPStatus.BAD_REQUEST, "by is documents, works or kinds; count is claims or works")
        text = RENDERERS["html"](build_matrix(self.store, self.project, by, count))
        return Response(HTTPStatus.OK, text.replace("<body>", "<body>" + NAV, 1).encode("utf-8"))

    def queries_page(self, query: dict[str, list[str]]) -> Response:
        esc = html.escape
        queries = named_queries(self.project)
        name = query.get("name", [None])[0]
        options = "".join(
            f'<option value="{esc(n)}"{" selected" if n == name else ""}>{esc(q.title)}</option>'
            for n, q in queries.items()
        )
        body = [
            f'<form method="get" action="/query"><select name="name">{options}</select> '
            '<button type="submit" id="run">Run</button></form>'
        ]
        if name:
            if name not in queries:
                return error(HTTPStatus.NOT_FOUND, f"no named query {name}")
            named = queries[name]
            params = {p.name: query[p.name][0] for p in named.parameters if p.name in query}
            result = run_query(self.store, named, params)
            head = "".join(f"<th>{esc(v)}</th>" for v in result.variables)
            rows = "".join(
                "<tr>" + "".join(f"<td>{esc(compact(t))}</td>" for t in row) + "</tr>"
                for row in result.rows[:500]
            )
            body.append(
                f"<p>{esc(named.description)}</p><p id=count>{len(result)} row(s)</p>"
                f"<table id=results><tr>{head}</tr>{rows}</table>"
            )
        body.append(
            '<h2>SPARQL</h2><form method="post" action="/sparql"><textarea name="query">'
            "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } LIMIT 10</textarea>"
            '<input type="hidden" name="format" value="csv"><button type="submit">Run</button></form>'
            "<p class=meta>Standard prefixes are declared. Read-only; "
            f"{QUERY_SECONDS:g} s time limit, {RESULT_CAP} rows at most.</p>"
        )
        return page("Named queries", "".join(body))

    def sparql(self, params: dict[str, list[str]], accept: str) -> Response:
        from .namespaces import sparql_prologue

        text = params.get("query", [""])[0]
        if not text.strip():
            return error(HTTPStatus.BAD_REQUEST, "give a SPARQL query as ?query= or in the request body")
        if params.get("update") or _UPDATE.search(_strip_prologue(text)):
            return error(HTTPStatus.FORBIDDEN, "updates are refused: this endpoint is read-only")
        declared = text if re.search(r"^\s*PREFIX\s", text, re.I | re.M) else sparql_prologue() + text
        try:
            result = self.select(declared)
        except TimeoutError as exc:
            return error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except PartnergraphError as exc:
            return error(HTTPStatus.BAD_REQUEST, str(exc))
        truncated = len(result.rows) > RESULT_CAP
        result = QueryResult(result.variables, result.rows[:RESULT_CAP])
        fmt = params.get("format", [""])[0] or ("csv" if "text/csv" in accept else "json")
        if fmt == "csv":
            return Response(HTTPStatus.OK, as_csv(result).encode("utf-8"), "text/csv; charset=utf-8")
        cut = {"truncated": True, "limit": RESULT_CAP} if truncated else None
        body = as_sparql_json(result, cut).encode("utf-8")
        return Response(HTTPStatus.OK, body, "application/sparql-results+json")

    def export(self, what: str, query: dict[str, list[str]]) -> Response:
        works = load_sources(self.project).works
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
        cited = [w for key in summary.cited_keys() for w in works if w.key == key]
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
        if fmt == "markdown":
            body, kind, suffix = to_markdown(summary, f"{stem}.json").encode("utf-8"), "text/markdown", "md"
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
        try:
            if path == "/":
                return self.home(query)
            if path.startswith("/concept/"):
                return self.concept(urllib.parse.unquote(path.removeprefix("/concept/")))
            if path.startswith("/work/"):
                return self.work(urllib.parse.unquote(path.removeprefix("/work/")))
            if path == "/map":
                return self.gap_map(query)
            if path == "/query":
                return self.queries_page(query)
            if path == "/sparql":
                return self.sparql(query, accept)
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


class QueryAbandoned(BaseException):
    """Raised inside a query thread that ran past its time limit.

    A BaseException, so that no `except Exception` on the way up swallows it.
    """


def abandon(thread: threading.Thread) -> None:
    """Raise `QueryAbandoned` in `thread` at its next Python bytecode."""
    if thread.ident is not None:
        exception = ctypes.py_object(QueryAbandoned)
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), exception)


def _path(text: str) -> str:
    """A path segment or query value, percent-encoded and so safe in an attribute."""
    return urllib.parse.quote(text, safe="")


def _strip_prologue(text: str) -> str:
    return re.sub(r"^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*", "", text, flags=re.I | re.M)


class Handler(BaseHTTPRequestHandler):
    explorer: Explorer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _respond(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Content-Security-Policy", "default-src 'self' 'unsafe-inline' data: blob:")
        if response.filename:
            self.send_header("Content-Disposition", f'attachment; filename="{response.filename}"')
        self.end_headers()
        self.wfile.write(response.body)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self._respond(self.explorer.route("GET", url.path, query, self.headers.get("Accept", "")))

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("application/sparql-query"):
            query = {"query": [raw]}
        elif kind.startswith("application/sparql-update"):
            query = {"update": [raw], "query": [raw]}
        else:
            query = urllib.parse.parse_qs(raw)
        query.update({k: v for k, v in urllib.parse.parse_qs(url.query).items() if k not in query})
        if url.path != "/sparql":
            self._respond(error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST"))
            return
        self._respond(self.explorer.sparql(query, self.headers.get("Accept", "")))


def make_server(
    project: Project, store: Store, host: str = "127.0.0.1", port: int = 8765
) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"explorer": Explorer(project, store)})
    return ThreadingHTTPServer((host, port), handler)
