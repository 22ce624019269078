"""Reference lists read into fields, matched against the real bibliography, keyed as
the bibliography keys them (issue 15, part B)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

import pytest

from partnergraph.bib_matching import year_key
from partnergraph.bibliography import Work, load_bib_file
from partnergraph.reference_parser import ParsedReference, bibtex_key, find_references, match_work

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DISSERTATION = SEEDS / "002_cc4cc6e4e2478cf6.txt"
needs_seeds = pytest.mark.skipif(
    not DISSERTATION.is_file(), reason="../shared/seeds (the reviewed texts) absent"
)


@pytest.fixture(scope="module")
def works() -> list[Work]:
    problems: list = []
    out = []
    for path in sorted((ROOT / "bibliography").glob("*.bib")):
        out += load_bib_file(path.read_text(encoding="utf-8"), path.name, problems)
    assert not problems
    return out


@pytest.fixture(scope="module")
def dissertation_refs() -> list[ParsedReference]:
    return find_references(DISSERTATION.read_text(encoding="utf-8"))


def _one(text: str) -> ParsedReference:
    refs = find_references(text)
    assert len(refs) == 1, refs
    return refs[0]


@needs_seeds
def test_the_dissertations_bibliography_is_found_whole_with_exact_spans(dissertation_refs):
    text = DISSERTATION.read_text(encoding="utf-8")
    assert len(dissertation_refs) == 93  # the table of contents' "BIBLIOGRAPHY 93" is not the list
    assert all(text[r.start : r.end] == r.raw for r in dissertation_refs)
    assert dissertation_refs[0].authors == ("Alcock, P.",)
    assert dissertation_refs[-1].authors == ("Yin, R. K.",)


@needs_seeds
def test_a_doi_wrapped_onto_its_own_paragraph_stays_with_its_entry(dissertation_refs):
    brandsen = next(r for r in dissertation_refs if r.raw.startswith("Brandsen"))
    assert brandsen.doi == "10.1080/14719030601022874"
    assert brandsen.raw.endswith("doi: 10.1080/14719030601022874.")
    assert (brandsen.container, brandsen.volume, brandsen.issue, brandsen.pages) == (
        "Public Management Review", "8", "4", "493-501",
    )  # fmt: skip


def test_apa_article_chapter_book_and_online_entries_get_their_fields():
    text = "\n\n".join(
        [
            "Bibliography",
            "Gummeson, E. (2003). All Research is Interpretative. *Journal of Business and Industrial"
            " Marketing* , 18 (6/7), 482-492. doi: 10.1108/08858620310492365",
            "Mayo, M., & Taylor, M. (2007). Partnerships and Power. In S. T. Balloch, *Partnership Working:"
            " Policy and Practice* (pp. 39-56). Bristol: The Policy Press.",
            "Mattesich, P., & Monsey, B. (1992). *Collaboraton: What Makes it Work*. Minnesota: Amherst H."
            " Wilder Foundation.",
            "Audit Commission. (1998). *Fruitful Partnerships*. Retrieved from DH Care Networks:",
            "http://www.dhcarenetworks.org.uk/A_Fruitful_Partnership.pdf\n",
        ]
    )
    article, chapter, book, online = find_references(text)
    assert (article.entry_type, article.volume, article.issue, article.pages) == (
        "article",
        "18",
        "6/7",
        "482-492",
    )
    assert article.container == "Journal of Business and Industrial Marketing"
    assert (chapter.entry_type, chapter.title, chapter.pages) == (
        "incollection",
        "Partnerships and Power",
        "39-56",
    )
    assert chapter.container == "Partnership Working: Policy and Practice"
    assert (book.entry_type, book.publisher, book.place) == (
        "book",
        "Amherst H. Wilder Foundation",
        "Minnesota",
    )
    assert online.authors == ("Audit Commission",)  # a corporate author is kept whole
    assert (online.entry_type, online.container) == ("online", "DH Care Networks")
    assert online.url == "http://www.dhcarenetworks.org.uk/A_Fruitful_Partnership.pdf"


def test_et_al_marks_an_unknown_number_of_authors_and_nd_is_a_year():
    ref = _one("References\nCairns, B., et al. (n.d.). Partnership working. London: IVAR.\n")
    assert ref.authors == ("Cairns, B.", "others")
    assert ref.year == "n.d."


def test_a_year_letter_is_kept_apart_from_the_year():
    ref = _one(
        "References\nHM Government. (2010b). *Building a Stronger Civil Society*. London: Cabinet Office.\n"
    )
    assert (ref.year, ref.year_suffix) == ("2010", "b")


def test_names_whose_year_the_page_wrapped_onto_the_next_line_still_open_an_entry():
    """pdftotext keeps a printed page's line breaks: "& Monsey, B." then "(2001). Title"."""
    text = (
        "References\n\nHuxham, C. and Vangen, S. (2005). Managing to Collaborate. London: Routledge.\n"
        "Mattessich, P., Murray-Close, M., & Monsey, B.\n(2001). Collaboration: What Makes It Work.\n"
        "St Paul: Wilder Foundation.\nA wrapped place line, not names\n(2nd ed.).\n"
    )
    found = find_references(text)
    assert [(r.authors[0], r.year) for r in found] == [("Huxham, C.", "2005"), ("Mattessich, P.", "2001")]
    assert found[1].title == "Collaboration: What Makes It Work"
    assert found[1].raw.endswith("(2nd ed.).")


