"""Summary-level reranking (issue #20, brief D11, idea 1), bench only: for each article K candidate summaries
(the selection settings moved around the chosen ones: target length, MMR lambda, compression on or off), each
described by summary-level features (length, the picks' model scores, positions, coverage of the title's
characters, of the article's top tf-idf words, of its numbers and of its lead, redundancy, the dateline), and a
regressor fitted within each training split, on out-of-fold candidates, to predict a candidate's ROUGE-L minus
the mean of its article's candidates; the candidate with the highest prediction is the summary.

bench/fit_summary.py --compare rerank runs it in the nested protocol."""

from __future__ import annotations

import re

import numpy as np

from rag.answering.features import global_spans, token_range
from rag.answering.picks import runs
from rag.answering.selection import render
from rag.answering.summaries import dated_picks
from rag.lang.script import HAN_CHAR

DT = (-20, 0, 20)  # target length moves
LAMS = (0.7, 0.85, 1.0)
_NUM = re.compile(r"\d+(?:\.\d+)?")
_WS = re.compile(r"\s+")
FEATURE_NAMES = ("len", "len_minus_target", "n_picks", "n_pieces", "frac_compressed", "score_mean", "score_min",
                 "score_sum", "pos_first", "pos_mean", "pos_max", "has_first", "title_char_cov", "title_bigram_cov",
                 "top5_cov", "top10_cov", "top20_cov", "num_cov", "lead_num_cov", "n_nums", "lead_bigram_cov",
                 "redundancy", "dateline", "dt", "lam", "tau", "log_article", "n_sent", "base_same")


def settings(base: dict) -> list[dict]:
    """The candidates' selection settings around `base` (dt × lambda × compression as chosen / none)."""
    out = []
    taus = (base["tau_quantile"], 0.0) if base["tau_quantile"] else (0.0, 0.4)
    for dt in DT:
        for lam in LAMS:
            for tau in taus:
                out.append({**base, "target_chars": base["target_chars"] + dt, "max_chars": base["max_chars"] + dt,
                            "lam": lam, "tau_quantile": tau, "_dt": dt})
    return out


def _bigrams(text: str) -> set:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def article_facts(scored) -> dict:
    ix = scored.ix
    total = ix.total
    order = np.argsort(-total)
    lead = scored.sentences[0] if scored.sentences else None
    lead_text = ix.paragraphs[lead.paragraph - 1][lead.start:lead.end] if lead else ""
    nums = set(_NUM.findall(ix.joined))
    title = _WS.sub("", ix.title)
    return {"top": [set(order[:k].tolist()) for k in (5, 10, 20)], "total": total, "nums": nums,
            "lead_nums": set(_NUM.findall(lead_text)), "lead_bigrams": _bigrams(_WS.sub("", lead_text)),
            "title_chars": {c for c in title if HAN_CHAR.match(c)}, "title_bigrams": _bigrams(title),
            "log_article": float(np.log1p(len(ix.joined))), "n_sent": float(len(scored.sentences))}


def candidate_features(facts: dict, scored, params: dict, line: str, picks, text: str, base_text: str) -> list[float]:
    ix = scored.ix
    key = _WS.sub("", text)
    n = max(1, len(scored.sentences))
    spans = [q for p in picks for q in p.shown]
    if spans:
        _, gs, ge = global_spans(ix, spans)
        lo, hi = token_range(ix, gs, ge)
        toks = set(np.concatenate([ix.tok_ids[a:b] for a, b in zip(lo.tolist(), hi.tolist())] or [np.zeros(0, int)]).tolist())
        vecs = ix.bags(lo, hi)
        # one vector per pick (its pieces summed)
        owner = np.repeat(np.arange(len(picks)), [len(p.shown) for p in picks])
        pv = np.zeros((len(picks), vecs.shape[1]))
        np.add.at(pv, owner, vecs)
        pv /= np.maximum(1e-9, np.linalg.norm(pv, axis=1, keepdims=True))
        sim = pv @ pv.T
        red = float((sim.sum() - np.trace(sim)) / max(1, len(picks) * (len(picks) - 1)))
    else:
        toks, red = set(), 0.0
    total = facts["total"]

    def cov(top: set) -> float:
        w = sum(total[t] for t in top)
        return float(sum(total[t] for t in top & toks) / w) if w > 0 else 0.0

    scores = np.asarray([p.score for p in picks]) if picks else np.zeros(1)
    pos = np.asarray([p.sentence for p in picks], dtype=float) / n if picks else np.zeros(1)
    sb = _bigrams(key)
    nums = set(_NUM.findall(key))
    return [len(key), len(key) - params["target_chars"], len(picks), len(spans),
            float(np.mean([p.compressed for p in picks])) if picks else 0.0,
            float(scores.mean()), float(scores.min()), float(scores.sum()),
            float(pos.min()), float(pos.mean()), float(pos.max()), float(any(p.sentence == 0 for p in picks)),
            len(facts["title_chars"] & set(key)) / max(1, len(facts["title_chars"])),
            len(facts["title_bigrams"] & sb) / max(1, len(facts["title_bigrams"])),
            *(cov(t) for t in facts["top"]),
            len(facts["nums"] & nums) / max(1, len(facts["nums"])),
            len(facts["lead_nums"] & nums) / max(1, len(facts["lead_nums"])), len(nums),
            len(facts["lead_bigrams"] & sb) / max(1, len(facts["lead_bigrams"])),
            red, float(bool(line)), float(params["_dt"]), params["lam"], params["tau_quantile"],
            facts["log_article"], facts["n_sent"], float(text == base_text)]


