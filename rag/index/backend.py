"""The index behind retrieval: one interface (`IndexBackend`), two implementations chosen by name (`BACKENDS`):
`faiss`, a folder on this machine (rag.index.faiss_backend, the default), and `milvus`, a Milvus server or an
embedded milvus-lite file (rag.index.milvus, imported only when chosen: pymilvus is an optional extra).

An instance reads one committed state of the index: its manifest, dense and lexical searches, both limited by
a `Where` (dates, outlets, articles) applied inside the index, and chunks by key. Between `begin` (which takes
the single-writer lock) and `commit` it also writes the next state; searches never see a write before the
commit that publishes it, and `latest()` is how a reader (another replica) moves on to it.

Implement the ten abstract methods; the rest (the candidates a question is fused from, manifest checks,
freshness, reusing an article's previous vectors) derives from them, and an implementation may override a
derived method where it has a faster way (the FAISS backend does for `candidates`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Collection, Mapping, Protocol, Sequence

import numpy as np

from rag.config import Config, ConfigError
from rag.index.inputs import passage_input
from rag.index.manifest import check_manifest, chunk_settings
from rag.ingest.articles import Article
from rag.ingest.chunks import Chunk
from rag.records import Filter

UNDATED = -(2**31)  # the day number of an article without a (readable) date: no date bound admits it
_EPOCH = dt.date(1970, 1, 1).toordinal()


class WriterBusy(Exception):
    """Another process holds the index's writer lock (and this one was told not to wait, or gave up)."""


# ---- what a search may return -----------------------------------------------------------------------------


def day_number(iso: str | None) -> int:
    """An article's date (ISO 8601, `YYYY-MM-DD[THH:MM…]`) as days since 1970-01-01, sortable; UNDATED when
    missing, unreadable or year-less."""
    try:
        return dt.date.fromisoformat((iso or "")[:10]).toordinal() - _EPOCH
    except ValueError:
        return UNDATED


def day_iso(days: int) -> str | None:
    return None if days == UNDATED else dt.date.fromordinal(days + _EPOCH).isoformat()


NO_MONTH_DAY = 0


def month_day(iso: str | None) -> int:
    """An article's day of the year as MMDD (a dated `2023-07-27` and a year-less `--07-27` both give 727), for
    year-less filters; NO_MONTH_DAY when it has no day."""
    iso = iso or ""
    if iso.startswith("--"):
        iso = "2000" + iso[1:]  # (a leap year: --02-29 is a day)
    try:
        d = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return NO_MONTH_DAY
    return d.month * 100 + d.day


