"""Faults during a build never lose the previous build, and readers never answer from nothing.

A real `python -m partnergraph build` runs on a synthetic corpus big enough for each
phase to last a moment, and gets a real signal while it reads, compiles or loads the
store. The phase is known from the build's own progress bar, which it shows because
its stderr is a pseudo-terminal, and (for the load) from the store directory it
stages. Afterwards the previous build must answer exactly as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph import Project, StoreError, build
from partnergraph.cli import main

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from synthetic_corpus import write_project

CLI = [sys.executable, "-m", "partnergraph"]
STALE = "does not hold the last build — run `partnergraph build`"


def stats(project: Project) -> tuple[int, str]:
    """What a reader answers: exit status and the whole `stats` document."""
    result = CliRunner().invoke(main, ["--project", str(project.root), "stats", "--format", "json"])
    return result.exit_code, result.output


def leftovers(project: Project) -> list[str]:
    """Everything in build/ that is neither the published build nor its locks."""
    live = os.readlink(project.build_dir / "store")
    keep = {"store", live, "partnergraph.ttl", "manifest.json", ".build.lock", ".store.lock"}
    return sorted(p.name for p in project.build_dir.iterdir() if p.name not in keep)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A synthetic project whose build takes a few seconds, built once."""
    root = tmp_path_factory.mktemp("faults") / "project"
    write_project(root, claims=4000, concepts=100, works=200, documents=4)
    project = Project.locate(root)
    build(project, shapes=False)
    return project


@contextlib.contextmanager
def building(project: Project) -> Iterator[tuple[subprocess.Popen, Iterator[bytes]]]:
    """A build with its stderr on a pseudo-terminal; yields it and its stderr, chunk by chunk."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*CLI, "--project", str(project.root), "build", "--no-shapes"],
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)

    def chunks() -> Iterator[bytes]:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.01)
            if not ready:
                yield b""
                continue
            try:
                data = os.read(master, 4096)
            except OSError:  # the build has exited
                return
            if not data:
                return
            yield data

    try:
        yield process, chunks()
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        os.close(master)


def staged_stores(project: Project) -> set[str]:
    """Store directories beside the live one in which RocksDB has started writing."""
    live = os.readlink(project.build_dir / "store")
    return {d.name for d in project.build_dir.glob("store-*") if d.name != live and (d / "CURRENT").is_file()}


def wait_for(phase: str, project: Project, output: Iterator[bytes], earlier: set[str]) -> bytes:
    """Consume stderr until the build is in `phase`; returns what it printed. `earlier`
    are staged stores a killed build left, which this build has not made."""
    seen = b""
    for chunk in output:
        seen += chunk
        if phase == "read" and seen and b"compile" not in seen:
            return seen
        if phase == "compile" and b"compile" in seen and b"load the store" not in seen:
            time.sleep(0.3)  # into the compilation, not at its first line
            return seen
        if phase == "load" and staged_stores(project) - earlier:
            return seen
    pytest.fail(f"the build ended before the {phase} phase: {seen!r}")


def loaders_of(project: Project) -> list[int]:
    """Store loader processes still working for this project."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"oxigraph_loader.py" in cmdline and str(project.build_dir).encode() in cmdline:
            found.append(int(proc.name))
    return found


def gone(pids_of: Callable[[], list[int]], within: float = 0.3) -> bool:
    deadline = time.monotonic() + within
    while pids_of():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
@pytest.mark.parametrize("phase", ["read", "compile", "load"])
def test_a_signal_at_any_phase_leaves_the_previous_build_answering(
    big: Project, phase: str, sig: signal.Signals
) -> None:
    code, before = stats(big)
    assert code == 0 and '"count"' in before
    graph_before = big.graph_file.read_bytes()
    earlier = staged_stores(big)
    with building(big) as (process, output):
        seen = wait_for(phase, big, output, earlier)
        sent = time.monotonic()
        process.send_signal(sig)
        process.wait(timeout=30)
        took = time.monotonic() - sent
    if phase == "read":
        assert b"compile" not in seen, "the signal was meant for the read phase"
    assert process.returncode != 0
    assert gone(lambda: loaders_of(big)), "the store loader outlived its build"
    if sig != signal.SIGKILL:
        assert took < 2.5, f"{sig.name} honoured only after {took:.2f} s"
        assert not leftovers(big), f"{sig.name} cleans up what it started"
    assert big.graph_file.read_bytes() == graph_before
    assert stats(big) == (0, before)


