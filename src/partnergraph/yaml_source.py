"""YAML that remembers where each mapping and key was written.

PyYAML forgets line numbers once it builds Python objects, but every error we report
must name the line a researcher has to edit. The loader below keeps them, and refuses
duplicate keys, which plain YAML silently lets the last one win, and keys that are
lists or mappings, which Python cannot hash. Aliases are counted before any object is
built: nine anchors of nine aliases each expand to 387 million values, and the build
hung on such a file in a numeric field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from .errors import SourceProblem


class LineDict(dict):
    """A mapping from YAML with the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


MAX_ALIAS_EXPANSION = 100_000
"""How many values aliases may add beyond those written out; plain files add none."""


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _BadKey(yaml.MarkedYAMLError):
    pass


class _AliasBomb(yaml.MarkedYAMLError):
    pass


_FIXES = {
    _DuplicateKey: "keep one of the two entries",
    _BadKey: "write the key as plain text, e.g. 'concept:'",
    _AliasBomb: "write the values out instead of repeating them through aliases (*name)",
}


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The C parser where PyYAML has it (several times faster); our constructors on top."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    return _line_dict(node, lambda child: loader.construct_object(child, deep=True))


def _line_dict(node: yaml.MappingNode, construct: Callable[[yaml.Node], Any]) -> LineDict:
    """The mapping with its lines; `construct` builds keys and values (PyYAML's way or ours)."""
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _BadKey(
                problem="a key must be plain text, not a list or mapping", problem_mark=key_node.start_mark
            )
        key = construct(key_node)
        if key in mapping:  # 1 and true are one key to Python: name the line of the one written
            first = next(mapping.key_lines[str(k)] for k in mapping if k == key)
            raise _DuplicateKey(
                problem=f"duplicate key '{key}' (first at line {first})",
                problem_mark=key_node.start_mark,
            )
        mapping[key] = construct(value_node)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a document whose aliases would build far more values than it writes.

    An alias is the anchored node itself, reached again; sizes are summed bottom-up over
    the distinct nodes, so the check takes time in proportion to the file, not to what
    the aliases would expand to. A node reached through itself counts once.
    """
    sizes: dict[int, int] = {}
    parents: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes.get(id(child), 0) for child in _children(node))
            continue
        if id(node) in sizes or id(node) in open_nodes:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in _children(node):
            parents[id(child)] = parents.get(id(child), 0) + 1
            stack.append((child, False))
    if sizes[id(root)] - len(sizes) <= MAX_ALIAS_EXPANSION:
        return
    repeated = [n for n in _walk(root) if parents.get(id(n), 0) > 1]
    first = min(repeated, key=lambda n: (n.start_mark.line, n.start_mark.column))
    raise _AliasBomb(
        problem=f"aliases expand {len(sizes):,} values into {sizes[id(root)]:,} "
        f"(at most {MAX_ALIAS_EXPANSION:,} more than written)",
        problem_mark=first.start_mark,
    )


def _walk(root: yaml.Node) -> list[yaml.Node]:
    """Every distinct node once."""
    seen: dict[int, yaml.Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(_children(node))
    return list(seen.values())


# An alias needs an anchor (&name) and a use (*name); a file with neither cannot expand.
_MAY_ALIAS = (re.compile(r"&[^\s&]"), re.compile(r"\*[^\s*]"))


def _parse(text: str) -> Any:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if all(pattern.search(text) for pattern in _MAY_ALIAS):
            _check_aliases(node)
            return loader.construct_document(node)  # PyYAML's own walk keeps aliases one object
        return _construct_tree(loader, node)
    finally:
        loader.dispose()


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{name}" for name in ("str", "seq", "map"))
_FLATTENED = {"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"}


def _construct_tree(loader: _LineLoader, node: yaml.Node) -> Any:
    """What `construct_document` builds, for a document without aliases, in a third of
    the time: plain text, lists and mappings are built here, every other tag (numbers,
    booleans, dates, !!set ...) by PyYAML's constructors. Without aliases each node is
    reached once, so PyYAML's bookkeeping of nodes already built is not needed."""
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_construct_tree(loader, child) for child in node.value]
    if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
        return loader.construct_object(node, deep=True)
    if any(key.tag in _FLATTENED for key, _ in node.value):  # `<<: *base` and the like
        loader.flatten_mapping(node)
    return _line_dict(node, lambda child: _construct_tree(loader, child))


def _runaway_quote(text: str, error_line: int) -> int | None:
    """The line a quoted value opened on, if it runs across lines to where parsing failed.

    A missing closing quote swallows the lines below it up to the next quote mark, and
    the parser only stumbles there; the line to fix is the one the quote opened on.
    """
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > error_line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in {'"', "'"}
                and token.start_mark.line < token.end_mark.line == error_line
            ):
                return token.start_mark.line
    except yaml.YAMLError:
        pass
    return None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown_as: str) -> SourceProblem:
    """The problem at the line to edit: where an unclosed quote opened, not where it ended."""
    unclosed = exc.context == "while scanning a quoted scalar"  # it ran to the end of the file
    mark = (exc.context_mark if unclosed else exc.problem_mark) or exc.problem_mark or exc.context_mark
    if mark is None:
        return SourceProblem(shown_as, None, f"malformed YAML: {exc}", "fix the syntax")
    problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
    fix = _FIXES.get(type(exc), "check indentation, colons and quoting on this line or the one before")
    line = mark.line
    opened = None if unclosed else _runaway_quote(text, mark.line)
    if opened is not None:
        problem = f"the quote opened on this line runs on to line {mark.line + 1} ({problem})"
        line = opened
    if unclosed or opened is not None:
        fix = f"close the quote opened on line {line + 1}"
    return SourceProblem(shown_as, line + 1, f"malformed YAML: {problem}", fix)


def load_yaml(text: str, shown_as: str) -> tuple[Any, list[SourceProblem]]:
    """Parse one file's text; a syntax error becomes a problem at its line, not a traceback."""
    try:
        return _parse(text), []
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, text, shown_as)]
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML gives only its offset
        line = text[: exc.position].count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"malformed YAML: unacceptable character {code:#06x} ({exc.reason})"
        return None, [SourceProblem(shown_as, line, message, "delete the character or replace it by a space")]
    except RecursionError:
        return None, [SourceProblem(shown_as, None, "malformed YAML: nested too deeply", "flatten the lists")]
    except yaml.YAMLError as exc:
        return None, [SourceProblem(shown_as, None, f"malformed YAML: {exc}", "fix the syntax")]
