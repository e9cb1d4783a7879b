"""Fit the extractive summary model on CRUD summaries_dev and report 5-fold nested cross-validated ROUGE-L.

    nice -n 5 .venv/bin/python bench/fit_summary.py [--sentence-model logistic] [--compare gbm,pairwise,soft,mix,...]
        [--write] [--append-tried NOTE]

Data and labels: bench/summary_data.py (summaries_test is never read). Features: the shared unit features
(rag.answering.features) plus word-survival tables fitted on the training articles only (training rows get
cross-fitted values, so that no article sees its own reference). Scorers: logistic regression for sentences
(on the oracle labels) and clauses (on the soft labels, as weighted 1/0 rows); `--sentence-model gbm` for trees.
CV: 5 folds by article, nested: inside each training split, 5-fold out-of-fold scores choose the selection
settings (target length, MMR lambda, compression quantile) on a grid, among settings whose median summary
length is within MAX_LENGTH_RATIO of the references' median; the models refitted on the split then summarise
the held-out fold. `--write` fits on all of dev and writes rag/answering/data/summary_model.json, with the
report in bench/results_summary_model.json. `--compare lengthreg,title,actor,yearline,smooth,asides,combo,
comboasides`: variants tried on dev and not shipped (each below +0.004, the last two combining yearline, smooth
and asides; see `tried` in the report; bench/summary_variants.py), kept here so that they can be re-measured;
`--compare olddateline`: the dateline as shipped before brief D10b (a bare opening day said twice);
`--compare untied`: clause runs without clause ties, as shipped before brief D10c (参加课程的退休教师李国华说。).
Brief D11 (not kept, `tried`): `--compare rerank,rerankgbm` (summary-level reranking of 18 candidates per article,
bench/summary_rerank.py), `roles` (clause role columns, summary_variants.role_columns), `stack` (yearline +
smooth + asides with clause ties + roles).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # BLAS threads on a shared 2-core machine: 20x slower fits

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.summary_data import Doc, load_docs, lcs_f  # noqa: E402
from rag.answering.picks import choose, runs
from rag.answering.selection import Scored, render  # noqa: E402
from rag.answering.summaries import dated_picks  # noqa: E402
from rag.answering.summary_model import (DEFAULTS, SUMMARY_FEATURES, Linear, Model, Survival, Trees,  # noqa: E402
                                         survival_columns, survival_means)
from rag.lang.script import HAN_CHAR  # noqa: E402
from bench.summary_rerank import rerank_fold  # noqa: E402
from bench.summary_variants import (aside_cut, role_columns, untied_cut, fit_length, length_target, opener, shipped_dated_picks,  # noqa: E402
                                    year_line)

MODEL_OUT = ROOT / "rag" / "answering" / "data" / "summary_model.json"
REPORT_OUT = ROOT / "bench" / "results_summary_model.json"
GRID = {"target_chars": [190, 200, 210, 220], "lam": [0.7, 0.85, 1.0], "tau_quantile": [0.0, 0.3, 0.4, 0.5]}
MAX_LENGTH_RATIO = 1.15  # tuned settings keep the median summary within +15 % of the references' median
DATELINE = True  # summaries open with the event's date, as the package's do (--no-dateline: without, for comparison)


# ---- survival (cross-fitted) ---------------------------------------------------------------------------


def fit_survival(docs: list[Doc], smoothing: float = 3.0, min_articles: int = 2) -> Survival:
    n_c, k_c, n_w, k_w, n_b, k_b = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    for d in docs:
        text, ref = d.ix.joined, d.ref_key
        ref_chars, ref_bigrams = set(ref), {ref[i:i + 2] for i in range(len(ref) - 1)}
        for c in set(text):
            if HAN_CHAR.match(c):
                n_c[c] += 1
                k_c[c] += c in ref_chars
        for w in set(d.ix.words):
            n_w[w] += 1
            k_w[w] += w in ref
        for g in {text[i:i + 2] for i in range(len(text) - 1)}:
            if HAN_CHAR.match(g[0]) and HAN_CHAR.match(g[1]):
                n_b[g] += 1
                k_b[g] += g in ref_bigrams

    def table(n, k):
        prior = sum(k.values()) / max(1, sum(n.values()))
        return {key: (k[key] + smoothing * prior) / (cnt + smoothing) for key, cnt in n.items() if cnt >= min_articles}, prior

    (c, cp), (w, wp), (b, bp) = table(n_c, k_c), table(n_w, k_w), table(n_b, k_b)
    return Survival(c, w, b, cp, wp, bp)


ROLES = False  # bench variant (--compare roles): clause role columns appended (bench/summary_variants.role_columns)


def features(d: Doc, sv: Survival | None) -> np.ndarray:
    if sv is None:
        X = np.hstack([d.X, np.zeros((len(d.X), len(SUMMARY_FEATURES) - d.X.shape[1]), dtype=np.float32)])
    else:
        v = survival_means(d.ix, d.units, sv)
        frame = [s.span for s in d.ix.frame]
        X = np.hstack([d.X, survival_columns(v, survival_means(d.ix, frame, sv))])
    return np.hstack([X, role_columns(d)]) if ROLES else X


def folds(n: int, k: int = 5, seed: int = 0) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(order[i::k]) for i in range(k)]


def cross_fitted(docs: list[Doc], seed: int, use: bool = True) -> list[np.ndarray]:
    out: list = [None] * len(docs)
    for part in folds(len(docs), 5, seed):
        ps = set(part.tolist())
        sv = fit_survival([d for i, d in enumerate(docs) if i not in ps]) if use else None
        for i in part:
            out[i] = features(docs[i], sv)
    return out


# ---- scorers ------------------------------------------------------------------------------------------


def fit_linear(X, y, weight=None, C=1.0) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=C, max_iter=3000).fit((X - mean) / scale, y, sample_weight=weight)
    return Linear(mean, scale, lr.coef_[0].copy(), float(lr.intercept_[0]))


def fit_soft_linear(X, target, C=1.0) -> Linear:
    """Logistic regression on a soft target: each row a 1 weighted by the target and a 0 weighted by 1 - target."""
    return fit_linear(np.vstack([X, X]), np.r_[np.ones(len(X)), np.zeros(len(X))], np.r_[target, 1 - target], C)


def fit_trees(X, y) -> Trees:
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_depth=3, min_samples_leaf=30,
                                         l2_regularization=1.0, early_stopping=False, random_state=0).fit(X, y)
    trees = []
    for (pred,) in clf._predictors:
        nd = pred.nodes
        trees.append({"feature": np.maximum(nd["feature_idx"].astype(np.int64), 0), "threshold": nd["num_threshold"].astype(float),
                      "left": nd["left"].astype(np.int64), "right": nd["right"].astype(np.int64),
                      "value": nd["value"].astype(float), "leaf": nd["is_leaf"].astype(bool), "depth": int(nd["depth"].max())})
    return Trees(float(np.ravel(clf._baseline_prediction)[0]), trees)


def fit_pairwise(docs: list[Doc], Xs: list[np.ndarray], max_pairs: int = 30, seed: int = 0) -> Linear:
    """A pairwise ranker: logistic regression without intercept on (oracle sentence - other sentence) feature
    differences within an article (at most max_pairs pairs each); scores rank sentences within an article."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    XS = np.vstack([X[: d.n_sent] for d, X in zip(docs, Xs)])
    mean, scale = XS.mean(axis=0), XS.std(axis=0)
    scale[scale < 1e-9] = 1.0
    diffs = []
    for d, X in zip(docs, Xs):
        pos, neg = np.flatnonzero(d.ys == 1), np.flatnonzero(d.ys == 0)
        pairs = [(i, j) for i in pos for j in neg]
        if len(pairs) > max_pairs:
            pairs = [pairs[k] for k in rng.choice(len(pairs), max_pairs, replace=False)]
        diffs += [(X[i] - X[j]) / scale for i, j in pairs]
    D = np.asarray(diffs)
    lr = LogisticRegression(max_iter=3000, fit_intercept=False).fit(np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))])
    return Linear(mean, scale, lr.coef_[0].copy(), 0.0)


