"""Answered-unanswerable misses of bench/fresh10_qa.jsonl's first run (issue #15; fresh10 is tuned on since, brief
L10), each met by a general rule of rag.answering.premise, on the real seed articles (BM25:
tests.fakes.LexicalRetriever) and on phrasings of our own:

- 'winner': a winner asked of an event (哪个党支部拿了冠军) whose paragraphs, those writing the question's date or
  place, give none; another event's winner (获胜的姜山税务所党支部) is no answer (t27);
- 'speaker' with acts (data/premise.tsv `act`): a person the question has do an act (孙宇…宣读表彰决定) that the
  article gives to another person (王海星宣读) (t32)."""

from __future__ import annotations

import pytest

from rag.answering.premise import missing_speaker, missing_winner
from rag.answering.question import analyze
from rag.answering.units import article_units
from rag.lang.script import normalize
from tests.asserts import assert_answers, assert_refused
from tests.seeds import QINGDAO, QUAN, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def _text(seed_articles, article_id):
    return normalize(article_units(seed_articles[article_id]).text)


@pytest.mark.parametrize("question", [
    "7月11日嶗山區國企那場擂台比武，最後是哪個黨支部拿了冠軍？",  # t27
    "崂山区国企领域那场擂台比武谁获胜了？",
    "7月11日的支部书记擂台比武，哪位书记得了第一名？",
    "崂山区那次比武最后是谁夺冠？",
])
def test_a_winner_no_paragraph_of_the_asked_event_gives(seed_articles, question):
    assert missing_winner(analyze(question), _text(seed_articles, QINGDAO)), question


@pytest.mark.parametrize("question", [
    "莱西市税务局那场支部书记擂台赛是哪个党支部获胜了？",  # 获胜的姜山税务所党支部书记全胜文
    "莱西市税务局的擂台赛谁获胜了？",
    "郑素秀说了什么？",  # no winner asked
    "擂台比武哪个支部拿了冠军？",  # no date or place to hold the winner to: not this rule's to judge
])
def test_a_winner_the_asked_events_paragraph_gives_is_not_refused(seed_articles, question):
    assert missing_winner(analyze(question), _text(seed_articles, QINGDAO)) is None, question


def test_a_winner_is_held_to_the_paragraph_that_writes_the_event(seed_articles):
    text = "7月11日，崂山区举行擂台比武。\n最终，东山社区党支部获得冠军。\n莱西市举行擂台赛，获胜的是西山党支部。"
    assert missing_winner(analyze("7月11日崂山区那场擂台比武哪个支部拿了冠军？"), text) == "冠军"
    held = "7月11日，崂山区举行擂台比武，东山社区党支部获得冠军。\n莱西市举行擂台赛。"
    assert missing_winner(analyze("7月11日崂山区那场擂台比武哪个支部拿了冠军？"), held) is None
    assert missing_winner(analyze("崂山区的擂台比武谁获胜？"), held) is None


@pytest.mark.parametrize(("question", "named"), [
    ("渠岸镇镇长孙宇在大会上宣读表彰决定的时候，点名表扬了哪几个村？", "孙宇宣读"),  # t32: 王海星宣读
    ("孙宇宣读的表彰决定里有哪些先进单位？", "孙宇宣读"),
    ("王刚在大会上宣读了什么决定？", "王刚宣读"),
])
def test_an_act_the_article_gives_to_another_person(seed_articles, question, named):
    assert missing_speaker(analyze(question), _text(seed_articles, QUAN)) == named


@pytest.mark.parametrize("question", [
    "王海星宣读了什么决定？",
    "镇纪委书记王海星宣读决定后强调了什么？",
    "孙宇带领全体干部回顾了什么？",  # no act asked
    # asked yes or no (fresh12_qa v35): answered by who did it (王海星), not refused
    "渠岸镇大会上那个表彰先进的决定是镇长孙宇宣读的吗？",
    "表彰决定是不是孙宇宣读的？",
    "王刚是否宣读了表彰决定？",
])
def test_an_act_the_article_gives_to_that_person_is_not_refused(seed_articles, question):
    assert missing_speaker(analyze(question), _text(seed_articles, QUAN)) is None


@pytest.mark.parametrize(("question", "named"), [
    ("7月11日嶗山區國企那場擂台比武，最後是哪個黨支部拿了冠軍？", "冠"),
    ("渠岸镇镇长孙宇在大会上宣读表彰决定的时候，点名表扬了哪几个村？", "孙宇"),
])
def test_the_fresh10_misses_are_refused(ask, question, named):
    assert_refused(ask(question), named)


@pytest.mark.parametrize(("question", "key"), [
    ("王海星宣读了什么决定？", "表彰"),
    ("莱西市税务局的擂台赛谁获胜了？", "全胜文"),
])
def test_the_answerable_neighbours_are_answered(ask, question, key):
    assert_answers(ask(question), key)
