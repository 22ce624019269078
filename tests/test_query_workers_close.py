"""Closing `serve` while its query workers are still starting ends them quietly.

A worker's start-up thread waits for the worker's "ready" on its pipe; closing the pool
kills the worker and closes that pipe under it, which raised "ValueError: peek of closed
file" in the thread (seen when a test stopped a server within a second of starting it).
"""

from __future__ import annotations

import threading
import time

import pytest

from partnergraph import Project, query_workers
from partnergraph.query_workers import WorkerPool


def test_closing_the_pool_while_workers_start_raises_nothing(
    built: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    closed, waiting = threading.Event(), threading.Semaphore(0)
    real = query_workers._Worker.receive

    def after_close(worker: query_workers._Worker, seconds: float) -> object | None:
        waiting.release()
        closed.wait(30)  # the pool closes the worker's pipe meanwhile
        return real(worker, seconds)

    monkeypatch.setattr(query_workers._Worker, "receive", after_close)
    pool = WorkerPool(built.default_store, built)
    for _ in range(pool.size):
        assert waiting.acquire(timeout=30)
    pool.close()
    closed.set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(t.name == "query-worker-start" for t in threading.enumerate()):
        time.sleep(0.05)
    assert raised == []
    assert pool.pids() == [] and pool.idle() == 0
