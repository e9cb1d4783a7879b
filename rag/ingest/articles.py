"""Articles: load a corpus (txt, md, html, jsonl) into clean, structured articles.

`load_file` decodes any common Chinese encoding (`rag.ingest.decode`), parses the file's format
(`rag.ingest.formats`: HTML through trafilatura, Markdown to text, JSONL records), every document going
through `rag.ingest.cleaning.pipeline.clean_article`. Bad input never raises: it comes back as
`Skipped(origin, reason)`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

from rag.ingest.decode import DecodeError, declared_charset, decode_bytes
from rag.ingest.cleaning.text import compare_key
from rag.ingest.formats import Parsed, clip, parse_html, parse_jsonl, parse_markdown, parse_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")

# Bounds on an article's metadata (they reach every answer, citation, shelf row and report): a longer title,
# outlet or author is cut (ending in "…"), a longer URL is dropped (a cut one would lead nowhere), and a
# record whose id is longer is skipped with the reason (a cut id could name another article).
MAX_ID_CHARS = 128
MAX_TITLE_CHARS = 200
MAX_SOURCE_CHARS = 100
MAX_AUTHOR_CHARS = 100
MAX_URL_CHARS = 2048


@dataclass(frozen=True)
class Article:
    """A cleaned article. Paragraphs are numbered from 1 wherever they are shown or cited."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]) when found; --MM-DD from a dateline alone
    source: str | None = None  # the outlet, when named
    url: str | None = None
    author: str | None = None
    title_derived: bool = False  # True when no headline existed and one was made from the lead
    original: str = field(default="", repr=False, compare=False)  # the decoded input, for reference
    origin: str = ""  # where it came from: a path, or "path:line" for JSONL
    place: str | None = None  # where it was filed, from its dateline (`新华社成都7月27日电` → 成都)

    @cached_property
    def content_hash(self) -> str:
        """Hash of everything that reaches the index; a change means re-embedding."""
        payload = json.dumps(
            [self.title, self.date, self.source, self.url, list(self.paragraphs)], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    @cached_property
    def text_hash(self) -> str:
        """Hash of the cleaned body alone, without spaces, punctuation or case: the same story is the same
        article whatever format it came in (a .txt and an .html of it, paragraphs split differently)."""
        key = comparable("".join(self.paragraphs))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    def paragraph(self, n: int) -> str:
        """Paragraph n, numbered from 1."""
        return self.paragraphs[n - 1]

    def row(self) -> dict:
        """The `rag articles --json` row: the identity fields of `to_json`, the paragraphs counted."""
        whole = self.to_json()
        return {key: whole[key] for key in ("id", "title", "date", "source", "url")} | {
            "paragraphs": len(self.paragraphs), "chars": self.chars}

    def to_json(self) -> dict:
        """The `rag show --json` object."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "author": self.author,
            "place": self.place,
            "title_derived": self.title_derived,
            "paragraphs": list(self.paragraphs),
        }


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}  # ＡＢ１２！ → AB12!


def comparable(text: str) -> str:
    """The text compared for duplicates: full-width letters and digits as ASCII, then without spaces,
    punctuation or case (`rag.ingest.cleaning.text.compare_key`)."""
    return compare_key(text.translate(_FULL_WIDTH))


@dataclass(frozen=True)
class Skipped:
    """An input that produced no article, and why (shown to the user as a warning)."""

    origin: str  # file name, or "file:line"
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.origin}: {self.reason}"


@dataclass
class LoadReport:
    articles: list[Article] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def iter_corpus_files(paths: Iterable[Path]) -> Iterable[Path]:
    """Files of supported types under the given folders/files, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            # Hidden files and everything under hidden folders are skipped: uploads are staged in
            # `.upload-*` folders inside the corpus (a killed upload may leave one), and `.git` is no corpus.
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def load_corpus(paths: Sequence[Path]) -> LoadReport:
    """Load every supported file under `paths`; bad files are skipped with a reason, never raised."""
    report = LoadReport()
    seen: set[str] = set()
    for path in iter_corpus_files(paths):
        articles, skipped = load_file(path)
        report.skipped.extend(skipped)
        for art in articles:
            if art.id in seen:
                report.skipped.append(Skipped(art.origin, f"duplicate id {art.id!r}"))
                continue
            seen.add(art.id)
            report.articles.append(art)
    return report


# ---------------------------------------------------------------------------------------------------
# Loading

_PARSERS = {".html": parse_html, ".htm": parse_html, ".md": parse_markdown, ".txt": parse_text}


def load_file(path: Path) -> tuple[list[Article], list[Skipped]]:
    """Articles from one file; whatever is wrong with it comes back as `Skipped` (never raised)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists() and not path.is_symlink():
        return [], [Skipped(str(path), "no such file or folder")]
    if suffix not in SUPPORTED_SUFFIXES:
        return [], [Skipped(str(path), f"unsupported file type {path.suffix or '(none)'}")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Skipped(str(path), f"cannot read file ({exc.strerror or exc})")]
    if not data.strip():
        return [], [Skipped(str(path), "empty file")]
    declared = declared_charset(data) if suffix in (".html", ".htm") else None
    try:
        text, _encoding = decode_bytes(data, declared)
    except DecodeError as exc:
        return [], [Skipped(str(path), str(exc))]
    if suffix == ".jsonl":
        return load_jsonl_text(text, path)
    try:
        parsed = _PARSERS[suffix](text)
    except Exception as exc:  # a cleaning bug must not stop a corpus load; say which file
        return [], [Skipped(str(path), f"could not be parsed ({type(exc).__name__}: {exc})")]
    if parsed is None:
        return [], [Skipped(str(path), "no article text (only page boilerplate)")]
    return [_article(parsed, path.stem, str(path))], []


def load_jsonl_text(text: str, path: Path) -> tuple[list[Article], list[Skipped]]:
    """Articles from JSONL text, one record a line; a bad line is skipped as `file:LINE`, the rest go on."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for lineno, parsed in parse_jsonl(text, path.stem):
        origin = f"{path}:{lineno}"
        if isinstance(parsed, str):
            skipped.append(Skipped(origin, parsed))
        elif len(parsed.ident or "") > MAX_ID_CHARS:
            skipped.append(Skipped(origin, f"id of {len(parsed.ident):,} characters ({clip(parsed.ident, 24)}); "
                                           f"ids have at most {MAX_ID_CHARS}"))
        else:
            articles.append(_article(parsed, parsed.ident or "", origin))
    return articles, skipped


def _bounded(value: str | None, limit: int) -> str | None:
    return None if value is None else clip(value, limit)


def _article(parsed: Parsed, ident: str, origin: str) -> Article:
    cleaned = parsed.cleaned
    url = parsed.url if parsed.url and len(parsed.url) <= MAX_URL_CHARS else None
    return Article(
        id=ident[:MAX_ID_CHARS],
        title=clip(cleaned.title, MAX_TITLE_CHARS),
        paragraphs=cleaned.paragraphs,
        date=cleaned.date,
        source=_bounded(cleaned.source, MAX_SOURCE_CHARS),
        url=url,
        author=_bounded(cleaned.author, MAX_AUTHOR_CHARS),
        title_derived=cleaned.title_derived,
        original=parsed.original,
        origin=origin,
        place=cleaned.place,
    )