@dataclass
class Mean:
    """The mean of two scorers' probabilities (bench only: the package reads one scorer)."""

    a: Linear
    b: Linear

    def score(self, X: np.ndarray) -> np.ndarray:
        return 0.5 * (self.a.score(X) + self.b.score(X))


SENTENCE_MODELS = ("logistic", "gbm", "pairwise", "soft", "mix")  # the shipped model: logistic


def fit_models(docs: list[Doc], Xs: list[np.ndarray], kind: str = "logistic"):
    """(sentence scorer, clause scorer). Sentence scorers: logistic or gbm on the oracle labels, pairwise on
    oracle-vs-other pairs, soft on the LCS gain (soft label), mix = mean of logistic and soft."""
    XS = np.vstack([X[: d.n_sent] for d, X in zip(docs, Xs)])
    yS = np.concatenate([d.ys for d in docs])
    XC = np.vstack([X[d.n_sent:] for d, X in zip(docs, Xs)])
    kC = np.concatenate([d.keep for d in docs])
    if kind == "gbm":
        sent = fit_trees(XS, yS)
    elif kind == "pairwise":
        sent = fit_pairwise(docs, Xs)
    elif kind in ("soft", "mix"):
        soft = fit_soft_linear(XS, np.concatenate([d.gain for d in docs]))
        sent = soft if kind == "soft" else Mean(fit_linear(XS, yS), soft)
    else:
        sent = fit_linear(XS, yS)
    return sent, fit_soft_linear(XC, kC)


