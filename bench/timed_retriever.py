"""Retrieval timings of whole answers (Engine.ask), for benchmarks that ask one question at a time.

The product's Retriever returns each search's timings with its result (`Retriever.search_timed`); answering
calls `search`, so an engine built on `TimedRetriever` keeps them until the benchmark takes them.
"""

from __future__ import annotations

from typing import Collection

from rag.records import Filter, Hit
from rag.retrieve import STAGES, Retriever


class TimedRetriever(Retriever):
    """A Retriever that keeps the timings of its searches until `take_timings` (one caller at a time)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept: list[dict[str, float]] = []

    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        result = self.search_timed(query, k, article_ids, filter)
        self._kept.append(result.timings)
        return result.hits

    def take_timings(self) -> dict[str, float]:
        """ms per stage (rag.retrieve.STAGES), summed over the searches since the last call; {} when none."""
        kept, self._kept = self._kept, []
        return {stage: sum(t.get(stage, 0.0) for t in kept) for stage in STAGES} if kept else {}


def timed_engine(engine):
    """The same engine (corpus, index, embedder) over a TimedRetriever: (engine, its retriever)."""
    from rag.engine import Engine, Snapshot

    r = engine.retriever
    timed = TimedRetriever(r.index, r.embedder, r.config, r.fusion)
    return Engine(engine.config, Snapshot(engine.articles, timed, r.index), r.embedder, log=lambda _m: None), timed
