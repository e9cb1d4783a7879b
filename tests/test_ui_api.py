"""The app's API through `gradio_client`, against `python app.py` started here: the CLI's JSON objects.

Also home of the helpers that start a real server for the UI tests (a subprocess on a free port,
over a private copy of the corpus and of the session's index, so nothing writes into the repo).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

STARTUP_TIMEOUT = 240  # seconds; a missing index is built on start (~30 s on 2 cores)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def private_corpus_and_index(tmp: Path, seed_config) -> tuple[Path, Path]:
    """A copy of the bundled corpus, and of the session's index over it (so startup embeds nothing new)."""
    corpus = tmp / "corpus"
    corpus.mkdir()
    for f in sorted(SEEDS.glob("*.txt")):
        shutil.copy(f, corpus / f.name)
    index = tmp / "index"
    if Path(seed_config.index_dir).is_dir():
        shutil.copytree(seed_config.index_dir, index)
    return corpus, index


class Server:
    """A running app in a subprocess; its output goes to a log file (read on failure)."""

    def __init__(self, cmd: list[str], env: dict, port: int, log: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.log = log
        self._out = open(log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT, expect_status: int = 200) -> "Server":
        """Poll until the API answers with `expect_status` (401 behind a login)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "gradio_api/info", timeout=2) as r:
                    if r.status == expect_status:
                        return self
            except urllib.error.HTTPError as exc:
                if exc.code == expect_status:
                    return self
                time.sleep(0.5)
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout} s:\n{self.output()[-3000:]}")

    def wait_indexed(self, timeout: float = STARTUP_TIMEOUT) -> "Server":
        """Poll the /status endpoint until the background ingest has nothing left to do."""
        from gradio_client import Client

        client = Client(self.url, verbose=False, download_files=False)
        deadline = time.monotonic() + timeout
        while client.predict(api_name="/status")["indexing"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"still indexing after {timeout} s:\n{self.output()[-3000:]}")
            time.sleep(0.5)
        return self

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def server_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "GRADIO_"))}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


@pytest.fixture(scope="module")
def app_server(seed_engine, seed_config, tmp_path_factory):
    """`python app.py --port N`, the rest configured through the environment, as a user would run it."""
    tmp = tmp_path_factory.mktemp("ui_api")
    corpus, index = private_corpus_and_index(tmp, seed_config)
    port = free_port()
    env = server_env(RAG_CORPUS=str(corpus), RAG_INDEX=str(index), RAG_PORT=str(free_port()))  # the flag wins
    server = Server([sys.executable, "app.py", "--port", str(port)], env, port, tmp / "server.log").wait_ready()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def client(app_server):
    from gradio_client import Client

    return Client(app_server.url, verbose=False, download_files=False)


def test_api_lists_ask_summarize_and_articles_only(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask", "/summarize", "/articles", "/status"}


def test_ask_returns_the_cli_answer_object(client, seed_engine):
    question = "渠岸镇党委书记是谁？"
    got = client.predict(question, api_name="/ask")
    want = seed_engine.ask(question).to_json()
    assert got == json.loads(json.dumps(want, ensure_ascii=False))  # the same object, through JSON
    assert set(got) >= {"question", "answer", "refused", "citations", "original", "closest", "backend", "model", "note"}
    assert not got["refused"] and got["citations"]
    cite = got["citations"][0]
    para = seed_engine.articles[cite["article_id"]].paragraph(cite["paragraph"])
    assert para[cite["start"] : cite["end"]] == cite["quote"]


def test_ask_matches_the_command_line_json(client, app_server):
    """The same question through `rag ask --json` and through the API gives the same object."""
    question = "Which library hosted the Qingshan district meeting?"
    corpus = Path(app_server.log).parent / "corpus"
    index = Path(app_server.log).parent / "index"
    out = subprocess.run(
        [sys.executable, "-m", "rag", "ask", question, "--json", "--corpus", str(corpus), "--index", str(index), "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=server_env(),
    )
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    api = client.predict(question, api_name="/ask")
    cli.pop("id", None)
    api.pop("id", None)
    assert api == cli


def test_summarize_returns_the_cli_summary_object(client, seed_engine):
    article_id = "004_7e177a0353be72cf"
    got = client.predict(article_id, api_name="/summarize")
    assert got == json.loads(json.dumps(seed_engine.summarize(article_id).to_json(), ensure_ascii=False))
    assert got["article_id"] == article_id and got["citations"]
    overview = client.predict("all", api_name="/summarize")
    assert overview["article_id"] is None and len(overview["citations"]) >= len(seed_engine.articles) - 1


def test_ask_and_summarize_take_optional_date_and_outlet_filters(client, seed_engine):
    """since, until and source, as `rag ask --since/--until/--source`; left out, the question's own dates apply."""
    from gradio_client.exceptions import AppError

    from rag.records import Filter

    got = client.predict("渠岸镇党委书记是谁？", "2023-06-01", "2023-06-30", "", api_name="/ask")
    assert got["refused"] and got["filter"] == {"since": "2023-06-01", "until": "2023-06-30", "sources": []}
    assert "2023年6月1日至6月30日" in got["answer"]
    want = seed_engine.ask("渠岸镇党委书记是谁？", filter=Filter("2023-06-01", "2023-06-30")).to_json()
    assert got == json.loads(json.dumps(want, ensure_ascii=False))
    got = client.predict("6月份的活动", api_name="/ask")  # no filter fields: the question's dates
    assert sorted({c["article_id"][:3] for c in got["citations"]}) == ["000", "001", "002"] and got["scope"]
    got = client.predict("党建", "", "", "大眾日報", api_name="/ask")
    assert {c["article_id"][:3] for c in got["citations"]} <= {"003"} and got["filter"]["sources"] == ["大众日报"]
    with pytest.raises(AppError, match="since: not a date: '2023-13'"):
        client.predict("党建", "2023-13", "", "", api_name="/ask")
    overview = client.predict("all", "06-01", "06-30", "", api_name="/summarize")
    assert sorted({c["article_id"][:3] for c in overview["citations"]}) == ["000", "001", "002"]


def test_unknown_article_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="no article matches"):
        client.predict("../../etc/passwd", api_name="/summarize")


