"""Every command answers --help: a command that no longer assembles fails here."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from partnergraph.cli import main

COMMANDS = sorted(main.commands)


def test_the_command_set_is_what_the_readme_documents() -> None:
    assert {"build", "validate", "query", "reason", "stats", "push"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {command}" in result.output or f"Usage: partnergraph {command}" in result.output
    assert main.commands[command].help, f"{command} has no help text"


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "partnergraph", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("partnergraph, version ")
