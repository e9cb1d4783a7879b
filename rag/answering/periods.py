"""A time condition on which articles a question selects (哪几篇讲的活动是在6月举行的, 哪些报道的活动发生在上半年, 7月以前,
Which articles are about events held in June?, before July): the months (and year, or day) the question names, and each
article's event date — the first day its text gives (6月25日, the lead's), else its publication date. An article
joins such a question only when its event date meets the condition, its line the unit saying that date
(rag.answering.multi per_article). Matched on the search form (Simplified)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from typing import Mapping, Sequence

from rag.answering.candidates import article_text
from rag.answering.question import Question
from rag.ingest.articles import Article
from rag.lang.script import normalize, script_of

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_N = r"(?:[0-9]{1,2}|十[一二]?|[一二三四五六七八九])"
# a month (2023年6月, 6月份, 六月), a day (6月16日), a half year (上半年), a quarter (第二季度)
_ZH = re.compile(rf"(?:(?P<year>[0-9]{{4}})年)?(?P<month>{_N})月(?:份)?(?:(?P<day>[0-9]{{1,2}})[日号])?|"
                 r"(?P<half>[上下])半年|第(?P<quarter>[一二三四1-4])季度")
# a year alone as when the event was held (2024年召开的, 在2023年举办, 发生在2023年; held in 2024): its event year must be
# known to meet it
_YEAR_ZH = re.compile(r"(?:在|于|是|发生在)(?P<year>[0-9]{4})年(?!的?[0-9一二三四五六七八九十]{1,3}月|[上下]半年|第)(?:的时候)?(?:召开|举行|举办|开|办|开展|进行|发生)|"
                      r"发生在(?P<year2>[0-9]{4})年(?![0-9一二三四五六七八九十]{1,3}月|[上下]半年)")
_YEAR_EN = re.compile(r"\b(?:in|during)\s+(?P<year>[0-9]{4})\b(?!\s*[,-]?\s*[0-9])")
# before or after a month (7月以前, 6月之后; before July, after June): the months on that side of it
_SIDE_ZH = re.compile(r"(?:份)?(?:(?P<before>以前|之前|前)|(?P<after>以后|之后|后))")
_SIDE_EN = re.compile(r"\b(?P<before>before|prior to)\s+(?:the\s+)?$|\b(?P<after>after|since)\s+(?:the\s+)?$", re.I)
_EN = re.compile(r"\b(?:in|during|on|before|after|prior to|since)\s+(?:the\s+)?(?:(?P<half>first|second)\s+half(?:\s+of\s+the\s+year)?|"
                 rf"(?P<month>{'|'.join(_MONTHS_EN)})(?:\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?)?(?:,?\s+(?P<year>[0-9]{{4}}))?)\b",
                 re.I)
# the question asks when its event happened (举行, 召开, 活动, held, took place), not a date it mentions in passing
_EVENT_ZH = re.compile(r"举行|举办|召开|开的|开了|办的|办了|开展|进行|发生|活动|会议|仪式|签约|签的")
_EVENT_EN = re.compile(r"\b(held|hold|took place|take place|happened|happen|organi[sz]ed|events?|meetings?|activit(?:y|ies)|"
                       r"ceremon(?:y|ies))\b", re.I)
# the question asks when its event was held (举行的, 召开, held in, took place): a date it names is the event's
_HELD_ZH = re.compile(r"举行|举办|召开|开的|开了|(?<![侦查承督])办[的了]|开展|进行的|发生")
# a date said as the report's (湖北日报7月31日报道, 6月18日的消息, reported on July 31): a publication date
_REPORTED_ZH = re.compile(r"[0-9一二三四五六七八九十]{1,3}[日号月]份?的?(?:报道|报导|消息|发布|发表|刊发|刊登|电|讯)")
_REPORTED_EN = re.compile(r"\b(?:reported|published|reports?)\s+(?:on|in)\b", re.I)
_HELD_EN = re.compile(r"\b(held|hold|took place|take place|happened|happen|organi[sz]ed)\b", re.I)
_DAY = re.compile(r"(?:(?P<year>[0-9]{4})年)?(?P<month>[0-9]{1,2})月(?P<day>[0-9]{1,2})[日号]")


@dataclass(frozen=True)
class Period:
    """The months a question's time condition covers, with its year and day when it names them."""

    months: frozenset[int]
    year: int | None = None
    day: int | None = None

    year_only: bool = False  # a year alone: an event whose year is unknown does not meet it

    def meets(self, year: int | None, month: int, day: int | None) -> bool:
        """Whether an event on that date (its year unknown: None) falls in the period."""
        if self.year_only:
            return year == self.year
        return (month in self.months and (self.year is None or year is None or year == self.year)
                and (self.day is None or day == self.day))


