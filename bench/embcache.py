"""A persistent text → vector cache around an embedder, for benchmarks that re-chunk the same corpus.

Append-only files (sha1 keys + float32 rows) so a killed run keeps what it embedded. Bench-only: the
index itself reuses vectors by content hash and never needs this.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np

from rag.index.embedders import Embedder


class CachedEmbedder(Embedder):
    """Same id and dim as the wrapped embedder; passages already seen are not embedded again."""

    def __init__(self, inner: Embedder, folder: Path):
        self.inner = inner
        self.id = inner.id
        self.dim = inner.dim
        self.batch_size = inner.batch_size
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        slug = hashlib.sha1(inner.id.encode()).hexdigest()[:10]
        self.keys_path = self.folder / f"{slug}.keys"
        self.vecs_path = self.folder / f"{slug}.f32"
        self.cache: dict[bytes, np.ndarray] = self._load()
        self.hits = self.misses = 0
        self.chars_embedded = 0
        self.seconds_embedding = 0.0

    def _load(self) -> dict[bytes, np.ndarray]:
        if not self.keys_path.exists() or not self.vecs_path.exists():
            return {}
        keys = self.keys_path.read_bytes()
        vecs = np.fromfile(self.vecs_path, dtype=np.float32)
        n = min(len(keys) // 20, len(vecs) // self.dim)
        vecs = vecs[: n * self.dim].reshape(n, self.dim)
        return {keys[i * 20 : (i + 1) * 20]: vecs[i] for i in range(n)}

    @staticmethod
    def key(text: str, kind: str) -> bytes:
        return hashlib.sha1(f"{kind}\0{text}".encode("utf-8")).digest()

    def embed_batch(self, texts: list[str], kind: str) -> np.ndarray:
        keys = [self.key(t, kind) for t in texts]
        todo = sorted({k: i for i, k in enumerate(keys) if k not in self.cache}.values())
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            t0 = time.perf_counter()
            new = self.inner.embed_batch([texts[i] for i in todo], kind)
            self.seconds_embedding += time.perf_counter() - t0
            self.chars_embedded += sum(len(texts[i]) for i in todo)
            # vectors first, keys second: a key on disk always has its vector
            with open(self.vecs_path, "ab") as f:
                f.write(np.ascontiguousarray(new, dtype=np.float32).tobytes())
            with open(self.keys_path, "ab") as f:
                f.write(b"".join(keys[i] for i in todo))
            for i, vec in zip(todo, new):
                self.cache[keys[i]] = vec
        return np.stack([self.cache[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def has(self, text: str, kind: str) -> bool:
        return self.key(text, kind) in self.cache