def _bound(iso: str, end: bool) -> int:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the day number of the first (or, `end`, the last) day it covers."""
    parts = iso.strip()[:10].split("-")
    try:
        year, month, day = (int(p) for p in parts + ["0"] * (3 - len(parts)))
        if len(parts) < 3:
            month = month or (12 if end else 1)
            day = calendar.monthrange(year, month)[1] if end else 1
        return dt.date(year, month, day).toordinal() - _EPOCH
    except (ValueError, TypeError):
        raise ValueError(f"not a date: {iso!r} (use YYYY-MM-DD, YYYY-MM, YYYY, or year-less --MM-DD, --MM)") from None


def _month_day_bound(iso: str, end: bool) -> int:
    """Year-less `--MM-DD` or `--MM` as MMDD (the month's last day for `end`)."""
    parts = iso.strip()[2:].split("-")
    try:
        month = int(parts[0])
        day = int(parts[1]) if len(parts) > 1 and parts[1] else (calendar.monthrange(2000, month)[1] if end else 1)
        dt.date(2000, month, day)
        return month * 100 + day
    except (ValueError, TypeError, IndexError):
        raise ValueError(f"not a year-less date: {iso!r} (use --MM-DD or --MM)") from None


@dataclass(frozen=True)
class DateRule:
    """A filter's dates. Dated (`since`/`until` with a year): an article's day number within [lo, hi]; an article
    without a full date is outside. Year-less (`--MM-DD` ends, records.Filter): the day of the year within
    [lo, hi] (MMDD; a window across the new year when lo > hi), for a dated article in any year and for a
    year-less one; an undated article is outside. None: no date limit."""

    yearless: bool
    lo: int | None
    hi: int | None

    @classmethod
    def of(cls, f: Filter) -> "DateRule | None":
        ends = [e for e in (f.since, f.until) if e]
        if not ends:
            return None
        yearless = [e.strip().startswith("--") for e in ends]
        if any(yearless) and not all(yearless):
            raise ValueError(f"a date filter's ends are both dated or both year-less, not {f.since!r} and {f.until!r}")
        if all(yearless):
            lo = _month_day_bound(f.since, False) if f.since else 101
            hi = _month_day_bound(f.until, True) if f.until else 1231
            return cls(True, lo, hi)
        return cls(False, _bound(f.since, False) if f.since else None, _bound(f.until, True) if f.until else None)

    def empty(self) -> bool:
        return not self.yearless and self.lo is not None and self.hi is not None and self.lo > self.hi

    def mask(self, days: np.ndarray, month_days: np.ndarray) -> np.ndarray:
        """The rule over many articles at once: their `day_number`s and `month_day`s → which pass (the FAISS
        index's filters, and rag.scope's count of what a range holds)."""
        if self.yearless:  # the day of the year, dated or year-less articles alike
            md = month_days
            inside = ((md >= self.lo) & (md <= self.hi)) if self.lo <= self.hi else ((md >= self.lo) | (md <= self.hi))
            return inside & (md != NO_MONTH_DAY)
        ok = days != UNDATED  # an article without a full date is outside any dated bound
        if self.lo is not None:
            ok &= days >= self.lo
        if self.hi is not None:
            ok &= days <= self.hi
        return ok

    def admits(self, iso: str | None) -> bool:
        """The rule for one article's date (ISO, year-less `--MM-DD`, or None)."""
        if self.yearless:
            md = month_day(iso)
            inside = (self.lo <= md <= self.hi) if self.lo <= self.hi else (md >= self.lo or md <= self.hi)
            return md != NO_MONTH_DAY and inside
        day = day_number(iso)
        return day != UNDATED and (self.lo is None or day >= self.lo) and (self.hi is None or day <= self.hi)


@dataclass(frozen=True)
class Where:
    """Which chunks a search may return: those of articles whose date the filter's `DateRule` admits, by one of
    its sources (when it names any; matched exactly against the article's stored source), and, when
    `article_ids` is given, of those articles only."""

    filter: Filter = Filter()
    article_ids: frozenset[str] | None = None

    @classmethod
    def of(cls, filter: Filter | None = None, article_ids: Collection[str] | None = None) -> "Where":
        return cls(filter or Filter(), None if article_ids is None else frozenset(article_ids))

    def __bool__(self) -> bool:
        return bool(self.filter) or self.article_ids is not None

    def dates(self) -> DateRule | None:
        """The filter's date rule (ValueError names a malformed date)."""
        return DateRule.of(self.filter)

    def empty(self) -> bool:
        """True when nothing can pass (no articles allowed, or a dated since after its until)."""
        rule = self.dates()
        return (self.article_ids is not None and not self.article_ids) or (rule is not None and rule.empty())


# ---- what searches and fetches return ---------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A search's chunks, best first: each one's key (the backend's own: a row number, a content hash), its
    score (cosine, or BM25) and its article's id."""

    keys: np.ndarray
    scores: np.ndarray
    article_ids: Sequence[str]

    @classmethod
    def none(cls) -> "Found":
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), ())

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class ChunkTable:
    """Fetched chunks with their keys, and their vectors when asked for."""

    keys: np.ndarray
    chunks: list[Chunk]
    vectors: np.ndarray | None = None


class ChunkPool(Protocol):
    """What a question's candidates are numbered in: chunk i is `chunks[i]`, of article `article_ids[chunk_article[i]]`.
    (The FAISS index is its own pool; a Milvus question gets one of its own.)"""

    chunks: Sequence[Chunk]
    chunk_article: np.ndarray
    article_ids: Sequence[str]


@dataclass(frozen=True)
class Pool:
    chunks: Sequence[Chunk]
    chunk_article: np.ndarray
    article_ids: Sequence[str]


@dataclass(frozen=True)
class CandidateSet:
    """A question's candidates, for fusion: ids in `pool`, ascending; the dense and lexical top lists (ids, best
    first); both signals for every candidate (None for a signal not asked for); ms per stage."""

    pool: ChunkPool
    rows: np.ndarray
    dense_ids: np.ndarray
    lexical_ids: np.ndarray
    dense: np.ndarray | None
    lexical: np.ndarray | None
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleChunks:
    """One article as an ingest writes it: its manifest entry (hash, title, chars, date, source, chunks), its
    chunks, their vectors and BM25 tokens, and its title's tokens."""

    article_id: str
    entry: dict
    chunks: list[Chunk]
    vectors: np.ndarray
    tokens: list[list[str]]
    title_tokens: list[str]

    @classmethod
    def of(cls, article: Article, chunks: list[Chunk], vectors: np.ndarray, tokens: list[list[str]],
           title_tokens: list[str]) -> "ArticleChunks":
        entry = {"hash": article.content_hash, "title": article.title, "chars": article.chars, "date": article.date,
                 "source": article.source, "chunks": len(chunks)}
        return cls(article.id, entry, chunks, vectors, tokens, title_tokens)

    @property
    def title(self) -> str:
        return self.entry.get("title", "")


