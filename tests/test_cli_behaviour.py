"""Commands behave as people type them: options where they put them, formats by the
names they know, and first errors that say what to do next."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_fixture, free_port
from partnergraph import Project, build
from partnergraph.cli import main

CLI = [sys.executable, "-m", "partnergraph"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# -- global options after the command ---------------------------------------------------


def test_store_and_project_after_the_command(built: Project) -> None:
    code, out, err = run("evidence", "power imbalance", "--store", "memory:", "--project", str(built.root))
    assert code == 0, err
    assert "Power imbalance" in out


def test_push_takes_store_after_the_command(built: Project, tmp_path: Path) -> None:
    target = tmp_path / "pushed"
    code, out, err = run("push", "--project", str(built.root), "--store", f"oxigraph:{target}")
    assert code == 0, err
    assert out.startswith(f"pushed to oxigraph:{target}: asserted ")


@pytest.mark.server
def test_push_to_a_server_with_store_after_the_command(built: Project, oxigraph_server: str) -> None:
    code, out, err = run("push", "--project", str(built.root), "--store", f"sparql:{oxigraph_server}")
    assert code == 0, err
    assert out.startswith(f"pushed to sparql:{oxigraph_server}: asserted ")


# -- formats by their usual names, and from --out -----------------------------------------


@pytest.mark.parametrize(
    ("given", "starts"), [("bib", "@"), ("bibtex", "@"), ("csl", "["), ("csljson", "["), ("json", "[")]
)
def test_bib_export_format_names(built: Project, given: str, starts: str) -> None:
    code, out, err = run("--project", str(built.root), "bib", "export", "--format", given)
    assert code == 0, err
    assert out.lstrip().startswith(starts)


def test_format_is_read_from_the_extension(built: Project, tmp_path: Path) -> None:
    out_file = tmp_path / "power.json"
    code, _, err = run("--project", str(built.root), "evidence", "power-imbalance", "-o", str(out_file))
    assert code == 0, err
    assert json.loads(out_file.read_text())["concept"]["slug"] == "power-imbalance"
    bib = tmp_path / "works.bib"
    assert run("--project", str(built.root), "bib", "export", "-o", str(bib))[0] == 0
    assert bib.read_text().startswith("@")
    csl = tmp_path / "works.json"
    assert run("--project", str(built.root), "bib", "export", "-o", str(csl))[0] == 0
    assert isinstance(json.loads(csl.read_text()), list)


def test_markdown_alias_for_summaries(built: Project, tmp_path: Path) -> None:
    out_file = tmp_path / "s.md"
    code, _, err = run(
        "--project", str(built.root), "summary", "power-imbalance", "--format", "md", "-o", str(out_file)
    )
    assert code == 0, err
    assert out_file.read_text().startswith("---")


def test_a_format_that_contradicts_the_extension_is_an_error(built: Project, tmp_path: Path) -> None:
    out_file = tmp_path / "power.json"
    code, _, err = run(
        "--project", str(built.root), "evidence", "power-imbalance", "--format", "csv", "-o", str(out_file)
    )
    assert code == 1
    assert "--format csv does not match 'power.json'" in err
    assert not out_file.exists()


def test_a_missing_output_folder_is_an_error(built: Project, tmp_path: Path) -> None:
    out_file = tmp_path / "no" / "such" / "map.html"
    code, _, err = run("--project", str(built.root), "matrix", "-o", str(out_file))
    assert code == 1
    assert f"{out_file.parent} does not exist" in err
    assert not (tmp_path / "no").exists()


def test_an_unknown_extension_asks_for_a_format(built: Project, tmp_path: Path) -> None:
    code, _, err = run("--project", str(built.root), "matrix", "-o", str(tmp_path / "map.xlsx"))
    assert code == 1
    assert "cannot tell the format from 'map.xlsx'" in err


# -- no build, wrong folder, wrong store ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["evidence", "trust"],
        ["query", "barriers-backed-by-works"],
        ["stats"],
        ["matrix"],
        ["concepts"],
        ["summary", "trust", "-o", "x.md"],
    ],
)
def test_reader_commands_without_a_build(mini: Project, command: list[str]) -> None:
    code, _out, err = run("--project", str(mini.root), *command)
    assert code == 1
    assert f"no build found in {mini.root} — run `partnergraph build`" in err
    assert not mini.build_dir.exists(), "a reader must not create build/store"


def test_the_wrong_folder_says_so(tmp_path: Path) -> None:
    code, _, err = run("--project", str(tmp_path), "evidence", "trust")
    assert code == 1
    assert "no build found" in err and "this folder has no corpus/" in err
    assert not (tmp_path / "build").exists()


def test_an_oxigraph_path_that_holds_no_store(built: Project, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, _, err = run("--project", str(built.root), "--store", f"oxigraph:{missing}", "stats")
    assert code == 1
    assert f"no Oxigraph store at {missing}" in err
    assert not missing.exists()


# -- concept parameters as people type them ------------------------------------------------


def test_query_concept_parameter_takes_a_label(built: Project) -> None:
    by_slug = run(
        "--project", str(built.root), "query", "evidence-for-concept", "-p", "concept=power-imbalance",
        "--format", "csv",
    )  # fmt: skip
    command = ["query", "evidence-for-concept", "-p", "concept=Power Imbalance", "--format", "csv"]
    by_label = subprocess.run(
        [*CLI, "--project", str(built.root), *command],
        capture_output=True,
        text=True,
    )
    assert by_label.returncode == 0, by_label.stderr
    assert by_label.stdout.strip() == by_slug[1].strip()
    assert len(by_label.stdout.strip().splitlines()) == 3  # header and two claims
    assert by_label.stderr == "", "no rdflib warning about a malformed IRI"


# -- serve shares the store, and says when the port is taken ----------------------------------


@pytest.fixture
def serving(mini: Project) -> Iterator[tuple[Project, int]]:
    build(mini)
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "--project", str(mini.root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"serve did not start: {process.stderr.read() if process.stderr else ''}")
            time.sleep(0.2)
    try:
        yield mini, port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_readers_work_while_serve_runs(serving: tuple[Project, int]) -> None:
    project, _port = serving
    code, out, err = run("--project", str(project.root), "evidence", "power-imbalance")
    assert code == 0, err
    assert "Power imbalance" in out
    code, _, err = run("--project", str(project.root), "stats")
    assert code == 0, err


def test_build_while_serve_runs_refuses_and_changes_nothing(serving: tuple[Project, int]) -> None:
    project, port = serving
    before = project.graph_file.read_bytes()
    (project.concepts_file).write_text(project.concepts_file.read_text() + "\n")
    code, _, err = run("--project", str(project.root), "build")
    assert code == 1
    assert "`partnergraph serve`" in err and f"127.0.0.1:{port}" in err and "stop it" in err
    assert project.graph_file.read_bytes() == before
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/concept/power-imbalance", timeout=10) as reply:
        assert reply.status == 200


def test_serve_on_a_busy_port(serving: tuple[Project, int]) -> None:
    project, port = serving
    result = subprocess.run(
        [*CLI, "--project", str(project.root), "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"port {port} is in use; try --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr


# -- progress on a terminal, silence in a pipe --------------------------------------------------


def test_build_is_quiet_when_piped(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path / "mini")
    result = subprocess.run([*CLI, "--project", str(project.root), "build"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stderr == ""


def on_a_terminal(*args: str) -> str:
    """What a person sees: the command run with a pseudo-terminal as stdout and stderr."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [*CLI, *args])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace")


