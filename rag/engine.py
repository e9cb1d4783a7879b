"""The running system: a loaded corpus, its index and retriever, and the answer/summary entry points.

The CLI and the web UI both drive an `Engine`. Its state lives in one immutable `Snapshot`, replaced
whole after an ingest, so a request never sees a half-built index; each request reads one snapshot
from start to end through an `EngineView`.

Robustness, in one place:
- An index that cannot be read (damaged or truncated files, a manifest from another format or chunking,
  chunks that do not match the corpus) is rebuilt from the corpus with a message saying why; an index
  built with another embedder is refused with advice instead (re-embedding is the user's choice).
- Uploads are checked (type, size before reading, content) and stored under a safe name inside the
  first corpus folder, never over a different file, atomically; a failed ingest takes them back out.
- The summary cache is only a cache: a damaged entry is recomputed, a failed write is logged, and a
  cached summary whose quotes do not hold in its article is never shown.
"""

from __future__ import annotations

import errno
import filecmp
import os
import re
import shutil
import sys
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from rag.ingest.articles import SUPPORTED_SUFFIXES, Article, LoadReport, Skipped, load_corpus
from rag.config import Config

Log = Callable[[str], None]

STAGING_PREFIX = ".upload-"  # hidden staging folders inside the corpus folder (the loader skips them)
MAX_NAME_CHARS = 60  # stem length of a stored upload (CJK is 3 bytes a character; names stay < 255 bytes)


def stderr_log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class IndexDamaged(Exception):
    """The index on disk cannot be used as it is; the engine rebuilds it from the corpus."""


@dataclass(frozen=True)
class Snapshot:
    """Everything a request reads; never mutated after construction."""

    articles: dict[str, Article]
    retriever: "object"  # rag.retrieve.Retriever


class _SnapshotReads:
    """Reads from `self._snapshot` (an Engine's current one, or the one a view pinned)."""

    _snapshot: Snapshot

    @property
    def articles(self) -> dict[str, Article]:
        return self._snapshot.articles

    @property
    def retriever(self):
        return self._snapshot.retriever

    def search(self, query: str, k: int = 10):
        return self._snapshot.retriever.search(query, k=k)


class EngineView(_SnapshotReads):
    """One request's view of the engine: every read comes from the same snapshot, even when an ingest
    swaps in a new one meanwhile (articles and retriever never come from two different indexes)."""

    def __init__(self, engine: "Engine", snapshot: Snapshot):
        self._engine = engine
        self._snapshot = snapshot
        self.config = engine.config

    def summarize(self, article_id: str):
        article = self.articles.get(article_id)
        if article is None:
            raise KeyError(f"no article with id {article_id!r}")
        return self._engine._summary_of(article)

    def overview(self):
        return self._engine._overview_of(list(self.articles.values()))


