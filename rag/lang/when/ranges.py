"""What a question says about time, as data: date ranges (year-less ones included), the spans they were read
from, and how a range reads in the answer (`2023年6月1日至6月30日`, `June 1–30, 2023`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from rag.lang.script import to_traditional

EN_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
_YEARLESS = re.compile(r"^--(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Span:
    """Where a time expression is in the question (character offsets into the question as given)."""

    start: int
    end: int
    text: str
    kind: str  # "date" (an absolute or relative range), "open" (since/until), "recency" (a boost only)


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days; `since`/`until` None: open on that side.

    `yearless` (m1, d1, m2, d2): a month/day window whose year is not known; it matches that window in any
    year (wrapping over New Year when (m1, d1) > (m2, d2)), and `since`/`until` are then None."""

    since: date | None = None
    until: date | None = None
    yearless: tuple[int, int, int, int] | None = None

    def contains(self, day: date) -> bool:
        if self.yearless:
            return self.contains_month_day(day.month, day.day)
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def contains_month_day(self, month: int, day: int) -> bool:
        """For a year-less range: whether (month, day) lies in its window; a dated range admits no year-less day."""
        if not self.yearless:
            return False
        m1, d1, m2, d2 = self.yearless
        md = (month, day)
        if (m1, d1) <= (m2, d2):
            return (m1, d1) <= md <= (m2, d2)
        return md >= (m1, d1) or md <= (m2, d2)

    def admits(self, iso: str | None) -> bool:
        """Whether an article dated `iso` passes: a full date (`2023-06-25[T…]`) by its day; a year-less one
        (`--06-26`) only through a year-less range; an undated article never."""
        day = iso_day(iso)
        if day is not None:
            return self.contains(day)
        md = month_day(iso)
        return md is not None and self.contains_month_day(*md)

    def widened(self, days: int) -> "DateRange":
        """The range with `days` more after its end (an event is reported a day or two later)."""
        if days <= 0:
            return self
        if self.yearless:
            m1, d1, m2, d2 = self.yearless
            end = date(2024, m2, d2) + timedelta(days=days)  # 2024: a leap year, so 2月29日 exists
            return DateRange(yearless=(m1, d1, end.month, end.day))
        return DateRange(self.since, self.until + timedelta(days=days) if self.until else None)

    def bounds(self) -> tuple[str | None, str | None]:
        """(since, until) as ISO (`2023-06-01`, or year-less `--06-01`), None where open."""
        if self.yearless:
            m1, d1, m2, d2 = self.yearless
            return f"--{m1:02d}-{d1:02d}", f"--{m2:02d}-{d2:02d}"
        return (self.since.isoformat() if self.since else None, self.until.isoformat() if self.until else None)

    @classmethod
    def from_bounds(cls, since: str | None, until: str | None) -> "DateRange":
        """The range of ISO bounds (`2023-06-01`, `--06-01`); ValueError names a bound that is no date."""
        ys, yu = month_day(since) if since else None, month_day(until) if until else None
        if (since and since.startswith("--")) or (until and until.startswith("--")):
            if not (ys and yu and since.startswith("--") and until.startswith("--")):  # type: ignore[union-attr]
                raise ValueError("a year-less range needs both ends year-less (--MM-DD)")
            return cls(yearless=(*ys, *yu))
        return cls(_day(since) if since else None, _day(until) if until else None)

    def describe(self, lang: str = "hans") -> str:
        return describe_range(self, lang)


def _day(iso: str) -> date:
    day = iso_day(iso)
    if day is None:
        raise ValueError(f"not a date: {iso!r}")
    return day


@dataclass(frozen=True)
class TimeQuery:
    """What a question says about time.

    `role`: how the ranges relate to the articles' dates: "publication" (the question asks about reports of
    those days), "event" (something that happened then; it is reported then or a day or two later),
    "period" (the period a statistic covers, or a cut-off: `2023年上半年GDP`, `截至6月30日`, published
    later, so no date filter), or None without a range."""

    ranges: tuple[DateRange, ...] = ()  # union; empty: no date in the question
    recency: bool = False  # prefer newer articles (a boost, not a filter)
    spans: tuple[Span, ...] = ()
    anchor: date | None = None
    lang: str = "hans"  # "hans", "hant" or "en": the language of `description`
    role: str | None = None
    notes: tuple[str, ...] = ()  # what could not be resolved, and why

    @property
    def since(self) -> date | None:
        """The earliest day (None: open, year-less or no range)."""
        if not self.ranges or any(r.yearless or r.since is None for r in self.ranges):
            return None
        return min(r.since for r in self.ranges)  # type: ignore[type-var]

    @property
    def until(self) -> date | None:
        if not self.ranges or any(r.yearless or r.until is None for r in self.ranges):
            return None
        return max(r.until for r in self.ranges)  # type: ignore[type-var]

    @property
    def hull(self) -> DateRange | None:
        """One range covering all of them (a filter holds one range), None without any."""
        if not self.ranges:
            return None
        if len(self.ranges) == 1:
            return self.ranges[0]
        if any(r.yearless for r in self.ranges):
            windows = sorted(r.yearless for r in self.ranges if r.yearless)
            return DateRange(yearless=(*windows[0][:2], *max(w[2:] for w in windows)))
        return DateRange(self.since, self.until)

    @property
    def description(self) -> str:
        sep = "; " if self.lang == "en" else "、"
        return sep.join(describe_range(r, self.lang) for r in self.ranges)


