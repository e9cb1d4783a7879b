"""The fitted answer model (data/answer_model.json, written by bench/train_answer.py): a pairwise linear ranker of
answer units and a logistic answerability model, each as plain numbers (feature names, mean, scale, weights), so
inference is numpy arithmetic. `rank_pool` scores every unit of a question's pool."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np

from rag.answering.pool import PoolArticle
from rag.answering.qfeatures import FEATURES, INDEX, question_bigrams, unit_features
from rag.answering.question import Question
from rag.answering.units import Unit
from rag.lang.script import normalize

MODEL_FILE = "data/answer_model.json"


@dataclass(frozen=True)
class Linear:
    """score = ((x - mean) / scale) · weights + bias, over the named features."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    @classmethod
    def from_json(cls, obj: dict) -> "Linear":
        return cls(tuple(obj["features"]), np.asarray(obj["mean"], np.float32), np.asarray(obj["scale"], np.float32),
                   np.asarray(obj["weights"], np.float32), float(obj.get("bias", 0.0)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": [round(float(x), 6) for x in self.mean],
                "scale": [round(float(x), 6) for x in self.scale], "weights": [round(float(x), 6) for x in self.weights],
                "bias": round(float(self.bias), 6)}

    def columns(self, names: Sequence[str]) -> np.ndarray:
        where = {n: i for i, n in enumerate(names)}
        return np.array([where[f] for f in self.features], dtype=np.int64)

    def __call__(self, X: np.ndarray, names: Sequence[str]) -> np.ndarray:
        Z = (X[:, self.columns(names)] - self.mean) / self.scale
        return Z @ self.weights + self.bias


@dataclass(frozen=True)
class AnswerModel:
    ranker: Linear
    answerable: Linear  # logistic: p = sigmoid(score)
    threshold: float  # refuse when p < threshold
    multi_threshold: float  # an article joins a multi-article answer when its p reaches this
    info: dict
    min_article_coverage: float = 0.0  # refuse a Chinese question when its best article holds less of it
    read_articles: int = 2  # how many of the best retrieved articles are read whole (chosen by cross-validation)

    def p_answerable(self, x: np.ndarray, names: Sequence[str]) -> float:
        return float(1.0 / (1.0 + np.exp(-self.answerable(x[None, :], names)[0])))


@lru_cache(maxsize=1)
def answer_model() -> AnswerModel:
    obj = json.loads(resources.files("rag.answering").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
    return model_from_json(obj)


def model_from_json(obj: dict) -> AnswerModel:
    return AnswerModel(Linear.from_json(obj["ranker"]), Linear.from_json(obj["answerable"]), float(obj["threshold"]),
                       float(obj["multi_threshold"]), obj.get("info", {}),
                       float(obj.get("min_article_coverage", 0.0)), int(obj.get("read_articles", 2)))


@dataclass(frozen=True)
class Ranked:
    """Every unit of a pool, scored: rows of X in pool order (article by article)."""

    pool: tuple[PoolArticle, ...]
    X: np.ndarray
    owner: np.ndarray  # pool index of each row
    unit: np.ndarray  # unit index within its article
    scores: np.ndarray

    def unit_of(self, row: int) -> Unit:
        return self.pool[int(self.owner[row])].units.units[int(self.unit[row])]

    def article_of(self, row: int) -> PoolArticle:
        return self.pool[int(self.owner[row])]

    def order(self, rows: np.ndarray | None = None) -> np.ndarray:
        rows = np.arange(len(self.scores)) if rows is None else rows
        return rows[np.argsort(-self.scores[rows], kind="stable")]


def featurize(q: Question, pool: Sequence[PoolArticle]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    qnorm, qgrams = normalize(q.text), question_bigrams(q)
    mats = [unit_features(q, pa, qnorm, qgrams) for pa in pool]
    X = np.vstack(mats) if mats else np.zeros((0, len(FEATURES)), np.float32)
    owner = np.concatenate([np.full(len(m), i) for i, m in enumerate(mats)]) if mats else np.zeros(0, np.int64)
    unit = np.concatenate([np.arange(len(m)) for m in mats]) if mats else np.zeros(0, np.int64)
    return X, owner.astype(np.int64), unit.astype(np.int64)


# Article-level evidence given to every unit of an article, so that the ranker chooses the article as well as the
# unit: the best of the article's units on question coverage (whole unit, with its neighbours, the question's
# specific words, a filler of the asked-for kind beside them) and how far each falls below the best article read.
ARTICLE_BASE = (("a_cov", "cov"), ("a_ctx", "cov_ctx"), ("a_local", "cov_local"), ("a_filled", "slot_ctx"),
                ("a_near", "slot_near"), ("a_title", "title_cov"))
ARTICLE_FEATURES = tuple(a for a, _ in ARTICLE_BASE) + tuple(f"{a}_gap" for a, _ in ARTICLE_BASE)
RANK_FEATURES = FEATURES + ARTICLE_FEATURES


def with_article_features(X: np.ndarray, owner: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """X (columns FEATURES) with the ARTICLE_FEATURES columns appended (columns RANK_FEATURES). The gaps are to
    the best article among those owning `rows` (all rows by default: the articles read)."""
    out = np.zeros((len(X), len(RANK_FEATURES)), np.float32)
    out[:, : len(FEATURES)] = X[:, : len(FEATURES)]
    if not len(X):
        return out
    base = X[:, [INDEX[b] for _, b in ARTICLE_BASE]]
    n = int(owner.max()) + 1
    best = np.full((n, base.shape[1]), -np.inf, np.float32)
    np.maximum.at(best, owner, base)
    read = np.unique(owner if rows is None else owner[rows])
    top = best[read].max(0) if len(read) else np.zeros(base.shape[1], np.float32)
    k = len(FEATURES)
    out[:, k : k + base.shape[1]] = best[owner]
    out[:, k + base.shape[1]:] = best[owner] - top
    return out


def rank_pool(q: Question, pool: Sequence[PoolArticle], model: AnswerModel | None = None) -> Ranked:
    model = model or answer_model()
    X, owner, unit = featurize(q, pool)
    X = with_article_features(X, owner)
    scores = model.ranker(X, RANK_FEATURES) if len(X) else np.zeros(0, np.float32)
    return Ranked(tuple(pool), X, owner, unit, scores)
