"""bench_scale's memory figure is each command's own, not the largest of all so far.

RUSAGE_CHILDREN would report the first, larger command's peak again for every later
command; the benchmark's table would then blame a small command for a big one's memory.
"""

from __future__ import annotations

import sys
import time
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


def test_a_timeout_kills_the_command_itself(tmp_path: Path) -> None:
    """The command runs under a measuring wrapper: killing only the wrapper would leave it running."""
    pid_file = tmp_path / "pid"
    sleeper = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    seconds, _, error = measure([sys.executable, "-c", sleeper], 5, tmp_path)
    assert seconds is None and error.startswith("timed out")
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, f"the command {pid} still runs after its timeout"
        time.sleep(0.05)