def test_legislation_is_recognised():
    ref = _one("References\nHM Government. (2012). *Public Services (Social Value) Act 2012*. London: TSO.\n")
    assert ref.entry_type == "legislation"


def test_numbered_entries_keep_their_numbers_and_unreadable_ones_stay_apart():
    text = """Intro text.

Endnotes
[1] Rowe, M. (2006). Abusive partnerships. *International Journal of Sociology and Social Policy*, 26 (5/6),
    207-219.
[2] Ibid., p. 12.
[3] Personal communication with the project manager.
"""
    refs = find_references(text)
    assert [r.number for r in refs] == [1, 2, 3]
    assert all(text[r.start : r.end] == r.raw for r in refs)
    assert refs[0].authors == ("Rowe, M.",) and refs[0].pages == "207-219"  # the wrapped line joined
    for unreadable in refs[1:]:
        assert (unreadable.authors, unreadable.year, unreadable.title) == ((), None, None)
    assert refs[1].raw != refs[2].raw


def test_dot_numbered_notes_are_numbered_entries():
    refs = find_references("Notes\n1. Shaw, M. (2003). Successful collaboration.\n2. See note 1.\n")
    assert [(r.number, r.year) for r in refs] == [(1, "2003"), (2, None)]


def test_no_heading_no_references():
    assert find_references("Smith, J. (2001). A title. *A Journal*, 1, 1-2.") == []


def _ref(
    authors: tuple[str, ...], year: str | None, title: str | None, suffix: str | None = None
) -> ParsedReference:
    return ParsedReference(
        0, 0, "", None, authors, year, title, None, None, None, None, None, None, "misc", suffix
    )


def _key(works: list[Work], key: str) -> Work:
    return next(w for w in works if w.key == key)


def test_surname_variants_match_the_known_work(works):
    title = "Development of Trust in Rural Nonprofit Collaborations"
    for spelling in ("Snavely", "Snaveley", "Snively"):  # one edit apart, or in the entry's ids
        found = match_work(_ref((f"{spelling}, K.", "Tracy, M."), "2003", title), works)
        assert found is not None and found.key == "snaveley2003development", spelling
    assert match_work(_ref(("Snively, K.",), "2004", title), works) is None  # another year


def test_two_works_of_one_author_and_year_are_never_confused(works):
    title = "Summary Information Return 2009 Of Aims, Activities – Case Study Organisation Two"
    second = _ref(("Charities Commission",), "2009", title, "c")
    assert match_work(second, works).key == "charitiescommission2009summaryc"
    without_it = [w for w in works if w.key != "charitiescommission2009summaryc"]
    assert match_work(second, without_it) is None  # '... Organisation One' is another work
    choosing = _ref(("Charities Commission",), "2009", "Choosing to Collaborate", "a")
    gone = [w for w in works if w.key != "charitiescommission2009choosing"]
    assert match_work(choosing, gone) is None  # the untitled 2009 entry is not known to be this one


def test_without_titles_a_sole_candidate_matches_and_several_match_none(works):
    assert match_work(_ref(("Barnes", "others"), "2007", None), works).key == "barnes2007"
    assert match_work(_ref(("Huxham, C.",), "1996", None), works) is None  # two Huxham 1996 works
    typo = match_work(_ref(("Mattessich, P.",), "1992", "Collaboration: What Makes it Work"), works)
    assert typo is not None and typo.key == "mattesich1992collaboraton"


