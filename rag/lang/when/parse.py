"""Time expressions in a question → date ranges, a recency wish, and what role the dates play.

    >>> q = parse("2023年7月下旬有哪些关于台风的报道？", anchor=date(2023, 8, 19))
    >>> q.since, q.until, q.description, q.role
    (datetime.date(2023, 7, 21), datetime.date(2023, 7, 31), '2023年7月21日至7月31日', 'publication')

A date without a year takes one only where that is certain: the year is written elsewhere in the same
expression (`2023年7月20日至25日`, `2023年7月和8月`) or it is relative (`今年7月`). Otherwise a closed window
stays year-less (`6月份`: June 1–30 of any year, which also admits articles dated `--06-26`); an open one
(`7月20日以来`) needs a year, and takes the only one whose occurrence lies within `corpus_span` (the dates
the corpus holds), or is not used. Nothing is invented.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Sequence

from rag.lang.script import script_of, search_twin
from rag.lang.when import patterns as P
from rag.lang.when.pieces import Piece, fill_year, join, md, open_ends, piece_from_match, select, to_date
from rag.lang.when.ranges import DateRange, Span, TimeQuery

PERIOD_MIN_DAYS = 28  # a range at least this long (a month), with words of statistics or of a quantity, is the
# period figures cover (2021年7月份PMI是多少, 2014年新增光伏装机多少: published later, CRUD qa_dev)


def parse(question: str, anchor: date | None = None, corpus_span: tuple[date, date] | None = None) -> TimeQuery:
    """Time expressions in `question` (Simplified, Traditional or English).

    `anchor`: the day relative words count from (今天, 上周, last month); by default the end of `corpus_span`.
    Without either, relative words are not resolved (they are listed in `notes`).
    `corpus_span`: (oldest, newest) article date; an open year-less date (`7月20日以来`) is completed when
    exactly one occurrence of it falls in this span."""
    if anchor is None and corpus_span is not None:
        anchor = corpus_span[1]
    norm = search_twin(question)
    lang = script_of(question)
    notes: list[str] = []
    found: list[Piece] = []
    for name, pattern in P.PATTERNS:
        for m in pattern.finditer(norm):
            if m.end() == m.start():
                continue
            relative = name in P.RELATIVE_PATTERNS or m.groupdict().get("ry") is not None
            if relative and anchor is None:
                found.append(Piece(m.start(), m.end(), "unresolved"))
                continue
            piece = piece_from_match(name, m, anchor or date(2000, 1, 1), question)
            if piece is not None:
                found.append(piece)
    pieces = open_ends(join(select(found), norm), norm)
    ranges: list[DateRange] = []
    spans: list[Span] = []
    recency = False
    seen_absolute = False
    cut_off = True  # every range is a cut-off (截至6月30日) so far
    for p in pieces:
        text = question[p.start:p.end]
        if p.relative and p.kind == "date" and seen_absolute:
            # 2021年7月份PMI相比上个月上升了多少: 上个月 counts from the date named before it, not the anchor
            notes.append(f"{text}: relative to the date named before it; not used")
            continue
        seen_absolute = seen_absolute or (p.kind == "date" and not p.relative)
        if p.kind == "unresolved":
            notes.append(f"{text}: relative to a date, and no anchor was given")
            spans.append(Span(p.start, p.end, text, "date"))
            continue
        recency = recency or p.recency
        if p.kind == "recency":
            spans.append(Span(p.start, p.end, text, "recency"))
            continue
        rng, note = _finish(p, corpus_span, text)
        if note:
            notes.append(note)
        spans.append(Span(p.start, p.end, text, "open" if p.open else "date"))
        if rng is not None and rng not in ranges:
            ranges.append(rng)
            cut_off = cut_off and p.open in ("until", "until_incl")
    ranges = _coalesce(ranges)
    dated = _dated_sentences(norm, [s for s in spans if s.kind in ("date", "open")])
    return TimeQuery(tuple(ranges), recency, tuple(spans), anchor, lang, _role(ranges, norm, cut_off, dated), tuple(notes))


_SENTENCE_END = re.compile(r"[。！？!?；;]|\.\s")


def _dated_sentences(norm: str, spans: Sequence[Span]) -> str:
    """The sentences of `norm` that hold a date span: a report word in a sentence of its own tells what the asker
    is reading, not what the date dates (`我在看…睦邻党建共同体的新闻。2022年是哪个街道轮值的？`: an event's year)."""
    out, start = [], 0
    for m in [*_SENTENCE_END.finditer(norm), None]:
        end = m.end() if m is not None else len(norm)
        if any(s.start < end and s.end > start for s in spans):
            out.append(norm[start:end])
        start = end
    return "".join(out)


def _role(ranges: Sequence[DateRange], norm: str, cut_off: bool, dated: str | None = None) -> str | None:
    if not ranges:
        return None
    reporting = about_reporting(norm if dated is None else dated)
    if (_is_period(ranges) and _has_period_words(norm)) or (cut_off and not reporting):
        return "period"
    return "publication" if reporting else "event"


def about_reporting(norm: str) -> bool:
    """Whether a question (search twin) asks about reports (报道, 新闻, news, article)."""
    return any(w in norm for w in P.REPORT_WORDS_CN) or bool(set(re.findall(r"[a-z]+", norm)) & P.REPORT_WORDS_EN)


def _has_period_words(norm: str) -> bool:
    return (any(w in norm for w in P.PERIOD_WORDS_CN) or bool(set(re.findall(r"[a-z]+", norm)) & P.PERIOD_WORDS_EN)
            or bool(P.QUANTITY.search(norm)))


def _is_period(ranges: Sequence[DateRange]) -> bool:
    """Whether a range is long enough to be the period a statistic covers (a half year, a quarter, a year)."""
    for r in ranges:
        if r.yearless:
            m1, d1, m2, d2 = r.yearless
            days = (m2 - m1) * 30 + d2 - d1 if (m1, d1) <= (m2, d2) else 365
        elif r.since and r.until:
            days = (r.until - r.since).days
        else:
            days = 365  # an open range (截至6月30日): a statistic's cut-off as often as not
        if days >= PERIOD_MIN_DAYS:
            return True
    return False


def _complete_year(first, last, span: tuple[date, date] | None) -> int | None:
    """The one year whose occurrence of this month/day window overlaps `span`; None if none or several."""
    if span is None:
        return None
    wraps = md(first, False) > md(last, True)
    years = []
    for y in range(span[0].year - 1, span[1].year + 1):
        try:
            lo = to_date((y, first[1], first[2]), end=False)
            hi = to_date((y + (1 if wraps else 0), last[1], last[2]), end=True)
        except ValueError:
            continue
        if first[2] and first[2] != lo.day or last[2] and last[2] != hi.day:
            continue  # 2月29日 names no day of this year
        if lo <= span[1] and hi >= span[0]:
            years.append(y)
    return years[0] if len(years) == 1 else None


def _finish(p: Piece, span: tuple[date, date] | None, text: str) -> tuple[DateRange | None, str | None]:
    """The piece's DateRange (year completed where certain), or (None, note)."""
    first, last = p.first, p.last
    assert first is not None and last is not None
    if (first[0] is None or last[0] is None) and not p.open:
        # a closed window stays year-less: it matches its days in every year, and the articles whose own
        # date has no year (`--06-26`), which a year taken from the corpus would shut out
        return DateRange(yearless=(*md(first, False), *md(last, True))), f"{text}: no year given; searched in every year"
    if first[0] is None or last[0] is None:
        y = _complete_year(first, first if p.open in ("since", "until") else last, span)
        if y is None:
            return None, f"{text}: no year given, and the articles' dates do not make one certain; not used"
        wraps = md(first, False) > md(last, True)
        first, last = fill_year(first, y), fill_year(last, y + (1 if wraps else 0))
    lo, hi = to_date(first, end=False), to_date(last, end=True)
    if p.open == "since":
        return DateRange(since=lo), None
    if p.open == "after":
        return DateRange(since=hi + timedelta(days=1)), None
    if p.open == "until":
        return DateRange(until=lo - timedelta(days=1)), None
    if p.open == "until_incl":
        return DateRange(until=hi), None
    if hi < lo:
        return None, f"{text}: empty range"
    return DateRange(since=lo, until=hi), None


def _coalesce(ranges: list[DateRange]) -> list[DateRange]:
    """Closed ranges that touch or overlap become one (7月 + 8月 → 7月1日至8月31日)."""
    closed = sorted((r for r in ranges if r.since and r.until), key=lambda r: r.since)  # type: ignore[arg-type, return-value]
    merged: list[DateRange] = []
    for r in closed:
        if merged and r.since <= merged[-1].until + timedelta(days=1):  # type: ignore[operator]
            merged[-1] = DateRange(since=merged[-1].since, until=max(merged[-1].until, r.until))  # type: ignore[type-var]
        else:
            merged.append(r)
    return merged + [r for r in ranges if not (r.since and r.until)]


def strip(question: str, spans: Sequence[Span]) -> str:
    """The question without these spans (and a preposition before / 的 after each), for lexical search."""
    out = question
    merged: list[Span] = []
    for sp in sorted(spans, key=lambda s: s.start):  # 7月和8月: the connector goes with the two spans
        if merged and P.LIST_GAP.fullmatch(search_twin(question[merged[-1].end:sp.start])):
            prev = merged[-1]
            merged[-1] = Span(prev.start, sp.end, question[prev.start:sp.end], prev.kind)
        else:
            merged.append(sp)
    for sp in sorted(merged, key=lambda s: -s.start):
        start, end = sp.start, sp.end
        before = out[:start]
        if sp.text.isascii():
            if m := P.EN_STRIP_BEFORE.search(before):
                start = m.start()
        else:
            if m := P.CN_STRIP_BEFORE.search(search_twin(before)):
                start = m.start()
            if out[end:end + 1] == "的":
                end += 1
        out = out[:start] + " " + out[end:]
    out = re.sub(r"\s+([?？!！,，.。;；:：])", r"\1", out)
    out = re.sub(r"\s{2,}", " ", out).strip()
    if re.search(r"[\u3400-\u9fff]", out):
        out = re.sub(r"(?<=[\u3400-\u9fff，。？！：；、]) | (?=[\u3400-\u9fff，。？！：；、])", "", out)
        out = out.lstrip("，,、 ")
    return out
