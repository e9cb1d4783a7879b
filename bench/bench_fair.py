"""Fair to every user: other users' latency while greedy clients send worst-case requests (issue #19).

    python bench/bench_fair.py                         # 8 greedy clients, 3 ordinary users, 60 s
    python bench/bench_fair.py --greedy 4 --seconds 30

Starts `python app.py` (localhost, free port) over a private copy of the bundled corpus plus `--long` long
articles (~100 KB of text each, made from the seeds' sentences), indexed first with `rag ingest`. Then:
1. ordinary users alone: each asks the dev questions through `/ask`, one after another, with `--think`
   seconds between them, for `--baseline` seconds;
2. the same users while `--greedy` clients loop worst-case requests as fast as the server answers them:
   2,000-character questions (the limit; each one different), summaries of the long articles and the
   overview of all of them (`/summarize all`), for `--seconds` seconds.
Reported: the ordinary users' latency (p50, p95, max) in each phase, the greedy requests served and their
latency, errors. Target: ordinary users' p95 ≤ 2 s during phase 2. Writes bench/results_fair.json with the
load average (the machine is shared; the figures move with it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_process import free_port, stop, wait_ready  # noqa: E402
from bench.bench_load import percentiles, questions, start_app  # noqa: E402

RESULTS = ROOT / "bench" / "results_fair.json"


def long_articles(corpus: Path, n: int, chars: int) -> list[str]:
    """n long articles made of the seeds' sentences in shuffled orders (different articles, real sentences)."""
    from rag.ingest.articles import load_corpus
    from rag.lang.sentences import sentences

    pool = [s for a in load_corpus([ROOT / "corpus"]).articles for p in a.paragraphs for s in sentences(p) if len(s) > 12]
    ids = []
    for i in range(n):
        rng = random.Random(i)
        paragraphs, size = [], 0
        while size < chars:
            paragraph = "".join(rng.sample(pool, 6))
            paragraphs.append(paragraph)
            size += len(paragraph)
        (corpus / f"long{i}.txt").write_text(f"长篇综合报道第{i + 1}辑\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")
        ids.append(f"long{i}")
    return ids


def long_question(rng: random.Random, pool: list[str]) -> str:
    text = ""
    while len(text) < 2000:
        text += rng.choice(pool) + "请详细说明。"
    return text[:1999] + "？"


def run(args) -> dict:
    from gradio_client import Client

    work = Path(tempfile.mkdtemp(prefix="rag-fair-"))
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    long_ids = long_articles(corpus, args.long, args.long_chars)
    subprocess.run([sys.executable, "-m", "rag", "ingest", "--corpus", str(corpus), "--index", str(index), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = start_app(corpus, index, port, work / "app.log", 20)
    pool = questions()
    records: dict[str, list] = {"baseline": [], "greedy_phase": [], "greedy": []}
    lock = threading.Lock()
    try:
        wait_ready(proc, url, args.startup_timeout)
        Client(url, verbose=False, download_files=False).predict(pool[0], api_name="/ask")  # warm

        def ordinary(u: int, phase: str, until: float) -> None:
            client = Client(url, verbose=False, download_files=False)
            i = 0
            while time.monotonic() < until:
                q = pool[(u * 7 + i) % len(pool)]
                i += 1
                t0 = time.monotonic()
                try:
                    reply, error = client.submit(q, api_name="/ask").result(timeout=args.timeout), None
                except Exception as exc:  # noqa: BLE001 - counted
                    reply, error = None, f"{type(exc).__name__}: {exc}"
                with lock:
                    records[phase].append({"s": time.monotonic() - t0, "error": error,
                                           "refused": reply["refused"] if reply else None})
                time.sleep(args.think)

        def greedy(g: int, until: float) -> None:
            client = Client(url, verbose=False, download_files=False)
            rng = random.Random(1000 + g)
            i = 0
            while time.monotonic() < until:
                kind = ("question", "summary", "question", "overview")[i % 4]
                i += 1
                t0 = time.monotonic()
                try:
                    if kind == "question":
                        job = client.submit(long_question(rng, pool), api_name="/ask")
                    elif kind == "summary":
                        job = client.submit(long_ids[i % len(long_ids)], api_name="/summarize")
                    else:
                        job = client.submit("all", api_name="/summarize")
                    job.result(timeout=args.timeout)
                    error = None
                except Exception as exc:  # noqa: BLE001 - counted
                    error = f"{type(exc).__name__}: {exc}"
                with lock:
                    records["greedy"].append({"kind": kind, "s": time.monotonic() - t0, "error": error})

        def phase(name: str, seconds: float, with_greedy: int) -> None:
            until = time.monotonic() + seconds
            threads = [threading.Thread(target=ordinary, args=(u, name, until)) for u in range(args.users)]
            threads += [threading.Thread(target=greedy, args=(g, until)) for g in range(with_greedy)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(seconds + args.timeout + 30)

        phase("baseline", args.baseline, 0)
        phase("greedy_phase", args.seconds, args.greedy)
    finally:
        stop(proc)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    ok = lambda rs: [r["s"] for r in rs if not r["error"]]  # noqa: E731
    greedy_by_kind = {k: percentiles([r["s"] for r in records["greedy"] if r["kind"] == k and not r["error"]])
                      for k in ("question", "summary", "overview")}
    result = {
        "benchmark": "ordinary users' latency while greedy clients send worst-case requests (localhost)",
        "setup": {"greedy_clients": args.greedy, "ordinary_users": args.users, "think_s": args.think,
                  "seconds": args.seconds, "baseline_seconds": args.baseline, "long_articles": args.long,
                  "long_article_chars": args.long_chars,
                  "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}",
                  "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "ordinary_alone": percentiles(ok(records["baseline"])),
        "ordinary_with_greedy": percentiles(ok(records["greedy_phase"])),
        "ordinary_errors": [r["error"] for r in records["baseline"] + records["greedy_phase"] if r["error"]],
        "greedy_served": len(ok(records["greedy"])),
        "greedy_errors": sorted({r["error"][:120] for r in records["greedy"] if r["error"]}),
        "greedy_latency": greedy_by_kind,
        "target_p95_s": 2.0,
    }
    p95 = result["ordinary_with_greedy"].get("p95_s")
    result["met"] = p95 is not None and p95 <= 2.0 and not result["ordinary_errors"]
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--greedy", type=int, default=8)
    p.add_argument("--users", type=int, default=3)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--baseline", type=float, default=20.0)
    p.add_argument("--think", type=float, default=1.0)
    p.add_argument("--long", type=int, default=4, help="long articles in the corpus")
    p.add_argument("--long-chars", type=int, default=100_000)
    p.add_argument("--timeout", type=float, default=300.0)
    p.add_argument("--startup-timeout", type=float, default=300.0)
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    result = run(args)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    a, g = result["ordinary_alone"], result["ordinary_with_greedy"]
    print(f"ordinary users alone: p50 {a.get('p50_s')} s, p95 {a.get('p95_s')} s; with {args.greedy} greedy clients: "
          f"p50 {g.get('p50_s')} s, p95 {g.get('p95_s')} s (n={g.get('n')}); greedy requests served "
          f"{result['greedy_served']}; met: {result['met']}")
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
