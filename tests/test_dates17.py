"""Issue #15 (brief S17, own phrasings on the seed articles, nothing tuned): a date a which-articles / when-held
question gives as the EVENT's time is met by the event date an article states (rag.answering.periods.event_day)
as well as by its publication date — Qingshan's 6月16日 meeting was published 6月18日, Qingdao's July event is
undated — and a held-on day no article tells of (6月20日, 昨天 = 2024年2月26日 of the 2月25日 meeting published
2月27日) is refused naming the date, never answered from another day's article. A user-set filter stays a
publication filter."""

from __future__ import annotations

import pytest

from rag.answering.periods import held_asked
from rag.config import Config
from rag.records import Filter
from rag.scope.facts import CorpusFacts
from rag.scope.plan import plan_scope
from tests.seeds import QINGDAO, QINGSHAN


@pytest.fixture(scope="module")
def scope_of(seed_articles):
    facts = CorpusFacts.of(seed_articles)
    anchor = facts.anchor(Config())
    return lambda q, f=Filter(): plan_scope(q, f, facts, anchor)


@pytest.mark.parametrize("question, held", [
    ("哪几篇报道的活动是6月16日举行的", True),
    ("哪幾篇報導的活動是7月舉辦的", True),
    ("Which articles report events held in July?", True),
    ("哪些报道是6月18日发布的", False),
    ("Which articles were published in June?", False),
    ("湖北日报7月31日报道，警方立案侦办了多少起案件？", False),  # the report's date; 侦办了 is no event held
    ("6月18日的消息说，联席会是哪天召开的？", False),
])
def test_held_asked_reads_when_the_event_was_held(question, held):
    assert held_asked(question) is held


@pytest.mark.parametrize("question, present", [
    ("哪几篇报道的活动是6月16日举行的", QINGSHAN),  # published 6月18日
    ("哪幾篇報導的活動是6月16日召開的？", QINGSHAN),
    ("Which articles are about events that took place on June 16?", QINGSHAN),
    ("Which articles report events held in July?", QINGDAO),  # undated; its event 7月11日
    ("哪几篇讲的活动是7月份举办的", QINGDAO),
])
def test_an_event_date_is_not_a_publication_filter_when_articles_state_it(scope_of, question, present):
    scope = scope_of(question)
    assert scope.refusal(question) is None
    assert scope.allowed is None or present in scope.allowed


@pytest.mark.parametrize("question, said", [
    ("6月20日举行的是哪个活动？", "6月20日"),
    ("6月20日舉行的是哪個活動？", "6月20日"),
    ("哪几篇报道的活动是6月21日召开的", "6月21日"),
    ("What event was held on June 20?", "June 20"),
    ("昨天召开的是什么会？", "2024年2月26日"),  # the newest article (2月27日) tells of its 2月25日 meeting
])
def test_a_held_on_day_no_article_tells_of_is_refused_naming_it(scope_of, question, said):
    refused = scope_of(question).refusal(question)
    assert refused is not None and refused.refused and said in refused.answer, refused


@pytest.mark.parametrize("question", ["6月16日举行的是哪个活动？", "前天召开的是什么会？", "2月25日召开的是什么会"])
def test_a_held_on_day_an_article_states_is_not_refused(scope_of, question):
    assert scope_of(question).refusal(question) is None


def test_a_user_set_date_stays_a_publication_filter(scope_of):
    scope = scope_of("哪几篇报道的活动是6月16日举行的", Filter("2023-06-18", "2023-06-18"))
    assert scope.allowed == (QINGSHAN,)
    none = scope_of("Which articles report events held in July?", Filter("2023-07-01", "2023-07-31"))
    refused = none.refusal("q")
    assert none.allowed == () and refused is not None and refused.answer.startswith("No article matches the range"), refused


@pytest.mark.slow
@pytest.mark.parametrize("question, expected", [
    ("哪几篇报道的活动是6月16日举行的", [QINGSHAN]),
    ("Which articles report events held in July?", [QINGDAO]),
    ("6月20日举行的是哪个活动？", None),
    ("昨天召开的是什么会？", None),
])
def test_the_engine_answers_by_the_event_date(seed_engine, question, expected):
    answer = seed_engine.ask(question)
    if expected is None:
        assert answer.refused and answer.article_ids == [], answer.answer
    else:
        assert not answer.refused and answer.article_ids == expected, answer.answer
