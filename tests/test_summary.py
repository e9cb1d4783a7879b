"""Extractive cited summaries, the corpus overview and the summary cache (real articles, real files)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from rag import evaluate as ev
from rag.lang.sentences import sentences
from rag.answering.summaries import ALGORITHM, ExtractiveSummarizer, is_boilerplate, summarize_article, trim_lead
from rag.records import Summary
from rag.answering.summary_cache import SummaryCache
from rag.lang.script import script_of

CRUD = Path(__file__).resolve().parents[2] / "shared" / "crud"
DATE = re.compile(r"\d+月\d+日|\d{4}年|近日")


def assert_cited(summary: Summary, articles) -> None:
    """[n] markers match the citations, and each quote is verbatim at its offsets in its paragraph."""
    assert [int(n) for n in re.findall(r"\[(\d+)\]", summary.summary)] == [c.n for c in summary.citations]
    for c in summary.citations:
        paragraph = articles[c.article_id].paragraph(c.paragraph)
        assert paragraph[c.start : c.end] == c.quote
        assert ev.quote_valid(c.to_json(), articles)


def test_each_seed_gets_three_to_five_cited_sentences_in_article_order(seed_articles):
    for article in seed_articles.values():
        summary = summarize_article(article)
        assert summary.article_id == article.id and summary.title == article.title
        assert 3 <= len(summary.citations) <= 5
        assert 100 <= ev.answer_length(summary.summary) <= 300
        positions = [(c.paragraph, c.start) for c in summary.citations]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)
        assert not any(is_boilerplate(c.quote) for c in summary.citations)
        # when and where: a date, and a place or organisation named in the article's lead
        assert DATE.search(summary.summary), article.id
        assert_cited(summary, seed_articles)


def test_datelines_are_trimmed_but_quotes_stay_verbatim():
    text, start = trim_lead("新华社北京8月11日电 商务部11日首次发布《美国履行世贸组织规则义务情况报告》。", 0)
    assert text.startswith("商务部") and start == len("新华社北京8月11日电 ")
    assert is_boilerplate("（原标题：明年7月起APP未备案不得展业）来源：北京日报")
    assert is_boilerplate("[责任编辑:xwzkw]") and not is_boilerplate("记者从河北省应急通信保障中心获悉。")


def test_an_article_with_nothing_to_summarise_gets_a_note(seed_articles):
    article = dataclasses.replace(next(iter(seed_articles.values())), paragraphs=("好。",))
    summary = summarize_article(article)
    assert summary.citations == [] and summary.note


def test_cache_computes_once_and_survives_a_restart(seed_articles, tmp_path):
    article = seed_articles["004_7e177a0353be72cf"]
    calls = []

    def make(a):
        calls.append(a.id)
        return summarize_article(a)

    first = SummaryCache(tmp_path).get_or_make(article, make, ALGORITHM)
    again = SummaryCache(tmp_path).get_or_make(article, make, ALGORITHM)  # a new process reads summaries.json
    assert calls == [article.id]
    assert again.to_json() == first.to_json()
    stored = json.loads((tmp_path / SummaryCache.FILE).read_text(encoding="utf-8"))
    assert list(stored) == [f"{article.content_hash}:{ALGORITHM}"]
    assert [p.name for p in tmp_path.iterdir()] == [SummaryCache.FILE]  # written atomically, no temp left


def test_cache_is_keyed_by_content_not_id(seed_articles, tmp_path):
    article = seed_articles["002_e44c29edbf155723"]
    cache = SummaryCache(tmp_path)
    cache.get_or_make(article, summarize_article, ALGORITHM)
    renamed = dataclasses.replace(article, id="renamed")
    hit = cache.get(renamed, ALGORITHM)
    assert hit is not None and hit.article_id == "renamed" and all(c.article_id == "renamed" for c in hit.citations)
    edited = dataclasses.replace(article, paragraphs=article.paragraphs[1:])
    assert cache.get(edited, ALGORITHM) is None  # changed text: computed afresh


def test_unreadable_cache_is_rebuilt_not_raised(seed_articles, tmp_path):
    (tmp_path / SummaryCache.FILE).write_text("{not json", encoding="utf-8")
    article = seed_articles["000_049c7ef42d054db3"]
    summary = SummaryCache(tmp_path).get_or_make(article, summarize_article, ALGORITHM)
    assert summary.citations
    assert json.loads((tmp_path / SummaryCache.FILE).read_text(encoding="utf-8"))


def test_overview_has_one_cited_line_per_article(seed_articles, tmp_path):
    result = ExtractiveSummarizer(SummaryCache(tmp_path)).overview(list(seed_articles.values()))
    lines = result.summary.splitlines()
    assert result.article_id is None and len(lines) == len(seed_articles) == len(result.citations)
    for line, c in zip(lines, result.citations):
        assert line.startswith(f"《{seed_articles[c.article_id].title}》") and line.endswith(f"[{c.n}]")
    assert {c.article_id for c in result.citations} == set(seed_articles)
    assert_cited(result, seed_articles)


def test_summary_shown_in_another_script_keeps_quotes_verbatim(seed_articles):
    summary = summarize_article(seed_articles["003_149da1c9ea8086b3"])  # a Traditional article
    shown = summary.in_script("hans")
    assert script_of(shown.summary) == "hans" and shown.original == summary.summary
    assert [c.quote for c in shown.citations] == [c.quote for c in summary.citations]
    assert summary.in_script("hant") is summary and summary.in_script("en") is summary


@pytest.mark.slow
def test_rouge_l_beats_lead3_on_crud_dev():
    if not (CRUD / "summaries_dev.jsonl").exists():
        pytest.skip("../shared/crud is not beside this checkout")
    from rag.ingest.articles import load_corpus

    articles = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    ours, lead = [], []
    for rec in ev.read_jsonl(CRUD / "summaries_dev.jsonl"):
        article = articles[rec["id"]]
        ours.append(ev.rouge_l(summarize_article(article).summary, rec["reference_summary"]))
        lead.append(ev.rouge_l("".join([s for p in article.paragraphs for s in sentences(p)][:3]), rec["reference_summary"]))
    assert sum(ours) / len(ours) >= sum(lead) / len(lead) + 0.03


@pytest.mark.slow
def test_engine_summaries_are_cached_with_the_index(seed_engine):
    article_id = "001_75c24a0883477bc4"
    first = seed_engine.summarize(article_id)
    path = Path(seed_engine.config.index_dir) / SummaryCache.FILE
    assert path.exists()
    key = f"{seed_engine.articles[article_id].content_hash}:{ALGORITHM}"
    assert key in json.loads(path.read_text(encoding="utf-8"))
    assert seed_engine.summarize(article_id).to_json() == first.to_json()
    assert_cited(first, seed_engine.articles)
    assert_cited(seed_engine.overview(), seed_engine.articles)


def test_a_long_article_is_summarised_in_time_linear_in_its_length():
    """6,000 sentences over a 20,000-word vocabulary (~220,000 characters): the centrality of each sentence is
    computed from the article's totals, not from a copy of them per sentence (which took ~60 s of CPU here)."""
    import os
    import random
    import time

    import jieba

    from rag.ingest.articles import Article

    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        words = [w for w in (line.split()[0] for line in f) if len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w)]
    rng = random.Random(3)
    vocab = rng.sample(words, 20_000)
    sents = ["".join(rng.choice(vocab) for _ in range(12)) + "。" for _ in range(6000)]
    article = Article("long", "一篇很长的文章", tuple("".join(sents[i : i + 5]) for i in range(0, len(sents), 5)))
    summarize_article(Article("warm", "预热", ("预热一下分词器。",)))  # (jieba's dictionary loads once)
    start = time.process_time()
    summary = summarize_article(article)
    assert time.process_time() - start < 15  # ~2 s here
    assert_cited(summary, {article.id: article})
