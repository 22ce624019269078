"""Every command answers --help: a command that no longer assembles fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from partnergraph.cli import main


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand, so a nested one cannot escape the smoke test."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
    return paths


COMMANDS = [" ".join(path) for path in command_paths(main)]


def test_the_command_set_is_what_the_readme_documents() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for command in COMMANDS:
        assert f"`{command}" in readme, f"README documents no `{command}`"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {command}" in result.output
    node: click.Command = main
    for part in command.split():
        node = node.commands[part]  # type: ignore[attr-defined]
    assert node.help, f"{command} has no help text"


def test_console_script_is_installed() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "partnergraph", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("partnergraph, version ")
