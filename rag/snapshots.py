"""The engine's snapshots: one immutable pairing of articles and the committed index state they are answered
from, built, loaded and checked here.

- `open_snapshot`: the index brought up to date with the corpus first (built when missing, rebuilt when damaged
  or of another format or chunking; an index of another embedder is refused with advice), then loaded.
- `last_complete`: without writing anything, the articles the committed index holds as they are in the corpus
  now, and what is behind (`Behind`: new or changed articles to index, removed ones to drop), so a server can
  answer at once and bring the rest in behind (rag.indexer), and `rag ask` can answer from the last complete
  index and say an update is pending.
"""

from __future__ import annotations

import errno
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Collection, Mapping

from rag.config import Config
from rag.contracts import Retriever
from rag.index.backend import IndexBackend
from rag.ingest.articles import Article, LoadReport, load_corpus
from rag.records import Filter, Hit
from rag.shelf import ShelfEntry, shelf_entries

if TYPE_CHECKING:
    from rag.index.embedders import Embedder

Log = Callable[[str], None]


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class IndexDamaged(Exception):
    """The index on disk cannot be used as it is; the engine rebuilds it from the corpus."""


@dataclass(frozen=True)
class Snapshot:
    """Everything a request reads; never mutated after construction (its shelf is worked out on first use)."""

    articles: dict[str, Article]
    retriever: Retriever
    index: IndexBackend | None = None  # the committed state the retriever reads (None: a retriever of its own)

    @cached_property
    def shelf(self) -> list[ShelfEntry]:
        """Every article with its shelf number and near-duplicate group (rag.shelf)."""
        from rag.ingest.duplicates import group_near_duplicates

        articles = list(self.articles.values())
        return shelf_entries(articles, group_near_duplicates(articles))


class NoIndex(Retriever):
    """The retriever of a server whose first index is still being built: it finds nothing."""

    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        return []

    def search_articles(self, query: str, k: int = 10, filter: Filter | None = None) -> list[tuple[str, float]]:
        return []


class ScopedRetriever(Retriever):
    """A retriever over an index that still holds articles the snapshot does not (removed from the corpus, or
    changed and not yet re-indexed): their chunks are never returned."""

    def __init__(self, inner: Retriever, allowed: Collection[str]):
        self.inner, self.allowed = inner, frozenset(allowed)

    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        ids = self.allowed if article_ids is None else self.allowed & set(article_ids)
        return self.inner.search(query, k=k, article_ids=ids, filter=filter)

    def search_articles(self, query: str, k: int = 10, filter: Filter | None = None) -> list[tuple[str, float]]:
        found = self.inner.search_articles(query, k=k + 16, filter=filter)
        return [(aid, score) for aid, score in found if aid in self.allowed][:k]


@dataclass
class Behind:
    """How far the committed index is behind the corpus."""

    pending: list[Article] = field(default_factory=list)  # new, or changed since they were indexed
    removed: list[str] = field(default_factory=list)  # indexed, no longer in the corpus
    rebuild: bool = False  # the index is missing or damaged: the first commit writes it anew
    why: str = ""  # what was wrong with it, when it is

    def __bool__(self) -> bool:
        return bool(self.pending or self.removed or self.rebuild)

    def describe(self) -> str:
        parts = []
        if self.pending:
            parts.append(f"{len(self.pending)} new or changed article{'s' if len(self.pending) != 1 else ''} to index")
        if self.removed:
            parts.append(f"{len(self.removed)} removed article{'s' if len(self.removed) != 1 else ''} to drop")
        return (self.why + ": " if self.why else "") + ("; ".join(parts) or "the index to write")


def load(config: Config, log: Log) -> LoadReport:
    report = load_corpus(list(config.corpus_paths))
    for skipped in report.skipped:
        log(f"warning: {skipped}")
    return report


def open_snapshot(config: Config, embedder, progress, log: Log) -> Snapshot:
    """The index brought up to date with the corpus (built, updated or rebuilt, with a message), then loaded."""
    from rag.index.backend import open_backend
    from rag.index.manifest import IndexMismatch

    loaded = load(config, log)
    try:
        status = open_backend(config).status(loaded.articles)
    except IndexMismatch:  # an unreadable manifest: the update below says why, or rebuilds
        status = "stale"
    if status != "fresh":
        where = config.index_uri or config.index_dir
        log(f"index {status} at {where}: building it now ({len(loaded.articles)} articles)")
        report = update_index(loaded, config, embedder, progress, log)
        log(report.summary())
    return load_or_rebuild(loaded, config, embedder, progress, log)