def predict(models, d: Doc, X: np.ndarray):
    sent, clause = models
    return sent.score(X[: d.n_sent]), clause.score(X[d.n_sent:])


# ---- selection and evaluation -------------------------------------------------------------------------


def scored_doc(d: Doc, ps: np.ndarray, pk_all: np.ndarray, rules: bool = True, smooth: float = 0.0) -> Scored:
    ps = ps.copy()
    if smooth and len(ps) > 1:  # bench variant: each sentence gains smooth x its neighbours' mean score
        padded = np.r_[ps[1], ps, ps[-2]]
        ps = ps + smooth * 0.5 * (padded[:-2] + padded[2:])
    bounds = np.cumsum([0] + [len(s.clauses) for s in d.sentences])
    pk = [pk_all[bounds[i]:bounds[i + 1]].copy() for i in range(d.n_sent)]
    if rules:
        ps[d.rule_drop] = -1.0
        for k, flags in zip(pk, d.rule_clause):
            k[flags] = -1.0
    return Scored(d.sentences, ps, pk, d.clause_bags, d.ix.paragraphs, d.ix)


def _text(d: Doc, picks) -> str:
    return render([[d.article.paragraph(q[0])[q[1]:q[2]] for q in p.shown] for p in picks])


def doc_summary(d: Doc, ps: np.ndarray, pk_all: np.ndarray, params: dict, cut=None, scored=None) -> str:
    """The summary as the package makes it (rag.answering.summaries.dated_picks: dateline, then the picks); the
    bench-only variants (bench/summary_variants.py: `length_target`, `opener`, `year_line`, `aside_cut`) when
    params ask."""
    scored = scored or scored_doc(d, ps, pk_all, params.get("rules", True), params.get("smooth", 0.0))
    if cut is None and params.get("asides"):
        cut = aside_cut(scored, params, tied=params.get("asides") == "tied")
    if cut is None and params.get("untied"):
        cut = untied_cut(scored, params)
    params = length_target(d, params)
    pre = opener(d, _text(d, choose(scored, params, cut)), params) if params.get("opener") else ""
    if pre:
        used = len(pre)
        params = {**params, "target_chars": params["target_chars"] - used, "max_chars": params["max_chars"] - used}
    if not DATELINE:
        return pre + _text(d, choose(scored, params, cut))
    line, picks = (shipped_dated_picks if params.get("olddateline") else dated_picks)(d.article, scored, params, cut)
    if params.get("yearline") and picks and not line:
        line, picks = year_line(d, scored, params, cut, picks)
    return (line + pre if picks else "") + _text(d, picks)


def summaries(docs, scores, params) -> list[str]:
    return [doc_summary(d, ps, pk, params) for d, (ps, pk) in zip(docs, scores)]


