"""Reading the fields of one YAML mapping, collecting every problem on the way.

Concepts and claims are both hand-written mappings with required, optional, list and
enumerated fields; one reader serves both so that their error messages read alike.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from typing import Any

from .errors import SourceProblem, did_you_mean
from .yaml_source import LineDict

MAX_TEXT_CHARS = 1_000_000
"""The longest text one field may hold. A quote is a passage, not a book; the store's
N-Triples reader stops at 16 MiB a line, so a 20 MB quote crashed the build."""


def too_long(text: str) -> str | None:
    """The problem with a text over the limit, in words, or None."""
    if len(text) <= MAX_TEXT_CHARS:
        return None
    return f"is {len(text):,} characters long"


TOO_LONG_FIX = f"keep it under {MAX_TEXT_CHARS:,} characters: quote the passage that makes the point"


class FieldReader:
    """Typed access to one mapping; unknown keys and wrong types become problems."""

    def __init__(
        self,
        mapping: LineDict,
        shown_as: str,
        what: str,
        allowed_keys: Iterable[str],
        problems: list[SourceProblem],
    ) -> None:
        self.mapping = mapping
        self.shown_as = shown_as
        self.what = what
        self.problems = problems
        allowed = list(allowed_keys)
        for key in mapping:
            if key not in allowed:
                self.problem(
                    str(key),
                    f"unknown field '{key}'",
                    did_you_mean(str(key), allowed, "the schema (docs/schema.md)"),
                )

    def problem(self, key: str | None, message: str, fix: str) -> None:
        line = self.mapping.line_of(key) if key else self.mapping.line
        self.problems.append(SourceProblem(self.shown_as, line, f"{self.what}: {message}", fix))

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(None, f"missing required field '{key}'", f"add '{key}: ...'")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, f"'{key}' must be text, not {type(value).__name__}", "quote it")
            return None
        text = str(value).strip()
        length = too_long(text)
        if length:
            self.problem(key, f"'{key}' {length}", TOO_LONG_FIX)
            return None
        return text

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of strings; a single string is accepted as a list of one."""
        value = self.mapping.get(key)
        if value is None:
            return ()
        if isinstance(value, str | int):
            return (str(value).strip(),)
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.problem(key, f"'{key}' must be a list of text", f"write '{key}: [a, b]'")
            return ()
        return tuple(str(v).strip() for v in value)

    def integer(self, key: str) -> int | None:
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(key, f"'{key}' must be a whole number >= 0, not {reprlib.repr(value)}", "fix it")
            return None
        return value

    def choice(self, key: str, allowed: Iterable[str], required: bool = False) -> str | None:
        value = self.text(key, required)
        options = list(allowed)
        if value is not None and value not in options:
            self.problem(
                key,
                f"'{key}' is '{value}', which is not one of {', '.join(options)}",
                did_you_mean(value, options, "the allowed values"),
            )
            return None
        return value

    def choice_list(self, key: str, allowed: Iterable[str]) -> tuple[str, ...]:
        """Allowed values, one or a list; each value outside the list is reported."""
        options = list(allowed)
        values = self.text_list(key)
        for value in values:
            if value not in options:
                self.problem(
                    key,
                    f"'{key}' has '{value}', which is not one of {', '.join(options)}",
                    did_you_mean(value, options, "the allowed values"),
                )
        return tuple(v for v in values if v in options)

    def mapping_field(self, key: str) -> LineDict | None:
        value = self.mapping.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.problem(key, f"'{key}' must be a mapping of fields", "indent its fields below")
            return None
        return value


def as_mapping(value: Any) -> LineDict | None:
    return value if isinstance(value, LineDict) else None