def test_build_and_validate_show_progress_on_a_terminal(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path / "mini")
    screen = on_a_terminal("--project", str(project.root), "build")
    assert "building" in screen and "compile" in screen and "4/4" in screen  # with the SHACL shapes
    screen = on_a_terminal("--project", str(project.root), "validate")
    assert "validating" in screen and "SHACL shapes" in screen and "3/3" in screen


def test_summary_of_a_class_shows_progress_on_a_terminal(built: Project, tmp_path: Path) -> None:
    out_file = tmp_path / "barriers.md"
    screen = on_a_terminal("--project", str(built.root), "summary", "--class", "barrier", "-o", str(out_file))
    assert "summarising" in screen and "Power imbalance" in screen
    assert out_file.is_file()


# -- classes in any case, one JSON document ------------------------------------------------------


@pytest.mark.parametrize("cls", ["barrier", "BARRIER", "Barriers"])
def test_summary_class_in_any_case(built: Project, tmp_path: Path, cls: str) -> None:
    out_file = tmp_path / "barriers.md"
    code, out, err = run("--project", str(built.root), "summary", "--class", cls, "-o", str(out_file))
    assert code == 0, err
    assert "## Power imbalance" in out_file.read_text()
    assert "concept(s)" not in out


def test_concepts_command_lists_a_class(built: Project) -> None:
    code, out, err = run("--project", str(built.root), "concepts", "--class", "barrier", "--format", "json")
    assert code == 0, err
    slugs = {entry["slug"] for entry in json.loads(out)}
    assert "power-imbalance" in slugs and "trust" not in slugs


def test_stats_json_is_one_document(built: Project) -> None:
    code, out, err = run("--project", str(built.root), "stats", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert set(document) == {"count-by-class", "claims-by-document", "claims-by-polarity"}


# -- names in results tables, keys in csv ----------------------------------------------------------


def test_query_table_shows_names_and_fits_the_terminal(built: Project) -> None:
    code, table, err = run("--project", str(built.root), "query", "barriers-backed-by-works")
    assert code == 0, err
    assert "Greasley et al., 2008" in table and "Wallace, 2010" in table
    assert "greasley2008" not in table and "id:work/" not in table
    assert max(len(line) for line in table.splitlines()) <= 100
    code, text, _ = run("--project", str(built.root), "query", "barriers-backed-by-works", "--format", "csv")
    assert "greasley2008" in text and "Greasley et al." not in text