def test_the_next_build_removes_what_a_killed_build_left(big: Project) -> None:
    _, before = stats(big)
    earlier = staged_stores(big)
    with building(big) as (process, output):
        wait_for("load", big, output, earlier)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    left = leftovers(big)
    assert any(name.startswith("store-") for name in left), left
    assert any(name.startswith(".partnergraph.ttl.") for name in left), left
    assert stats(big) == (0, before)
    rebuild = [*CLI, "--project", str(big.root), "build", "--no-shapes"]
    subprocess.run(rebuild, check=True, capture_output=True)
    assert leftovers(big) == []
    assert stats(big) == (0, before)  # the same corpus built again answers the same


# -- readers refuse a store that is not the build's -----------------------------------------


def test_a_store_less_build_makes_readers_refuse_the_older_store(built_mini: Project) -> None:
    """`build --no-store` after an edit: the store holds the older graph, so readers say so."""
    concepts = built_mini.concepts_file
    concepts.write_text(concepts.read_text().replace("label: Power imbalance", "label: Imbalance of power"))
    result = CliRunner().invoke(main, ["--project", str(built_mini.root), "build", "--no-store"])
    assert result.exit_code == 0, result.output
    code, output = stats(built_mini)
    assert code == 1
    assert f"the store at build/store {STALE}" in output
    assert stats_memory(built_mini)[0] == 0  # memory: reads the file, which is the build's


def stats_memory(project: Project) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), "--store", "memory:", "stats"])
    return result.exit_code, result.output


def test_an_emptied_store_is_refused_not_answered_with_nothing(built_mini: Project) -> None:
    """What the old in-place load left after a fault: the store directory with 0 quads."""
    import pyoxigraph as ox

    live = built_mini.build_dir / "store"
    target = live.resolve()
    shutil.rmtree(target)
    ox.Store(str(target)).flush()  # a real, empty Oxigraph store where the build's was
    code, output = stats(built_mini)
    assert code == 1
    assert f"the store at build/store {STALE}" in output


def test_a_graph_file_that_is_not_the_builds_is_refused_on_memory(built_mini: Project) -> None:
    graph = built_mini.graph_file
    graph.write_bytes(graph.read_bytes() + b"\n# edited by hand\n")
    code, output = stats_memory(built_mini)
    assert code == 1
    assert f"the file build/partnergraph.ttl {STALE}" in output


def test_manifest_store_and_file_agree(built_mini: Project) -> None:
    manifest = json.loads((built_mini.build_dir / "manifest.json").read_text())
    marker = json.loads((built_mini.build_dir / "store" / "partnergraph-build.json").read_text())
    assert marker == {"id": manifest["id"], "state": "complete", "triples": manifest["triples"]}
    assert manifest["ttl_sha256"] == hashlib.sha256(built_mini.graph_file.read_bytes()).hexdigest()
    assert os.readlink(built_mini.build_dir / "store").startswith("store-")


def test_pushing_the_build_into_its_own_store_keeps_readers_answering(built_mini: Project) -> None:
    """`push` loads the same build again: the store gets a fresh directory but the build's id."""
    _, before = stats(built_mini)
    link = built_mini.build_dir / "store"
    old_target = os.readlink(link)
    result = CliRunner().invoke(
        main, ["--project", str(built_mini.root), "--store", f"oxigraph:{link}", "push"]
    )
    assert result.exit_code == 0, result.output
    assert os.readlink(link) != old_target
    assert stats(built_mini) == (0, before)
    assert leftovers(built_mini) == []


@pytest.fixture
def built_mini(mini: Project) -> Project:
    build(mini, shapes=False)
    return mini


