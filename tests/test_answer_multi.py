"""Questions across articles on the real seeds (rag.answering.multi): one cited line per article that holds
evidence, for questions that ask something of every article, and for questions that compare what only
different articles name. BM25 over the real seed articles (tests.fakes.LexicalRetriever)."""

from __future__ import annotations

import re

import pytest

from rag import evaluate as ev
from rag.answering.multi import DISTRIBUTIVE, MIN_LINE, named_articles, spreads
from rag.answering.question import analyze
from rag.lang.script import normalize
from rag.lang.words import idf
from tests.seeds import SHIMA, JINJIANG, QINGSHAN, QINGDAO, QUAN, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_asked_of_every_article_each_dated_article_gets_a_readable_line(ask, seed_articles):
    answer = ask("这几篇报道里的活动分别是在哪天举行的？")
    assert not answer.refused
    assert set(answer.article_ids) == {SHIMA, JINJIANG, QINGSHAN, QINGDAO, QUAN}, answer.answer
    lines = answer.answer.splitlines()
    assert len(lines) == 5 and all(re.search(r"\[\d+\]$", line) for line in lines)
    assert ev.covers(answer.answer, [["6月25日"], ["6月26日"], ["6月16日"], ["2月25日"], ["7月11日", "7月6日", "7月1日"]])
    # each line says what happened that day, not a bare date
    assert all(len(c.quote) >= MIN_LINE for c in answer.citations), answer.answer
    assert_well_cited(answer, seed_articles)


def test_a_comparison_of_places_that_different_articles_name_answers_from_each(ask, seed_articles):
    answer = ask("石马镇、锦江区和青山区的共建活动有什么共同点？")
    assert not answer.refused
    assert set(answer.article_ids) == {SHIMA, JINJIANG, QINGSHAN}, answer.answer
    assert len(answer.answer.splitlines()) == 3
    assert all("共建" in normalize(c.quote) for c in answer.citations), answer.answer
    assert_well_cited(answer, seed_articles)


def test_a_which_articles_question_in_traditional_cites_each_reading(ask, seed_articles):
    answer = ask("哪些報道裡有人宣讀了文件或決定？分別是誰？")
    assert set(answer.article_ids) == {SHIMA, QUAN}, answer.answer
    assert ev.covers(answer.answer, [["李洁茹"], ["王海星"]])
    assert_well_cited(answer, seed_articles)


def test_names_of_one_article_are_no_question_across_articles(seed_articles):
    texts = {aid: normalize("\n".join([a.title, *a.paragraphs])) for aid, a in seed_articles.items()}
    median = idf()[1]
    # two names, one article: a list inside it
    assert named_articles(analyze("石马镇和小枧镇的共建分别有什么特点？"), texts, median) == []
    # one name and an enumeration: one article
    assert named_articles(analyze("陈胡立强调的三点分别是什么？"), texts, median) == []
    # names of three articles, compared
    assert set(named_articles(analyze("石马镇、锦江区和青山区的共建活动有什么共同点？"), texts, median)) == {SHIMA, JINJIANG, QINGSHAN}
    # names of two articles without a comparison: not spread
    assert named_articles(analyze("锦江区和青山区的活动在哪里举行？"), texts, median) == []


def test_asked_where_of_every_article_each_line_holds_a_place(ask, seed_articles):
    # the line of each article is its best unit that names a place: 成都市文化馆, not the signing that followed
    answer = ask("这几场活动分别是在哪里举办的？")
    assert not answer.refused and len(answer.article_ids) >= 3, answer.answer
    assert ev.covers(answer.answer, [["成都市文化馆"], ["青山区图书馆"]]), answer.answer
    assert "《睦邻党建共同体再续新篇" in answer.answer  # a Traditional article's title in the asker's script
    assert_well_cited(answer, seed_articles)


def test_demands_that_follow_the_speaker_answer_which_points(ask):
    # the sentence naming 田志凯 and the 他指出，要…；要…；要… after it, quoted together
    answer = ask("田志凯致辞时提出了哪几点要求？")
    assert answer.article_ids == [QINGSHAN]
    assert ev.covers(answer.answer, [["田志凯"], ["抓好学习"], ["三张清单"], ["共建机制"]]), answer.answer
    # an open list (在A、B、C等方面) answers 哪些方面 over another speaker's 一是…二是…
    answer = ask("黃充代表鎮黨委表態時，說要在哪些方面同舟共濟？")
    assert ev.covers(answer.answer, [["基层党建堡垒"], ["民生实事"]]), answer.answer


def test_a_list_inside_one_article_stays_a_single_answer(ask):
    answer = ask("陈胡立强调了哪几点？")
    assert answer.article_ids == [SHIMA]
    assert ev.covers(answer.answer, [["结对互助"], ["合作共建"], ["共谋新局"]])


def test_where_each_event_was_held_quotes_the_unit_that_says_so(ask, seed_articles):
    # the Jinjiang line says 在成都市文化馆举办 (举行 asked: a synonym), not a later sentence naming 柳江街道
    answer = ask("青山区的睦邻党建联席会和锦江区的直联共建活动分别是在哪里举行的？")
    assert not answer.refused and {JINJIANG, QINGSHAN} <= set(answer.article_ids), answer.answer
    assert ev.covers(answer.answer, [["成都市文化馆"], ["青山区图书馆"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_distributive_and_comparing_wording():
    assert spreads("这几篇报道分别是哪天发布的？") and spreads("各地的活动有什么共同点？")
    assert DISTRIBUTIVE.search("each of the events") and not spreads("石马镇的签约仪式在哪里举行？")
