"""Load test: concurrent users asking through the app's API while an upload is indexed.

    python bench/bench_load.py                      # 8 users × 10 questions, one upload mid-run
    python bench/bench_load.py --users 4 --questions 5 --index .rag/index

Starts `python app.py` on a free localhost port over temporary copies of the corpus (and of --index, if
given and fresh; otherwise the app builds one at start), then runs N users, each a `gradio_client`
Client asking its questions one after another through the `/ask` endpoint, while the page's upload
event (the same HTTP calls the browser makes: /gradio_api/upload, then the queued event) indexes a new
article of several thousand characters. Every reply is checked: it must be an answer or a refusal (no
error), and every citation must quote its article verbatim at its offsets (the article read from the
corpus after the run), so a reply built on a half-built index would show. Questions about the new
article are answered only once its snapshot is swapped in.

Writes bench/results_load.json: requests sent and answered, errors, invalid citations, latency
percentiles overall and while the upload was being indexed, and the upload's own timing. Localhost only;
bounded by --timeout per request and by the question count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_process import free_port, stop, wait_ready  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "results_load.json"
DEV_QA = ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"
FALLBACK_QUESTIONS = [
    "石马镇和小枧镇开展的是什么行动？",
    "渠岸鎮2024年要做好多少件為民辦實事？",
    "Which library hosted the Qingshan district meeting?",
    "渠岸镇党委书记是谁？",
    "小米集团回购了多少股份？",
]
NEW_ID = "changhe_water"
NEW_QUESTION = "长河县三年内将投入多少水利资金？"
NEW_KEY = "四点二亿"


def new_article(paragraphs: int) -> str:
    """A made-up article long enough that indexing it takes a while (several seconds on 2 cores)."""
    towns = "东湖 西岭 南塘 北坡 中和 长乐 永安 太平 新民 兴隆".split()
    lines = ["长河县水利建设三年行动全面铺开", "2024-05-01 09:00 来源：长河报"]
    for i in range(paragraphs):
        town = towns[i % len(towns)]
        lines.append(
            f"{town}镇第{i + 1}批工程中，施工队新修渠道{3 + i}公里、加固堤坝{i % 7 + 2}处，惠及农户{500 + 37 * i}户。"
            f"镇水利站站长介绍，今年汛期前还将完成{i % 5 + 1}座泵站改造，确保{1000 + 11 * i}亩农田灌溉。"
        )
    lines.append("长河县水利局局长赵永明表示，全县三年内将投入水利资金四点二亿元。")
    return "\n".join(lines) + "\n"


def questions() -> list[str]:
    if DEV_QA.exists():
        return [json.loads(line)["question"] for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return list(FALLBACK_QUESTIONS)


def start_app(corpus: Path, index: Path, port: int, log: Path, max_upload_mb: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "GRADIO_"))}
    env.update(RAG_CORPUS=str(corpus), RAG_INDEX=str(index), RAG_DATA_DIR=str(index.parent), RAG_PORT=str(port),
               RAG_HOST="127.0.0.1",
               RAG_MAX_UPLOAD_MB=str(max_upload_mb), GRADIO_TEMP_DIR=str(log.parent / "gradio"), PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def upload_through_the_page(url: str, path: Path, timeout: float) -> dict:
    """What the page does for "Add to the index": upload the file, then run the (private) upload event."""
    import httpx

    with open(path, "rb") as fh:
        uploaded = httpx.post(url + "gradio_api/upload", files=[("files", (path.name, fh, "text/plain"))], timeout=60).json()
    files = [{"path": p, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}} for p in uploaded]
    data = [files, "", "", "shelf", 1]  # the files, then the shelf's search, outlet, order and page
    return gradio_event(url, "upload", data, timeout)


def gradio_event(url: str, api_name: str, data: list, timeout: float) -> dict:
    """Run one of the page's events the way the page does (queue/join, then read the stream to the end)."""
    import httpx

    config = httpx.get(url + "config", timeout=30).json()
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)
    session = uuid.uuid4().hex[:12]
    httpx.post(url + "gradio_api/queue/join", json={"data": data, "fn_index": fn_index, "session_hash": session}, timeout=30)
    with httpx.stream("GET", url + f"gradio_api/queue/data?session_hash={session}", timeout=timeout) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    return msg
    raise RuntimeError(f"the {api_name} event did not complete")


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {"n": len(ordered), "p50_s": round(statistics.median(ordered), 3), "p95_s": round(pct(95), 3),
            "max_s": round(ordered[-1], 3), "mean_s": round(statistics.fmean(ordered), 3)}


