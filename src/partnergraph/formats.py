"""Output formats by the names people already type, and by the file they write to.

Pandoc and Zotero users write `md` or `markdown`, `bib` or `bibtex`, `csl` or
`csljson`, and expect `-o notes.md` to mean Markdown. A format is therefore chosen by
`--format` under any of its usual names, or inferred from `--out`'s extension; a
format that contradicts the extension, or an output folder that does not exist, is an
error rather than a silent fix, since either is more likely a slip than a wish.
"""

from __future__ import annotations

from pathlib import Path

from .errors import PartnergraphError

# canonical name -> (names people type, file extensions)
KNOWN_FORMATS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "table": (("table", "text", "txt"), (".txt",)),
    "markdown": (("markdown", "md"), (".md", ".markdown")),
    "json": (("json",), (".json",)),
    "csv": (("csv",), (".csv",)),
    "tsv": (("tsv",), (".tsv",)),
    "html": (("html", "htm"), (".html", ".htm")),
    "docx": (("docx", "word"), (".docx",)),
    "bibtex": (("bibtex", "bib"), (".bib",)),
    "csljson": (("csljson", "csl", "csl-json", "json"), (".json",)),
    "ris": (("ris",), (".ris",)),
    "eppi-json": (("eppi-json", "eppi"), (".json",)),
    "eppi-csv": (("eppi-csv",), (".csv",)),
    "turtle": (("turtle", "ttl"), (".ttl",)),
    "nquads": (("nquads", "nq", "n-quads"), (".nq",)),
    "trig": (("trig",), (".trig",)),
    "jsonld": (("jsonld", "json-ld"), (".jsonld",)),
    "qdc": (("qdc",), (".qdc",)),
    "qdpx": (("qdpx",), (".qdpx",)),
}


class FormatError(PartnergraphError):
    """A format or output path that cannot be what the person meant."""


def canonical_format(name: str, allowed: tuple[str, ...]) -> str:
    """'md' -> 'markdown', checked against what the command writes."""
    wanted = name.strip().lower()
    for canonical in allowed:
        if wanted in KNOWN_FORMATS[canonical][0]:
            return canonical
    names = ", ".join("/".join(KNOWN_FORMATS[c][0][:2]) for c in allowed)
    raise FormatError(f"unknown format '{name}' — this command writes {names}")


def format_for_extension(path: Path, allowed: tuple[str, ...]) -> str | None:
    suffix = path.suffix.lower()
    for canonical in allowed:
        if suffix in KNOWN_FORMATS[canonical][1]:
            return canonical
    return None


def choose_format(fmt: str | None, out: Path | None, allowed: tuple[str, ...], default: str) -> str:
    """The format given (any usual name), else the one `out`'s extension names, else the
    default; and `out`'s folder must exist."""
    if out is not None and not out.parent.exists():
        raise FormatError(f"{out.parent} does not exist — create the folder first, or write elsewhere")
    from_extension = format_for_extension(out, allowed) if out is not None else None
    if fmt is None:
        if out is not None and out.suffix and from_extension is None:
            raise FormatError(
                f"cannot tell the format from '{out.name}' — give --format "
                + "/".join(allowed)
                + " or a file ending in "
                + ", ".join(e for c in allowed for e in KNOWN_FORMATS[c][1])
            )
        return from_extension or default
    chosen = canonical_format(fmt, allowed)
    if out is not None and out.suffix and out.suffix.lower() not in KNOWN_FORMATS[chosen][1]:
        raise FormatError(
            f"--format {fmt} does not match '{out.name}' — name the file with "
            f"{' or '.join(KNOWN_FORMATS[chosen][1])}, or drop --format to write "
            f"{from_extension or 'what the extension says'}"
        )
    return chosen
