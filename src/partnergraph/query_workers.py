"""Queries from the web run in worker processes that can be killed at the time limit.

Oxigraph evaluates a query inside Rust and rdflib inside one long Python call; neither
can be interrupted from another thread, so a runaway query used to burn a core for
minutes after its 503 (and a catastrophic regex on `memory:` held the GIL, stalling
every page). A process can be ended: each worker holds its own read-only store (an
Oxigraph reader, or the build loaded into rdflib), takes one query at a time, and is
killed when the limit passes; a replacement starts in the background, so two runaway
queries never lock later ones out. Two are started with the server, so a request does
not pay for start-up.

A worker is `python -m partnergraph.query_workers`, spoken to in pickles over its stdin
and stdout, rather than a multiprocessing 'spawn' or 'forkserver' child: those re-import
the caller's main module, which breaks any script that starts `serve` without an
`if __name__ == "__main__"` guard; and 'fork' copies a threaded server's locks.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
from typing import IO

from .errors import StoreError
from .project import Project
from .sparql_results import Answer, Job, answer
from .stores import open_store
from .stores.base import QueryTimeout

WORKERS = 2
START_SECONDS = 120.0
READY = "ready"


def serve_queries(descriptor: str, root: str) -> None:
    """A worker's life: open the store, say so, answer jobs until the server hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on `serve` is the server's to handle
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # nothing but replies may reach the server's pipe
    jobs = sys.stdin.buffer
    try:
        try:
            store = open_store(descriptor, Project.locate(root))
        except Exception as exc:  # reported to the server, which says it on every request
            _send(replies, f"cannot open {descriptor} in a query worker: {exc}")
            return
        _send(replies, READY)
        while True:
            try:
                job = pickle.load(jobs)
            except EOFError:
                return
            _send(replies, answer(store, job))
    except BrokenPipeError:
        return  # the server is gone (it stopped, or never bound its port): nothing to answer


def _send(stream: IO[bytes], message: object) -> None:
    pickle.dump(message, stream)
    stream.flush()


class _Worker:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    def receive(self, seconds: float) -> object | None:
        """The next reply, or None when none came within `seconds`."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        return pickle.load(self.process.stdout) if ready else None

    def send(self, job: Job) -> None:
        assert self.process.stdin is not None
        _send(self.process.stdin, job)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


class WorkerPool:
    """`size` workers over one store; `run` gives a job to an idle one, within a time limit."""

    def __init__(self, descriptor: str, project: Project, size: int = WORKERS) -> None:
        self.descriptor, self.project, self.size = descriptor, project, size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.failure: str | None = None
        self._starting = size
        self.started = threading.Event()
        """Set once the first `size` workers have started or failed to (the server warms its
        pages after that, so that neither slows the other's start on a machine of few cores)."""
        for _ in range(size):
            self._replace()

    def pids(self) -> list[int]:
        """The live workers' process ids (tests and benchmarks watch their CPU time)."""
        with self._lock:
            return [w.process.pid for w in self._all]

    def idle(self) -> int:
        return self._idle.qsize()

    def _replace(self) -> None:
        threading.Thread(target=self._start_one, name="query-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        try:
            self._start()
        finally:
            with self._lock:
                self._starting -= 1
                if self._starting == 0:
                    self.started.set()

    def _start(self) -> None:
        command = [sys.executable, "-m", __name__, self.descriptor, str(self.project.root)]
        worker = _Worker(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE))
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        try:
            message = worker.receive(START_SECONDS)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):  # ValueError: closed meanwhile
            message = None
        if message != READY:
            self.failure = str(message or "a query worker did not start")
            self._retire(worker)
            return
        self.failure = None
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def run(self, job: Job, seconds: float) -> Answer:
        """The job's answer; past `seconds` its worker is killed and `QueryTimeout` raised.

        A job waits at most `seconds` for an idle worker, then has `seconds` to run."""
        if self.failure and self._idle.empty():  # the last worker to start could not open the store
            raise StoreError(self.failure)
        try:
            worker = self._idle.get(timeout=seconds)
        except queue.Empty:
            if self.failure:
                raise StoreError(self.failure) from None
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {seconds:g} s; try again shortly"
            ) from None
        try:
            worker.send(job)
            reply = worker.receive(seconds)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self._retire(worker)
            self._replace()
            raise StoreError(f"the query worker ended unexpectedly: {exc}") from exc
        if isinstance(reply, Answer):
            self._idle.put(worker)
            return reply
        self._retire(worker)
        self._replace()
        raise QueryTimeout(f"the query ran longer than {seconds:g} s and was stopped")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


if __name__ == "__main__":
    serve_queries(sys.argv[1], sys.argv[2])