def _month(text: str) -> int | None:
    n = int(text) if text.isdigit() else _CN_NUM.get(text)
    return n if n and 1 <= n <= 12 else None


def asked_period(q: Question) -> Period | None:
    """The time condition of a which-articles question about events (哪几篇的活动是6月份办的 → June), or None."""
    if not q.multi:
        return None
    if q.script == "en":
        m = _EN.search(q.text)
        year = _YEAR_EN.search(q.text)
        if not (m or year) or not _EVENT_EN.search(q.text):
            return None
        if not m:
            return Period(frozenset(range(1, 13)), int(year.group("year")), year_only=True)
        if m.group("half"):
            return Period(frozenset(range(1, 7) if m.group("half").lower() == "first" else range(7, 13)))
        year = int(m.group("year")) if m.group("year") else None
        day = int(m.group("day")) if m.group("day") else None
        month = _MONTHS_EN.index(m.group("month").lower()) + 1
        side = _SIDE_EN.search(q.text[:m.start("month")])
        if side:  # before July, after June: the months on that side (its year and day no condition then)
            return Period(frozenset(range(1, month) if side.group("before") else range(month + 1, 13)))
        return Period(frozenset({month}), year, day)
    norm = normalize(q.text)
    m = _ZH.search(norm)
    year = _YEAR_ZH.search(norm)
    if not (m or year) or not _EVENT_ZH.search(norm):
        return None
    if not m:
        return Period(frozenset(range(1, 13)), int(year.group("year") or year.group("year2")), year_only=True)
    if m.group("half"):
        return Period(frozenset(range(1, 7) if m.group("half") == "上" else range(7, 13)))
    if m.group("quarter"):
        n = _month(m.group("quarter"))
        return Period(frozenset(range(3 * n - 2, 3 * n + 1))) if n else None
    month = _month(m.group("month"))
    if month is None:
        return None
    side = _SIDE_ZH.match(norm, m.end())
    if side and not m.group("day"):  # 7月以前, 6月之后: the months on that side
        return Period(frozenset(range(1, month) if side.group("before") else range(month + 1, 13)))
    return Period(frozenset({month}), int(m.group("year")) if m.group("year") else None,
                  int(m.group("day")) if m.group("day") else None)


def held_asked(question: str) -> bool:
    """Whether `question` asks about events held at a time (6月16日举行的, 哪几篇报道的活动是在7月举办的, events held in
    July): the date it names is then the event's, met by the event date an article states (`event_day`)."""
    if script_of(question) == "en":
        return bool(_HELD_EN.search(question)) and not _REPORTED_EN.search(question)
    norm = normalize(question)
    return bool(_HELD_ZH.search(norm)) and not _REPORTED_ZH.search(norm)


def event_day(text: str, published: str | None) -> tuple[str | None, int | None, int, int | None]:
    """An article's event date from its search-form `text`: (the words saying it, year, month, day) of the first
    day it gives (its year: said with it, else the publication year); else the publication date (no words); else
    (None, None, 0, None)."""
    year = int(published[:4]) if published and published[:4].isdigit() else None
    m = _DAY.search(text)
    if m and _month(m.group("month")):
        said_year = int(m.group("year")) if m.group("year") else year
        return m.group(0), said_year, int(m.group("month")), int(m.group("day"))
    iso = re.match(r"(?:([0-9]{4})|-)-([0-9]{2})-([0-9]{2})", published or "")
    if iso:
        return None, int(iso.group(1)) if iso.group(1) else None, int(iso.group(2)), int(iso.group(3))
    return None, None, 0, None


def meeting_first(period: Period, read: Sequence[str], articles: Mapping[str, Article], most: int) -> list[str]:
    """The articles to read for a which-articles question with a time condition: those of `read` (retrieved, in
    order) whose event date meets it, then any other article of `articles` that meets it (retrieval on 2023年办的
    finds none of its events' words), at most `most`."""
    def meets(a: Article) -> bool:
        _, *day = event_day(article_text(a), a.date)
        return period.meets(*day)

    found = [i for i in read if i in articles and meets(articles[i])]
    for i, a in articles.items():
        if len(found) >= most:
            break
        if i not in found and meets(a):
            found.append(i)
    return found[:most]
