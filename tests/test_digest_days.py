"""A range's list question that asks the days (6月都有啥活动？各是哪天？, What happened in June and on which
days?): one line per article whose EVENT falls in the range, each the sentence naming the event's day as the
article states it, cited; an article whose event day is outside the asked range is left out (the filter admits
articles by their own dates, with slack). The digest's citations are renumbered at once: never "[3][3]"."""

from __future__ import annotations

import re

import pytest

from rag.chat import respond
from rag.config import Config
from rag.lang.sentences import split_sentences
from rag.records import Filter
from rag.scope.digest import day_line, digest_ids, event_day, renumber
from rag.scope.facts import facts_for
from rag.scope.plan import plan_scope
from rag.scope.retriever import ScopedRetriever
from tests.fakes import LexicalRetriever
from tests.seeds import assert_well_cited


@pytest.fixture(scope="module")
def facts(seed_articles):
    return facts_for(seed_articles)


def listed(q, seed_articles, facts):
    s = plan_scope(q, Filter(), facts, facts.anchor(Config()))
    retriever = ScopedRetriever(LexicalRetriever(list(seed_articles.values())), facts, s.anchor, s.recency, s.filter)
    return sorted(i[:3] for i in digest_ids(s, facts, retriever) or ())


@pytest.mark.parametrize("q", [
    "6月都有啥活动？各是哪天？", "六月份有哪些活动，分别在哪天？", "6月都有啥活動？各是哪天？",
    "6月份都搞了哪些活动，都在哪一天？", "What happened in June and on which days?",
    "Which events were held in June, and on what dates?",
])
def test_a_range_question_asking_the_days_lists_each_article_of_the_range(seed_articles, facts, q):
    assert listed(q, seed_articles, facts) == ["000", "001", "002"]


@pytest.mark.parametrize("q, want", [
    ("What happened on June 25?", ["000"]),  # 001 (its event 6月26日) and 002 (6月16日) are in the filter's slack
    ("6月16日到6月25日有哪些活动？各是哪天？", ["000", "002"]),  # 001's event is 6月26日
    ("6月16日至25日都有啥活动？", ["000", "002"]),
])
def test_an_article_whose_event_day_is_outside_the_range_is_left_out(seed_articles, facts, q, want):
    assert listed(q, seed_articles, facts) == want


@pytest.mark.parametrize("aid, day", [("000", "6月25日"), ("001", "6月26日"), ("002", "6月16日"), ("004", "2月25日")])
def test_the_line_is_the_sentence_naming_the_event_day_verbatim(seed_articles, aid, day):
    article = next(a for i, a in seed_articles.items() if i.startswith(aid))
    assert event_day(article) is not None
    line = day_line(article)
    (c,) = line.citations
    assert c.quote == article.paragraph(c.paragraph)[c.start:c.end]
    assert c.quote.startswith(day) or day in c.quote[:40]  # the clause naming the day, not a run of purposes before it
    assert line.summary.endswith("[1]")
    starts = {a for a, _ in split_sentences(article.paragraph(c.paragraph))}
    assert line.summary.startswith("…") == (c.start not in starts)  # a clause of a longer sentence says so


@pytest.mark.parametrize("text, numbers, want", [
    ("甲。[1][2]", {1: 2, 2: 3}, "甲。[2][3]"),  # one at a time this was "[3][3]"
    ("a[1] b[2] c[3]", {1: 3, 2: 1, 3: 2}, "a[3] b[1] c[2]"),
    ("无[9]", {1: 4}, "无[9]"),
])
def test_citation_markers_are_renumbered_at_once(text, numbers, want):
    assert renumber(text, numbers) == want


@pytest.mark.slow
@pytest.mark.parametrize("q", ["6月都有啥活动？各是哪天？", "六月份有哪些活动，分别在哪天？", "What happened in June and on which days?",
                               "6月份有哪些党建活动？"])
def test_the_digest_through_chat_cites_each_day_once(seed_engine, q):
    reply, _ = respond(seed_engine, q)
    assert not reply.refused
    lines = reply.answer.splitlines()
    assert len(lines) == 3
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)]
    assert markers == list(range(1, len(reply.citations) + 1))  # each cited once, in order: no "[3][3]"
    for line, c in zip(lines, reply.citations):
        assert re.search(r"6月\d+日", c.quote).group() in line  # the line names its event's day
    assert_well_cited(reply, seed_engine.articles)
    assert {c.article_id[:3] for c in reply.citations} == {"000", "001", "002"}
