"""`partnergraph coverage`: author-year citations in a text against the claims and bibliography."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph import Project
from partnergraph.citations import find_citations, key_stem
from partnergraph.cli import main
from test_verify import write_texts


@pytest.mark.parametrize(
    ("text", "first_keys"),
    [
        (
            "resources (Cairns et al, 2006: 24; Carmel and Harlock,\n2008: 162).",
            ["cairns2006", "carmelharlock2008"],
        ),
        ("as Huxham and Vangen, (2000) observe", ["huxhamvangen2000"]),
        ("Furthermore, Rummery (2002) argues", ["rummery2002"]),
        ("the Charities Commission, (2009a) suggest", ["charitiescommission2009a"]),
        ("Mattessich et al’s (2001) third classification", ["mattessich2001"]),
        ("(Boydell & Rugkåsa, 2007)", ["boydellrugkasa2007"]),
        ("Interviews were held in December 2008 and in 2009.", []),
        ("between 2007-2008 the programme", []),
    ],
)
def test_citations_found_with_their_keys(text: str, first_keys: list[str]) -> None:
    assert [c.candidates[0] for c in find_citations(text)] == first_keys


def test_two_authors_then_first_author_then_sentence_openers_dropped() -> None:
    (citation,) = find_citations("See Huxham and Vangen (1996)")
    assert citation.candidates[0] == "huxhamvangen1996"
    assert citation.candidates[-1] == "huxham1996"
    (corporate,) = find_citations("(Improvement and Development Agency, 2009a)")
    assert "improvementanddevelopmentagency2009a" in corporate.candidates


def test_key_stem_is_ascii_letters() -> None:
    assert key_stem("Rugkåsa") == "rugkasa"
    assert key_stem("Murray-Close") == "murrayclose"


def test_coverage_reports_unused_and_unmatched_citations(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    with paths["wallace2010"].open("a", encoding="utf-8") as text:
        text.write(
            "Kanter (1989) (as cited by Balloch & Taylor, 2007) and Greasley et al (2008) agree.\n"
            "Osborne et al (2012) disagree; so does Kantor, 1989; Nobody, (1999) is silent.\n"
        )
    bib = mini.root / "bibliography" / "works.bib"
    bib.write_text(bib.read_text().replace("@misc{kanter1989,", "@misc{kanter1989,\n  ids = {kantor1989},"))
    args = ["--project", str(mini.root), "coverage", "--texts", str(tmp_path / "texts")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    wallace = result.output[result.output.index("wallace2010:") :]
    assert wallace.startswith(
        "wallace2010: 8 citations of 4 works in the bibliography, 3 of them used by claims; "
        "1 citation forms match no entry"
    )
    assert "cited but no claim uses it: osborne2012  (Osborne et al, 2012)" in wallace
    assert "no bibliography entry matches: «Nobody, 1999» ×1" in wallace
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