def iso_day(iso: str | None) -> date | None:
    """The day of an ISO date or date-time; None for none, a year-less or an unreadable one."""
    if not iso or iso.startswith("--"):
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def month_day(iso: str | None) -> tuple[int, int] | None:
    """(month, day) of a full or year-less (`--06-26`) ISO date; None when it is neither."""
    if not iso:
        return None
    if m := _YEARLESS.match(iso):
        month, day = int(m.group(1)), int(m.group(2))
        try:
            date(2024, month, day)
        except ValueError:
            return None
        return month, day
    day = iso_day(iso)
    return (day.month, day.day) if day else None


def _zh_day(d: date, with_year: bool = True) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if with_year else f"{d.month}月{d.day}日"


def _en_day(d: date, with_year: bool = True) -> str:
    return f"{EN_MONTH_NAMES[d.month]} {d.day}, {d.year}" if with_year else f"{EN_MONTH_NAMES[d.month]} {d.day}"


def describe_range(r: DateRange, lang: str = "hans") -> str:
    """`2023年6月1日至6月30日` / `June 1–30, 2023`; open and year-less ranges say so."""
    en = lang == "en"
    if r.yearless:
        m1, d1, m2, d2 = r.yearless
        if en:
            a = f"{EN_MONTH_NAMES[m1]} {d1}"
            if (m1, d1) == (m2, d2):
                text = f"{a} (any year)"
            elif m1 == m2:
                text = f"{a}–{d2} (any year)"
            else:
                text = f"{a} – {EN_MONTH_NAMES[m2]} {d2} (any year)"
        else:
            text = f"{m1}月{d1}日" + ("" if (m1, d1) == (m2, d2) else f"至{m2}月{d2}日") + "（不限年份）"
    elif r.since and r.until:
        a, b = r.since, r.until
        if en:
            if a == b:
                text = _en_day(a)
            elif a.year == b.year and a.month == b.month:
                text = f"{EN_MONTH_NAMES[a.month]} {a.day}–{b.day}, {a.year}"
            elif a.year == b.year:
                text = f"{_en_day(a, False)} – {_en_day(b)}"
            else:
                text = f"{_en_day(a)} – {_en_day(b)}"
        else:
            text = _zh_day(a) if a == b else f"{_zh_day(a)}至{_zh_day(b, with_year=a.year != b.year)}"
    elif r.since:
        text = f"since {_en_day(r.since)}" if en else f"{_zh_day(r.since)}以来"
    elif r.until:
        text = f"up to {_en_day(r.until)}" if en else f"{_zh_day(r.until)}及以前"
    else:
        text = "any date" if en else "不限日期"
    return to_traditional(text) if lang == "hant" else text


def describe_date(iso: str | None, lang: str = "hans") -> str:
    """An article's date as people read it: `2023-06-27`, `6月26日（年份不详）`, `06-26 (year not given)`;
    "" when undated."""
    if iso_day(iso) is not None:
        day, _, clock = str(iso).partition("T")
        return f"{day} {clock[:5]}" if clock else day
    md = month_day(iso)
    if md is None:
        return ""
    if lang == "en":  # as the page shows it (rag.web.render.show_date)
        return f"{md[0]:02d}-{md[1]:02d} (year not given)"
    text = f"{md[0]}月{md[1]}日（年份不详）"
    return to_traditional(text) if lang == "hant" else text


def corpus_span_of(dates: Iterable[str | None]) -> tuple[date, date] | None:
    """(oldest, newest) of the articles' full dates; None when none is dated."""
    days = [d for d in (iso_day(x) for x in dates) if d]
    return (min(days), max(days)) if days else None


def recency_weight(iso: str | None, anchor: date, half_life_days: float) -> float:
    """In [0, 1]: 1 for an article of the anchor's day, halving every `half_life_days` before it; 0 undated."""
    day = iso_day(iso)
    if day is None:
        return 0.0
    age = max(0, (anchor - day).days)
    return 0.5 ** (age / half_life_days)
