"""The `/sparql` endpoint of `partnergraph serve` against the SPARQL 1.1 Protocol, over a real
server on 127.0.0.1 and the real Oxigraph store (and `memory:` where it differs): methods,
content negotiation, datasets, refusals by parsing, truncation, and time limits that stop
the query's process."""

from __future__ import annotations

import contextlib
import csv
import http.server
import io
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from partnergraph import Project, open_store
from partnergraph import sparql_endpoint as endpoint_module
from partnergraph.cli import main
from partnergraph.errors import StoreError
from partnergraph.explorer import ExplorerServer, make_server
from partnergraph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH

BARRIERS = "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } ORDER BY ?label"
LABELS = ["Competition between partners", "Lack of trust", "Power imbalance"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Runs for minutes on either store: a three-way cartesian product, counted.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def request(url: str, data: bytes | None = None, method: str | None = None, **headers: str):
    """(status, headers, body) of one request; error statuses are answers too."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def get(base: str, query: str | None = None, **headers: str):
    params = {} if query is None else {"query": query}
    return request(base + "/sparql?" + urllib.parse.urlencode(params), **headers)


def bindings(body: bytes) -> list[dict]:
    return json.loads(body)["results"]["bindings"]


@contextlib.contextmanager
def serve(project: Project, descriptor: str) -> Iterator[tuple[str, ExplorerServer]]:
    store = open_store(descriptor, project)
    server = make_server(project, store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server
    finally:
        server.shutdown()
        server.server_close()
        store.close()


@pytest.fixture(scope="module")
def project(built: Project) -> Project:
    """The session's built mini project: the endpoint only reads it."""
    return built


@pytest.fixture(scope="module")
def served(project: Project) -> Iterator[tuple[str, ExplorerServer]]:
    """`serve` over the project's own (Oxigraph) store."""
    with serve(project, project.default_store) as pair:
        yield pair


@pytest.fixture(scope="module")
def site(served: tuple[str, ExplorerServer]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def memory_site(project: Project) -> Iterator[str]:
    with serve(project, "memory:") as (base, _server):
        yield base


def test_get_and_both_post_forms_answer_the_same(site: str) -> None:
    status, headers, body = get(site, BARRIERS)
    assert status == 200 and headers.get_content_type() == "application/sparql-results+json"
    assert [b["label"]["value"] for b in bindings(body)] == LABELS
    form = urllib.parse.urlencode({"query": BARRIERS}).encode()
    status, _, posted = request(
        site + "/sparql", form, Accept="application/sparql-results+json",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status == 200 and bindings(posted) == bindings(body)
    status, _, direct = request(
        site + "/sparql", BARRIERS.encode(), **{"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and bindings(direct) == bindings(body)
    status, _, _ = request(site + "/sparql", BARRIERS.encode(), **{"Content-Type": "text/plain"})
    assert status == 415


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("text/html, application/sparql-results+json;q=0.2, text/csv;q=0.9", "text/csv"),
        (
            "application/sparql-results+json;q=0.5, application/sparql-results+xml",
            "application/sparql-results+xml",
        ),
        ("text/*;q=0.8, */*;q=0.1", "text/csv"),
        ("application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
    ],
)
def test_select_results_by_content_negotiation(site: str, accept: str, media_type: str) -> None:
    status, headers, body = get(site, BARRIERS, Accept=accept)
    assert status == 200 and headers.get_content_type() == media_type
    assert "Accept" in headers.get("Vary", "")
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows == [["label"], *([label] for label in LABELS)]
    else:
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        solutions = ox.parse_query_results(body, format=fmt)
        assert [s["label"] for s in solutions] == [ox.Literal(label, language="en") for label in LABELS]


@pytest.mark.parametrize("accept", ["text/html", "application/ld+json", "image/png, text/turtle"])
def test_select_with_no_acceptable_format_gets_406(site: str, accept: str) -> None:
    status, _, body = get(site, BARRIERS, Accept=accept)
    assert status == 406 and b"application/sparql-results+xml" in body


def test_ask_in_every_results_format(site: str) -> None:
    for accept, fmt in [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ]:
        status, _, body = get(site, "ASK { ?c a pg:Theory }", Accept=accept)
        assert status == 200 and bool(ox.parse_query_results(body, format=fmt)) is True
    status, _, body = get(site, "ASK { ?c a pg:Nothing }", Accept="text/csv")
    assert status == 200 and body.decode().strip() == "false"


def test_tagged_literals_carry_a_language_and_no_datatype(site: str) -> None:
    _, _, body = get(site, BARRIERS)
    label = bindings(body)[0]["label"]
    assert label == {"type": "literal", "value": LABELS[0], "xml:lang": "en"}
    _, _, body = get(site, 'SELECT ?n ?s WHERE { BIND(42 AS ?n) BIND("plain" AS ?s) }')
    row = bindings(body)[0]
    assert row["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer" and "xml:lang" not in row["n"]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("*/*", ox.RdfFormat.TURTLE),
    ],
)
def test_construct_and_describe_as_rdf(site: str, accept: str, fmt: ox.RdfFormat) -> None:
    construct = "CONSTRUCT { ?c skos:prefLabel ?label } WHERE { ?c a pg:Barrier ; skos:prefLabel ?label }"
    status, headers, body = get(site, construct, Accept=accept)
    assert status == 200 and headers.get_content_type() == fmt.media_type.split(";")[0]
    labels = sorted(t.object.value for t in ox.parse(body, format=fmt))
    assert labels == LABELS
    status, _, body = get(site, "DESCRIBE <https://w3id.org/partnergraph/id/concept/trust>", Accept=accept)
    described = list(ox.parse(body, format=fmt))
    assert status == 200 and described
    assert {t.subject for t in described} == {ox.NamedNode("https://w3id.org/partnergraph/id/concept/trust")}


def test_construct_refuses_results_formats_with_406(site: str) -> None:
    status, _, _ = get(site, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="application/sparql-results+json")
    assert status == 406


def test_default_and_named_graph_uri_choose_the_dataset(site: str) -> None:
    everything = int(bindings(get(site, COUNT)[2])[0]["n"]["value"])
    assert everything > 100

    def count(query: str, **graphs: list[str]) -> int:
        params = [("query", query)] + [(k.replace("_", "-"), g) for k, v in graphs.items() for g in v]
        status, _, body = request(site + "/sparql?" + urllib.parse.urlencode(params))
        assert status == 200, body
        return int(bindings(body)[0]["n"]["value"])

    assert count(COUNT, default_graph_uri=["urn:no-such-graph"]) == 0
    assert count(COUNT, default_graph_uri=[str(ASSERTED_GRAPH)]) == everything - count(
        COUNT, default_graph_uri=[str(INFERRED_GRAPH)]
    )
    # Only the named graphs given are visible to GRAPH; the default graph is then empty.
    in_graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(in_graphs, named_graph_uri=[str(ASSERTED_GRAPH)]) == 1
    assert count(COUNT, named_graph_uri=[str(ASSERTED_GRAPH)]) == 0


@pytest.mark.parametrize("which", ["oxigraph", "memory"])
def test_from_in_the_query_is_honoured(site: str, memory_site: str, which: str) -> None:
    base = site if which == "oxigraph" else memory_site
    asserted = f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
    named_only = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
    expected = int(bindings(request(base + "/sparql?" + urllib.parse.urlencode(
        {"query": COUNT, "default-graph-uri": str(ASSERTED_GRAPH)}))[2])[0]["n"]["value"])  # fmt: skip
    assert int(bindings(get(base, asserted)[2])[0]["n"]["value"]) == expected > 0
    assert int(bindings(get(base, named_only)[2])[0]["n"]["value"]) == 0
    # The protocol's dataset wins over the query's.
    params = {"query": named_only, "default-graph-uri": str(ASSERTED_GRAPH)}
    _, _, body = request(base + "/sparql?" + urllib.parse.urlencode(params))
    assert int(bindings(body)[0]["n"]["value"]) == expected


@pytest.mark.parametrize("which", ["oxigraph", "memory"])
@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/graph.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_a_graph_the_store_does_not_hold_is_refused(
    site: str, memory_site: str, which: str, query: str
) -> None:
    status, _, body = get(site if which == "oxigraph" else memory_site, query)
    assert status == 403 and b"holds no such graph" in body


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/partnergraph/graph/asserted>",
    "CREATE GRAPH <urn:new>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "COPY <urn:a> TO <urn:b>",
    "PREFIX x: <urn:x>\n  insert data { x:a x:b x:c }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_every_update_form_is_refused_with_403(site: str, update: str) -> None:
    assert get(site, update)[0] == 403
    assert (
        request(site + "/sparql", update.encode(), **{"Content-Type": "application/sparql-update"})[0] == 403
    )
    form = urllib.parse.urlencode({"update": update}).encode()
    assert request(site + "/sparql", form, **{"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, body = request(site + "/sparql?" + urllib.parse.urlencode({"update": update}))
    assert status == 403 and b"read-only" in body
    assert int(bindings(get(site, COUNT)[2])[0]["n"]["value"]) > 100  # nothing was changed


def test_a_select_whose_literal_has_a_line_starting_create_runs(site: str) -> None:
    query = 'SELECT ?note WHERE { BIND("""a note\nCreate a partnership\nDROP it""" AS ?note) }'
    status, _, body = get(site, query)
    assert status == 200 and bindings(body)[0]["note"]["value"].startswith("a note\nCreate")


def test_malformed_sparql_is_a_400_placed_in_the_text_as_sent(site: str) -> None:
    status, _, body = get(site, "SELECT ?x\nWHERE { ?x ?y ?z .\n  FILTER( }")
    assert status == 400 and body.startswith(b"malformed SPARQL at line 3, column")


def test_queries_too_long_or_too_deep_to_read_are_refused_not_crashed(site: str) -> None:
    deep = "SELECT * WHERE " + "{ " * 60 + "?s ?p ?o " + "} " * 60
    status, _, body = get(site, deep)
    assert status == 403 and b"nested too deeply" in body
    long = ("SELECT * WHERE { " + "?s ?p ?o . " * 20_000 + "}").encode()
    status, _, body = request(site + "/sparql", long, **{"Content-Type": "application/sparql-query"})
    assert status == 403 and b"longer than" in body
    status, _, body = get(site, "SELECT * WHERE " + "{ " * 20 + "?s ?p ?o " + "} " * 20 + "LIMIT 1")
    assert status == 200 and len(bindings(body)) == 1


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def bystander() -> Iterator[str]:
    """A server on 127.0.0.1 that records whether anything contacted it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("which", ["oxigraph", "memory"])
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?x a pg:Barrier OPTIONAL {{ SERVICE SILENT <{url}> {{ ?x ?p ?o }} }} }}",
        "ASK {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_never_called(
    site: str, memory_site: str, bystander: str, which: str, template: str
) -> None:
    status, _, body = get(site if which == "oxigraph" else memory_site, template.format(url=bystander))
    assert status == 403 and b"SERVICE" in body
    assert _Recorder.hits == []


def test_head_has_the_headers_of_get_and_no_body(site: str) -> None:
    url = site + "/sparql?" + urllib.parse.urlencode({"query": BARRIERS})
    status, got, body = request(url, Accept="application/sparql-results+xml")
    head_status, headed, head_body = request(url, method="HEAD", Accept="application/sparql-results+xml")
    assert (head_status, head_body) == (status, b"") and body
    for name in ("Content-Type", "Content-Length", "Vary"):
        assert headed[name] == got[name]


def test_options_says_what_is_allowed(site: str) -> None:
    status, headers, _ = request(site + "/sparql", method="OPTIONS")
    assert status in (200, 204)
    assert {m.strip() for m in headers["Allow"].split(",")} >= {"GET", "POST", "HEAD", "OPTIONS"}
    assert request(site + "/sparql", method="PUT")[0] == 405


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("text/html,application/xhtml+xml", ox.RdfFormat.TURTLE),
    ],
)
def test_service_description_at_the_endpoint(site: str, accept: str, fmt: ox.RdfFormat) -> None:
    status, headers, body = get(site, Accept=accept)
    assert status == 200 and headers.get_content_type() == fmt.media_type.split(";")[0]
    graph = rdflib.Graph().parse(data=body, format="json-ld" if fmt == ox.RdfFormat.JSON_LD else "turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(site + "/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_TSV") in formats
    names = {str(n) for n in graph.objects(None, sd.name)}
    assert names == {str(ASSERTED_GRAPH), str(INFERRED_GRAPH)}


@pytest.mark.parametrize(
    ("accept", "rows"),
    [
        ("application/sparql-results+json", lambda b: len(bindings(b))),
        (
            "application/sparql-results+xml",
            lambda b: len(list(ox.parse_query_results(b, ox.QueryResultsFormat.XML))),
        ),
        ("text/csv", lambda b: len(list(csv.reader(io.StringIO(b.decode())))) - 1),
        (
            "text/tab-separated-values",
            lambda b: len(list(ox.parse_query_results(b, ox.QueryResultsFormat.TSV))),
        ),
    ],
)
def test_truncation_is_signalled_by_a_link_header_and_stays_valid(
    site: str, monkeypatch: pytest.MonkeyPatch, accept: str, rows
) -> None:
    status, headers, body = get(site, BARRIERS, Accept=accept)
    assert status == 200 and rows(body) == 3 and headers["Link"] is None
    monkeypatch.setattr(endpoint_module, "RESULT_CAP", 2)
    status, headers, body = get(site, BARRIERS, Accept=accept)
    assert status == 200 and rows(body) == 2
    link = headers["Link"]
    assert link.startswith(f"<{site}/sparql#result-cap>") and 'rel="describedby"' in link
    # The link leads to the service description's note on the cap.
    graph = rdflib.Graph().parse(data=get(site)[2], format="turtle")
    note = rdflib.URIRef(f"{site}/sparql#result-cap")
    assert "Link:" in str(graph.value(note, rdflib.RDFS.comment))
    status, headers, body = get(site, "CONSTRUCT WHERE { ?c a pg:Barrier }", Accept="application/n-triples")
    assert len(body.decode().strip().splitlines()) == 2 and headers["Link"]


def _cpu_ticks(pids: list[int]) -> int:
    """utime + stime of live processes, from /proc (psutil is not installed)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_workers(server, count: int = 2, seconds: float = 30) -> list[int]:
    pool = server.explorer.endpoint.pool
    deadline = time.monotonic() + seconds
    while pool.idle() < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.idle() >= count, "query workers did not start"
    return pool.pids()


@pytest.mark.parametrize("which", ["oxigraph", "memory"])
def test_a_runaway_query_is_stopped_and_the_cpu_is_idle_within_2_s(
    project: Project, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    monkeypatch.setattr(endpoint_module, "QUERY_SECONDS", 1.0)
    descriptor = project.default_store if which == "oxigraph" else "memory:"
    with serve(project, descriptor) as (base, server):
        before = _wait_for_workers(server)
        started = time.monotonic()
        status, _, body = get(base, RUNAWAY)
        answered = time.monotonic()
        assert status == 503 and b"longer than 1 s" in body and answered - started < 3
        stopped = [pid for pid in before if not _alive(pid)]
        assert len(stopped) == 1  # the worker that ran it is gone, not left computing
        time.sleep(0.5)
        workers = _wait_for_workers(server, seconds=max(0.1, answered + 2 - time.monotonic()))
        ticks = _cpu_ticks(workers) + _cpu_ticks([os.getpid()])
        time.sleep(0.5)
        busy = (_cpu_ticks(workers) + _cpu_ticks([os.getpid()]) - ticks) / os.sysconf("SC_CLK_TCK")
        assert time.monotonic() - answered < 2.5 and busy < 0.1  # CPU seconds in half a second
        status, _, body = get(base, BARRIERS)
        assert status == 200 and [b["label"]["value"] for b in bindings(body)] == LABELS


def test_two_runaway_queries_do_not_lock_out_later_requests(project: Project, monkeypatch) -> None:
    monkeypatch.setattr(endpoint_module, "QUERY_SECONDS", 1.0)
    with serve(project, project.default_store) as (base, server):
        _wait_for_workers(server)
        results: list[int] = []
        runaways = [threading.Thread(target=lambda: results.append(get(base, RUNAWAY)[0])) for _ in range(2)]
        for thread in runaways:
            thread.start()
        for thread in runaways:
            thread.join(10)
        assert results == [503, 503]
        started = time.monotonic()
        status, _, _ = get(base, BARRIERS)
        assert status == 200 and time.monotonic() - started < 5


def test_a_catastrophic_regex_on_memory_does_not_stall_pages(project: Project, monkeypatch) -> None:
    """On `memory:` rdflib evaluates REGEX in Python, holding the GIL; in a worker process
    it stalls nobody, and is killed at the limit."""
    monkeypatch.setattr(endpoint_module, "QUERY_SECONDS", 2.0)
    regex = 'SELECT ?x WHERE { BIND("%sb" AS ?x) FILTER(REGEX(?x, "^(a+)+$")) }' % ("a" * 42)
    with serve(project, "memory:") as (base, server):
        _wait_for_workers(server)
        outcome: list[int] = []
        runaway = threading.Thread(target=lambda: outcome.append(get(base, regex)[0]))
        runaway.start()
        time.sleep(0.3)
        started = time.monotonic()
        status, _, _ = request(base + "/map")
        assert status == 200 and time.monotonic() - started < 1.5
        runaway.join(10)
        assert outcome == [503]


@pytest.mark.parametrize("asserted_only", [False, True])
def test_query_file_with_from_is_honoured_by_the_cli(project: Project, tmp_path: Path, asserted_only) -> None:
    """`partnergraph query FILE.rq`: FROM names the dataset; a graph not held is refused."""
    runner = CliRunner()
    rq = tmp_path / "from.rq"
    rq.write_text(f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}\n")
    args = ["--project", str(project.root), "query", str(rq), "--format", "csv"]
    args += ["--asserted-only"] if asserted_only else []
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", "0"]
    rq.write_text("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }\n")
    result = runner.invoke(main, ["--project", str(project.root), "query", str(rq)])
    assert result.exit_code != 0 and "holds no such graph" in result.output


def test_from_is_honoured_on_every_backend(store) -> None:
    """The store interface itself (memory:, oxigraph:, a real `oxigraph serve`)."""
    asserted = store.triple_count(ASSERTED_GRAPH)
    query = f"SELECT (COUNT(*) AS ?n) FROM <{ASSERTED_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert int(store.select(query).rows[0][0].value) == asserted
    named = (
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ASSERTED_GRAPH}> "
        "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    rows = store.select(named).rows
    assert [(r[0].value, int(r[1].value)) for r in rows] == [(str(ASSERTED_GRAPH), asserted)]
    construct = f"CONSTRUCT {{ ?s ?p ?o }} FROM <{ASSERTED_GRAPH}> WHERE {{ ?s a ?o BIND(<urn:p> AS ?p) }} "
    assert store.construct(construct) and all(t[1].value == "urn:p" for t in store.construct(construct))


@pytest.fixture(scope="module")
def remote_site(project: Project, oxigraph_server: str) -> Iterator[str]:
    """`serve` over a `sparql:` store: a real `oxigraph serve` holding the build."""
    open_store(f"sparql:{oxigraph_server}").load_build(project.graph_file, project.inferred_file)
    with serve(project, f"sparql:{oxigraph_server}") as (base, _server):
        yield base


def test_the_endpoint_over_a_sparql_store(remote_site: str, bystander: str, monkeypatch) -> None:
    """No worker processes there: the query goes to the server, with the same protocol,
    refusals and datasets, and the HTTP client's timeout as the limit."""
    status, headers, body = get(remote_site, BARRIERS, Accept="application/sparql-results+xml")
    assert status == 200 and headers.get_content_type() == "application/sparql-results+xml"
    labels = [s["label"] for s in ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)]
    assert labels == [ox.Literal(label, language="en") for label in LABELS]
    construct = "CONSTRUCT { ?c skos:prefLabel ?label } WHERE { ?c a pg:Barrier ; skos:prefLabel ?label }"
    status, _, body = get(remote_site, construct, Accept="application/n-triples")
    assert sorted(t.object.value for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) == LABELS
    params = {"query": COUNT, "default-graph-uri": "urn:no-such-graph"}
    _, _, body = request(remote_site + "/sparql?" + urllib.parse.urlencode(params))
    assert bindings(body)[0]["n"]["value"] == "0"
    assert get(remote_site, "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")[0] == 403
    assert get(remote_site, f"SELECT * WHERE {{ SERVICE <{bystander}> {{ ?s ?p ?o }} }}")[0] == 403
    assert _Recorder.hits == []
    # A join the server answers in a fraction of a second, so nothing keeps running there.
    monkeypatch.setattr(endpoint_module, "QUERY_SECONDS", 0.02)
    status, _, body = get(remote_site, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }")
    assert status == 503 and b"longer than 0.02 s" in body


def test_format_parameter_overrides_accept_for_forms_and_links(site: str) -> None:
    """The /query page's form posts format=csv; a link cannot set Accept."""
    url = site + "/sparql?" + urllib.parse.urlencode({"query": BARRIERS, "format": "tsv"})
    status, headers, body = request(url, Accept="application/sparql-results+json")
    assert status == 200 and headers.get_content_type() == "text/tab-separated-values"
    assert body.decode().splitlines()[0] == "?label"
    construct = {"query": "CONSTRUCT WHERE { ?s a pg:Barrier }", "format": "csv"}
    assert request(site + "/sparql?" + urllib.parse.urlencode(construct))[0] == 406


def test_workers_that_cannot_open_the_store_say_so_at_once(project: Project, tmp_path: Path) -> None:
    from partnergraph.query_workers import WorkerPool
    from partnergraph.sparql_results import Job

    pool = WorkerPool(f"oxigraph:{tmp_path / 'no-store'}", project)
    try:
        deadline = time.monotonic() + 30
        while (pool.failure is None or pool.pids()) and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(StoreError, match="no Oxigraph store"):
            pool.run(Job(COUNT, "SELECT", None, "text/csv", 10), 5.0)
        assert time.monotonic() - started < 1 and pool.pids() == []
    finally:
        pool.close()
