"""Pieces: one matched time expression each, before years are completed; how pieces join into ranges
(`7月20日至25日`), lists share a year (`2023年7月和8月`), and since/until words open them (`7月20日以来`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rag.lang.when import patterns as P
from rag.lang.when.words import cn_number, month_parts, numbers, words

# A point is (year or None, month, day or None); day None at a range's end means the month's last day.
Point = tuple[int | None, int, int | None]

RECENT_WINDOW_DAYS = 30  # 最近, recently: a window of this many days ending at the anchor (and a boost)
VAGUE_FEW = {"day": 7, "other": 3}  # 最近几天 = 7 days; 近几个月 = 3 months


@dataclass
class Piece:
    start: int
    end: int
    kind: str  # "date" | "recency" | "unresolved" (relative, and no anchor)
    first: Point | None = None
    last: Point | None = None
    recency: bool = False
    open: str | None = None  # "since" | "after" | "until" | "until_incl"
    relative: bool = False


def last_day(year: int | None, month: int) -> int:
    return calendar.monthrange(year if year else 2024, month)[1]  # year-less: February has 29 days


def to_date(p: Point, end: bool) -> date:
    y, m, d = p
    assert y is not None
    last = last_day(y, m)
    return date(y, m, min(d, last) if d else (last if end else 1))


def fill_year(p: Point, year: int) -> Point:
    return (year, p[1], p[2])


def md(p: Point, end: bool) -> tuple[int, int]:
    return (p[1], p[2] if p[2] else (last_day(None, p[1]) if end else 1))


def _point(d: date) -> Point:
    return (d.year, d.month, d.day)


def _add_months(d: date, months: int) -> date:
    idx = d.year * 12 + d.month - 1 + months
    return date(idx // 12, idx % 12 + 1, 1)


def _days(g: dict, year: int | None, month: int) -> tuple[int, int] | None:
    d1 = cn_number(g["d"])
    d2 = cn_number(g["d2"]) if g.get("d2") else d1
    return (d1, d2) if d1 and d2 and 1 <= d1 <= d2 <= last_day(year, month) else None


def piece_from_match(name: str, m: re.Match, anchor: date, original: str) -> Piece | None:
    """The piece one pattern match stands for (relative words counted from `anchor`); None: not a date."""
    g = m.groupdict()
    s, e = m.start(), m.end()
    rel_years = {**numbers("cn_relative_year"), **numbers("en_relative_year")}

    def year_of() -> tuple[int | None, bool]:
        if g.get("y"):
            y = int(g["y"]) if g["y"].isdigit() else cn_number(g["y"])
            return (y if y and 1900 <= y <= 2100 else None), False
        if g.get("y2"):
            return 2000 + int(g["y2"]), False
        if g.get("ry"):
            return anchor.year + rel_years[g["ry"]], True
        return None, False

    def month_piece(y: int | None, month: int, part: str, parts: dict, rel: bool) -> Piece:
        lo, hi = parts.get(part, (1, None))
        return Piece(s, e, "date", (y, month, lo), (y, month, hi), relative=rel)

    if name in ("cn_abs", "cn_year", "cn_month_range"):
        year, rel = year_of()
        if name == "cn_year":
            return None if year is None else Piece(s, e, "date", (year, 1, 1), (year, 12, 31), relative=rel)
        if name == "cn_month_range":
            m1, m2 = cn_number(g["m"]), cn_number(g["mb"])
            if not (m1 and m2 and 1 <= m1 <= m2 <= 12):
                return None
            return Piece(s, e, "date", (year, m1, 1), (year, m2, None), relative=rel)
        if g.get("half"):
            h = numbers("cn_half")[g["half"]]
            return Piece(s, e, "date", (year, 1 if h == 1 else 7, 1), (year, 6 if h == 1 else 12, None), relative=rel)
        if g.get("q") or g.get("q2"):
            q = cn_number(g.get("q") or g["q2"]) or 1
            return Piece(s, e, "date", (year, 3 * q - 2, 1), (year, 3 * q, None), relative=rel)
        if g.get("firstn"):
            n = cn_number(g["firstn"])
            if year is None or not n or not 1 <= n <= 12:
                return None  # 前7个月 without a year: "the first 7 months" or "7 months ago"
            return Piece(s, e, "date", (year, 1, 1), (year, n, None), relative=rel)
        month = cn_number(g["m"]) if g.get("m") else None
        if not month or not 1 <= month <= 12:
            return None
        if g.get("d"):
            days = _days(g, year, month)
            return None if days is None else Piece(s, e, "date", (year, month, days[0]), (year, month, days[1]), relative=rel)
        return month_piece(year, month, g.get("part") or "份", month_parts("cn_month_part"), rel)
    if name == "cn_rel_month":
        start = _add_months(date(anchor.year, anchor.month, 1), numbers("cn_relative_month")[g["rm"]])
        if g.get("d"):
            days = _days(g, start.year, start.month)
            return None if days is None else Piece(s, e, "date", (start.year, start.month, days[0]),
                                                   (start.year, start.month, days[1]), relative=True)
        return month_piece(start.year, start.month, g.get("part") or "份", month_parts("cn_month_part"), True)
    if name in ("cn_rel_week", "cn_rel_day", "en_relative"):
        if name == "en_relative":
            unit, offset = P.relative_values("en_relative")[g["rel"]]
        elif name == "cn_rel_week":
            unit, offset = "week", numbers("cn_relative_week")[g["rw"]]
        else:
            unit, offset = "day", numbers("cn_relative_day")[g["rd"]]
        if unit == "day":
            d = anchor + timedelta(days=offset)
            return Piece(s, e, "date", _point(d), _point(d), relative=True)
        if unit == "week":
            monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=offset)
            return Piece(s, e, "date", _point(monday), _point(monday + timedelta(days=6)), relative=True)
        if unit == "month":
            first = _add_months(date(anchor.year, anchor.month, 1), offset)
            return Piece(s, e, "date", (first.year, first.month, 1), (first.year, first.month, None), relative=True)
        y = anchor.year + offset
        return Piece(s, e, "date", (y, 1, 1), (y, 12, 31), relative=True)
    if name in ("cn_rolling", "en_rolling"):
        if name == "cn_rolling":
            raw_n, unit_word = (g["n"], g["unit"]) if g.get("n") else (g["n2"], g["unit2"])
            per = numbers("cn_unit")[unit_word]
            n = (VAGUE_FEW["day"] if per == 1 else VAGUE_FEW["other"]) if raw_n == "几" else cn_number(raw_n)
        else:
            unit_word = g.get("unit") or g["unit1"]
            per = numbers("en_unit")[unit_word]
            raw_n = g.get("n")
            n = 1 if raw_n is None else (int(raw_n) if raw_n.isdigit() else numbers("en_number")[raw_n])
        if not n or n > 3650:
            return None
        first = anchor - timedelta(days=n * per - 1)
        return Piece(s, e, "date", _point(first), _point(anchor), recency=True, relative=True)
    if name in ("cn_vague", "en_vague"):
        first = anchor - timedelta(days=RECENT_WINDOW_DAYS - 1)
        return Piece(s, e, "date", _point(first), _point(anchor), recency=True, relative=True)
    if name in ("cn_recency", "en_recency"):
        return Piece(s, e, "recency", recency=True)
    if name in ("iso_date", "iso_month"):
        y, mo = int(g["y"]), int(g["m"])
        if name == "iso_month":
            return Piece(s, e, "date", (y, mo, 1), (y, mo, None))
        d = int(g["d"])
        return None if d > last_day(y, mo) else Piece(s, e, "date", (y, mo, d), (y, mo, d))
    if name in ("en_abs", "en_day_first", "en_month_rel_year"):
        return _english_month(g, s, e, original, year_of)
    if name in ("en_half", "en_quarter"):
        if g.get("h") or g.get("qo"):
            n = numbers("en_ordinal")[g.get("h") or g["qo"]]
            year, rel = year_of()
        else:
            n = int(g.get("hn") or g["qn"])
            yy = g.get("hy") or g.get("hy2") or g.get("qy") or g.get("qy2")
            year, rel = (int(yy) if yy else None), False
        if name == "en_half":
            return Piece(s, e, "date", (year, 1 if n == 1 else 7, 1), (year, 6 if n == 1 else 12, None), relative=rel)
        return Piece(s, e, "date", (year, 3 * n - 2, 1), (year, 3 * n, None), relative=rel)
    if name == "en_year":
        y = int(g["y"])
        return Piece(s, e, "date", (y, 1, 1), (y, 12, 31))
    return None


def _english_month(g: dict, s: int, e: int, original: str, year_of) -> Piece | None:
    mon_word = g["mon"]
    month = numbers("en_month")[mon_word]
    year, rel = year_of()
    if mon_word in words("en_ambiguous_month") and not g.get("d") and year is None and not g.get("part"):
        before = original[:s].lower().split()
        if not before or before[-1] not in words("en_time_preposition"):
            return None  # `may`, `march` as ordinary words
        if (mon_word in ("may", "march") and original[s:s + 1].islower()
                and before[-1] not in words("en_lower_month_preposition")):
            return None
    if g.get("d"):
        d1 = int(g["d"])
        d2 = int(g["d2"]) if g.get("d2") else d1
        if not 1 <= d1 <= d2 <= last_day(year, month):
            return None
        return Piece(s, e, "date", (year, month, d1), (year, month, d2), relative=rel)
    lo, hi = month_parts("en_month_part").get(g.get("part") or "", (1, None))
    return Piece(s, e, "date", (year, month, lo), (year, month, hi), relative=rel)


def select(pieces: list[Piece]) -> list[Piece]:
    """Leftmost-longest, non-overlapping."""
    chosen: list[Piece] = []
    for p in sorted(pieces, key=lambda p: (p.start, -(p.end - p.start))):
        if chosen and p.start < chosen[-1].end:
            continue
        chosen.append(p)
    return chosen


def join(pieces: list[Piece], norm: str) -> list[Piece]:
    """`A至B` → one range (a bare `25日`/`25` after the connector takes A's month); years flow along lists."""
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        if p.kind == "date" and not p.recency:
            gap_end = None
            nxt = pieces[i + 1] if i + 1 < len(pieces) else None
            m = P.RANGE_GAP.match(norm, p.end)
            between = re.search(r"\bbetween\s+(?:the\s+)?$", norm[:p.start])
            if between and nxt and re.fullmatch(r"\s*and\s*", norm[p.end:nxt.start]):
                m = re.compile(r"\s*and\s*").match(norm, p.end)
            if m and nxt and nxt.kind == "date" and m.end() == nxt.start and not nxt.recency:
                gap_end = nxt.end
                last = nxt.last
                i += 1
            elif m and p.first and p.last and p.first[2] is not None:
                # 7月20日至25日 / July 20 to 25: a day number alone after the connector
                day_re = P.EN_DAY_ONLY if norm[p.start:p.end].isascii() else P.CN_DAY_ONLY
                dm = day_re.match(norm, m.end())
                if dm and not (norm[dm.end():dm.end() + 1].isalpha() and norm[dm.end():dm.end() + 1].isascii()):
                    d = int(dm["d"]) if dm["d"].isdigit() else cn_number(dm["d"])
                    y = int(dm["y"]) if dm.groupdict().get("y") else p.last[0]
                    if d and d >= (p.first[2] or 1):
                        gap_end = dm.end()
                        last = (y, p.last[1], d)
                        if y is not None and p.first[0] is None:
                            p = replace(p, first=fill_year(p.first, y))
            if gap_end is not None and p.first is not None and last is not None:
                first = p.first
                wraps = md(first, False) > md(last, True)
                if first[0] is None and last[0] is not None:
                    first = fill_year(first, last[0] - (1 if wraps else 0))
                elif last[0] is None and first[0] is not None:
                    last = fill_year(last, first[0] + (1 if wraps else 0))
                p = replace(p, end=gap_end, last=last, first=first)
        out.append(p)
        i += 1
    # Lists: 2023年7月和8月 → 8月 takes 2023; July and August 2023 → July takes 2023
    for j in range(1, len(out)):
        a, b = out[j - 1], out[j]
        if not (a.kind == b.kind == "date" and a.first and b.first and a.last and b.last):
            continue
        if not P.LIST_GAP.fullmatch(norm[a.end:b.start]):
            continue
        if a.first[0] is not None and b.first[0] is None:
            y = a.last[0] or a.first[0]
            out[j] = replace(b, first=fill_year(b.first, y), last=fill_year(b.last, y))
        elif a.first[0] is None and b.first[0] is not None and md(a.last, True) < md(b.first, False):
            y = b.first[0]
            out[j - 1] = replace(a, first=fill_year(a.first, y), last=fill_year(a.last, y))
    return out


def open_ends(pieces: list[Piece], norm: str) -> list[Piece]:
    """Widen spans over since/until words and mark the piece open."""
    out = []
    for p in pieces:
        if p.kind != "date":
            out.append(p)
            continue
        after, before = norm[p.end:], norm[:p.start]
        if not norm[p.start:p.end].isascii():
            m_incl_before = P.CN_UNTIL_BEFORE.search(before)
            m_since_before = P.CN_SINCE_BEFORE.search(before)
            m_since = P.CN_SINCE_AFTER.match(after)
            m_until = P.CN_UNTIL_AFTER.match(after)
            m_incl = P.CN_UNTIL_INCLUSIVE_AFTER.match(after)
            if m_incl_before:
                p = replace(p, start=m_incl_before.start(), open="until_incl")
                if m_incl:
                    p = replace(p, end=p.end + m_incl.end())
            elif m_since and (not p.relative or m_since.group().strip() in P.CN_ALWAYS_SINCE):
                p = replace(p, end=p.end + m_since.end(), open="since")
                if m_since_before:
                    p = replace(p, start=m_since_before.start())
            elif m_incl:
                p = replace(p, end=p.end + m_incl.end(), open="until_incl")
            elif m_until and not p.relative:
                p = replace(p, end=p.end + m_until.end(), open="until")
        else:
            lower = before.lower()
            m_since = P.EN_SINCE_BEFORE.search(lower)
            m_until = P.EN_UNTIL_BEFORE.search(lower)
            m_incl = P.EN_UNTIL_INCLUSIVE_BEFORE.search(lower)
            m_from_on = P.EN_SINCE_AFTER.match(after)
            if m_since:
                word = m_since.group().split()[0]
                p = replace(p, start=m_since.start(), open="after" if word == "after" else "since")
            elif m_until:
                p = replace(p, start=m_until.start(), open="until")
            elif m_incl and not re.search(r"\bfrom\b", lower[-40:]):
                p = replace(p, start=m_incl.start(), open="until_incl")
            elif m_from_on:
                p = replace(p, end=p.end + m_from_on.end(), open="since")
                if mf := re.search(r"\bfrom\s+$", lower):
                    p = replace(p, start=mf.start())
        out.append(p)
    return out
