"""A question's scope: which articles it may be answered from (dates and outlets it names, merged with the
filters the user set), whether newer articles are preferred, and the refusal when no article is left.

How a date in a question becomes a filter depends on its role (rag.lang.when): a question about reports
(`7月下旬有哪些关于台风的报道`) filters by publication date; one about an event (`6月份有哪些党建活动`,
`2024年渠岸镇开了什么会`) by publication date too, widened by `EVENT_SLACK_DAYS` after the range (an event is
reported that day or the next in 99 % of CRUD's datelines), unless no article at all is of that range (then the
question tells of a past the articles may mention); a statistic's period or cut-off (`2023年上半年GDP`,
`截至6月30日`: published later) is no filter at all. An outlet named in a question
(大众日报, 新华网, Xinhua) filters by the articles' credits, with its group (新华社/新华网)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from rag.lang.outlets import OutletMatch, find_outlets, source_filter
from rag.answering.candidates import article_text
from rag.answering.periods import event_day, held_asked
from rag.lang.display import to_script
from rag.lang.script import script_of, search_twin
from rag.lang.when import DateRange, Span, TimeQuery, parse, strip
from rag.lang.wordlists import read_rows
from rag.answering.slots import surnamed_persons
from rag.records import Answer, Filter, Summary
from rag.scope.facts import CorpusFacts
from rag.scope.filters import describe_filter, merged

EVENT_SLACK_DAYS = 2  # an event question also admits articles published this many days after its range
# The kinds of words a filter took over that the answerer does not read ("date", "open", "outlet", "recency"):
# they are met by the filter, and as words to find in a sentence they only cost (bench/bench_dates.py, variants).
STRIP_FOR_ANSWER: tuple[str, ...] = ("outlet", "date", "open", "recency")


@dataclass(frozen=True)
class Scope:
    filter: Filter  # what searches may return: the explicit filter's parts, the question's where it sets none
    time: TimeQuery
    outlets: tuple[OutletMatch, ...]
    allowed: tuple[str, ...] | None  # ids of the articles the filter admits (None: no filter)
    anchor: date | None
    lang: str  # the question's script: "hans", "hant" or "en"
    description: str  # the filter as the reply names it (the asked range, not the event slack)
    question: str  # the question without the dates, outlets and recency words the scope took over
    asked: str = ""  # the question as asked
    taken: tuple[Span, ...] = ()  # the spans the filter and the boost took over
    held: bool = False  # the range is when the asked event was held, and no article tells of one then

    def for_answer(self) -> str:
        """The question the answerer reads: without the taken words of the STRIP_FOR_ANSWER kinds."""
        return self.question_for(STRIP_FOR_ANSWER)

    def question_for(self, kinds: tuple[str, ...]) -> str:
        """The question without the taken spans of these kinds (as asked, when none is taken)."""
        spans = [s for s in self.taken if s.kind in kinds]
        return (strip(self.asked, spans) or self.asked) if spans else self.asked

    @property
    def recency(self) -> bool:
        return self.time.recency

    @property
    def missing(self) -> list[str]:
        """Outlets asked about that the corpus never credits, as written."""
        return [m.text for m in self.outlets if not m.present]

    def refusal(self, question: str) -> Answer | None:
        """The refusal when the filter leaves no article (saying what was searched); None otherwise."""
        if self.allowed is None or self.allowed:
            return None
        en = self.lang == "en"
        if self.missing and not any(m.present for m in self.outlets):
            names = "、".join(self.missing) if not en else ", ".join(self.missing)
            text = (f"None of the articles is from {names}." if en else f"这些文章中没有来自{names}的报道。")
        elif self.held:
            text = (f"No article reports an event held on the date asked: {self.description}." if en
                    else f"没有文章报道在所问日期举行的活动：{self.description}。")
        else:
            text = (f"No article matches the range searched: {self.description}." if en
                    else f"没有符合检索范围的文章：{self.description}。")
        text = text if en else to_script(text, self.lang)
        return Answer(question, text, True, note="no article in the range searched", filter=self.filter,
                      scope=self.description)

    def annotate(self, answer: Answer) -> Answer:
        """The answer with the filter it was given under; a refusal also says what was searched."""
        if not self.filter:
            return answer
        text = answer.answer
        if answer.refused:
            said = f" (Searched: {self.description}.)" if self.lang == "en" else to_script(f"（检索范围：{self.description}）", self.lang)
            text += said
        return replace(answer, answer=text, filter=self.filter, scope=self.description)

    def label(self) -> str:
        """The range as a summary's note says it (筛选：…, Filtered: …), in the question's script."""
        return f"Filtered: {self.description}" if self.lang == "en" else to_script(f"筛选：{self.description}", self.lang)

    def annotate_summary(self, summary: Summary, topic: str) -> Summary:
        """A topic summary or timeline made within this scope, saying the range as an answer does (筛选：…,
        Filtered: …); when no article of the range is about the topic, a refusal naming the range."""
        if not self.filter:
            return summary
        en, said = self.lang == "en", self.label()
        if summary.citations:
            return replace(summary, note=" · ".join(x for x in (said, summary.note) if x))
        refused = self.refusal(summary.title)
        if refused is not None:  # no article at all in the range (or from the outlet named)
            text = refused.answer
        elif en:
            text = f"No article about “{topic}” in the range searched: {self.description}."
        else:
            text = to_script(f"检索范围内没有关于“{topic}”的报道：{self.description}。", self.lang)
        return replace(summary, summary=text, citations=[], note=" · ".join(x for x in (said, "no matching articles") if x))


def plan_scope(question: str, explicit: Filter, facts: CorpusFacts, anchor: date | None) -> Scope:
    """The scope of `question` under the explicit filter, over the corpus `facts` describe."""
    time = parse(question, anchor=anchor, corpus_span=facts.span)
    outlets = tuple(find_outlets(question, facts.outlets))
    asked = time.hull if time.role in ("publication", "event") else None
    dated_by_user = bool(explicit.since or explicit.until)
    sources = tuple(sorted(source_filter(outlets)))
    kept = none_held = False  # a held-at date that no article's event or publication date meets: refused, naming it
    if asked is not None and not dated_by_user and _narrow(asked) and held_asked(question):
        # the date is when the event was held (哪几篇报道的活动是6月16日举行的, events held in July): an article
        # published 6月18日 reports a 6月16日 event. Where the event dates the articles state meet it beyond what the
        # publication range admits, the date is no filter but a condition on events (rag.answering.periods); where
        # neither an event nor a publication date meets it, the range stays and is refused, naming it.
        events = _events_in(asked, facts)
        published = set(facts.matching(Filter(*_searched(asked, time.role).bounds())))
        if events - published:
            asked = None
        elif not events and not published and not any(
                _written(s.text, facts.ids, facts) for s in time.spans if s.kind == "date"):
            kept = True  # a day or month no article was published in, held its event in, or writes
        elif not events and _held_elsewhere(asked, published, facts):
            kept = none_held = True  # 昨天召开的 (2月26日) of the one article published 2月27日 on its 2月25日 meeting
    if asked is not None and time.role == "event" and not dated_by_user and not kept:
        # an event's range that holds no article at all names a past the articles may still tell of
        # (哪个街道是2022年睦邻党建轮值街道, asked of 2023's articles): the date stays a word of the question
        if not facts.matching(Filter(*asked.widened(EVENT_SLACK_DAYS).bounds())):
            asked = None
    if asked is not None and not dated_by_user and (talked_about(question, time.spans)
                                                    or _hides_names(question, _searched(asked, time.role), facts)):
        asked = None  # the year is what is talked about, or the range would hide the one article naming the asked
    searched = _searched(asked, time.role)
    since, until = searched.bounds() if searched is not None else (None, None)
    own = Filter(since, until, sources)
    f = merged(explicit, own)
    lang = script_of(question)
    shown = f if dated_by_user or asked is None else replace(f, since=asked.bounds()[0], until=asked.bounds()[1])
    allowed = () if none_held else tuple(facts.matching(f)) if f else None
    # the words the filter and the boost took over are no longer words to match, unless the articles it
    # admits write them (`2024年渠岸镇开了什么会`: the meeting is the 2024年镇村干部大会)
    taken = [s if s.kind == "recency" or not _written(s.text, allowed or (), facts) else replace(s, kind="written")
             for s in time.spans if s.kind == "recency" or (asked is not None and not dated_by_user)]
    if not explicit.sources:
        taken += [Span(m.start, m.end, m.text, "outlet") for m in outlets if m.present]
    rest = strip(question, taken) if taken else question
    return Scope(f, time, outlets, allowed, anchor, lang, describe_filter(shown, lang), rest, question, tuple(taken),
                 kept and not allowed)


def _searched(asked: DateRange | None, role: str | None) -> DateRange | None:
    """The range searched for an asked range: an event's widened by EVENT_SLACK_DAYS after it."""
    return asked.widened(EVENT_SLACK_DAYS) if asked is not None and role == "event" else asked


