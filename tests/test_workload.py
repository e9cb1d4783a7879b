"""Fair to every user (issue #19): bounded lanes, expensive work apart from quick answers, identical requests in
flight computed once. Fast: the real Engine over BM25 (tests.fakes), the summarizer held back where a test needs
a request to stay in flight."""

from __future__ import annotations

import threading
import time

import pytest

from rag.ingest.articles import Article
from rag.records import Summary
from rag.workload import LONG_ARTICLE_CHARS, LONG_QUESTION_CHARS, Lane, SingleFlight
from tests.fakes import lexical_engine

SHORT = Article("short", "渠岸镇召开镇村干部大会", ("渠岸镇召开镇村干部大会，部署今年的重点工作。会议由镇党委书记主持。",))
LONG = Article("long", "一篇很长的报告", tuple("长河县水利建设全面铺开，施工队新修渠道三公里。" * 40 for _ in range(40)))
LONG2 = Article("long2", "另一篇很长的报告", tuple("东湖镇加固堤坝两处，惠及农户五百户。" * 50 for _ in range(40)))


def in_thread(fn, *args):
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


class HeldSummarizer:
    """Wraps the engine's summarizer: each summary waits until released, and calls are counted."""

    def __init__(self, inner):
        self.inner, self.backend = inner, inner.backend
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = 0

    def summarize(self, article):
        self.calls += 1
        self.started.set()
        assert self.release.wait(30)
        return self.inner.summarize(article)

    def overview(self, articles, language="zh"):
        return self.inner.overview(articles, language)

    def topic(self, match):
        return self.inner.topic(match)

    def timeline(self, match):
        return self.inner.timeline(match)


@pytest.fixture
def engine(tmp_path):
    assert LONG.chars > LONG_ARTICLE_CHARS
    engine = lexical_engine({a.id: a for a in (SHORT, LONG, LONG2)}, tmp_path / "index", answer_workers=1, heavy_workers=1)
    engine.summarizer = HeldSummarizer(engine.summarizer)
    yield engine
    engine.summarizer.release.set()


def test_a_lane_lets_in_at_most_its_size_in_the_order_they_came():
    lane, inside, order, peak = Lane("t", 2), [], [], [0]
    lock = threading.Lock()

    def work(n):
        with lane.slot():
            with lock:
                inside.append(n)
                order.append(n)
                peak[0] = max(peak[0], len(inside))
            time.sleep(0.05)
            with lock:
                inside.remove(n)

    threads = []
    for n in range(8):
        threads.append(threading.Thread(target=work, args=(n,)))
        threads[-1].start()
        time.sleep(0.005)
    for t in threads:
        t.join(10)
    assert peak[0] == 2 and sorted(order) == list(range(8)) and order[:2] == [0, 1]
    assert lane.busy == (0, 0) and lane.served == 8


def test_identical_requests_in_flight_are_computed_once_and_share_errors_too():
    flights, calls, gate = SingleFlight(), [], threading.Event()

    def slow():
        calls.append(1)
        gate.wait(10)
        return object()

    runs = [in_thread(flights.do, "k", slow) for _ in range(4)]
    time.sleep(0.2)
    gate.set()
    for t, _ in runs:
        t.join(10)
    values = {id(out["value"]) for _, out in runs}
    assert len(calls) == 1 and len(values) == 1 and flights.merged == 3

    def broken():
        time.sleep(0.2)
        raise ValueError("no")

    runs = [in_thread(flights.do, "e", broken) for _ in range(3)]
    for t, _ in runs:
        t.join(10)
    assert all(isinstance(out["error"], ValueError) for _, out in runs)


def test_four_users_asking_for_one_summary_get_it_from_one_computation(engine):
    runs = [in_thread(engine.summarize, "long") for _ in range(4)]
    assert engine.summarizer.started.wait(10)
    time.sleep(0.3)  # the other three arrive while the first is being made
    engine.summarizer.release.set()
    for t, _ in runs:
        t.join(30)
    assert engine.summarizer.calls == 1
    assert all(isinstance(out["value"], Summary) and out["value"].citations for _, out in runs)
    assert engine.workload.flights.merged == 3


def test_a_long_summary_in_flight_does_not_hold_back_a_quick_question(engine):
    """One quick slot and one heavy slot: the long article's summary takes the heavy one, so a question still
    gets the quick one at once (both would share a single slot without the lanes)."""
    summary, _ = in_thread(engine.summarize, "long")
    assert engine.summarizer.started.wait(10)
    t0 = time.monotonic()
    answer = engine.ask("渠岸镇召开了什么会议？")
    assert time.monotonic() - t0 < 5 and not answer.refused
    assert summary.is_alive()  # still held: the question did not wait for it
    engine.summarizer.release.set()
    summary.join(30)


def test_a_long_question_waits_in_the_heavy_lane_and_a_short_one_does_not(engine):
    summary, _ = in_thread(engine.summarize, "long")  # holds the heavy lane
    assert engine.summarizer.started.wait(10)
    long_question = "渠岸镇召开了什么会议？" + "请详细说明会议的内容和意义。" * (LONG_QUESTION_CHARS // 10)
    assert LONG_QUESTION_CHARS < len(long_question) <= 2000
    waiting, out = in_thread(engine.ask, long_question)
    assert not engine.ask("渠岸镇召开了什么会议？").refused  # the quick lane is free
    time.sleep(0.3)
    assert waiting.is_alive() and engine.workload.heavy.busy == (1, 1)
    engine.summarizer.release.set()
    waiting.join(30)
    summary.join(30)
    assert "value" in out


def test_a_cached_summary_of_a_long_article_does_not_queue(engine):
    engine.summarizer.release.set()
    first = engine.summarize("long")
    engine.summarizer.release.clear()
    engine.summarizer.started.clear()
    blocker, _ = in_thread(engine.summarize, "long2")  # held: the heavy lane is full
    assert engine.summarizer.started.wait(10)
    t0 = time.monotonic()
    again = engine.summarize("long")  # from the cache: no lane, no wait
    assert time.monotonic() - t0 < 2 and again.to_json() == first.to_json()
    engine.summarizer.release.set()
    blocker.join(30)


def test_topic_summaries_and_timelines_wait_in_the_heavy_lane_and_identical_ones_are_merged(engine):
    summary, _ = in_thread(engine.summarize, "long")  # holds the heavy lane
    assert engine.summarizer.started.wait(10)
    topics = [in_thread(engine.summarize_topic, "水利建设") for _ in range(2)]
    timeline, timeline_out = in_thread(engine.timeline, "水利建设")
    time.sleep(0.3)
    assert all(t.is_alive() for t, _ in topics) and timeline.is_alive()
    assert engine.workload.heavy.busy == (1, 2)  # the two topic requests are one computation in line
    assert not engine.ask("渠岸镇召开了什么会议？").refused  # the quick lane is free meanwhile
    engine.summarizer.release.set()
    for t, _ in [*topics, (timeline, None)]:
        t.join(30)
    assert engine.workload.flights.merged == 1
    assert all(isinstance(out["value"], Summary) for _, out in topics) and isinstance(timeline_out["value"], Summary)