def test_keys_follow_the_bibliographys_rules(works):
    taken = {w.key for w in works}
    assert (
        bibtex_key(_ref(("Osborne, S. P.",), "1996", "The hitch-hiker's guide"), set()) == "osborne1996hitch"
    )
    assert (
        bibtex_key(_ref(("Boydell, R.", "Rugkåsa, J."), "2007", "Benefits of Working"), set())
        == "boydell2007benefits"
    )
    corporate = _ref(
        ("The Chartered Institute of Purchasing and Supply",), "2010", "Definition of Procurement"
    )
    assert bibtex_key(corporate, set()) == "charteredinstituteofpurchasingandsupply2010definition"
    assert (
        bibtex_key(_ref(("Big Lottery Fund",), "n.d.", "Good practice guide"), set())
        == "biglotteryfund-nd-good"
    )
    assert bibtex_key(_ref(("Barnes", "others"), "2007", None), set()) == "barnes2007"
    lettered = _ref(("Charities Commission",), "2009", "Summary Information Return", "b")
    assert (
        bibtex_key(lettered, taken) == "charitiescommission2009summaryb"
        or "charitiescommission2009summaryb" in taken
    )
    assert year_key(lettered) == "charitiescommission2009b"  # what the entry's ids record
    clash = _ref(("Rowe, M.",), "2006", "Abusive partnerships again")
    assert bibtex_key(clash, taken) == "rowe2006abusiveb"
    assert bibtex_key(clash, taken | {"rowe2006abusiveb"}) == "rowe2006abusivec"


def load_evaluation():
    """benchmarks/eval_references.py as a module (benchmarks/ is not a package)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import eval_references
    finally:
        sys.path.pop(0)
    return eval_references


@needs_seeds
def test_the_evaluation_script_runs_and_prints_json(capsys):
    eval_references = load_evaluation()
    assert eval_references.main(["--seeds", str(SEEDS), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["entries"] == 93 and set(figures["accuracy"]) == set(eval_references.FIELDS)
    assert eval_references.main(["--seeds", str(ROOT / "no-such-folder")]) == 2


@needs_seeds
def test_the_evaluation_reports_its_figures(works):
    eval_references = load_evaluation()
    result = eval_references.evaluate(DISSERTATION.read_text(encoding="utf-8"), works).summary()
    assert result["entries"] == 93 and result["paired_with_curated"] >= 90
    assert min(result["accuracy"][f] for f in ("author", "year", "title")) >= 0.9
    assert result["match_precision"] >= 0.95 and result["false_matches_when_entry_absent"] == 0
    # the scorer can fail: a reference with the wrong title is counted wrong
    wrong = eval_references.evaluate("", works, [_ref(("Rowe, M.",), "2006", "Something else entirely")])
    assert wrong.paired == 0 or wrong.accuracy("title") == 0.0


def test_harvard_and_plain_text_entries_are_read_without_italics():
    text = "\n".join(
        [
            "References",
            "Rowe, M. (2006). Abusive partnerships: new forms of governance, new forms of abuse?"
            " International Journal of Sociology and Social Policy, 26(5/6), 207-219. https://doi.org/10.1108/01443330610674251",
            "Huxham, C. and Vangen, S. (2005) Managing to Collaborate. London: Routledge.",
            "Shaw, M., 2003. Successful collaboration. Nonprofit Management and Leadership, 14(1),"
            " pp.107-120.",
            "Public Services (Social Value) Act 2012, c. 3. London: The Stationery Office.",
        ]
    )
    rowe, huxham, shaw, act = find_references(text)
    assert rowe.title == "Abusive partnerships: new forms of governance, new forms of abuse?"
    assert (rowe.volume, rowe.issue, rowe.pages, rowe.doi) == (
        "26",
        "5/6",
        "207-219",
        "10.1108/01443330610674251",
    )
    assert huxham.authors == ("Huxham, C.", "Vangen, S.")
    assert (huxham.entry_type, huxham.place, huxham.publisher) == ("book", "London", "Routledge")
    assert (shaw.year, shaw.container, shaw.volume, shaw.pages) == (
        "2003",
        "Nonprofit Management and Leadership",
        "14",
        "107-120",
    )
    assert (act.entry_type, act.year, act.title) == (
        "legislation",
        "2012",
        "Public Services (Social Value) Act 2012",
    )


def test_vancouver_endnotes_and_a_bare_number_each_open_an_entry():
    text = "\n".join(
        [
            "Notes",
            "1. Smith J, Jones K. Partnership working in practice. J Public Adm. 2001;12(3):45-67.",
            "2 Ibid.",
            "3. Lester H, Birchwood M, et al. Barriers and facilitators. Health Soc Care Community.",
            "2008;16(5):493-500.",
        ]
    )
    first, ibid, lester = find_references(text)
    assert [r.number for r in (first, ibid, lester)] == [1, 2, 3]
    assert (first.authors, first.year, first.container) == (
        ("Smith, J.", "Jones, K."),
        "2001",
        "J Public Adm",
    )
    assert (first.volume, first.issue, first.pages) == ("12", "3", "45-67")
    assert ibid.raw == "2 Ibid." and ibid.authors == ()
    assert (
        lester.authors == ("Lester, H.", "Birchwood, M.", "others") and lester.year == "2008"
    )  # wrapped line


needs_pandoc = pytest.mark.skipif(
    shutil.which("pandoc") is None, reason="pandoc not installed (CI installs it)"
)
RENDERED = (
    "brandsen2006co",  # an article with a DOI
    "gummeson2000qualitative",  # a book: place and publisher
    "mayo2007partnerships",  # a chapter in an edited book
    "auditcommission1998fruitful",  # a corporate author, a URL
    "baker2011supporting",  # two authors, a report
    "cairns-nd-partnership",  # four authors, no date
)


def _rendered_refs(works: list[Work], style: str) -> dict[str, ParsedReference | None]:
    """Each work rendered by real `pandoc --citeproc` in `style`, then parsed back: the
    parsed reference that starts inside each work's rendered entry."""
    eval_references = load_evaluation()
    chosen = [w for w in works if w.key in RENDERED]
    rendered = eval_references.render(chosen, style)
    refs = find_references(rendered.text)
    assert len(refs) == len(RENDERED), rendered.text
    return {key: next((r for r in refs if a <= r.start < b), None) for key, a, b in rendered.entries}


