"""Fair shares of the machine for concurrent requests: bounded lanes and merged identical requests.

A few clients must not make everyone wait. Each request runs in one of two lanes, each a first-come,
first-served pool of a fixed size: the quick lane (questions of ordinary length, summaries of ordinary
articles or from the cache) and the heavy lane (long questions, summaries of long articles, the corpus
overview), so expensive work queues behind expensive work and never in front of a quick answer. Identical
requests in flight at once (the same summary asked by four users) are computed once and shared.
"""

from __future__ import annotations

import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, Iterator, TypeVar

T = TypeVar("T")

# A question longer than this goes to the heavy lane: ordinary questions are under 100 characters, and the
# answer path's work grows with the question (the embedder reads up to 512 characters, BM25 and the
# sentence scoring every word) up to the 2,000-character limit.
LONG_QUESTION_CHARS = 300
# A summary of an article longer than this (not yet in the summary cache) goes to the heavy lane (~0.3 s
# and more of CPU with the extractive summarizer; every summary with a language model).
LONG_ARTICLE_CHARS = 20_000


class Lane:
    """At most `size` callers inside at once; the others wait in the order they came (no overtaking)."""

    def __init__(self, name: str, size: int):
        self.name, self.size = name, max(1, int(size))
        self._cond = threading.Condition()
        self._queue: deque[_Ticket] = deque()
        self._running = 0
        self.served = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        ticket = _Ticket()
        with self._cond:
            self._queue.append(ticket)
            while self._queue[0] is not ticket or self._running >= self.size:
                self._cond.wait()
            self._queue.popleft()
            self._running += 1
            self._cond.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self.served += 1
                self._cond.notify_all()

    @property
    def busy(self) -> tuple[int, int]:
        """(running, waiting) right now."""
        with self._cond:
            return self._running, len(self._queue)


class _Ticket:
    """One caller's place in a lane's queue (compared by identity)."""

    __slots__ = ()


@dataclass
class _Call(Generic[T]):
    """One computation in flight: its result (or exception) once `done` is set."""

    done: threading.Event = field(default_factory=threading.Event)
    value: T | None = None
    error: BaseException | None = None


class SingleFlight:
    """`do(key, fn)`: the first caller with a key runs fn; callers with the same key meanwhile wait for
    its result (or its exception) instead of running fn again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[Hashable, _Call] = {}  # each key's _Call[T] for the T of its fn
        self.merged = 0

    def do(self, key: Hashable, fn: Callable[[], T]) -> T:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = _Call()
            else:
                self.merged += 1
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.value  # type: ignore[return-value]
        try:
            call.value = fn()
            return call.value  # type: ignore[return-value]
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()


class Workload:
    """The engine's two lanes and its merged requests."""

    def __init__(self, quick: int, heavy: int):
        self.quick = Lane("quick", quick)
        self.heavy = Lane("heavy", heavy)
        self.flights = SingleFlight()

    def lane(self, heavy: bool) -> Lane:
        return self.heavy if heavy else self.quick

    def run(self, heavy: bool, fn: Callable[[], T], key: Hashable | None = None) -> T:
        """fn() in its lane; with a key, merged with an identical request in flight."""

        def in_lane() -> T:
            with self.lane(heavy).slot():
                return fn()

        return in_lane() if key is None else self.flights.do(key, in_lane)

    def stats(self) -> dict:
        (qr, qw), (hr, hw) = self.quick.busy, self.heavy.busy
        return {"quick": {"size": self.quick.size, "running": qr, "waiting": qw, "served": self.quick.served},
                "heavy": {"size": self.heavy.size, "running": hr, "waiting": hw, "served": self.heavy.served},
                "merged": self.flights.merged}
