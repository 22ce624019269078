"""Values the explorer computes once per build, shared by its request threads.

Every page of `serve` but the SPARQL endpoint depends only on the build: the overview,
the gap map and the graph took seconds each on the seed corpus, and a work page re-read
every source file, on every request — twenty readers queued behind one core. Here each
is made once and kept until the build changes (the graph file's stamp: a build rewrites
it), and twenty requests for a page not yet made wait for the one computing it instead
of all computing it. Least recently used values go first once they weigh more than
`capacity` together (a graph page is 1.8 MB on the seed corpus, and each `?focus=` is a
page of its own, so a count alone would let a crawler fill the memory).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class BuildCache:
    def __init__(self, stamp: Callable[[], Hashable], capacity: int, weight: Callable[[object], int]) -> None:
        self._stamp, self._capacity, self._weight = stamp, capacity, weight
        self._current: Hashable = None
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._held = 0
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def _lookup(self, key: Hashable, stamp: Hashable) -> tuple[bool, object]:
        with self._lock:
            if stamp != self._current:
                self._values.clear()
                self._held = 0
                self._current = stamp
            if key in self._values:
                self._values.move_to_end(key)
                return True, self._values[key]
            return False, None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key` in this build, computed by the first caller to ask; an
        exception is raised to that caller and nothing is kept."""
        stamp = self._stamp()
        found, value = self._lookup(key, stamp)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            computing = self._computing.setdefault((stamp, key), threading.Lock())
        with computing:
            found, value = self._lookup(key, stamp)
            if found:
                return value  # type: ignore[return-value]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop((stamp, key), None)
                raise
            with self._lock:  # kept before the lock goes, so that no later caller computes it again
                if stamp == self._current:
                    self._values[key] = value
                    self._held += self._weight(value)
                    while self._held > self._capacity and len(self._values) > 1:
                        self._held -= self._weight(self._values.popitem(last=False)[1])
                self._computing.pop((stamp, key), None)
        return value