def _narrow(asked: DateRange) -> bool:
    """A day-to-month range (6月20日, 2023年7月; no year, half year or open side)."""
    if asked.yearless:
        m1, d1, m2, d2 = asked.yearless
        return (m2 - m1) % 12 <= 1
    return asked.since is not None and asked.until is not None and (asked.until - asked.since).days <= 31


def _held_elsewhere(asked: DateRange, published: set[str], facts: CorpusFacts) -> bool:
    """For one asked day: whether every article the publication range admits states its event on another day
    and never writes the asked one (6月20日), so none of them tells of an event held that day."""
    if asked.yearless:
        m1, d1, m2, d2 = asked.yearless
        if (m1, d1) != (m2, d2):
            return False
        day = (m1, d1)
    elif asked.since is None or asked.since != asked.until:
        return False
    else:
        day = (asked.since.month, asked.since.day)
    written = f"{day[0]}月{day[1]}日"
    for aid in published:
        said, *_ = event_day(facts.text_of(aid), facts.articles[aid].date)
        if said is None or written in facts.text_of(aid):
            return False
    return bool(published)


def _events_in(asked: DateRange, facts: CorpusFacts) -> set[str]:
    """The articles whose event date (rag.answering.periods.event_day: the first day the text gives, else the
    publication date) lies in `asked` (a day of no known year only a range of no year)."""
    found = set()
    for aid in facts.ids:
        _, year, month, day = event_day(facts.text_of(aid), facts.articles[aid].date)
        if not month or day is None:
            continue
        if asked.yearless:
            if asked.contains_month_day(month, day):
                found.add(aid)
            continue
        if year is None:  # a day of no known year meets no dated range
            continue
        try:
            if asked.contains(date(year, month, day)):
                found.add(aid)
        except ValueError:
            continue
    return found


