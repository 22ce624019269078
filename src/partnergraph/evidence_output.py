"""`partnergraph evidence` as text, CSV or JSON: the profile first, then the claims.

The text is for a person at a terminal: names rather than cite keys, each polarity's
claims under the work that makes them (strongest first, see `evidence`), and no line
wider than the terminal's 100 columns. CSV and JSON are for scripts and keep the cite
keys beside the names; CSV cells that would start a spreadsheet formula are defused
(output.py says how).
"""

from __future__ import annotations

import json
import textwrap

from .evidence import Evidence, EvidenceClaim, Profile, WorkGroup
from .names import plural
from .output import spreadsheet_csv

WIDTH = 100
POLARITY_HEADINGS = {
    "enables": "Enables partnership working",
    "hinders": "Hinders partnership working",
    "mixed": "Mixed",
    "neutral": "Described without judgement",
}
POLARITY_WORDS = {"enables": "enabling", "hinders": "hindering", "mixed": "mixed", "neutral": "neutral"}


def profile_lines(profile: Profile) -> list[str]:
    """The profile as sentences, one per line, unwrapped: HTML and Markdown wrap their own."""
    kinds = ", ".join(f"{k} {n}" for k, n in profile.evidence_kinds.items())
    polarity = ", ".join(f"{n} {POLARITY_WORDS.get(p, p)}" for p, n in profile.polarity.items())
    if profile.years is None:
        years = "years not stated"
    elif profile.years[0] == profile.years[1]:
        years = f"year {profile.years[0]}"
    else:
        years = f"years {profile.years[0]}–{profile.years[1]}"
    lines = [
        f"sources: {plural(profile.works, 'distinct work')}, read in "
        f"{plural(profile.reviewed_documents, 'reviewed document')}; {years}",
        f"claims: {polarity}",
        f"evidence kinds: {kinds}",
    ]
    if profile.secondary_only:
        names = profile.secondary_only_names or profile.secondary_only
        lines.append(f"known only through secondary citation: {'; '.join(names)}")
    lines.append(f"confidence: {profile.grade} — " + "; ".join(profile.reasons))
    return lines


def wrap(text: str, indent: str = "", first: str | None = None, width: int = WIDTH) -> list[str]:
    """Lines no wider than `width`; a word longer than a line (a URL) is broken."""
    return textwrap.wrap(
        text,
        width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )


def claim_where(claim: EvidenceClaim) -> str:
    """Kind, pages, the reviewed document it was read in and any 'as cited in' work."""
    parts = [claim.kind or "kind not stated"]
    if claim.pages and len(claim.works) == 1:
        parts.append(f"p. {claim.pages}")
    if claim.reviewed_in not in {w.key for w in claim.works}:
        parts.append(f"read in {claim.reviewed_in_name or claim.reviewed_in}")
    if claim.section:
        parts.append(claim.section)
    if claim.via:
        parts.append(f"as cited in {', '.join(claim.via_names or claim.via)}")
    return "; ".join(parts)


def group_lines(group: WorkGroup, width: int = WIDTH) -> list[str]:
    heading = group.heading()
    if len(group.claims) > 1:
        heading += f" ({plural(len(group.claims), 'claim')})"
    out = wrap(heading, "  ", "", width)
    for claim in group.claims:
        out += wrap(claim_where(claim), "    ", "  - ", width)
        out += wrap(f"“{claim.quote}”", "    ", None, width)
    return out


def as_text(evidence: Evidence, width: int = WIDTH) -> str:
    ref = evidence.concept
    out = wrap(f"{ref.label} (slug: {ref.slug})", width=width)
    for line in profile_lines(evidence.profile):
        out += wrap(line, "  ", "", width)
    for polarity, groups in evidence.by_polarity_and_work().items():
        claims = sum(len(g.claims) for g in groups)
        works = len({w.key for g in groups for w in g.works})
        heading = f"{POLARITY_HEADINGS[polarity]}: {plural(claims, 'claim')} from {plural(works, 'work')}"
        out += ["", *wrap(heading, "  ", "", width)]
        for group in groups:
            out += ["", *group_lines(group, width)]
    return "\n".join(out)


CSV_HEADER = (
    "claim",
    "polarity",
    "citation",
    "works (keys)",
    "quote",
    "reviewed in",
    "reviewed in (key)",
    "section",
    "pages",
    "evidence kind",
    "as cited in (keys)",
)


def as_csv(evidence: Evidence) -> str:
    return spreadsheet_csv(
        CSV_HEADER,
        (
            [
                c.claim_id,
                c.polarity,
                c.citation(),
                " ".join(w.key for w in c.works),
                c.quote,
                c.reviewed_in_name,
                c.reviewed_in,
                c.section or "",
                c.pages or "",
                c.kind or "",
                " ".join(c.via),
            ]
            for c in evidence.claims
        ),
    )


def as_json(evidence: Evidence) -> str:
    return json.dumps(evidence.as_dict(), indent=2, ensure_ascii=False)


def render_evidence(evidence: Evidence, fmt: str) -> str:
    return {"table": as_text, "csv": as_csv, "json": as_json}[fmt](evidence)
