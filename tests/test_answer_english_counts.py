"""English questions over the real seeds: a number the question repeats from an article meets it, "how many
people/groups/projects" counts in the article's measure word (人, 个, 项), plural news words meet the glossary's
singular. BM25 over the real seed articles (tests.fakes.LexicalRetriever), and the real engine where a pinyin
name must be found; the English answer line leads with the number."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.question import analyze
from rag.lang.glossary import chinese_of, english_measure
from tests.seeds import SHIMA, JINJIANG, QINGSHAN, QUAN, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_how_many_nouns_count_in_chinese_measure_words():
    assert english_measure("how many people attended the ceremony?") == "人"
    assert english_measure("how many working groups did the town set up?") == "个"
    assert english_measure("how many resource projects did the 55 units offer?") == "项"
    assert english_measure("how much money was raised?") is None
    assert analyze("How many companies did they survey?").measure == "家"
    assert analyze("多少人参加了会议？").measure == "人"  # Chinese questions keep their own measure word


def test_plural_news_words_meet_the_glossary():
    assert chinese_of("projects") == chinese_of("project") != ()
    assert chinese_of("activities") == chinese_of("activity") != ()
    assert chinese_of("business") == ()  # not a plural


def test_a_number_repeated_from_the_article_finds_its_sentence(ask, seed_articles):
    answer = ask("How many resource projects did the 55 units offer?")
    assert not answer.refused, answer.answer
    assert answer.article_ids == [JINJIANG]
    assert ev.covers(answer.answer, [["93"]])
    assert_well_cited(answer, seed_articles)


@pytest.mark.slow
def test_how_many_people_answers_with_the_head_count_not_a_date(seed_engine, seed_articles):
    # the real engine: BM25 alone finds nothing for a pinyin name, dense retrieval finds the article
    answer = seed_engine.ask("How many people attended the pairing signing ceremony in Shima town?")
    assert not answer.refused and answer.article_ids[0] == SHIMA
    assert answer.short and answer.short.startswith("60"), answer.answer  # 60余人, not the 25 of 6月25日
    assert "Answer: 60" in answer.answer
    assert_well_cited(answer, seed_articles)


def test_news_verbs_meet_the_glossary():
    assert "宣读" in chinese_of("read") and "签署" in chinese_of("signing") and "介绍" in chinese_of("introduced")
    assert "专班" in chinese_of("task") and "表彰" in chinese_of("commending")


@pytest.mark.slow
def test_english_news_verbs_find_their_sentence(seed_engine, seed_articles):
    answer = seed_engine.ask("Who read out the decision commending the advanced units at the Qu'an town meeting?")
    assert not answer.refused and answer.article_ids[0] == QUAN
    assert ev.covers(answer.answer, [["王海星"]]), answer.answer  # 宣读, not the 主持 sentence
    assert_well_cited(answer, seed_articles)
    answer = seed_engine.ask("Which of the articles mention signing an agreement?")
    assert {SHIMA, JINJIANG, QINGSHAN} <= set(answer.article_ids), answer.answer


def test_which_three_people_is_a_list_of_persons():
    q = analyze("Which three people made pledge speeches at the meeting?")
    assert q.atype == "person" and q.enum
