"""Run the speed benchmarks and gather every figure into bench/results.json, with a markdown table.

    nice -n 5 .venv/bin/python bench/run_all.py               # everything (~30-40 min on 2 shared cores)
    nice -n 5 .venv/bin/python bench/run_all.py --quick       # fewer runs and articles (~10 min)
    .venv/bin/python bench/run_all.py --skip-crud             # only what the bundled corpus needs
    .venv/bin/python bench/run_all.py --collect               # run nothing: merge the results_*.json there are

Runs, one after another (never two at once: they would time each other): bench_cold.py (cold start),
bench_latency.py (answer latency broken down), bench_ingest.py (ingest vs embedder, 1 vs 2 workers),
peer_langchain.py (the LangChain + FAISS peer, when .venv-peer exists). The quality and load benchmarks
(bench_retrieval.py, bench_answer.py, bench_load.py, ...) take long and are run on their own; their last
results_*.json are merged as they are, and so is bench/results_scale.json (bench/bench_scale.py) when present.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results.json"
OWN = {"cold": "results_cold.json", "latency": "results_latency.json", "ingest": "results_ingest.json",
       "peer": "results_peer.json"}
OTHERS = {"retrieval": "results_retrieval.json", "answer": "results_answer.json", "load": "results_load.json",
          "parse": "results_parse.json", "llm": "results_llm.json", "verify": "results_verify.json",
          "scale": "results_scale.json", "ingest_scaling": "results_ingest_scaling.json"}


def steps(args) -> list[tuple[str, list[str]]]:
    q = args.quick
    out = []
    if "cold" not in args.skip:
        out.append(("cold", ["bench/bench_cold.py", "--runs", "3" if q else "7", "--app-runs",
                             "0" if "app" in args.skip else ("1" if q else "3")]))
    if "latency" not in args.skip:
        cmd = ["bench/bench_latency.py", "--rounds", "1" if q else "3", "--crud-questions", "30" if q else "100"]
        out.append(("latency", cmd + (["--skip-crud"] if args.skip_crud else [])))
    if not args.skip_crud and "ingest" not in args.skip:
        out.append(("ingest", ["bench/bench_ingest.py", "--articles", "20" if q else "60", "--rounds", "1" if q else "2"]))
    if not args.skip_crud and "peer" not in args.skip:
        if (ROOT / ".venv-peer" / "bin" / "python").exists():
            out.append(("peer", ["bench/peer_langchain.py", "--articles", "20" if q else "60", "--rounds", "1" if q else "2"]))
        else:
            print("skipping the LangChain peer: no .venv-peer (see bench/README.md)", file=sys.stderr)
    return out


def load(name: str) -> dict | None:
    path = BENCH / name
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return {"error": f"{name} is not valid JSON"}


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def table(res: dict) -> str:
    """The README's speed table, from whatever results there are."""
    rows: list[tuple[str, str, str, str]] = []
    cold = res.get("cold") or {}
    if cold.get("ask"):
        a = cold["ask"]
        w, c = a["rag ask"]["wall_s"], a["rag ask"]["cpu_s"]
        floor = a["python -c 'import numpy'"]["wall_s"]["median"]
        rows.append((f"cold `rag ask` to the printed answer, bundled corpus (load {a['load_avg_1min']['median']})",
                     f"{w['median']} s median, {w['p95']} s p95 ({c['median']} s CPU; `python -c 'import numpy'` {floor} s)",
                     "≤ 2.5 s", _mark(w["median"] <= 2.5)))
    if cold.get("imports"):
        heavy = cold["imports"]["heavy_modules_imported"]
        rows.append(("heavy modules on `rag ask`'s path (torch, transformers, gradio, …)", ", ".join(heavy) or "none",
                     "none", _mark(not heavy)))
    if cold.get("app"):
        p = cold["app"]
        rows.append((f"cold `python app.py` to the page / to the first `/ask` answer (load {p['load_avg_1min']['median']})",
                     f"{p['page_s']['median']} s / {p['first_answer_s']['median']} s median", "reported", "–"))
    lat = res.get("latency") or {}
    for key, label in (("bundled", "bundled corpus"), ("crud", "CRUD index")):
        r = lat.get(key)
        if r:
            parts = ", ".join(f"{p} {r['parts'][p]['median_ms']:.0f}" for p in ("embed", "dense", "lexical", "fusion", "compose"))
            rows.append((f"answer latency, {label} ({r['chunks']:,} chunks, {r['asks']} asks, load {r['load_avg_1min']['median']})",
                         f"{r['total']['median_ms']:.0f} ms median, {r['total']['p95_ms']:.0f} ms p95 ({parts})",
                         "≤ 100 / ≤ 250 ms", _mark(r["meets_target"])))
        for setting, t in ((r or {}).get("embed_threads") or {}).items() if key == "crud" else ():
            rows.append((f"question embedding, OpenMP threads per call, {setting.replace('_', ' ')} (load {t['load_avg_1min']})",
                         ", ".join(f"{m.replace('_', ' ')} {t[m]['median_ms']:.0f} / {t[m]['p95_ms']:.0f} ms"
                                   for m in ("1_thread", "2_threads", "auto")) + " (median / p95)", "reported", "–"))
    ing = res.get("ingest") or {}
    if ing.get("chars_per_s"):
        cps = ing["chars_per_s"]
        rows.append((f"ingest vs embedder alone, {ing['articles']} CRUD articles, {ing['chars_embedded']:,} chars "
                     f"(load {ing['load_avg_1min']['median']})",
                     f"CPU time {ing['overhead_cpu_w1']:+.1%} (1 worker) / {ing['overhead_cpu_w2']:+.1%} (2); ingest's own clock "
                     f"{ing['non_embedding_s_median']} s outside embedding ({ing['non_embedding_over_embedding_median']:+.1%}); "
                     f"wall {cps['ingest_w1']:.0f} vs {cps['embedder_w1']:.0f} chars/s ({ing['overhead_w1']:+.1%}), "
                     f"{cps['ingest_w2']:.0f} vs {cps['embedder_w2']:.0f} ({ing['overhead_w2']:+.1%})",
                     "overhead ≤ 10 %",
                     _mark(max(ing["overhead_cpu_w1"], ing["overhead_cpu_w2"], ing["non_embedding_over_embedding_median"]) <= 0.10)))
        for key in ("ingest", "ingest_scaling"):
            r = res.get(key)
            if r and r.get("scaling_ingest"):
                rows.append((f"ingest, 2 workers vs 1 ({r['articles']} articles × {r['rounds']} rounds, load "
                             f"{r['load_avg_1min']['median']}, min {r['load_avg_1min']['min']})",
                             f"{r['scaling_ingest']}× (embedder alone {r['scaling_embedder']}×)",
                             "≥ 1.5×", _mark(r["scaling_ingest"] >= 1.5)))
    peer = res.get("peer") or {}
    if peer.get("ratio_ours_over_peer"):
        o, p, x = peer["ours"], peer["peer"], peer["ratio_ours_over_peer"]
        rows.append((f"vs LangChain + FAISS, same {peer['articles']} articles and embedder (load {peer['load_avg_1min']['median']})",
                     f"ingest {o['ingest_s_median']} s vs {p['ingest_s_median']} s ({x['ingest_time']}×); retrieval "
                     f"{o['latency']['median_ms']:.0f} vs {p['latency']['median_ms']:.0f} ms median ({x['latency_median']}×); "
                     f"hit@1 {o['hit@1']} vs {p['hit@1']}", "reported", "–"))
        if peer.get("peer_omp1"):
            p1, x1 = peer["peer_omp1"], peer["ratio_ours_over_peer_omp1"]
            rows.append(("… the peer with OMP_NUM_THREADS=1 (one thread per call)",
                         f"ingest {o['ingest_s_median']} s vs {p1['ingest_s_median']} s ({x1['ingest_time']}×); retrieval "
                         f"{o['latency']['median_ms']:.0f} vs {p1['latency']['median_ms']:.0f} ms median ({x1['latency_median']}×)",
                         "reported", "–"))
    for n, r in sorted(((res.get("scale") or {}).get("sizes") or {}).items(), key=lambda kv: int(kv[0])):
        m, u = r["measure"], r.get("update")
        rows.append((f"{int(n):,} chunks: HNSW-SQ8 + exact rescoring, one question",
                     f"{m['ann_k10']['median_ms']} ms median, recall@10 {m['ann_k10']['recall@10']} (exact {m['exact_k10']['median_ms']} ms)",
                     "1M: ≤ 20 ms at ≥ 0.95", _mark(m["ann_k10"]["median_ms"] <= 20 and m["ann_k10"]["recall@10"] >= 0.95)
                     if int(n) >= 1_000_000 else "–"))
        if u:
            rows.append((f"{int(n):,} chunks: an ingest changing 1 % (graph update vs build)",
                         f"{u['update_s'] + u['write_s']:.1f} s vs {r['build']['ann_build_s']} s ({u['update_over_build']}×), "
                         f"recall@10 {u['recall@10']}, deleted rows returned {u['deleted_rows_returned']}", "reported", "–"))
    out = ["| what | measured | target | |", "|---|---|---|---|"]
    out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, questions and articles")
    ap.add_argument("--skip-crud", action="store_true", help="only the bundled corpus (no ../shared/crud needed)")
    ap.add_argument("--skip", action="append", default=[], choices=["cold", "app", "latency", "ingest", "peer"],
                    help="leave one part out (repeatable)")
    ap.add_argument("--collect", action="store_true", help="run nothing; merge the results there are")
    args = ap.parse_args(argv)
    ran, failed = [], []
    if not args.collect:
        for name, cmd in steps(args):
            print(f"== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, *cmd], cwd=ROOT)
            (ran if proc.returncode == 0 else failed).append(name)
            print(f"== {name}: exit {proc.returncode} after {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    results = {"generated": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
               "load_avg_at_end": [round(x, 2) for x in os.getloadavg()], "ran": ran, "failed": failed,
               "note": "2 shared cores: wall times include the neighbours' load (each part records its load average)"}
    for key, name in {**OWN, **OTHERS}.items():
        data = load(name)
        if data is not None:
            results[key] = data
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(results))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
