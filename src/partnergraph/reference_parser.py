"""A document's reference or endnote list, each entry read into bibliographic fields.

The parser is rule-based and conservative: a field it cannot read is None, never a
guess, because the bibliography may only say what a text states. Every entry keeps its
exact span (``text[start:end] == raw``) so a curator can always see what was read, and
a numbered entry that cannot be read still keeps its number: two endnotes must never
collapse into one work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bib_matching import bibtex_key, match_work
from .citation_finder import line_spans

__all__ = ["ParsedReference", "bibtex_key", "find_references", "match_work"]

# The heading that opens the list: alone on its line, perhaps numbered or Markdown.
_HEADING = re.compile(
    r"^[ \t]*(?:#+[ \t]*)?(?:\d+(?:\.\d+)*\.?[ \t]+)?"
    r"(references|bibliography|notes|endnotes|works cited|reference list)[ \t]*:?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# What ends it: an appendix, or a Markdown heading of its own level.
_AFTER = re.compile(r"^[ \t]*(?:#+[ \t]*)?(?:appendix|appendices|annex)\b", re.IGNORECASE | re.MULTILINE)
_NUMBERED = re.compile(r"^[ \t]*(?:\[(\d{1,4})\]|(\d{1,4})[.)]|(\d{1,4})(?=[ \t]+[A-Z]))[ \t]+")
_YEAR = r"(?:\d{4}[a-z]?|n\.\s?d\.(?:-?[a-z]\b)?|no date)"
# A name may hold one parenthesised abbreviation: 'Centre for Research on Families (CRFR)'.
_NAMES = r"(?:[^\n()]|\([^\n()]{1,20}\)(?=[^\n(]{0,300}\())"
# An author-year entry starts with names followed by "(2007)." or "2007." (APA, Harvard).
_AUTHOR_YEAR_START = re.compile(
    rf"^[ \t]*[A-Z\u00C0-\u024F\u201C\"]{_NAMES}{{0,300}}?[.,]?[ \t]*\(({_YEAR})(?:,[^)]*)?\)"
    rf"|^[ \t]*[A-Z\u00C0-\u024F][^\n()]{{0,300}}?,[ \t]({_YEAR})[.,][ \t]"
    rf"|^[ \t]*[A-Z\u00C0-\u024F\u201C\"](?:[^\n()]|\([^\n()]{{1,20}}\)){{0,300}}?[.\u201D\"][ \t]({_YEAR})"
    r"(?:\.|(?<=\.))(?:[ \t]|$)"
    r"|^[ \t]*[A-Z][^\n]{0,150}?\b(?:Act|Regulations|Order)[ \t]+\d{4}\b"
)
_ACT = re.compile(r"(?P<title>[A-Z][^\n]{0,150}?\b(?:Act|Regulations|Order)[ \t]+(?P<year>\d{4}))\b")
# 'Surname, I. J.' (a particle or a second surname allowed), up to the next separator.
_PERSON = re.compile(
    r"((?:(?:van|von|de|der|den|du|la|le|di|da|Mc|O')[ \t]?)*[A-Z\u00C0-\u024F][\w'\u2019-]+"
    r"(?:[ \t][A-Z\u00C0-\u024F][\w'\u2019-]+)?),"
    r"[ \t]*((?:[A-Z\u00C0-\u024F][a-z]?\.?[ \t-]*){1,4})(?=,|&|$| and )"
)
_DOI = re.compile(r"(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)?\b(10\.\d{4,9}/[^\s<>\"]+)", re.IGNORECASE)
_URL = re.compile(r"<?(https?://[^\s<>]+)>?")
_PAGES = re.compile(r"(?:pp?\.\s*)?\b(\d+)\s*[-\u2013\u2014]\s*(\d+)\b")
_VOLUME = re.compile(r"\s*,?\s*(\d+)?\s*(?:\((\d+(?:[/-]\d+)?)\))?\s*[,.:]")
_LEGISLATION = re.compile(r"\b(Act|Regulations|Order|Bill|Directive|Statutory Instrument)\b( \d{4})?")
_POLICY = re.compile(r"\b(White Paper|Green Paper|Strategy|Action Plan|Programme for Government)\b")


@dataclass(frozen=True)
class ParsedReference:
    start: int
    end: int
    raw: str
    number: int | None
    authors: tuple[str, ...]
    """'Surname, Given' or a corporate name whole; a trailing 'others' for "et al."."""
    year: str | None
    """Four digits, or 'n.d.'; a disambiguating letter ('2009b') is in year_suffix."""
    title: str | None
    container: str | None
    """The journal, the book a chapter is in, or the publisher or site a report came from."""
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    url: str | None
    entry_type: str
    year_suffix: str | None = None
    place: str | None = None
    publisher: str | None = None


def find_references(text: str) -> list[ParsedReference]:
    """The entries of every reference-list section of a text, in order: a review may
    have References and then Notes, and both name works. A section runs from its
    heading to the next such heading or an appendix. A heading whose section holds no
    list (a table of contents names the lists too) gives nothing. No heading, no
    references."""
    headings = list(_HEADING.finditer(text))
    found: list[ParsedReference] = []
    for index, heading in enumerate(headings):
        begin = heading.end()
        stops = [h.start() for h in headings[index + 1 : index + 2]]
        after = _AFTER.search(text, begin)
        if after:
            stops.append(after.start())
        end = min(stops, default=len(text))
        entries = [_parse(text, start, stop) for start, stop in _entry_spans(text, begin, end)]
        if _is_reference_list(entries):
            found += entries
    return found


def _is_reference_list(entries: list[ParsedReference]) -> bool:
    """Most entries of a real list carry a year, a title or a note number; a table of
    contents under the same heading word carries page numbers and other headings."""
    if not entries:
        return False
    telling = sum(1 for e in entries if e.year or e.title or (e.number is not None and len(e.raw) > 6))
    return telling * 2 >= len(entries) and (len(entries) > 1 or bool(entries[0].year))


def _lines(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """The lines that hold anything, trailing spaces left out."""
    return [(a, a + len(text[a:b].rstrip())) for a, b in line_spans(text, begin, end) if text[a:b].strip()]


def _entry_spans(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Group the lines into entries: a line opening a numbered or author-year entry starts
    one, any other line (a wrapped title, a URL or DOI on its own line) continues it."""
    lines = _lines(text, begin, end)
    is_numbered = sum(_number(text[a:b]) is not None for a, b in lines) >= max(2, len(lines) // 4)
    entries: list[list[int]] = []
    expected = 1
    for index, (a, b) in enumerate(lines):
        line = text[a:b]
        if is_numbered:
            # the next number opens an entry; any other number is a wrapped line's ("2001;12(3)")
            opens = _number(line) is not None and (_number(line) == expected or not entries)
            expected = (_number(line) or 0) + 1 if opens else expected
        else:
            following = text[slice(*lines[index + 1])] if index + 1 < len(lines) else ""
            opens = bool(_AUTHOR_YEAR_START.match(line)) or _names_before_wrapped_year(line, following)
        if opens or not entries:
            entries.append([a + len(line) - len(line.lstrip()), b])
        else:
            entries[-1][1] = b
    return [(a, b) for a, b in entries]


_WRAPPED_YEAR = re.compile(rf"[ \t]*\(({_YEAR})\)")


def _names_before_wrapped_year(line: str, following: str) -> bool:
    """A line of names whose "(2001)." the page wrapped onto the next line (pdftotext keeps
    the page's line breaks): joined, the two lines open an entry."""
    joined = f"{line} {following.lstrip()}"
    return bool(_WRAPPED_YEAR.match(following)) and bool(_AUTHOR_YEAR_START.match(joined))


def _number(line: str) -> int | None:
    found = _NUMBERED.match(line)
    return int(next(g for g in found.groups() if g)) if found else None


def _parse(text: str, start: int, end: int) -> ParsedReference:
    raw = text[start:end]
    flat = re.sub(r"\s+", " ", raw).strip()
    number = None
    numbered = _NUMBERED.match(flat)
    if numbered:
        number = _number(flat)
        flat = flat[numbered.end() :]
    fields = _fields(flat, numbered=number is not None)
    return ParsedReference(start=start, end=end, raw=raw, number=number, **fields)


def _fields(flat: str, numbered: bool = False) -> dict:
    """Author-year (APA, Harvard, Chicago) and Vancouver entries; anything else keeps only
    its DOI and URL."""
    doi_match = _DOI.search(flat)
    doi = doi_match.group(1).rstrip(".,;") if doi_match else None
    url_match = next((m for m in _URL.finditer(flat) if "doi.org" not in m.group(1)), None)
    url = url_match.group(1).rstrip(".,;") if url_match else None
    head = _HEAD.match(flat)
    if not head or (head.group(5) and not _chicago_names(head.group(5), flat)):
        return {**_EMPTY, "doi": doi, "url": url, **_other_styles(flat, url)}
    names, year = next((head.group(i), head.group(i + 1)) for i in (1, 3, 5, 7) if head.group(i))
    year_suffix = year[4:] if year[:4].isdigit() and len(year) > 4 else None
    year = "n.d." if not year[:4].isdigit() else year[:4]
    rest = _without_access(flat[head.end() :])
    out = dict(
        _EMPTY, authors=_authors(names, numbered), year=year, year_suffix=year_suffix, doi=doi, url=url
    )
    out.update(_title_and_source(rest))
    out["entry_type"] = _type_of(flat, out)
    return out


_EMPTY = dict.fromkeys(("year", "title", "container", "volume", "issue", "pages"), None) | {"authors": ()}
# 'Names (2007).' (APA, Harvard), 'Names, 2007.' (Harvard), 'Names. 2007.' (Chicago author-date,
# which puts a title first, in quotes, when there are no names).
_HEAD = re.compile(
    rf"({_NAMES}+?),?\s*\(({_YEAR})(?:,[^)]*)?\)\.?\s*|(.+?),\s({_YEAR})[.,]\s"
    rf"|([^\u201C\"].*?)\.\s({_YEAR})(?:\.|(?<=\.))(?:\s|$)"
    rf"|([\u201C\"].+?[\u201D\"])\s({_YEAR})(?:\.|(?<=\.))(?:\s|$)"
)


def _chicago_names(names: str, flat: str) -> bool:
    """Whether 'Names. 2007.' opened a Chicago entry: its names hold no sentence ('Audit
    Scotland. Best Value toolkit' is a Vancouver author and title: a full stop ends a
    word, not an initial) and are not Vancouver names before a title."""
    if re.search(r"\b(?!al\.)\w{2,}\.\s|[\u201C\u201D\"]", names):
        return False
    vancouver = _VANCOUVER_NAMES.match(flat)
    return not vancouver or vancouver.end("authors") >= len(names)


def _without_access(rest: str) -> str:
    """The entry after its year, less the DOI, URLs and the words that announce them."""
    rest = _URL.sub("", _DOI.sub("", rest))
    rest = re.sub(r"\[Internet\]|\((?:Accessed|Cited):?[^)]*\)", "", rest)
    rest = re.sub(r"\s*(?:Available (?:at|from)|doi)\s*:?[\s.]*$", "", rest.strip())
    return re.sub(r"(?:\s*doi:?)?\s*$", "", rest).strip()


def _other_styles(flat: str, url: str | None) -> dict:
    """A Vancouver entry or an Act; otherwise nothing beyond DOI and URL is read."""
    act = _ACT.match(flat)
    if act:
        return {"title": act.group("title"), "year": act.group("year"), "entry_type": "legislation"}
    return _vancouver_fields(flat) or {"entry_type": _type_of(flat, {"url": url})}


def _vancouver_names(names: str) -> tuple[str, ...]:
    """'Smith J, Jones KL, et al' as 'Smith, J.', 'Jones, K. L.', 'others'."""
    people = [
        re.sub(r"^(.*) ([A-Z]{1,3})$", lambda m: f"{m.group(1)}, {'. '.join(m.group(2))}.", n)
        for n in re.split(r",\s*", re.sub(r",? et al\.?$", "", names))
    ]
    return (*people, *(("others",) if re.search(r"et al\.?$", names) else ()))


# After the names, everything up to the year: 'Title. Container 2006;8(4):493-501' and the like.
_VANCOUVER_NAMES = re.compile(
    r"(?P<authors>[A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+)* [A-Z]{1,3}"
    r"(?:, [A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+)* [A-Z]{1,3})*(?:,? et al\.?)?)\.\s+"
)
_VANCOUVER_YEAR = re.compile(r"(?<![\d.])(\d{4})[a-z]?(?=\s*[;.,:]|\s*$)|\bn\.d\.")
_VANCOUVER_ISSUE = re.compile(r";\s*(\d+)?(?:\(([^)]+)\))?(?::\s*([\w\u2013-]+))?")


def _vancouver_fields(flat: str) -> dict | None:
    """A numbered-style entry whose year comes late: 'Smith J, Jones K. Title. Journal.
    2001;12(3):45-67.', 'Surname AB. Title. Place: Publisher; 2000.', 'Audit Commission.
    Title 1998.' The title runs to the first full stop or the year, the container
    between. A first sentence in the shape of an organisation's name, before a title, is
    its corporate author (a report titled like an organisation is then misread); a sole
    sentence of surnames ('Barnes et al. 2007.') is authors, not a title."""
    names = _VANCOUVER_NAMES.match(flat)
    rest = _without_access(flat[names.end() :] if names else flat)
    years = list(_VANCOUVER_YEAR.finditer(rest))
    if not years:
        return None
    year = years[-1]
    before, after = rest[: year.start()].strip(" ;,"), rest[year.end() :]
    authors = _vancouver_names(names.group("authors")) if names else ()
    article = bool(re.match(r"\s*;\s*\d", after))
    # an article's title may end in '?' before its journal; elsewhere '?' stays inside a title
    sentence = re.compile(r"(?<=[\w)\]\u201D\"])\.\s+(?=\S)" + (r"|(?<=[?!])\s+(?=[A-Z])" if article else ""))
    stop = sentence.search(before)
    if not names and stop and _CORPORATE.fullmatch(before[: stop.start()]):
        authors, before = (before[: stop.start()],), before[stop.end() :].strip(" ;,")
        stop = sentence.search(before)
    elif not names and re.fullmatch(r"[A-Z][\w'\u2019-]+(?:, [A-Z][\w'\u2019-]+)*(?: et al)?\.?", before):
        authors, before = _authors(before.rstrip(".")), ""
    title = before[: stop.start()] if stop else before
    source = re.sub(r"^In:\s*.*?\beditors?\.\s*", "", before[stop.end() :].strip(" .;,") if stop else "")
    out = {
        "authors": authors,
        "year": year.group(1) or "n.d.",
        "title": _clean_title(title.strip('\u201c\u201d"')),
        "entry_type": "article" if article else "misc",
    }
    issue = _VANCOUVER_ISSUE.match(after)
    if issue:
        out["volume"], out["issue"], out["pages"] = issue.groups()
    pages = _PAGES.search(after)
    if pages:
        out["pages"] = f"{pages.group(1)}-{pages.group(2)}"
    published = None if article else re.search(r"(?:^|[,.]\s*)([^:.,]+):\s*([^:]+?)$", source)
    if published:
        out["place"], out["publisher"] = published.group(1).strip(), published.group(2).strip()
        source = source[: published.start()].strip(" ,.")
    out["container"] = (source.split(". ")[-1] if source else None) or out.get("publisher")
    return out


# An organisation's name: capitalised words, the small words between them, an abbreviation.
_ORGANISATION_WORD = r"(?:[A-Z][\w'\u2019&-]*|\([A-Z]{2,}\)|and|of|for|the|on|in|&)"
_CORPORATE = re.compile(rf"{_ORGANISATION_WORD}(?: {_ORGANISATION_WORD}){{0,9}}")


def _authors(names: str, numbered: bool = False) -> tuple[str, ...]:
    """'Surname, I.' people (a later one perhaps 'I. Surname', as Chicago writes it), a
    list of bare surnames ('Birrell and Hayes'), or one corporate name. 'Stewart, Lucy' is a
    surname and a given name, unless the list is numbered: numbered styles (Vancouver,
    IEEE) never spell given names out, so there it is two surnames."""
    names = names.strip().rstrip(",").strip()
    others = bool(re.search(r",?\s*et\.? al\.?$", names))
    names = re.sub(r",?\s*et\.? al\.?$", "", names).strip()
    found = [(m.start(), f"{m.group(1)}, {m.group(2).strip()}") for m in _PERSON.finditer(names)]
    if found:
        found += [(m.start(), f"{m.group(2)}, {m.group(1).strip()}") for m in _GIVEN_FIRST.finditer(names)]
    people = [person for _, person in sorted(found)]
    full = _FULL_NAMES.fullmatch(names.rstrip("."))
    if not people and full and not (numbered and not full.group(3) and " " not in full.group(2)):
        later = re.findall(rf"(?:,? (?:and |& )?)((?:{_GIVEN} )+)({_SURNAME})", full.group(3))
        people = [
            f"{full.group(1)}, {full.group(2)}",
            *(f"{surname}, {given.strip()}" for given, surname in later),
        ]
    if not people:
        people = [n.strip() for n in re.split(r"\s*(?:&|\band\b(?= [A-Z][a-z]+,))\s*", names) if n.strip()]
        people = people if all("," in p for p in people) else [names.rstrip(".")]
        surnames = re.split(r",?\s+(?:and|&)\s+|,\s*", names.rstrip("."))
        if len(surnames) > 1 and all(re.fullmatch(r"[A-Z][\w'\u2019-]+", n) for n in surnames):
            people = surnames
    return (*people, *(("others",) if others else ()))


_SURNAME = r"[A-Z\u00C0-\u00DE][\w'\u2019-]+"
_GIVEN = r"[A-Z\u00C0-\u00DE](?:[a-z]+|\.)"
# 'Baker, Leila, and Ben Cairns' (Chicago with full given names); not 'Birrell, and Hayes'.
_FULL_NAMES = re.compile(
    rf"({_SURNAME}(?: {_SURNAME})?), ({_GIVEN}(?: {_GIVEN})*)((?:,? (?:and |& )?(?:{_GIVEN} )+{_SURNAME})*)"
)
_GIVEN_FIRST = re.compile(
    r"(?:,\s*(?:and\s+|&\s*)?|&\s*|\band\s+)((?:[A-Z\u00C0-\u00DE][a-z]?\.[ \t-]*){1,4})"
    r"[ \t]*((?:(?:van|von|de|der|den|du|la|le|di|da)[ \t])*[A-Z\u00C0-\u00DE][\w'\u2019-]+)"
    r"(?=\s*(?:,|&|\band\b|$))"
)


def _title_and_source(rest: str) -> dict:
    """Italics (Markdown '*…*') mark the container of a chapter or article, or the title
    of a book or report; plain text falls back on sentence and comma boundaries."""
    out: dict = {}
    quoted = re.match(r"[\u201C\"](.+?)[,.?!]?[\u201D\"](?=[\s,.]|$)\s*[,.]?\s*", rest)
    if quoted:
        return {"title": _clean_title(quoted.group(1)), **_source(rest[quoted.end() :])}
    italic = re.search(r"\*([^*]+)\*", rest)
    if italic and italic.start() == 0:  # a book or report: its title is italic
        out["title"] = _clean_title(italic.group(1))
        tail = rest[italic.end() :].strip(" .")
        retrieved = re.match(r"Retrieved from ([^:]+?)\s*:?\s*$", tail)
        published = re.match(r"([^:.]+):\s*(.+?)\.?$", tail)
        if retrieved:
            out["container"] = out["publisher"] = retrieved.group(1).strip()
        elif published:
            out["place"], out["publisher"] = published.group(1).strip(), published.group(2).strip()
            out["container"] = out["publisher"]
        return out
    if italic:
        title = rest[: italic.start()]
        chapter = re.search(r"\.\s+In\s+", title)
        if chapter:
            title = title[: chapter.start()]
        out["title"] = _clean_title(title)
        out["container"] = italic.group(1).strip(" ,.")
        tail = rest[italic.end() :]
    else:
        stop = re.search(r"(?<=[a-z0-9)\]])([.?!])\s+(?=[A-Z])", rest)
        title = (
            rest[: stop.start()] + ("" if not stop or stop.group(1) == "." else stop.group(1))
            if stop
            else rest
        )
        out["title"] = _clean_title(title)
        return {**out, **_source(rest[stop.end() :] if stop else "")}
    return {**out, **_numbers(tail)}


def _source(tail: str) -> dict:
    """What follows a plain or quoted title: 'Place: Publisher', a chapter's book ('In Book,
    edited by …' or 'in E. Editor (ed.) Book.'), or a container with its volume, issue
    and pages ('Journal, 8(4), pp. 493–501' or 'Journal 8 (4): 493–501')."""
    tail = tail.strip()
    chapter = re.match(
        r"[Ii]n:?\s+(?:[^()]{1,120}?\s\(eds?\.?\)\s*)?(?P<book>[^,.]+?)"
        r"(?:,\s*edited by [^.]+)?\.\s*(?P<rest>.*)",
        tail,
    )
    if chapter:
        out = _source(chapter.group("rest"))
        return {**out, "container": chapter.group("book").strip()}
    published = re.fullmatch(
        r"([^:.,]*[A-Za-z]):\s*([^,:]*[A-Za-z][^,:]*?)(?:,\s*(?:pp?\.\s*)?\d+\s*[-\u2013]\s*\d+)?\.?", tail
    )
    if published:
        place, publisher = published.group(1).strip(), published.group(2).strip()
        return {
            "place": place,
            "publisher": publisher,
            "container": publisher,
            **_numbers(tail, volume=False),
        }
    container = re.match(r"([^,(]+?)\s*(?=,\s*\d|,?\s*\(\d|\s+\d+\s*[(:]|\.\s*$|$)", tail)
    out = {"container": container.group(1).strip(" .") if container and container.group(1) else None}
    return {**out, **_numbers(tail[container.end() :] if container else tail)}


def _numbers(tail: str, volume: bool = True) -> dict:
    """Volume, issue and pages after a container, and a chapter's 'Place: Publisher'."""
    out: dict = {}
    found = _VOLUME.match(tail + ".") if volume else None
    if found:
        out["volume"], out["issue"] = found.group(1), found.group(2)
    pages = _PAGES.search(tail)
    out["pages"] = f"{pages.group(1)}-{pages.group(2)}" if pages else None
    published = re.search(r"\)\.\s*([^:.]+):\s*([^.]+)", tail)
    if published:
        out["place"], out["publisher"] = published.group(1).strip(), published.group(2).strip()
    return out


def _clean_title(title: str) -> str | None:
    title = re.sub(r"\.\s*\((?:Available|Retrieved) [^)]*\)\.?\s*$", "", title)
    title = re.sub(r"\s+", " ", title.replace("*", "")).strip(" .")
    return title or None


def _type_of(flat: str, out: dict) -> str:
    """What kind of work the entry describes, from the shape of its fields."""
    title, container, url = out.get("title"), out.get("container"), out.get("url")
    corporate = not any("," in a for a in out.get("authors", ()))
    if title and _LEGISLATION.search(title):
        return "legislation"
    if container and re.search(r"\.\s+In\s+", flat):
        return "incollection"
    if container and (out.get("volume") or out.get("issue") or (out.get("pages") and not url)):
        return "article"
    if url and "Retrieved from" in flat:
        return "online"
    if title and corporate and _POLICY.search(title):
        return "policy"
    if not url and re.search(r"\b(Report|Working Paper|Briefing)\b", flat):
        return "techreport"
    if out.get("publisher") and out.get("place"):
        return "book"
    return "online" if url else "misc"
