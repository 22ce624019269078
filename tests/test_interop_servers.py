"""The `sparql:` backend against servers nobody here wrote: OpenLink Virtuoso, and a
server that refuses the Graph Store Protocol; the build's Turtle read by Jena's riot.

Virtuoso is Debian's `virtuoso-opensource` (7.2.5), started by the `virtuoso_server`
fixture on 127.0.0.1; riot comes from Debian's `libapache-jena-java`. `.ci/run` installs
both. Apache Jena Fuseki is not tested: its jar is only on Maven Central, which this
project's machines cannot reach, and no Debian, PyPI or npm package ships it.
"""

from __future__ import annotations

import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import REQUIRE_SERVERS_ENV, VIRTUOSO_MAX_ROWS, VirtuosoAdmin, free_port
from partnergraph import Project, StoreError, build, named_queries, open_store, run_query
from partnergraph.cli import main
from partnergraph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from partnergraph.reasoning import reason
from partnergraph.stores import Store, Term
from partnergraph.stores.graph_store import guess_graph_store_url

EXPECTED = Path(__file__).parent / "expected" / "queries"
QUERY_NAMES = sorted(p.stem for p in EXPECTED.glob("*.json"))
GSP_HINT = "give its Graph Store URL with sparql:QUERY_URL#gsp=STORE_URL"


def cli(project: Project, store: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(project.root), "--store", store, *args])
    assert result.exit_code == 0, result.output
    return result.output


def triples_in(turtle: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(turtle), format=ox.RdfFormat.TURTLE))


def triples_as_read(data: bytes, rdf_format: ox.RdfFormat) -> Counter[str]:
    """The triples Oxigraph reads from `data`, as N-Triples lines with blank nodes
    unlabelled: two readers of one file name its blank nodes differently."""
    return Counter(re.sub(r"_:\S+", "_:", str(t)) for t in ox.parse(data, rdf_format))


@pytest.fixture(scope="module")
def virtuoso(built: Project, virtuoso_server: str) -> Iterator[Store]:
    """The mini build pushed into Virtuoso through its Graph Store URL given explicitly,
    so that the query tests below do not depend on the URL guess (tested on its own)."""
    store = open_store(f"sparql:{virtuoso_server}#gsp={virtuoso_server}-graph-crud")
    store.load_build(built.graph_file, built.inferred_file)
    with store:
        yield store


def test_push_finds_virtuosos_graph_store(built: Project, virtuoso_server: str) -> None:
    """Virtuoso's query URL is /sparql, which on Fuseki sits beside /data; Virtuoso's
    Graph Store is /sparql-graph-crud, told apart by the server's own Server header."""
    output = cli(built, f"sparql:{virtuoso_server}", "push")
    assert f"asserted {triples_in(built.graph_file)}" in output


def test_push_without_the_grant_names_the_grant(
    built: Project, virtuoso_server: str, virtuoso_admin: VirtuosoAdmin
) -> None:
    """A fresh Virtuoso lets nobody write through the Graph Store: it answers 403."""
    virtuoso_admin.run('REVOKE SPARQL_UPDATE FROM "SPARQL"')
    try:
        result = CliRunner().invoke(
            main, ["--project", str(built.root), "--store", f"sparql:{virtuoso_server}", "push"]
        )
    finally:
        virtuoso_admin.run('GRANT SPARQL_UPDATE TO "SPARQL"')
    assert result.exit_code == 1
    assert (
        f"refused to write graph <{ASSERTED_GRAPH}> at {virtuoso_server}-graph-crud (HTTP 403"
        in result.output
    )
    assert 'allow it in isql: GRANT SPARQL_UPDATE TO "SPARQL";' in result.output


