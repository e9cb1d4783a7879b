"""Uploads into the uploads folder (`Config.uploads_dir`, never the corpus): checked before anything is stored,
stored under a safe name that never replaces a different file, atomically, through a hidden staging folder the
loader skips. The same story already on the shelf, in whatever format, is not stored again."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from rag.ingest.articles import SUPPORTED_SUFFIXES, Article, Skipped, load_file
from rag.ingest.formats import clip

STAGING_PREFIX = ".upload-"  # hidden staging folders inside the corpus folder (the loader skips them)
MAX_NAME_CHARS = 60  # stem length of a stored upload (CJK is 3 bytes a character; names stay < 255 bytes)


@dataclass(frozen=True)
class StoredUpload:
    """An upload placed in the uploads folder, with what the loader made of it."""

    path: Path
    articles: list[Article]  # its articles, duplicate ids within it left out
    skipped: list[Skipped]  # records of it that were left out, and why


def folder_bytes(folder: Path) -> int:
    """Bytes of the regular files under `folder` (0 when it is missing)."""
    total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def place_upload(source: Path, target: Path, existing: Mapping[str, Article], max_upload_mb: int,
                 log: Callable[[str], None]) -> tuple[Path | None, Skipped | None]:
    """(stored path, None), or (None, why it was not added) for one upload (`store_upload` without a quota)."""
    stored, problem = store_upload(source, target, existing, max_upload_mb, log)
    return (stored.path if stored else None), problem


def store_upload(source: Path, target: Path, existing: Mapping[str, Article], max_upload_mb: int,
                 log: Callable[[str], None], quota_mb: int | None = None) -> tuple[StoredUpload | None, Skipped | None]:
    """(the stored upload, None), or (None, why it was not added) for one upload: checked (type, then size
    before a byte is read, then the uploads folder's quota, then its content), stored under a safe name that
    never replaces a different file, atomically. Nothing is stored for a file that adds no article."""

    shown = safe_file_name(source.name)
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        return None, Skipped(shown, f"unsupported file type {source.suffix or '(none)'}; use {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        size = source.stat().st_size  # the size is checked before a byte is read
    except OSError as exc:
        return None, Skipped(shown, f"the upload cannot be read ({exc.strerror or exc})")
    if not source.is_file():
        return None, Skipped(shown, "not a regular file")
    limit = max_upload_mb * 1024 * 1024
    if size > limit:
        return None, Skipped(shown, f"{size / 1048576:.1f} MB is over the {max_upload_mb} MB limit")
    if quota_mb is not None:
        used = folder_bytes(target)
        if used + size > quota_mb * 1024 * 1024:
            return None, Skipped(shown, f"the uploads folder is full ({used / 1048576:.1f} MB of the {quota_mb} MB "
                                        "upload quota used); remove articles or raise RAG_UPLOAD_QUOTA_MB")
    stage = target / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        name = free_name(shown, target, existing, source)
        if (target / name).exists():
            return None, Skipped(shown, f"already uploaded as {name} (the same file)")
        stage.mkdir()
        staged = stage / name  # loaded under its final name, so its ids are the ones it will have
        shutil.copyfile(source, staged)
        loaded, skipped = load_file(staged)
        articles, seen = [], set()
        for article in loaded:  # a record repeating an id of the same file: the first one is kept
            if article.id in seen:
                skipped.append(Skipped(article.origin, f"duplicate id {clip(article.id)!r}"))
            else:
                seen.add(article.id)
                articles.append(article)
        if not articles:
            return None, Skipped(shown, skipped[0].reason if skipped else "no article text")
        clash = sorted({a.id for a in articles} & set(existing))
        if clash:
            ids = ", ".join(clip(i, 40) for i in clash[:5]) + (" …" if len(clash) > 5 else "")
            return None, Skipped(shown, f"ids already used by other articles: {ids}; give the records other ids")
        twins = {a.text_hash: a for a in existing.values()}
        if all(a.text_hash in twins for a in articles):
            twin = twins[articles[0].text_hash]
            return None, Skipped(shown, f"already on the shelf: the same text as “{twin.title}” ({twin.id})")
        final = target / name
        os.replace(staged, final)  # atomic: the uploads folder never holds half a file
        if name != shown:
            log(f"upload {shown} stored as {name}: that name was taken by a different file")
        moved = [replace(a, origin=a.origin.replace(str(staged), str(final), 1)) for a in articles]
        return StoredUpload(final, moved, [replace(k, origin=k.origin.replace(str(staged), str(final), 1)) for k in skipped]), None
    except OSError as exc:
        return None, Skipped(shown, f"could not be stored ({exc.strerror or exc})")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


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


def free_name(name: str, folder: Path, articles: dict[str, Article], source: Path) -> str:
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


def remove_stale_staging(folder: Path) -> None:
    """Leftovers of an upload that was killed half-way (hidden, so never loaded, but they take space)."""
    for entry in folder.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)


# ---- the summary cache, guarded ------------------------------------------------------------------------
