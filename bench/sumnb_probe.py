"""Issue #20 probe: cross-report centrality for the summary's sentence scorer. Bench only.

    nice -n 5 .venv/bin/python bench/sumnb_probe.py [--threshold 0.3,0.4,0.5] [--auc] [--nested T]
        [--append-tried NOTE]

CRUD holds several outlets' reports of one story. Every CRUD article (articles.jsonl + the 10,000 distractors)
is indexed by a character-bigram TF-IDF of its lead (the first LEAD_CHARS characters of its body, Simplified);
a summaries_dev article's neighbours are the others whose lead cosine is >= the threshold (at most MAX_NB, its
own id and exact copies of its body left out). Per unit (sentence or clause), from the neighbours' bodies:
the best share of its Han bigrams found in one neighbour, the mean share, how many neighbours repeat at least
half of it, its rank among the article's sentences by the best share, and a "no neighbour" flag (NB_NAMES).
The columns are appended to the shared unit features and bench/fit_summary.py's nested CV is run with and
without them in one process (brief V ran it before summaries opened with a dateline). The corpus and neighbour lists are cached under .rag/sumnb (gitignored).
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fit_summary import REPORT_OUT, cross_fitted, nested_cv, oof_scores, report  # noqa: E402
from bench.summary_data import CRUD, load_docs  # noqa: E402
from rag.answering.features import global_spans  # noqa: E402
from rag.lang.script import to_simplified  # noqa: E402

SCRATCH = ROOT / ".rag" / "sumnb"  # gitignored scratch space
LEAD_CHARS = 300
MAX_NB = 10
NB_NAMES = ("nb_best", "nb_mean", "nb_repeats", "nb_rank", "nb_rel", "nb_none")
_SPACE = re.compile(r"\s+")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def corpus():
    path = SCRATCH / "corpus.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from rag.ingest.articles import load_corpus

    arts = load_corpus([CRUD / "articles.jsonl", CRUD / "distractors.jsonl"]).articles
    out = ([a.id for a in arts], [to_simplified(_SPACE.sub("", a.title or "")) for a in arts],
           [to_simplified(_SPACE.sub("", "".join(a.paragraphs))) for a in arts])
    SCRATCH.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def han_bigrams(text: str) -> set:
    out = set()
    for run in _HAN.findall(text):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out


def neighbours(doc_ids, ids, bodies, threshold):
    """{doc id: [(cosine, corpus index), ...]} best first."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    M = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, min_df=2).fit_transform(
        [b[:LEAD_CHARS] for b in bodies])
    pos = {i: k for k, i in enumerate(ids)}
    out = {}
    for d in doc_ids:
        k = pos[d]
        row = (M[k] @ M.T).tocsr()
        hits = sorted(((s, j) for j, s in zip(row.indices, row.data) if j != k and s >= threshold and bodies[j] != bodies[k]),
                      reverse=True)
        out[d] = hits[:MAX_NB]
    return out


def nb_columns(d, nb_sets) -> np.ndarray:
    """Per unit of the doc: NB_NAMES columns."""
    _, gs, ge = global_spans(d.ix, d.units)
    n = len(d.units)
    if not nb_sets:
        cols = np.zeros((n, len(NB_NAMES)), dtype=np.float32)
        cols[:, -1] = 1.0
        return cols
    share = np.zeros((n, len(nb_sets)))
    for i, (a, b) in enumerate(zip(gs, ge)):
        bg = han_bigrams(d.ix.joined[a:b])
        if bg:
            share[i] = [len(bg & s) / len(bg) for s in nb_sets]
    best, mean, rep = share.max(1), share.mean(1), (share >= 0.5).sum(1)
    sb = best[: d.n_sent]
    rank = np.searchsorted(np.sort(-sb), -best, side="left") / max(1, len(sb) - 1)
    rel = best - sb.mean()
    return np.stack([best, mean, np.log1p(rep), rank, rel, np.zeros(n)], axis=1).astype(np.float32)


