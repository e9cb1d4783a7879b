"""Which retrieved articles an answer reads (rag.answering.prepare.articles_to_read): the best stories, a second
report of a story already chosen skipped, on the real seed articles and a republished copy of one of them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.prepare import CHUNKS_PER_SOURCE, articles_to_read
from rag.config import Config
from rag.engine import Snapshot
from rag.records import AskRequest
from tests.fakes import FixedRetriever, LexicalRetriever
from tests.seeds import JINJIANG, QINGSHAN, SHIMA, assert_well_cited

COPY = "900_republished_shima"
QUESTION = "锦江区直联共建项目签约仪式上，区委党校党支部和哪个街道的哪个社区签了约？"  # JINJIANG holds the answer


@pytest.fixture(scope="module")
def articles(seed_articles):
    shima = seed_articles[SHIMA]
    # the same story as another outlet carries it: its own title, outlet and a closing credit line
    copy = replace(shima, id=COPY, title="石马镇与小枧镇开展结对共建活动", source="另一家媒体",
                   paragraphs=(*shima.paragraphs, "（来源：另一家媒体）"))
    return {**seed_articles, COPY: copy}


def hits_of(articles, order):
    return FixedRetriever([articles[a] for a in order], set(order)).search("", k=200)


def test_a_second_report_of_a_story_read_gives_its_place_to_the_next_story(articles):
    hits = hits_of(articles, [SHIMA, COPY, JINJIANG, QINGSHAN])
    assert articles_to_read(hits, (), False, articles, 2) == [SHIMA, JINJIANG]
    assert articles_to_read(hits, (), False, articles, 3) == [SHIMA, JINJIANG, QINGSHAN]
    assert articles_to_read(hits, (), False, articles, 1) == [SHIMA]


def test_questions_across_articles_and_focused_questions_read_what_they_name(articles):
    hits = hits_of(articles, [SHIMA, COPY, JINJIANG])
    assert articles_to_read(hits, (), True, articles, 2) == [SHIMA, COPY, JINJIANG]  # each outlet's report a line
    assert articles_to_read(hits, [COPY, COPY], False, articles, 2) == [COPY]


def test_the_answer_reads_past_a_republished_copy_to_the_article_that_answers(articles):
    retriever = FixedRetriever([articles[a] for a in (SHIMA, COPY, JINJIANG)], {SHIMA, COPY, JINJIANG})
    answer = ExtractiveAnswerer(Config()).answer(AskRequest(QUESTION, k=10), Snapshot(articles, retriever))
    assert not answer.refused and answer.article_ids == [JINJIANG], answer.answer
    assert_well_cited(answer, articles)


def test_k_bounds_the_articles_read_and_sets_the_chunks_searched(articles):
    spy = LexicalRetriever(list(articles.values()))
    one = ExtractiveAnswerer(Config(k=1)).answer(AskRequest(QUESTION), Snapshot(articles, spy))
    assert spy.asked_k[0] == 1 * CHUNKS_PER_SOURCE
    assert len(set(one.article_ids)) <= 1
