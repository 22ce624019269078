"""Finding and reading the authoring files, refusing what is not one.

The build reads whatever sits in `corpus/` and `bibliography/`. A symbolic link out of
the project would put a system file's text into the graph (and into error messages);
a FIFO named `x.yaml` would block the build forever; a link that points at itself
makes Python raise instead of answer. Each becomes a `SourceProblem` naming the path
as the researcher sees it (the link, not its target), before a byte is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import SourceProblem
from .project import Project


def shown(path: Path, project: Project) -> str:
    """The path relative to the project without following links, so a message names the link."""
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def authoring_files(
    folder: Path, suffix: str, project: Project, problems: list[SourceProblem], *, missing_fix: str
) -> list[Path]:
    """The `*{suffix}` files of a folder, sorted. A missing folder is a problem: without
    it the build would write a graph with nothing in it and call that a success."""
    if not folder.is_dir():
        problems.append(SourceProblem(shown(folder, project), None, "folder not found", missing_fix))
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(suffix) and not p.name.startswith("."))


def read_source(path: Path, project: Project, problems: list[SourceProblem]) -> str | None:
    """The text of one authoring file, or None with the reason appended to `problems`."""
    where = shown(path, project)

    def refuse(message: str, fix: str, line: int | None = None) -> None:
        problems.append(SourceProblem(where, line, message, fix))

    try:
        target = path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:  # Python 3.11 raises RuntimeError for a loop
        if path.is_symlink() and ("loop" in str(exc).lower() or getattr(exc, "errno", 0) == 40):
            refuse("a symbolic link that leads back to itself", "remove the link or point it at a file")
        else:
            refuse(f"cannot read: {exc}", "check that the file exists and may be read")
        return None
    if not target.is_relative_to(project.root.resolve()):
        refuse(f"a symbolic link to {target}, outside the project", "copy the file into the project")
        return None
    try:
        mode = os.stat(target).st_mode
        if not stat.S_ISREG(mode):
            refuse("not a regular file", "replace it with a plain text file or remove it")
            return None
        data = target.read_bytes()
    except OSError as exc:
        refuse(f"cannot read: {exc.strerror or exc}", "check the file's permissions")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        refuse(f"not UTF-8 (byte {data[exc.start]:#x})", "save it as UTF-8", line)
        return None


def read_sources(
    folder: Path, suffix: str, project: Project, problems: list[SourceProblem], *, missing_fix: str
) -> Iterator[tuple[str, str]]:
    """(path as shown, text) of each `*{suffix}` file of a folder that could be read."""
    for path in authoring_files(folder, suffix, project, problems, missing_fix=missing_fix):
        text = read_source(path, project, problems)
        if text is not None:
            yield shown(path, project), text