def update_index(loaded: LoadReport, config: Config, embedder, progress=True, log: Log = stderr_log,
                 wait: bool = True):
    """rag.index.pipeline.ingest; an index it cannot update (damaged, another format or chunking) is rebuilt.

    An index built with another embedder is refused (IndexMismatch says how to rebuild): re-embedding
    everything with another model is the user's decision. A write that fails (disk full, size limit)
    raises OSError saying that the previous index is unchanged."""
    from rag.index.manifest import IndexMismatch
    from rag.index.pipeline import ingest

    try:
        try:
            return ingest(loaded.articles, config, embedder, progress=progress, wait=wait)
        except IndexMismatch as exc:
            if _built_with_other_embedder(config, embedder):
                raise
            if config.index_backend != "faiss":
                raise  # a shared index is never dropped by an update: `rag ingest --rebuild` does that
            log(f"{_without_hint(exc)}: rebuilding it from the corpus")
            return ingest(loaded.articles, config, embedder, progress=progress, rebuild=True, wait=wait)
    except ConnectionError:
        raise  # an index server that cannot be reached: its own message says so
    except OSError as exc:
        # The new generation is written beside the old one and swapped in last, so the old one stands.
        # (numpy reports a short write as "N requested and M written", without an errno.)
        reason = exc.strerror or str(exc)
        if exc.errno is None or exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason += ": the disk is full or a file size limit was reached"
        failure = OSError(f"could not save the index at {config.index_uri or config.index_dir} ({reason}); "
                          "the previous index is unchanged")
        failure.errno = exc.errno  # (kept for callers; OSError(errno, msg) would print "[Errno None]" without one)
        raise failure from exc


def load_or_rebuild(loaded: LoadReport, config: Config, embedder, progress, log: Log) -> Snapshot:
    """The snapshot over the index; a damaged FAISS folder is rebuilt once, with a message. A shared (Milvus)
    index is only ever updated, never dropped, by an app: its other replicas are reading it."""
    from rag.index.pipeline import ingest

    try:
        return load_snapshot(loaded, config, embedder)
    except IndexDamaged as exc:
        rebuild = config.index_backend == "faiss"
        log(f"{exc}: {'rebuilding' if rebuild else 'updating'} it from the corpus")
        ingest(loaded.articles, config, embedder, progress=progress, rebuild=rebuild)
        return load_snapshot(loaded, config, embedder)


def load_snapshot(loaded: LoadReport, config: Config, embedder) -> Snapshot:
    """Load and check the index: every file is read now (not on a first request), and it must match the corpus."""
    from rag.index.backend import open_backend
    from rag.index.manifest import IndexMismatch

    where = config.index_uri or config.index_dir
    try:
        return snapshot_of(open_backend(config), loaded, config, embedder)
    except FileNotFoundError as exc:
        raise IndexDamaged(f"index at {where} is incomplete ({exc})") from exc
    except IndexMismatch as exc:
        if _built_with_other_embedder(config, embedder):
            raise
        raise IndexDamaged(_without_hint(exc)) from exc
    except IndexDamaged:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. EOFError from an empty vectors.npy
        raise IndexDamaged(f"index at {where} is damaged ({type(exc).__name__}: {exc})") from exc


def snapshot_of(index: IndexBackend, loaded: LoadReport, config: Config, embedder, following: bool = False) -> Snapshot:
    """A snapshot over one committed state of the index; IndexDamaged when it does not hold these articles.
    `following` another process's commit: files of articles still being ingested (an upload through another
    replica, placed before its commit) may already be there, and wait for the commit that adds them."""
    from rag.retrieve import Retriever

    if not index.exists:
        raise FileNotFoundError(f"no index at {index.where}; build one with: rag ingest")
    retriever = Retriever(index, embedder, config)
    articles = {a.id: a for a in loaded.articles}
    if following:
        held = index.articles()
        articles = {aid: a for aid, a in articles.items() if aid in held}
    problem = index.verify(articles)
    if problem:
        raise IndexDamaged(f"index at {index.where} does not match the corpus ({problem})")
    return Snapshot(articles, retriever, index)


