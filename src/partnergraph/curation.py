"""Who curated a claim and when: the `curation:` block of a document file or a claim.

The date comes from the file, never from the clock, so two builds of the same files are
byte-identical. An ORCID is checked against its check digit (ISO 7064 MOD 11-2), so a
mistyped one is an error instead of an IRI naming a stranger; none is ever made up: a
curator without one is an agent under the project's own IRIs. A claim accepted from an
`ingest` draft names the draft and the tool version that proposed it, which tells
reviewed drafts apart from claims curated by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from .errors import SourceProblem
from .fields import FieldReader
from .yaml_source import LineDict

CURATION_KEYS = ("by", "orcid", "date", "draft", "tool")
ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_SLUG_BREAK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Curation:
    by: str | None = None
    orcid: str | None = None
    """The bare identifier (0000-0002-1825-0097), checked."""
    date: str | None = None
    """ISO 8601: a date (2026-12-03) or a date and time with its zone."""
    draft: str | None = None
    tool: str | None = None

    def over(self, base: Curation | None) -> Curation:
        """This claim-level block with the document's block filling what it leaves out."""
        if base is None:
            return self
        changes = {k: getattr(self, k) for k in CURATION_KEYS if getattr(self, k) is not None}
        return replace(base, **changes)

    @property
    def agent_slug(self) -> str:
        return _SLUG_BREAK.sub("-", (self.by or "").lower()).strip("-") or "curator"

    @property
    def is_datetime(self) -> bool:
        return self.date is not None and "T" in self.date


def orcid_checks_out(identifier: str) -> bool:
    digits = identifier.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def _date(f: FieldReader) -> str | None:
    value = f.mapping.get("date")
    return None if value is None else _date_value(f, value)


def _date_value(f: FieldReader, value: object) -> str | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            f.problem("date", "'date' has a time but no zone", "add one, e.g. 2026-12-03T14:00:00Z")
            return None
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):  # quoted in the YAML: the same forms, read by the standard library
        try:
            return _date_value(
                f, dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            pass
    f.problem("date", f"'date' must be a date like 2026-12-03, not {str(value)[:30]!r}", "write YYYY-MM-DD")
    return None


def read_curation(mapping: LineDict, shown_as: str, what: str, problems: list[SourceProblem]) -> Curation:
    f = FieldReader(mapping, shown_as, f"{what} curation", CURATION_KEYS, problems)
    orcid = f.text("orcid")
    if orcid is not None:
        match = ORCID.match(orcid)
        if match is None or not orcid_checks_out(match.group(1)):
            f.problem(
                "orcid",
                f"'{orcid}' is not a valid ORCID iD (check digit or form)",
                "copy it from the curator's ORCID record, or leave 'orcid' out",
            )
            orcid = None
        else:
            orcid = match.group(1)
    return Curation(f.text("by"), orcid, _date(f), f.text("draft"), f.text("tool"))