def within_aucs(docs, seed=11) -> np.ndarray:
    Xs = cross_fitted(docs, seed=seed)
    out = np.full(len(docs), np.nan)
    for k, (d, (ps, _)) in enumerate(zip(docs, oof_scores(docs, Xs, seed=1))):
        pos, neg = ps[d.ys == 1], ps[d.ys == 0]
        if len(pos) and len(neg):
            out[k] = float(((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])).mean())
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", default="0.3,0.4,0.5")
    ap.add_argument("--auc", action="store_true")
    ap.add_argument("--nested", type=float, help="run the nested CV with the neighbours at this threshold")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--drop", default="")
    ap.add_argument("--append-tried", metavar="NOTE")
    args = ap.parse_args(argv)
    t0 = time.time()
    docs = load_docs("summaries_dev")
    ids, _, bodies = corpus()
    print(f"{len(docs)} docs, {len(ids)} corpus articles, loaded in {time.time() - t0:.0f}s", flush=True)
    ths = [args.nested] if args.nested is not None else [float(x) for x in args.threshold.split(",")]
    low = min(ths)
    cache = SCRATCH / f"nb-{low}-{LEAD_CHARS}-{MAX_NB}.pkl"
    if cache.exists():
        nbs = pickle.loads(cache.read_bytes())
    else:
        nbs = neighbours([d.id for d in docs], ids, bodies, low)
        cache.write_bytes(pickle.dumps(nbs))
    print(f"neighbours in {time.time() - t0:.0f}s", flush=True)
    base_X = [d.X for d in docs]
    drop = set(filter(None, args.drop.split(",")))
    keep = [i for i, n in enumerate(NB_NAMES) if n not in drop]
    bg_cache: dict = {}

    def sets(th, d):
        out = []
        for s, j in nbs[d.id]:
            if s >= th:
                if j not in bg_cache:
                    bg_cache[j] = han_bigrams(bodies[j])
                out.append(bg_cache[j])
        return out

    rows = []
    if args.auc:
        for d, X in zip(docs, base_X):
            d.X = X
        base = within_aucs(docs)
        print(f"baseline within-article AUC {np.nanmean(base):.4f}", flush=True)
        for th in ths:
            has = np.asarray([bool(sets(th, d)) for d in docs])
            for d, X in zip(docs, base_X):
                d.X = np.hstack([X, nb_columns(d, sets(th, d))[:, keep]])
            auc = within_aucs(docs)
            ok = ~np.isnan(auc)
            print(f"threshold {th}: {has.sum()} of {len(docs)} with a neighbour; AUC all {np.nanmean(auc):.4f} "
                  f"(base {np.nanmean(base):.4f}); with neighbour {np.mean(auc[ok & has]):.4f} (base {np.mean(base[ok & has]):.4f}); "
                  f"without {np.mean(auc[ok & ~has]):.4f} (base {np.mean(base[ok & ~has]):.4f})", flush=True)
        return 0
    th = ths[0]
    has = np.asarray([bool(sets(th, d)) for d in docs])
    from rag.evaluate import rouge_l

    if not args.no_baseline:
        for d, X in zip(docs, base_X):
            d.X = X
        texts, _ = nested_cv(docs)
        rows.append(report("logistic: 5-fold nested CV (baseline, same process)", texts, docs))
        r = np.asarray([rouge_l(t, d.ref) for t, d in zip(texts, docs)])
        rows[-1]["rouge_l_with_neighbour"] = round(float(r[has].mean()), 4)
        print(f"    with neighbour ({has.sum()}): {r[has].mean():.4f}; without: {r[~has].mean():.4f}", flush=True)
    for d, X in zip(docs, base_X):
        d.X = np.hstack([X, nb_columns(d, sets(th, d))[:, keep]])
    texts, chosen = nested_cv(docs)
    rows.append(report(f"logistic + cross-report columns (lead cos >= {th}; {has.sum()} of {len(docs)} with a neighbour) "
                       f"{','.join(NB_NAMES[i] for i in keep)}", texts, docs))
    r = np.asarray([rouge_l(t, d.ref) for t, d in zip(texts, docs)])
    rows[-1]["rouge_l_with_neighbour"] = round(float(r[has].mean()), 4)
    rows[-1]["params_per_fold"] = chosen
    print(f"    with neighbour ({has.sum()}): {r[has].mean():.4f}; without: {r[~has].mean():.4f}; {chosen}", flush=True)
    if args.append_tried:
        obj = json.loads(REPORT_OUT.read_text(encoding="utf-8"))
        obj.setdefault("tried", []).append({"note": args.append_tried, "rows": rows})
        REPORT_OUT.write_text(json.dumps(obj, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"total {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