@lru_cache(maxsize=1)
def _year_cues() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(row[0]) for row in read_rows("rag.scope", "data/year_topics.tsv", 1, 1))


_BARE_YEAR = re.compile(r"(?:the\s+year\s+)?\d{4}(?:\s*年度?)?")


def talked_about(question: str, spans) -> bool:
    """Whether a bare year of the question is what it talks about (`what did 孙宇 call the year 2023`,
    `2023年是什么之年`, `回顾2023年`: data/year_topics.tsv), not when the asked thing happened or was reported."""
    twin = search_twin(question)
    for s in spans:
        if s.kind != "date" or not _BARE_YEAR.fullmatch(twin[s.start:s.end].strip()):
            continue
        marked = twin[:s.start] + "§" + twin[s.end:]
        if any(cue.search(marked) for cue in _year_cues()):
            return True
    return False


def _hides_names(question: str, searched: DateRange | None, facts: CorpusFacts) -> bool:
    """Whether a range from the question admits no article naming the persons it names while another article
    does: `2023年孙宇说了什么` of a 2024 report that quotes 孙宇 on 2023 — the range would hide the one answer."""
    if searched is None:
        return False
    twin = search_twin(question)
    names = list(dict.fromkeys(_HAN_NAME.findall(twin) if script_of(question) == "en" else surnamed_persons(twin)))
    if not names:
        return False
    admitted = set(facts.matching(Filter(*searched.bounds())))
    if any(n in facts.text_of(i) for i in admitted for n in names):
        return False
    return any(n in facts.text_of(i) for i in facts.ids if i not in admitted for n in names)


_HAN_NAME = re.compile(r"(?<![\u3400-\u9fff])[\u3400-\u9fff]{2,4}(?![\u3400-\u9fff])")  # 孙宇 in an English question


def _written(text: str, ids, facts: CorpusFacts) -> bool:
    """Whether any of these articles writes `text` (in search form)."""
    needle = search_twin(text).replace(" ", "")
    return any(needle in facts.text_of(i) for i in ids)
