"""Refusal rules that generalise (issue #15, brief T14): the absent-focus rules of rag.answering.absent on the seed
articles through real BM25 retrieval and the shipped model, in Simplified and Traditional (and English for the
unmet-word rule). Function words (各, 都, 分别 …) never are the asked thing; the head noun a 哪家/哪个 question asks
by, or the role before 是哪个, must be in the read article. None of these questions is in a bench set."""

from __future__ import annotations

import pytest

from rag.answering.absent import asked_places, content_part, which_head, zh_focus
from rag.answering.english import asked_verb, unmet_english
from rag.answering.question import analyze
from rag.lang.script import normalize
from tests.asserts import assert_answers, assert_refused
from tests.seeds import QINGSHAN, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.mark.parametrize(("phrase", "left"), [
    ("各叫", ""), ("都有", ""), ("分别是", ""), ("具体负责人", "负责人"), ("一共有", ""), ("gdp", "gdp"),
])
def test_function_words_are_stripped_from_the_focus(phrase, left):
    assert content_part(phrase) == left


@pytest.mark.parametrize(("question", "focus"), [
    ("渠岸镇大会上签的两份目标责任书，各叫什么名字？", None),  # 各叫: no thing asked
    ("渠岸鎮大會上表態發言的都有誰？", None),  # 都有
    ("錦江區那次活動，發布的清單分別叫什麼名字？", None),  # 分别叫
    ("青岛城投集团擂台赛的冠军是哪个支部？", "冠军"),  # the role before 是哪个 (as 冠军是谁)
    ("聯席會的消息是哪家媒體報道的？", None),  # a verb after the head: 消息 is no role the answer holds
    ("联席会的召开地点是哪个图书馆？", None),  # a kind (地点), not a role: the library is the place
    ("青島城投那場比賽叫什麼名字？", None),  # a kind: its name (擂台赛) need not say 比赛
])
def test_the_focus_holds_a_content_word(question, focus):
    got = zh_focus(normalize(question))
    assert (got[0] if got else None) == focus


@pytest.mark.parametrize(("question", "head"), [
    ("两个街道在联席会上一起成立了哪家基金会？", "基金会"),
    ("王仕軍教授是哪所大學的？", None),  # a head of the slot check (data/slot_heads.tsv `head`): it names what is missing
    ("渠岸鎮大會上成立了哪家合作社？", "合作社"),
    ("渠岸鎮大會是哪家媒體報道的？", None),  # a kind whose answer names do not say it (大众日报)
    ("锦江区的活动是在哪个场馆办的？", None),  # 成都市文化馆
])
def test_the_head_a_which_question_asks_by(question, head):
    assert which_head(normalize(question)) == head


@pytest.mark.parametrize(("question", "key"), [
    ("渠岸镇大会上签的两份目标责任书，各叫什么名字？", "目标责任书"),
    ("渠岸鎮大會上簽的目標責任書，各叫什麼名字？", "目标责任书"),
    ("渠岸鎮大會上誰做了表態發言，都有誰？", "孙孝忠"),
    ("锦江区活动上发布的清单里，社区的需求项目一共有多少项？", "104项"),
])
def test_a_question_with_function_words_before_its_question_word_is_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


@pytest.mark.parametrize(("question", "named"), [
    ("新沟桥街道和红钢城街道在联席会上共同组建了哪家联盟？", "没有提到联盟"),  # 002 founds nothing
    ("新溝橋街道和紅鋼城街道聯席會上一起成立了哪個商會？", "沒有提到商會"),
    ("渠岸鎮大會上成立了哪家合作社？", "沒有提到合作社"),  # 004: a 领导小组, no cooperative
    ("青島城投集團擂台賽的冠軍是哪個支部？", "沒有提到冠軍"),  # 003 names no 冠军
])
def test_a_head_or_role_the_article_never_names_is_refused(ask, question, named):
    assert_refused(ask(question), named)


@pytest.mark.parametrize(("question", "places"), [
    ("石马镇小枧镇结对那次活动是谁主持的？", ["石马镇", "小枧镇"]),  # one token 镇小枧镇 split
    ("石馬鎮小梘鎮簽約那天，宣講是誰講的？", ["石马镇", "小枧镇"]),
    ("新沟桥街道渝中区联合举办了什么活动？", ["新沟桥街道", "渝中区"]),
])
def test_adjacent_place_names_are_each_asked(question, places):
    assert asked_places(normalize(question)) == places


@pytest.mark.parametrize(("question", "key"), [
    ("石马镇小枧镇结对那次活动，结对文件是谁宣读的？", "李洁茹"),
    ("石馬鎮小梘鎮結對那次活動，結對文件是誰宣讀的？", "李洁茹"),
])
def test_two_places_written_together_that_the_article_names_are_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


@pytest.mark.parametrize(("question", "named"), [
    ("石马镇朝阳镇结对那次活动，宣讲是谁讲的？", "没有提到朝阳镇"),  # 000 pairs 石马 with 小枧, no 朝阳
    ("石馬鎮青龍鎮結對那次活動，簽約儀式在幾樓舉行？", "沒有提到青龍鎮"),
])
def test_one_place_of_a_run_no_article_names_is_refused(ask, question, named):
    assert_refused(ask(question), named)


@pytest.fixture(scope="module")
def qingshan_text(seed_articles):
    article = seed_articles[QINGSHAN]
    return normalize(article.title + "\n" + "\n".join(article.paragraphs))


@pytest.mark.parametrize("question", [
    "From which aspects did Tian Zhikai reaffirm the two subdistricts' neighbourhood Party-building work?",
    "How did Liu Yun summarise the Qingshan joint meeting?",
    "What did they extol at the Qingshan joint meeting?",
])
def test_an_english_verb_outside_the_dictionary_refuses_nothing(qingshan_text, question):
    assert asked_verb(next(w for w in ("reaffirm", "summarise", "extol") if w in question), question)
    assert unmet_english(analyze(question), [qingshan_text]) is None


@pytest.mark.parametrize(("question", "unmet"), [
    ("What is the blorfle of the Qingshan library?", "blorfle"),  # a thing the question asks about
    ("Who carried the Universiade torch at the Qingshan joint meeting?", "Universiade"),
])
def test_an_english_thing_no_article_names_still_refuses(qingshan_text, question, unmet):
    assert unmet_english(analyze(question), [qingshan_text]) == unmet
