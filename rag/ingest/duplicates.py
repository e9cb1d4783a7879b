"""Near-duplicates: the same wire story republished by several outlets, grouped so that the shelf and the
citations show it once, "also carried by …" the others.

Each article's cleaned body is cut into overlapping character 5-grams (on the comparison key: no spaces,
punctuation or case, Simplified), summarised by a MinHash signature and put into a MinHash LSH index
(`datasketch`); articles whose estimated Jaccard similarity reaches `THRESHOLD` join one group. A group is
shown under its first article in shelf order. Exact copies (the same `Article.text_hash`) are always grouped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from rag.ingest.articles import Article, comparable

THRESHOLD = 0.6  # estimated Jaccard of 5-gram sets: a republished story with a different head or tail
NUM_PERM = 64
SHINGLE = 5
MAX_CHARS = 2000  # the first characters of a body are what a republication keeps; bounds the work per article


def shingle_hashes(article: Article, size: int = SHINGLE, max_chars: int = MAX_CHARS):
    """32-bit hashes of the article body's distinct character n-grams (on its comparison key), computed in
    numpy: a polynomial hash over each run of `size` code points."""
    import numpy as np

    key = comparable("".join(article.paragraphs)[: max_chars * 2])[:max_chars]
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < size:
        codes = np.concatenate([codes, np.zeros(size - len(codes), dtype=np.uint64)]) if len(codes) else codes
    n = len(codes) - size + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(size):  # (… ((c0·P + c1)·P + c2) …) mod 2^64, each n-gram at once
        h = h * np.uint64(1_000_003) + codes[j : j + n]
    return np.unique(h & np.uint64(0xFFFFFFFF))


_PERMUTATIONS = {}


def _permutations():
    """The MinHash permutations, made once (every signature must use the same ones)."""
    if "p" not in _PERMUTATIONS:
        from datasketch import MinHash

        _PERMUTATIONS["p"] = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
    return _PERMUTATIONS["p"]


def _identity(value):
    return value


_SIGNATURES: dict[str, object] = {}  # text hash → signature: a new snapshot (after an upload) reuses them
MAX_CACHED = 50_000  # ~30 MB


def signature(article: Article):
    """The MinHash signature (`datasketch.LeanMinHash`) of one article's shingles (cached by its text hash)."""
    cached = _SIGNATURES.get(article.text_hash)
    if cached is None:
        if len(_SIGNATURES) >= MAX_CACHED:
            _SIGNATURES.clear()
        cached = _SIGNATURES[article.text_hash] = _signature(article)
    return cached


def _signature(article: Article):
    from datasketch import LeanMinHash, MinHash

    m = MinHash(num_perm=NUM_PERM, hashfunc=_identity, seed=1,
                permutations=_permutations(), scheme="affine32")
    hashes = shingle_hashes(article)
    if len(hashes):
        m.update_batch(hashes)
    return LeanMinHash(m)


@dataclass(frozen=True)
class Groups:
    """Near-duplicate groups over a set of articles. `lead[id]`: the article a group is shown under;
    `members[lead]`: the group's articles, its lead first. Articles in no group are their own lead."""

    lead: Mapping[str, str] = field(default_factory=dict)
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def lead_of(self, article_id: str) -> str:
        return self.lead.get(article_id, article_id)

    def others(self, article_id: str) -> tuple[str, ...]:
        """The other articles of this article's group (empty when it has no near-duplicate)."""
        group = self.members.get(self.lead_of(article_id), ())
        return tuple(a for a in group if a != article_id)

    def is_lead(self, article_id: str) -> bool:
        return self.lead_of(article_id) == article_id


def group_near_duplicates(articles: Sequence[Article], threshold: float = THRESHOLD) -> Groups:
    """Group the articles that tell the same story (MinHash LSH candidates, kept when their estimated
    Jaccard similarity reaches `threshold`); a group's lead is its first article in `articles`' order."""
    order = {a.id: i for i, a in enumerate(articles)}
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=order.__getitem__)
            parent[second] = first

    by_text: dict[str, str] = {}
    for a in articles:  # exact copies first: no signature needed
        twin = by_text.setdefault(a.text_hash, a.id)
        if twin != a.id:
            union(twin, a.id)
    distinct = [a for a in articles if by_text[a.text_hash] == a.id]
    if len(distinct) > 1:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        sigs = []
        for i, a in enumerate(distinct):  # (keyed by position: the index needs unique keys)
            sig = signature(a)
            sigs.append(sig)
            for j in lsh.query(sig):
                if sig.jaccard(sigs[j]) >= threshold:
                    union(distinct[j].id, a.id)
            lsh.insert(i, sig)
    groups: dict[str, list[str]] = {}
    for a in articles:
        groups.setdefault(find(a.id), []).append(a.id)
    members = {lead: tuple(ids) for lead, ids in groups.items() if len(ids) > 1}
    lead = {aid: root for root, ids in members.items() for aid in ids}
    return Groups(lead, members)


def carried_by(article_id: str, groups: Groups, articles: Mapping[str, Article]) -> list[str]:
    """The outlets (else titles' ids) of the other articles that carry this one's story, each once,
    without the article's own outlet."""
    own = articles[article_id].source if article_id in articles else None
    names: Iterable[str] = (
        (articles[o].source or o) for o in groups.others(article_id) if o in articles
    )
    return [n for n in dict.fromkeys(names) if n != own]
