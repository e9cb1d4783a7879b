"""Dates: full dates in any common notation, date-only lines, and dates completed from a URL.

Patterns are matched on the Simplified twin of a text (`wordlists.simplified`): `時` reads as `时`.
"""

from __future__ import annotations

import re

from rag.ingest.cleaning.text import visible_len
from rag.ingest.cleaning.wordlists import alternation, simplified, words

_TIME = r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?)?"
_DATE_RES = (
    # 2023-07-20 10:02[:33] · 2023/07/20 · 2023.7.20 · 2023年08月02日 16:50
    re.compile(r"(?<!\d)(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?" + _TIME),
    # 202307/25 05:01:02
    re.compile(r"(?<!\d)(\d{4})(\d{2})/(\d{2})(?!\d)" + _TIME),
    # 23-07-26 22:00 (two-digit year, only with all three parts)
    re.compile(r"(?<![\d-])(\d{2})-(\d{2})-(\d{2})(?![\d-])" + _TIME),
)


def parse_date(text: str) -> str | None:
    """The first full date in `text` as ISO 8601 (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`); None if no year."""
    twin = simplified(text)
    for pattern in _DATE_RES:
        for m in pattern.finditer(twin):
            iso = _iso(*m.groups())
            if iso:
                return iso
    return None


def _iso(y: str, mo: str, d: str, hh: str | None, mm: str | None, ss: str | None) -> str | None:
    year = int(y) + (2000 if len(y) == 2 else 0)
    month, day = int(mo), int(d)
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    if hh is not None and mm is not None and int(hh) < 24 and int(mm) < 60:
        iso += f"T{int(hh):02d}:{int(mm):02d}"
        if ss is not None and int(ss) < 60:
            iso += f":{int(ss):02d}"
    return iso


DATE_LABELS = f"(?:{alternation('date_label')})"  # `发布时间：`
_WEEKDAY = r"(?:星期|周|礼拜)[一二三四五六日天]"
_DATE_LINE_RE = re.compile(
    rf"^[\[【(（]?\s*(?:{DATE_LABELS}\s*[:：]?\s*)?(?P<date>[\d\s\-/.年月日:：时分秒T]{{6,30}}?)"
    rf"\s*(?:{_WEEKDAY})?\s*[\]】)）]?\s*$"
)


# Characters other than spaces a date line can have: brackets, label, colon, date and time, weekday.
_DATE_LINE_MAX_VISIBLE = 1 + max(map(len, words("date_label"))) + 1 + 30 + 3 + 1


def date_of_line(line: str) -> str | None:
    """The date when `line` is nothing but a date/time (with an optional label or brackets)."""
    if len(line) > _DATE_LINE_MAX_VISIBLE and visible_len(line) > _DATE_LINE_MAX_VISIBLE:
        return None  # too long (spares converting a paragraph)
    m = _DATE_LINE_RE.match(simplified(line))
    return parse_date(m.group("date")) if m else None


# ---------------------------------------------------------------------------------------------------
# Dates without a year (`08/12  08:12`, `07-20 22:43`) completed from the article's URL

_URL_DATE_RES = (
    re.compile(r"(?<!\d)(20\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?!\d)"),  # /2023-07/28/, /20230812/, t20230812_
    re.compile(r"(?<!\d)(20\d{2})/(\d{2})-?(\d{2})(?!\d)"),  # /2023/07-28/, /2023/0720/
)
_MONTH_DAY_RE = re.compile(r"(?<![\d-])(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?(?![\d-])(?:\s*(\d{1,2})\s*[:：]\s*(\d{2}))?")


def date_from_url(url: str | None) -> str | None:
    """The publication date many news URLs carry (`…/content/2023-08/14/…`, `…/202308/12/t20230812_…`)."""
    if not url:
        return None
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(url):
            iso = _iso(*m.groups(), None, None, None)
            if iso:
                return iso
    return None


def complete_date(header: str, url: str | None) -> str | None:
    """A header's month/day/time (no year) completed with the URL's date when both name the same day."""
    from_url = date_from_url(url)
    m = _MONTH_DAY_RE.search(header or "")
    if not from_url or not m:
        return from_url
    month, day, hh, mm = m.groups()
    if (int(month), int(day)) != (int(from_url[5:7]), int(from_url[8:10])):
        return from_url
    return _iso(from_url[:4], month, day, hh, mm, None)
