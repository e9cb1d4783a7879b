"""`rag migrate --to milvus://HOST:PORT`: copy the FAISS index into another backend, reusing its vectors and
BM25 tokens (nothing is embedded again), as one rebuild of the target, committed every Config.commit_articles
articles and at the end. The FAISS folder is only read."""

from __future__ import annotations

import json
import time

from rag.config import Config
from rag.index.backend import ArticleChunks, open_backend
from rag.index.embedders import ProgressFn
from rag.index.manifest import IndexMismatch
from rag.index.store import VectorIndex


def target_config(config: Config, to: str) -> Config:
    """The configuration of the target a `--to` names: milvus://HOST:PORT (a server), milvus:PATH.db
    (embedded milvus-lite), or milvus:http(s)://… as it is."""
    scheme, sep, rest = to.partition(":")
    if scheme != "milvus" or not sep or not rest:
        raise ValueError(f"--to takes milvus://HOST:PORT or milvus:PATH.db, not {to!r}")
    if rest.startswith("//"):
        uri = "http:" + rest
    elif rest.startswith(("http://", "https://")) or rest.endswith(".db"):
        uri = rest
    else:
        raise ValueError(f"--to takes milvus://HOST:PORT or milvus:PATH.db, not {to!r}")
    return config.with_(index_backend="milvus", index_uri=uri)


def migrate(config: Config, target: Config, progress: bool | ProgressFn = True) -> str:
    """Copy the FAISS index at config.index_dir into the backend `target` configures; returns a one-line report."""
    t0 = time.perf_counter()
    index = VectorIndex.load(config.index_dir)
    entries = index.manifest["articles"]
    from rag.index.lexical import TOKENIZER_VERSION

    stale = index.manifest.get("lexical", {}).get("tokenizer") != TOKENIZER_VERSION
    if stale or any("date" not in e for e in entries.values()):
        raise IndexMismatch(f"the index at {config.index_dir} was written by an earlier version (its keyword tokens, or no dates and sources); "
                            "bring it up to date first (rag ingest reuses its vectors), then migrate")
    try:
        tokens = json.loads((index.data_folder / "tokens.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexMismatch(f"index at {config.index_dir} is damaged ({exc}). Rebuild with: rag ingest --rebuild") from exc
    backend = open_backend(target)
    say = progress if callable(progress) else (lambda *_a: None)
    backend.begin(index.embedder_id, index.dim, rebuild=True)
    try:
        for n, aid in enumerate(index.article_ids, start=1):
            rows = index.article_rows(aid)
            entry = {k: v for k, v in entries[aid].items() if k != "rows"} | {"chunks": len(rows)}
            backend.upsert(ArticleChunks(aid, entry, index.chunks[rows.start : rows.stop],
                                         index.vectors[rows.start : rows.stop], tokens["chunks"][rows.start : rows.stop],
                                         tokens["titles"].get(aid, [])))
            say(n, len(index.article_ids), "migrating")
            if n % target.commit_articles == 0 and n < len(index.article_ids):
                backend.commit(final=False)
        backend.commit(final=True)
    except BaseException:
        backend.abort()
        raise
    chunks = backend.manifest.get("counts", {}).get("chunks", len(index))
    return (f"migrated {len(index.article_ids)} articles, {chunks} chunks from {config.index_dir} to "
            f"{backend.where} in {time.perf_counter() - t0:.1f} s (vectors reused: nothing embedded)")
