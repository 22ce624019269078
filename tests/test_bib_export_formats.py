"""The bibliography's exports read back by the tools that consume them: the RIS export by a
real RIS parser (rispy), the CSL-JSON export checked against the CSL data schema, and the
names in both against Pandoc's own reading of the BibTeX.

The works are the repository's own bibliography (237 entries) as well as small hostile
entries, so a change that writes one field wrong for one entry type fails here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
import rispy
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from click.testing import CliRunner

from partnergraph import Project
from partnergraph.bibexport import export_csljson, export_ris
from partnergraph.bibliography import Work, clean_latex, load_bib_file
from partnergraph.cli import main
from partnergraph.errors import SourceProblem

REPO = Path(__file__).parent.parent
CSL_SCHEMA = json.loads((REPO / "schemas/csl/csl-data.json").read_text())
BIB_FILES = sorted((REPO / "bibliography").glob("*.bib"))


def read_works(*texts: str) -> list[Work]:
    problems: list[SourceProblem] = []
    works = [work for n, text in enumerate(texts) for work in load_bib_file(text, f"t{n}.bib", problems)]
    assert not problems, problems
    return works


@pytest.fixture(scope="module")
def seed_works() -> list[Work]:
    return read_works(*(path.read_text() for path in BIB_FILES))


def braced(name: str) -> bool:
    return name.startswith("{") and name.endswith("}")


def expected_ris_names(raw: str) -> list[str]:
    """RIS names as bibtexparser's BibTeX name parser splits them, written 'Family, Given';
    a braced (corporate) name whole; `others` left out."""
    names = []
    for name in split_multiple_persons_names(raw):
        if braced(name):
            names.append(clean_latex(name))
        elif name.lower() != "others":
            parts = parse_single_name_into_parts(name)
            family = clean_latex(" ".join(parts.von + parts.last + parts.jr))
            given = clean_latex(" ".join(parts.first))
            names.append(f"{family}, {given}" if given else family)
    return names


RIS_TYPE = {  # the RIS specification's type for each BibTeX entry type the bibliography uses
    "article": "JOUR", "book": "BOOK", "incollection": "CHAP", "techreport": "RPRT",
    "mastersthesis": "THES", "online": "ELEC", "misc": "GEN",
}  # fmt: skip


def expected_record(work: Work) -> dict[str, object]:
    """What a reference manager should read for `work`: every field the BibTeX states that
    RIS has a tag for, and nothing else."""
    flat = {name: " ".join(value.split()) for name, value in work.fields.items()}
    record: dict[str, object] = {"type_of_reference": RIS_TYPE[work.entry_type]}
    for bib, ris in (("author", "authors"), ("editor", "secondary_authors")):
        if bib in work.raw_fields and expected_ris_names(work.raw_fields[bib]):
            record[ris] = expected_ris_names(work.raw_fields[bib])
    simple = {
        "title": "title", "journal": "secondary_title", "booktitle": "secondary_title", "volume": "volume",
        "number": "number", "doi": "doi", "publisher": "publisher", "institution": "publisher",
        "school": "publisher", "address": "place_published", "year": "year", "type": "type_of_work",
        "edition": "edition", "series": "tertiary_title",
    }  # fmt: skip
    record |= {ris: flat[bib] for bib, ris in simple.items() if bib in flat}
    if "url" in flat:
        record["urls"] = [flat["url"]]
    if "pages" in flat:
        first, _, last = flat["pages"].replace("--", "-").partition("-")
        record["start_page"] = first
        record |= {"end_page": last} if last else {}
    notes = [flat[name] for name in ("howpublished", "note") if name in flat]
    if work.supplied_fields:
        supplied = f"Supplied from outside the reviewed texts: {', '.join(work.supplied_fields)}."
        notes = [*notes[:-1], f"{notes[-1]} {supplied}"] if "note" in flat else [*notes, supplied]
    notes += [
        f"et al.: the source names only the first {role}s."
        for role in ("author", "editor")
        if any(n.lower() == "others" for n in split_multiple_persons_names(work.raw_fields.get(role, "")))
    ]
    if notes:
        record["notes"] = notes
    return record


def test_every_entry_round_trips_through_a_ris_parser(seed_works: list[Work]) -> None:
    records = rispy.loads(export_ris(seed_works))
    assert len(records) == len(seed_works) == 237
    for work, record in zip(seed_works, records, strict=True):
        assert record == expected_record(work), work.key
    types = {record["type_of_reference"] for record in records}
    assert types <= set(rispy.TYPE_OF_REFERENCE_MAPPING), types


def test_corporate_authors_stay_whole(seed_works: list[Work]) -> None:
    """A braced BibTeX name is one organisation: CSL-JSON writes it as a literal (Zotero keeps
    it whole), RIS as one name without a comma; persons come 'Family, Given'."""
    items = {item["id"]: item for item in json.loads(export_csljson(seed_works))}
    records = rispy.loads(export_ris(seed_works))
    corporate = 0
    for work, record in zip(seed_works, records, strict=True):
        names = split_multiple_persons_names(work.raw_fields.get("author", ""))
        csl = [n for n in items[work.key].get("author", []) if n != {"literal": "others"}]
        persons = [n for n in names if n.lower() != "others"]
        assert len(csl) == len(persons), work.key
        for raw, written in zip(persons, csl, strict=True):
            if braced(raw):
                corporate += 1
                assert written == {"literal": clean_latex(raw)}, work.key
                assert clean_latex(raw) in record["authors"], work.key
            else:
                assert "literal" not in written and written["family"], work.key
    assert corporate >= 60  # the bibliography's councils, charities and government bodies


def test_ris_writes_an_organisation_without_a_comma() -> None:
    (work,) = read_works(
        "@techreport{x, author = {{Scottish Government, Social Research} and Doe, Jane}, year = {2010}}"
    )
    (record,) = rispy.loads(export_ris([work]))
    assert record["authors"] == ["Scottish Government, Social Research", "Doe, Jane"]
    text = export_ris([work])
    assert "AU  - Doe, Jane\n" in text and "PY  - 2010\n" in text and text.startswith("TY  - RPRT\n")


def test_persons_are_named_as_pandoc_reads_the_bibtex(seed_works: list[Work]) -> None:
    """Pandoc's BibTeX reader is the independent oracle for splitting a person's name; it
    prints apostrophes typographically, which is the only difference allowed."""
    merged = "\n".join(path.read_text() for path in BIB_FILES)
    pandoc = subprocess.run(
        ["pandoc", "--from=bibtex", "--to=csljson"], input=merged, capture_output=True, text=True, check=True
    )
    by_pandoc = {item["id"]: item for item in json.loads(pandoc.stdout)}
    ours = json.loads(export_csljson(seed_works))
    compared = 0
    for item in ours:
        for role in ("author", "editor"):
            if role in item:
                read = json.dumps(by_pandoc[item["id"]][role], ensure_ascii=False)
                theirs = json.loads(read.replace("\u2019", "'"))
                assert item[role] == theirs, (item["id"], role)
                compared += len(theirs)
    assert compared > 300


def test_csljson_is_valid_csl_data(seed_works: list[Work]) -> None:
    validator = jsonschema.Draft7Validator(CSL_SCHEMA)
    items = json.loads(export_csljson(seed_works))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(items)]
    assert errors == []
    # the schema does reject what a CSL processor could not read
    broken = [{**items[0], "author": [{"name": "Advice UK"}]}, {"id": "x", "type": "pamphlet-ish"}]
    assert len(list(validator.iter_errors(broken))) == 2


def test_ris_keeps_every_value_on_its_line() -> None:
    """A line break inside a value would start a line RIS reads as a new tag (or as the end
    of the record): values are written on one line."""
    (work,) = read_works(
        "@misc{x, author = {Doe, J. and others}, title = {Line one\nER  - \nTY  - JOUR}, year = {2001},\n"
        "  note = {First.\n\nSecond.}, pages = {12--19}}"
    )
    (record,) = rispy.loads(export_ris([work]))
    assert record["title"] == "Line one ER - TY - JOUR"
    assert record["notes"] == ["First. Second.", "et al.: the source names only the first authors."]
    assert (record["authors"], record["start_page"], record["end_page"]) == (["Doe, J."], "12", "19")


def test_cli_writes_ris(mini: Project, tmp_path: Path) -> None:
    out = tmp_path / "works.ris"
    result = CliRunner().invoke(
        main, ["--project", str(mini.root), "bib", "export", "--format", "ris", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    records = rispy.loads(out.read_text(encoding="utf-8"))
    assert len(records) == 11
    greasley = next(r for r in records if r.get("doi") == "10.1108/09513550810863204")
    assert greasley["type_of_reference"] == "JOUR"
    assert greasley["secondary_title"] == "International Journal of Public Sector Management"
