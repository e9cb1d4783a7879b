"""Explicit filters (the command line's --since/--until/--source, the API's fields, the page's filter bar) as a
`rag.records.Filter`, with one-line messages for what cannot be read; how a filter reads in a reply."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Iterable

from rag.lang.when import DateRange
from rag.records import Filter
from rag.scope.facts import CorpusFacts

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, or MM-DD for a day of any year"
_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_YEARLESS = re.compile(r"^(?:--)?(\d{1,2})-(\d{1,2})$")  # ISO 8601's --MM-DD, or MM-DD (a flag's value cannot start with --)


class FilterError(ValueError):
    """A filter value that cannot be read; the message names the setting and the value."""


def bound(raw: str | None, end: bool, name: str) -> str | None:
    """A date bound as given (`2023-06-25`, `2023-06`, `2023`, `06-25` or `--06-25`) → ISO (`2023-06-30` for
    the end of `2023-06`, `--06-25` for a day of any year); None for nothing; FilterError naming `name` for
    anything else."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if m := _DAY.match(text):
            y, mo, d = (int(g) for g in m.groups())
        elif m := _MONTH.match(text):
            y, mo = int(m.group(1)), int(m.group(2))
            d = calendar.monthrange(y, mo)[1] if end and 1 <= mo <= 12 else 1
        elif m := _YEAR.match(text):
            y, mo, d = int(m.group(1)), 12 if end else 1, 31 if end else 1
        elif m := _YEARLESS.match(text):
            mo, d = int(m.group(1)), int(m.group(2))
            date(2024, mo, d)  # a day of some year (2024 has 2月29日); ValueError otherwise
            return f"--{mo:02d}-{d:02d}"
        else:
            raise ValueError
        return date(y, mo, d).isoformat()  # ValueError for no such day
    except (ValueError, calendar.IllegalMonthError):
        raise FilterError(f"{name}: not a date: {text!r} (use {DATE_FORMS})") from None


def explicit_filter(since: str | None = None, until: str | None = None, sources: Iterable[str] | str | None = None,
                    facts: CorpusFacts | None = None, names: tuple[str, str, str] = ("--since", "--until", "--source")) -> Filter:
    """The filter the user set: dates read by `bound`, outlets by name or alias (comma-separated or listed),
    each with its group (新华社 → 新华社, 新华网) when `facts` are given. FilterError names what is wrong."""
    lo, hi = bound(since, False, names[0]), bound(until, True, names[1])
    if lo and hi:
        if lo.startswith("--") != hi.startswith("--"):
            raise FilterError(f"{names[0]} and {names[1]}: a year-less range needs both ends year-less (--MM-DD)")
        if not lo.startswith("--") and lo > hi:
            raise FilterError(f"{names[0]} {since} is after {names[1]} {until}")
    elif (lo or hi or "").startswith("--"):
        raise FilterError(f"{names[0] if lo else names[1]}: a year-less date (--MM-DD) needs the other end year-less too")
    if isinstance(sources, str):
        sources = [sources]
    wanted = [s.strip() for raw in (sources or ()) for s in re.split(r"[,，、]", raw or "") if s.strip()]
    outlets = sorted(facts.outlets_of(wanted)) if facts is not None else sorted(dict.fromkeys(wanted))
    return Filter(lo, hi, tuple(outlets))


def describe_filter(f: Filter, lang: str = "hans") -> str:
    """`2023年6月1日至6月30日 · 新华社/新华网`, `June 1–30, 2023 · 新华社/新华网`; "" for no filter."""
    parts = []
    if f.since or f.until:
        parts.append(DateRange.from_bounds(f.since, f.until).describe(lang))
    if f.sources:
        parts.append("/".join(f.sources))
    return " · ".join(parts)


def merged(explicit: Filter, from_question: Filter) -> Filter:
    """The explicit filter's dates and outlets where it sets them, the question's otherwise."""
    dated = explicit.since or explicit.until
    return Filter(explicit.since if dated else from_question.since, explicit.until if dated else from_question.until,
                  explicit.sources or from_question.sources)