def last_complete(loaded: LoadReport, config: Config, embedder: "Embedder") -> tuple[Snapshot, Behind]:
    """The snapshot over the committed index as it is, writing nothing: the articles it holds in the version the
    corpus has now (an index that still holds removed or older versions of articles answers without them), and
    what is behind. No usable index (missing, damaged, of another format or chunking): an empty snapshot and
    everything behind. An index built with another embedder raises IndexMismatch (re-embedding everything is
    the user's decision)."""
    from rag.index.backend import open_backend
    from rag.index.manifest import IndexMismatch

    where = config.index_uri or config.index_dir
    empty = Snapshot({}, NoIndex(), None)
    rebuild = config.index_backend == "faiss"  # (a shared index is updated, never dropped, by an app)
    try:
        index = open_backend(config)
        if not index.exists:
            return empty, Behind(list(loaded.articles), rebuild=rebuild, why=f"no index at {where} yet")
        index.check(embedder.id, embedder.dim)
    except IndexMismatch as exc:
        if _built_with_other_embedder(config, embedder):
            raise
        return empty, Behind(list(loaded.articles), rebuild=rebuild, why=_without_hint(exc))
    except Exception as exc:  # noqa: BLE001 - whatever an unreadable index raises
        return empty, Behind(list(loaded.articles), rebuild=rebuild, why=f"index at {where} is damaged ({exc})")
    held = index.articles()
    current = [a for a in loaded.articles if a.id in held and held[a.id].get("hash") == a.content_hash]
    # an entry written before dates were stored is rewritten by the next commit (its vectors are reused)
    behind = Behind([a for a in loaded.articles if a.id not in held or held[a.id].get("hash") != a.content_hash
                     or "date" not in held[a.id]])
    ids = {a.id for a in loaded.articles}
    behind.removed = [aid for aid in held if aid not in ids]
    others = [aid for aid in held if aid not in {a.id for a in current}]
    try:
        checked = snapshot_of(index, LoadReport(current + _stand_ins(index, others)), config, embedder)
    except Exception as exc:  # noqa: BLE001 - damaged files, chunks that do not match: written anew behind
        why = str(exc) if isinstance(exc, IndexDamaged) else f"index at {where} is damaged ({type(exc).__name__}: {exc})"
        return empty, Behind(list(loaded.articles), rebuild=rebuild, why=why)
    retriever = ScopedRetriever(checked.retriever, [a.id for a in current]) if others else checked.retriever
    return Snapshot({a.id: a for a in current}, retriever, index), behind


def _stand_ins(index: IndexBackend, article_ids: list[str]) -> list[Article]:
    """For the check of the whole index: articles made of the index's own chunks (spaces between them) for what
    the corpus no longer has in that version. They are never answered from (ScopedRetriever)."""
    if not article_ids:
        return []
    table = index.fetch(article_ids=article_ids)
    spans: dict[str, dict[int, list]] = {}
    for chunk in table.chunks:
        spans.setdefault(chunk.article_id, {}).setdefault(chunk.paragraph, []).append(chunk)
    out = []
    for aid in article_ids:
        paragraphs = []
        by_paragraph = spans.get(aid, {})
        for number in range(1, max(by_paragraph, default=0) + 1):
            chunks = by_paragraph.get(number, [])
            text = [" "] * max((c.end for c in chunks), default=0)
            for c in chunks:
                text[c.start : c.end] = c.text
            paragraphs.append("".join(text))
        out.append(Article(aid, index.title(aid), tuple(paragraphs)))
    return out


def _built_with_other_embedder(config: Config, embedder) -> bool:
    """True when a readable manifest names another embedder (or dimension) than this run's."""
    from rag.index.backend import open_backend

    try:
        built = open_backend(config).manifest["embedder"]
        return built["id"] != embedder.id or int(built["dim"]) != int(embedder.dim)
    except Exception:  # noqa: BLE001 - missing or unreadable: not a question of embedders
        return False


def _without_hint(exc: Exception) -> str:
    """An IndexMismatch message without its "Rebuild with: ..." advice (the engine rebuilds itself)."""
    return re.split(r"\.?\s*Rebuild with", str(exc))[0].rstrip(". ")
