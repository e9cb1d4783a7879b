"""The ingest's embedding journal: every passage vector an ingest computes, kept by content hash (sha1 of the
embedder's id and what it embedded) in two append-only files, so that an ingest killed before its next commit
resumes without embedding any of it again. Written vectors first, keys second: a key on disk always has its
whole vector, whatever moment the process died at. Emptied when an ingest completes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np

KEY_BYTES = 20


class EmbeddingJournal:
    def __init__(self, folder: Path, embedder_id: str, dim: int):
        self.folder = Path(folder)
        self.embedder_id, self.dim = embedder_id, int(dim)
        slug = hashlib.sha1(embedder_id.encode("utf-8")).hexdigest()[:12]
        self._keys_path = self.folder / f"{slug}.keys"
        self._vecs_path = self.folder / f"{slug}.f32"
        self._vectors: dict[bytes, np.ndarray] = self._read()

    def key(self, text: str) -> bytes:
        return hashlib.sha1(f"{self.embedder_id}\0{text}".encode("utf-8")).digest()

    def _read(self) -> dict[bytes, np.ndarray]:
        try:
            keys = self._keys_path.read_bytes()
            vecs = np.fromfile(self._vecs_path, dtype=np.float32)
        except OSError:
            return {}
        n = min(len(keys) // KEY_BYTES, len(vecs) // self.dim)  # a torn last record is ignored
        vecs = vecs[: n * self.dim].reshape(n, self.dim)
        return {keys[i * KEY_BYTES : (i + 1) * KEY_BYTES]: vecs[i] for i in range(n)}

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, text: str) -> np.ndarray | None:
        return self._vectors.get(self.key(text))

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        """Record new vectors (a failure to write only costs the resume, never the ingest)."""
        keys = [self.key(t) for t in texts]
        for k, v in zip(keys, vectors):
            self._vectors[k] = v
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            rows = min(self._keys_path.stat().st_size // KEY_BYTES if self._keys_path.exists() else 0,
                       self._vecs_path.stat().st_size // (4 * self.dim) if self._vecs_path.exists() else 0)
            with open(self._vecs_path, "ab") as f:
                f.truncate(rows * 4 * self.dim)  # (after a torn write: records stay aligned with their keys)
                f.write(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
            with open(self._keys_path, "ab") as f:
                f.truncate(rows * KEY_BYTES)
                f.write(b"".join(keys))
        except OSError:
            pass

    def clear(self) -> None:
        """After a completed ingest: everything in it is in the index now."""
        self._vectors = {}
        shutil.rmtree(self.folder, ignore_errors=True)
