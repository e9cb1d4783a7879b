"""The index backend contract (rag.index.backend.IndexBackend), run on every backend: FAISS (a folder),
milvus-lite embedded in this process (a .db file), and a real `milvus-lite server` subprocess on 127.0.0.1.

Save and load, append, change and delete (only what changed is embedded), filtered search (dates, sources,
articles) inside both searches, a manifest that does not match (embedder, chunking), a second writer, and an
ingest killed with SIGKILL half way (readers see whole articles only; the rerun embeds nothing twice).
Plumbing runs on fast deterministic vectors (tests.fakes.HashEmbedder); retrieval quality is bench/'s.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag.config import Config
from rag.index.backend import Where, open_backend
from rag.index.lexical import tokenize
from rag.index.manifest import IndexMismatch
from rag.index.pipeline import ingest
from rag.ingest.articles import Article
from rag.ingest.chunks import chunk_article
from rag.records import Filter
from rag.retrieve import Retriever
from rag.scope.facts import facts_for
from rag.scope.retriever import ScopedRetriever
from tests.conftest import ROOT
from tests.fakes import HashEmbedder

HAS_MILVUS = importlib.util.find_spec("pymilvus") is not None and importlib.util.find_spec("milvus_lite") is not None
needs_milvus = pytest.mark.skipif(not HAS_MILVUS, reason="the milvus extra is not installed")
KINDS = [
    "faiss",
    pytest.param("milvus-lite", marks=needs_milvus),
    pytest.param("milvus-server", marks=[needs_milvus, pytest.mark.slow]),
]
SOURCES = ["人民网", "新华网", "央视新闻"]
TOPICS = ["港口 集装箱 吞吐量", "芯片 工厂 投产", "暴雨 防汛 转移", "稻谷 丰收 亩产", "高铁 开通 客流", "医保 报销 药品"]
_names = itertools.count()


def article(i: int, version: int = 1, paragraphs: int = 3) -> Article:
    """Article a{i}: a topic of its own, a date in 2024 (a4's is year-less: a day its page gave without the year;
    a5 has none), a source (a4 has none); its paragraphs name its version (版本v{version}) so a reader can tell
    which version a chunk came from."""
    topic = TOPICS[i % len(TOPICS)]
    paras = tuple(f"第{i}篇 {topic}。本段是第{p}段，版本v{version}，编号{i * 10 + p}。" for p in range(1, paragraphs + 1))
    date = None if i == 5 else f"2024-0{1 + i % 3}-{10 + i:02d}"
    return Article(id=f"a{i}", title=f"{topic.split()[0]}新闻{i}", paragraphs=paras,
                   date=f"--{date[5:]}" if i == 4 else date, source=None if i == 4 else SOURCES[i % 3])


def news(n: int = 6, version: int = 1) -> list[Article]:
    return [article(i, version) for i in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_milvus_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """`milvus-lite server` on 127.0.0.1 only (its default is every interface)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("milvus-lite server did not start")


@pytest.fixture(scope="module")
def milvus_server(tmp_path_factory):
    proc, uri = start_milvus_server(tmp_path_factory.mktemp("milvus-server") / "data")
    yield uri
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(params=KINDS)
def kind(request) -> str:
    return request.param


@pytest.fixture
def cfg(kind, tmp_path, request) -> Config:
    """A fresh, empty index of this kind (a new collection prefix on the shared server)."""
    if kind == "faiss":
        yield Config(index_dir=tmp_path / "index")
        return
    if kind == "milvus-lite":
        uri = str(tmp_path / "index.db")
    else:
        uri = f"{request.getfixturevalue('milvus_server')}#t{os.getpid()}_{next(_names)}"
    config = Config(index_dir=tmp_path / "index", index_backend="milvus", index_uri=uri)
    yield config
    if kind == "milvus-lite":
        from rag.index.milvus_store import disconnect

        disconnect(uri)


def chunk_texts(backend, article_id: str) -> list[str]:
    return [c.text for c in backend.fetch(article_ids=[article_id]).chunks]


# ---- save, load, append, change, delete ---------------------------------------------------------------------


