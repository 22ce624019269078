"""Queries from the web run in worker processes that can be killed at the time limit.

Oxigraph evaluates a query inside Rust and rdflib inside one long Python call; neither
can be interrupted from another thread, so a runaway query used to burn a core for
minutes after its 503 (and a catastrophic regex on `memory:` held the GIL, stalling
every page). A process can be ended: each worker holds its own read-only store (an
Oxigraph reader, or the build loaded into rdflib), takes one query at a time, and is
killed when the limit passes; a replacement starts in the background, so two runaway
queries never lock later ones out. Workers come from a 'forkserver' (not 'fork': the
server has threads) whose preloaded imports make a new worker cheap; two are started
with the server, so a request does not pay for start-up.
"""

from __future__ import annotations

import multiprocessing
import queue
import signal
import threading
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from .errors import StoreError
from .project import Project
from .sparql_results import Answer, Job, answer
from .stores import open_store
from .stores.base import QueryTimeout

WORKERS = 2
START_SECONDS = 120.0


def serve_queries(conn: Connection, descriptor: str, project: Project) -> None:
    """A worker's life: open the store, say so, answer jobs until the server hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C on `serve` is the server's to handle
    try:
        store = open_store(descriptor, project)
    except Exception as exc:  # reported to the server, which says it on every request
        conn.send(f"cannot open {descriptor} in a query worker: {exc}")
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(answer(store, job))


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """`size` workers over one store; `run` gives a job to an idle one, within a time limit."""

    def __init__(self, descriptor: str, project: Project, size: int = WORKERS) -> None:
        self.descriptor, self.project, self.size = descriptor, project, size
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["partnergraph.query_workers"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.failure: str | None = None
        for _ in range(size):
            self._replace()

    def pids(self) -> list[int]:
        """The live workers' process ids (tests and benchmarks watch their CPU time)."""
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def _replace(self) -> None:
        threading.Thread(target=self._start_one, name="query-worker-start", daemon=True).start()

    def _start_one(self) -> None:
        receive, send = self._context.Pipe()
        process = self._context.Process(
            target=serve_queries, args=(send, self.descriptor, self.project), name="partnergraph-query"
        )
        process.daemon = True
        process.start()
        send.close()
        worker = _Worker(process, receive)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        message = receive.recv() if receive.poll(START_SECONDS) else "the query worker did not start"
        if message != "ready":
            self.failure = str(message)
            self._retire(worker)
            return
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def run(self, job: Job, seconds: float) -> Answer:
        """The job's answer; past `seconds` its worker is killed and `QueryTimeout` raised.

        A job waits at most `seconds` for an idle worker, then has `seconds` to run."""
        try:
            worker = self._idle.get(timeout=seconds)
        except queue.Empty:
            if self.failure:
                raise StoreError(self.failure) from None
            raise QueryTimeout(
                f"all {self.size} query workers stayed busy for {seconds:g} s; try again shortly"
            ) from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(seconds):
                reply: Answer = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError) as exc:
            self._retire(worker)
            self._replace()
            raise StoreError(f"the query worker ended unexpectedly: {exc}") from exc
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
