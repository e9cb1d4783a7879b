"""News of a time: a question that asks what the articles of its range report (`最近一周发生了什么`, `What
happened on June 25?`, `6月份有哪些党建活动？`, `7月下旬有哪些关于台风的报道？`) is answered with one cited line
per article of the range that is about what it names, not with one quote; one that asks for the latest news
about something (`关于夏威夷山火的最新消息`, `latest news on …`) with the newest reports about it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Callable, Sequence

from rag.answering.candidates import article_text
from rag.answering.english import glossary_terms, pinyin_terms
from rag.answering.asks import asks
from rag.answering.multi import verb_coverage
from rag.answering.question import analyze
from rag.answering.selection import shown
from rag.answering.timeline import When, recent, stated_date
from rag.contracts import Retriever
from rag.ingest.articles import Article
from rag.lang.script import has_han, search_twin
from rag.lang.sentences import split_sentences
from rag.lang.when.words import words
from rag.scope.facts import CorpusFacts
from rag.scope.plan import Scope
from rag.records import Answer, Citation, Summary

DIGEST_MIN_COVERAGE = 0.6  # an article is listed when it holds this much of what the question names (IDF-weighted)
DIGEST_POOL = 50  # articles of the range read, best ranked first
LATEST_ARTICLES = 3  # the newest reports listed for a question about the latest (最新消息, latest news)
# A question asking for a list of reports or events (哪些…活动, 有什么…新闻, which/what … news), or how an
# outlet covered something (怎么报道, how did … report).
_LIST_CN = re.compile(r"哪些[^，。？?！!]{0,12}?(?:报道|新闻|消息|活动|文章|事件|会议|事)"
                      r"|有(?:什么|哪些|啥)[^，。？?！!]{0,20}?(?:报道|新闻|消息|活动|文章|事件)"
                      r"|(?:怎么|怎样|如何)(?:报道|报导|播报)|报道了(?:什么|哪些)")
_LIST_EN = re.compile(r"\b(?:which|what)\b[^?]{0,40}?\b(?:news|reports?|articles?|stories|events|headlines|coverage)\b"
                      r"|\bwhat (?:has )?happened\b"
                      r"|\bhow did\b[^?]{0,40}\b(?:report|cover)\b")
# Asking on which day each was (各是哪天, 分别在哪天, on which days): the other ask of a range's list question,
# answered by each line's sentence that names its day.
_DAYS = re.compile(r"哪[一几]?天|几[月号]|什么(?:时候|日子|日期)|何时|日期"
                   r"|\b(?:on )?(?:which|what) (?:days?|dates?)\b|\bwhen\b", re.I)
_DAY = re.compile(r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号號]")
_CLAUSE_MARKS = ("，", ",", "；", ";", "：", ":")
DAY_CLAUSE_AFTER = 20  # a day this far into its sentence starts the line at its own clause
EVENT_PARAGRAPHS = 6  # an article's event day is the first day its first paragraphs state (the lead's)
# Words of a question: without any, the words are a topic (`6月份的活动`, `大众日报 青岛`), listed like a list question.
_ASKING = re.compile(r"[?？]|什么|谁|哪|多少|几|怎么|怎样|如何|为何|为什么|是否|吗|呢"
                     r"|\b(?:what|who|whom|whose|when|where|which|how|why|whether|did|does|do|is|are|was|were|can|could)\b")


def digest_ids(scope: Scope, facts: CorpusFacts, retriever: Retriever) -> list[str] | None:
    """The articles a digest lists, best first, or None when the question is not one for a digest: it needs a
    filter that admits articles, and either nothing asked but news words (the whole range, newest first) or a
    list question (the range's articles about what it names)."""
    days = bool(_DAYS.search(search_twin(scope.question))) and bool(scope.time.ranges)
    q = analyze(_DAYS.sub(" ", search_twin(scope.question)) if days else scope.question)  # the day asked: no topic
    news = set(words("digest_word"))
    named = tuple((t, w) for t, w in q.terms if t not in news)
    latest = scope.recency and len(named) < len(q.terms)  # 最新消息, latest news: the newest reports about it
    if not (scope.filter and scope.allowed) and not latest:
        return None
    if not named:
        newest = sorted(scope.allowed or (), key=lambda i: facts.articles[i].date or "", reverse=True)
        return _in_range(newest, scope, facts) or None
    twin = search_twin(scope.question)
    if q.multi and len(asks(twin)) >= 2 and not latest and not days:  # which of the events, and on what days: a question
        return None  # across articles, each article's line the unit that answers its other ask (its day)
    if not (latest or _LIST_CN.search(twin) or _LIST_EN.search(twin) or not _ASKING.search(twin)):
        return None
    found = [aid for aid, _ in retriever.search_articles(scope.question, k=DIGEST_POOL) if aid in facts.articles]
    ranked = list(dict.fromkeys(found + list(scope.allowed or ())))[:DIGEST_POOL]  # a narrow range is read whole
    texts = {aid: article_text(facts.articles[aid]) for aid in ranked}
    topic = replace(q, terms=named)
    if not q.lexical:  # English: the pinyin names it spells (Qingdao → 青岛) and the news words it translates
        topic = glossary_terms(pinyin_terms(topic, texts.values()), texts.values())
        topic = replace(topic, terms=tuple((t, w) for t, w in topic.terms if has_han(t)))
        if not topic.terms:
            return None
    about = [aid for aid in ranked if verb_coverage(topic.terms, texts[aid]) >= DIGEST_MIN_COVERAGE]
    return (about[:LATEST_ARTICLES] if latest else _in_range(about, scope, facts)) or None


def event_day(article: Article) -> tuple[tuple[int, int, int], When] | None:
    """The sentence that names the day of the article's event, as (paragraph from 1, start, end), and that day:
    the first sentence of its first EVENT_PARAGRAPHS paragraphs stating a day at most a month before the
    article's date (any stated day for an article without a date); None when none does."""
    for p, para in enumerate(article.paragraphs[:EVENT_PARAGRAPHS], start=1):
        for a, b in split_sentences(para):
            when = stated_date(article.date, para[a:b])
            if when is not None and (recent(when, article.date) or not article.date):
                return (p, _clause_start(para, a, b), b), when
    return None


def _clause_start(para: str, a: int, b: int) -> int:
    """Where the clause naming the day starts in the sentence para[a:b] (a long sentence's run of purpose
    clauses before `6月25日，…举行…` left out)."""
    m = _DAY.search(para, a, b)
    if m is None:
        return a
    cut = max(para.rfind(mark, a, m.start()) for mark in _CLAUSE_MARKS)
    return cut + 1 if cut >= a and m.start() - a > DAY_CLAUSE_AFTER else a


def _in(when: When, scope: Scope) -> bool:
    if when.year is not None:
        try:
            day = date(when.year, when.month, when.day)
        except ValueError:
            return False
        return any(r.contains(day) for r in scope.time.ranges)
    return any(r.contains_month_day(when.month, when.day) for r in scope.time.ranges)


def _in_range(ids: Sequence[str], scope: Scope, facts: CorpusFacts) -> list[str]:
    """A range's articles less those whose event day, as the article states it, falls outside the asked range
    (the filter admits the articles of the range by their dates, a day or two of reporting slack included)."""
    if not scope.time.ranges or scope.recency:
        return list(ids)
    kept = []
    for aid in ids:
        found = event_day(facts.articles[aid])
        if found is None or _in(found[1], scope):
            kept.append(aid)
    return kept


def day_line(article: Article) -> Summary | None:
    """An article's digest line for a range: its sentence naming the event's day, cited; None without one."""
    found = event_day(article)
    if found is None:
        return None
    (p, a, b), _when = found
    quote = article.paragraph(p)[a:b]
    cite = Citation(1, article.id, article.title, article.date, article.source, article.url, p, quote, a, b)
    cut = a not in {start for start, _end in split_sentences(article.paragraph(p))}
    return Summary(article.id, article.title, f"{'…' if cut else ''}{shown(quote)}[1]", [cite])  # a clause: said so


def renumber(text: str, numbers: dict[int, int]) -> str:
    """`text` with each citation marker [n] in `numbers` replaced by [numbers[n]] at once (never one replaced
    marker read again as another's: [1][2] renumbered from 2 is [2][3], not [3][3])."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", text)


def digest_answer(question: str, ids: Sequence[str], line: Callable[[str], Summary], shown_most: int) -> Answer:
    """What the articles of a question's range report: one cited line each (`line` of an article id), in the
    order given, for the first `shown_most`; the citations numbered in the digest's order."""
    listed = list(ids)[:shown_most]
    lines: list[str] = []
    citations: list[Citation] = []
    for aid in listed:
        one = line(aid)
        numbers = {c.n: len(citations) + k for k, c in enumerate(one.citations, start=1)}
        citations += [replace(c, n=numbers[c.n]) for c in one.citations]
        lines.append(renumber(one.summary, numbers))
    note = f"showing {len(listed)} of {len(ids)} articles" if len(ids) > len(listed) else None
    return Answer(question, "\n".join(lines), False, citations, note=note)
