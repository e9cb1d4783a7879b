"""How many threads a call may use: how busy other processes kept our cores lately, and FAISS on one thread
for a few queries.

`CpuWatch` decides whether a question's embedding may use a second OpenMP thread (rag.index.embedders.query_threads).
Linux only (/proc/stat); elsewhere nothing is known and callers take the safe choice.
"""

from __future__ import annotations

import os
import threading
import time

from rag.config import available_cores

# A busy fraction is measured over at least this long: /proc/stat counts in 10 ms ticks.
WINDOW_S = 0.5


class CpuWatch:
    """Cores kept busy by everything but this process, averaged since the last reading ≥ WINDOW_S ago."""

    def __init__(self, stat_path: str = "/proc/stat"):
        self.stat_path = stat_path
        try:
            self.cpus = {f"cpu{n}".encode() for n in os.sched_getaffinity(0)}
        except (AttributeError, OSError):
            self.cpus = set()
        self.tick_s = 1 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)
        self._lock = threading.Lock()
        self._last = self._sample()
        self._others = 0.0

    def _sample(self) -> tuple[float, float, float] | None:
        """(monotonic seconds, busy core-seconds of our cores, CPU seconds of this process) or None."""
        try:
            with open(self.stat_path, "rb") as f:
                lines = f.read().splitlines()
        except OSError:
            return None
        busy_ticks = 0
        seen = 0
        for line in lines:
            fields = line.split()
            if not fields or fields[0] not in self.cpus:
                continue
            try:
                # user nice system idle iowait irq softirq steal: all but idle and iowait are busy
                ticks = [int(x) for x in fields[1:9]]
            except ValueError:
                return None
            busy_ticks += sum(ticks) - ticks[3] - ticks[4]
            seen += 1
        if not seen:
            return None
        own = os.times()
        return time.monotonic(), busy_ticks * self.tick_s, own.user + own.system

    def others_busy(self) -> float | None:
        """Cores' worth of CPU that other processes used lately (0.0 = idle, 1.0 = one core busy), or None."""
        with self._lock:
            now = self._sample()
            if now is None or self._last is None:
                return None
            elapsed = now[0] - self._last[0]
            if elapsed >= WINDOW_S:
                busy = (now[1] - self._last[1]) - (now[2] - self._last[2])
                self._others = max(0.0, busy / elapsed)
                self._last = now
            return self._others


def spare_cores(others_busy: float | None, cores: int | None = None) -> int:
    """Cores nobody else is using: `cores` minus the others' busy cores rounded (0.5 counts as busy)."""
    cores = available_cores() if cores is None else cores
    if others_busy is None:
        return 1
    return max(1, cores - int(others_busy + 0.5))


# A query or a few are searched on one thread: on shared cores a two-thread OpenMP call waits on its
# barriers (exact search of 100k vectors, one query: median 90 ms with two threads, 33 ms with one).
FEW_QUERIES = 4


class faiss_threads:
    """FAISS on one OpenMP thread for a few queries (restored after). OpenMP's thread count belongs to the
    calling thread, so concurrent searches and an ingest in another thread are not affected."""

    def __init__(self, n_queries: int):
        self.one = n_queries <= FEW_QUERIES

    def __enter__(self):
        if self.one:
            import faiss

            self.before = faiss.omp_get_max_threads()
            faiss.omp_set_num_threads(1)
        return self

    def __exit__(self, *exc) -> None:
        if self.one:
            import faiss

            faiss.omp_set_num_threads(self.before)
