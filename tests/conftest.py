"""Shared fixtures: a copy of the mini corpus, its build, and every store backend.

Each test gets its own copy of the fixture project in a temporary folder, so no test
depends on another having run or on the working directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from partnergraph import Project, build, open_store
from partnergraph.stores import Store

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).parent.parent
BACKENDS = ("memory", "oxigraph", "sparql")


def copy_fixture(destination: Path) -> Project:
    shutil.copytree(FIXTURE, destination)
    return Project.locate(destination)


@pytest.fixture
def mini(tmp_path: Path) -> Project:
    """A fresh, unbuilt copy of the mini project."""
    return copy_fixture(tmp_path / "mini")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The mini project built once for the session (embedded store loaded). Read only."""
    project = copy_fixture(tmp_path_factory.mktemp("built") / "mini")
    build(project)
    return project


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The repository's own seed corpus, copied and built once for the session. Read only."""
    root = tmp_path_factory.mktemp("seed-corpus") / "project"
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(REPO / part, root / part)
    project = Project.locate(root)
    build(project)
    return project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_endpoint(url: str, process: subprocess.Popen[bytes], seconds: float, name: str) -> None:
    """Until the SPARQL endpoint answers ASK {}; a server that dies or never answers fails the session."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).close()
            return
        except OSError as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{name} did not start (exit {process.poll()})") from exc
            time.sleep(0.1)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` on 127.0.0.1; yields its query URL."""
    # The dev extra installs it beside this interpreter, which need not be on PATH.
    beside = Path(sys.executable).parent / "oxigraph"
    executable = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if executable is None:
        pytest.fail("the `oxigraph` server is not installed: pip install -e '.[dev]'")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_for_endpoint(url, process, 30, "oxigraph serve")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""

# Virtuoso cuts every answer at this many rows (Debian's own ini says 10,000), telling
# only in a header; above the seed build's 67,115 triples (with anchors and provenance),
# so that it can be read whole.
VIRTUOSO_MAX_ROWS = 200_000

# CI sets this (.ci/run installs Virtuoso): there a missing server fails instead of skipping.
REQUIRE_SERVERS_ENV = "PARTNERGRAPH_REQUIRE_INTEROP_SERVERS"


@dataclass(frozen=True)
class VirtuosoAdmin:
    """SQL as Virtuoso's administrator, through its own client: how its users are granted rights."""

    isql: str
    port: int

    def run(self, statement: str) -> None:
        command = [self.isql, f"127.0.0.1:{self.port}", "dba", "dba", f"exec={statement};"]
        subprocess.run(command, check=True, capture_output=True, timeout=30)


VIRTUOSO_ADMIN = pytest.StashKey[VirtuosoAdmin]()


@pytest.fixture(scope="session")
def virtuoso_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real OpenLink Virtuoso on 127.0.0.1 with its own database; yields its query URL.

    The Graph Store Protocol endpoint (/sparql-graph-crud) writes as the SQL user "SPARQL",
    which may not write until granted SPARQL_UPDATE (isql is Virtuoso's own SQL client)."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql")
    if server is None or isql is None:
        reason = "OpenLink Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)"
        if os.environ.get(REQUIRE_SERVERS_ENV):
            pytest.fail(reason)
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS)
    )
    log = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        [server, "+configfile", str(ini), "+foreground"], cwd=directory, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        wait_for_endpoint(url, process, 60, f"virtuoso-t (log in {directory})")
        admin = VirtuosoAdmin(isql, sql_port)
        admin.run('GRANT SPARQL_UPDATE TO "SPARQL"')
        request.config.stash[VIRTUOSO_ADMIN] = admin
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def virtuoso_admin(request: pytest.FixtureRequest, virtuoso_server: str) -> VirtuosoAdmin:
    """The administrator of the session's Virtuoso, for a test that changes who may write."""
    return request.config.stash[VIRTUOSO_ADMIN]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, built: Project) -> Iterator[Store]:
    """The built mini graph in each backend in turn: the compliance suite runs on all."""
    backend = request.param
    if backend == "memory":
        opened = open_store("memory:", built)
    elif backend == "oxigraph":
        opened = open_store(built.default_store)
    else:
        opened = open_store(f"sparql:{request.getfixturevalue('oxigraph_server')}")
        opened.load_build(built.graph_file, built.inferred_file)
    with opened:
        yield opened


pytest_plugins = ["browser"]
