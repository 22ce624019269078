"""Telling a build that `partnergraph serve` is reading the store it would rewrite.

The explorer reads the Oxigraph store read-only; RocksDB does not stop a writer from
changing files under a read-only reader ("undefined behaviour" in pyoxigraph's
words), so a build while the explorer runs would leave it answering from a store in
pieces. The explorer leaves a note beside the store while it runs; a writer that
finds a note of a live process refuses and says which server to stop.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import StoreError


def note_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".serving")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def serving(store_path: Path, url: str) -> Iterator[None]:
    """Mark the store as served for as long as the block runs."""
    note = note_path(store_path)
    note.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
    try:
        yield
    finally:
        note.unlink(missing_ok=True)


def refuse_if_served(store_path: Path) -> None:
    """Raise if a live `partnergraph serve` reads this store; forget notes of dead ones."""
    note = note_path(store_path)
    try:
        info = json.loads(note.read_text(encoding="utf-8"))
        pid, url = int(info["pid"]), str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if pid != os.getpid() and _alive(pid):
        raise StoreError(
            f"`partnergraph serve` (process {pid}, {url}) is reading the store at {store_path}; "
            "stop it (Ctrl-C) and run this again, then start `partnergraph serve` anew — "
            "the build was not changed"
        )
    if pid != os.getpid():
        note.unlink(missing_ok=True)
