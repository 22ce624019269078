"""`partnergraph bib export`: the bibliography as BibTeX, CSL-JSON or RIS.

BibTeX is written by bibtexparser v2 from the entries as they stand; CSL-JSON is
what citeproc engines read best, since their BibTeX readers drop fields of reports
and grey literature. Only fields the BibTeX holds are
written; partnergraph's own fields (`pg-*`) are kept in BibTeX and left out of
CSL-JSON, where `note` says what was supplied. RIS is for the reference managers that
import it before anything else (EndNote, Zotero, Mendeley, EPPI-Reviewer, Covidence);
it carries the same fields as CSL-JSON, with the same reading of BibTeX's names.

BibTeX values are written as they stand except for TeX that would run when LaTeX
typesets the reference: a field is pasted into the document, so `\\input{...}` there
reads a file and `\\write18{...}` runs a program (with shell escape on). Every control
sequence outside `SAFE_TEX` — accents, special letters, escaped specials and text
formatting, which is all a bibliography needs — is written as `\\textbackslash{}name`,
so the reader sees what the source says and LaTeX prints it instead of running it;
TeX's `^^5c` notation for a backslash is defused the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import cast

import bibtexparser
from bibtexparser.model import Entry, Field

from .bibliography import Work, clean_latex

CSL_TYPE = {
    "article": "article-journal",
    "book": "book",
    "incollection": "chapter",
    "inbook": "chapter",
    "techreport": "report",
    "report": "report",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "thesis": "thesis",
    "inproceedings": "paper-conference",
    "online": "webpage",
    "webpage": "webpage",
    "misc": "document",
}
CSL_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "booktitle": "container-title",
    "series": "collection-title",
    "publisher": "publisher",
    "address": "publisher-place",
    "volume": "volume",
    "number": "issue",
    "pages": "page",
    "doi": "DOI",
    "url": "URL",
    "edition": "edition",
    "note": "note",
    "type": "genre",
}


ETAL = {"literal": "others"}
"""BibTeX's `and others` in CSL-JSON. RIS has no way to say it: an author called "others"
would be imported as a person, so RIS leaves it out and says so in a note."""


def split_names(raw: str) -> list[str]:
    """BibTeX's name list split on ' and ' outside braces, so '{Improvement and
    Development Agency}' stays one name."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", raw):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(raw[start : match.start()])
            start = match.end()
    names.append(raw[start:])
    return [n.strip() for n in names if n.strip()]


def csl_names(value: str) -> list[dict[str, str]]:
    """BibTeX names ('Surname, Given and Other, G.') as CSL names. 'and others' (the
    source named only the first authors) becomes a final literal name 'others', as
    Pandoc's BibTeX reader writes it and its citeproc renders as "et al.", so the
    number of authors stays unknown instead of becoming one. A braced corporate name
    is a literal, and a single-word name stays a family name."""
    names: list[dict[str, str]] = []
    for part in split_names(value):
        if part.startswith("{") and part.endswith("}"):
            names.append({"literal": clean_latex(part)})
            continue
        part = clean_latex(part)
        if part.lower() == "others":
            names.append(dict(ETAL))
            continue
        if not part:
            continue
        if "," in part:
            family, given = (p.strip() for p in part.split(",", 1))
            names.append({"family": family, "given": given} if given else {"family": family})
        elif " " in part:
            *given, family = part.split()
            names.append({"family": family, "given": " ".join(given)})
        else:
            names.append({"family": part})
    return names


def to_csl(work: Work) -> dict[str, object]:
    item: dict[str, object] = {"id": work.key, "type": CSL_TYPE.get(work.entry_type, "document")}
    for bib_field, csl_field in CSL_FIELDS.items():
        value = work.get(bib_field)
        if value and csl_field not in item:
            item[csl_field] = value.replace("--", "–") if csl_field == "page" else value
    for role in ("author", "editor"):
        raw = work.raw_fields.get(role) or work.get(role)
        if raw:
            item[role] = csl_names(raw)
    publisher = work.get("institution") or work.get("school")
    if publisher and "publisher" not in item:
        item["publisher"] = publisher
    year = work.get("year") or work.get("date")
    if year and re.match(r"^\d{4}", year):
        item["issued"] = {"date-parts": [[int(year[:4])]]}
    if work.supplied_fields:
        supplied = f"Supplied from outside the reviewed texts: {', '.join(work.supplied_fields)}."
        item["note"] = f"{item['note']} {supplied}" if "note" in item else supplied
    return item


def export_csljson(works: Iterable[Work]) -> str:
    return json.dumps([to_csl(w) for w in works], indent=2, ensure_ascii=False) + "\n"


