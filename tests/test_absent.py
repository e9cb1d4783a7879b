"""The absent-focus check (rag.answering.absent, issue #15) on the seed articles through real BM25 retrieval and
the shipped model, in Simplified, Traditional and English: a question about a thing, action, year or completion
the read article never mentions is refused naming it; its twin about what the article does say is answered.
None of these questions is in a bench set."""

from __future__ import annotations

import pytest

from rag.answering.absent import en_focus, mentioned, zh_focus
from rag.lang.script import normalize
from tests.asserts import assert_answers, assert_refused
from tests.seeds import lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.mark.parametrize(("question", "focus"), [
    ("石马镇和小枧镇签约以后参观的那座地铁站叫什么名字？", "地铁站"),  # after 的, without 那座
    ("渠岸镇2023年的GDP是多少？", "gdp"),
    ("錦江區首發的主題視頻是誰拍攝的？", "拍摄"),  # the action after 是谁
    ("图书馆几点开门？", "开门"),
    ("田志凯致辞时提出了几点要求？", None),  # 几点 counts points here
    ("“把视听上的冲击变成行动上的自觉”是谁说的？", None),  # 说 is a light word
    ("渠岸镇镇村干部大会的总金额是多少？", None),  # a word naming the measure itself
    ("青山區睦鄰黨建聯席會那篇報道的作者是誰？", None),  # the article itself: its credits answer
])
def test_the_focus_is_read_off_the_question(question, focus):
    got = zh_focus(normalize(question))
    assert (got[0] if got else None) == focus


def test_english_focus_words_are_those_the_glossary_or_an_acronym_can_check():
    assert [w for w, _ in en_focus("What was Mianyang's GDP growth rate in 2023?")] == ["GDP", "growth"]
    assert en_focus("What is the population of Qingdao?") == [("population", ("人口",))]


def test_two_characters_in_order_count_as_mentioned():
    assert mentioned("总金额", "发放总额500万元") and mentioned("结对共建的基础", "夯实工作基础")
    assert not mentioned("高铁站", "参观了大桥工程项目") and not mentioned("gdp", "gd p")


@pytest.mark.parametrize(("question", "named"), [
    ("石马镇和小枧镇签约以后参观的那座地铁站叫什么名字？", "没有提到地铁站"),  # 000: a bridge project, no station
    ("錦江區首發的主題視頻《一路向前》是誰拍攝的？", "沒有提到拍攝"),  # 001: the video is launched, no one shot it
    ("渠岸镇的GDP是多少？", "没有提到GDP"),  # 004: no GDP
    ("青山區圖書館的館長是誰？", "沒有提到館長"),  # 002: the library hosts the meeting, no curator
    ("图书馆几点开门？", "没有提到开门的时间"),
    ("青山区图书馆2025年的联席会签了什么协议？", "没有提到2025年"),  # 002 is dated 2023: a later year's event
    ("青石路涪江大桥什么时候竣工？", "没有提到竣工时间"),  # 000: the bridge is visited; no completion said
])
def test_a_question_about_what_the_article_never_mentions_is_refused_naming_it(ask, question, named):
    assert_refused(ask(question), named)


@pytest.mark.parametrize(("question", "key"), [
    ("青山区睦邻党建联席会是谁主持的？", "刘芸"),  # 主持 is in the article
    ("新沟桥街道和红钢城街道2023年的联席会在哪里召开？", "图书馆"),  # the article's year
    ("錦江區的主題視頻叫什麼名字？", "一路向前"),
    ("田志凯致辞时提出了几点要求？", "田志凯"),
])
def test_the_twin_the_article_answers_is_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


@pytest.mark.slow
@pytest.mark.parametrize(("question", "refused", "text"), [
    ("What is the GDP of Qu'an town?", True, "never mentions GDP"),
    ("When will the Qingshi Road bridge over the Fujiang be completed?", True, "never says when it will be finished"),
    ("How many people attended the Shima and Xiaojian signing ceremony?", False, "60余人"),
])
def test_english_questions(seed_engine, question, refused, text):
    answer = seed_engine.ask(question)
    assert answer.refused is refused and text in answer.answer, answer.answer
