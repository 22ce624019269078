"""Reading the ontology and the shapes, with syntax errors reported at their line."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from .errors import SourceProblem


def load_turtle(path: Path, shown_as: str, problems: list[SourceProblem]) -> Graph:
    graph = Graph()
    if not path.is_file():
        problems.append(SourceProblem(shown_as, None, "file not found", "restore it from the repository"))
        return graph
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib's Turtle parser raises BadSyntax and others
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        problems.append(SourceProblem(shown_as, line, f"malformed Turtle: {message}", "fix the syntax"))
    return graph