_ACCENTS = [*"'`^\"~=.", *"uvHcdbtrk", "o", "O", "l", "L", "ss", "ae", "AE", "oe", "OE", "aa", "AA", "i", "j"]
_SPECIALS = [*"&%$#_{}", " ", ",", "-", "/", "@", "\\", "textbackslash", "textasciicircum", "textasciitilde"]
_FORMATTING = """emph textit textbf textsc textrm textsf texttt textsl textup textnormal textsuperscript
    textsubscript mkbibquote enquote url textendash textemdash ldots dots textquoteleft textquoteright
    textquotedblleft textquotedblright LaTeX TeX S P pounds euro copyright textregistered texttrademark"""
SAFE_TEX = frozenset([*_ACCENTS, *_SPECIALS, *_FORMATTING.split()])
_TEX = re.compile(r"\\([A-Za-z]+|.)|\^\^", re.S)


def inert_tex(value: str) -> str:
    """`value` with every control sequence outside `SAFE_TEX`, and `^^`, made printable text."""

    def defuse(match: re.Match[str]) -> str:
        if match.group() == "^^":
            return "\\textasciicircum{}\\textasciicircum{}"
        return match.group() if match.group(1) in SAFE_TEX else "\\textbackslash{}" + match.group(1)

    return _TEX.sub(defuse, value)


def export_bibtex(works: Iterable[Work]) -> str:
    """BibTeX for LaTeX and reference managers; TeX that would run is made text (see above)."""
    library = bibtexparser.Library()
    for work in works:
        values = sorted((work.raw_fields or work.fields).items())
        fields = [Field(name, inert_tex(value)) for name, value in values]
        library.add(Entry(work.entry_type, work.key, fields))
    return bibtexparser.write_string(library)


RIS_TYPE = {
    "article": "JOUR",
    "book": "BOOK",
    "incollection": "CHAP",
    "inbook": "CHAP",
    "techreport": "RPRT",
    "report": "RPRT",
    "mastersthesis": "THES",
    "phdthesis": "THES",
    "thesis": "THES",
    "inproceedings": "CPAPER",
    "online": "ELEC",
    "webpage": "ELEC",
    "misc": "GEN",
}
RIS_FIELDS = (  # RIS tag, the CSL-JSON variable it is written from
    ("TI", "title"), ("T2", "container-title"), ("T3", "collection-title"), ("VL", "volume"),
    ("IS", "issue"), ("ET", "edition"), ("M3", "genre"), ("PB", "publisher"), ("CY", "publisher-place"),
    ("DO", "DOI"), ("UR", "URL"),
)  # fmt: skip


def ris_name(name: dict[str, str]) -> str:
    """'Family, Given' as RIS asks of a person; a corporate author (a CSL literal) whole and
    without a comma, which Zotero and EndNote keep as one name instead of splitting it."""
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name.get("family"), name.get("given")) if part)


def _ris_pages(page: str) -> list[tuple[str, str]]:
    """'305--313' (or '305–313', '305-313') as a start and an end page; one page as a start."""
    first, _, last = re.sub(r"\s*[–-]+\s*", "-", page).partition("-")
    return [("SP", first.strip())] + ([("EP", last.strip())] if last.strip() else [])


def to_ris(work: Work) -> str:
    """One RIS record from the CSL-JSON item (so both read the BibTeX alike), plus
    `howpublished`, which CSL has no variable for, as a note. A value's line breaks become
    spaces: a RIS line that does not start with a tag is not read as part of the field."""
    item = to_csl(work)
    tags: list[tuple[str, str]] = [("TY", RIS_TYPE.get(work.entry_type, "GEN"))]
    unnamed = []
    for tag, role in (("AU", "author"), ("A2", "editor")):
        names = cast(list[dict[str, str]], item.get(role, []))
        tags += [(tag, ris_name(name)) for name in names if name != ETAL]
        if ETAL in names:
            unnamed.append(role)
    if "issued" in item:
        tags.append(("PY", str(cast(dict[str, list[list[int]]], item["issued"])["date-parts"][0][0])))
    tags += [(tag, str(item[variable])) for tag, variable in RIS_FIELDS if variable in item]
    if "page" in item:
        tags += _ris_pages(str(item["page"]))
    if work.get("howpublished"):
        tags.append(("N1", str(work.get("howpublished"))))
    if "note" in item:
        tags.append(("N1", str(item["note"])))
    tags += [("N1", f"et al.: the source names only the first {role}s.") for role in unnamed]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags]
    return "\n".join([*lines, "ER  - "]) + "\n"


def export_ris(works: Iterable[Work]) -> str:
    return "\n".join(to_ris(w) for w in works)


EXPORTERS = {"bibtex": export_bibtex, "csljson": export_csljson}
"""What the explorer serves for download (it names files by these two formats)."""
BIB_FORMATS = {**EXPORTERS, "ris": export_ris}
"""What `partnergraph bib export --format` writes."""
