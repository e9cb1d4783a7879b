"""Issue #15 (brief G11): questions across articles and lists on the real seed articles — a which-articles
question restricted to two places of a kind (两个镇或者两个街道之间) lists only the articles naming such a pair,
each with the sentence naming it; a question asking which two places (哪两个镇的交界处) gets the sentence naming
both (BM25: tests.fakes.LexicalRetriever)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.places import named_pairs, pair_nouns
from rag.lang.script import normalize
from tests.seeds import QINGSHAN, SHIMA, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_the_place_nouns_asked_two_of_and_the_pairs_a_text_names():
    assert pair_nouns("哪几篇讲的是两个镇或者两个街道之间结对共建的？") == ("镇", "街道")
    assert pair_nouns("那個項目位於哪兩個鎮的交界處？") == ("镇",)
    assert pair_nouns("Which two towns does the bridge sit between?") == ("镇",)
    assert pair_nouns("哪两个社区签了协议？") == ("社区",)
    assert pair_nouns("石马镇有几个村？") == ()
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
    assert not answer.refused and set(answer.article_ids) == {SHIMA, QINGSHAN}, answer.answer
    assert ev.covers(answer.answer, [["石马镇"], ["小枧镇"], ["新沟桥"], ["红钢城"]]), answer.answer


@pytest.mark.parametrize("question, keys", [
    ("哪几篇报道讲的是两个街道联合开展活动的？", [["新沟桥"], ["红钢城"]]),
    ("哪几篇文章写了两个镇结对？", [["石马镇"], ["小枧镇"]]),
    ("哪幾篇報導講的是兩個鎮之間的結對共建？", [["石马镇"], ["小枧镇"]]),
])
def test_one_kind_of_pair_lists_its_article_with_the_sentence_naming_both(ask, question, keys):
    answer = ask(question)
    assert not answer.refused and len(answer.article_ids) == 1, answer.answer
    assert ev.covers(answer.answer, keys), answer.answer


@pytest.mark.parametrize("question", [
    "涪江大桥项目在哪两个镇的交界？",
    "青石路涪江大桥位于哪两个镇之间？",
    "涪江大橋工程項目位於哪兩個鎮交界處？",
])
def test_which_two_towns_quotes_the_sentence_naming_both(ask, question):
    answer = ask(question)
    assert not answer.refused and answer.article_ids[:1] == [SHIMA], answer.answer
    assert ev.covers(answer.answer, [["青义"], ["石马"]]), answer.answer


@pytest.mark.slow  # the real engine: BM25 alone finds no English words in the Chinese articles
def test_which_two_towns_in_english_quotes_the_sentence_naming_both(seed_engine):
    answer = seed_engine.ask("Which two towns does the Fujiang bridge project sit between?")
    assert not answer.refused and answer.article_ids[:1] == [SHIMA], answer.answer
    assert ev.covers(answer.answer, [["青义"], ["石马"]]), answer.answer


def test_a_follow_up_asking_which_two_towns_stays_on_its_project(ask):
    first = ask("结对仪式结束以后，参会人员去现场参观了哪个工程项目？")
    answer = ask("那個項目位於哪兩個鎮的交界處？", focus=first.article_ids, previous=first.question, before=first)
    assert not answer.refused and "青义镇、石马镇交界" in normalize(answer.answer), answer.answer
