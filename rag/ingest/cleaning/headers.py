"""JSONL headers: the date, outlet and author line that precedes `正文：` in a record.

Labels are matched on the Simplified twin of the header (`wordlists.simplified`); names and outlets are
cut from the header itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.credits import authors_in, clean_outlet
from rag.ingest.cleaning.dates import DATE_LABELS, parse_date
from rag.ingest.cleaning.text import NAME, normalize_whitespace
from rag.ingest.cleaning.wordlists import remove, simplified
from rag.lang.script import han_count

# A JSONL header (`2023-07-28 10:14:27作者：白剑峰来源：人民日报`, `华夏经纬网 > 新闻 > 涉台新闻 2023-...`,
# `椰网/海拔新闻 记者吴英艳 2023-08-09 21:50`, `来源：中国青年报客户端`, `记者：鹿杨`) before `正文：`.
_HEADER_SPLIT_RE = re.compile(r"[，,]?\s*正文[:：]")
_SOURCE_LABEL_RE = re.compile(r"(?:来源|稿源)[:：]\s*(?P<v>[^\s:：]*?)(?=作者[:：]|记者[:：]|\s|$)")
_AUTHOR_LABEL_RE = re.compile(r"(?:作者|记者)[:：]\s*(?P<v>.*?)(?=来源[:：]|\d{4}|$)")
_HEADER_REPORTER_RE = re.compile(rf"(?:记者|通讯员)\s*(?P<v>{NAME}(?:\s+(?:通讯员|实习生)?\s*{NAME})*)")
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
    twin = simplified(header)
    date = parse_date(header)
    source = author = None
    if m := _SOURCE_LABEL_RE.search(twin):
        source = clean_outlet(header[m.start("v"):m.end("v")])
    if m := _AUTHOR_LABEL_RE.search(twin):
        author = authors_in(header[m.start("v"):m.end("v")])
    rest, rest_twin = header, twin
    for pattern in (_AUTHOR_LABEL_RE, _SOURCE_LABEL_RE, _STRIP_DATES_RE):
        rest, rest_twin = remove(pattern, rest, rest_twin, " ")
    rest, rest_twin = rest.strip(), rest_twin.strip()
    if author is None and (m := _HEADER_REPORTER_RE.search(rest_twin)):
        author = authors_in(rest[m.start():m.end()])
        rest = rest[: m.start()].strip()
    if source is None and rest:
        first = re.split(r"\s*[>»›]\s*|\s{2,}| ", rest)[0]
        source = clean_outlet(first) if han_count(first) >= 2 else None
    return Header(date, source, author)
