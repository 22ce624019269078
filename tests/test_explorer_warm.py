"""`serve` makes the slow, once-per-build parts of a first visit before anyone asks, all at once.

At 100,000 claims the overview and the gap map take one to two seconds of CPU each and the
bibliography a second more; made one after the other in the background, the twenty first
visitors of /map waited 7-8 s (bench_serve.py). Here each is made in its own thread, and a
page asked for afterwards reads the store no more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from browser import get
from partnergraph import Project
from partnergraph import explorer as explorer_module
from partnergraph.explorer import WARM_PATHS, Explorer, make_server
from partnergraph.stores import Store, open_store


class CountingStore:
    """The real store, with its SELECT queries counted."""

    def __init__(self, store: Store) -> None:
        self.store, self.selects = store, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def select(self, *args: object, **kwargs: object):
        self.selects += 1
        return self.store.select(*args, **kwargs)


@pytest.fixture
def counting(built: Project) -> Iterator[CountingStore]:
    with open_store(built.default_store, built) as store:
        yield CountingStore(store)


def _meeting(monkeypatch: pytest.MonkeyPatch, names: list[str]) -> list[str]:
    """Each named function of the explorer module first waits until all of them have been
    entered: only parts made side by side get through. Returns the names entered, in order."""
    entered: list[str] = []
    barrier = threading.Barrier(len(names))

    def waiting(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            entered.append(name)
            barrier.wait(timeout=20)
            return real(*args, **kwargs)

        return wrapper

    for name in names:
        monkeypatch.setattr(explorer_module, name, waiting(name, getattr(explorer_module, name)))
    return entered


def test_the_first_visits_slow_parts_are_made_side_by_side(
    built: Project, counting: CountingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = ["overview", "build_matrix", "bibliography_works", "_concepts_by_slug"]
    entered = _meeting(monkeypatch, slow)
    explorer = Explorer(built, counting)  # type: ignore[arg-type]
    explorer.warm()
    assert sorted(entered) == sorted(slow)  # each once, and none waited for another to end
    assert explorer.warmed.is_set()
    before = counting.selects
    for path in WARM_PATHS:
        assert explorer.route("GET", path, {}, "").status == 200
    assert explorer.works() and explorer._concept("trust").slug == "trust"
    assert counting.selects == before  # all made already: the store is not read again
    assert sorted(entered) == sorted(slow)


def test_a_failing_part_does_not_stop_the_others(
    built: Project, counting: CountingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("overview failed")

    monkeypatch.setattr(explorer_module, "overview", broken)
    explorer = Explorer(built, counting)  # type: ignore[arg-type]
    explorer.warm()
    assert explorer.warmed.is_set()
    before = counting.selects
    assert explorer.route("GET", "/map", {}, "").status == 200
    assert counting.selects == before
    with pytest.raises(RuntimeError):  # not kept: asked again, it fails again and says so
        explorer.route("GET", "/", {}, "")


def test_a_started_server_warms_itself(built: Project, counting: CountingStore) -> None:
    server = make_server(built, counting, "127.0.0.1", 0)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server.explorer.warmed.wait(60)
        before = counting.selects
        base = f"http://127.0.0.1:{server.server_port}"
        for path in WARM_PATHS:
            assert get(base + path)[0] == 200
        assert counting.selects == before
    finally:
        server.shutdown()
        server.server_close()


def test_warming_waits_for_the_query_workers_to_start(
    built: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started together, the warm threads and the two worker processes (each importing the
    package and opening the store) shared two cores: `serve` answered its first SPARQL
    query after 2.4-4.5 s at 100,000 claims instead of 1.4 s. So warming starts once the
    workers have."""
    starting_when_warmed: list[int] = []
    real = explorer_module.overview

    def recording(store: Store) -> object:
        starting = [t for t in threading.enumerate() if t.name == "query-worker-start"]
        starting_when_warmed.append(len(starting))
        return real(store)

    monkeypatch.setattr(explorer_module, "overview", recording)
    with open_store(built.default_store, built) as store:
        server = make_server(built, store, "127.0.0.1", 0)
        try:
            assert server.explorer.warmed.wait(60)
            assert server.explorer.endpoint.pool.started.is_set()
            assert starting_when_warmed == [0]  # no worker was still starting
            assert server.explorer.endpoint.pool.idle() == server.explorer.endpoint.pool.size
        finally:
            server.server_close()
