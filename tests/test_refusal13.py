"""Brief T13 (issue #15): refusal rules for styles bench/fresh13_qa.jsonl missed on its first run (tuned on since
brief T13) — a list the article only counts (做好全面10件为民办实事重点工作, never listed). Each rule with our own
phrasings on the seed articles, real BM25 retrieval and the shipped model; none of these questions is in a bench
set."""

from __future__ import annotations

import pytest

from rag.answering.absent import counted_list
from rag.answering.asked_slot import asked_slot
from rag.answering.question import analyze
from rag.lang.script import to_simplified
from tests.asserts import assert_answers, assert_refused
from tests.seeds import lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


# -- the items of a list the article only counts ------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "渠岸镇那10件为民办实事都有哪些？",
    "渠岸鎮今年的十件為民辦實事分別是什麼？",  # Traditional, the count in Chinese numerals
])
def test_a_list_the_article_only_counts_is_refused_naming_it(ask, question):
    assert_refused(ask(question), "为民办实事具体是哪些", simplified=True)


def test_a_counted_list_the_article_spells_out_is_not_flagged():
    # 001 names them before the count (…青岛监管局、青岛市科创母基金等12家单位): listed, so the check stays silent
    text = "推动公司与财政部青岛监管局、青岛市科创母基金等12家单位建立财富党建鑫联盟。"
    assert counted_list(analyze("财富党建鑫联盟的12家单位分别是哪些？"), text) is None
    only = "做好全面10件为民办实事重点工作。作为干部必须敢于负责任。"
    assert counted_list(analyze("渠岸镇那10件为民办实事都有哪些？"), only) == "10件为民办实事具体是哪些"
    listed = "办好10件为民办实事。一是修路,二是建校。"
    assert counted_list(analyze("渠岸镇那10件为民办实事都有哪些？"), listed) is None


def test_the_english_count_question_has_its_own_form():  # (brief E17: rag.answering.english.counted_list_en)
    only = "做好全面10件为民办实事重点工作。"
    assert counted_list(analyze("Which are the 10 practical projects of Qu'an town?"), only) == "which 10 practical projects"
    assert counted_list(analyze("Which are the 10 practical projects of Qu'an town?"), "办好10件为民办实事。一是修路,二是建校。") is None


# -- a person given a title at a place the article gives them at another ----------------------------------------

@pytest.mark.parametrize(("question", "named"), [
    ("紅鋼城街道黨工委書記田志凱在聯席會上講了哪些要求？", "田志凯"),  # 002: 新沟桥街道党工委书记田志凯
    ("新沟桥街道党工委副书记陶胜旺总结了什么？", "陶胜旺"),  # 002: 红钢城街道党工委副书记陶胜旺
])
def test_a_title_held_at_another_place_is_refused_naming_the_mismatch(ask, question, named):
    assert_refused(ask(question), named, simplified=True)


@pytest.mark.parametrize(("question", "key"), [
    ("新沟桥街道党工委书记田志凯致辞讲了什么？", "凝心铸魂"),
    ("紅鋼城街道黨工委副書記陶勝旺說了什麼？", "2022"),
])
def test_a_title_held_at_the_asked_place_is_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


# -- a role the article never names (导演, 评委) -------------------------------------------------------------------

@pytest.mark.parametrize(("question", "said"), [
    ("《一路向前》的導演是誰？", "导演"),  # 001 premieres the video and names no director
    ("锦江区首发的主题视频是哪位导演执导的？", "导演"),
    ("擂臺比武每場有幾位評委？", "没有提到"),  # 003: 评审团 scores, no 评委 counted
    ("青岛擂台比武一共有多少名评委？", "评委"),
])
def test_a_role_the_article_never_names_is_refused(ask, question, said):
    assert_refused(ask(question), said, simplified=True)


def test_role_nouns_are_read_from_the_question():
    assert asked_slot(analyze("视频的導演叫什么名字？")).anchor == "导演"
    assert asked_slot(analyze("每场有几个评委？")).anchor == "评委"
    assert asked_slot(analyze("哪位书记致辞？")).anchor != "导演"  # 书记 is no listed role noun: asked as before


@pytest.mark.parametrize(("question", "key"), [
    ("《一路向前》视频是谁发布的？", "一路向前"),
    ("擂台比武的评审团是由谁组成的？", "评审团"),
])
def test_a_question_near_those_roles_is_still_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


# -- a question across articles offering two places (在图书馆或者文化馆办的) ------------------------------------------

def test_either_words_are_read_from_the_question():
    from rag.answering.multi import either_words
    from rag.lang.script import normalize

    assert either_words(normalize("哪几场活动是在圖書館或者文化館辦的？")) == ("图书馆", "文化馆")
    assert either_words(normalize("哪篇提到了签约或者颁奖？")) == ()  # acts, not places offered


@pytest.mark.parametrize("question", [
    "这几篇里，哪些活动是在图书馆或文化馆举行的？",
    "這幾篇裡面，哪幾場活動是在圖書館或者文化館辦的？",
])
def test_each_line_names_the_place_it_was_held(ask, question):
    answer = ask(question)
    assert not answer.refused
    assert "图书馆联合召开" in to_simplified(answer.answer) and "文化馆举办" in to_simplified(answer.answer)


# -- English "rotating" (glossary: 轮值) -----------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "Which street office was the rotating lead of the Qingshan neighbourhood Party-building community in 2022?",
    "In Qingshan, which subdistrict took the rotating chair of the joint Party-building community for 2022?",
])
def test_the_rotating_lead_is_found_by_its_chinese_word(ask, question):
    assert_answers(ask(question), "红钢城", simplified=True)