def _comparable(name: str, rows: list[tuple[Term | None, ...]], variables: list[str]) -> list[tuple]:
    """GROUP_CONCAT's order is left to the store by SPARQL 1.1 (section 18.5.1.7): the
    columns the expected results mark unordered are compared as sorted lists of parts."""
    unordered = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8")).get("unordered", {})
    out = []
    for row in rows:
        cells: list[object] = list(row)
        for column, separator in unordered.items():
            i = variables.index(column)
            term = row[i]
            if term is not None:
                cells[i] = (sorted(term.value.split(separator)), term.kind, term.datatype, term.language)
        out.append(tuple(cells))
    return out


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_named_query_on_virtuoso_gives_oxigraphs_terms(name: str, built: Project, virtuoso: Store) -> None:
    """Value, datatype and language of every cell, in the query's order. (Virtuoso 7.2.5
    misplaces labels under ORDER BY LCASE(STR(?x)), not under the equivalent STR(LCASE(?x)),
    which is why the queries are written the second way.)"""
    query = named_queries(built)[name]
    params = json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))["params"]
    with open_store(built.default_store) as oxigraph:
        expected = run_query(oxigraph, query, params)
    got = run_query(virtuoso, query, params)
    assert got.variables == expected.variables
    assert len(expected.rows) > 0
    rows, wanted = (
        _comparable(name, got.rows, got.variables),
        _comparable(name, expected.rows, expected.variables),
    )
    assert rows == wanted


def test_an_answer_cut_at_virtuosos_row_limit_is_an_error(virtuoso: Store) -> None:
    """Virtuoso stops at its ResultSetMaxRows and says so only in `X-SPARQL-MaxRows`: a
    table or gap map made from such an answer would silently lose rows."""
    pairs = "SELECT ?a WHERE { ?a ?p ?b . ?c ?q ?d } LIMIT "
    with pytest.raises(StoreError) as caught:
        virtuoso.select(pairs + str(VIRTUOSO_MAX_ROWS + 1))
    assert f"stopped at its limit of {VIRTUOSO_MAX_ROWS} rows" in str(caught.value)
    assert len(virtuoso.select(pairs + "100")) == 100


@pytest.mark.parametrize(
    "args",
    [
        ("evidence", "trust", "--format", "json"),
        ("evidence", "communication", "--format", "csv"),
        ("matrix", "--by", "documents"),
        ("matrix", "--by", "works", "--count", "works"),
        ("matrix", "--by", "kinds"),
        ("stats", "--format", "json"),
        ("concepts", "--format", "csv"),
    ],
    ids=" ".join,
)
def test_commands_on_virtuoso_print_what_the_embedded_store_prints(
    args: tuple[str, ...], built: Project, virtuoso: Store
) -> None:
    embedded = cli(built, built.default_store, *args)
    assert embedded.strip()
    assert cli(built, virtuoso.descriptor, *args) == embedded


def test_summary_from_virtuoso_is_the_embedded_stores(
    tmp_path: Path, built: Project, virtuoso: Store
) -> None:
    written = {}
    for name, store in (("embedded", built.default_store), ("virtuoso", virtuoso.descriptor)):
        out = tmp_path / f"{name}.md"
        cli(built, store, "summary", "--class", "Barrier", "-o", str(out))
        # The files beside it (.bib, .csl) are named after it, inside it.
        written[name] = out.read_text(encoding="utf-8").replace(str(out.with_suffix("")), "SUMMARY")
    assert "Power imbalance" in written["embedded"]
    assert written["virtuoso"] == written["embedded"]


