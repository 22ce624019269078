"""What a SPARQL request asks for, read by parsing it, before any store sees it.

The endpoint is read-only and must never reach outside the store: an update, a
`SERVICE` (the server would send requests wherever the query says: server-side request
forgery) or a `FROM` naming a file or a web address (rdflib would fetch it) is refused.
A regular expression cannot tell `CREATE` the keyword from "Create" in a string, so
the query is parsed with rdflib's SPARQL grammar (pyparsing, no evaluation): about a
millisecond for a short query, 15-25 ms for the longest named query (measured here; see
docs/design-notes.md). The same reading gives the query form, which decides the result
formats, and the dataset its `FROM`/`FROM NAMED` clauses declare.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translatePName, translatePrologue, traverse
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import QueryError

# A query this long is not typed by a person; refusing it bounds the parser's work.
MAX_QUERY_CHARS = 200_000
# pyparsing is not thread-safe (RDFLib/rdflib#1282): it learns each parse action's arity on
# its first call, and twenty first calls at once from the server's threads taught it wrongly
# for good ("postParse2() missing 1 required positional argument"). One parse at a time.
PARSING = threading.Lock()
FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class QueryRefused(QueryError):
    """A well-formed request this endpoint will not run (an update, SERVICE, a graph from elsewhere)."""


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs over, as graph IRIs.

    `named=None` leaves every graph of the store available to `GRAPH`; otherwise only
    those listed are, as SPARQL prescribes once a query or request names its dataset.
    """

    default: tuple[str, ...]
    named: tuple[str, ...] | None = None


@dataclass(frozen=True)
class QueryShape:
    form: str
    dataset: QueryDataset | None  # None when the query has no FROM / FROM NAMED


def inspect_query(text: str, prologue: str = "") -> QueryShape:
    """The form and declared dataset of `prologue + text`; raises `QueryRefused` for what
    may not run and `QueryError` for what is not SPARQL, with the line and column in
    `text` (the prologue the endpoint adds is not the writer's)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    try:
        with PARSING:
            parsed = parseQuery(prologue + text)
    except ParseBaseException as exc:
        if _is_update(prologue + text):
            raise QueryRefused("updates are refused: this endpoint is read-only") from None
        line = exc.lineno - prologue.count("\n")
        raise QueryError(f"malformed SPARQL at line {line}, column {exc.col}: {exc.msg}") from None
    except RecursionError:
        raise QueryRefused("the query is nested too deeply to be read") from None
    prologue, body = parsed[0], parsed[1]
    if any(node.name == "ServiceGraphPattern" for node in _nodes(body)):
        raise QueryRefused("SERVICE is refused: this endpoint never sends requests to other servers")
    return QueryShape(FORMS[body.name], _declared_dataset(prologue, body))


def declared_dataset(text: str) -> QueryDataset | None:
    """The dataset of a query's FROM / FROM NAMED clauses, None if it has none.

    Reading commands call this for every query, so a query without the word FROM is
    not parsed at all (a shortcut that can only skip parsing, never decide what runs)."""
    if not re.search(r"\bFROM\b", text, re.IGNORECASE):
        return None
    try:
        return inspect_query(text).dataset
    except QueryRefused:
        raise
    except QueryError:
        return None  # the store's own parser reports the syntax error, with its position


def _is_update(text: str) -> bool:
    try:
        with PARSING:
            parseUpdate(text)
    except (ParseBaseException, RecursionError):
        return False
    return True


def _declared_dataset(prologue: object, body: CompValue) -> QueryDataset | None:
    # CompValue.get's second argument is not a default.
    clauses = body["datasetClause"] if "datasetClause" in body else []  # noqa: SIM401
    if not clauses:
        return None
    try:
        resolved = translatePrologue(prologue, None)
        clauses = traverse(clauses, visitPost=lambda node: translatePName(node, resolved))
    except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
        raise QueryError(f"malformed SPARQL: {exc}") from None
    default = tuple(str(c["default"]) for c in clauses if "default" in c)
    named = tuple(str(c["named"]) for c in clauses if "named" in c)
    return QueryDataset(default, named)


def _nodes(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, (list, tuple)) or hasattr(node, "as_list"):
        for value in node:  # type: ignore[union-attr]
            yield from _nodes(value)