def test_articles_endpoint_lists_rows(client, seed_engine):
    rows = client.predict(api_name="/articles")
    assert sorted(r["id"] for r in rows) == sorted(seed_engine.articles)
    assert [r["shelf"] for r in rows] == list(range(1, len(rows) + 1))
    assert all(set(r) >= {"id", "title", "date", "source", "url", "paragraphs", "chars", "also_carried_by"} for r in rows)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, read from /proc/net/tcp (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, _, hexport = local.partition(":")
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


def test_server_listens_on_localhost_only(app_server):
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux /proc/net/tcp")
    # 0100007F is 127.0.0.1 in the kernel's byte order; 00000000 would be all interfaces.
    assert listening_addresses(app_server.port) == {"0100007F"}


@pytest.fixture(scope="module")
def auth_server(seed_engine, seed_config, tmp_path_factory):
    """`python app.py --auth USER:PASSWORD`, on the port Gradio's own GRADIO_SERVER_PORT names."""
    tmp = tmp_path_factory.mktemp("ui_auth")
    corpus, index = private_corpus_and_index(tmp, seed_config)
    port = free_port()
    cmd = [sys.executable, "app.py", "--corpus", str(corpus), "--index", str(index), "--auth", "tester:s3cret-pw"]
    server = Server(cmd, server_env(GRADIO_SERVER_PORT=str(port)), port, tmp / "server.log")
    yield server.wait_ready(expect_status=401)
    server.stop()


def _status(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read(200_000)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000)


def test_every_route_refuses_anonymous_requests(auth_server):
    base = auth_server.url.rstrip("/")
    refused = {401, 403}
    for path in ("/config", "/gradio_api/info", "/gradio_api/file=README.md", "/gradio_api/queue/status",
                 "/gradio_api/upload_progress?upload_id=x", "/gradio_api/queue/data?session_hash=x"):
        code, _ = _status(base + path)
        assert code in refused, (path, code)
    body = json.dumps({"data": ["渠岸镇党委书记是谁？"], "fn_index": 0, "session_hash": "x"}).encode()
    for path in ("/gradio_api/queue/join", "/gradio_api/call/ask", "/gradio_api/call/articles",
                 "/gradio_api/run/predict", "/gradio_api/upload", "/gradio_api/component_server"):
        code, _ = _status(base + path, "POST", body)
        assert code in refused, (path, code)
    # The page itself is the login form: no components, no endpoints, no API description, no article text.
    code, page = _status(base + "/")
    assert code == 200 and b'"auth_required":true' in page
    assert b'"components":[]' in page and b"window.gradio_api_info = null" in page
    for secret in (b"/ask", b"/summarize", "渠岸".encode(), b"named_endpoints"):
        assert secret not in page, secret


def test_login_is_required_when_auth_is_set(auth_server):
    from gradio_client import Client

    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(ValueError, match="Could not login"):
        Client(auth_server.url, verbose=False, auth=("tester", "wrong"))
    with pytest.raises(AuthenticationError):
        Client(auth_server.url, verbose=False)
    client = Client(auth_server.url, verbose=False, auth=("tester", "s3cret-pw"))
    rows = client.predict(api_name="/articles")
    assert len(rows) == len(list(SEEDS.glob("*.txt")))
    assert "(login required)" in auth_server.output()  # the start-up line says so


def test_app_py_refuses_an_unknown_flag_with_usage():
    out = subprocess.run([sys.executable, "app.py", "--prot", "7999"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=server_env())
    assert out.returncode == 2 and "usage: app.py" in out.stderr and "--prot" in out.stderr
    out = subprocess.run([sys.executable, "app.py", "--auth", "nopassword"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=server_env())
    assert out.returncode == 2 and "USER:PASSWORD" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=server_env())
    for flag in ("--auth", "--port", "--host", "--max-upload-mb", "--llm", "--corpus"):
        assert flag in out.stdout


def test_view_api_shows_the_fields_of_every_return(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    ask = endpoints["/ask"]["returns"][0]["type"]
    assert ask["type"] == "object" and {"answer", "refused", "citations", "closest"} <= set(ask["properties"])
    citation = ask["properties"]["citations"]["items"]
    assert {"article_id", "paragraph", "quote", "start", "end"} <= set(citation["properties"])
    summary = endpoints["/summarize"]["returns"][0]["type"]
    assert {"article_id", "summary", "citations"} <= set(summary["properties"])
    assert endpoints["/summarize"]["parameters"][0]["type"] == {"type": "string"}
    row = endpoints["/articles"]["returns"][0]["type"]["items"]
    assert {"shelf", "id", "title", "also_carried_by"} <= set(row["properties"])


def test_summarize_takes_an_id_start_and_a_shelf_number(client):
    assert client.predict("003", api_name="/summarize")["article_id"] == "003_149da1c9ea8086b3"
    assert client.predict("#3", api_name="/summarize")["article_id"] == "002_e44c29edbf155723"


def test_user_errors_are_one_log_line_without_a_traceback(client, app_server):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="fits 5 articles"):
        client.predict("0", api_name="/summarize")
    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", api_name="/ask")
    deadline = time.monotonic() + 10
    while "question is empty" not in app_server.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = app_server.output()
    refused = [line for line in log.splitlines() if "refused:" in line]
    assert any("fits 5 articles" in line for line in refused) and any("question is empty" in line for line in refused)
    assert "Traceback" not in log
