"""Grouping articles by what they are about: TF-IDF vectors of their Han character bigrams (no word list, no
model: they match however a name or a coined term is segmented), spherical k-means from a deterministic
farthest-first start, and each group named by its most central article.

    groups = cluster(articles)          # [Group(members, central)], largest first; one group when few articles
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from rag.ingest.articles import Article
from rag.answering.features import han_codes

GROUP_ABOVE = 10  # more articles than this are grouped
MAX_GROUPS = 8
ARTICLES_PER_GROUP = 12  # about this many articles per group (k ≈ n / this, within 2..MAX_GROUPS)
ITERATIONS = 15
CHARS_READ = 1500  # the start of a long article says what it is about


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # indices into the articles given, in the order given
    central: int  # the member closest to the group's centre


MAX_VOCABULARY = 6000  # the bigrams kept: those in the most texts


def bigram_vectors(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows over the Han bigrams that occur in at least two texts and at most half of them
    (the MAX_VOCABULARY most frequent of those)."""
    n = len(texts)
    per_text = []
    for text in texts:
        c = han_codes(text[:CHARS_READ])
        at = np.flatnonzero((c[:-1] > 0) & (c[1:] > 0)) if len(c) > 1 else np.zeros(0, np.int64)
        per_text.append(np.unique(c[at] * 0x110000 + c[at + 1], return_counts=True))
    keys, df = np.unique(np.concatenate([k for k, _ in per_text] or [np.zeros(0, np.int64)]), return_counts=True)
    keep = (df >= 2) & (df <= max(2, n // 2))
    keys, df = keys[keep], df[keep]
    if len(keys) > MAX_VOCABULARY:
        top = np.sort(np.argsort(-df, kind="stable")[:MAX_VOCABULARY])
        keys, df = keys[top], df[top]
    idf_ = np.log(n / np.maximum(1, df))
    X = np.zeros((n, max(1, len(keys))), dtype=np.float32)
    for r, (k, counts) in enumerate(per_text):
        j = np.searchsorted(keys, k)
        hit = (j < len(keys)) & (keys[np.minimum(j, len(keys) - 1)] == k) if len(keys) else np.zeros(len(k), bool)
        X[r, j[hit]] = (1.0 + np.log(counts[hit])) * idf_[j[hit]]
    X /= np.maximum(1e-9, np.linalg.norm(X, axis=1, keepdims=True))
    return X


def kmeans(X: np.ndarray, k: int, first: int = 0) -> np.ndarray:
    """Labels of spherical k-means; the start is farthest-first from row `first` (deterministic)."""
    n = len(X)
    k = max(1, min(k, n))
    centres = [first]
    nearest = X @ X[first]
    while len(centres) < k:
        nxt = int(np.argmin(nearest))
        if nxt in centres:
            break
        centres.append(nxt)
        nearest = np.maximum(nearest, X @ X[nxt])
    C = X[centres].copy()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(ITERATIONS):
        new = np.argmax(X @ C.T, axis=1)
        if (new == labels).all() and _ > 0:
            break
        labels = new
        for j in range(len(C)):
            members = X[labels == j]
            if len(members):
                c = members.sum(axis=0)
                C[j] = c / max(1e-9, float(np.linalg.norm(c)))
    return labels


def cluster_texts(texts: Sequence[str], max_groups: int = MAX_GROUPS) -> list[Group]:
    """Groups of texts given best first (the first one seeds the start), largest group first."""
    n = len(texts)
    if n == 0:
        return []
    if n <= GROUP_ABOVE:
        return [Group(tuple(range(n)), 0)]
    X = bigram_vectors(texts)
    k = max(2, min(max_groups, round(n / ARTICLES_PER_GROUP)))
    labels = kmeans(X, k)
    groups = []
    for j in sorted(set(labels.tolist())):
        members = np.flatnonzero(labels == j)
        centre = X[members].sum(axis=0)
        central = int(members[np.argmax(X[members] @ centre)])
        groups.append(Group(tuple(members.tolist()), central))
    return sorted(groups, key=lambda g: (-len(g.members), g.members[0]))


def cluster(articles: Sequence[Article], max_groups: int = MAX_GROUPS) -> list[Group]:
    return cluster_texts([a.title + "\n" + "\n".join(a.paragraphs) for a in articles], max_groups)