# -- older layouts and other people's folders --------------------------------------------------


def test_a_plain_store_directory_of_an_older_version_is_read_then_migrated(built_mini: Project) -> None:
    """Before links, build/store was the store itself and there was no manifest."""
    link = built_mini.build_dir / "store"
    target = link.resolve()
    link.unlink()
    os.rename(target, link)
    (link / "partnergraph-build.json").unlink()
    (built_mini.build_dir / "manifest.json").unlink()
    code, before = stats(built_mini)
    assert code == 0, before
    build(built_mini, shapes=False)
    assert link.is_symlink()
    assert leftovers(built_mini) == []
    assert stats(built_mini) == (0, before)


def test_a_folder_someone_named_like_a_store_is_left_alone(built_mini: Project) -> None:
    mine = built_mini.build_dir / "store-backup"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    build(built_mini, shapes=False)
    assert (mine / "notes.txt").read_text() == "keep me"


# -- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs: a real file system that really runs out of space."""
    where = tmp_path / "disk"
    where.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(where)]
    mounted = subprocess.run(command, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Take all the space but `leave` bytes."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(disk / "filler", "wb") as handle:
        handle.truncate(0)
        handle.write(b"\0" * max(0, free - leave))


@pytest.mark.parametrize("leave", [0, 400_000], ids=["no-room-for-the-file", "no-room-for-the-store"])
def test_a_full_disk_keeps_the_previous_build(small_disk: Path, leave: int) -> None:
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", small_disk / "mini")
    project = Project.locate(small_disk / "mini")
    build(project, shapes=False)
    code, before = stats(project)
    assert code == 0
    graph_before = project.graph_file.read_bytes()
    project.concepts_file.write_text(project.concepts_file.read_text() + "\n")
    fill(small_disk, leave)
    result = subprocess.run(
        [*CLI, "--project", str(project.root), "build", "--no-shapes"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "No space left on device" in result.stderr and "was kept" in result.stderr
    assert "Traceback" not in result.stderr
    assert project.graph_file.read_bytes() == graph_before
    assert stats(project) == (0, before)
    assert leftovers(project) == []
    (small_disk / "filler").unlink()
    build(project, shapes=False)
    assert stats(project)[0] == 0


# -- `reason` replaces one graph: staged the same way ------------------------------------------


def test_a_failed_replacement_of_the_inferences_keeps_the_store(built_mini: Project) -> None:
    """`reason` loads its inferences with `replace_graph`: a file that breaks half-way
    (as a killed or failing load would) must leave the inferred graph as it was."""
    from partnergraph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
    from partnergraph.stores import open_store

    first = built_mini.build_dir / "first.ttl"
    first.write_text("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> <urn:c> .\n")
    broken = built_mini.build_dir / "broken.ttl"
    broken.write_text("<urn:x> <urn:p> <urn:y> .\n" * 3 + "<urn:x> <urn:p> .\n")
    descriptor = built_mini.default_store
    with open_store(descriptor, built_mini) as store:
        asserted = store.triple_count(ASSERTED_GRAPH)
        store.replace_graph(INFERRED_GRAPH, first)
        assert store.triple_count(INFERRED_GRAPH) == 2
    _, before = stats(built_mini)
    with open_store(descriptor, built_mini) as store, pytest.raises(StoreError):
        store.replace_graph(INFERRED_GRAPH, broken)
    with open_store(descriptor, built_mini) as store:
        assert store.triple_count(INFERRED_GRAPH) == 2
        assert store.triple_count(ASSERTED_GRAPH) == asserted
    assert stats(built_mini) == (0, before)
    assert sorted(set(leftovers(built_mini)) - {"first.ttl", "broken.ttl"}) == []


def test_the_first_inferences_start_from_a_checkpoint_and_end_as_a_full_reload_would(
    built_mini: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reason` right after a build: the store has no inferred graph, so the new directory
    is a checkpoint of the live one and only the inferences are loaded (no graph is dumped);
    the store then holds what the dump-and-reload path gives, and a broken file on the fast
    path leaves the store and no leftovers behind."""
    from partnergraph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
    from partnergraph.stores import open_store
    from partnergraph.stores.oxigraph_store import OxigraphStore

    inferred = built_mini.build_dir / "first.ttl"
    inferred.write_text("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> <urn:c> .\n")
    broken = built_mini.build_dir / "broken.ttl"
    broken.write_text("<urn:x> <urn:p> <urn:y> .\n<urn:x> <urn:p> .\n")
    descriptor = built_mini.default_store

    def contents(store) -> tuple[int, int, set]:
        rows = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }").rows
        triples = {row for row in rows if all(term.kind != "bnode" for term in row)}  # relabelled by a load
        return store.triple_count(ASSERTED_GRAPH), store.triple_count(INFERRED_GRAPH), triples

    with monkeypatch.context() as patched:
        patched.setattr(OxigraphStore, "_other_graphs_copied", lambda *_: pytest.fail("graphs were dumped"))
        with open_store(descriptor, built_mini) as store, pytest.raises(StoreError):
            store.replace_graph(INFERRED_GRAPH, broken)
        with open_store(descriptor, built_mini) as store:
            assert str(INFERRED_GRAPH) not in store.graph_names()
            asserted = store.triple_count(ASSERTED_GRAPH)
            store.replace_graph(INFERRED_GRAPH, inferred)
    with open_store(descriptor, built_mini) as store:
        assert (store.triple_count(ASSERTED_GRAPH), store.triple_count(INFERRED_GRAPH)) == (asserted, 2)
        fast = contents(store)
        store.replace_graph(INFERRED_GRAPH, inferred)  # the graph exists now: dumped and reloaded
    with open_store(descriptor, built_mini) as store:
        assert contents(store) == fast
    assert sorted(set(leftovers(built_mini)) - {"first.ttl", "broken.ttl"}) == []


def test_a_read_only_folder_is_an_error_and_readers_still_answer(small_disk: Path) -> None:
    """Root ignores file modes, so the file system itself is made read-only."""
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", small_disk / "mini")
    project = Project.locate(small_disk / "mini")
    build(project, shapes=False)
    _, before = stats(project)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = subprocess.run(
        [*CLI, "--project", str(project.root), "build", "--no-shapes"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "cannot write the build in build: Read-only file system" in result.stderr
    assert "Traceback" not in result.stderr
    assert stats(project) == (0, before)


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        (".build.lock", "another `partnergraph build` is writing build; wait for it"),
        (".store.lock", "is being written by another process"),
    ],
)
def test_a_second_writer_waits_its_turn_and_changes_nothing(
    built_mini: Project, lock: str, message: str
) -> None:
    """Two builds at once would each remove the other's staged files as leftovers."""
    from partnergraph.stores.staging import exclusive

    _, before = stats(built_mini)
    graph_before = built_mini.graph_file.read_bytes()
    built_mini.concepts_file.write_text(built_mini.concepts_file.read_text() + "\n")
    with exclusive(built_mini.build_dir / lock, "held by this test"):
        result = subprocess.run(
            [*CLI, "--project", str(built_mini.root), "build", "--no-shapes"], capture_output=True, text=True
        )
    assert result.returncode == 1
    assert message in result.stderr
    assert built_mini.graph_file.read_bytes() == graph_before
    assert stats(built_mini) == (0, before)
    assert leftovers(built_mini) == []


def test_a_store_elsewhere_the_last_build_went_to_is_checked_too(mini: Project, tmp_path: Path) -> None:
    """`build --store oxigraph:PATH`: PATH is the build's store, so an emptied one is refused."""
    import pyoxigraph as ox

    path = tmp_path / "shared" / "store"
    asked = ["--project", str(mini.root), "--store", f"oxigraph:{path}", "stats"]
    result = CliRunner().invoke(main, [*asked[:4], "build", "--no-shapes"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, asked).exit_code == 0
    target = path.resolve()
    shutil.rmtree(target)
    ox.Store(str(target)).flush()
    result = CliRunner().invoke(main, asked)
    assert result.exit_code == 1
    assert f"the store at {path} {STALE}" in result.output