def mean_rouge(texts, docs) -> float:
    from rag.evaluate import rouge_l

    return float(np.mean([rouge_l(t, d.ref) for t, d in zip(texts, docs)]))


def tune(docs, scores, grid=GRID, ratio=MAX_LENGTH_RATIO, extra=None) -> tuple[dict, float]:
    """The grid setting with the best mean ROUGE-L among those short enough (median summary within `ratio` of
    the references' median; runs computed once per compression setting)."""
    best, best_sc = None, -1.0
    limit = ratio * statistics.median(len(d.ref_key) for d in docs)
    run_keys = [k for k in grid if k in ("tau_quantile", "min_run_chars", "rules", "smooth")]
    mmr_keys = [k for k in grid if k not in run_keys]
    for run_combo in itertools.product(*(grid[k] for k in run_keys)):
        base = {**DEFAULTS, **(extra or {}), **dict(zip(run_keys, run_combo))}
        scored = [scored_doc(d, ps, pk, base.get("rules", True), base.get("smooth", 0.0)) for d, (ps, pk) in zip(docs, scores)]
        cuts = [aside_cut(s, base, tied=base.get("asides") == "tied") if base.get("asides") else untied_cut(s, base) if base.get("untied") else runs(s, base)
                for s in scored]
        for combo in itertools.product(*(grid[k] for k in mmr_keys)):
            params = {**base, **dict(zip(mmr_keys, combo))}
            texts = [doc_summary(d, None, None, params, c, s) for d, s, c in zip(docs, scored, cuts)]
            if statistics.median(len("".join(t.split())) for t in texts) > limit:
                continue
            sc = float(np.mean([lcs_f("".join(t.split()), d.ref_key) for t, d in zip(texts, docs)]))
            if sc > best_sc:
                best, best_sc = params, sc
    return best or {**DEFAULTS, **(extra or {}), **{k: min(v) for k, v in grid.items()}}, best_sc


def oof_scores(docs, Xs, seed, kind="logistic"):
    out: list = [None] * len(docs)
    for part in folds(len(docs), 5, seed):
        ps = set(part.tolist())
        tr = [i for i in range(len(docs)) if i not in ps]
        models = fit_models([docs[i] for i in tr], [Xs[i] for i in tr], kind)
        for i in part:
            out[i] = predict(models, docs[i], Xs[i])
    return out


def nested_cv(docs, kind="logistic", use_survival=True, grid=GRID, ratio=MAX_LENGTH_RATIO, extra=None):
    """Nested CV (module note). `extra`: fixed params for every summary; with "length_model": True, a length
    regression (fit_length) is fitted on each training split and its slope (grid "len_slope") tuned there."""
    global ROLES
    ROLES = bool((extra or {}).get("roles"))
    texts: list = [None] * len(docs)
    chosen = []
    for fi, test in enumerate(folds(len(docs), 5, seed=0)):
        ts = set(test.tolist())
        train = [d for i, d in enumerate(docs) if i not in ts]
        fixed = dict(extra or {})
        if fixed.get("length_model"):
            fixed["length_model"] = fit_length(train)
            print(f"    fold {fi}: length regression r = {fixed['length_model']['r_train']:.3f} on its training "
                  f"split, coef {np.round(fixed['length_model']['coef'], 1).tolist()}", flush=True)
        Xtr = cross_fitted(train, seed=11 + fi, use=use_survival)
        train_scores = oof_scores(train, Xtr, seed=1 + fi, kind=kind)
        params, _ = tune(train, train_scores, grid, ratio, fixed)
        chosen.append({k: params.get(k) for k in grid})
        models = fit_models(train, Xtr, kind)
        sv = fit_survival(train) if use_survival else None
        if fixed.get("rerank"):  # bench/summary_rerank.py: K candidates per article, a fitted reranker picks one
            test_docs = [docs[i] for i in test]
            test_scores = [predict(models, d, features(d, sv)) for d in test_docs]
            limit = ratio * statistics.median(len(d.ref_key) for d in train)
            out, info = rerank_fold(train, train_scores, params, test_docs, test_scores, scored_doc, limit,
                                    fixed["rerank"], folds)
            for i, t in zip(test, out):
                texts[i] = t
            chosen[-1].update(info)
            continue
        for i in test:
            texts[i] = doc_summary(docs[i], *predict(models, docs[i], features(docs[i], sv)), params)
    ROLES = False
    return texts, chosen