def test_save_then_load_in_a_new_instance(cfg):
    emb = HashEmbedder()
    arts = news()
    report = ingest(arts, cfg, emb, progress=False)
    assert report.added == [a.id for a in arts] and report.chunks == 18 and report.chunks_embedded == 18
    index = open_backend(cfg)  # a new instance reads what was committed
    assert index.manifest["embedder"] == {"id": emb.id, "dim": emb.dim}
    assert index.manifest["counts"] == {"articles": 6, "chunks": 18}
    entries = index.articles()
    assert {a.id: (e["hash"], e["date"], e["source"]) for a, e in zip(arts, map(entries.get, (a.id for a in arts)))} \
        == {a.id: (a.content_hash, a.date, a.source) for a in arts}
    assert index.status(arts) == "fresh" and index.status(arts[:-1]) == "stale"
    # a chunk's own vector finds it first; its words find it by BM25; fetch gives back the article's text
    target = chunk_article(arts[2], cfg.chunk_chars)[1]
    from rag.index.inputs import passage_input

    found = index.dense_search(emb.embed_batch([passage_input(arts[2].title, target.text)], "passage")[0], 3)
    assert index.fetch(keys=found.keys[:1]).chunks[0] == target and found.article_ids[0] == "a2"
    lexical = index.lexical_search(["22"], 5)  # (the 编号22 of a2's second paragraph)
    assert list(lexical.article_ids) == ["a2"] and lexical.scores[0] > 0
    assert chunk_texts(index, "a2") == [c.text for c in chunk_article(arts[2], cfg.chunk_chars)]
    hits = Retriever(index, emb, cfg).search("芯片工厂投产 编号11", k=3)
    assert hits and hits[0].article_id == "a1"


def test_append_change_and_delete_embed_only_what_changed(cfg):
    emb = HashEmbedder()
    ingest(news(), cfg, emb, progress=False)
    changed = dataclasses.replace(article(1), paragraphs=article(1).paragraphs[:2] + ("全新的第三段：台风登陆。",))
    arts = [a for a in news() if a.id not in ("a1", "a3")] + [changed, article(6)]
    report = ingest(arts, cfg, emb, progress=False)
    assert (report.added, report.changed, report.removed) == (["a6"], ["a1"], ["a3"])
    assert report.chunks_embedded == 1 + 3  # a1's new paragraph and a6: a1's other chunks keep their vectors
    index = open_backend(cfg)
    assert sorted(index.articles()) == ["a0", "a1", "a2", "a4", "a5", "a6"]
    assert index.manifest["counts"]["chunks"] == 18 and index.status(arts) == "fresh"
    assert chunk_texts(index, "a3") == [] and not index.lexical_search(["32"], 50)
    assert "a3" not in index.dense_search(emb.embed_query("x"), 100).article_ids
    assert chunk_texts(index, "a1")[-1] == "全新的第三段：台风登陆。"
    assert not index.lexical_search(["13"], 50) and index.lexical_search(["台风"], 5).article_ids[0] == "a1"
    # nothing new: nothing embedded, the same state
    again = ingest(arts, cfg, emb, progress=False)
    assert again.chunks_embedded == 0 and len(again.unchanged) == 6


# ---- filters inside the index -----------------------------------------------------------------------------------

# news(): a0 2024-01-10 人民网, a1 2024-02-11 新华网, a2 2024-03-12 央视新闻, a3 2024-01-13 人民网,
# a4 --02-14 (year-less, no source), a5 undated 央视新闻
FILTERS = [  # (filter, article ids, the articles it admits)
    (Filter(since="2024-02-01"), None, {"a1", "a2"}),
    (Filter(until="2024-01"), None, {"a0", "a3"}),
    (Filter(since="2024-02", until="2024-02-28"), None, {"a1"}),
    (Filter(since="--02-01", until="--02-29"), None, {"a1", "a4"}),  # year-less: any year's February, and a4
    (Filter(since="--12-01", until="--01-31"), None, {"a0", "a3"}),  # across the new year
    (Filter(since="--03"), None, {"a2"}),
    (Filter(sources=("新华网",)), None, {"a1"}),
    (Filter(sources=("人民网", "央视新闻")), None, {"a0", "a2", "a3", "a5"}),
    (Filter(since="2024-01-01", sources=("人民网",)), None, {"a0", "a3"}),
    (Filter(sources=("路透社",)), None, set()),
    (Filter(since="2024-03-01", until="2024-01-01"), None, set()),
    (Filter(), ["a2", "a5"], {"a2", "a5"}),
    (Filter(until="2024-12-31"), ["a2", "a5"], {"a2"}),
]


