"""Formats: each kind of document (plain text, Markdown, an HTML page, a JSONL record) turned into a cleaned
document with the metadata its format carries. Nothing here reads files or builds articles: see
`rag.ingest.articles`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Iterator

from rag.ingest.cleaning.credits import clean_outlet, names_in
from rag.ingest.cleaning.dates import complete_date, parse_date
from rag.ingest.cleaning.headers import parse_header, split_header
from rag.ingest.cleaning.pipeline import Cleaned, clean_article
from rag.ingest.cleaning.text import strip_pinyin_glosses
from rag.ingest.cleaning.titles import split_original_title
from rag.ingest.decode import without_nul


def clip(text: object, limit: int = 60) -> str:
    """`text` as it may be echoed in a message or shown: at most `limit` characters, "…" marking a cut."""
    text = str(text)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True)
class Parsed:
    """One document, cleaned: what becomes an article once it has an id and an origin."""

    cleaned: Cleaned
    original: str  # the decoded input, for reference
    url: str | None = None
    ident: str | None = None  # the id a JSONL record gives itself (or its default)


def parse_text(text: str) -> Parsed | None:
    """Plain text (a scraped page's text); None if only boilerplate."""
    cleaned = clean_article(text)
    return Parsed(cleaned, text) if cleaned else None


# ---------------------------------------------------------------------------------------------------
# Markdown

_FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_RULES = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links → their text
    (re.compile(r"<https?://[^>]+>"), ""),  # autolinks
    (re.compile(r"</?[a-zA-Z][^>]*>"), ""),  # inline HTML
    (re.compile(r"`([^`]+)`"), r"\1"),  # inline code
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(r"\*(?=\S)([^*]+?)(?<=\S)\*"), r"\1"),  # emphasis with *
    (re.compile(r"(?<!\w)_(?=\S)([^_]+?)(?<=\S)_(?!\w)"), r"\1"),  # emphasis with _ (not inside words)
    (re.compile(r"~~(.+?)~~"), r"\1"),
)
_MD_LINE_RULES = (
    (re.compile(r"^\s{0,3}>\s?"), ""),  # block quotes
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$"), ""),  # horizontal rules
    (re.compile(r"^\s{0,3}```.*$"), ""),  # code fences
    (re.compile(r"^\s*[*+]\s+"), "- "),  # bullets as `- ` (link lists are recognised by it)
)


def markdown_to_text(markdown: str) -> tuple[str, dict[str, str], str | None]:
    """(plain text, front-matter fields, first heading): links keep their text, markup goes."""
    front: dict[str, str] = {}
    if m := _FRONT_MATTER_RE.match(markdown):
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip():
                front[key.strip().lower()] = value.strip().strip("'\"")
        markdown = markdown[m.end():]
    heading = None
    lines = []
    for line in markdown.splitlines():
        for pattern, repl in _MD_LINE_RULES:
            line = pattern.sub(repl, line)
        if h := _MD_HEADING_RE.match(line):
            if heading is None and not any(ln.strip() for ln in lines):
                heading = h.group(1)  # a leading first heading is the title
                continue
            line = h.group(1)
        for pattern, repl in _MD_RULES:
            line = pattern.sub(repl, line)
        lines.append(line)
    return "\n".join(lines), front, heading


def parse_markdown(markdown: str) -> Parsed | None:
    """Markdown: front matter (title, date, source, url, author) and the first heading are metadata."""
    text, front, heading = markdown_to_text(markdown)
    title = front.get("title") or (strip_pinyin_glosses(heading) if heading else None)
    cleaned = clean_article(
        text,
        title=title,
        date=parse_date(front.get("date", "")),
        source=front.get("source"),
        author=front.get("author"),
    )
    return Parsed(cleaned, markdown, front.get("url") or None) if cleaned else None


# ---------------------------------------------------------------------------------------------------
# HTML

def parse_html(html: str) -> Parsed | None:
    """An HTML page: trafilatura finds the main text and metadata, then the same cleaning."""
    import trafilatura  # heavy (lxml, htmldate): imported only when an HTML file is loaded

    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, include_images=False
    )
    if doc is None or not (doc.text or "").strip():
        return None
    author = names_in(doc.author) if doc.author else None
    cleaned = clean_article(
        doc.text,
        title=doc.title,
        date=parse_date(doc.date or ""),
        author=author or (doc.author.strip() if doc.author and len(doc.author) <= 40 else None),
    )
    if cleaned is None:
        return None
    if cleaned.source is None and doc.sitename:
        # The site is the outlet only when the page names no other (`来源：大众日报` on 大众网).
        cleaned = replace(cleaned, source=clean_outlet(doc.sitename))
    return Parsed(cleaned, html, doc.url or None)


# ---------------------------------------------------------------------------------------------------
# JSONL

def parse_jsonl(text: str, stem: str) -> Iterator[tuple[int, Parsed | str]]:
    """(line number, document or why not) for each record of JSONL text; a bad line never stops the rest.

    A record without an `id` is named `<stem>-<line number>`.
    """
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, f"malformed JSON ({exc.msg} at column {exc.colno})"
            continue
        try:
            yield lineno, parse_record(record, default_id=f"{stem}-{lineno}")
        except Exception as exc:  # a cleaning bug must not stop the other records
            yield lineno, f"could not be parsed ({type(exc).__name__}: {exc})"


def _field(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    value = without_nul(str(value)).strip()  # ("\u0000" in JSON is a NUL once parsed)
    return value or None


def parse_record(record: object, default_id: str = "") -> Parsed | str:
    """A JSONL record (`id`, `text`, optional `title`, `date`, `url`, `source`) as a document, or why not."""
    if not isinstance(record, dict):
        return f"not a JSON object ({type(record).__name__})"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return "no 'text' field" if "text" not in record else "empty or non-string 'text'"
    text = without_nul(text)
    ident = _field(record, "id") or default_id
    header_text, body = split_header(text)
    header = parse_header(header_text)
    # CRUD's `date` field is the same header (`2023-07-28 10:14:27作者：白剑峰来源：人民日报`).
    field_header = parse_header(_field(record, "date") or "")
    url = _field(record, "url")
    date = field_header.date or header.date
    if date is None:  # a header without a year (`08/12 08:12`): the URL's date, else kept year-less
        date = complete_date(_field(record, "date") or header_text, url)
    title = _field(record, "title")
    if title is None:
        title, body = split_original_title(body)
    cleaned = clean_article(
        body,
        title=title,
        date=date,
        source=_field(record, "source") or header.source or field_header.source,
        author=_field(record, "author") or header.author or field_header.author,
    )
    if cleaned is None:
        return f"record {clip(ident)!r} has no article text (only boilerplate)"
    return Parsed(cleaned, text, url, ident)
