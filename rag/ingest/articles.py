"""Articles: load a corpus (txt, md, html, jsonl) into clean, structured articles.

`load_file` decodes any common Chinese encoding (UTF-8, GB18030/GBK, Big5), extracts HTML with
trafilatura, converts Markdown to text, reads JSONL records, and hands every document to
`rag.ingest.cleaning.pipeline.clean_article`. Bad input never raises: it comes back as `Skipped(origin, reason)`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from rag.ingest.cleaning.credits import clean_outlet, names_in
from rag.ingest.cleaning.dates import complete_date, parse_date
from rag.ingest.cleaning.headers import parse_header, split_header
from rag.ingest.cleaning.pipeline import Cleaned, clean_article
from rag.ingest.cleaning.text import strip_pinyin_glosses
from rag.ingest.cleaning.titles import split_original_title

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")


@dataclass(frozen=True)
class Article:
    """A cleaned article. Paragraphs are numbered from 1 wherever they are shown or cited."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None  # ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]) when found
    source: str | None = None  # the outlet, when named
    url: str | None = None
    author: str | None = None
    title_derived: bool = False  # True when no headline existed and one was made from the lead
    original: str = field(default="", repr=False, compare=False)  # the decoded input, for reference
    origin: str = ""  # where it came from: a path, or "path:line" for JSONL

    @cached_property
    def content_hash(self) -> str:
        """Hash of everything that reaches the index; a change means re-embedding."""
        payload = json.dumps(
            [self.title, self.date, self.source, self.url, list(self.paragraphs)], ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    @property
    def chars(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    def paragraph(self, n: int) -> str:
        """Paragraph n, numbered from 1."""
        return self.paragraphs[n - 1]

    def row(self) -> dict:
        """The `rag articles --json` row."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "paragraphs": len(self.paragraphs),
            "chars": self.chars,
        }

    def to_json(self) -> dict:
        """The `rag show --json` object."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "author": self.author,
            "title_derived": self.title_derived,
            "paragraphs": list(self.paragraphs),
        }


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
# Decoding

# Tried in this order after strict UTF-8; GB18030 covers GBK and GB2312, cp950 and Big5-HKSCS cover Big5.
ENCODING_CANDIDATES = ("gb18030", "cp950", "big5hkscs")
_SAMPLE_CHARS = 20_000
_MIN_PLAUSIBILITY = 0.6
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class DecodeError(ValueError):
    """Bytes that are not text in any supported encoding; the message says why."""


@lru_cache(maxsize=65536)
def _char_plausibility(ch: str) -> float:
    """1 for characters real Chinese text is made of (common Han, punctuation, ASCII), less for the rest."""
    o = ord(ch)
    if ch in "\n\r\t" or 0x20 <= o < 0x7F:
        return 1.0
    if o < 0x20 or 0x7F <= o < 0xA0 or 0xE000 <= o <= 0xF8FF or o == 0xFFFD:
        return 0.0  # controls, private use, replacement: what wrong decodes produce
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x206F:
        return 1.0
    if 0x4E00 <= o <= 0x9FFF:
        # Common characters: GB2312 level 1 (simplified) or Big5 level 1 (traditional).
        gb = _encoded(ch, "gb2312")
        big5 = _encoded(ch, "cp950")
        if (gb and 0xB0A1 <= gb <= 0xD7FE) or (big5 and 0xA440 <= big5 <= 0xC67E):
            return 1.0
        return 0.5 if gb or big5 else 0.2
    if 0x00C0 <= o <= 0x024F:  # Latin letters with accents (pinyin tone marks among them)
        return 0.8
    return 0.3  # kana, Greek, Cyrillic, box drawing, Hangul: rare in Chinese news, common in mojibake


def _encoded(ch: str, encoding: str) -> int | None:
    try:
        raw = ch.encode(encoding)
    except UnicodeEncodeError:
        return None
    return int.from_bytes(raw, "big") if len(raw) == 2 else None


def plausibility(text: str) -> float:
    """Share (0..1) of a text's characters that are what Chinese text is made of."""
    sample = [c for c in text[:_SAMPLE_CHARS] if not c.isspace()]
    if not sample:
        return 0.0
    return sum(_char_plausibility(c) for c in sample) / len(sample)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) for bytes in UTF-8 (BOM or not), UTF-16 with BOM, GB18030/GBK/GB2312 or Big5.

    Strict UTF-8 first (it almost never decodes anything else); then a declared charset (HTML); then
    every candidate that decodes strictly, ranked by plausibility; charset-normalizer breaks near-ties.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"not valid {encoding} despite its byte-order mark ({exc.reason})") from None
    if b"\x00" in data[:65536]:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        encoding = _codec_for(declared)
        try:
            text = data.decode(encoding)
            if plausibility(text) >= _MIN_PLAUSIBILITY:
                return text, encoding
        except (UnicodeDecodeError, LookupError):
            pass
    scored: list[tuple[float, str, str]] = []
    for encoding in ENCODING_CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), encoding, text))
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.05:
        scored = _tie_break(data, scored)
    if not scored or scored[0][0] < _MIN_PLAUSIBILITY:
        raise DecodeError("not text in UTF-8, GB18030/GBK or Big5 (binary or unknown encoding)")
    _, encoding, text = scored[0]
    return text, encoding


