"""The answer's choice of units (rag.answering.extractive.select) on a real seed article: the best unit, a second
of its article within the fitted margin, and a third only within THIRD_MARGIN of the best, all within the budget."""

from __future__ import annotations

from dataclasses import replace

import pytest

import rag.answering.extractive as extractive
from rag.answering.model import answer_model, rank_pool
from rag.answering.prepare import prepare
from tests.fakes import LexicalRetriever
from tests.seeds import SHIMA, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ranked_title(seed_articles):
    """SHIMA's title asked as a question, SHIMA read: a pool whose best three units are near-tied."""
    question = seed_articles[SHIMA].title + "？"
    hits = LexicalRetriever(list(seed_articles.values())).search(question, k=20)
    q, pool = prepare(question, hits, seed_articles, [SHIMA])
    return q, rank_pool(q, pool)


def with_third(margin):
    return replace(answer_model(), info={**answer_model().info, "third_margin": margin})


def test_a_near_tied_third_unit_of_the_same_article_joins_within_the_budget(ranked_title):
    q, ranked = ranked_title
    model = answer_model()
    rows = extractive.select(ranked, model, q)
    two = extractive.select(ranked, with_third(None), q)
    assert len(two) == 2 and set(two) < set(rows) and len(rows) == 3
    units = [ranked.unit_of(r) for r in rows]
    assert len({int(ranked.owner[r]) for r in rows}) == 1
    assert not any(a.overlaps(b) for i, a in enumerate(units) for b in units[i + 1:])
    assert sum(u.chars for u in units) <= extractive.ANSWER_BUDGET
    adjusted = extractive.adjusted_scores(ranked, model, q)
    best = max(adjusted[r] for r in rows)
    third = (set(rows) - set(two)).pop()
    assert best - adjusted[third] <= extractive.THIRD_MARGIN
    # the margin is a threshold: just below the third unit's gap, it stays out
    assert extractive.select(ranked, with_third(float(best - adjusted[third]) - 1e-4), q) == two


def test_the_three_unit_answer_quotes_the_article_verbatim(seed_articles):
    answer = lexical_asker(seed_articles)(seed_articles[SHIMA].title + "？")
    assert not answer.refused and answer.article_ids == [SHIMA] and len(answer.citations) == 3
    assert_well_cited(answer, seed_articles)
