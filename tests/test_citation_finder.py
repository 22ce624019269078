"""`find_citations`: the three kinds of citation the reviewed documents use, each with its exact span."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.citation_finder import find_citations, note_bodies


def only(text: str, kind: str = "author-year"):
    return [c for c in find_citations(text) if c.kind == kind]


@pytest.mark.parametrize(
    ("text", "printed", "keys", "et_al"),
    [
        ("partnerships (Rowe, 2006) are", ["Rowe, 2006"], ["rowe2006"], [False]),
        ("Lester et al (2008) found", ["Lester et al (2008"], ["lester2008"], [True]),
        ("Mattessich et al's, 2001 third", ["Mattessich et al's, 2001"], ["mattessich2001"], [True]),
        ("resources (Cairns et al, 2006: 24).", ["Cairns et al, 2006: 24"], ["cairns2006"], [True]),
        ("as Huxham and Vangen (2000) observe", ["Huxham and Vangen (2000"], ["huxhamvangen2000"], [False]),
        (
            "(Audit Commission, 1998; Shaw, 2003)",
            ["Audit Commission, 1998", "Shaw, 2003"],
            ["auditcommission1998", "shaw2003"],
            [False, False],
        ),
        ("See Cairns et al\n(2006)", ["Cairns et al\n(2006"], ["cairns2006"], [True]),
    ],
)
def test_author_year_forms_of_the_seeds_with_exact_spans(
    text: str, printed: list[str], keys: list[str], et_al: list[bool]
) -> None:
    found = only(text)
    assert [c.text for c in found] == printed
    assert all(text[c.start : c.end] == c.text for c in found)
    assert [c.keys[0] for c in found] == keys
    assert [c.et_al for c in found] == et_al


def test_surnames_and_year() -> None:
    (two,) = only("Huxham and Vangen (2000)")
    assert (two.surnames, two.year) == (("Huxham", "Vangen"), "2000")
    (three,) = only("(Glasby, Dickinson, & Peck, 2006)")
    assert three.surnames == ("Glasby", "Dickinson", "Peck")


def test_as_cited_by_or_in_marks_the_citation_secondary() -> None:
    text = (
        "Kanter (1989) (as cited by Balloch & Taylor, 2007) and "
        "Rummery (2002) (as cited in Dowling et al, 2004)"
    )
    assert [(c.surnames[0], c.secondary) for c in only(text)] == [
        ("Kanter", False),
        ("Balloch", True),
        ("Rummery", False),
        ("Dowling", True),
    ]


def test_dates_and_year_ranges_are_not_citations() -> None:
    assert only("Interviews were held in December 2008 and in 2009; between 2007-2008 the programme") == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("as shown [35].", [(35,)]),
        ("several studies [54,55,56] and [3-5]", [(54, 55, 56), (3, 4, 5)]),
        ("reviews [2, 7–9]", [(2, 7, 8, 9)]),
        ("he said [sic] in [2009a]", []),
    ],
)
def test_numbered_citations_with_ranges_expanded(text: str, numbers: list[tuple[int, ...]]) -> None:
    found = only(text, "numbered")
    assert [c.numbers for c in found] == numbers
    assert all(text[c.start : c.end] == c.text and c.text.startswith("[") for c in found)


def test_superscript_note_markers_but_not_the_notes_themselves() -> None:
    text = "measures are not SMART¹), and aim¹⁰\n\n¹ SMART is a term\n¹⁰ The aim is"
    found = only(text, "note")
    assert [(c.text, c.numbers) for c in found] == [("¹", (1,)), ("¹⁰", (10,))]
    assert text[found[1].start : found[1].end] == "¹⁰"
    assert note_bodies(text) == {1, 10}


def test_glued_digits_are_notes_only_in_a_text_with_a_notes_section() -> None:
    body = "Partnerships take time.12 Trust matters,3 as does p.6 and sectors 1,2,3.\n"
    assert only(body, "note") == []
    text = body + "\nNotes\n12 Rowe, M. Abusive partnerships.\n3. Shaw 2003.\n"
    found = only(text, "note")
    assert [c.numbers for c in found] == [(12,), (3,)]
    assert [text[c.start - 1 : c.end] for c in found] == [".12", ",3"]
    assert note_bodies(text) == {12, 3}


def test_results_are_sorted_by_start() -> None:
    text = "Trust¹ matters [4] (Shaw, 2003)."
    assert [c.kind for c in find_citations(text)] == ["note", "numbered", "author-year"]


@pytest.mark.parametrize(
    ("text", "labels", "keys"),
    [
        (
            "Transaction Cost Theory (Williamson, 1975, 1985, 1991) and",
            ["Williamson, 1975", "Williamson, 1985", "Williamson, 1991"],
            ["williamson1975", "williamson1985", "williamson1991"],
        ),
        ("toolkit. Audit Scotland (July 2010)", ["Audit Scotland, 2010"], ["auditscotland2010"]),
        ("Working With Partners. Fields In Trust (undated)", ["Fields In Trust, n.d."], ["fieldsintrust-nd"]),
        ("the work of (Ling 2012:3) shows", ["Ling, 2012"], ["ling2012"]),
        ("sector (CLES/nef, 2013: 12)", ["CLES/nef, 2013"], ["clesnef2013"]),
        (
            "(Office of the Third Sector, 2006)",
            ["Office of the Third Sector, 2006"],
            ["officeofthethirdsector2006"],
        ),
        ("Summary Information Return 2007 Of Aims", [], []),
        ("CHESTER BUSINESS SCHOOL DECEMBER, 2010", [], []),
        ("(Rowe, 2006; Shaw, 2003)", ["Rowe, 2006", "Shaw, 2003"], ["rowe2006", "shaw2003"]),
    ],
)
def test_further_forms_years_months_undated_and_bracketed(
    text: str, labels: list[str], keys: list[str]
) -> None:
    found = only(text)
    assert [c.label for c in found] == labels
    assert [c.keys[0] for c in found] == keys
    assert all(text[c.start : c.end] == c.text for c in found)
    assert [c.year for c in found] == [None if "n.d." in label else label[-4:] for label in labels]


def test_a_bracketed_number_opening_a_line_labels_a_reference_not_a_citation() -> None:
    text = "Trust grows [1].\n\nReferences\n[1] Shaw, E. (2003). Successful partnerships.\n  [2] Rowe"
    assert [c.text for c in only(text, "numbered")] == ["[1]"]
    assert only(text, "numbered")[0].start == text.index("[1]")


@pytest.mark.parametrize(
    "text",
    ["a barrier in most of the partnerships studied\n[4].", "as found\n[4], and", "as found\n[4] and then"],
)
def test_a_citation_that_a_line_break_put_first_on_its_line_is_still_a_citation(text: str) -> None:
    """pdftotext wraps lines where the page did: an entry label goes on with a name, a citation not."""
    assert [c.numbers for c in only(text, "numbered")] == [(4,)]


def test_a_corporate_author_is_also_keyed_by_its_initials_last() -> None:
    (citation,) = only("Learning and Skills Improvement Service (undated)")
    assert citation.keys[-1] == "lsis-nd"
    (person,) = only("(Rowe, 2006)")
    assert person.keys == ("rowe2006",)


def test_plain_digit_markers_are_taken_only_as_a_run_counting_up_from_one() -> None:
    text = (
        "working within and between sectors 1,2,3.\nbetter outcomes for communities 4.\n"
        "reoffending (2012) 5,6. Specifically, see Table 7 and the checklist on page 12, or\n"
        "a local interface (TSI),7 social enterprise.\n"
    )
    found = only(text, "note")
    assert [c.numbers for c in found] == [(1, 2, 3), (4,), (5, 6), (7,)]
    assert [c.text for c in found] == ["1,2,3", "4", "5,6", "7"]
    assert all(text[c.start : c.end] == c.text for c in found)
    assert only("communities 1.\nthe stage 2 work and 40 people in 3 rooms\n", "note") == []


def test_superscript_markers_rule_out_plain_digit_ones() -> None:
    text = "SMART¹ says sectors 1,2,3.\nand communities 4.\nand more 5.\n"
    assert [c.text for c in only(text, "note")] == ["¹"]


def test_drawing_on_the_work_of_marks_the_citation_secondary() -> None:
    text = (
        "(Petch, 2011: 24, drawing on the work of Weatherly et al, 2010) and, drawing on Brandt (2009), more"
    )
    assert [(c.surnames[0], c.secondary) for c in only(text)] == [
        ("Petch", False),
        ("Weatherly", True),
        ("Brandt", True),
    ]


# Footnotes printed at the page foot as a text extracted from a PDF prints them: the number
# on a line of its own, two stacked numbers before their two notes, a page number that is
# not a note, and the next page running on after an indented line.
PAGE_FOOT = (
    "Councils are asked to work with communities 1.\n"
    "Shared aims help (2014) 2, and so does trust 3. It takes time and\n"
    "final outcomes. 4 If you decide to go on, plan it.\n"
    "\n"
    "1\n"
    "Local partnership guide. Northshire Council (2014)\n"
    "2\n"
    "3\n"
    "\n"
    "A framework for joint working. Okafor, A. (2012). In B. Lind (Ed.), Joint Work, 4, 1-9.\n"
    "\n"
    "Good practice guide: Working together. Northshire Trust\n"
    " Next page text starts here (Rowe, 2006).\n"
    "4\n"
    "\n"
    "Cited in Partnership working: a review. Southshire Trust (2015), p.6\n"
    "\n"
    "2\n"
    "\n"
    "3. A numbered section after a page number\n"
)


def test_page_foot_footnotes_are_tied_to_their_markers() -> None:
    markers = only(PAGE_FOOT, "note")
    assert [c.numbers for c in markers] == [(1,), (2,), (3,), (4,)]
    assert [PAGE_FOOT[c.start - 2 : c.end + 3] for c in markers] == ["s 1.\nS", ") 2, a", "t 3. I", ". 4 If"]
    notes = {c.numbers[0]: c for c in markers}
    assert notes[1].note_text == "Local partnership guide. Northshire Council (2014)"
    assert [c.keys[0] for c in notes[1].cites] == ["northshirecouncil2014"]
    assert [(c.surnames, c.year) for c in notes[2].cites] == [(("Okafor",), "2012")]
    assert notes[2].cites[0].text == "Okafor, A. (2012)"
    assert notes[3].note_text == "Good practice guide: Working together. Northshire Trust"
    assert notes[3].cites == ()
    assert [c.keys[0] for c in notes[4].cites] == ["southshiretrust2015"]
    assert "Rowe" not in "".join(c.note_text for c in markers)
    assert note_bodies(PAGE_FOOT) == {1, 2, 3, 4}


def test_a_reference_form_with_initials_is_read_only_inside_a_note() -> None:
    assert only("Konrad, E. L. (1996). A framework.") == []


HELD_OUT = Path(__file__).parent / "fixtures" / "notes" / "heldout_endnotes.txt"


def test_held_out_endnotes_under_a_notes_heading() -> None:
    text = HELD_OUT.read_text(encoding="utf-8")
    notes = {c.numbers: c for c in only(text, "note")}
    assert set(notes) == {(1,), (2, 3), (4,), (5,)}
    assert [(c.surnames[0], c.year) for c in notes[(1,)].cites] == [("Smith", "2019")]
    assert [(c.surnames, c.year) for c in notes[(2, 3)].cites] == [(("Okafor", "Lind"), "2017")]
    assert notes[(4,)].note_text.startswith("Partnership Survey 2020, Harlow Community Trust (2021)")
    assert [(c.surnames[0], c.et_al, c.year) for c in notes[(5,)].cites] == [("Mattessich", True, "2001")]
    running = [(c.surnames[0], c.secondary) for c in only(text) if c.start < text.index("\nNotes")]
    assert running == [("Okafor", False), ("Brandt", True)]


def test_ibid_repeats_the_previous_note() -> None:
    text = (
        "Trust matters.1 It grows.2\n\nNotes\n1. Shaw, E. (2003) Partners. Bristol: Press.\n2. Ibid., p. 4.\n"
    )
    notes = only(text, "note")
    assert [[(c.surnames[0], c.year) for c in n.cites] for n in notes] == [[("Shaw", "2003")]] * 2


def test_a_web_address_in_brackets_is_a_citation() -> None:
    text = "partnerships set up by Pilotlight (http://www.pilotlight.org.uk/pilotlight) and see www.x.org."
    (web,) = find_citations(text)
    assert (web.kind, web.text, web.label) == ("web", "http://www.pilotlight.org.uk/pilotlight", web.text)
    assert text[web.start : web.end] == web.text


def test_a_lone_number_far_below_its_marker_is_a_page_number_not_its_footnote() -> None:
    text = (
        "communities 1.\nfor them 2,3.\n"
        + "Running text of many pages.\n" * 200
        + "3\n\nMore text (Rowe, 2006).\n"
    )
    assert note_bodies(text) == set()
    near = (
        "communities 1.\nfor them 2.\nand all 3.\n"
        + "Running text of one page.\n" * 20
        + "3\n\nA note (Rowe, 2006).\n"
    )
    assert note_bodies(near) == {3}