def run(args) -> dict:
    from gradio_client import Client

    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(args.corpus, corpus)
    copied = bool(args.index and Path(args.index, "manifest.json").exists())
    if copied:
        shutil.copytree(args.index, index)  # (brought up to date by the app at start if stale)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_app(corpus, index, port, work / "app.log", args.max_upload_mb)
    records: list[dict] = []
    lock = threading.Lock()
    upload: dict = {}
    try:
        t0 = time.monotonic()
        wait_ready(proc, url, args.startup_timeout)
        startup_s = time.monotonic() - t0
        Client(url, verbose=False, download_files=False).predict("渠岸镇党委书记是谁？", api_name="/ask")  # warm

        pool = questions()
        article_file = work / f"{NEW_ID}.txt"
        article_file.write_text(new_article(args.paragraphs), encoding="utf-8")

        def user(u: int) -> None:
            client = Client(url, verbose=False, download_files=False)
            for i in range(args.questions):
                # Every third question is about the article being uploaded: refused before the swap, answered after.
                q = NEW_QUESTION if i % 3 == 2 else pool[(u * args.questions + i) % len(pool)]
                start = time.monotonic()
                try:
                    job = client.submit(q, api_name="/ask")
                    obj, error = job.result(timeout=args.timeout), None
                except Exception as exc:  # noqa: BLE001 - counted as an unanswered request
                    obj, error = None, f"{type(exc).__name__}: {exc}"
                with lock:
                    records.append({"user": u, "question": q, "start": start - t_run, "seconds": time.monotonic() - start,
                                    "reply": obj, "error": error})
                time.sleep(args.think)  # a person reads the answer before asking again

        def uploader() -> None:
            time.sleep(args.upload_after)
            upload["start"] = time.monotonic() - t_run
            try:
                msg = upload_through_the_page(url, article_file, args.timeout * 5)
                upload["ok"] = bool(msg.get("success")) and "Added 1 article" in msg["output"]["data"][0]
            except Exception as exc:  # noqa: BLE001 - reported
                upload["ok"], upload["error"] = False, f"{type(exc).__name__}: {exc}"
            upload["end"] = time.monotonic() - t_run

        t_run = time.monotonic()
        threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)] + [threading.Thread(target=uploader)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.timeout * (args.questions + 5))
        wall = time.monotonic() - t_run
        after = Client(url, verbose=False, download_files=False).predict(NEW_QUESTION, api_name="/ask")
    finally:
        stop(proc)
    articles = {a.id: a for a in load_corpus([corpus, work / "articles"]).articles}  # (uploads: the data folder)
    result = summarize(records, articles, upload, after, wall, startup_s, args)
    result["setup"]["index"] = f"copied from {args.index}" if copied else "built by the app at start"
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def citation_problems(reply: dict, articles: dict) -> list[str]:
    problems = []
    for c in reply.get("citations", []):
        article = articles.get(c["article_id"])
        if article is None or not 1 <= c["paragraph"] <= len(article.paragraphs):
            problems.append(f"{c['article_id']} ¶{c['paragraph']}: no such paragraph")
        elif article.paragraph(c["paragraph"])[c["start"] : c["end"]] != c["quote"]:
            problems.append(f"{c['article_id']} ¶{c['paragraph']}: quote not at its offsets")
    return problems


def summarize(records, articles, upload, after, wall, startup_s, args) -> dict:
    answered = [r for r in records if r["reply"] is not None]
    invalid = [(r["question"], p) for r in answered for p in citation_problems(r["reply"], articles)]
    # Requests in flight at some moment of the indexing (they overlap the upload's window).
    during = [r for r in records if r["start"] <= upload.get("end", -1) and r["start"] + r["seconds"] >= upload.get("start", 1e9)]
    new_q = [r for r in answered if r["question"] == NEW_QUESTION]
    new_answered = [r for r in new_q if not r["reply"]["refused"] and NEW_KEY in r["reply"]["answer"]]
    # A question about the new article may be answered only after the upload began (never from a half index).
    premature = [r for r in new_answered if r["start"] + r["seconds"] < upload.get("start", 0)]
    return {
        "benchmark": "load: concurrent /ask requests while an upload is indexed (localhost)",
        "setup": {"users": args.users, "questions_per_user": args.questions, "think_s": args.think,
                  "upload_paragraphs": args.paragraphs,
                  "new_article_chars": len(new_article(args.paragraphs)), "chat_concurrency": 4,
                  "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}",
                  "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "app_startup_s": round(startup_s, 2),
        "wall_s": round(wall, 2),
        "requests": len(records),
        "answered": len(answered),
        "errors": [r["error"] for r in records if r["error"]],
        "refused": sum(1 for r in answered if r["reply"]["refused"]),
        "invalid_citations": invalid,
        "latency_all": percentiles([r["seconds"] for r in answered]),
        "latency_while_indexing": percentiles([r["seconds"] for r in during if r["reply"] is not None]),
        "requests_while_indexing": len(during),
        "upload": {"ok": upload.get("ok"), "error": upload.get("error"),
                   "indexing_s": round(upload.get("end", 0) - upload.get("start", 0), 2)},
        "new_article_questions": {"asked": len(new_q), "answered_with_it": len(new_answered),
                                  "answered_before_upload": len(premature)},
        "new_article_answered_after_run": bool(after and not after["refused"] and NEW_KEY in after["answer"]),
        "held": len(records) > 0 and len(answered) == len(records) and not invalid and bool(upload.get("ok"))
        and not premature and len(during) > 0,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=8)
    p.add_argument("--questions", type=int, default=10, help="questions per user")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--index", type=Path, default=ROOT / ".rag" / "index", help="an index to copy (built at start if absent or stale)")
    p.add_argument("--paragraphs", type=int, default=40, help="size of the uploaded article")
    p.add_argument("--upload-after", type=float, default=2.0, help="seconds into the run")
    p.add_argument("--think", type=float, default=1.5, help="seconds each user waits between questions")
    p.add_argument("--timeout", type=float, default=120.0, help="per request")
    p.add_argument("--startup-timeout", type=float, default=300.0)
    p.add_argument("--max-upload-mb", type=int, default=20)
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (app.log)")
    args = p.parse_args()
    result = run(args)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    la, lw = result["latency_all"], result["latency_while_indexing"]
    print(f"{result['answered']}/{result['requests']} answered, {len(result['errors'])} errors, "
          f"{len(result['invalid_citations'])} invalid citations; p50 {la.get('p50_s')} s, p95 {la.get('p95_s')} s, "
          f"max {la.get('max_s')} s; while indexing ({result['requests_while_indexing']} requests, "
          f"{result['upload']['indexing_s']} s): p50 {lw.get('p50_s')} s, p95 {lw.get('p95_s')} s; "
          f"upload ok: {result['upload']['ok']}; held: {result['held']}")
    return 0 if result["held"] else 1


if __name__ == "__main__":
    sys.exit(main())
