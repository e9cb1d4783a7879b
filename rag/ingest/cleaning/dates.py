"""Dates: full dates in any common notation, date-only lines, dates completed from a URL, and dates without a
year (a `07-20 22:43` header, a `7月26日电` dateline, a lead that opens `6月26日上午，`), kept year-less as
ISO 8601's `--MM-DD` and completed only where the article makes the year certain.

Patterns are matched on the Simplified twin of a text (`wordlists.simplified`): `時` reads as `时`.
"""

from __future__ import annotations

import re

from rag.ingest.cleaning.text import visible_len
from rag.ingest.cleaning.wordlists import alternation, simplified, simplified_start, words

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
_WEEKDAY = r"(?:[(（]\s*)?(?:星期|周|礼拜)[一二三四五六日天](?:\s*[)）])?"  # 星期三, （周三）
_DATE_LINE_RE = re.compile(
    rf"^[\[【(（]?\s*(?:{DATE_LABELS}\s*[:：]?\s*)?(?P<date>[\d\s\-/.年月日:：时分秒T]{{6,30}}?)"
    rf"\s*(?:{_WEEKDAY}\s*(?P<time>\d{{1,2}}\s*[:：时]\s*\d{{1,2}}(?:\s*[:：分]\s*\d{{1,2}}\s*秒?)?\s*分?)?)?"
    r"\s*[\]】)）]?\s*$"
)


# Characters other than spaces a date line can have: brackets, label, colon, date and time, weekday, time.
_DATE_LINE_MAX_VISIBLE = 1 + max(map(len, words("date_label"))) + 1 + 30 + 5 + 8 + 1


def date_of_line(line: str) -> str | None:
    """The date when `line` is nothing but one date (`2024年6月12日`, `2024-06-12`, `2024/6/12`, `2024.6.12`), with
    an optional time, weekday (`星期三`, `（周三）`), label or brackets. A line holding two dates (a range,
    `2024.6.12-6.14`, `2024-06-12 - 2024-06-14`) is no date line."""
    if len(line) > _DATE_LINE_MAX_VISIBLE and visible_len(line) > _DATE_LINE_MAX_VISIBLE:
        return None  # too long (spares converting a paragraph)
    m = _DATE_LINE_RE.match(simplified(line))
    if not m:
        return None
    one = f"{m.group('date').strip()} {m.group('time') or ''}".strip()
    return _single_date(one)


def _single_date(text: str) -> str | None:
    """`text` as ISO 8601 when it is exactly one full date (and time), else None."""
    for pattern in _DATE_RES:
        if (m := pattern.match(text)) and text[m.end():].strip() in ("", "分"):  # (`10时30分`)
            return _iso(*m.groups())
    return None


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
    """A header's month/day/time (no year) completed with the URL's date when both name the same day; the
    URL's date alone when they differ (it is the publication date); the header's day year-less (`--07-20`)
    when the URL has no date; None when neither has one."""
    from_url = date_from_url(url)
    m = _MONTH_DAY_RE.search(header or "")
    if not m:
        return from_url
    month, day, hh, mm = m.groups()
    if not from_url:
        return yearless(int(month), int(day))
    if (int(month), int(day)) != (int(from_url[5:7]), int(from_url[8:10])):
        return from_url
    return _iso(from_url[:4], month, day, hh, mm, None)


def yearless(month: int, day: int) -> str | None:
    """`--MM-DD` (ISO 8601's day of no particular year); None for no such day (2月30日)."""
    if not (1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)):
        return None
    return f"--{month:02d}-{day:02d}"


# `新华社北京7月26日电`, `中新网7月24日讯`: the day the news was filed (published that day or the next, in 99 %
# of 457 dated CRUD articles with one)
_DATELINE_DAY_RE = re.compile(r"^[^，。,\n]{0,25}?(\d{1,2})月(\d{1,2})日(?:电|讯)")
# A lead that opens with the day of what it reports (`6月26日上午，`, `……，6月16日，在…`): the event's day
# (published within a week after it in ~90 % of CRUD's dated articles), the only date some pages give
_OPENING_DAY_RE = re.compile(
    r"(?:^|[，。；,;\n])\s*(?:在)?(\d{1,2})月(\d{1,2})日(?:[上下]午|晚上?|晚间|早上?|凌晨|中午|傍晚|夜间|夜|\d{1,2}时)?(?:[，,]|起|至)"
)
_FULL_DAY_RE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
LEAD_CHARS = 300  # the opening read for a dateline or an opening date


def partial_date(paragraphs: tuple[str, ...] | list[str], given: str | None = None) -> str | None:
    """An undated article's day: `given` (a year-less `--MM-DD` its header had), else its dateline's, else the
    day its lead opens with; completed to a full date when the article writes that day with a year (one year
    only), year-less otherwise; None when it names no day. Nothing is invented."""
    lead = "\n".join(paragraphs[:2])
    twin = simplified_start(lead, LEAD_CHARS)
    md = None
    if given and given.startswith("--"):
        md = int(given[2:4]), int(given[5:7])
    elif m := _DATELINE_DAY_RE.match(twin) or _OPENING_DAY_RE.search(twin):
        md = int(m.group(1)), int(m.group(2))
    if md is None or yearless(*md) is None:
        return None
    years = {int(y) for y, mo, d in _FULL_DAY_RE.findall(simplified("\n".join(paragraphs))) if (int(mo), int(d)) == md}
    if len(years) == 1:
        return _iso(str(years.pop()), str(md[0]), str(md[1]), None, None, None)
    return yearless(*md)
