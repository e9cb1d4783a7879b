"""The article-coverage floor (rag.answering.refusal.too_little_of_it) on the real seed articles: it counts only
the words retrieval searches on, so a question's shaping words (主要, 多久, 哪类: the stop list's `search` words)
do not make an article that holds the question's content look off-topic; a question about another town is still
refused by it."""

from __future__ import annotations

import pytest

from rag.answering.model import answer_model, rank_pool
from rag.answering.prepare import prepare
from rag.answering.qfeatures import INDEX, coverage, searched_coverage
from rag.answering.refusal import too_little_of_it
from rag.lang.words import stop_words
from tests.fakes import LexicalRetriever
from tests.seeds import QINGDAO, SHIMA, lexical_asker


def ranked_on(question, articles, aid):
    hits = LexicalRetriever(list(articles.values())).search(question, k=20)
    q, pool = prepare(question, hits, articles, [aid])
    return q, rank_pool(q, pool)


def test_searched_coverage_leaves_out_the_search_stop_words():
    terms = [("试飞", 9.0), ("持续", 5.0), ("多久", 7.5)]
    assert "多久" in stop_words("search") and "试飞" not in stop_words("search")
    text = "无人机进行了3小时试飞"
    assert coverage(terms, text) == pytest.approx(9.0 / 21.5)
    assert searched_coverage(terms, text) == pytest.approx(9.0 / 14.0)
    # a question of shaping words only is judged on all of them
    assert searched_coverage([("多久", 7.5)], text) == coverage([("多久", 7.5)], text) == 0.0


def test_an_article_lacking_only_the_shaping_words_is_not_refused_by_the_floor(seed_articles):
    q, ranked = ranked_on("宣讲活动主要持续了多久？", seed_articles, SHIMA)
    best = ranked.order()[0]
    model = answer_model()
    # all of the question's words: under the floor; the searched ones: over it
    assert float(ranked.X[best, INDEX["cov_art"]]) < model.min_article_coverage
    assert searched_coverage(q.terms, ranked.article_of(int(best)).units.text) >= model.min_article_coverage
    assert not too_little_of_it(q, ranked, model)


def test_a_question_about_another_town_is_still_under_the_floor(seed_articles):
    # 渠岸镇 is another seed article's town: read against SHIMA's article alone, the question is off-topic
    q, ranked = ranked_on("渠岸镇的党委书记是谁？", seed_articles, SHIMA)
    assert too_little_of_it(q, ranked, answer_model())
    # over all the seeds the question finds 渠岸镇's article and is answered from it
    answer = lexical_asker(seed_articles)("渠岸镇的党委书记是谁？")
    assert not answer.refused and "王刚" in answer.answer


def test_slot_cue_words_are_the_words_inside_the_phrase_that_typed_the_question():
    from rag.answering.qfeatures import slot_cue_words
    from rag.answering.question import analyze

    # 担任什么 and 什么职务 each type it a title question: both words only say what is asked
    assert slot_cue_words(analyze("郑素秀担任什么职务？")) == {"担任", "职务"}
    assert slot_cue_words(analyze("蓝乃夫今年多大年纪？")) >= {"年纪"}
    # words outside the typing phrase stay: the topic, the event
    q = analyze("青岛市级复评将在哪天举行？")
    assert not slot_cue_words(q) & {"青岛", "复评", "举行"}
    assert slot_cue_words(analyze("石马镇在哪里？")) == frozenset()


def test_a_title_question_whose_article_never_writes_the_title_words_is_not_refused_by_the_floor(seed_articles):
    from rag.answering.qfeatures import slot_cue_words

    # QINGDAO names 郑素秀 with her title (党支部书记) but never writes 担任 or 职务
    q, ranked = ranked_on("郑素秀担任什么职务？", seed_articles, QINGDAO)
    text = ranked.article_of(int(ranked.order()[0])).units.text
    model = answer_model()
    assert "担任" not in text and "职务" not in text
    assert searched_coverage(q.terms, text) < model.min_article_coverage  # counting them, it looked off-topic
    assert searched_coverage(q.terms, text, slot_cue_words(q)) >= model.min_article_coverage
    assert not too_little_of_it(q, ranked, model)
    answer = lexical_asker(seed_articles)("郑素秀担任什么职务？")
    assert not answer.refused and "书记" in answer.answer


def test_the_slot_cues_are_forgiven_only_when_the_article_holds_every_other_searched_word(seed_articles):
    from rag.answering.qfeatures import slot_cue_words

    # 退休 (a post held before retiring) is no slot cue and QINGDAO never writes it: the floor judges the question whole
    q, ranked = ranked_on("郑素秀退休前担任什么职务？", seed_articles, QINGDAO)
    text = ranked.article_of(int(ranked.order()[0])).units.text
    assert "退休" not in text and {"担任", "职务"} <= slot_cue_words(q)
    assert searched_coverage(q.terms, text, slot_cue_words(q)) == searched_coverage(q.terms, text)
    # a cue the article holds still counts: leaving the cues out never lowers the coverage
    terms = [("台风", 8.0), ("造成", 5.0)]
    assert searched_coverage(terms, "台风过境", frozenset({"造成"})) == pytest.approx(1.0)
    assert searched_coverage(terms, "暴雨造成内涝", frozenset({"造成"})) == searched_coverage(terms, "暴雨造成内涝")
