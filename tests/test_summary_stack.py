"""Brief D11's stack, shipped in brief D12 (issue #20): the year before a summary's own opening month and day,
sentence scores smoothed with their neighbours', clause role columns in the summary model (asides:
tests/test_summary_variants.py). In both scripts."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering.features import ROLE_COLUMNS, article_index, clause_role_columns
from rag.answering.selection import candidate_sentences, score_article, smoothed
from rag.answering.summaries import dated_picks, summarize_article
from rag.answering.summary_model import DEFAULTS, SUMMARY_FEATURES, shipped_model
from rag.ingest.articles import Article
from rag.lang.script import to_simplified, to_traditional


def test_smoothing_adds_the_neighbours_mean():
    ps = np.asarray([0.2, 0.6, 0.4])
    assert np.allclose(smoothed(ps, 0.5), [0.2 + 0.5 * 0.6, 0.6 + 0.5 * 0.3, 0.4 + 0.5 * 0.6])
    assert smoothed(ps, 0.0) is ps and smoothed(ps[:1], 0.5) is not None


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_a_summary_opening_with_its_own_month_and_day_gets_the_year(convert):
    paragraphs = ("8月4日青岛市崂山区举行基层党建工作推进会。全区120余名党员干部参加会议。",
                  "会议总结了上半年的工作，部署了下半年的13项重点任务。")
    article = Article("y", convert("崂山区召开推进会"), tuple(convert(p) for p in paragraphs), date="2023-08-05")
    scored = score_article(article)
    line, picks = dated_picks(article, scored, {**DEFAULTS, "yearline": False})
    p, a, b = picks[0].shown[0]
    assert line == "" and article.paragraph(p)[a:b].startswith("8月4日")  # no dateline: it opens dated
    assert dated_picks(article, scored, DEFAULTS)[0] == "2023年"
    summary = summarize_article(article)
    assert summary.summary.startswith("2023年8月4日" + convert("青岛市")) and summary.summary.count("8月4日") == 1
    for c in summary.citations:  # the year is metadata, not a quote: every citation an exact span
        assert article.paragraph(c.paragraph)[c.start:c.end] == c.quote


def test_the_model_reads_the_clause_role_columns(seed_articles):
    assert SUMMARY_FEATURES[-len(ROLE_COLUMNS):] == ROLE_COLUMNS and len(ROLE_COLUMNS) == 20
    assert shipped_model().sentence.coef.shape == (len(SUMMARY_FEATURES),)
    for article in seed_articles.values():
        ix = article_index(article)
        sentences = candidate_sentences(ix)
        cols = clause_role_columns(ix.paragraphs, sentences)
        assert cols.shape == (len(sentences) + sum(len(s.clauses) for s in sentences), len(ROLE_COLUMNS))
        assert not cols[: len(sentences)].any() and cols[len(sentences):].any()
