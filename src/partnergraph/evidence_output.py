"""`partnergraph evidence` as text, CSV or JSON: the profile first, then the claims."""

from __future__ import annotations

import csv
import io
import json
import textwrap

from .evidence import Evidence, Profile

POLARITY_HEADINGS = {
    "enables": "Enables partnership working",
    "hinders": "Hinders partnership working",
    "mixed": "Mixed",
    "neutral": "Described without judgement",
}


def profile_lines(profile: Profile) -> list[str]:
    kinds = ", ".join(f"{k} {n}" for k, n in profile.evidence_kinds.items())
    polarity = ", ".join(f"{n} {p}" for p, n in profile.polarity.items())
    years = f"{profile.years[0]}–{profile.years[1]}" if profile.years else "not stated"
    lines = [
        f"works: {profile.works} distinct, read in {profile.reviewed_documents} reviewed document(s); "
        f"years {years}",
        f"claims: {polarity}",
        f"evidence kinds: {kinds}",
    ]
    if profile.secondary_only:
        lines.append(f"known only through secondary citation: {', '.join(profile.secondary_only)}")
    lines.append(f"confidence: {profile.grade} — " + "; ".join(profile.reasons))
    return lines


def as_text(evidence: Evidence, width: int = 100) -> str:
    ref = evidence.concept
    out = [f"{ref.label} ({ref.slug})", *profile_lines(evidence.profile)]
    for polarity, claims in evidence.by_polarity().items():
        out += ["", f"{POLARITY_HEADINGS[polarity]} ({len(claims)})"]
        for claim in claims:
            where = ", ".join(filter(None, [claim.reviewed_in, claim.section]))
            out.append(f"- {claim.citation()} [{where}]")
            out += textwrap.wrap(f"“{claim.quote}”", width, initial_indent="    ", subsequent_indent="    ")
    return "\n".join(out)


def as_csv(evidence: Evidence) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["claim", "polarity", "citation", "works", "quote", "reviewed_in", "section", "pages", "kind"]
    )
    for c in evidence.claims:
        works = " ".join(w.key for w in c.works)
        writer.writerow(
            [
                c.claim_id,
                c.polarity,
                c.citation(),
                works,
                c.quote,
                c.reviewed_in,
                c.section or "",
                c.pages or "",
                c.kind or "",
            ]
        )
    return buffer.getvalue().rstrip("\n")


def as_json(evidence: Evidence) -> str:
    return json.dumps(evidence.as_dict(), indent=2, ensure_ascii=False)


def render_evidence(evidence: Evidence, fmt: str) -> str:
    return {"table": as_text, "csv": as_csv, "json": as_json}[fmt](evidence)
