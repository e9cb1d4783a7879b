"""Issue #15 (brief G11): questions across articles and lists on the real seed articles — a which-articles
question restricted to two places of a kind (两个镇或者两个街道之间) lists only the articles naming such a pair,
each with the sentence naming it; a question asking which two places (哪两个镇的交界处) gets the sentence naming
both; a question pointing at articles by place (湖北那篇讲了什么, 绵阳和成都那两篇分别讲的是什么活动) gets one
line per article (BM25: tests.fakes.LexicalRetriever)."""

from __future__ import annotations

import pytest

from rag.answering.multi import _singled_out
from rag.answering.places import named_pairs, pair_nouns
from rag.answering.pointed import pointed_ids
from rag.answering.question import analyze
from rag.lang.display import to_script
from rag.lang.script import normalize, script_of
from tests.asserts import assert_covers
from tests.seeds import JINJIANG, QINGSHAN, QUAN, SHIMA, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_the_place_nouns_asked_two_of_and_the_pairs_a_text_names():
    assert pair_nouns("哪几篇讲的是两个镇或者两个街道之间结对共建的？") == ("镇", "街道")
    assert pair_nouns("那個項目位於哪兩個鎮的交界處？") == ("镇",)
    assert pair_nouns("Which two towns does the bridge sit between?") == ("镇",)
    assert pair_nouns("哪两个社区签了协议？") == ("社区",)
    assert pair_nouns("石马镇有几个村？") == ()
    assert pair_nouns("青山区两个街道在联席会上搞循环书屋计划，目的是什么？", asked=True) == ()  # the two are given
    assert pair_nouns("那個項目位於哪兩個鎮的交界處？", asked=True) == ("镇",)
    assert named_pairs("主桥横跨涪江,位于青义镇、石马镇交界", ("镇",))
    assert named_pairs("切实增进绵阳石马镇党委、小枧镇党委及双方", ("镇", "街道"))
    assert named_pairs("新沟桥街道与红钢城街道还签订了", ("街道",))
    assert named_pairs("柳江街道锦馨社区党委通过分享", ("镇", "街道")) == []
    assert named_pairs("石马镇和石马镇", ("镇",)) == []  # one place named twice is no pair


# Shima–Xiaojian (two towns) and Xingouqiao–Honggangcheng (two subdistricts) are pairings; Jinjiang pairs organs
# with communities and Qingdao holds contests: neither names two towns or two subdistricts together
@pytest.mark.parametrize("question", [
    "这几篇新闻里，哪几篇讲的是两个镇或者两个街道之间结对共建的？",
    "哪幾篇報導講的是兩個鎮或兩個街道之間的結對共建？",
    "哪些报道写的是两个镇或两个街道结对共建？",
])
def test_which_articles_about_two_towns_or_subdistricts_lists_only_those(ask, question):
    answer = ask(question)
    assert_covers(answer, [["石马镇"], ["小枧镇"], ["新沟桥"], ["红钢城"]], among={SHIMA, QINGSHAN})


@pytest.mark.parametrize("question, keys", [
    ("哪几篇报道讲的是两个街道联合开展活动的？", [["新沟桥"], ["红钢城"]]),
    ("哪几篇文章写了两个镇结对？", [["石马镇"], ["小枧镇"]]),
    ("哪幾篇報導講的是兩個鎮之間的結對共建？", [["石马镇"], ["小枧镇"]]),
])
def test_one_kind_of_pair_lists_its_article_with_the_sentence_naming_both(ask, question, keys):
    answer = ask(question)
    assert_covers(answer, keys, count=1)


@pytest.mark.parametrize("question", [
    "涪江大桥项目在哪两个镇的交界？",
    "青石路涪江大桥位于哪两个镇之间？",
    "涪江大橋工程項目位於哪兩個鎮交界處？",
])
def test_which_two_towns_quotes_the_sentence_naming_both(ask, question):
    answer = ask(question)
    assert_covers(answer, [["青义"], ["石马"]], first=SHIMA)


@pytest.mark.slow  # the real engine: BM25 alone finds no English words in the Chinese articles
def test_which_two_towns_in_english_quotes_the_sentence_naming_both(seed_engine):
    answer = seed_engine.ask("Which two towns does the Fujiang bridge project sit between?")
    assert_covers(answer, [["青义"], ["石马"]], first=SHIMA)


def test_a_follow_up_asking_which_two_towns_stays_on_its_project(ask):
    first = ask("结对仪式结束以后，参会人员去现场参观了哪个工程项目？")
    answer = ask("那個項目位於哪兩個鎮的交界處？", focus=first.article_ids, previous=first.question, before=first)
    assert not answer.refused and "青义镇、石马镇交界" in normalize(answer.answer), answer.answer


