"""A store is loaded beside the live one and swapped in, so no fault can empty it.

Clearing the live store and loading into it left 0 quads behind whenever the load
was interrupted (Ctrl-C, SIGKILL, a full disk), and readers then answered "0 rows".
Instead `build/store` is a symbolic link to `build/store-<id>/`: a new build loads
into a fresh directory and replaces the link with `os.replace`, which is atomic, so
at any instant the link names a store that was loaded completely. Whatever a killed
build leaves behind (a half-loaded directory, a temporary link) is recognised by its
name and removed by the next writer. Nothing here imports pyoxigraph, so `memory:`
readers can check a build without loading it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreError

# Written into every store directory a build loads: its build id, and once the load
# has finished, its triple count. A directory whose marker says "loading" was never
# finished; one without a marker is not ours to delete.
MARKER = "partnergraph-build.json"


def new_build_id() -> str:
    """Sortable by time for a person listing `build/`, unique between two builds in one second."""
    return time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json_atomically(path: Path, payload: dict) -> None:
    """Write, flush to disk, rename: a reader sees the old file or the new one, never half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def read_json(path: Path) -> dict | None:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def read_marker(store_dir: Path) -> dict | None:
    """The marker of the store directory (or of the one a link names), if it has one."""
    return read_json(store_dir / MARKER)


@contextlib.contextmanager
def exclusive(lock_file: Path, busy: str) -> Iterator[None]:
    """Hold an advisory lock for the block; raise `StoreError(busy)` if another process has it.

    flock is released by the kernel when its holder dies, even by SIGKILL, so a killed
    build never leaves a lock that blocks the next one."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreError(busy) from exc
        yield
    finally:
        os.close(fd)


def store_lock(link: Path) -> Path:
    return link.with_name(f".{link.name}.lock")


def staged_dir(link: Path, build_id: str) -> Path:
    return link.with_name(f"{link.name}-{build_id}")


def current_target(link: Path) -> Path | None:
    """The directory the link names now (or the legacy plain directory itself)."""
    if link.is_symlink():
        return link.with_name(os.readlink(link))
    return link if link.is_dir() else None


def retire(directory: Path, link: Path) -> None:
    """Rename first, then delete: a deletion cut short leaves a name the next run removes."""
    graveyard = link.with_name(f".{link.name}.retired-{secrets.token_hex(4)}")
    try:
        os.rename(directory, graveyard)
    except FileNotFoundError:
        return
    shutil.rmtree(graveyard, ignore_errors=True)


def remove_stale(link: Path) -> list[Path]:
    """Remove what killed or failed loads left beside `link`; returns what was removed.

    Only directories carrying our marker (and our reserved hidden names) are touched,
    so a folder a person named `store-backup` is never deleted."""
    parent = link.parent
    if not parent.is_dir():
        return []
    live = current_target(link)
    removed: list[Path] = []
    for entry in parent.iterdir():
        name = entry.name
        if name.startswith((f".{link.name}.swap-", f".{link.name}.retired-")):
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        elif (
            name.startswith(f"{link.name}-")
            and entry.is_dir()
            and not entry.is_symlink()
            and (live is None or entry.name != live.name)
            and read_marker(entry) is not None
        ):
            retire(entry, link)
            removed.append(entry)
    return removed


def swap_in(link: Path, target: Path, build_id: str) -> Path | None:
    """Point `link` at `target` in one atomic step; return the directory it named before.

    A plain directory left by a version without links is first renamed aside (a reader
    in that instant is told there is no store, never shown an empty one)."""
    previous = current_target(link)
    if previous is not None and not link.is_symlink():
        aside = link.with_name(f".{link.name}.retired-{build_id}")
        os.rename(link, aside)
        previous = aside
    temporary = link.with_name(f".{link.name}.swap-{build_id}")
    temporary.unlink(missing_ok=True)
    os.symlink(target.name, temporary)
    os.replace(temporary, link)
    fsync_dir(link.parent)
    return previous
