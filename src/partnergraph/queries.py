"""Named SPARQL queries: files in `queries/` with a header that describes them.

A query file starts with comment lines:

    # title: Barriers and the works that back them
    # description: Every barrier with each work asserting a claim about it.
    # param concept: concept = trust -- the concept to look at

A parameter has a name, a type and an optional default. Types say how a value given
on the command line becomes an RDF term: `concept` (a slug), `work` (a cite key),
`iri`, `string`, `integer`. The term is bound by the store, never pasted into text.

A query may also have a form for the embedded store, `oxigraph/NAME.rq` beside it, with
the same rows in the same order: each claim pattern a subquery of its own, which Oxigraph
joins by hashing and rdflib pair by pair (see claim_joins). Only `run_query` uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from .claim_joins import hashed
from .errors import QueryError, did_you_mean
from .namespaces import concept_iri, sparql_prologue, work_iri
from .project import Project
from .stores import QueryResult, Store

PARAM_TYPES = ("concept", "work", "iri", "string", "integer")
_PARAM = re.compile(
    r"^param\s+(?P<name>\w+)\s*:\s*(?P<type>\w+)(?:\s*=\s*(?P<default>[^\s]+))?"
    r"(?:\s*--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    doc: str

    def to_term(self, value: str, find_concept: Callable[[str], str] | None = None) -> Identifier:
        """`find_concept` turns what a person typed (slug, label, alternative label) into
        the concept's IRI, as `evidence` does; without it a value is a slug."""
        if self.type == "concept":
            if "://" in value:
                return URIRef(value)
            return URIRef(find_concept(value)) if find_concept else concept_iri(value)
        if self.type == "work":
            return URIRef(value) if "://" in value else work_iri(value)
        if self.type == "iri":
            return URIRef(value)
        if self.type == "integer":
            if not re.fullmatch(r"-?\d+", value):
                raise QueryError(f"parameter '{self.name}' must be a whole number, not '{value}'")
            return Literal(int(value), datatype=XSD.integer)
        return Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    oxigraph_text: str | None = None

    def text_for(self, store: Store) -> str:
        """The query as `store` answers it fastest: the embedded store's own form, if any."""
        return self.oxigraph_text if self.oxigraph_text is not None and hashed(store) else self.text

    def bindings(
        self, given: dict[str, str], find_concept: Callable[[str], str] | None = None
    ) -> dict[str, Identifier]:
        known = {p.name: p for p in self.parameters}
        for name in given:
            if name not in known:
                raise QueryError(
                    f"query '{self.name}' has no parameter '{name}' — "
                    + (did_you_mean(name, known, "the query header") if known else "it takes none")
                )
        bound: dict[str, Identifier] = {}
        for p in self.parameters:
            value = given.get(p.name, p.default)
            if value is not None:
                bound[p.name] = p.to_term(value, find_concept)
        return bound


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:  # one bad file in queries/ must not break every command
        line = data[: exc.start].count(b"\n") + 1
        raise QueryError(f"{path} line {line}: not UTF-8 — save it as UTF-8") from exc


def parse_query_file(path: Path) -> NamedQuery:
    text = _read(path)
    title, description, params = path.stem, [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.startswith("#"):
            break
        line = raw.lstrip("#").strip()
        if line.startswith("title:"):
            title = line.removeprefix("title:").strip()
        elif line.startswith("description:"):
            description.append(line.removeprefix("description:").strip())
        elif line.startswith("param"):
            match = _PARAM.match(line)
            if not match or match["type"] not in PARAM_TYPES:
                raise QueryError(
                    f"{path} line {number}: cannot read '{line}' — write "
                    f"'# param NAME: TYPE = DEFAULT -- what it is', TYPE one of {', '.join(PARAM_TYPES)}"
                )
            params.append(Parameter(match["name"], match["type"], match["default"], match["doc"] or ""))
        elif description and line:
            description.append(line)
    embedded = path.parent / "oxigraph" / path.name
    oxigraph_text = _read(embedded) if embedded.is_file() else None
    return NamedQuery(path.stem, path, title, " ".join(description), tuple(params), text, oxigraph_text)


def named_queries(project: Project) -> dict[str, NamedQuery]:
    """All named queries, the project's shadowing the tool's own of the same name."""
    found: dict[str, NamedQuery] = {}
    for directory in project.query_dirs:
        for path in sorted(directory.glob("*.rq")):
            found.setdefault(path.stem, parse_query_file(path))
    return dict(sorted(found.items()))


def find_query(name_or_file: str, project: Project) -> NamedQuery:
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    queries = named_queries(project)
    if name_or_file not in queries:
        raise QueryError(
            f"no named query '{name_or_file}' — "
            + did_you_mean(name_or_file, queries, "queries/ (see `partnergraph query --list`)")
        )
    return queries[name_or_file]


def run_query(
    store: Store,
    query: NamedQuery,
    params: dict[str, str] | None = None,
    *,
    include_inferred: bool = True,
) -> QueryResult:
    """Run with the standard prefixes declared, so query files may use them unprefixed;
    concept parameters are looked up as `evidence` looks them up."""
    from .concepts import find_concept

    return store.select(
        sparql_prologue() + query.text_for(store),
        query.bindings(params or {}, lambda text: find_concept(store, text).iri),
        include_inferred=include_inferred,
    )