class Engine(_SnapshotReads):
    def __init__(self, config: Config, snapshot: Snapshot, embedder, log: Log = stderr_log):
        self.config = config
        self._snapshot = snapshot
        self._embedder = embedder
        self._log = log
        self._ingest_lock = threading.Lock()
        self._summaries = None

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def open(cls, config: Config, progress=True, log: Log = stderr_log) -> "Engine":
        """Load the corpus, build or update the index when missing, stale or damaged, and load it."""
        from rag.index.embedders import make_embedder

        if config.llm != "extractive":
            from rag.answering.llm import check_config

            check_config(config)  # a bad --llm fails here, in one line, before any index work
        embedder = make_embedder(config)
        snapshot = _build_snapshot(config, embedder, progress, log)
        return cls(config, snapshot, embedder, log)

    # ---- reading ------------------------------------------------------------------------------
    def view(self) -> EngineView:
        """The current snapshot, pinned for one request."""
        return EngineView(self, self._snapshot)

    def ask(self, question: str, conversation=None, k: int | None = None):
        """A cited answer (rag.answering.extractive.Answer) to one question, following up on `conversation` if given.

        Raises rag.answering.extractive.QuestionError (a ValueError) for a question too long to ask."""
        from rag.chat import answer_in_conversation

        return answer_in_conversation(self.view(), question, conversation, k)

    def respond(self, message: str, conversation=None, k: int | None = None):
        """Chat entry point: routes summary requests, follow-ups and questions (rag.chat.respond).

        `k`: sources to use for this request (the web page's setting); None uses config.k."""
        from rag.chat import respond

        return respond(self.view(), message, conversation, k)

    def respond_stream(self, message: str, conversation=None, k: int | None = None):
        """`respond` as it happens: a model's unverified draft as it grows (str), then (reply, conversation)."""
        from rag.chat import respond_stream

        return respond_stream(self.view(), message, conversation, k)

    @property
    def summaries(self) -> "GuardedSummaries":
        if self._summaries is None:
            self._summaries = GuardedSummaries(self.config.index_dir, self._log)
        return self._summaries

    def summarize(self, article_id: str):
        """The cited summary (rag.answering.summaries.Summary) of one article; KeyError names unknown ids."""
        return self.view().summarize(article_id)

    def overview(self):
        """One cited line per article."""
        return self.view().overview()

    def _summary_of(self, article: Article):
        if self.config.llm != "extractive":
            from rag.answering import llm

            return llm.summarize_article(article, self.config, self.summaries)
        from rag.answering.summaries import summarize_article

        return self.summaries.get_or_make(article, summarize_article)

    def _overview_of(self, articles: list[Article]):
        from rag.answering.summaries import overview

        return overview(articles, self.summaries)

    # ---- writing ------------------------------------------------------------------------------
    def add_files(self, files: Sequence[Path], progress=True):
        """Store uploads in the first corpus folder, re-ingest, and swap in the new snapshot.

        Returns the IngestReport; files that were not added are in its `skipped` with the reason.
        Each file is checked before anything is stored (type, then size before it is read, then its
        content), stored under a safe name that never replaces a different file, and taken back out
        if the ingest fails, so a failed upload changes nothing.
        """
        target = Path(self.config.corpus[0])
        if target.is_file():
            raise ValueError(f"uploads need a corpus folder, and the first corpus entry {target} is a file")
        with self._ingest_lock:
            target.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(target)
            placed: list[Path] = []
            rejected: list[Skipped] = []
            for f in files:
                stored, problem = self._place_upload(Path(f), target)
                if stored is not None:
                    placed.append(stored)
                if problem is not None:
                    rejected.append(problem)
            if not placed:
                # Nothing new to index: report without touching the index.
                from rag.index.pipeline import IngestReport

                return IngestReport(unchanged=list(self.articles), skipped=rejected)
            try:
                snapshot, report = _ingest_snapshot(self.config, self._embedder, progress, self._log)
            except BaseException:
                for p in placed:  # the upload failed as a whole: the corpus goes back to what the index holds
                    p.unlink(missing_ok=True)
                raise
            report.skipped = rejected + list(report.skipped)
            self._snapshot = snapshot
            return report

    def _place_upload(self, source: Path, target: Path) -> tuple[Path | None, Skipped | None]:
        """(stored path, None), or (None, why it was not added) for one upload."""
        from rag.ingest.articles import load_file

        shown = safe_file_name(source.name)
        if source.suffix.lower() not in SUPPORTED_SUFFIXES:
            return None, Skipped(shown, f"unsupported file type {source.suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
        try:
            size = source.stat().st_size  # the size is checked before a byte is read
        except OSError as exc:
            return None, Skipped(shown, f"the upload cannot be read ({exc.strerror or exc})")
        if not source.is_file():
            return None, Skipped(shown, "not a regular file")
        limit = self.config.max_upload_mb * 1024 * 1024
        if size > limit:
            return None, Skipped(shown, f"{size / 1048576:.1f} MB is over the {self.config.max_upload_mb} MB limit")
        existing = self.articles
        stage = target / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        try:
            name = _free_name(shown, target, existing, source)
            if (target / name).exists():
                return None, Skipped(shown, f"already in the corpus as {name} (the same file)")
            stage.mkdir()
            staged = stage / name  # loaded under its final name, so its ids are the ones it will have
            shutil.copyfile(source, staged)
            articles, skipped = load_file(staged)
            if not articles:
                return None, Skipped(shown, skipped[0].reason if skipped else "no article text")
            clash = sorted({a.id for a in articles} & set(existing))
            if clash:
                ids = ", ".join(clash[:5]) + (" …" if len(clash) > 5 else "")
                return None, Skipped(shown, f"ids already used by other articles: {ids}; give the records other ids")
            twins = {a.content_hash: a for a in existing.values()}
            if all(a.content_hash in twins for a in articles):
                twin = twins[articles[0].content_hash]
                return None, Skipped(shown, f"already on the shelf: the same text as “{twin.title}” ({twin.id})")
            final = target / name
            os.replace(staged, final)  # atomic: the corpus never holds half a file
            if name != shown:
                self._log(f"upload {shown} stored as {name}: that name was taken by a different file")
            return final, None
        except OSError as exc:
            return None, Skipped(shown, f"could not be stored ({exc.strerror or exc})")
        finally:
            shutil.rmtree(stage, ignore_errors=True)


# ---- uploads -------------------------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r"[^\w.\-]+")  # \w is Unicode: Chinese names stay readable


def safe_file_name(name: str, fallback: str = "upload") -> str:
    """A plain file name for an upload: no folders (either slash), no leading dot, no control or shell
    characters, a bounded length, the suffix in lower case. `../../x.txt` → `x.txt`."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = unicodedata.normalize("NFC", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = _UNSAFE_CHARS.sub("_", stem).strip("._- ")
    stem = re.sub(r"_{2,}", "_", stem)[:MAX_NAME_CHARS] or fallback
    suffix = _UNSAFE_CHARS.sub("", suffix).lower()[:10]
    return f"{stem}.{suffix}" if suffix else stem


def _free_name(name: str, folder: Path, articles: dict[str, Article], source: Path) -> str:
    """`name`, or `stem-2.ext`, `stem-3.ext` ... when a different file (or an article id) has it; the
    name of an identical stored file as it is. So a re-upload with another text becomes a second
    article and never replaces the stored one silently."""
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 1
    while True:
        path = folder / candidate
        if path.exists():
            if path.is_file() and filecmp.cmp(path, source, shallow=False):
                return candidate
        elif suffix == ".jsonl" or os.path.splitext(candidate)[0] not in articles:
            return candidate  # (a .txt/.md/.html file's article id is its stem: that must be free too)
        n += 1
        candidate = f"{stem}-{n}{suffix}"


def _remove_stale_staging(folder: Path) -> None:
    """Leftovers of an upload that was killed half-way (hidden, so never loaded, but they take space)."""
    for entry in folder.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)


# ---- the summary cache, guarded ------------------------------------------------------------------------


def quotes_hold(summary, article: Article) -> bool:
    """True when every citation of a summary quotes the article verbatim where it says."""
    for c in summary.citations:
        if not 1 <= c.paragraph <= len(article.paragraphs):
            return False
        if article.paragraph(c.paragraph)[c.start : c.end] != c.quote or not c.quote:
            return False
    return True


class GuardedSummaries:
    """rag.answering.summaries.SummaryCache, made safe to depend on: it is only a cache."""

    def __init__(self, index_dir: Path, log: Log):
        from rag.answering.summaries import SummaryCache

        self._folder = Path(index_dir)
        self._cache = SummaryCache(self._folder)
        self._log = log

    @property
    def path(self) -> Path:
        return self._cache.path

    def _reset(self, why: str) -> None:
        """Start the cache afresh (a damaged file would fail every request that reads it)."""
        from rag.answering.summaries import SummaryCache

        self._log(f"summary cache {self._cache.path} {why}: starting it afresh")
        try:
            self._cache.path.unlink(missing_ok=True)
        except OSError:
            pass
        self._cache = SummaryCache(self._folder)

    def get(self, article: Article, *backend: str):
        try:
            cached = self._cache.get(article, *backend)
        except Exception as exc:  # noqa: BLE001 - any damaged entry (wrong types, missing keys)
            self._reset(f"has a damaged entry ({type(exc).__name__})")
            return None
        if cached is not None and not quotes_hold(cached, article):
            self._reset(f"holds a summary of {article.id} whose quotes are not in the article")
            return None
        return cached

    def get_or_make(self, article: Article, fn, *backend: str):
        cached = self.get(article, *backend)
        if cached is not None:
            return cached
        summary = fn(article)
        try:
            self._cache.get_or_make(article, lambda _a: summary, *backend)
        except Exception as exc:  # noqa: BLE001 - disk full, read-only folder: the summary is still good
            self._log(f"could not save the summary cache ({exc}); the summary is shown anyway")
        return summary


# ---- building snapshots --------------------------------------------------------------------------------


def _load(config: Config, log: Log) -> LoadReport:
    report = load_corpus(list(config.corpus))
    for skipped in report.skipped:
        log(f"warning: {skipped}")
    return report


def _ingest_snapshot(config: Config, embedder, progress, log: Log):
    loaded = _load(config, log)
    report = update_index(loaded, config, embedder, progress, log)
    report.skipped = list(loaded.skipped)
    snapshot = _snapshot(loaded, config, embedder, progress, log)
    return snapshot, report


def _build_snapshot(config: Config, embedder, progress, log: Log) -> Snapshot:
    from rag.index.manifest import index_status

    loaded = _load(config, log)
    status = index_status(loaded.articles, config)
    if status != "fresh":
        log(f"index {status} at {config.index_dir}: building it now ({len(loaded.articles)} articles)")
        report = update_index(loaded, config, embedder, progress, log)
        log(report.summary())
    return _snapshot(loaded, config, embedder, progress, log)


def update_index(loaded: LoadReport, config: Config, embedder, progress=True, log: Log = stderr_log):
    """rag.index.pipeline.ingest; an index it cannot update (damaged, another format or chunking) is rebuilt.

    An index built with another embedder is refused (IndexMismatch says how to rebuild): re-embedding
    everything with another model is the user's decision. A write that fails (disk full, size limit)
    raises OSError saying that the previous index is unchanged."""
    from rag.index.manifest import IndexMismatch
    from rag.index.pipeline import ingest

    try:
        try:
            return ingest(loaded.articles, config, embedder, progress=progress)
        except IndexMismatch as exc:
            if _built_with_other_embedder(config, embedder):
                raise
            log(f"{_without_hint(exc)}: rebuilding it from the corpus")
            return ingest(loaded.articles, config, embedder, progress=progress, rebuild=True)
    except OSError as exc:
        # The new generation is written beside the old one and swapped in last, so the old one stands.
        # (numpy reports a short write as "N requested and M written", without an errno.)
        reason = exc.strerror or str(exc)
        if exc.errno is None or exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason += ": the disk is full or a file size limit was reached"
        raise OSError(exc.errno, f"could not save the index at {config.index_dir} ({reason}); "
                      "the previous index is unchanged") from exc


def _snapshot(loaded: LoadReport, config: Config, embedder, progress, log: Log) -> Snapshot:
    """The snapshot over the index on disk; a damaged index is rebuilt once, with a message."""
    from rag.index.pipeline import ingest

    try:
        return _load_snapshot(loaded, config, embedder)
    except IndexDamaged as exc:
        log(f"{exc}: rebuilding it from the corpus")
        ingest(loaded.articles, config, embedder, progress=progress, rebuild=True)
        return _load_snapshot(loaded, config, embedder)


def _load_snapshot(loaded: LoadReport, config: Config, embedder) -> Snapshot:
    """Load and check the index: every file is read now (not on a first request), and it must match the corpus."""
    from rag.index.manifest import IndexMismatch
    from rag.index.store import VectorIndex
    from rag.retrieve import Retriever

    where = config.index_dir
    try:
        index = VectorIndex.load(where)
        retriever = Retriever(index, embedder, config)
    except FileNotFoundError as exc:
        raise IndexDamaged(f"index at {where} is incomplete ({exc})") from exc
    except IndexMismatch as exc:
        if _built_with_other_embedder(config, embedder):
            raise
        raise IndexDamaged(_without_hint(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - e.g. EOFError from an empty vectors.npy
        raise IndexDamaged(f"index at {where} is damaged ({type(exc).__name__}: {exc})") from exc
    try:
        # BM25 loads lazily from the generation folder: load it now, so damage shows here, and so an
        # old snapshot still in use never needs a folder that a later ingest has deleted.
        index.lexical.pinyin()  # (and its pinyin map, read on the first English question otherwise)
    except Exception as exc:  # noqa: BLE001 - whatever a damaged keyword index raises
        raise IndexDamaged(f"index at {where} is damaged (keyword index: {type(exc).__name__}: {exc})") from exc
    articles = {a.id: a for a in loaded.articles}
    problem = _mismatch(index, articles)
    if problem:
        raise IndexDamaged(f"index at {where} does not match the corpus ({problem})")
    return Snapshot(articles, retriever)


def _mismatch(index, articles: dict[str, Article]) -> str | None:
    """Why the index cannot be trusted with these articles, or None: every chunk must be the text of its
    article's paragraph at its offsets, every vector finite, every article's rows its own."""
    import numpy as np

    if set(index.article_ids) != set(articles):
        extra = sorted(set(index.article_ids) ^ set(articles))
        return f"articles differ: {', '.join(extra[:3])}"
    for chunk in index.chunks:
        paras = articles[chunk.article_id].paragraphs
        if not 1 <= chunk.paragraph <= len(paras) or paras[chunk.paragraph - 1][chunk.start : chunk.end] != chunk.text:
            return f"chunk of {chunk.article_id} ¶{chunk.paragraph} is not the article's text"
    # in blocks: the vectors may be memory-mapped (a large index), and a whole-array check would allocate
    # a temporary as large as they are
    for start in range(0, len(index.vectors), 65_536):
        if not np.isfinite(index.vectors[start : start + 65_536]).all():
            return "vectors that are not numbers"
    for i, aid in enumerate(index.article_ids):
        rows = index.article_rows(aid)
        if rows.stop > len(index.chunks) or (len(rows) and not (index.chunk_article[rows.start : rows.stop] == i).all()):
            return f"rows of {aid} do not hold its chunks"
    return None


def _built_with_other_embedder(config: Config, embedder) -> bool:
    """True when a readable manifest names another embedder (or dimension) than this run's."""
    from rag.index.manifest import read_manifest

    try:
        built = read_manifest(config.index_dir)["embedder"]
        return built["id"] != embedder.id or int(built["dim"]) != int(embedder.dim)
    except Exception:  # noqa: BLE001 - missing or unreadable: not a question of embedders
        return False


def _without_hint(exc: Exception) -> str:
    """An IndexMismatch message without its "Rebuild with: ..." advice (the engine rebuilds itself)."""
    return re.split(r"\.?\s*Rebuild with", str(exc))[0].rstrip(". ")
