"""Progress inside the build's load step, the longest step at scale: the loader reports
how much of its file it has read (the kernel's offset of the open file, since
`bulk_load` tells Python nothing until it is done), then that it writes the indexes; the
build shows it on a terminal as the running step's detail, and nowhere else."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from partnergraph.project import Project
from partnergraph.stores import oxigraph_loader

MB = 1024 * 1024


def test_the_read_position_is_the_offset_of_the_open_file(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    path.write_bytes(b"x" * 5000)
    real = os.path.realpath(path)
    assert oxigraph_loader.read_position(real) is None
    with path.open("rb", buffering=0) as handle:
        handle.read(1234)
        assert oxigraph_loader.read_position(real) == 1234
        handle.read(1000)
        assert oxigraph_loader.read_position(real) == 2234
    assert oxigraph_loader.read_position(real) is None


def test_progress_says_what_is_read_then_that_the_indexes_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(oxigraph_loader, "PROGRESS_SECONDS", 0.02)
    path = tmp_path / "data.nt"
    path.write_bytes(b"x" * (3 * MB))
    with oxigraph_loader.progress_of(str(path)):
        time.sleep(0.1)  # not opened yet: nothing read
        with path.open("rb", buffering=0) as handle:
            handle.read(2 * MB)
            time.sleep(0.1)
        time.sleep(0.1)  # read and closed: what is left is the indexes
    said = [json.loads(line)["progress"] for line in capsys.readouterr().out.splitlines()]
    assert said[0] == "read 0 of 3 MB (0 s)"
    assert any(text.startswith("read 2 of 3 MB") for text in said)
    assert said[-1].startswith("writing the indexes (")
    first_index = next(i for i, text in enumerate(said) if text.startswith("writing"))
    assert all(text.startswith("read ") for text in said[:first_index])
    assert all(text.startswith("writing") for text in said[first_index:])


def test_the_loader_reports_progress_before_the_load_is_done(tmp_path: Path, built: Project) -> None:
    """The loader as the build runs it: a progress line, then the count."""
    target = tmp_path / "store"
    arguments = [str(built.graph_file), "http://example.org/g"]
    done = subprocess.run(
        [sys.executable, oxigraph_loader.__file__, str(target), "http://example.org/g", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = [json.loads(line) for line in done.stdout.splitlines()]
    size = built.graph_file.stat().st_size / MB
    assert messages[0] == {"progress": f"read 0 of {size:,.0f} MB (0 s)"}
    assert "loaded" in messages[-1] and messages[-1]["loaded"] > 0
    assert all(set(m) == {"progress"} for m in messages[:-1])


def run_build_on_terminal(project: Project) -> tuple[str, str]:
    """`partnergraph build` with stderr on a pseudo-terminal; its stdout and terminal text."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "partnergraph", "--project", str(project.root), "build"],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "200"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end is closed: the build has ended
            break
        if not chunk:
            break
        shown += chunk
    assert process.stdout is not None
    out = process.stdout.read().decode()
    assert process.wait(timeout=120) == 0
    os.close(leader)
    return out, shown.decode(errors="replace")


def test_a_build_on_a_terminal_shows_the_load_going(mini: Project) -> None:
    out, shown = run_build_on_terminal(mini)
    assert "load the store: read 0 of" in shown
    assert "4/4" in shown  # the detail does not count as a step: still four
    assert "5/4" not in shown
    assert "load the store: read" not in out


def test_a_build_not_on_a_terminal_shows_no_progress(mini: Project) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "partnergraph", "--project", str(mini.root), "build"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "load the store" not in done.stderr + done.stdout
