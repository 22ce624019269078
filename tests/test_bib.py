"""`partnergraph bib check` and `bib export` on real BibTeX."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import bibtexparser
from click.testing import CliRunner

from partnergraph import Project, load_sources
from partnergraph.bibexport import csl_names
from partnergraph.cli import main


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def test_check_reports_uncited_and_passes_the_fixture(mini: Project) -> None:
    code, out = run(mini, "bib", "check")
    assert code == 0, out
    assert "never cited: osborne2012" in out
    assert "11 works: 1 never cited, 6 minimal, 0 probable duplicate pairs" in out


def test_check_finds_duplicates_and_missing_fields(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    bib.write_text(
        bib.read_text() + "\n@misc{greasly2008,\n  author = {Greasly and others},\n  year = {2008},\n"
        "  pg-minimal = {true},\n}\n"
        + "\n@article{nojournal2001,\n  author = {Doe, J.},\n  title = {A title},\n  year = {2001},\n}\n"
    )
    code, out = run(mini, "bib", "check")
    assert code == 1
    assert (
        "'greasley2008' and 'greasly2008' look like one work (authors 'greasley'/'greasly' and year 2008)"
        in out
    )
    assert "'nojournal2001' (@article) lacks journal" in out


def test_unstated_fields_are_not_asked_for(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    bib.write_text(
        bib.read_text()
        + "\n@article{nojournal2001,\n  author = {Doe, J.},\n  title = {A title},\n  year = {2001},\n"
        "  pg-unstated = {journal},\n}\n"
    )
    code, out = run(mini, "bib", "check")
    assert code == 0 and "lacks" not in out


def test_export_bibtex_round_trips(mini: Project, tmp_path) -> None:
    out_file = tmp_path / "out.bib"
    code, _ = run(mini, "bib", "export", "--format", "bibtex", "--out", str(out_file))
    assert code == 0
    library = bibtexparser.parse_string(out_file.read_text())
    assert not library.failed_blocks
    assert {e.key for e in library.entries} == {w.key for w in load_sources(mini).works}
    greasley = library.entries_dict["greasley2008"]
    assert greasley["doi"] == "10.1108/09513550810863204"


def test_export_csljson(mini: Project) -> None:
    code, out = run(mini, "bib", "export", "--format", "csljson")
    assert code == 0
    items = {item["id"]: item for item in json.loads(out)}
    assert len(items) == 11
    greasley = items["greasley2008"]
    assert greasley["type"] == "article-journal"
    assert greasley["container-title"] == "International Journal of Public Sector Management"
    assert greasley["issued"] == {"date-parts": [[2008]]}
    assert greasley["author"][0] == {"family": "Greasley", "given": "K."}
    assert items["wallace2010"]["type"] == "thesis"
    assert items["wallace2010"]["publisher"] == "University of Chester"
    assert "title" not in items["cairns2006"]  # nothing invented for a minimal record
    assert items["cairns2006"]["author"] == [{"family": "Cairns"}, {"literal": "others"}]


def test_csl_names() -> None:
    assert csl_names("Balloch, S. and Taylor, M.") == [
        {"family": "Balloch", "given": "S."},
        {"family": "Taylor", "given": "M."},
    ]
    assert csl_names("Kathleen Wallace") == [{"family": "Wallace", "given": "Kathleen"}]
    assert csl_names("Jones and others") == [{"family": "Jones"}, {"literal": "others"}]
    assert csl_names("{Improvement and Development Agency}") == [
        {"literal": "Improvement and Development Agency"}
    ]
    assert csl_names("{NHS Health Scotland} and Doe, J.") == [
        {"literal": "NHS Health Scotland"},
        {"family": "Doe", "given": "J."},
    ]


def test_export_keeps_latex_as_written(mini: Project) -> None:
    code, out = run(mini, "bib", "export")
    assert code == 0
    assert "``back to work''" in out


CORPORATE = """
@misc{auditcommission2009,
  author = {{Audit Commission}},
  year = {2009},
  pg-minimal = {true},
}

@misc{charitiescommission2009,
  author = {{Charities Commission}},
  year = {2009},
  pg-minimal = {true},
}

@misc{charitiescommission2009choosing,
  author = {{Charities Commission}},
  title = {Choosing to Collaborate: Helping you Succeed},
  year = {2009},
}
"""


def test_corporate_authors_compare_whole_and_pg_distinct_keeps_a_pair_apart(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    bib.write_text(bib.read_text() + CORPORATE)
    code, out = run(mini, "bib", "check")
    assert code == 1
    assert "'charitiescommission2009' and 'charitiescommission2009choosing' look like one work" in out
    assert "auditcommission2009' and" not in out
    bib.write_text(
        bib.read_text().replace(
            "@misc{charitiescommission2009,",
            "@misc{charitiescommission2009,\n  pg-distinct = {charitiescommission2009choosing},",
        )
    )
    code, out = run(mini, "bib", "check")
    assert code == 0, out


def test_pg_distinct_also_keeps_apart_two_works_of_one_title(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    twins = (
        "\n@misc{one2009,\n  author = {{One Body}},\n  title = {Choosing to collaborate},\n"
        "  year = {2009},\n}\n"
        "\n@misc{two2011,\n  author = {{Other Body}},\n  title = {Choosing to Collaborate},\n"
        "  year = {2011},\n}\n"
    )
    bib.write_text(bib.read_text() + twins)
    code, out = run(mini, "bib", "check")
    assert code == 1 and "'one2009' and 'two2011' look like one work (same title)" in out
    bib.write_text(bib.read_text().replace("@misc{two2011,", "@misc{two2011,\n  pg-distinct = {one2009},"))
    code, out = run(mini, "bib", "check")
    assert code == 0, out


def test_et_al_is_recorded_as_pandoc_records_it(tmp_path: Path) -> None:
    """BibTeX's `and others` (the source named only the first author) is the final
    literal name 'others' in CSL-JSON, exactly what Pandoc's own BibTeX reader makes of
    it, so the number of authors stays unknown rather than becoming one."""
    bib = tmp_path / "w.bib"
    bib.write_text(
        "@misc{a, author = {Lewicki and others}, year = {1998}}\n"
        "@misc{b, author = {Cairns, B. and Harris, J. and others}, year = {2010}}\n"
    )
    pandoc = subprocess.run(
        ["pandoc", "--from=bibtex", "--to=csljson", str(bib)], capture_output=True, text=True, check=True
    )
    by_pandoc = {item["id"]: item["author"] for item in json.loads(pandoc.stdout)}
    assert csl_names("Lewicki and others") == by_pandoc["a"]
    assert csl_names("Cairns, B. and Harris, J. and others") == by_pandoc["b"]


def test_check_one_document_sees_only_its_works(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    text = bib.read_text()
    start = text.index("@misc{jones2010,")
    entry = text[start : text.index("\n}", start) + 2]
    bib.write_text(text.replace(entry, "@article{jones2010,\n  author = {Jones, A.},\n  year = {2010},\n}"))
    code, out = run(mini, "bib", "check", "--document", "wallace2010")
    assert code == 0, out
    assert "jones2010" not in out and "never cited:" not in out
    assert out.splitlines()[-1].startswith("5 works: 0 never cited, 1 minimal")
    code, out = run(mini, "bib", "check", "--document", "tsrc-review")
    assert code == 1
    assert "'jones2010' (@article) lacks title, journal" in out
