"""The learned part of the extractive summary: a sentence scorer, a clause scorer and word-survival tables,
fitted on CRUD summaries_dev by bench/fit_summary.py and shipped as data/summary_model.json. numpy only.

Survival: how often a character, content word or character bigram of an article reappears in its reference
summary (smoothed toward the overall rate). Its columns (`SURVIVAL_NAMES`) are appended to the shared unit
features (rag.answering.features) to make the summary's feature matrix (`summary_features`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np

from rag.answering.features import FEATURE_NAMES, ArticleIndex, Unit, global_spans, token_range, unit_features

SURVIVAL_NAMES = ("surv_char", "surv_word", "surv_bigram", "rel_surv_bigram", "z_surv_bigram", "rel_surv_word", "z_surv_word")
SUMMARY_FEATURES = FEATURE_NAMES + SURVIVAL_NAMES
MODEL_FILE = "data/summary_model.json"

# Selection settings (overridden by the model file's `select`, chosen by cross-validation on summaries_dev).
DEFAULTS = {
    "target_chars": 210,  # stop once the summary is this long
    "max_chars": 250,  # never longer
    "lam": 0.85,  # MMR: weight of a unit's score against its redundancy with what was chosen
    "tau_quantile": 0.4,  # compression: this quantile of the article's clause keep scores (0: whole sentences)
    "min_run_chars": 10,  # a compressed run shorter than this falls back to the whole sentence
    "max_unit_chars": 200,  # a unit longer than this (as shown) is never taken
    "elide": True,  # long 、-lists cut to their first and last item (rag.answering.elision)
    # Editorial settings, set by hand (not fitted): what an editor makes sure a summary says (picks.unit_facts)
    "short_chars": 80,  # a run longer than this also offers its best clause run of at most this many characters
    "fact_bonus": 0.3,  # MMR bonus for the kinds of fact a unit adds to the summary
}


@dataclass
class Linear:
    """Logistic regression over standardised features."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, X: np.ndarray) -> np.ndarray:
        z = ((X - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        return {"kind": "logistic", "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}


@dataclass
class Trees:
    """Gradient-boosted trees (binary log-loss) as flat arrays."""

    baseline: float
    trees: list

    def score(self, X: np.ndarray) -> np.ndarray:
        raw = np.full(len(X), self.baseline, dtype=np.float64)
        rows = np.arange(len(X))
        for t in self.trees:
            node = np.zeros(len(X), dtype=np.int64)
            for _ in range(t["depth"] + 1):
                active = ~t["leaf"][node]
                if not active.any():
                    break
                left = X[rows, t["feature"][node]] <= t["threshold"][node]
                node = np.where(active, np.where(left, t["left"][node], t["right"][node]), node)
            raw += t["value"][node]
        return 1.0 / (1.0 + np.exp(-raw))

    def to_json(self) -> dict:
        return {"kind": "trees", "baseline": self.baseline,
                "trees": [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in t.items()} for t in self.trees]}


def scorer_from_json(obj: dict) -> Linear | Trees:
    if obj["kind"] == "logistic":
        return Linear(np.asarray(obj["mean"]), np.asarray(obj["scale"]), np.asarray(obj["coef"]), float(obj["intercept"]))
    types = {"feature": np.int64, "threshold": np.float64, "left": np.int64, "right": np.int64, "value": np.float64, "leaf": bool}
    trees = [{**{k: np.asarray(t[k], dtype=d) for k, d in types.items()}, "depth": int(t["depth"])} for t in obj["trees"]]
    return Trees(float(obj["baseline"]), trees)


@dataclass
class Survival:
    """P(a Han character / content word / Han bigram of an article reappears in its reference summary)."""

    char: dict
    word: dict
    bigram: dict
    char_prior: float
    word_prior: float
    bigram_prior: float

    def to_json(self) -> dict:
        r = lambda d: {k: round(v, 4) for k, v in d.items()}  # noqa: E731
        return {"char": r(self.char), "word": r(self.word), "bigram": r(self.bigram),
                "char_prior": self.char_prior, "word_prior": self.word_prior, "bigram_prior": self.bigram_prior}

    @classmethod
    def from_json(cls, obj: dict) -> "Survival":
        return cls(obj["char"], obj["word"], obj["bigram"], obj["char_prior"], obj["word_prior"], obj["bigram_prior"])


@dataclass
class Model:
    sentence: Linear | Trees
    clause: Linear | Trees
    survival: Survival | None
    select: dict = field(default_factory=lambda: dict(DEFAULTS))

    def to_json(self) -> dict:
        return {"features": list(SUMMARY_FEATURES), "sentence": self.sentence.to_json(), "clause": self.clause.to_json(),
                "survival": self.survival.to_json() if self.survival else None, "select": self.select}

    @classmethod
    def from_json(cls, obj: dict) -> "Model":
        if tuple(obj["features"]) != SUMMARY_FEATURES:
            raise ValueError("the summary model was fitted on other features: refit it with bench/fit_summary.py")
        survival = Survival.from_json(obj["survival"]) if obj.get("survival") else None
        return cls(scorer_from_json(obj["sentence"]), scorer_from_json(obj["clause"]), survival,
                   {**DEFAULTS, **obj.get("select", {})})


@lru_cache(maxsize=1)
def shipped_model() -> Model:
    """The model in the package (data/summary_model.json)."""
    text = resources.files("rag.answering").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


# ---- survival features ------------------------------------------------------------------------------------


def _survival_sums(ix: ArticleIndex, sv: Survival) -> tuple[np.ndarray, ...]:
    """Prefix sums over the article of character, bigram and word survival (kept on the index per table)."""
    cached = ix.stats.get("_survival")
    if cached is not None and cached[0] is sv:
        return cached[1]
    text, n = ix.joined, len(ix.joined)
    cval, cind, bval, bind = np.zeros(n + 1), np.zeros(n + 1), np.zeros(n + 1), np.zeros(n + 1)
    han = [i for i, ch in enumerate(text) if "\u3400" <= ch <= "\u9fff"]
    if han:
        h = np.asarray(han)
        cval[h + 1] = [sv.char.get(text[i], sv.char_prior) for i in han]
        cind[h + 1] = 1.0
    if len(ix.han_pairs):
        bval[ix.han_pairs + 1] = [sv.bigram.get(text[i:i + 2], sv.bigram_prior) for i in ix.han_pairs.tolist()]
        bind[ix.han_pairs + 1] = 1.0
    wval = np.zeros(len(ix.words) + 1)
    wval[1:] = [sv.word.get(w, sv.word_prior) for w in ix.words]
    sums = tuple(np.cumsum(x) for x in (cval, cind, bval, bind, wval))
    ix.stats["_survival"] = (sv, sums)
    return sums


def survival_means(ix: ArticleIndex, units: Sequence[Unit], sv: Survival) -> np.ndarray:
    """(len(units), 3): mean survival of each unit's Han characters, content words and Han bigrams."""
    cv, ci, bv, bi, wv = _survival_sums(ix, sv)
    _, gs, ge = global_spans(ix, units)
    lo, hi = token_range(ix, gs, ge)
    nc = ci[ge] - ci[gs]
    bend = np.maximum(gs, ge - 1)  # bigrams starting in [gs, ge - 1)
    nb = bi[bend] - bi[gs]
    nw = (hi - lo).astype(np.float64)
    c = np.where(nc > 0, (cv[ge] - cv[gs]) / np.maximum(nc, 1), sv.char_prior)
    b = np.where(nb > 0, (bv[bend] - bv[gs]) / np.maximum(nb, 1), sv.bigram_prior)
    w = np.where(nw > 0, (wv[hi] - wv[lo]) / np.maximum(nw, 1), sv.word_prior)
    return np.stack([c, w, b], axis=1)


def survival_columns(v: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """The SURVIVAL_NAMES columns: absolute means, and bigram/word survival relative to the article's sentences."""
    cols = [v[:, 0], v[:, 1], v[:, 2]]
    for j in (2, 1):
        mx, mean, std = sentences[:, j].max(), sentences[:, j].mean(), sentences[:, j].std()
        cols.append(v[:, j] / mx if mx > 1e-9 else np.zeros(len(v)))
        cols.append(np.clip((v[:, j] - mean) / std, -4, 4) if std > 1e-9 else np.zeros(len(v)))
    return np.stack(cols, axis=1).astype(np.float32) * np.asarray([10, 10, 10, 1, 1, 1, 1], dtype=np.float32)


def summary_features(ix: ArticleIndex, units: Sequence[Unit], sv: Survival | None) -> np.ndarray:
    """The shared unit features and the survival columns (zeros without tables)."""
    base = unit_features(ix, units)
    if sv is None or not len(units):
        return np.hstack([base, np.zeros((len(units), len(SURVIVAL_NAMES)), dtype=np.float32)])
    v = survival_means(ix, units, sv)
    sentences = [s.span for s in ix.frame]
    return np.hstack([base, survival_columns(v, survival_means(ix, sentences, sv) if sentences else v)])