EMPTY_IDS = np.zeros(0, dtype=np.int64)


class IndexBackend(ABC):
    """An index of article chunks: the committed state it reads, and (between `begin` and `commit`) the next
    state it writes. Chosen by `Config.index_backend` from `BACKENDS`."""

    name: ClassVar[str]

    def __init__(self, config: Config):
        self.config = config

    # -- the committed state this instance reads ----------------------------------------------------------
    @property
    @abstractmethod
    def manifest(self) -> dict:
        """The committed manifest (embedder, dim, chunking, versions, counts; `articles`, when the backend keeps
        them in it, see `articles()`); {} when there is no index yet."""

    @abstractmethod
    def dense_search(self, qvec: np.ndarray, k: int, where: Where | None = None) -> Found:
        """The k chunks nearest a (dim,) query vector by inner product, among those `where` admits."""

    @abstractmethod
    def lexical_search(self, tokens: Sequence[str], k: int, where: Where | None = None) -> Found:
        """The k chunks with the highest BM25 score (> 0) for query tokens, among those `where` admits."""

    @abstractmethod
    def fetch(self, keys: Sequence | None = None, article_ids: Collection[str] | None = None,
              vectors: bool = False) -> ChunkTable:
        """Chunks by key (in the order given; unknown keys left out), or every chunk of some articles."""

    @abstractmethod
    def latest(self) -> "IndexBackend":
        """This index at its newest committed state: `self` when nothing was committed since it was opened."""

    # -- writing the next state -----------------------------------------------------------------------------
    @abstractmethod
    def begin(self, embedder_id: str, dim: int, rebuild: bool = False, wait: bool = True,
              say: Callable[[str], None] | None = None) -> None:
        """Take the writer lock (waiting for another writer, saying so through `say`, or WriterBusy when `wait`
        is False), then read the newest committed state (IndexMismatch when it was built with another embedder
        or chunking); `rebuild` starts from an empty index instead."""

    @abstractmethod
    def upsert(self, part: ArticleChunks) -> None:
        """Write one article (new, or replacing its previous chunks)."""

    @abstractmethod
    def delete(self, article_ids: Collection[str]) -> None:
        """Remove articles and their chunks."""

    @abstractmethod
    def commit(self, final: bool = True, say: Callable[[str], None] | None = None) -> None:
        """Publish what was written since `begin` (or the last commit) as one new state, atomically; `final`
        also releases the lock. A process killed before the commit leaves the previous state as it was.
        `say` receives what it is doing, for a progress display."""

    @abstractmethod
    def abort(self) -> None:
        """Give up the writes since the last commit and release the lock (the next writer also cleans up what
        a killed one left)."""

    # -- derived ----------------------------------------------------------------------------------------------
    @property
    def where(self) -> str:
        """The index's location, for messages."""
        return str(self.config.index_uri or self.config.index_dir)

    @property
    def exists(self) -> bool:
        return bool(self.manifest)

    def __len__(self) -> int:
        """Chunks in the committed state."""
        return int(self.manifest.get("counts", {}).get("chunks", 0))

    @property
    def generation(self) -> str:
        """The committed state this instance reads (changes with every commit)."""
        return str(self.manifest.get("data", ""))

    def articles(self) -> dict[str, dict]:
        """Every article's manifest entry (hash, title, chars, date, source, chunks), by id."""
        return self.manifest.get("articles", {})

    def title(self, article_id: str) -> str:
        return self.articles().get(article_id, {}).get("title", "")

    def sources(self) -> set[str]:
        """The distinct stored sources (what `Filter.sources` is matched against)."""
        return {e["source"] for e in self.articles().values() if e.get("source")}

    def check(self, embedder_id: str, dim: int) -> None:
        """IndexMismatch (with the command that rebuilds) when this run's embedder or chunking differs."""
        if self.exists:
            check_manifest(self.manifest, self.where, embedder_id, dim, self.config)

    def status(self, articles: Sequence[Article]) -> str:
        """'missing', 'stale' (content or chunking differs) or 'fresh'."""
        if not self.exists:
            return "missing"
        if self.manifest.get("chunking") != chunk_settings(self.config):
            return "stale"
        entries = self.articles()
        have = {aid: e["hash"] for aid, e in entries.items()}
        # an index written before articles' dates and sources were stored is brought up to date (vectors reused)
        dated = all("date" in e for e in entries.values())
        return "fresh" if have == {a.id: a.content_hash for a in articles} and dated else "stale"

    def verify(self, articles: Mapping[str, Article]) -> str | None:
        """Why this index cannot be trusted with these articles, or None: here, that it holds other articles.
        (A backend that can afford it checks more: the FAISS one checks every chunk and vector.)"""
        have = set(self.articles())
        if have != set(articles):
            extra = sorted(have ^ set(articles))
            return f"articles differ: {', '.join(extra[:3])}"
        return None

    def previous_vectors(self, article_id: str) -> dict[str, np.ndarray]:
        """What the embedder saw for each chunk of an article's committed version → its vector."""
        entry = self.articles().get(article_id)
        if not entry:
            return {}
        table = self.fetch(article_ids=[article_id], vectors=True)
        return {passage_input(entry.get("title", ""), c.text): v for c, v in zip(table.chunks, table.vectors)}

    def query_tokens(self, query: str) -> list[str]:
        """A question's BM25 tokens (rag.index.lexical.tokenize_query)."""
        from rag.index.lexical import tokenize_query

        return tokenize_query(query)

    def candidates(self, qvec: np.ndarray | None, tokens: Sequence[str] | None, pool: int, where: Where,
                   whole_articles: bool) -> CandidateSet:
        """The dense and the lexical top `pool` (each skipped when its input is None), then every chunk of
        their articles (`whole_articles`) or just them, with both signals computed exactly for each."""
        t = {"dense": 0.0, "lexical": 0.0}
        clock = time.perf_counter()
        dense = self.dense_search(qvec, pool, where) if qvec is not None else Found.none()
        t["dense"] = _ms(clock)
        clock = time.perf_counter()
        lexical = self.lexical_search(tokens, pool, where) if tokens else Found.none()
        t["lexical"] = _ms(clock)
        clock = time.perf_counter()
        if whole_articles:
            articles = list(dict.fromkeys([*dense.article_ids, *lexical.article_ids]))
            table = self.fetch(article_ids=articles, vectors=qvec is not None) if articles else None
        else:
            keys = list(dict.fromkeys([*dense.keys.tolist(), *lexical.keys.tolist()]))
            table = self.fetch(keys=keys, vectors=qvec is not None) if keys else None
        if table is None or not table.chunks:
            return CandidateSet(Pool([], EMPTY_IDS, []), EMPTY_IDS, EMPTY_IDS, EMPTY_IDS, None, None, t)
        ids = list(dict.fromkeys(c.article_id for c in table.chunks))
        number = {a: i for i, a in enumerate(ids)}
        candidate_pool = Pool(table.chunks, np.array([number[c.article_id] for c in table.chunks], np.int64), ids)
        local = {k: i for i, k in enumerate(table.keys.tolist())}
        t["dense"] += _ms(clock)  # (fetching the candidates' vectors counts as dense search)
        lex = None
        if tokens is not None:
            clock = time.perf_counter()
            lex = np.zeros(len(table.chunks), dtype=np.float64)
            if len(lexical):
                scored = self.lexical_search(tokens, len(table.chunks), Where(where.filter, frozenset(ids)))
                for key, score in zip(scored.keys.tolist(), scored.scores.tolist()):
                    if key in local:
                        lex[local[key]] = score
            t["lexical"] += _ms(clock)
        rows = np.arange(len(table.chunks), dtype=np.int64)
        return CandidateSet(
            candidate_pool, rows,
            np.array([local[k] for k in dense.keys.tolist() if k in local], dtype=np.int64),
            np.array([local[k] for k in lexical.keys.tolist() if k in local], dtype=np.int64),
            None if qvec is None else table.vectors @ np.asarray(qvec, dtype=np.float32),
            lex, t)

    def close(self) -> None:
        """Release connections and locks (a no-op where there are none)."""


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


# name → "module:class" (imported when chosen, so that an optional backend's library is never imported otherwise)
BACKENDS: dict[str, str] = {
    "faiss": "rag.index.faiss_backend:FaissBackend",
    "milvus": "rag.index.milvus:MilvusBackend",
}


def backend_class(name: str) -> type[IndexBackend]:
    if name not in BACKENDS:
        raise ConfigError(f"index_backend must be one of {', '.join(BACKENDS)}, not {name!r}")
    module, _, cls = BACKENDS[name].partition(":")
    try:
        return getattr(importlib.import_module(module), cls)
    except ImportError as exc:
        raise ConfigError(f"index_backend {name} needs its optional libraries ({exc.name or exc} is missing): "
                          f"pip install -e '.[{name}]'") from None


def open_backend(config: Config) -> IndexBackend:
    """The configured index at its newest committed state (empty when there is none yet). A damaged index
    raises IndexMismatch; an unreachable server or a missing optional library, a one-line error."""
    return backend_class(config.index_backend)(config)