def test_filters_apply_inside_both_searches(cfg):
    emb = HashEmbedder()
    ingest(news(), cfg, emb, progress=False)
    index = open_backend(cfg)
    retriever = Retriever(index, emb, cfg)
    q = emb.embed_query("新闻 编号")
    for f, ids, admitted in FILTERS:
        where = Where.of(f, ids)
        dense = index.dense_search(q, 100, where)
        assert set(dense.article_ids) == admitted, (f, ids)  # every admitted chunk, none other (exact search)
        assert len(dense) == 3 * len(admitted) and list(dense.scores) == sorted(dense.scores, reverse=True)
        lexical = index.lexical_search(tokenize("第 篇 版本v1 段"), 100, where)
        assert set(lexical.article_ids) == admitted, (f, ids)
        hits = retriever.search("第3篇 港口 集装箱 编号31", k=5, article_ids=ids, filter=f)
        assert {h.article_id for h in hits} <= admitted and (bool(hits) == bool(admitted)), (f, ids)
        if ids is None:
            assert {a for a, _ in retriever.search_articles("版本v1", k=10, filter=f)} == admitted
    with pytest.raises(ValueError, match="not a date"):
        index.dense_search(q, 5, Where.of(Filter(since="yesterday")))
    with pytest.raises(ValueError, match="both dated or both year-less"):
        index.lexical_search(["新闻"], 5, Where.of(Filter(since="--02-01", until="2024-03-01")))


def test_the_scope_s_filters_hold_inside_every_backend(cfg):
    """rag.scope hands the index its filters with outlets turned into the credits the articles carry
    (CorpusFacts.index_filter): outlets by alias, script or group, and year-less windows, keep a search to the
    articles the planner counted, on every backend; an outlet no article credits admits nothing (not everything)."""
    emb = HashEmbedder()
    arts = news()
    ingest(arts, cfg, emb, progress=False)
    facts = facts_for({a.id: a for a in arts})
    scoped = ScopedRetriever(Retriever(open_backend(cfg), emb, cfg), facts)
    cases = [
        (Filter(sources=("Xinhua",)), {"a1"}),  # 新华社's group: its credit 新华网
        (Filter(sources=("人民網",)), {"a0", "a3"}),
        (Filter(sources=("人民日报",)), set()),  # 人民日报 is not 人民网
        (Filter("--01-01", "--02-29", ("人民网", "新华网")), {"a0", "a1", "a3"}),
        (Filter("--02-01", "--02-29"), {"a1", "a4"}),  # a4's own date is year-less
    ]
    for f, admitted in cases:
        assert set(facts.matching(f)) == admitted, f
        hits = scoped.search("第 篇 版本v1 段", k=100, filter=f)
        assert {h.article_id for h in hits} == admitted, f
        assert {a for a, _ in scoped.search_articles("版本v1", k=10, filter=f)} == admitted, f


def test_past_the_graph_threshold_a_filtered_dense_search_is_still_exact(tmp_path):
    """With an HNSW graph (FAISS, Config.ann_min_chunks) a filter is not passed to the graph, which loses recall
    through a selector: the allowed rows are searched exactly."""
    emb = HashEmbedder()
    cfg = Config(index_dir=tmp_path / "index", ann_min_chunks=1)
    ingest(news(), cfg, emb, progress=False)
    index = open_backend(cfg)
    assert index.index.ann is not None
    q = emb.embed_query("新闻 编号")
    for f, ids, admitted in FILTERS:
        found = index.dense_search(q, 5, Where.of(f, ids))
        allowed = index.index.mask(Where.of(f, ids))
        exact = np.argsort(np.where(allowed, 0, 9) - index.index.vectors @ q, kind="stable")[: min(5, int(allowed.sum()))]
        assert found.keys.tolist() == exact.tolist(), (f, ids)


# ---- a manifest that does not match -----------------------------------------------------------------------------


