"""What a corpus holds that filters test: each article's date and outlets, the span of its dates, and the
anchor that relative dates (上周, last week) count from; which articles a `Filter` admits."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Mapping

from rag.config import Config
from rag.ingest.articles import Article
from rag.lang.outlets import OutletIndex, build_index
from rag.lang.when import DateRange, corpus_span_of
from rag.records import Filter


@dataclass(frozen=True)
class CorpusFacts:
    """Built once per set of articles (`facts_for`); immutable."""

    articles: Mapping[str, Article]
    outlets: OutletIndex
    article_outlets: Mapping[str, frozenset[str]]  # article id → the canonical outlets its credit names
    span: tuple[date, date] | None  # (oldest, newest) full article date

    @classmethod
    def of(cls, articles: Mapping[str, Article]) -> "CorpusFacts":
        index = build_index(a.source for a in articles.values())
        own = {aid: index.outlets_of(a.source) for aid, a in articles.items()}
        return cls(articles, index, own, corpus_span_of(a.date for a in articles.values()))

    def anchor(self, config: Config) -> date | None:
        """The day relative dates count from: config.date_anchor (`corpus`: the newest article's date, `today`,
        or a date)."""
        setting = config.date_anchor
        if setting == "corpus":
            return self.span[1] if self.span else None
        if setting == "today":
            return date.today()
        return date.fromisoformat(setting)

    def outlets_of(self, names) -> frozenset[str]:
        """The canonical outlets names stand for, each with its group (新华社 → 新华社, 新华网)."""
        return frozenset(o for n in names for o in self.outlets.group(n))

    def admits(self, f: Filter, article: Article) -> bool:
        """Whether `article` passes the filter (its dates as rag.records.Filter says; its outlets by credit)."""
        if f.sources and not self.article_outlets.get(article.id, frozenset()) & self.outlets_of(f.sources):
            return False
        if f.since or f.until:
            return DateRange.from_bounds(f.since, f.until).admits(article.date)
        return True

    def matching(self, f: Filter) -> list[str]:
        """The ids of the articles the filter admits, in shelf order (every article for an empty filter)."""
        if not f:
            return list(self.articles)
        rng = DateRange.from_bounds(f.since, f.until) if (f.since or f.until) else None
        wanted = self.outlets_of(f.sources)
        return [aid for aid, a in self.articles.items()
                if (not wanted or self.article_outlets.get(aid, frozenset()) & wanted)
                and (rng is None or rng.admits(a.date))]


_cache: dict[int, CorpusFacts] = {}
_lock = threading.Lock()
_CACHED = 4  # snapshots whose facts are kept (an ingest replaces the engine's snapshot whole)


def facts_for(articles: Mapping[str, Article]) -> CorpusFacts:
    """The facts of a snapshot's articles, built on first use and kept while the mapping is (by identity:
    a snapshot's articles never change)."""
    key = id(articles)
    with _lock:
        found = _cache.get(key)
        if found is not None and found.articles is articles:
            return found
    facts = CorpusFacts.of(articles)
    with _lock:
        if len(_cache) >= _CACHED:
            _cache.pop(next(iter(_cache)))
        _cache[key] = facts
    return facts