# A question pointing at articles by place and asking what they say: one overview line each. 湖北 points at
# Qingshan (武汉), 四川 at Shima (绵阳) and Jinjiang (成都), 陕西 at Qu'an (陕西三原县)
@pytest.mark.parametrize("question, expected", [
    ("湖北那篇讲了什么", [QINGSHAN]),
    ("湖北那篇報導講了什麼？", [QINGSHAN]),
    ("陕西那篇的主要内容是什么？", [QUAN]),
    ("四川那两篇说的啥", [SHIMA, JINJIANG]),
    ("绵阳和成都那两篇讲了什么？", [SHIMA, JINJIANG]),
    ("四川的那两篇文章都讲了些什么？", [SHIMA, JINJIANG]),
])
def test_articles_pointed_at_by_place_get_one_line_each(ask, seed_articles, question, expected):
    answer = ask(question)
    assert not answer.refused and answer.article_ids == expected, answer.answer
    assert len(answer.answer.splitlines()) == len(expected), answer.answer
    assert answer.answer == to_script(answer.answer, script_of(question))


@pytest.mark.parametrize("question", [
    "四川那篇讲了什么",  # two Sichuan articles: 那篇 points at none of them alone
    "湖北那三篇讲了什么",  # one Hubei article, not three
    "湖北那篇的活动是哪天办的？",  # asks a date, not what it says: answered as any question
])
def test_a_pointing_that_does_not_fit_is_no_pointed_question(seed_articles, question):
    assert pointed_ids(question, list(seed_articles.values())) == []


# 分别讲的是什么活动: each article's line is its sentence saying the event was held (…举行…“四互争一流”结对共建签约
# 仪式; …直联共建活动在成都市文化馆举办; …联合召开睦邻党建共同体联席会)
@pytest.mark.parametrize("question, expected, keys", [
    ("绵阳和成都那两篇分别讲的是什么活动？", {SHIMA, JINJIANG}, [["四互争一流"], ["直联"]]),
    ("綿陽和成都那兩篇報導分別講的是什麼活動？", {SHIMA, JINJIANG}, [["四互争一流"], ["直联"]]),
    ("成都和武汉的两篇报道分别是什么活动？", {JINJIANG, QINGSHAN}, [["直联"], ["联席会"]]),
])
def test_two_places_each_what_event_gives_each_articles_event_sentence(ask, question, expected, keys):
    answer = ask(question)
    assert_covers(answer, keys, among=expected)


def test_a_city_is_a_name_and_a_province_singles_out_its_articles():
    q = analyze("四川那两篇分别讲的是什么活动？")
    texts = {SHIMA: "绵阳石马镇", JINJIANG: "成都锦江区", QINGSHAN: "武汉青山区"}
    assert _singled_out(q, texts, places=True) == [SHIMA, JINJIANG]
    assert _singled_out(analyze("绵阳和成都那两篇分别讲的是什么活动？"), texts, places=True) == [SHIMA, JINJIANG]
    assert _singled_out(analyze("成都的活动是谁主持的？"), texts) == []  # 成都: a common word, unless asked of each


# which numbers an article pointed at gives: its counts (a number with a measure word, never a date), each in the
# shortest unit holding it — Qu'an: 13个工作专班, 10件为民办实事, 新中国成立75周年
@pytest.mark.parametrize("question", [
    "渠岸鎮那篇報導裡提到了哪些數字？",
    "渠岸镇那篇文章提到了哪些数据？",
    "陕西那篇报道里都有哪些数字？",
])
def test_which_numbers_an_article_gives_lists_its_counts(ask, question):
    answer = ask(question)
    assert_covers(answer, [["13个"], ["10件"], ["75周年"]], among={QUAN}, count=1)
    assert "2月25日" not in normalize(answer.answer) and len(answer.answer.splitlines()) == 3, answer.answer


# the articles named (石马镇, 青山区) are given: their two subdistricts are no condition that drops Shima
@pytest.mark.parametrize("question", [
    "石马镇和青山区两个街道的结对活动分别是哪天？",
    "石馬鎮和青山區兩個街道的共建活動分別在哪天舉行？",
])
def test_a_pair_noun_in_a_question_naming_its_articles_drops_none(ask, question):
    answer = ask(question)
    assert not answer.refused and set(answer.article_ids) == {SHIMA, QINGSHAN}, answer.answer
