"""Summary variants tried on CRUD summaries_dev by bench/fit_summary.py --compare and not shipped (issue #20, briefs
D9 and D10; see `tried` in bench/results_summary_model.json): a per-article length target, the title or its actor
phrase as opener. The year line, short bracketed asides left out and the clause role columns were measured here
(briefs D10, D11) and shipped in brief D12 (rag.answering.summaries.year_line, rag.answering.elision.drop_asides,
rag.answering.features.clause_role_columns); `aside_cut` keeps brief D11's measured cut, which the package's
picks.runs now makes (tests/test_summary_rerank.py), and `untied_cut` the cut before brief D10c.
Also the dateline as shipped before brief D10b (`shipped_dated_picks`: a summary opening with a bare day, 26日…, or
当日… got the whole dateline before it, 2023年7月26日，26日，…), so that nested CV compares it in one process."""

from __future__ import annotations

import re

import numpy as np

from bench.summary_data import Doc
from rag.answering.features import clause_role_columns
from rag.answering.elision import drop_asides, elide, shown_length
from rag.answering.picks import Cut, choose, unit_facts
from rag.answering.selection import Scored, article_tau, best_run, best_short_run, sentence_ties
from rag.answering.summary_model import DEFAULTS
from rag.answering.cues import twin
from rag.answering.summaries import dateline

# ---- the dateline before brief D10b ------------------------------------------------------------------------


_SHIPPED_DATED = re.compile(r"\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]")


def shipped_dated_picks(article, scored: Scored, params: dict, cut: Cut | None = None):
    """rag.answering.summaries.dated_picks as shipped before brief D10b: the whole dateline unless the first piece
    opens with a month and day of its own (so 2023年7月26日，26日，… and 2023年7月26日，当日，…)."""
    def opens_dated(article, picks):  # the shipped test: a month and day of its own
        p, a, _ = picks[0].shown[0]
        return bool(_SHIPPED_DATED.match(twin(article.paragraph(p)[a:a + 24])))

    picks = choose(scored, params, cut)
    line = dateline(article, scored)
    if not line or not picks or opens_dated(article, picks):
        return "", picks
    used = len("".join(line.split()))
    picks = choose(scored, {**params, "target_chars": params["target_chars"] - used,
                            "max_chars": params["max_chars"] - used}, cut)
    return ("" if opens_dated(article, picks) else line), picks


# ---- a per-article length target, the title as opener (brief D9) ---------------------------------------

_WS = re.compile(r"\s+")
_ACTOR = re.compile(r"([^：:]{2,12})[：:]")  # 工信部：… (the headline's actor phrase)


def length_features(d: Doc) -> np.ndarray:
    """What an article's reference length might follow: its length, paragraphs, sentences, numbers, title."""
    text = d.ix.joined
    n_num = len(re.findall(r"\d+(?:\.\d+)?", text))
    return np.asarray([np.log(len(text) + 1), len(d.article.paragraphs), d.n_sent, np.log1p(n_num),
                       len(_WS.sub("", d.article.title)), len(text) / max(1, d.n_sent)], dtype=np.float64)


def fit_length(docs: list[Doc], alpha: float = 1.0) -> dict:
    """A ridge regression from length_features to the reference's length (characters), fitted on `docs`;
    a summary's target moves by len_slope × (prediction − the median prediction on `docs`)."""
    X = np.stack([length_features(d) for d in docs])
    y = np.asarray([len(d.ref_key) for d in docs], dtype=np.float64)
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    Z = (X - mean) / scale
    coef = np.linalg.solve(Z.T @ Z + alpha * np.eye(Z.shape[1]), Z.T @ (y - y.mean()))
    pred = Z @ coef + y.mean()
    return {"mean": mean, "scale": scale, "coef": coef, "intercept": float(y.mean()), "center": float(np.median(pred)),
            "r_train": float(np.corrcoef(pred, y)[0, 1])}


def length_target(d: Doc, params: dict) -> dict:
    lm, slope = params.get("length_model"), params.get("len_slope", 0.0)
    if not lm or not slope:
        return params
    pred = float(((length_features(d) - lm["mean"]) / lm["scale"]) @ lm["coef"] + lm["intercept"])
    target = int(np.clip(params["target_chars"] + slope * (pred - lm["center"]), 120, 250))
    return {**params, "target_chars": target, "max_chars": target + params["max_chars"] - params["target_chars"]}


