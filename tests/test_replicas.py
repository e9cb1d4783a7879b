"""Two app replicas on one index: two real `rag serve` processes share a `milvus-lite server` subprocess on
127.0.0.1 and a data folder (uploads). The FAISS index of the seeds is moved into Milvus first with
`rag migrate` (its vectors reused: nothing embedded). An article uploaded through one replica's page (a real
Chromium) is answered through the other's API, within seconds, citing the new article."""

from __future__ import annotations

import shutil
import sys
import time

import pytest

from tests.conftest import SEEDS
from tests.test_backends import HAS_MILVUS, start_milvus_server
from tests.test_ui_api import Server, free_port, server_env
from tests.test_ui_browser import NEW_ARTICLE, WAIT_MS

pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not HAS_MILVUS, reason="the milvus extra is not installed")]


@pytest.fixture(scope="module")
def replicas(seed_engine, seed_config, tmp_path_factory):
    from rag.cli import main

    tmp = tmp_path_factory.mktemp("replicas")
    milvus, uri = start_milvus_server(tmp / "milvus")
    corpus, data = tmp / "corpus", tmp / "shared"
    corpus.mkdir()
    for f in sorted(SEEDS.glob("*.txt")):
        shutil.copy(f, corpus / f.name)
    # the seeds' FAISS index (built once per session) moves into Milvus, vectors and all
    assert main(["migrate", "--index", str(seed_config.index_dir), "--to", "milvus:" + uri.removeprefix("http:"),
                 "--quiet"]) == 0
    servers = []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = server_env(RAG_INDEX_BACKEND="milvus", RAG_INDEX_URI=uri, RAG_DATA_DIR=str(data),
                             RAG_CORPUS=str(corpus), RAG_INDEX=str(tmp / f"index-{name}"))
            servers.append(Server([sys.executable, "-m", "rag", "serve", "--port", str(port)], env, port,
                                  tmp / f"server-{name}.log"))
        for server in servers:
            server.wait_ready()
        yield servers[0], servers[1], data
    finally:
        for server in servers:
            server.stop()
        milvus.terminate()
        milvus.wait(timeout=30)
    for server in servers:
        assert "Traceback" not in server.output(), server.output()[-3000:]


def test_an_upload_through_one_replica_is_answered_by_the_other(replicas, browser, tmp_path):
    from gradio_client import Client

    a, b, data = replicas
    question = "青禾镇荷花文化节吸引了多少游客？"
    other = Client(b.url, verbose=False, download_files=False)
    before = other.predict(question, api_name="/ask")
    assert not any("青禾镇" in c["title"] for c in before["citations"])  # B does not know the article yet

    page = browser.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(a.url)
    page.wait_for_selector("#rag-input textarea")
    new = tmp_path / "qinghe_lotus.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    page.click("#rag-tab-upload-button")
    page.set_input_files("#rag-files input[type=file]", [str(new)])
    page.locator("#rag-files", has_text="qinghe_lotus").wait_for()
    page.click("#rag-add")
    page.locator("#rag-upload-status .rag-ok").wait_for()  # (each file's state shows while it is indexed)
    status = page.locator("#rag-upload-status .rag-report")
    assert "Added 1 article" in status.inner_text(), status.inner_text()
    uploaded = time.monotonic()
    assert (data / "articles" / new.name).exists()  # in the shared data folder, where B reads it

    while True:
        got = other.predict(question, api_name="/ask")
        if any("青禾镇" in c["title"] for c in got["citations"]):
            break
        assert time.monotonic() - uploaded < 30, got
        time.sleep(0.5)
    seen_after = time.monotonic() - uploaded
    assert not got["refused"] and "两万三千" in got["answer"], got
    print(f"replica B answered from the upload {seen_after:.1f} s after replica A reported it")
    assert seen_after < 10
