"""Answer latency, broken down: question embedding, dense search, lexical search, fusion, answer composition.

    python bench/bench_latency.py               # bundled corpus (dev_qa) and the CRUD index (100 qa_dev questions)
    python bench/bench_latency.py --skip-crud

Each question goes through the real answer path (`Engine.ask`, extractive answers) after one warm-up
question; the retrieval parts are the timings of its searches (bench/timed_retriever.py, from
`Retriever.search_timed`), answer composition is the rest of the wall time.
The bundled corpus uses ./.rag/index (built when missing); the CRUD index is .rag/crud-index as
bench/bench_retrieval.py built it (1,328 CRUD articles + the first 2,000 distractors), opened as it is
(never rebuilt here: its status is recorded). Questions are asked `--rounds` times, interleaved.

Also measured in the same run: a question's embedding with one OpenMP thread per call, with two, and with
the automatic choice (two only while the other cores are idle; the default), interleaved, as the machine is
and with one busy-looping process beside it.

Writes bench/results_latency.json; targets: median ≤ 100 ms, p95 ≤ 250 ms, embedding included.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import WORK, answerable, crud_paths, load_qa  # noqa: E402
from rag.config import Config  # noqa: E402

RESULTS = ROOT / "bench" / "results_latency.json"
CRUD_INDEX = WORK / "crud-index"
CRUD_CHUNK_CHARS = 200  # what .rag/crud-index was built with (bench_retrieval.CHUNK_CHARS)
PARTS = ("embed", "dense", "lexical", "fusion", "compose")
TARGET = {"median_ms": 100, "p95_ms": 250}


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def stats(values: list[float]) -> dict:
    return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(pct(values, 95), 2),
            "max_ms": round(max(values), 2)}


def open_engine(config: Config, allow_build: bool):
    """The engine over an index, without rebuilding a big one, its retriever keeping the timings of its
    searches (bench.timed_retriever): (engine, index status)."""
    from bench.timed_retriever import TimedRetriever, timed_engine
    from rag.ingest.articles import load_corpus
    from rag.index.embedders import make_embedder
    from rag.engine import Engine, Snapshot
    from rag.index.manifest import index_status
    from rag.index.faiss_backend import FaissBackend
    from rag.index.store import VectorIndex

    loaded = load_corpus(list(config.corpus))
    status = index_status(loaded.articles, config)
    if status == "fresh" or allow_build:
        return timed_engine(Engine.open(config, progress=False, log=lambda _m: None))[0], status
    # A stale CRUD index (e.g. the cleaning changed since it was embedded) is timed as it is: re-embedding
    # 2 M characters takes over an hour here. Articles missing from it are simply not answerable.
    embedder = make_embedder(config)
    retriever = TimedRetriever(FaissBackend.of(VectorIndex.load(config.index_dir), config), embedder, config)
    snapshot = Snapshot({a.id: a for a in loaded.articles}, retriever)
    return Engine(config, snapshot, embedder, log=lambda _m: None), status


def measure(engine, questions: list[str], rounds: int) -> dict:
    retriever = engine.retriever
    retriever.warm_up()
    # Steady state: the first Chinese question loads jieba's tables, the first English one with a pinyin name
    # loads pypinyin's (~1 s under load; rag.retrieve.Retriever.warm_up does not load them yet).
    t0 = time.perf_counter()
    engine.ask("预热：这是一个问题吗？")
    first_zh = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    engine.ask("Which article is about Beijing?")
    first_en = (time.perf_counter() - t0) * 1000
    retriever.take_timings()  # (the warm-up questions')
    rows = {p: [] for p in PARTS}
    total, loads, refused = [], [], 0
    for _ in range(rounds):
        loads.append(os.getloadavg()[0])
        for q in questions:
            t0 = time.perf_counter()
            answer = engine.ask(q)
            wall = (time.perf_counter() - t0) * 1000
            t = retriever.take_timings()
            retrieval = sum(t.get(p, 0.0) for p in ("embed", "dense", "lexical", "fusion", "rerank"))
            t["compose"] = max(0.0, wall - retrieval)
            for p in PARTS:
                rows[p].append(t.get(p, 0.0))
            total.append(wall)
            refused += bool(answer.refused)
    out = {"questions": len(questions), "rounds": rounds, "asks": len(total), "refused": refused,
           "total": stats(total), "parts": {p: stats(v) for p, v in rows.items()},
           "load_avg_1min": {"median": round(statistics.median(loads), 2), "max": round(max(loads), 2)},
           "warm_up_ms": {"first_chinese_question": round(first_zh, 1), "first_english_question": round(first_en, 1)}}
    out["meets_target"] = out["total"]["median_ms"] <= TARGET["median_ms"] and out["total"]["p95_ms"] <= TARGET["p95_ms"]
    return out


def embed_threads(embedder, questions: list[str], rounds: int = 2) -> dict:
    """A question's embedding with 1 and 2 OpenMP threads per call and with the automatic choice
    (rag.index.embedders.query_threads), interleaved question by question: as the machine is, and again with one
    busy-looping process beside it (what the automatic choice is for)."""
    out = {}
    for setting, busy in (("as_is", 0), ("one_busy_process", 1)):
        spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(busy)]
        try:
            time.sleep(1.0 if busy else 0)  # let the watcher see it
            out[setting] = _embed_threads_once(embedder, questions, rounds)
        finally:
            for p in spinners:
                p.kill()
                p.wait()
    return out


def _embed_threads_once(embedder, questions: list[str], rounds: int) -> dict:
    from rag.index.inputs import query_input

    old = embedder.threads_per_call
    modes = {"1_thread": 1, "2_threads": 2, "auto": None}
    times = {name: [] for name in modes}
    try:
        for _ in range(rounds):
            for q in questions:
                for name, threads in modes.items():
                    embedder.threads_per_call = threads
                    t0 = time.perf_counter()
                    embedder.embed_query(query_input(q))
                    times[name].append((time.perf_counter() - t0) * 1000)
    finally:
        embedder.threads_per_call = old
    return {name: stats(v) for name, v in times.items()} | {"load_avg_1min": round(os.getloadavg()[0], 2)}


def bundled(rounds: int) -> dict:
    config = Config(corpus=(ROOT / "corpus",), index_dir=ROOT / ".rag" / "index")
    engine, status = open_engine(config, allow_build=True)
    qs = [q["question"] for q in load_qa("dev_qa")]
    out = measure(engine, qs, rounds)
    out.update(index=str(config.index_dir.relative_to(ROOT)), index_status=status, chunks=len(engine.retriever.index))
    return out


def crud(rounds: int, n_questions: int) -> dict:
    config = Config(corpus=tuple(crud_paths(2000)), index_dir=CRUD_INDEX, chunk_chars=CRUD_CHUNK_CHARS)
    engine, status = open_engine(config, allow_build=False)
    qs = [q["question"] for q in answerable(load_qa("qa_dev"))][:n_questions]
    out = measure(engine, qs, rounds)
    out.update(index=str(CRUD_INDEX.relative_to(ROOT)), index_status=status, chunks=len(engine.retriever.index))
    out["embed_threads"] = embed_threads(engine.retriever.embedder, qs[:40])
    return out


def markdown(results: dict) -> str:
    lines = ["| index | chunks | asks | total median / p95 ms | embed | dense | lexical | fusion | compose | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for key in ("bundled", "crud"):
        r = results.get(key)
        if not r:
            continue
        parts = " | ".join(f"{r['parts'][p]['median_ms']} / {r['parts'][p]['p95_ms']}" for p in PARTS)
        lines.append(f"| {key} | {r['chunks']:,} | {r['asks']} | **{r['total']['median_ms']} / {r['total']['p95_ms']}** | "
                     f"{parts} | {r['load_avg_1min']['median']} |")
    lines.append("\n(each part: median / p95 ms; compose = answer composition after retrieval)")
    for setting, th in results.get("crud", {}).get("embed_threads", {}).items():
        lines.append(f"\nQuestion embedding, OpenMP threads per call, {setting.replace('_', ' ')} "
                     f"(interleaved, load {th['load_avg_1min']}; median / p95 ms): "
                     + ", ".join(f"{m.replace('_', ' ')} {th[m]['median_ms']} / {th[m]['p95_ms']}"
                                 for m in ("1_thread", "2_threads", "auto")))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-crud", action="store_true")
    ap.add_argument("--rounds", type=int, default=3, help="rounds over the bundled dev_qa questions")
    ap.add_argument("--crud-questions", type=int, default=100)
    ap.add_argument("--crud-rounds", type=int, default=1)
    args = ap.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "when": time.strftime("%Y-%m-%d %H:%M")},
               "target": TARGET}
    print("== bundled", file=sys.stderr, flush=True)
    results["bundled"] = bundled(args.rounds)
    if not args.skip_crud:
        print("== crud", file=sys.stderr, flush=True)
        results["crud"] = crud(args.crud_rounds, args.crud_questions)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
