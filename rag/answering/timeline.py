"""Timelines: the articles about a topic as dated lines, one event each (a story republished by several outlets
once, the others named), cited, oldest first.

Only an article whose main event is the topic (its title or lead holds the topic's words) gives its headline, the
clause run that says who did what (rag.answering.headlines); an article that only mentions the topic gives a line
only where the topic is in the main clause of a sentence that says who did what, never from a list of sectors,
a background clause or an object, and otherwise none.

An event's date is the one its sentence states when it states a full date (2023年7月28日); a month and day
(7月28日) take the year of the article's date, or the year before when that would put the event after the
article; a line that states no day takes the first day its article's lead paragraph states when that is at
most a month before the article's date (when the reported event happened); otherwise the article's date. An article whose page gives no year (ISO --MM-DD)
and whose sentence names none is shown with its month and day and "year not given"; an undated article as undated. Neither is
ever given a guessed year: they follow the dated lines, in their own sections."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from rag.answering.cues import twin
from rag.answering.headlines import headline, holds, lead_text
from rag.answering.selection import Scored, score_article, shown
from rag.answering.stories import also_carried, carriers, distinct_stories
from rag.answering.topics import COVERAGE, RETRIEVED_COVERAGE, Line, nothing_found, pick_lines, topic_forms, topic_terms
from rag.lang.script import has_han, normalize
from rag.records import Citation, Summary, TopicMatch

EVENT_CHARS = 80  # an event line is at most this long (a clause run of the article's best sentences)
LEAD_DAYS = 31  # a day the lead states is the event's when at most this long before the article's date
PASSING = 0.5  # weight of a line from an article whose main event is something else (its line names the topic)
MAX_EVENTS = 30
ARTICLES_READ = 40  # the most relevant articles whose events are considered ...
ARTICLES_SCANNED = 80  # ... looked for among this many, past those that only mention the topic in passing
_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_YEARLESS = re.compile(r"^--(\d{2})-(\d{2})")


@dataclass(frozen=True)
class When:
    """An event's date: year None when no year is known; month None when nothing is."""

    year: int | None
    month: int | None
    day: int | None
    stated: bool  # the sentence states it (else: the article's date)

    def key(self) -> tuple:
        if self.year is not None:
            return (0, self.year, self.month, self.day)
        if self.month is not None:
            return (1, 0, self.month, self.day)
        return (2, 0, 0, 0)

    def label(self, language: str) -> str:
        if self.year is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.month:02d}-{self.day:02d}（年份不详）" if language == "zh" else f"{self.month:02d}-{self.day:02d} (year not given)"
        return "日期不详" if language == "zh" else "undated"


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def stated_date(article_date: str | None, text: str) -> When | None:
    """The day a text states (a full date, or a month and day placed in the article's year), or None."""
    t = twin(text)
    iso = _ISO.match(article_date or "")
    m = _FULL.search(t)
    if m and _valid(int(m.group(2)), int(m.group(3))):
        return When(int(m.group(1)), int(m.group(2)), int(m.group(3)), True)
    m = _MONTH_DAY.search(t)
    if m and _valid(int(m.group(1)), int(m.group(2))):
        month, day = int(m.group(1)), int(m.group(2))
        if iso:
            year, pub = int(iso.group(1)), (int(iso.group(2)), int(iso.group(3)))
            return When(year - 1 if (month, day) > pub and month - pub[0] > 1 else year, month, day, True)
        return When(None, month, day, True)
    return None


def recent(when: When, article_date: str | None, days: int = LEAD_DAYS) -> bool:
    """Whether `when` falls within `days` days before the article's date (month and day only when the page gives
    no year); never for an undated article."""
    iso, yearless = _ISO.match(article_date or ""), _YEARLESS.match(article_date or "")
    try:
        if iso and when.year is not None:
            gap = (date(*map(int, iso.groups())) - date(when.year, when.month, when.day)).days
        elif (iso or yearless) and when.month is not None:
            m = iso or yearless
            pub = date(2000, int(m.groups()[-2]), int(m.groups()[-1]))
            gap = (pub - date(2000, when.month, when.day)).days % 366
        else:
            return False
    except ValueError:  # 2月30日
        return False
    return 0 <= gap <= days