def _tie_break(data: bytes, scored: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """Put charset-normalizer's choice first when two candidates are about equally plausible."""
    import charset_normalizer  # only needed for ambiguous bytes

    best = charset_normalizer.from_bytes(data, cp_isolation=["gb18030", "big5", "cp950", "gbk"]).best()
    if best is None:
        return scored
    family = "big5" if best.encoding in ("big5", "cp950", "big5hkscs") else "gb"
    return sorted(scored, key=lambda s: (0 if (family == "big5") == (s[1] != "gb18030") else 1, -s[0]))


def _codec_for(name: str) -> str:
    """The Python codec to use for a declared charset (GB2312/GBK pages are decoded as their superset)."""
    name = name.strip().lower().replace("_", "-")
    if name in ("gb2312", "gbk", "gb-2312", "x-gbk", "cp936", "euc-cn", "gb18030"):
        return "gb18030"
    if name in ("big5", "big-5", "x-x-big5", "cp950"):
        return "cp950"
    return name


# ---------------------------------------------------------------------------------------------------
# Loading

_HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)


def load_file(path: Path) -> tuple[list[Article], list[Skipped]]:
    """Articles from one file; whatever is wrong with it comes back as `Skipped` (never raised)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return [], [Skipped(str(path), f"unsupported file type {path.suffix or '(none)'}")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Skipped(str(path), f"cannot read file ({exc.strerror or exc})")]
    if not data.strip():
        return [], [Skipped(str(path), "empty file")]
    declared = None
    if suffix in (".html", ".htm"):
        m = _HTML_CHARSET_RE.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore") if m else None
    try:
        text, _encoding = decode_bytes(data, declared)
    except DecodeError as exc:
        return [], [Skipped(str(path), str(exc))]
    if suffix == ".jsonl":
        return load_jsonl_text(text, path)
    try:
        if suffix in (".html", ".htm"):
            article = article_from_html(text, path.stem, str(path))
        elif suffix == ".md":
            article = article_from_markdown(text, path.stem, str(path))
        else:
            article = article_from_text(text, path.stem, str(path))
    except Exception as exc:  # a cleaning bug must not stop a corpus load; say which file
        return [], [Skipped(str(path), f"could not be parsed ({type(exc).__name__}: {exc})")]
    if article is None:
        return [], [Skipped(str(path), "no article text (only page boilerplate)")]
    return [article], []


def _article(ident: str, cleaned: Cleaned, original: str, origin: str, url: str | None = None) -> Article:
    return Article(
        id=ident,
        title=cleaned.title,
        paragraphs=cleaned.paragraphs,
        date=cleaned.date,
        source=cleaned.source,
        url=url,
        author=cleaned.author,
        title_derived=cleaned.title_derived,
        original=original,
        origin=origin,
    )


def article_from_text(text: str, ident: str, origin: str = "") -> Article | None:
    """An article from plain text (a scraped page's text); None if only boilerplate."""
    cleaned = clean_article(text)
    return _article(ident, cleaned, text, origin) if cleaned else None


# --- Markdown

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


def article_from_markdown(markdown: str, ident: str, origin: str = "") -> Article | None:
    """An article from Markdown: front matter (title, date, source, url, author) and the first heading are metadata."""
    text, front, heading = markdown_to_text(markdown)
    title = front.get("title") or (strip_pinyin_glosses(heading) if heading else None)
    cleaned = clean_article(
        text,
        title=title,
        date=parse_date(front.get("date", "")),
        source=front.get("source"),
        author=front.get("author"),
    )
    return _article(ident, cleaned, markdown, origin, front.get("url") or None) if cleaned else None


# --- HTML

def article_from_html(html: str, ident: str, origin: str = "") -> Article | None:
    """An article from an HTML page: trafilatura finds the main text and metadata, then the same cleaning."""
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
    return _article(ident, cleaned, html, origin, doc.url or None)


# --- JSONL

def load_jsonl_text(text: str, path: Path) -> tuple[list[Article], list[Skipped]]:
    """Articles from JSONL text, one record a line; a bad line is skipped as `file:LINE`, the rest go on."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        origin = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append(Skipped(origin, f"malformed JSON ({exc.msg} at column {exc.colno})"))
            continue
        try:
            article, reason = article_from_record(record, origin, default_id=f"{path.stem}-{lineno}")
        except Exception as exc:  # a cleaning bug must not stop the other records
            article, reason = None, f"could not be parsed ({type(exc).__name__}: {exc})"
        if article is None:
            skipped.append(Skipped(origin, reason))
        else:
            articles.append(article)
    return articles, skipped


def _field(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def article_from_record(record: object, origin: str = "", default_id: str = "") -> tuple[Article | None, str]:
    """(article, "") from a JSONL record (`id`, `text`, optional `title`, `date`, `url`, `source`), or (None, why)."""
    if not isinstance(record, dict):
        return None, f"not a JSON object ({type(record).__name__})"
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, "no 'text' field" if "text" not in record else "empty or non-string 'text'"
    ident = _field(record, "id") or default_id
    header_text, body = split_header(text)
    header = parse_header(header_text)
    # CRUD's `date` field is the same header (`2023-07-28 10:14:27作者：白剑峰来源：人民日报`).
    field_header = parse_header(_field(record, "date") or "")
    url = _field(record, "url")
    date = field_header.date or header.date
    if date is None and url:
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
        return None, f"record {ident!r} has no article text (only boilerplate)"
    return _article(ident, cleaned, text, origin, url), ""
