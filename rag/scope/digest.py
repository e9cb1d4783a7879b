"""News of a time: a question that asks what the articles of its range report (`最近一周发生了什么`, `What
happened on June 25?`, `6月份有哪些党建活动？`, `7月下旬有哪些关于台风的报道？`) is answered with one cited line
per article of the range that is about what it names, not with one quote; one that asks for the latest news
about something (`关于夏威夷山火的最新消息`, `latest news on …`) with the newest reports about it."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answering.candidates import article_text
from rag.answering.english import glossary_terms, pinyin_terms
from rag.answering.asks import asks
from rag.answering.multi import verb_coverage
from rag.answering.question import analyze
from rag.contracts import Retriever
from rag.lang.script import has_han, search_twin
from rag.lang.when.words import words
from rag.scope.facts import CorpusFacts
from rag.scope.plan import Scope

DIGEST_MIN_COVERAGE = 0.6  # an article is listed when it holds this much of what the question names (IDF-weighted)
DIGEST_POOL = 50  # articles of the range read, best ranked first
LATEST_ARTICLES = 3  # the newest reports listed for a question about the latest (最新消息, latest news)
# A question asking for a list of reports or events (哪些…活动, 有什么…新闻, which/what … news), or how an
# outlet covered something (怎么报道, how did … report).
_LIST_CN = re.compile(r"哪些[^，。？?！!]{0,12}?(?:报道|新闻|消息|活动|文章|事件|会议|事)"
                      r"|有(?:什么|哪些)[^，。？?！!]{0,20}?(?:报道|新闻|消息|活动|文章|事件)"
                      r"|(?:怎么|怎样|如何)(?:报道|报导|播报)|报道了(?:什么|哪些)")
_LIST_EN = re.compile(r"\b(?:which|what)\b[^?]{0,40}?\b(?:news|reports?|articles?|stories|events|headlines|coverage)\b"
                      r"|\bhow did\b[^?]{0,40}\b(?:report|cover)\b")
# Words of a question: without any, the words are a topic (`6月份的活动`, `大众日报 青岛`), listed like a list question.
_ASKING = re.compile(r"[?？]|什么|谁|哪|多少|几|怎么|怎样|如何|为何|为什么|是否|吗|呢"
                     r"|\b(?:what|who|whom|whose|when|where|which|how|why|whether|did|does|do|is|are|was|were|can|could)\b")


def digest_ids(scope: Scope, facts: CorpusFacts, retriever: Retriever) -> list[str] | None:
    """The articles a digest lists, best first, or None when the question is not one for a digest: it needs a
    filter that admits articles, and either nothing asked but news words (the whole range, newest first) or a
    list question (the range's articles about what it names)."""
    q = analyze(scope.question)
    news = set(words("digest_word"))
    named = tuple((t, w) for t, w in q.terms if t not in news)
    latest = scope.recency and len(named) < len(q.terms)  # 最新消息, latest news: the newest reports about it
    if not (scope.filter and scope.allowed) and not latest:
        return None
    if not named:
        return sorted(scope.allowed or (), key=lambda i: facts.articles[i].date or "", reverse=True) or None
    twin = search_twin(scope.question)
    if q.multi and len(asks(twin)) >= 2 and not latest:  # which of the events, and on what days: a question
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
    return (about[:LATEST_ARTICLES] if latest else about) or None
