"""Cold start: a fresh `rag ask "…"` process to its printed answer, and `python app.py` to the page answering.

    python bench/bench_cold.py                  # 7 `rag ask` runs, 3 app starts
    python bench/bench_cold.py --runs 3 --app-runs 1

`rag ask` runs in ./ (the bundled corpus, ./.rag/index built and fresh: one unmeasured run first makes
sure). Each run is a new interpreter; wall time is measured around the subprocess, CPU time (user+sys) from
the kernel's child accounting. Interleaved with every run, two floors under the same load: `python -c pass`
and `python -c "import numpy"`. Then one `python -X importtime -m rag ask` lists what the command imports
(the biggest top-level imports, and any heavy module that must not be there).

The app runs from copies of ./corpus and ./.rag/index in a temporary folder (so nothing in the checkout is
touched), on a free localhost port: time to the first HTTP answer of the page, and to the first `/ask`
answer through gradio_client.

Shared cores make every wall time depend on what else runs, so results carry the load average at the time
and the floors measured beside them. Writes bench/results_cold.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.app_process import free_port, stop  # noqa: E402

RESULTS = ROOT / "bench" / "results_cold.json"
QUESTION = "渠岸镇党委书记是谁？"
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "gradio_client")
TARGET_ASK_S = 2.5


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def summary(values: list[float], digits: int = 3) -> dict:
    return {"n": len(values), "median": round(statistics.median(values), digits), "p95": round(pct(values, 95), digits),
            "min": round(min(values), digits), "max": round(max(values), digits)}


def _timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the child, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def ask_cold(runs: int) -> dict:
    py = sys.executable
    ask = [py, "-m", "rag", "ask", QUESTION, "--quiet"]
    first = subprocess.run(ask, cwd=ROOT, capture_output=True, text=True, timeout=3600)  # builds the index if needed
    if first.returncode != 0:
        raise SystemExit(f"rag ask failed: {first.stderr[-500:]}")
    rows = {"rag ask": ([], []), "python -c pass": ([], []), "python -c 'import numpy'": ([], [])}
    loads = []
    for _ in range(runs):
        loads.append(os.getloadavg()[0])
        for name, cmd in (("rag ask", ask), ("python -c pass", [py, "-c", "pass"]),
                          ("python -c 'import numpy'", [py, "-c", "import numpy"])):
            wall, cpu, proc = _timed(cmd)
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed: {proc.stderr[-500:]}")
            if name == "rag ask" and "[1]" not in proc.stdout:
                raise SystemExit(f"rag ask printed no cited answer: {proc.stdout[:300]}")
            rows[name][0].append(wall)
            rows[name][1].append(cpu)
    out = {name: {"wall_s": summary(w), "cpu_s": summary(c)} for name, (w, c) in rows.items()}
    out["load_avg_1min"] = summary(loads, 2)
    out["question"] = QUESTION
    out["target_wall_s"] = TARGET_ASK_S
    return out


def import_profile() -> dict:
    """`python -X importtime -m rag ask`: the biggest top-level imports and whether anything heavy came in."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rag", "ask", QUESTION, "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    top, modules = [], []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        try:
            us = int(cumulative.strip())
        except ValueError:
            continue
        modules.append(name.strip())
        if not name.startswith("  "):  # top level: indented names are imported by another module
            top.append((name.strip(), us))
    top.sort(key=lambda x: -x[1])
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY or m in ("jieba.analyse", "jieba.posseg"))
    return {"top_imports_ms": {n: round(us / 1000, 1) for n, us in top[:12]},
            "all_imports_ms": round(sum(us for _, us in top) / 1000, 1),
            "heavy_modules_imported": heavy, "load_avg_1min": round(os.getloadavg()[0], 2)}


# -- the web app -----------------------------------------------------------------------------------------


def app_cold(runs: int, timeout: float = 300) -> dict:
    from gradio_client import Client

    index = ROOT / ".rag" / "index"
    if not (index / "manifest.json").exists():
        raise SystemExit("no ./.rag/index: run `rag ingest` (or this bench's `rag ask` part) first")
    page, answered, loads = [], [], []
    with tempfile.TemporaryDirectory(prefix="rag-cold-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "corpus", tmp / "corpus")
        for _ in range(runs):
            shutil.rmtree(tmp / "index", ignore_errors=True)
            shutil.copytree(index, tmp / "index")
            port = free_port()
            url = f"http://127.0.0.1:{port}/"
            env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "GRADIO_"))}
            env.update(RAG_CORPUS=str(tmp / "corpus"), RAG_INDEX=str(tmp / "index"), RAG_PORT=str(port),
                       GRADIO_TEMP_DIR=str(tmp / "gradio"), GRADIO_ANALYTICS_ENABLED="False")
            loads.append(os.getloadavg()[0])
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                    stderr=open(tmp / "app.log", "w"))
            try:
                while True:
                    if proc.poll() is not None:
                        raise SystemExit(f"app.py exited with {proc.returncode}: {(tmp / 'app.log').read_text()[-500:]}")
                    if time.perf_counter() - t0 > timeout:
                        raise SystemExit(f"app.py did not answer within {timeout:.0f} s")
                    try:
                        with urllib.request.urlopen(url, timeout=2) as r:
                            if r.status == 200:
                                break
                    except (urllib.error.URLError, OSError):
                        time.sleep(0.05)
                page.append(time.perf_counter() - t0)
                reply = Client(url, verbose=False, download_files=False).predict(QUESTION, api_name="/ask")
                answered.append(time.perf_counter() - t0)
                text = json.dumps(reply, ensure_ascii=False)
                if "[1]" not in text:
                    raise SystemExit(f"/ask gave no cited answer: {text[:300]}")
            finally:
                stop(proc, 20)
    return {"page_s": summary(page), "first_answer_s": summary(answered), "load_avg_1min": summary(loads, 2),
            "question": QUESTION}


def markdown(results: dict) -> str:
    lines = ["| cold start | wall median s | wall p95 s | CPU median s | load avg |", "|---|---|---|---|---|"]
    ask = results.get("ask")
    if ask:
        for name in ("rag ask", "python -c pass", "python -c 'import numpy'"):
            r = ask[name]
            lines.append(f"| `{name}` | {r['wall_s']['median']} | {r['wall_s']['p95']} | {r['cpu_s']['median']} | "
                         f"{ask['load_avg_1min']['median']} |")
    app = results.get("app")
    if app:
        lines.append(f"| `python app.py` → page served | {app['page_s']['median']} | {app['page_s']['p95']} | – | "
                     f"{app['load_avg_1min']['median']} |")
        lines.append(f"| `python app.py` → first /ask answer | {app['first_answer_s']['median']} | "
                     f"{app['first_answer_s']['p95']} | – | {app['load_avg_1min']['median']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7, help="`rag ask` processes")
    ap.add_argument("--app-runs", type=int, default=3, help="app starts (0 to skip)")
    args = ap.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "when": time.strftime("%Y-%m-%d %H:%M")}}
    print("== rag ask", file=sys.stderr, flush=True)
    results["ask"] = ask_cold(args.runs)
    results["imports"] = import_profile()
    if args.app_runs:
        print("== app.py", file=sys.stderr, flush=True)
        results["app"] = app_cold(args.app_runs)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))
    print(f"\nheavy modules on `rag ask`'s path: {results['imports']['heavy_modules_imported'] or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
