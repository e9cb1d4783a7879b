"""Answer misses of bench/fresh8_qa.jsonl's first run (issue #15; fresh8 is tuned on since), each fixed by a rule
for a kind of question, on the real seed articles (BM25: tests.fakes.LexicalRetriever; English questions: the
real engine, slow)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.english import named_words
from rag.answering.question import analyze
from rag.answering.units import article_units
from tests.seeds import JINJIANG, QINGSHAN, QUAN, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_a_pinyin_name_stands_for_the_word_the_articles_use_most(seed_articles):
    # "qingshan" spells 青山 (Qingshan ¶1 青山区图书馆, 青山区委组织部) and 清单 (Jinjiang's 两份清单): the name is 青山
    texts = [article_units(seed_articles[a]).text for a in (QINGSHAN, QUAN)]
    assert named_words(analyze("Where was the Qingshan meeting held?"), texts) == ["青山"]
    assert named_words(analyze("青山区的会议在哪里开的？"), texts) == []  # Chinese questions name no pinyin


@pytest.mark.slow
def test_an_english_question_naming_its_place_reads_that_article(seed_engine, seed_articles):
    # Qu'an's 大会 was chaired too (会议由镇人大主席张晓敏主持) and ranked first; Qingshan ¶2 本次会议由…刘芸主持
    answer = seed_engine.ask("Where was the Qingshan meeting held, and who chaired it?")
    assert answer.article_ids == [QINGSHAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["青山区图书馆"], ["刘芸"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question", ["锦江区发布的那两份清单里都有哪些数字？", "渠岸鎮那篇報導裡提到了哪些數字？",
                                      "Which numbers does the Jinjiang list give?"])
def test_which_numbers_asks_for_figures_and_numbers_is_no_content(question):
    q = analyze(question)
    assert q.atype == "number" and q.enum, (q.atype, q.enum)
    assert not {"数字", "numbers"} & {t for t, _ in q.terms}, q.terms


def test_which_numbers_a_list_gives_quotes_its_figures(ask, seed_articles):
    # Jinjiang ¶3 …清单包含74个社区的需求项目104项、55个单位的资源项目93项 (was the clause of the list's topics)
    answer = ask("錦江區那兩份清單裡有什麼數字？")
    assert answer.article_ids == [JINJIANG] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["74个"], ["104项"], ["55个"], ["93项"]]), answer.answer
    assert_well_cited(answer, seed_articles)
