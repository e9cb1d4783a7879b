"""Brief T15 (issue #15; fresh19_qa and fresh20_qa TUNED ON from their one untuned run on 7eaab0f): question forms —
two asks in one question answered ask by ask (组长是谁？下面一共设了几个工作专班？; "Who chaired …, and who read
out …?"), a refusal of one ask not sinking the other. Phrasings of our own on the seed excerpts quoted beside
them, none a question of a bench set."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.asks import ask_spans, in_turn
from rag.answering.compare import compared
from rag.answering.yes_no import checked, without_checked_day
from rag.lang.script import search_twin
from rag.records import Answer, Citation
from tests.seeds import lexical_asker

QUAN = "004_7e177a0353be72cf"  # 渠岸镇 meeting
LAIXI = "003_149da1c9ea8086b3"  # 青岛 contests, 莱西市税务局's 擂台赛


# -- where each ask begins ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("question, asks", [
    ("渠岸镇的春季工作领导小组由谁任组长？一共下设多少个工作专班？", ["渠岸镇的春季工作领导小组由谁任组长", "一共下设多少个工作专班？"]),
    ("渠岸鎮幹部大會是誰主持的？表彰決定是誰宣讀的？", ["渠岸鎮幹部大會是誰主持的", "表彰決定是誰宣讀的？"]),
    ("那场擂台赛谁赢了，叫什么名字", ["那场擂台赛谁赢了", "叫什么名字"]),
    ("Who chaired the cadre meeting, and who read out the decision?", ["Who chaired the cadre meeting", "who read out the decision?"]),
])
def test_the_asks_of_a_question_that_asks_twice(question, asks):
    assert [question[a:b] for a, b in ask_spans(search_twin(question))] == asks


@pytest.mark.parametrize("question", [
    "渠岸镇春季工作领导小组的组长是谁？",
    "Who chaired the cadre meeting?",
    "What about the Qingdao office? When did it hold its contest?",  # a lead-in asks nothing yet
])
def test_a_question_that_asks_once_has_no_asks(question):
    assert ask_spans(search_twin(question)) == []


def _cited(text: str, quote: str, start: int, short: str | None = None) -> Answer:
    c = Citation(1, QUAN, "渠岸镇大会", None, None, None, 3, quote, start, start + len(quote))
    return Answer("q", f"{text}[1]", False, [c], short=short)


def test_asks_answered_in_turn_when_the_whole_question_is_refused():
    whole = Answer("q", "《渠岸镇大会》没有说明下面是谁。最接近的文章：《渠岸镇大会》。", True, [])
    first, second = _cited("王刚任组长", "王刚任组长", 0, "王刚"), _cited("会议由张晓敏主持", "会议由张晓敏主持", 40, "张晓敏")
    merged = in_turn(whole, [first, second])
    assert not merged.refused and merged.answer == "王刚任组长[1]\n会议由张晓敏主持[2]"
    assert [c.n for c in merged.citations] == [1, 2] and merged.citations[1].start == 40


def test_a_refused_later_ask_keeps_the_answered_one():
    whole = Answer("q", "没有提到比赛。最接近的文章：《青岛》。", True, [])
    later = Answer("q", "《青岛》没有提到比赛。最接近的文章：《青岛》。", True, [])
    merged = in_turn(whole, [_cited("获胜的全胜文", "获胜的全胜文", 5, "全胜文"), later])
    assert not merged.refused and merged.answer == "获胜的全胜文[1]\n《青岛》没有提到比赛。"


def test_the_whole_answer_stands_when_it_says_the_first_asks_filler_or_the_first_ask_is_refused():
    whole = _cited("成立以王刚任组长的领导小组，下设13个工作专班", "成立以王刚任组长的领导小组，下设13个工作专班", 0, "王刚")
    assert in_turn(whole, [_cited("王刚任组长", "王刚任组长", 3, "王刚"), _cited("13个", "13个", 20, "13个")]) is whole
    refused = Answer("q", "没有提到深圳。", True, [])
    assert in_turn(refused, [refused, _cited("会议由张晓敏主持", "会议由张晓敏主持", 40, "张晓敏")]) is refused


# QUAN ¶: 成立以镇党委书记王刚任组长的春季工作领导小组,并下设…等13个工作专班; 会议由镇人大主席张晓敏主持;
# 镇纪委书记王海星宣读《关于表彰…的决定》. LAIXI: 莱西市税务局党委举办“税心向党聚合力…”…擂台赛,获胜的…全胜文表示
@pytest.mark.parametrize("question, keys", [
    ("渠岸镇的春季工作领导小组由谁任组长？一共下设多少个工作专班？", [["王刚"], ["13个"]]),
    ("渠岸鎮春季工作領導小組組長是誰？底下設了幾個工作專班？", [["王刚"], ["13個", "13个"]]),
    ("渠岸镇干部大会由谁主持，谁宣读的表彰决定？", [["张晓敏"], ["王海星"]]),
    ("渠岸鎮幹部大會是誰主持的？表彰決定是誰宣讀的？", [["张晓敏"], ["王海星"]]),
    ("莱西市税务局那场擂台赛谁赢了？比赛叫什么名字？", [["全胜文"], ["税心向党聚合力"]]),
])
def test_two_asks_each_answered(seed_articles, question, keys):
    answer = lexical_asker(seed_articles)(question)
    assert not answer.refused and ev.covers(answer.answer, keys), answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, keys", [
    ("Who chaired the Qu'an town cadre meeting, and who read out the commendation decision?", [["张晓敏"], ["王海星"]]),
    ("Who was the leader of Qu'an town's spring work group, and how many work teams were set up under it?", [["王刚"], ["13"]]),
])
def test_two_english_asks_each_answered_real_engine(seed_engine, question, keys):
    answer = seed_engine.ask(question)
    assert not answer.refused and ev.covers(answer.answer, keys), answer.answer


# -- yes/no checks of a title or a day ---------------------------------------------------------------------------
@pytest.mark.parametrize("question, script, kind, value", [
    ("渠岸镇的孙宇是镇党委书记吗", "hans", "role", "镇党委书记"),
    ("渠岸鎮的孫宇是不是鎮長？", "hant", "role", "镇长"),
    ("青山区的联席会是6月26号开的吗？", "hans", "date", (6, 26)),
    ("Was the Qingshan joint meeting held on June 26?", "en", "date", (6, 26)),
    ("Did the Jinjiang event take place on the 25th of June?", "en", "date", (6, 25)),
])
def test_a_yes_no_question_checks_a_title_or_a_day(question, script, kind, value):
    check = checked(question, script)
    assert check is not None and (check.kind, check.value) == (kind, value)


@pytest.mark.parametrize("question, script", [
    ("渠岸镇的孙宇是什么职务？", "hans"), ("When was the Qingshan joint meeting held?", "en"),
    ("石马镇有没有请专家来讲课？", "hans"), ("Was the Qingshan meeting held in the library?", "en"),
])
def test_no_title_or_day_checked(question, script):
    assert checked(question, script) is None


def test_the_checked_day_is_no_range_to_search():
    assert without_checked_day("Was the Qingshan joint meeting held on June 26?") == "Was the Qingshan joint meeting held?"
    assert without_checked_day("青山区的联席会是6月26日开的吗？") == "青山区的联席会开的吗？"
    assert without_checked_day("青山区的联席会是哪天开的？") is None


# QUAN ¶: 镇党委副书记、代镇长孙宇带领全体干部回顾…; 镇党委书记王刚作强调. QINGSHAN ¶1: 6月16日,…联合召开睦邻党建共同体联席会
@pytest.mark.parametrize("question, head, key", [
    ("渠岸镇的孙宇是镇党委书记吗？", "不是", "代镇长"),
    ("渠岸鎮的孫宇是不是鎮長", "不是", "代鎮長"),
    ("渠岸镇的王刚是不是镇党委书记？", "是的", "王刚"),
    ("青山区新沟桥街道和红钢城街道的联席会是6月26日召开的吗？", "不是，是6月16日", "6月16日"),
    ("青山區睦鄰黨建共同體聯席會是6月16日召開的嗎", "是的", "6月16日"),
])
def test_a_yes_no_check_is_answered_with_the_cited_fact(seed_articles, question, head, key):
    answer = lexical_asker(seed_articles)(question)
    assert not answer.refused and answer.answer.startswith(head) and key in answer.answer, answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, head, key", [
    ("Did the two Qingshan sub-districts hold their joint meeting on 26 June?", "No", "6月16日"),
    ("Was the Jinjiang direct-link event held on June 26?", "Yes", "6月26日"),
])
def test_an_english_yes_no_check_of_a_day_real_engine(seed_engine, question, head, key):
    answer = seed_engine.ask(question)
    assert not answer.refused and answer.answer.startswith(head) and key in answer.answer, answer.answer


# -- which of two named events came first ------------------------------------------------------------------------
@pytest.mark.parametrize("question, script, kind, events", [
    ("石马镇的签约仪式和锦江区的直联共建活动，哪个先办的？", "hans", "first", ("石马镇的签约仪式", "锦江区的直联共建活动")),
    ("青山區的聯席會跟錦江區的直聯共建活動，哪個更早？", "hant", "first", ("青山區的聯席會", "錦江區的直聯共建活動")),
    ("渠岸镇干部大会与青山区联席会哪个晚？", "hans", "later", ("渠岸镇干部大会", "青山区联席会")),
    ("Which came first, the Qingshan joint meeting or the Jinjiang event?", "en", "first",
     ("the Qingshan joint meeting", "the Jinjiang event")),
    ("Which was held later: the Shima signing ceremony or the Jinjiang event?", "en", "later",
     ("the Shima signing ceremony", "the Jinjiang event")),
])
def test_the_two_events_a_question_compares(question, script, kind, events):
    c = compared(question, script)
    assert c is not None and (c.kind, c.events) == (kind, events)


@pytest.mark.parametrize("question, script", [
    ("哪个镇先签的协议？", "hans"), ("Which came first?", "en"), ("石马镇和小枧镇是谁签的协议？", "hans"),
])
def test_no_two_events_compared(question, script):
    assert compared(question, script) is None


# SHIMA ¶1: 6月25日,石马镇、小枧镇党政领导班子成员…举行…结对共建签约仪式; JINJIANG ¶1: 6月26日上午,…直联共建活动在成都市文化馆举办;
# QINGSHAN ¶1: 6月16日,…联合召开睦邻党建共同体联席会
@pytest.mark.parametrize("question, head, keys", [
    ("石马镇和小枧镇的结对共建签约仪式与锦江区的直联共建活动，哪个先办的？", "石马镇", [["6月25日"], ["6月26日"]]),
    ("錦江區的直聯共建活動和青山區的睦鄰黨建聯席會，哪個更早？", "青山區", [["6月16日"], ["6月26日"]]),
    ("青山区的睦邻党建联席会和石马镇的结对共建签约仪式，哪个后办的？", "石马镇", [["6月16日"], ["6月25日"]]),
])
def test_which_event_came_first_is_said_with_each_cited_day(seed_articles, question, head, keys):
    answer = lexical_asker(seed_articles)(question)
    assert not answer.refused and answer.answer.startswith(head) and ev.covers(answer.answer, keys), answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, head, keys", [
    ("Which came first, the Jinjiang direct-link event or the Qingshan joint meeting?", "The Qingshan", [["6月16日"], ["6月26日"]]),
    ("Which took place later, the Shima-Xiaojian signing ceremony or the Qingshan joint meeting?", "The Shima", [["6月16日"], ["6月25日"]]),
])
def test_which_came_first_in_english_real_engine(seed_engine, question, head, keys):
    answer = seed_engine.ask(question)
    assert not answer.refused and answer.answer.startswith(head) and ev.covers(answer.answer, keys), answer.answer