def candidates(article, scored, base: dict) -> tuple[list[str], np.ndarray]:
    """(texts, features) of the article's K candidates (settings(base)): each the dateline and the picks as the
    package shows them, without citation markers."""
    facts = article_facts(scored)
    cuts = {}
    out_t, out_x = [], []
    sets = settings(base)
    made = []
    for p in sets:
        tau = p["tau_quantile"]
        if tau not in cuts:
            cuts[tau] = runs(scored, p)
        line, picks = dated_picks(article, scored, p, cuts[tau])
        made.append((p, line, picks, (line if picks else "") + render_text(article, picks)))
    base_text = next(t for p, _, _, t in made if p["_dt"] == 0 and p["lam"] == base["lam"]
                     and p["tau_quantile"] == base["tau_quantile"])
    for p, line, picks, text in made:
        out_t.append(text)
        out_x.append(candidate_features(facts, scored, p, line, picks, text, base_text))
    return out_t, np.asarray(out_x, dtype=np.float64)


def fit_reranker(X: np.ndarray, y: np.ndarray, groups: np.ndarray, kind: str = "gbm"):
    """A regressor of a candidate's ROUGE-L minus its article's candidates' mean."""
    yc = y.copy()
    for g in np.unique(groups):
        m = groups == g
        yc[m] -= y[m].mean()
    if kind == "ridge":
        from sklearn.linear_model import Ridge
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), Ridge(alpha=10.0)).fit(X, yc)
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_depth=3, min_samples_leaf=40,
                                         l2_regularization=1.0, random_state=0).fit(X, yc)


def render_text(article, picks) -> str:
    return render([[article.paragraph(q[0])[q[1]:q[2]] for q in p.shown] for p in picks])


ALPHAS = (0.0, 0.00003, 0.0001, 0.0002, 0.0005)  # length penalty per character beyond the chosen setting's


def _pool(docs, scores, params, scored_doc):
    from bench.summary_data import lcs_f

    T, X, Y = [], [], []
    for d, (ps, pk) in zip(docs, scores):
        t, x = candidates(d.article, scored_doc(d, ps, pk), params)
        T.append(t)
        X.append(x)
        Y.append([lcs_f("".join(z.split()), d.ref_key) for z in t])
    return T, X, np.asarray(Y)


def _lengths(T) -> np.ndarray:
    return np.asarray([[len("".join(t.split())) for t in ts] for ts in T], dtype=np.float64)


def base_index(params: dict) -> int:
    return next(k for k, p in enumerate(settings(params)) if p["_dt"] == 0 and p["lam"] == params["lam"]
                and p["tau_quantile"] == params["tau_quantile"])


def rerank_fold(train, train_scores, params, test, test_scores, scored_doc, limit: float, kind: str = "ridge",
                folds=None) -> tuple[list[str], dict]:
    """Nested use: candidates of the training split from its out-of-fold scores; the length penalty chosen on
    inner out-of-fold predictions (5 folds by article) among those keeping the median length ≤ limit; the
    reranker refitted on the whole split picks each test article's candidate."""
    import statistics

    T, X, Y = _pool(train, train_scores, params, scored_doc)
    n, K = len(T), len(T[0])
    L, b = _lengths(T), base_index(params)
    Xa, Ya, Ga = np.vstack(X), Y.ravel(), np.repeat(np.arange(n), K)
    P = np.zeros((n, K))
    for part in folds(n, 5, 7):
        m = np.isin(Ga, part)
        mdl = fit_reranker(Xa[~m], Ya[~m], Ga[~m], kind)
        for i in part:
            P[i] = mdl.predict(X[i])
    best = (-1.0, ALPHAS[-1])
    for a in ALPHAS:
        pick = np.argmax(P - a * (L - L[:, [b]]), axis=1)
        if statistics.median(L[np.arange(n), pick]) > limit:
            continue
        best = max(best, (float(Y[np.arange(n), pick].mean()), a))
    mdl = fit_reranker(Xa, Ya, Ga, kind)
    texts = []
    for d, (ps, pk) in zip(test, test_scores):
        t, x = candidates(d.article, scored_doc(d, ps, pk), params)
        lt = np.asarray([len("".join(z.split())) for z in t], dtype=np.float64)
        texts.append(t[int(np.argmax(mdl.predict(x) - best[1] * (lt - lt[b])))])
    return texts, {"alpha": best[1], "inner_rouge": round(best[0], 4), "base_inner": round(float(Y[:, b].mean()), 4)}
