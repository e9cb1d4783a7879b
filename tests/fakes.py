"""Shared fakes for fast unit tests. Each subclasses the real base or contract it stands in for, so a renamed
method or field fails here instead of leaving tests green; everything else in them is real (real BM25, real
articles, the real engine, answerer and summarizer)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping, Sequence

from rag.answering.llm.backends import ChatModel
from rag.batch import ask_records
from rag.chat import Conversation, respond
from rag.config import Config
from rag.contracts import Retriever
from rag.engine import Engine, Snapshot
from rag.index.embedders import Embedder
from rag.indexer import FileState
from rag.ingest.articles import Article
from rag.records import Filter, Reply
from rag.uploads import store_upload


class LexicalRetriever(Retriever):
    """The retriever contract (`search(query, k, article_ids, filter)`, `search_articles`) over real BM25
    (rag.index.lexical), no embedder; `titles`: each chunk's article title is indexed with it, as the product does.
    A filter is applied by the index's rules (rag.index.backend: `Where`, `DateRule`, sources as stored), as a mask
    inside the BM25 search; rag.scope hands it filters whose outlets are already the stored credits."""

    def __init__(self, articles, chunk_chars: int = 160, titles: bool = True):
        from rag.ingest.chunks import chunk_articles
        from rag.index.lexical import LexicalIndex, tokenize

        self.chunks = chunk_articles(articles, chunk_chars)
        self.articles = {a.id: a for a in articles}
        title = {a.id: a.title + "\n" if titles else "" for a in articles}
        self.index = LexicalIndex.from_tokens([tokenize(title[c.article_id] + c.text) for c in self.chunks])
        self.asked_k: list[int] = []  # the k of every search, in order

    def search(self, query, k=10, article_ids=None, filter=None):
        import numpy as np

        from rag.index.backend import Where
        from rag.index.lexical import tokenize, top_k
        from rag.records import Hit

        mask = None
        if article_ids is not None or filter:
            where, admitted = Where.of(filter, article_ids), {}
            rule = where.dates()
            for aid, a in self.articles.items():  # the index's rules: rag.index.backend.Where, DateRule
                admitted[aid] = ((where.article_ids is None or aid in where.article_ids)
                                 and (not where.filter.sources or a.source in where.filter.sources)
                                 and (rule is None or rule.admits(a.date)))
            mask = np.array([admitted[c.article_id] for c in self.chunks])
        self.asked_k.append(k)
        scores, ids = top_k(self.index.scores(tokenize(query)), k, mask)
        return [Hit(self.chunks[i], float(s), None, r) for r, (s, i) in enumerate(zip(scores, ids))]

    def search_articles(self, query, k=10, filter=None):
        best: dict[str, float] = {}
        for hit in self.search(query, k=50, filter=filter):
            best.setdefault(hit.chunk.article_id, hit.score)
        return list(best.items())[:k]


class FixedRetriever(Retriever):
    """The chunks of the given articles in their order, whatever the query (score 1/rank): a stand-in for dense
    retrieval in formatting tests."""

    def __init__(self, articles, ids, chunk_chars: int = 160):
        from rag.ingest.chunks import chunk_articles

        self.chunks = [c for c in chunk_articles(articles, chunk_chars) if c.article_id in ids]

    def search(self, query, k=10, article_ids=None, filter=None):
        from rag.records import Hit

        chunks = [c for c in self.chunks if article_ids is None or c.article_id in article_ids]
        return [Hit(c, 1.0 / (i + 1), i, None) for i, c in enumerate(chunks[:k])]

    def search_articles(self, query, k=10, filter=None):
        best: dict[str, float] = {}
        for hit in self.search(query, k=50, filter=filter):
            best.setdefault(hit.chunk.article_id, hit.score)
        return list(best.items())[:k]


def lexical_engine(articles: Mapping[str, Article], folder: Path, **settings) -> Engine:
    """The real Engine (answerer, summarizer, summary cache in `folder`) over a BM25-only retriever: no
    embedder, so it answers in milliseconds and loads no model."""
    config = Config(index_dir=Path(folder), **settings)
    retriever = LexicalRetriever(list(articles.values()), titles=False)
    return Engine(config, Snapshot(dict(articles), retriever), embedder=None, log=lambda _m: None)


class FakeEngine(Engine):
    """The real Engine over BM25, as `lexical_engine`, with its corpus and index folders under `folder`, faking
    only what a unit test of the web page cannot get from it:

    - `drafts`: what a streaming language model shows before its verified reply (the extractive answerer has none);
    - `failure`: raised instead of the reply, as an engine that breaks mid-request would;
    - `submit_files` without an embedder or a background ingest: uploads are checked and stored by the real
      `store_upload` (in the uploads folder) (the real loader), indexed at once with BM25 only, and each file's state is a real FileState.

    `calls` records each chat request as (message, conversation, k); `filters` the filter of each."""

    def __init__(self, articles: Mapping[str, Article], folder: Path, drafts: Sequence[str] = (),
                 failure: Exception | None = None, **settings):
        folder = Path(folder)
        config = Config(corpus=(folder / "corpus",), index_dir=folder / "index", **settings)
        retriever = LexicalRetriever(list(articles.values()), titles=False)
        super().__init__(config, Snapshot(dict(articles), retriever), embedder=None, log=lambda _m: None)
        self.drafts = tuple(drafts)
        self.failure = failure
        self.calls: list[tuple[str, Conversation | None, int | None]] = []
        self.filters: list[Filter] = []

    def respond_stream(self, message: str, conversation: Conversation | None = None,
                       k: int | None = None, filter: Filter = Filter()) -> Iterator[str | tuple[Reply, Conversation]]:
        self.calls.append((message, conversation, k))
        self.filters.append(filter)
        yield from self.drafts
        if self.failure is not None:
            raise self.failure
        yield from super().respond_stream(message, conversation, k, filter)

    def submit_files(self, files: Sequence[Path], progress=None) -> list[FileState]:
        """The real checks and storing (`store_upload`), indexed at once with BM25: every state comes back
        finished (done, or skipped with the reason)."""
        target = self.config.uploads_dir
        target.mkdir(parents=True, exist_ok=True)
        articles = dict(self.articles)
        states = []
        for f in files:
            stored, problem = store_upload(Path(f), target, articles, self.config.max_upload_mb, lambda _m: None)
            if stored is None:
                states.append(FileState(problem.origin, "skipped", reason=problem.reason))
                continue
            state = FileState(stored.path.name, "done", articles=len(stored.articles), skipped=list(stored.skipped))
            for article in stored.articles:
                (state.changed if article.id in articles else state.added).append(article.id)
                articles[article.id] = article
            states.append(state)
        self._snapshot = Snapshot(articles, LexicalRetriever(list(articles.values()), titles=False))
        return states


class HashEmbedder(Embedder):
    """Fast vectors that are the same in every process (characters hashed with crc32, not Python's salted
    hash): for tests of the index's plumbing, where subprocesses must embed as the test does. It remembers
    the texts it embedded (`seen`) and the threads it ran on (`threads`), and fails on the text `fail_on`."""

    def __init__(self, id: str = "test:crc", dim: int = 64, *, workers: int = 1, batch_size: int = 32,
                 fail_on: str | None = None):
        self.id, self.dim, self.workers, self.batch_size, self.fail_on = id, dim, workers, batch_size, fail_on
        self.seen: list[str] = []
        self.threads: set[str] = set()

    def embed_batch(self, texts, kind):
        import threading
        import zlib

        import numpy as np

        from rag.index.embedders import l2_normalize

        self.threads.add(threading.current_thread().name)
        if self.fail_on in texts:
            raise RuntimeError(f"cannot embed {self.fail_on!r}")
        self.seen += texts
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in zip(out, texts):
            for ch in text:
                row[zlib.crc32(ch.encode("utf-8")) % self.dim] += 1.0
        return l2_normalize(out + 1e-3)


class Scripted(ChatModel):
    """A stand-in chat model that replies with fixed text (in a few pieces), one reply per call (the last one
    repeated), for the verifier's side of things; it records the messages of every call (`calls`)."""

    backend = "scripted"

    def __init__(self, *replies: str, model: str = "script"):
        super().__init__(model, Config())
        self.replies = list(replies)
        self.calls: list[list[dict]] = []

    def stream(self, messages, max_tokens, timeout):
        self.calls.append(messages)
        reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        for i in range(0, len(reply), 7):
            yield reply[i : i + 7]


def say(engine: Engine, *messages: str, filter: Filter = Filter()) -> tuple[list[Reply], Conversation | None]:
    """Send messages in one conversation (with `filter` set in the filter bar); the replies and the conversation."""
    conversation, replies = None, []
    for m in messages:
        reply, conversation = respond(engine, m, conversation, filter=filter)
        replies.append(reply)
    return replies, conversation


def cited(reply: Reply) -> set[str]:
    """The ids of the articles a reply cites."""
    return {c.article_id for c in reply.citations}


def conversation(engine: Engine, first: str, then: str) -> tuple[dict, dict]:
    """`first` asked, then `then` as its follow-up (`follows`), as `rag ask --batch` asks them: both answers' records."""
    (_, before), (_, after) = ask_records(engine, [{"id": "a", "question": first}, {"id": "b", "question": then, "follows": "a"}])
    return before, after
