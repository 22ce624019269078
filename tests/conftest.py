"""Shared fixtures: a copy of the mini corpus, its build, and every store backend.

Each test gets its own copy of the fixture project in a temporary folder, so no test
depends on another having run or on the working directory.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).close()
            break
        except OSError as exc:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                stderr = process.stderr.read() if process.stderr else b""
                raise RuntimeError(f"oxigraph serve did not start: {stderr!r}") from exc
            time.sleep(0.1)
    try:
        yield f"{url}/query"
    finally:
        process.terminate()
        process.wait(timeout=10)


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