def event_date(article_date: str | None, text: str, lead: str = "") -> When:
    """The date of the event a sentence reports, from the sentence and the article's date (never guessed); a
    sentence that states none takes the first day the article's `lead` paragraph states when that is within
    LEAD_DAYS before the article's date (a news report's lead says when the event it reports happened; an older
    day there is background), else the article's date."""
    own = stated_date(article_date, text)
    if own is not None:
        return own
    led = stated_date(article_date, lead) if lead else None
    if led is not None and recent(led, article_date):
        return led
    iso, yearless = _ISO.match(article_date or ""), _YEARLESS.match(article_date or "")
    if iso:
        return When(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), False)
    if yearless:
        return When(None, int(yearless.group(1)), int(yearless.group(2)), False)
    return When(None, None, None, False)


def timeline_title(match: TopicMatch) -> str:
    n = len(match.articles)
    if not match.topic:  # every article: a timeline of everything
        return f"时间线（全部 {n} 篇报道）" if match.language == "zh" else f"Timeline of all {n} article{'' if n == 1 else 's'}"
    return f"“{match.topic}”时间线（{n} 篇报道）" if match.language == "zh" else f"Timeline of “{match.topic}” ({n} article{'' if n == 1 else 's'})"


def main_event_text(scored: Scored) -> str:
    """The article's title and lead sentence (Simplified search form): what its main event is."""
    return normalize((scored.ix.title if scored.ix is not None else "") + "\n" + lead_text(scored))


def timeline_terms(match: TopicMatch) -> tuple[list[tuple[str, float]], float]:
    """The topic's words an article's title and lead, or a line, must hold, and the share of their weight: a
    Chinese topic's own words (all of one or two, else COVERAGE); an English topic's Chinese words (the glossary's,
    and names read in pinyin from the matched articles), RETRIEVED_COVERAGE of them, or its own words where the
    articles hold them (English articles); none (no check) when neither is found."""
    if has_han(match.topic):
        terms = topic_terms(match.topic)
        return terms, (0.999 if len(terms) <= 2 else COVERAGE)
    texts = [(a.title + "\n" + "\n".join(a.paragraphs)).lower() for a in match.articles[:20]]
    terms = topic_forms(match.topic, texts)
    # an English word's Chinese forms are alternatives (签署|签订|签约: any one counts; 青島 read in a page → 青岛)
    han = [("|".join(dict.fromkeys(normalize(f) for f in forms if has_han(f))), w) for _, w, forms in terms]
    han = [(t, w) for t, w in han if t]
    if han:
        return han, RETRIEVED_COVERAGE
    return ([(t, w) for t, w, _ in terms if any(t in x for x in texts)], RETRIEVED_COVERAGE)


def lead_share(terms: list[tuple[str, float]], need: float) -> float:
    """The share of the topic a title and lead must hold for the article's main event to be the topic: `need`, or
    RETRIEVED_COVERAGE for a topic of three or more words (a short title and lead seldom hold all of 基层党建共建活动:
    a newcomer's timeline of it matched four articles and showed two — 青山区's 睦邻党建 meeting, whose title
    says 基层党建, left out)."""
    return min(need, RETRIEVED_COVERAGE) if len(terms) >= 3 else need


def event_line(scored: Scored, terms: list[tuple[str, float]], need: float) -> tuple[tuple[int, int, int] | None, bool]:
    """(the article's event line, whether the article's main event is the topic). An article whose title or lead
    holds the topic gives its headline (who did what); another gives a line only from a clause run that says who
    did what with the topic in its main clause, else none."""
    if not terms or holds(main_event_text(scored), terms, lead_share(terms, need)):
        return headline(scored, EVENT_CHARS), True
    return headline(scored, EVENT_CHARS, terms, need), False


