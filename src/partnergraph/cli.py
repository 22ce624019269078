"""The `partnergraph` command: it only assembles commands; each body calls the library."""

from __future__ import annotations

import contextlib
import errno
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import __version__
from .build import build as build_project
from .build import load_sources, write_atomically
from .errors import PartnergraphError
from .exporting import EXPORT_FORMATS
from .formats import choose_format
from .names import plural, reader_names
from .output import FORMATS, render
from .progress import steps
from .project import PROJECT_ENV, Project
from .queries import find_query, named_queries, run_query
from .stores import STORE_ENV, Store, open_store, require_build, resolve_descriptor


class PortInUse(PartnergraphError):
    """The explorer's port is taken: say which to try instead of a traceback."""


@dataclass
class Context:
    project: Project
    store_descriptor: str | None

    @property
    def descriptor(self) -> str:
        return resolve_descriptor(self.store_descriptor, self.project)

    def open_store(self) -> Store:
        """The store a reading command asks: it must hold a build."""
        require_build(self.project, self.descriptor)
        store = open_store(self.descriptor, self.project)
        if advice := getattr(store, "advice", None):  # a memory: store too large for rdflib
            click.echo(f"warning: {advice}", err=True)
        return store

    def open_target_store(self) -> Store:
        """The store `push` writes to, made if it does not exist yet."""
        return open_store(self.descriptor, self.project, create=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the library's errors into a message on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PartnergraphError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper


def output_options(
    allowed: tuple[str, ...], default: str, out_required: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--format` under its usual names and `--out`/`-o`; the format is checked against
    the extension (or read from it) before the command runs."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        @reports_errors
        def wrapper(*args: Any, fmt: str | None, out: Path | None, **kwargs: Any) -> Any:
            return command(*args, fmt=choose_format(fmt, out, allowed, default), out=out, **kwargs)

        wrapper = click.option(
            "--out",
            "-o",
            type=click.Path(dir_okay=False, path_type=Path),
            required=out_required,
            help="File to write" + ("." if out_required else " (default: standard output)."),
        )(wrapper)
        return click.option(
            "--format",
            "fmt",
            metavar="|".join(allowed),
            help=f"Output format (default {default}, or what --out's extension names).",
        )(wrapper)

    return decorate


def emit(text: str, out: Path | None) -> None:
    """Standard output, or the file (ending in a newline as text files do)."""
    if out:
        write_atomically(out, (text if text.endswith("\n") else text + "\n").encode("utf-8"))
    else:
        click.echo(text)


asserted_option = click.option("--asserted-only", is_flag=True, help="Leave out what `reason` inferred.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="partnergraph")
@click.option(
    "--project",
    type=click.Path(file_okay=False),
    envvar=PROJECT_ENV,
    help=f"Project directory (default: current directory; or ${PROJECT_ENV}).",
)
@click.option(
    "--store",
    "store",
    envvar=STORE_ENV,
    help=f"oxigraph:PATH (default build/store), memory: or sparql:URL (or ${STORE_ENV}).",
)
@click.pass_context
def main(ctx: click.Context, project: str | None, store: str | None) -> None:
    """Build, check, query and reason over the partnership-working evidence graph.

    --project and --store may be given before the command or after it, as in
    `partnergraph evidence trust --store memory:`.
    """
    ctx.obj = Context(Project.locate(project), store)


def _set_project(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Context).project = Project.locate(value)


def _set_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Context).store_descriptor = value


def accept_global_options(group: click.Group) -> None:
    """Give every command --project and --store too, as git and pip take their global
    options after the command: people type them where they think of them."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            accept_global_options(command)
            continue
        command.params += [
            click.Option(
                ["--project"],
                type=click.Path(file_okay=False),
                expose_value=False,
                callback=_set_project,
                help="Project directory (as before the command).",
            ),
            click.Option(
                ["--store"],
                expose_value=False,
                callback=_set_store,
                help="oxigraph:PATH, memory: or sparql:URL (as before the command).",
            ),
        ]


@main.command()
@click.option("--no-store", is_flag=True, help="Write build/partnergraph.ttl only.")
@click.option("--no-shapes", is_flag=True, help="Skip the SHACL shapes (quicker; validate runs them).")
@click.pass_obj
@reports_errors
def build(obj: Context, no_store: bool, no_shapes: bool) -> None:
    """Compile ontology, corpus and bibliography into build/partnergraph.ttl, check it
    against the SHACL shapes, and load the store."""
    with steps(4 - no_store - no_shapes, "building") as step:
        report = build_project(
            obj.project, obj.descriptor, load_store=not no_store, on_step=step, shapes=not no_shapes
        )
    click.echo("\n".join(report.lines()))


@main.command()
@click.pass_obj
@reports_errors
def validate(obj: Context) -> None:
    """Check references and the SHACL shapes; exit 1 on any violation."""
    from .validation import validate_project

    with steps(3, "validating") as step:
        violations = validate_project(obj.project, on_step=step)
    for violation in violations:
        click.echo(str(violation))
    if violations:
        click.echo(plural(len(violations), "violation"), err=True)
        sys.exit(1)
    click.echo("valid: references resolve and every SHACL shape is satisfied")


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter.")
@click.option("--list", "list_queries", is_flag=True, help="Describe the named queries.")
@output_options(FORMATS, "table")
@asserted_option
@click.pass_obj
@reports_errors
def query(
    obj: Context, name: str | None, params: tuple[str, ...], list_queries: bool, fmt: str,
    out: Path | None, asserted_only: bool,
) -> None:  # fmt: skip
    """Run a named query (see --list) or a .rq file."""
    if list_queries or not name:
        for q in named_queries(obj.project).values():
            click.echo(f"{q.name}: {q.title}")
            if q.description:
                click.echo(f"    {q.description}")
            for p in q.parameters:
                default = f" = {p.default}" if p.default else ""
                click.echo(f"    --param {p.name}=<{p.type}>{default}  {p.doc}")
        return
    bound = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"'{item}' is not NAME=VALUE", param_hint="--param")
        bound[key] = value
    named = find_query(name, obj.project)
    with obj.open_store() as store:
        result = run_query(store, named, bound, include_inferred=not asserted_only)
        names = reader_names(store) if fmt == "table" else None
    emit(render(result, fmt, names), out)


@main.command()
@output_options(FORMATS, "table")
@asserted_option
@click.pass_obj
@reports_errors
def stats(obj: Context, fmt: str, out: Path | None, asserted_only: bool) -> None:
    """Counts by class, by reviewed document and by polarity."""
    from .stats import graph_stats, render_stats

    with obj.open_store() as store:
        tables = graph_stats(store, include_inferred=not asserted_only)
    emit(render_stats(tables, fmt), out)


@main.command()
@click.option("--search", "-s", metavar="TEXT", help="Only concepts whose names contain TEXT.")
@click.option("--class", "cls", metavar="CLASS", help="Only this class, e.g. barrier or 'success factor'.")
@output_options(FORMATS, "table")
@click.pass_obj
@reports_errors
def concepts(obj: Context, search: str | None, cls: str | None, fmt: str, out: Path | None) -> None:
    """The concepts you can ask about: slug, label, class, categories and claim counts."""
    from .concept_list import list_concepts, render_concepts

    with obj.open_store() as store:
        emit(render_concepts(list_concepts(store, search, cls), fmt), out)


@main.command()
@click.pass_obj
@reports_errors
def push(obj: Context) -> None:
    """Load the built graph (and inferences) into the store given by --store."""
    from .push import push_build

    with obj.open_target_store() as store:
        counts = push_build(obj.project, store)
    click.echo(f"pushed to {store.descriptor}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@main.command()
@output_options(EXPORT_FORMATS, "turtle")
@click.option(
    "--inferred/--asserted-only",
    default=True,
    help="With what `reason` inferred, as a graph of its own (default), or without it.",
)
@click.option(
    "--texts",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The reviewed documents' texts (--format qdpx holds them).",
)
@click.pass_obj
def export(obj: Context, fmt: str, out: Path | None, inferred: bool, texts: Path | None) -> None:
    """The whole graph as Turtle, N-Quads, TriG or JSON-LD (compacted with
    ontology/context.jsonld), or as a REFI-QDA codebook (qdc) or project (qdpx)."""
    from .exporting import RDF_EXPORTS, export_graph, export_qda

    with obj.open_store() as store:
        if fmt not in RDF_EXPORTS:
            export_qda(store, obj.project, fmt, out, texts)
            click.echo(f"written: {out}", err=True)
            return
        with steps(2, "exporting") as step:
            data = export_graph(store, obj.project, fmt, inferred, on_step=step)
    if out is None:
        sys.stdout.buffer.write(data)
    else:
        write_atomically(out, data)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--date", metavar="YYYY-MM-DD", help="Release date (default: the ontology's dcterms:modified).")
@click.option("--version", "version", help="Release version (default: the ontology's owl:versionInfo).")
@click.option(
    "--endpoint", help="The SPARQL endpoint the description names (default: `serve`'s /sparql on 127.0.0.1)."
)
@click.option(
    "--base-url",
    help="Where the folder will be published (default https://w3id.org/partnergraph/releases/VERSION/).",
)
@click.option(
    "--documents",
    is_flag=True,
    help="Also write doc/KIND/NAME.EXT for every /id/ IRI (what w3id/ redirects to).",
)
@click.pass_obj
@reports_errors
def release(
    obj: Context,
    folder: Path,
    date: str | None,
    version: str | None,
    endpoint: str | None,
    base_url: str | None,
    documents: bool,
) -> None:
    """A folder to publish: dumps, ontology and its documentation, VoID/DCAT, CITATION.cff, licence."""
    from .release import ReleaseOptions, make_release

    options = ReleaseOptions(
        date=date, version=version, endpoint=endpoint, base_url=base_url, documents=documents
    )
    with obj.open_store() as store, steps(7 if documents else 6, "releasing") as step:
        report = make_release(obj.project, store, folder, options, on_step=step)
    click.echo("\n".join(report.lines()))


@main.group()
def bib() -> None:
    """Check and export the bibliography."""


_DOCUMENT_OPTION = click.option(
    "--document", metavar="KEY", default=None, help="Check only this reviewed document (its cite key)."
)


@bib.command("check")
@_DOCUMENT_OPTION
@click.pass_obj
@reports_errors
def bib_check(obj: Context, document: str | None) -> None:
    """Uncited entries, citations without entries, probable duplicates, missing fields."""
    from .bibcheck import check_bibliography

    report = check_bibliography(load_sources(obj.project), document)
    click.echo("\n".join(report.lines()))
    if not report.ok:
        sys.exit(1)


@bib.command("export")
@output_options(("bibtex", "csljson", "ris"), "bibtex")
@click.pass_obj
@reports_errors
def bib_export(obj: Context, fmt: str, out: Path | None) -> None:
    """Write every work as BibTeX, CSL-JSON or RIS (for reference managers)."""
    from .bibexport import BIB_FORMATS

    emit(BIB_FORMATS[fmt](load_sources(obj.project).works).rstrip("\n"), out)


@main.command()
@click.argument("concept")
@output_options(FORMATS, "table")
@click.pass_obj
@reports_errors
def evidence(obj: Context, concept: str, fmt: str, out: Path | None) -> None:
    """The evidence profile of CONCEPT (slug or label) and its claims, grouped by polarity."""
    from .evidence import collect_evidence
    from .evidence_output import render_evidence

    with obj.open_store() as store:
        emit(render_evidence(collect_evidence(store, obj.project, concept), fmt), out)


@main.command()
@click.argument("concepts", nargs=-1)
@click.option("--class", "cls", help="Every concept of this class with claims, e.g. Barrier.")
@click.option("--query", help="The concepts a named query returns.")
@output_options(("markdown", "html", "docx"), "markdown", out_required=True)
@click.option(
    "--style",
    default="apa",
    show_default=True,
    help="CSL style name (e.g. harvard-cite-them-right) or .csl file.",
)
@click.pass_obj
@reports_errors
def summary(
    obj: Context,
    concepts: tuple[str, ...],
    cls: str | None,
    query: str | None,
    fmt: str,
    style: str,
    out: Path,
) -> None:
    """A citation-backed summary of CONCEPTS: Markdown (+ .bib, CSL-JSON), HTML or Word."""
    from .concepts import resolve_class
    from .summary import bibliography_works, build_summary, choose_concepts
    from .summary_output import write_summary

    works = bibliography_works(obj.project)
    with obj.open_store() as store:
        class_name = resolve_class(store, cls).name if cls else None
        chosen = choose_concepts(store, obj.project, concepts, class_name, query)
        with steps(len(chosen), "summarising") as step:
            result = build_summary(store, obj.project, chosen, on_step=step)
    written = write_summary(result, works, out, fmt, style)
    click.echo(
        f"{plural(len(result.sections), 'concept')}, {plural(len(result.cited_keys()), 'work')} cited: "
        + ", ".join(str(p) for p in written)
    )


@main.command()
@click.option(
    "--by",
    "dimension",
    type=click.Choice(("documents", "works", "kinds")),
    default="documents",
    show_default=True,
    help="Columns: reviewed documents, works or evidence kinds.",
)
@click.option(
    "--count", "measure", type=click.Choice(("claims", "works")), default="claims", show_default=True
)
@click.option(
    "--page", default=1, show_default=True, type=click.IntRange(min=1), help="Columns come 500 to a page."
)
@output_options(("csv", "markdown", "html", "eppi-json", "eppi-csv"), "csv")
@click.pass_obj
@reports_errors
def matrix(obj: Context, dimension: str, measure: str, page: int, fmt: str, out: Path | None) -> None:
    """The evidence gap map: concepts by category against documents, works or evidence kinds;
    eppi-json opens in EPPI-Mapper, eppi-csv lists the claims behind every cell."""
    from .eppi_map import RENDERERS as EPPI_RENDERERS
    from .matrix import RENDERERS, build_matrix

    with obj.open_store() as store:
        built = build_matrix(store, obj.project, dimension, measure, page)
        text = {**RENDERERS, **EPPI_RENDERERS}[fmt](built)
    if built.note():
        click.echo(f"{built.note()} --page N shows another.", err=True)
    emit(text, out)


@main.command()
@output_options(("html",), "html", out_required=True)
@click.pass_obj
@reports_errors
def viz(obj: Context, fmt: str, out: Path) -> None:
    """The evidence graph as one self-contained HTML file that opens offline."""
    from .evidence_graph import build_graph
    from .viz_html import network_data, render_page

    with obj.open_store() as store, steps(3, "drawing the graph") as step:
        graph = build_graph(store, obj.project, on_step=step)
        step("lay out and write the page")
        write_atomically(out, render_page(network_data(graph)).encode("utf-8"))
    click.echo(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} links: {out}")
    if "trimmed" in graph.graph:
        click.echo(graph.graph["trimmed"].sentence())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int)
@click.pass_obj
@reports_errors
def serve(obj: Context, host: str, port: int) -> None:
    """A local web explorer over the built store: graph, concept and work pages, gap map, SPARQL."""
    from .explorer import make_server
    from .serve_lock import serving

    with obj.open_store() as store:
        try:
            server = make_server(obj.project, store, host, port)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(f"port {port} is in use; try --port {port + 1}") from exc
            raise PortInUse(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        url = f"http://{host}:{server.server_port}/"
        store_path = getattr(store, "path", None)
        with serving(store_path, url) if store_path else contextlib.nullcontext():
            click.echo(f"partnergraph explorer on {url} (Ctrl-C stops it)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                server.server_close()


_TEXTS_OPTION = click.option(
    "--texts",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory holding the reviewed documents' texts.",
)


@main.command()
@_TEXTS_OPTION
@_DOCUMENT_OPTION
@click.pass_obj
@reports_errors
def verify(obj: Context, texts: Path, document: str | None) -> None:
    """Check that every quote occurs in the text of its reviewed document, and that its
    anchor (corpus/anchors/) still points at it."""
    from .anchors import stale_anchors
    from .verify import verify_quotes

    report = verify_quotes(obj.project, texts, document)
    stale = stale_anchors(obj.project, texts, document)
    click.echo("\n".join([*report.lines(), *(f"stale anchor: {problem}" for problem in stale)]))
    if stale:
        click.echo(f"{plural(len(stale), 'stale anchor')}", err=True)
    if not report.ok or stale:
        sys.exit(1)


@main.command()
@_TEXTS_OPTION
@_DOCUMENT_OPTION
@click.pass_obj
@reports_errors
def anchor(obj: Context, texts: Path, document: str | None) -> None:
    """Locate every quote in its text and write corpus/anchors/DOCUMENT.yaml (offsets,
    surrounding words, page), which the build compiles into Web Annotation selectors."""
    from .anchors import write_anchors

    click.echo("\n".join(write_anchors(obj.project, texts, document).lines()))


@main.command()
@_TEXTS_OPTION
@_DOCUMENT_OPTION
@output_options(("table", "json"), "table")
@click.pass_obj
def lint(obj: Context, texts: Path, document: str | None, fmt: str, out: Path | None) -> None:
    """Quotes that do not read as evidence: unbalanced marks, headings, table rows or
    other factors' list items inside, too long or bare words; exit 1 on any error."""
    from .quote_lint import lint_quotes

    report = lint_quotes(obj.project, texts, document)
    emit(report.as_json() if fmt == "json" else "\n".join(report.lines()), out)
    if out is not None or fmt == "json":
        click.echo(report.summary(), err=True)
    if not report.ok:
        sys.exit(1)


@main.command()
@_TEXTS_OPTION
@_DOCUMENT_OPTION
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a citation matches no entry or its number no reference read, or a cited work is "
    "neither used by a claim nor recorded in corpus/coverage/ as carrying no finding.",
)
@click.pass_obj
@reports_errors
def coverage(obj: Context, texts: Path, strict: bool, document: str | None) -> None:
    """List each text's citations that no claim uses, no entry matches or no reference list resolves."""
    from .citations import citation_coverage

    report = citation_coverage(obj.project, texts, document)
    click.echo("\n".join(report.lines()))
    if strict and not report.ok:
        sys.exit(1)


@main.command()
@click.pass_obj
@reports_errors
def reason(obj: Context) -> None:
    """Run HermiT and the counting rules; write inferences as their own graph."""
    from .reasoning import reason as run_reasoning

    with obj.open_store() as store, steps(4, "reasoning") as step:
        report = run_reasoning(obj.project, store, on_step=step)
    click.echo("\n".join(report.lines()))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", required=True, help="Cite key for the new reviewed document, e.g. smith2021review.")
@click.option(
    "--force",
    is_flag=True,
    help="Ingest a key again: replace its text, new entries and drafts; accepted claims are kept.",
)
@click.pass_obj
@reports_errors
def ingest(obj: Context, file: Path, key: str, force: bool) -> None:
    """Read a new reviewed document (.txt, .md, .html, .pdf): store its text, add its
    references to the bibliography and write draft claims for `review`."""
    from .ingest import ingest as ingest_document

    report = ingest_document(obj.project, file, key, force=force)
    click.echo("\n".join(report.lines(obj.project)))


def _new_concept(session: Any, slug: str, slugs: set[str]) -> None:
    from .corpus import CONCEPT_CLASSES
    from .drafts import add_concept

    cls = click.prompt("class", type=click.Choice(CONCEPT_CLASSES), show_choices=True)
    label = click.prompt("label")
    counterpart = click.prompt("counterpart slug (Enter: none)", default="", show_default=False)
    broader = click.prompt("broader slugs, comma separated (Enter: none)", default="", show_default=False)
    add_concept(session.project, slug, cls, label, counterpart.strip(), broader)
    slugs.add(slug)


def _review_answer(session: Any, draft: Any, slugs: set[str]) -> str:
    """Ask until the answer is one the review can apply (or q)."""
    from .drafts import apply_answer

    while True:
        answer = click.prompt("decision", default="1", show_default=True).strip().lower()
        if answer == "q":
            return answer
        typed = click.prompt("concept slug").strip() if answer in ("s", "n") else ""
        try:
            if answer == "n":
                _new_concept(session, typed, slugs)
                answer = "s"
            click.echo("  " + apply_answer(session, draft, answer, slugs, typed))
            return answer
        except PartnergraphError as exc:
            click.echo(f"  {exc}")


@main.command()
@click.argument("key")
@click.option("--accept-top", is_flag=True, help="Accept every pending draft's first candidate (scripts).")
@click.pass_obj
@reports_errors
def review(obj: Context, key: str, accept_top: bool) -> None:
    """Accept, change, merge or reject the draft claims of an ingested document."""
    from .corpus import load_corpus
    from .drafts import CONVENTIONS, Review, apply_answer, describe
    from .errors import SourceProblem

    session = Review(obj.project, key)
    concepts = load_corpus(obj.project, list[SourceProblem]()).concepts
    labels = {c.slug: c.label for c in concepts}
    slugs = set(labels)  # grows when the curator adds a concept
    pending = session.pending
    if not accept_top:
        click.echo(CONVENTIONS)
    try:
        for index, draft in enumerate(pending, 1):
            if accept_top:
                if draft.options:
                    apply_answer(session, draft, "1", slugs)
                continue
            click.echo(f"\n({index}/{len(pending)}) " + "\n".join(describe(draft, labels)))
            answer = _review_answer(session, draft, slugs)
            if answer == "q":
                break
    except click.Abort:
        # Ctrl-C or the end of input: what was decided so far is kept, not thrown away.
        click.echo("\nstopped; the decisions made so far are kept")
    path = session.finish()
    written = len(session.new)
    click.echo(
        f"{plural(written, 'claim')} written to {obj.project.relative(path)}; "
        f"{len(session.decided)} of {len(pending)} pending drafts decided"
    )


accept_global_options(main)
