"""JSONL headers: the date, outlet and author line that precedes `正文：` in a record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.credits import authors_in, clean_outlet
from rag.ingest.cleaning.dates import DATE_LABELS, parse_date
from rag.ingest.cleaning.text import NAME, normalize_whitespace
from rag.lang.script import han_count

# A JSONL header (`2023-07-28 10:14:27作者：白剑峰来源：人民日报`, `华夏经纬网 > 新闻 > 涉台新闻 2023-...`,
# `椰网/海拔新闻 记者吴英艳 2023-08-09 21:50`, `来源：中国青年报客户端`, `记者：鹿杨`) before `正文：`.
_HEADER_SPLIT_RE = re.compile(r"[，,]?\s*正文[:：]")
_SOURCE_LABEL_RE = re.compile(r"(?:来源|來源|稿源)[:：]\s*(?P<v>[^\s:：]*?)(?=作者[:：]|记者[:：]|\s|$)")
_AUTHOR_LABEL_RE = re.compile(r"(?:作者|记者|記者)[:：]\s*(?P<v>.*?)(?=来源[:：]|來源[:：]|\d{4}|$)")
_HEADER_REPORTER_RE = re.compile(rf"(?:记者|記者|通讯员|通訊員)\s*(?P<v>{NAME}(?:\s+(?:通讯员|实习生)?\s*{NAME})*)")
_STRIP_DATES_RE = re.compile(
    r"[\[【(（]?\s*\d{2,4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?\s*[\]】)）]?"
    rf"|{DATE_LABELS}[:：]?|来自\S*(?:\s+\S+)?$"
)


@dataclass(frozen=True)
class Header:
    """What a one-line header says: when, which outlet, who wrote it."""

    date: str | None = None
    source: str | None = None
    author: str | None = None


def split_header(text: str, limit: int = 300) -> tuple[str, str]:
    """(`header`, `body`) when `text` starts with a short header ending in `正文：`; else ("", text)."""
    m = _HEADER_SPLIT_RE.search(text, 0, limit + 4)
    if not m:
        return "", text
    return text[: m.start()].strip(), text[m.end():]


def parse_header(header: str) -> Header:
    """Date, outlet and author named in a header line (see the shapes above)."""
    header = normalize_whitespace(header).replace("\n", " ").strip()
    if not header:
        return Header()
    date = parse_date(header)
    source = author = None
    if m := _SOURCE_LABEL_RE.search(header):
        source = clean_outlet(m.group("v"))
    if m := _AUTHOR_LABEL_RE.search(header):
        author = authors_in(m.group("v"))
    rest = _STRIP_DATES_RE.sub(" ", _SOURCE_LABEL_RE.sub(" ", _AUTHOR_LABEL_RE.sub(" ", header))).strip()
    if author is None and (m := _HEADER_REPORTER_RE.search(rest)):
        author = authors_in(m.group(0))
        rest = rest[: m.start()].strip()
    if source is None and rest:
        first = re.split(r"\s*[>»›]\s*|\s{2,}| ", rest)[0]
        source = clean_outlet(first) if han_count(first) >= 2 else None
    return Header(date, source, author)