def opener(d: Doc, body: str, params: dict) -> str:
    """The title (or its actor phrase) shown before the picks: "" unless params' opener asks, and for the title
    unless the picks already say it (its characters' LCS share with them ≥ title_near)."""
    kind, title = params.get("opener"), _WS.sub("，", d.article.title.strip())
    if kind == "title":
        key = _WS.sub("", title)
        from rapidfuzz.distance import LCSseq

        near = LCSseq.similarity(key, _WS.sub("", body)) / max(1, len(key))
        return f"{title}。" if key and near < params.get("title_near", 0.7) else ""
    if kind == "actor":
        m = _ACTOR.match(title)
        return f"{m.group(1)}：" if m and m.group(1) not in body[:40] else ""
    return ""



# year_line moved to rag.answering.summaries when brief D12 shipped the stack.


# ---- short bracketed asides left out (brief D10) --------------------------------------------------------------

# drop_asides (and its ASIDE pattern) moved to rag.answering.elision when brief D12 shipped the stack.


def untied_cut(scored: Scored, params: dict) -> Cut:
    """rag.answering.picks.runs as shipped before brief D10c: clause runs cut without clause ties (a speech
    tail could be kept without its words: 参加课程的退休教师李国华说。)."""
    return aside_cut(scored, params, asides=False)


def aside_cut(scored: Scored, params: dict, asides: bool = True, tied: bool = False) -> Cut:
    """rag.answering.picks.runs with each candidate's shown pieces passed through drop_asides: its cost (and
    whether a long run also offers its best short run) is the length as shown without the asides. Clause runs
    are cut without clause ties (rag.answering.ties), as before brief D10c, unless `tied` (brief D11's stack)."""
    p = {**DEFAULTS, **params}
    sentences, pk = scored.sentences, scored.clause_scores
    tau = article_tau(pk, p["tau_quantile"])
    bounds = np.cumsum([0] + [len(s.clauses) for s in sentences])
    spans, owners, pieces, lengths, vecs = [], [], [], [], []

    def add(i: int, s, a: int, b: int) -> float:
        spans.append((s.paragraph, a, b))
        owners.append(i)
        text = scored.paragraphs[s.paragraph - 1] if p["elide"] and scored.paragraphs else ""
        cut = elide(text, list(s.clauses), a, b) if text else [(a, b)]
        cut = drop_asides(text, cut) if text and asides else cut
        pieces.append(tuple((s.paragraph, x, y) for x, y in cut))
        lengths.append(shown_length(cut))
        inside = [c for c, (x, y) in enumerate(s.clauses) if a <= x and y <= b]
        v = scored.clause_bags[[bounds[i] + c for c in inside]].sum(axis=0)
        vecs.append(v / max(1e-9, float(np.linalg.norm(v))))
        return lengths[-1]

    ties = (sentence_ties(scored) if tied else None) or [None] * len(sentences)
    for i, s in enumerate(sentences):
        a, b = best_run(s, pk[i], tau, p["min_run_chars"], ties[i])
        if add(i, s, a, b) > p["short_chars"] > 0:
            short = best_short_run(s, pk[i], tau, p["short_chars"], (a, b), p["min_run_chars"], ties[i])
            if short is not None and short != (a, b):
                add(i, s, *short)
    facts = [unit_facts(scored.ix, span) for span in spans] if p["fact_bonus"] and scored.ix is not None else None
    width = scored.clause_bags.shape[1]
    return Cut(spans, np.asarray(owners, dtype=np.int64), pieces, np.asarray(lengths, dtype=np.float64),
               np.asarray(vecs).reshape(len(spans), width), facts)


# ---- clause roles (brief D11, idea 2) -------------------------------------------------------------------------

# clause_role and role_columns moved to rag.answering.features when brief D12 shipped the stack.


def role_columns(d: Doc) -> np.ndarray:
    return clause_role_columns(d.ix.paragraphs, d.sentences)
