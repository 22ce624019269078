"""bench_scale's memory figure is each command's own, not the largest of all so far.

RUSAGE_CHILDREN would report the first, larger command's peak again for every later
command; the benchmark's table would then blame a small command for a big one's memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from bench_scale import measure


def allocate(megabytes: int) -> list[str]:
    return [
        sys.executable,
        "-c",
        f"block = bytearray({megabytes} * 1024 * 1024); block[::4096] = b'x' * len(block[::4096])",
    ]


def test_peak_memory_is_per_command(tmp_path: Path) -> None:
    big_seconds, big_peak, big_error = measure(allocate(300), 60, tmp_path)
    small_seconds, small_peak, small_error = measure(allocate(0), 60, tmp_path)
    assert not big_error and not small_error
    assert big_seconds is not None and small_seconds is not None
    assert big_peak is not None and small_peak is not None
    assert big_peak > 300
    assert small_peak < 100


def test_a_failing_command_is_reported_not_timed(tmp_path: Path) -> None:
    seconds, _, error = measure(
        [sys.executable, "-c", "import sys; sys.exit('no such concept')"], 60, tmp_path
    )
    assert seconds is None
    assert error.startswith("exit 1") and "no such concept" in error