@needs_pandoc
@pytest.mark.parametrize("style", ["vancouver", "harvard", "chicago"])
def test_a_list_rendered_by_pandoc_in_another_style_is_read_back(works, style):
    eval_references = load_evaluation()
    by_key = {w.key: w for w in works}
    for key, ref in _rendered_refs(works, style).items():
        assert ref is not None, key
        curated = by_key[key]
        names = (
            eval_references._surnames(ref.authors),
            eval_references._surnames(curated.raw_fields["author"]),
        )
        if ref.authors[-1:] == ("others",):  # 'Cairns, B. et al.': the names shown, in order
            names = (names[0], names[1][: len(names[0])])
        assert names[0] == names[1] and names[0], (style, ref.raw)
        assert ref.year == ((curated.get("year") or "")[:4] or "n.d."), (style, ref.raw)
        assert eval_references._norm(ref.title) == eval_references._norm(curated.get("title")), (
            style,
            ref.raw,
        )


@needs_pandoc
@pytest.mark.parametrize("style", ["vancouver", "harvard"])
def test_what_a_rendered_entry_does_not_say_is_not_read(works, style):
    """'Barnes et al. 2007.' (a work the documents name only by author and year) has no
    title, container or pages to read, and the parser must not make them up."""
    eval_references = load_evaluation()
    rendered = eval_references.render([w for w in works if w.key == "barnes2007"], style)
    (barnes,) = find_references(rendered.text)
    assert (barnes.authors, barnes.year) == (("Barnes", "others"), "2007")
    assert (barnes.title, barnes.container, barnes.volume, barnes.pages) == (None, None, None, None)


@needs_pandoc
def test_the_held_out_evaluation_counts_a_misread_entry_wrong(works):
    eval_references = load_evaluation()
    chosen = [w for w in works if w.key in RENDERED]
    rendered = eval_references.render(chosen, "harvard")
    by_key = {w.key: w for w in works}
    right = eval_references.evaluate_rendered(rendered, by_key)
    assert sum(e.right["title"] for e in right.values()) == len(RENDERED)
    misread = [dataclasses.replace(r, title="Something else") for r in find_references(rendered.text)]
    wrong = eval_references.evaluate_rendered(rendered, by_key, misread)
    assert sum(e.right["title"] for e in wrong.values()) == 0
    assert sum(e.total["title"] for e in wrong.values()) == len(RENDERED)