def test_the_builds_turtle_loads_into_virtuoso_as_into_oxigraph(
    seed_corpus: Project, virtuoso_server: str
) -> None:
    """The Turtle file as the build writes it, PUT unchanged and read back whole: Virtuoso
    7.2.5 keeps the backslash of a `\\/` escape in a prefixed name, which lost the IRIs."""
    graph = "urn:partnergraph:test:turtle-as-built"
    request = urllib.request.Request(
        f"{virtuoso_server}-graph-crud?graph={graph}",
        data=seed_corpus.graph_file.read_bytes(),
        method="PUT",
        headers={"Content-Type": "text/turtle"},
    )
    urllib.request.urlopen(request, timeout=60).close()
    query = urllib.parse.urlencode(
        {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "default-graph-uri": graph}
    )
    answer = urllib.request.Request(f"{virtuoso_server}?{query}", headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(answer, timeout=60) as response:
        stored = triples_as_read(response.read(), ox.RdfFormat.N_TRIPLES)
    written = triples_as_read(seed_corpus.graph_file.read_bytes(), ox.RdfFormat.TURTLE)
    assert sum(written.values()) > 10_000
    assert stored == written


# --- a server that refuses the Graph Store Protocol ---------------------------------


class Refusing(http.server.BaseHTTPRequestHandler):
    """Answers every write with 501 at once, before reading the body, and hangs up,
    as `partnergraph serve` and many plain web servers do; queries get ASK's true."""

    def _refuse(self) -> None:
        self.send_response(501, "Unsupported method")
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.close_connection = True

    do_PUT = do_POST = do_DELETE = _refuse

    def do_GET(self) -> None:
        body = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads what the client reports."""


@pytest.fixture(scope="module")
def refusing_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _project_with_a_build_of(tmp_path: Path, built: Project, megabytes: int) -> Project:
    """A copy of the mini project whose build is `megabytes` of valid Turtle: big enough
    that the server's early answer and hang-up arrive while the body is still being sent."""
    root = tmp_path / "project"
    shutil.copytree(built.root, root)
    project = Project.locate(root)
    if megabytes:
        chunk = "x" * 1_000_000
        with project.graph_file.open("a", encoding="utf-8") as out:
            for i in range(megabytes):
                out.write(f'<urn:big:{i}> <urn:big:text> "{chunk}" .\n')
    return project


@pytest.mark.parametrize("megabytes", [0, 24], ids=["small-build", "build-larger-than-socket-buffers"])
def test_push_to_a_server_that_refuses_says_so(
    megabytes: int, tmp_path: Path, built: Project, refusing_server: str
) -> None:
    project = _project_with_a_build_of(tmp_path, built, megabytes)
    result = CliRunner().invoke(
        main, ["--project", str(project.root), "--store", f"sparql:{refusing_server}/query", "push"]
    )
    assert result.exit_code == 1
    assert "Broken pipe" not in result.output
    assert (
        f"the server at {refusing_server} does not accept the Graph Store Protocol at "
        f"{refusing_server}/store (HTTP 501 Unsupported method); {GSP_HINT}"
    ) in result.output


def test_push_to_a_query_endpoint_given_as_graph_store_says_so(built: Project, oxigraph_server: str) -> None:
    """A real server (Oxigraph) that reads the body, then answers that it takes no PUT there."""
    with pytest.raises(StoreError) as caught:
        open_store(f"sparql:{oxigraph_server}#gsp={oxigraph_server}").load_build(built.graph_file, None)
    message = str(caught.value)
    origin = oxigraph_server.rsplit("/", 1)[0]
    assert message.startswith(
        f"the server at {origin} does not accept the Graph Store Protocol at {oxigraph_server}"
    )
    assert message.endswith(GSP_HINT)


class Forwarding(http.server.BaseHTTPRequestHandler):
    """A plain HTTP proxy: takes absolute-form requests and passes them on, noting each."""

    seen: ClassVar[list[str]] = []

    def _forward(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        target = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(target.netloc, timeout=30)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        upstream.request(self.command, f"{target.path}?{target.query}", body=body, headers=headers)
        answer = upstream.getresponse()
        payload = answer.read()
        self.send_response(answer.status, answer.reason)
        for key, value in answer.getheaders():
            if key.lower() not in {"transfer-encoding", "connection", "content-length"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads `seen`."""


def test_push_goes_through_the_proxy_the_environment_names(
    built: Project, oxigraph_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As urllib's queries do: a team's server may only be reachable through one."""
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Forwarding)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    Forwarding.seen.clear()
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.server_address[1]}")
    try:
        output = cli(built, f"sparql:{oxigraph_server}", "push")
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert f"asserted {triples_in(built.graph_file)}" in output
    store_url = oxigraph_server.rsplit("/", 1)[0] + "/store"
    assert f"PUT {store_url}?graph={urllib.parse.quote(str(ASSERTED_GRAPH), safe='')}" in Forwarding.seen


# --- Jena's riot reads the build's Turtle --------------------------------------------

JENA_JARS = Path("/usr/share/java")
JENA_DEPENDENCIES = [
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "titanium-json-ld",
    "jakarta.json-api",
]


@pytest.fixture(scope="module")
def riot(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command line of Jena's riot from Debian's libapache-jena-java (4.5.0).

    Debian's jena-core moves Xerces' classes to `xerces.*` but leaves its message files
    under `org/apache/jena/ext/xerces/`, and Jena then fails on start-up with "internal
    error"; the files are put where the classes look for them, on the class path."""
    core = JENA_JARS / "jena-core.jar"
    java = shutil.which("java")
    if not core.is_file() or java is None:
        reason = "Jena is not installed (apt-get install libapache-jena-java)"
        if os.environ.get(REQUIRE_SERVERS_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    resources = tmp_path_factory.mktemp("jena-resources")
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(core) as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = resources / "xerces" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    jars = sorted(JENA_JARS.glob("jena-*.jar")) + [JENA_JARS / f"{name}.jar" for name in JENA_DEPENDENCIES]
    classpath = ":".join([str(resources), *(str(j) for j in jars if j.is_file())])
    return [java, "-cp", classpath, "riotcmd.riot"]


def test_riot_reads_the_builds_turtle_as_oxigraph_does(riot: list[str], seed_corpus: Project) -> None:
    """Same triples from a third Turtle reader, written out by riot as N-Triples."""
    read = subprocess.run(
        [*riot, "--output=nt", str(seed_corpus.graph_file)], capture_output=True, check=True, timeout=120
    )
    written = triples_as_read(seed_corpus.graph_file.read_bytes(), ox.RdfFormat.TURTLE)
    assert sum(written.values()) > 10_000
    assert triples_as_read(read.stdout, ox.RdfFormat.N_TRIPLES) == written


def test_graph_store_url_guesses_by_path_and_server_name() -> None:
    """Offline: the same `/sparql` path leads to Fuseki's /data or Virtuoso's /sparql-graph-crud."""
    assert guess_graph_store_url("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert (
        guess_graph_store_url("http://h:3030/ds/sparql", "Apache Jena Fuseki (5.6.0)")
        == "http://h:3030/ds/data"
    )
    assert (
        guess_graph_store_url("http://h:8890/sparql/", "Virtuoso/07.20.3229")
        == "http://h:8890/sparql-graph-crud"
    )


def test_inferences_reach_virtuoso_and_leave_it(mini: Project, built: Project, virtuoso: Store) -> None:
    """Both graphs pushed: `--asserted-only` (the protocol's default-graph-uri) and the
    inferred classes read as on the embedded store; a build without inferences then
    empties the inferred graph (DELETE). Runs last: it changes the module's Virtuoso."""
    if shutil.which("java") is None and not os.environ.get(REQUIRE_SERVERS_ENV):
        pytest.skip("no Java runtime for HermiT")
    build(mini)
    with open_store(mini.default_store) as embedded:
        reason(mini, embedded)
    try:
        output = cli(mini, virtuoso.descriptor, "push")
        assert f"inferred {triples_in(mini.inferred_file)}" in output
        for args in (
            ("stats", "--format", "json"),
            ("stats", "--format", "json", "--asserted-only"),
            ("query", "count-by-class", "--format", "csv"),
        ):
            assert cli(mini, virtuoso.descriptor, *args) == cli(mini, mini.default_store, *args)
    finally:
        virtuoso.load_build(built.graph_file, built.inferred_file)
    assert virtuoso.triple_count(INFERRED_GRAPH) == 0
    assert virtuoso.triple_count(ASSERTED_GRAPH) == triples_in(built.graph_file)
