"""Brief P12 (issue #15): a who-question whose asked act the read article never reports is refused naming the act
(rag.answering.premise `missing_act`, data/asked_acts.tsv), its twin about an article that reports the act answered;
an English speaker list's "Answer:" line spells each speaker in pinyin. Phrasings of our own on the seed excerpts
quoted beside them, none a question of a bench set.

000 (石马镇/小枧镇 signing): no one 主持 anything; ¶4 李洁茹宣读结对文件; ¶5 黄充与…商俊成签署共建合作协议.
001 (锦江区 event): 余家洪在活动致辞中强调 — no 主持, no 宣读.   002 ¶3: 本次会议由…刘芸主持.
004 ¶1: 会议由镇人大主席张晓敏主持。 ¶: 王海星宣读《…决定》."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.premise import missing_act
from rag.answering.question import analyze
from rag.batch import ask_records
from tests.asserts import assert_answers, assert_refused
from tests.seeds import lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.mark.parametrize("question, text, missing", [
    ("石马镇和小枧镇结对共建，主持会议的是谁？", "黄充与商俊成签署共建合作协议", "主持"),
    ("会议由谁主持？", "会议由镇人大主席张晓敏主持", None),
    ("谁宣读了结对文件？", "李洁茹宣读结对文件", None),
    ("谁宣读了结对文件？", "余家洪在活动致辞中强调", "宣读"),
    ("签署协议的是哪两个人？", "双方签订了协议", None),  # another word an article signs with
    ("谁致辞？", "陶胜旺表示", None),  # a speech reported otherwise
    ("会议是孙宇主持的吗？", "王海星宣读决定", None),  # yes or no: not this rule's
    ("会议是哪天召开的？", "王海星宣读决定", None),  # no person asked
    ("Who chaired the signing ceremony?", "黄充与商俊成签署共建合作协议", "chaired"),
    ("Who presided over the meeting?", "会议由镇人大主席张晓敏主持", None),
    ("Who read out the decision?", "余家洪在活动致辞中强调", "read out"),
    ("Who signed the agreement?", "黄充与商俊成签署共建合作协议", None),
])
def test_the_asked_act_the_text_never_reports(question, text, missing):
    assert missing_act(analyze(question), text) == missing


@pytest.mark.parametrize("question, named", [
    ("石马镇和小枧镇结对共建，主持会议的是谁？", "主持"),  # the side effect of branch styles11: a ceremony sentence
    ("石馬鎮和小枧鎮結對共建，主持會議的是誰？", "主持"),
    ("石马镇和小枧镇的签约仪式由谁主持？", "主持"),
    ("谁主持了石马镇和小枧镇的结对共建签约仪式？", "主持"),
    ("锦江区直联共建活动上，宣读文件的是谁？", "宣读"),
    ("錦江區直聯共建活動上由誰宣讀文件？", "宣读"),
])
def test_an_act_the_article_never_reports_is_refused_naming_it(ask, question, named):
    assert_refused(ask(question), named, simplified=True)


@pytest.mark.parametrize("question, key", [
    ("渠岸镇开了2024年镇村干部大会，主持会议的是谁？", "张晓敏"),
    ("渠岸镇镇村干部大会由谁主持？", "张晓敏"),
    ("新沟桥街道和红钢城街道联合召开睦邻党建共同体联席会，主持会议的是谁？", "刘芸"),
    ("石马镇和小枧镇结对共建，宣读文件的是哪位？", "李洁茹"),
    ("签共建合作协议的是哪两个人？", "商俊成"),
])
def test_the_twin_whose_article_reports_the_act_is_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


@pytest.mark.slow
@pytest.mark.parametrize("question, refused, text", [
    ("Who chaired the Shima and Xiaojian pairing ceremony?", True, "never mentions “chaired”"),
    ("Who presided over the Jinjiang event?", True, "never mentions “presided over”"),
    ("Who read out the document at the Jinjiang event?", True, "never mentions “read out”"),
    ("Who chaired the Qu'an meeting?", False, "Zhang Xiaomin"),
    ("Who chaired the Qingshan joint meeting?", False, "Liu Yun"),
    ("Who signed the agreement at the Shima signing ceremony?", False, "Shang Juncheng"),
])
def test_english_acts(seed_engine, question, refused, text):
    answer = seed_engine.ask(question)
    assert answer.refused is refused and text in answer.answer, answer.answer


# 002 ¶3: …田志凯…致辞。…陶胜旺表示…  程汉萍…指出; 004: 孙宇…他表示, 王海星宣读…并强调 …
@pytest.mark.slow
@pytest.mark.parametrize("question, spelt", [
    ("List the speakers at the Qingshan joint meeting.", ["Tian Zhikai (田志凯)", "Tao Shengwang (陶胜旺)"]),
    ("Please list everyone who spoke at the Qu'an cadre meeting.", ["Sun Yu (孙宇)", "Wang Haixing (王海星)"]),
    ("List the speakers at the Jinjiang event.", ["Yu Jiahong (余家洪)"]),
    ("Who spoke at the Jinjiang event?", ["Yu Jiahong (余家洪)"]),
])
def test_the_english_speaker_list_is_spelt_in_pinyin(seed_engine, question, spelt):
    (_, answer), = ask_records(seed_engine, [{"id": "a", "question": question}])
    line = next(l for l in answer["answer"].splitlines() if l.startswith("Answer:"))
    assert not answer["refused"] and all(s in line for s in spelt), line
    assert ev.covers(answer["answer"], [[s.split("(")[1][:-1]] for s in spelt])
