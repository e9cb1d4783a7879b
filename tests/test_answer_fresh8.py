"""Answer misses of bench/fresh8_qa.jsonl's first run (issue #15; fresh8 is tuned on since), each fixed by a rule
for a kind of question, on the real seed articles (BM25: tests.fakes.LexicalRetriever; English questions: the
real engine, slow)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.english import named_words
from rag.answering.question import analyze
from rag.answering.units import article_units
from tests.seeds import QINGSHAN, QUAN, assert_well_cited


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