def test_an_index_built_otherwise_is_refused_until_rebuilt(cfg):
    ingest(news(3), cfg, HashEmbedder(), progress=False)
    other = HashEmbedder(id="test:other")
    with pytest.raises(IndexMismatch, match="embedder test:crc.*rag ingest --rebuild"):
        ingest(news(3), cfg, other, progress=False)
    with pytest.raises(IndexMismatch, match="rag ingest --rebuild"):
        Retriever(open_backend(cfg), other, cfg)  # a replica refuses it the same way
    with pytest.raises(IndexMismatch, match="chunked differently.*max_chars 200 → 120"):
        ingest(news(3), cfg.with_(chunk_chars=120), HashEmbedder(), progress=False)
    assert open_backend(cfg.with_(chunk_chars=120)).status(news(3)) == "stale"
    report = ingest(news(3), cfg, HashEmbedder(id="test:wide", dim=96), progress=False, rebuild=True)
    assert report.chunks_embedded == 9
    index = open_backend(cfg)
    assert index.manifest["embedder"] == {"id": "test:wide", "dim": 96} and sorted(index.articles()) == ["a0", "a1", "a2"]
    with pytest.raises(IndexMismatch):
        Retriever(index, HashEmbedder(), cfg)


# ---- one writer at a time ----------------------------------------------------------------------------------------

SECOND_WRITER = r"""
import json, sys
from rag.config import Config
from rag.index.backend import WriterBusy
from rag.index.pipeline import ingest
from tests.fakes import HashEmbedder
from tests.test_backends import news
cfg = Config(**{k: v for k, v in json.loads(sys.argv[1]).items()})
try:
    print(ingest(news(2), cfg, HashEmbedder(), progress=False, wait=False).summary())
except WriterBusy as exc:
    print("BUSY", exc)
"""


def config_json(cfg: Config) -> str:
    return json.dumps({"index_dir": str(cfg.index_dir), "index_backend": cfg.index_backend, "index_uri": cfg.index_uri})


