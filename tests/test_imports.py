"""Every module imports on its own, in a fresh interpreter.

An import cycle between modules goes unnoticed while the test process happens to
import one of them first, and then breaks a command that imports the other first
(`ingest` failed that way: reference_parser → bib_matching → citations → reference_parser).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import partnergraph

MODULES = sorted(
    f"partnergraph.{m.name}" for m in pkgutil.walk_packages(partnergraph.__path__) if m.name != "__main__"
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_first(module: str) -> None:
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
