"""Where a project's authoring files, queries and build output live.

A project directory is laid out like this repository. The tool's own ontology and
named queries are used where a project has none, so a research group can keep just
their corpus and bibliography and still get upgrades of the ontology with the tool.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

PROJECT_ENV = "PARTNERGRAPH_PROJECT"


def tool_resource_dir(name: str) -> Path:
    """The tool's own `ontology/` or `queries/`: packaged in a wheel, the repo's in a clone."""
    packaged = Path(str(resources.files("partnergraph"))) / "resources" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


@dataclass(frozen=True)
class Project:
    """Paths of one project; `build_dir` is the only place any command writes."""

    root: Path

    @classmethod
    def locate(cls, root: str | Path | None = None) -> Project:
        return cls(Path(root or os.environ.get(PROJECT_ENV) or ".").resolve())

    def _own_or_tool(self, name: str) -> Path:
        own = self.root / name
        return own if own.is_dir() else tool_resource_dir(name)

    @property
    def ontology_dir(self) -> Path:
        return self._own_or_tool("ontology")

    @property
    def ontology_file(self) -> Path:
        return self.ontology_dir / "partnergraph.ttl"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def concepts_file(self) -> Path:
        return self.root / "corpus" / "concepts.yaml"

    @property
    def documents_dir(self) -> Path:
        return self.root / "corpus" / "documents"

    @property
    def bibliography_dir(self) -> Path:
        return self.root / "bibliography"

    @property
    def query_dirs(self) -> list[Path]:
        """The project's own queries first, so a project can override a tool query."""
        dirs = [self.root / "queries", tool_resource_dir("queries")]
        unique: list[Path] = []
        for d in dirs:
            if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
                unique.append(d)
        return unique

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def graph_file(self) -> Path:
        return self.build_dir / "partnergraph.ttl"

    @property
    def inferred_file(self) -> Path:
        return self.build_dir / "inferred.ttl"

    @property
    def default_store(self) -> str:
        return f"oxigraph:{self.build_dir / 'store'}"

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project root where possible."""
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)