def test_a_second_writer_is_told_and_changes_nothing(cfg, kind):
    if kind == "milvus-lite":
        pytest.skip("an embedded milvus-lite file is open in one process only (test_embedded_file_in_one_process)")
    emb = HashEmbedder()
    ingest(news(3), cfg, emb, progress=False)
    holder = open_backend(cfg)
    holder.begin(emb.id, emb.dim)
    try:
        out = subprocess.run([sys.executable, "-c", SECOND_WRITER, config_json(cfg)], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert out.stdout.startswith("BUSY another ingest (pid"), out.stdout + out.stderr
        assert "is writing the index at" in out.stdout
    finally:
        holder.abort()
    assert sorted(open_backend(cfg).articles()) == ["a0", "a1", "a2"]


@needs_milvus
def test_embedded_file_in_one_process(tmp_path):
    uri = str(tmp_path / "one.db")
    cfg = Config(index_dir=tmp_path / "index", index_backend="milvus", index_uri=uri)
    ingest(news(2), cfg, HashEmbedder(), progress=False)
    try:
        out = subprocess.run([sys.executable, "-c", SECOND_WRITER, config_json(cfg)], cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert "is open in another process" in out.stderr and "milvus-lite server" in out.stderr, out.stderr[-2000:]
        assert "Traceback" in out.stderr or out.returncode != 0
    finally:
        from rag.index.milvus_store import disconnect

        disconnect(uri)


# ---- an ingest killed half way --------------------------------------------------------------------------------

KILLED = r"""
import json, sys, time
import rag.index.pipeline as pipeline
from rag.config import Config
from rag.index.pipeline import ingest
from tests.fakes import HashEmbedder
from tests.test_backends import news

pipeline.BLOCK_CHUNKS = 3  # one article per block: a commit every two articles
cfg = Config(**json.loads(sys.argv[1])).with_(commit_articles=2)
log = open(sys.argv[2], "a", encoding="utf-8")

class Slow(HashEmbedder):
    def embed_batch(self, texts, kind):
        print("EMBED", flush=True)
        time.sleep(0.5)
        out = super().embed_batch(texts, kind)
        for t in texts:  # what was embedded (a batch killed in its sleep was not)
            log.write(json.dumps(t, ensure_ascii=False) + "\n")
        log.flush()
        return out

def progress(done, total, message):
    if message.startswith("committing"):
        print("COMMIT", flush=True)

ingest(news(10, version=2), cfg, Slow(), progress=progress)
print("DONE", flush=True)
"""


def whole_versions(index) -> dict[str, int]:
    """Each visible article's version, checking that every one of its chunks is there and of that version."""
    out = {}
    for aid, entry in index.articles().items():
        i = int(aid[1:])
        version = next(v for v in (1, 2) if article(i, v).content_hash == entry["hash"])
        assert chunk_texts(index, aid) == [c.text for c in chunk_article(article(i, version), index.config.chunk_chars)]
        out[aid] = version
    return out


def test_an_ingest_killed_half_way_leaves_whole_articles_and_resumes_without_re_embedding(cfg, kind, tmp_path):
    emb = HashEmbedder()
    ingest(news(6), cfg, emb, progress=False)  # version 1 of a0..a5
    if kind == "milvus-lite":
        from rag.index.milvus_store import disconnect

        disconnect(cfg.index_uri)  # (the writer below must open the file)
    log = tmp_path / "embedded.jsonl"
    proc = subprocess.Popen([sys.executable, "-c", KILLED, config_json(cfg), str(log)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    commits = embeds = 0
    while embeds < 2:  # two commits published, one more block embedded (journaled, not committed), the next begun
        line = proc.stdout.readline()
        assert line and not line.startswith("DONE"), proc.stderr.read()[-3000:]
        commits += line.startswith("COMMIT")
        embeds += commits >= 2 and line.startswith("EMBED")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]

    index = open_backend(cfg)
    versions = whole_versions(index)  # every visible article whole, in one version
    assert sorted(versions) == [f"a{i}" for i in range(6)] + [a for a in ("a6", "a7", "a8", "a9") if a in versions]
    done = [a for a, v in versions.items() if v == 2]
    assert 4 <= len(done) < 10, versions  # two commits of two articles each were published
    answerable = article(int(done[0][1:]), 2).paragraphs[1]
    assert Retriever(index, emb, cfg).search_articles(answerable, k=1)[0][0] == done[0]

    # the rerun finishes from there, embedding nothing the killed one had embedded (journal or index)
    class Logged(HashEmbedder):
        seen: list[str] = []

        def embed_batch(self, texts, kind):
            self.seen.extend(texts)
            return super().embed_batch(texts, kind)

    again = Logged()
    report = ingest(news(10, version=2), cfg, again, progress=False)
    assert not set(again.seen) & set(first), "a passage was embedded twice"
    assert len(report.unchanged) >= 4 and report.resumed >= 1
    assert set(whole_versions(open_backend(cfg)).values()) == {2} and len(open_backend(cfg).articles()) == 10


# ---- the same scores as FAISS mode ------------------------------------------------------------------------------


@needs_milvus
def test_milvus_scores_as_faiss_does(tmp_path):
    """Same chunks, same cosines, and BM25 scores that differ by the constant factor (k1 + 1) = 2.2 only: Milvus'
    formula carries it, bm25s' does not (same k1, b, IDF and document lengths over our jieba words). Holds while
    the index is one milvus-lite segment (one commit): milvus-lite computes IDF per segment, Milvus per shard."""
    emb = HashEmbedder()
    faiss_cfg = Config(index_dir=tmp_path / "faiss")
    lite_cfg = Config(index_dir=tmp_path / "lite", index_backend="milvus", index_uri=str(tmp_path / "lite.db"))
    for c in (faiss_cfg, lite_cfg):
        ingest(news(6), c, emb, progress=False)
    faiss, lite = open_backend(faiss_cfg), open_backend(lite_cfg)
    try:
        for query in ("港口 集装箱 版本v1", "第3篇 暴雨 防汛", "编号22 芯片"):
            tokens = faiss.query_tokens(query)
            assert lite.query_tokens(query) == tokens
            f, m = faiss.lexical_search(tokens, 18), lite.lexical_search(tokens, 18)
            fs = {faiss.fetch(keys=[k]).chunks[0]: s for k, s in zip(f.keys, f.scores)}
            ms = {lite.fetch(keys=[k]).chunks[0]: s for k, s in zip(m.keys, m.scores)}
            assert fs.keys() == ms.keys()
            assert all(ms[c] / fs[c] == pytest.approx(2.2, rel=1e-4) for c in fs), query
            q = emb.embed_query(query)
            fd, md = faiss.dense_search(q, 18), lite.dense_search(q, 18)
            assert sorted(fd.scores.tolist()) == pytest.approx(sorted(md.scores.tolist()), abs=1e-5)
    finally:
        lite.close()