def report(name: str, texts: list[str], docs) -> dict:
    from rag.evaluate import answer_length

    lens = [answer_length(t) for t in texts]
    row = {"name": name, "rouge_l": round(mean_rouge(texts, docs), 4), "median_chars": statistics.median(lens),
           "p10_chars": float(np.percentile(lens, 10)), "p90_chars": float(np.percentile(lens, 90))}
    print(f"  {name:58s} ROUGE-L {row['rouge_l']:.4f}  median {row['median_chars']:.0f} chars "
          f"(p10 {row['p10_chars']:.0f}, p90 {row['p90_chars']:.0f})", flush=True)
    return row


def baselines(docs) -> list[dict]:
    from rag.lang.sentences import sentences

    lead3 = ["".join([s for p in d.article.paragraphs for s in sentences(p)][:3]) for d in docs]
    oracle = ["".join(d.article.paragraph(s.paragraph)[s.start:s.end] for s, y in zip(d.sentences, d.ys) if y) for d in docs]
    return [report("LEAD-3", lead3, docs), report("sentence oracle (greedy ROUGE-L; upper bound)", oracle, docs)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentence-model", default="logistic", choices=SENTENCE_MODELS)
    ap.add_argument("--compare", default="", help="extra nested runs: gbm,pairwise,soft,mix,nosurvival,norules,nocompression,lengthreg,title,actor,smooth,"
                    "yearline,asides,combo,comboasides,olddateline,untied,rerank,rerankgbm,roles,stack")
    ap.add_argument("--write", action="store_true", help="fit on all of dev and write the package's model")
    ap.add_argument("--skip-main", action="store_true", help="only the --compare runs (not the shipped model's)")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--max-length-ratio", type=float, default=MAX_LENGTH_RATIO,
                    help="tuned settings keep the median summary within this ratio of the references' median")
    ap.add_argument("--targets", help="comma-separated target_chars grid (default: GRID's)")
    ap.add_argument("--max-chars", help="comma-separated max_chars grid (default: the DEFAULTS value)")
    ap.add_argument("--no-dateline", action="store_true", help="summaries without the package's opening date "
                    "(for comparison; --write refuses it)")
    ap.add_argument("--append-tried", metavar="NOTE", help="add this run's nested rows, with NOTE, to the report's "
                    "`tried` list (the shipped model and its rows are left as they are)")
    args = ap.parse_args(argv)
    if args.write and args.sentence_model == "mix":
        ap.error("--write: the package reads one scorer; mix is for comparison only")
    if args.no_dateline:
        if args.write:
            ap.error("--write: the package's summaries open with a dateline; --no-dateline is for comparison only")
        global DATELINE
        DATELINE = False

    t0 = time.time()
    docs = load_docs("summaries_dev", args.limit)
    ref_lens = [len(d.ref_key) for d in docs]
    print(f"{len(docs)} dev articles, {sum(d.n_sent for d in docs)} sentences, {sum(len(d.keep) for d in docs)} clauses; "
          f"reference median {statistics.median(ref_lens):.0f} chars; loaded in {time.time() - t0:.0f}s", flush=True)
    rows = baselines(docs)
    grid = dict(GRID)
    if args.targets:
        grid["target_chars"] = [int(x) for x in args.targets.split(",")]
    if args.max_chars:
        grid["max_chars"] = [int(x) for x in args.max_chars.split(",")]
    ratio = args.max_length_ratio
    tag = "" if (grid == GRID and ratio == MAX_LENGTH_RATIO) else f", length cap +{round(100 * (ratio - 1))} %, grid {grid}"
    tag += "" if DATELINE else ", no dateline"
    runs = [] if args.skip_main else [(args.sentence_model, True, grid, tag)]
    extra = set(filter(None, args.compare.split(",")))
    for kind in SENTENCE_MODELS:
        if kind in extra and kind != args.sentence_model:
            runs.append((kind, True, grid, tag))
    if "nosurvival" in extra:
        runs.append((args.sentence_model, False, grid, ", no survival features" + tag))
    if "norules" in extra:
        runs.append((args.sentence_model, True, {**grid, "rules": [False]}, ", no editorial rules" + tag))
    if "nocompression" in extra:
        runs.append((args.sentence_model, True, {**grid, "tau_quantile": [0.0]}, ", whole sentences" + tag))
    variants = {"lengthreg": ({**grid, "len_slope": [0.0, 0.5, 1.0, 1.5]}, {"length_model": True},
                              ", per-article length target (ridge on article length/paragraphs/sentences/numbers/title)"),
                "title": ({**grid, "title_near": [0.4, 0.55, 0.7]}, {"opener": "title"}, ", title opens the summary"),
                "actor": (grid, {"opener": "actor"}, ", the title's actor phrase (工信部：) opens the summary"),
                "smooth": ({**grid, "smooth": [0.0, 0.1, 0.2]}, {}, ", sentence score + smooth x its neighbours' mean"),
                "olddateline": (grid, {"olddateline": True}, ", the dateline as shipped before brief D10b (26日… after "
                                "2023年7月26日，)"),
                "untied": (grid, {"untied": True}, ", clause runs without clause ties, as shipped before brief D10c "
                           "(a speech tail kept without its words)"),
                "rerank": (grid, {"rerank": "ridge"}, ", summary-level reranking of 18 candidates (ridge)"),
                "rerankgbm": (grid, {"rerank": "gbm"}, ", summary-level reranking of 18 candidates (trees)"),
                "roles": (grid, {"roles": True}, ", clause role columns (attribution, speech tail, time/place only, "
                          "connective, quote, digits; the neighbours')"),
                "stack": ({**grid, "smooth": [0.0, 0.1, 0.2]}, {"yearline": True, "asides": "tied", "roles": True},
                          ", yearline + smooth + asides left out (clause ties kept) + clause role columns"),
                "yearline": (grid, {"yearline": True}, ", the year before a summary's own opening month and day"),
                "asides": (grid, {"asides": True}, ", short bracketed asides left out as a cited gap"),
                "combo": ({**grid, "smooth": [0.0, 0.1, 0.2]}, {"yearline": True}, ", yearline + smooth"),
                "comboasides": ({**grid, "smooth": [0.0, 0.1, 0.2]}, {"yearline": True, "asides": True},
                                ", yearline + smooth + asides left out")}
    for name, (vgrid, vextra, vnote) in variants.items():
        if name in extra:
            runs.append((args.sentence_model, True, vgrid, vnote + tag, vextra))
    for kind, use, run_grid, note, *fixed in runs:
        t = time.time()
        texts, chosen = nested_cv(docs, kind, use, run_grid, ratio, fixed[0] if fixed else None)
        rows.append(report(f"{kind}{note}: 5-fold nested CV", texts, docs))
        rows[-1]["params_per_fold"] = chosen
        print(f"    chosen per fold: {chosen} ({time.time() - t:.0f}s)", flush=True)
    if args.append_tried:
        report_obj = json.loads(REPORT_OUT.read_text(encoding="utf-8"))
        report_obj.setdefault("tried", []).append({"note": args.append_tried, "rows": rows[2:]})
        REPORT_OUT.write_text(json.dumps(report_obj, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.write:
        Xs = cross_fitted(docs, seed=99)
        params, _ = tune(docs, oof_scores(docs, Xs, seed=5, kind=args.sentence_model), grid, ratio)
        sent, clause = fit_models(docs, Xs, args.sentence_model)
        model = Model(sent, clause, fit_survival(docs), {k: params[k] for k in DEFAULTS})
        MODEL_OUT.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {MODEL_OUT} ({MODEL_OUT.stat().st_size // 1024} KiB), selection {model.select}")
        old = json.loads(REPORT_OUT.read_text(encoding="utf-8")) if REPORT_OUT.exists() else {}
        REPORT_OUT.write_text(json.dumps({"dev_articles": len(docs), "rows": rows, "select": model.select,
                                          "max_length_ratio": ratio, "grid": grid, "tried": old.get("tried", [])},
                                         indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
