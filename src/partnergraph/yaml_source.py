"""YAML that remembers where each mapping and key was written.

PyYAML forgets line numbers once it builds Python objects, but every error we report
must name the line a researcher has to edit. The loader below keeps them, and refuses
duplicate keys, which plain YAML silently lets the last one win.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import SourceProblem


class LineDict(dict):
    """A mapping from YAML with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C parser where PyYAML has it (several times faster); our constructors on top."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise _DuplicateKey(
                problem=f"duplicate key '{key}' (first at line {mapping.key_lines[key]})",
                problem_mark=key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path, shown_as: str) -> tuple[Any, list[SourceProblem]]:
    """Parse one file; a syntax error becomes a problem at its line instead of a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [SourceProblem(shown_as, None, f"cannot read file: {exc}", "save it as UTF-8")]
    try:
        return yaml.load(text, Loader=_LineLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        fix = (
            "keep one of the two entries"
            if isinstance(exc, _DuplicateKey)
            else "check indentation, colons and quoting on this line or the one before"
        )
        return None, [SourceProblem(shown_as, line, f"malformed YAML: {problem}", fix)]
    except yaml.YAMLError as exc:
        return None, [SourceProblem(shown_as, None, f"malformed YAML: {exc}", "fix the syntax")]
