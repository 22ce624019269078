"""Counted steps for work that takes a while, shown only to a person at a terminal.

Library functions take an optional `on_step(name)` callback and call it as each step
starts; the CLI passes `steps(...)`, a click progress bar on stderr when stderr is a
terminal and nothing when it is piped or captured, so scripts and logs stay clean.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

import click

Step = Callable[[str], None]


def _quiet(_name: str) -> None:
    """No progress where nobody watches."""


@contextlib.contextmanager
def steps(total: int, label: str) -> Iterator[Step]:
    """Yield `step(name)`: advances the bar by one and names the step running."""
    if not sys.stderr.isatty() or total <= 1:
        yield _quiet
        return
    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda name: name,
    ) as bar:
        running: list[str] = []

        def step(name: str) -> None:
            """A name that starts with the running step's and a colon ("load the store: read
            40 of 2,400 MB") tells how that step goes; it is not a step of its own."""
            detail = bool(running) and name.startswith(f"{running[-1]}: ")
            bar.update(1 if running and not detail else 0, name)
            if detail:
                bar.render_progress()  # click draws only when the count moves
            else:
                running.append(name)

        yield step
        bar.update(1, "done")
