"""`build/manifest.json`: which build the graph file and the store hold, written last.

A build publishes two things, the Turtle file and the store, and no file system can
replace both in one step. The manifest is written after both, naming the build's id,
its triple count and the file's SHA-256; the store records the same id and count in
its own directory. A reader that finds them disagreeing (a build killed between the
two, `build --no-store`, a store from somewhere else) refuses and says to rebuild,
rather than answering from a store that is not the build's — or is empty.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .errors import StoreError
from .project import Project
from .stores.staging import read_json, read_marker

MANIFEST_NAME = "manifest.json"


def manifest_file(project: Project) -> Path:
    return project.build_dir / MANIFEST_NAME


def read_manifest(project: Project) -> dict | None:
    return read_json(manifest_file(project))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stale(what: str) -> StoreError:
    return StoreError(f"{what} does not hold the last build — run `partnergraph build`")


def check_store(project: Project, descriptor: str) -> None:
    """Raise unless the store (or `memory:`'s source file) holds the last build.

    Checked: the project's own store, `memory:`, and another Oxigraph store the last
    build was loaded into (`build --store oxigraph:PATH`); a store the manifest does
    not name may hold anything and is left alone. Only the id and count recorded at
    build time are compared, never the content, so the check costs two small file
    reads however big the graph is."""
    manifest = read_manifest(project)
    if descriptor.startswith("memory:"):
        if manifest is not None and sha256_file(project.graph_file) != manifest.get("ttl_sha256"):
            raise _stale(f"the file {project.relative(project.graph_file)}")
        return
    if descriptor == project.default_store:
        link = project.build_dir / "store"
        shown = f"the store at {link.relative_to(project.root)}"  # the link, not where it points
    elif descriptor.startswith("oxigraph:") and manifest is not None and manifest.get("store") == descriptor:
        link = Path(descriptor.removeprefix("oxigraph:"))
        shown = f"the store at {link}"
    else:
        return
    if manifest is None:
        if link.is_symlink():  # made by a build that never finished publishing
            raise _stale(shown)
        return  # a build by a version without manifests: nothing to compare
    marker = read_marker(link)
    if (
        marker is None
        or marker.get("state") != "complete"
        or marker.get("id") != manifest.get("id")
        or marker.get("triples") != manifest.get("triples")
    ):
        raise _stale(shown)
