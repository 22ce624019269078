"""The seed corpus's outputs stay byte-identical while the code under them is rewritten.

Issue 16 makes build and the reader commands fast at 100,000 claims; none of that may
change a byte a user sees. The outputs recorded in tests/expected/outputs/ (first at
commit ea5b5ac35290c020a747cce9535c522416354adb) are compared with what the code makes
now from a fresh copy of the seed corpus. tools/refresh_golden.py makes both, and is the
only way to change the recorded outputs on purpose; its docstring says what is stored.
"""

from __future__ import annotations

import difflib
import io
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "tools"))
from refresh_golden import GOLDEN, SUMS, copy_seed_project, produce_outputs, read_golden, sha256

RECORDED, RECORDED_SUMS = read_golden(GOLDEN)
DIFF_LINES = 40


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every output, made once for the module from a fresh copy of the seed corpus."""
    root = tmp_path_factory.mktemp("outputs-unchanged")
    out = root / "out"
    out.mkdir()
    return produce_outputs(copy_seed_project(root / "project"), out)


def text_diff(expected: bytes, actual: bytes, name: str) -> str:
    """The first differing lines, readable; a hash alone would say only *that* they differ."""
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        actual.decode("utf-8", "replace").splitlines(),
        f"recorded/{name}",
        f"now/{name}",
        lineterm="",
        n=2,
    )
    shown = [line[:300] for _, line in zip(range(DIFF_LINES), lines, strict=False)]
    return "\n".join(shown) or "(same lines; line endings or the final newline differ)"


def describe_difference(name: str, expected: bytes, actual: bytes) -> str:
    """A .docx is a zip: name the parts that differ and show their text diff."""
    if not name.endswith(".docx"):
        return text_diff(expected, actual, name)
    with zipfile.ZipFile(io.BytesIO(expected)) as old, zipfile.ZipFile(io.BytesIO(actual)) as new:
        old_parts = {info.filename: old.read(info) for info in old.infolist()}
        new_parts = {info.filename: new.read(info) for info in new.infolist()}
    changed = sorted(p for p in old_parts.keys() | new_parts.keys() if old_parts.get(p) != new_parts.get(p))
    if not changed:
        return "same parts, different zip metadata (entry times or order)"
    part = changed[0]
    return f"parts that differ: {changed}\n" + text_diff(
        old_parts.get(part, b""), new_parts.get(part, b""), part
    )


def test_recorded_outputs_match_their_sums() -> None:
    """A recorded file edited by hand (not by tools/refresh_golden.py) is caught here."""
    assert RECORDED.keys() == RECORDED_SUMS.keys(), f"{SUMS} and the files in {GOLDEN} name different outputs"
    wrong = [name for name, data in RECORDED.items() if sha256(data) != RECORDED_SUMS[name]]
    assert not wrong, f"recorded outputs whose bytes no longer match {SUMS}: {wrong}"


def test_the_same_outputs_are_made(produced: dict[str, bytes]) -> None:
    assert sorted(produced) == sorted(RECORDED)


@pytest.mark.parametrize("name", sorted(RECORDED_SUMS))
def test_output_is_byte_identical(produced: dict[str, bytes], name: str) -> None:
    actual = produced.get(name)
    assert actual is not None, f"{name} was not written"
    if sha256(actual) != RECORDED_SUMS[name]:
        pytest.fail(
            f"{name} changed (sha256 {sha256(actual)}, recorded {RECORDED_SUMS[name]}).\n"
            + describe_difference(name, RECORDED[name], actual)
            + "\nIf intended: .venv/bin/python tools/refresh_golden.py, and say why in the commit.",
            pytrace=False,
        )