def timeline_events(match: TopicMatch, max_events: int = MAX_EVENTS) -> list[tuple[When, Line]]:
    """One event per article (its ≤ 80-character line), near-duplicate reports left out, oldest first: dated
    events, then those without a year, then undated ones. An article that only mentions the topic in passing
    gives no line (`event_line`)."""
    return read_events(match, max_events)[0]


def read_events(match: TopicMatch, max_events: int = MAX_EVENTS) -> tuple[list[tuple[When, Line]], int]:
    """`timeline_events`, and how many stories were read for them."""
    terms, need = timeline_terms(match)
    lines: list[Line] = []
    leads: dict[str, str] = {}  # each article's lead paragraph
    read = 0
    for rank, (article, others) in enumerate(distinct_stories(match.articles, ARTICLES_SCANNED)):
        if len(lines) >= ARTICLES_READ:
            break
        read += 1
        scored = score_article(article)
        span, main = event_line(scored, terms, need)
        if span is not None:
            best = float(max(scored.sentence_scores.max(), 0.0)) if len(scored.sentence_scores) else 0.0
            weight = (0.5 + best) / math.sqrt(1 + rank) * (1.0 if main else PASSING)
            lines.append(Line(article, span, weight, carriers(article, others)))
            leads[article.id] = lead_text(scored, whole_paragraph=True)
    events = pick_lines(lines, max_events)
    dated = sorted(((event_date(l.article.date, l.text, leads.get(l.article.id, "")), l) for l in events),
                   key=lambda t: (t[0].key(), t[1].article.id))
    return dated, read


def section_heading(kind: int, language: str) -> str:
    """The heading before the events without a year (kind 1) or without a date (kind 2)."""
    if language == "zh":
        return "以下报道未注明年份：" if kind == 1 else "以下报道未注明日期："
    return "Reports that give no year:" if kind == 1 else "Undated reports:"


def event_prefix(when: When, line: Line, language: str) -> str:
    source = line.article.source
    where = (f"（{source}）" if language == "zh" else f" ({source})") if source else ""
    return f"{when.label(language)}{where} "


def timeline(match: TopicMatch, max_events: int = MAX_EVENTS) -> Summary:
    title = timeline_title(match)
    if not match.articles:
        return nothing_found(match, title)
    events, read = read_events(match, max_events)
    if not events:
        return only_in_passing(match, title)
    out: list[str] = []
    citations: list[Citation] = []
    section = 0
    for when, line in events:
        if when.key()[0] > section:
            section = when.key()[0]
            out.append(section_heading(section, match.language))
        n = len(citations) + 1
        p, a, b = line.span
        art = line.article
        citations.append(Citation(n, art.id, art.title, art.date, art.source, art.url, p, line.text, a, b))
        out.append(f"{event_prefix(when, line, match.language)}{shown(line.text)}[{n}]{also_carried(line.also, match.language)}")
    return Summary(None, title, "\n".join(out), citations, note=coverage_note(match, len(events), read))


def only_in_passing(match: TopicMatch, title: str) -> Summary:
    """No event line: the matching articles mention the topic, none of them in a main clause or as its event."""
    n = len(match.articles)
    text = (f"有 {n} 篇报道提到“{match.topic}”，但都只是顺带提及，没有以它为主的事件。" if match.language == "zh"
            else f"{n} articles mention “{match.topic}”, only in passing: none reports an event about it.")
    return Summary(None, title, text, [], note="mentions in passing only")


def coverage_note(match: TopicMatch, events: int, read: int) -> str | None:
    if len(match.articles) <= events:
        return None
    return (f"{events} events from {len(match.articles)} matching articles (the most relevant {read} stories read; "
            f"repeated reports and mentions in passing left out)")
