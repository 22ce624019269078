"""Errors that point a researcher at the file, the line and the fix.

The authoring files are edited by hand, so every problem the tool finds in them is a
`SourceProblem`; a command that finds any collects them all (one run shows every
mistake, not just the first) and raises `InputError`, which the CLI prints and turns
into a non-zero exit.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SourceProblem:
    """One mistake in one authoring file."""

    path: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path} line {self.line}"
        text = f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class PartnergraphError(Exception):
    """Base class: any error the CLI reports as a message rather than a traceback."""


class InputError(PartnergraphError):
    """The authoring files have problems; nothing was written."""

    def __init__(self, problems: Sequence[SourceProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"{len(self.problems)} {noun} found; nothing was written:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class StoreError(PartnergraphError):
    """A store could not be opened, loaded or queried."""


class QueryError(PartnergraphError):
    """A named query is unknown, malformed or given bad parameters."""


def did_you_mean(name: str, known: Iterable[str], what: str) -> str:
    """A fix suggestion naming the closest known spelling, if any is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"add it to {what} or correct the spelling"
