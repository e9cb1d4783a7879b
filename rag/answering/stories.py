"""Reports of one story: the near-duplicate test of rag.ingest.duplicates (the same wire story republished:
Jaccard similarity of character 5-gram sets at least its THRESHOLD), applied exactly to the few articles a topic
summary or timeline reads, so that a story is quoted once and the other outlets are named as also carrying it."""

from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

import numpy as np

from rag.ingest.articles import Article
from rag.ingest.duplicates import THRESHOLD, shingle_hashes

_SHINGLES: OrderedDict[str, np.ndarray] = OrderedDict()
_SIZE = 4096


def shingles(article: Article) -> np.ndarray:
    key = article.content_hash
    found = _SHINGLES.get(key)
    if found is None:
        found = _SHINGLES[key] = shingle_hashes(article)
        if len(_SHINGLES) > _SIZE:
            _SHINGLES.popitem(last=False)
    return found


_SAME: OrderedDict[tuple[str, str], bool] = OrderedDict()
_SAME_SIZE = 65536


def same_story(a: Article, b: Article) -> bool:
    key = (a.content_hash, b.content_hash)
    found = _SAME.get(key)
    if found is None:
        found = _SAME[key] = _same_story(a, b)
        if len(_SAME) > _SAME_SIZE:
            _SAME.popitem(last=False)
    return found


def _same_story(a: Article, b: Article) -> bool:
    x, y = shingles(a), shingles(b)
    if not len(x) or not len(y):
        return False
    both = len(np.intersect1d(x, y, assume_unique=True))
    return both / (len(x) + len(y) - both) >= THRESHOLD


def distinct_stories(articles: Sequence[Article], limit: int) -> list[tuple[Article, tuple[Article, ...]]]:
    """Up to `limit` stories from articles given best first: each story's first article, and the later ones
    (among those looked at) that carry the same story."""
    stories: list[tuple[Article, list[Article]]] = []
    for article in articles:
        home = next((s for s in stories if same_story(s[0], article)), None)
        if home is not None:
            home[1].append(article)
        elif len(stories) < limit:
            stories.append((article, []))
        else:
            break
    return [(a, tuple(others)) for a, others in stories]


def carriers(article: Article, others: Sequence[Article]) -> tuple[str, ...]:
    """The other outlets that carried the story (each once, not the article's own)."""
    return tuple(n for n in dict.fromkeys(o.source for o in others if o.source) if n != article.source)


def also_carried(outlets: Sequence[str], language: str) -> str:
    if not outlets:
        return ""
    return f"（另见：{'、'.join(outlets)}）" if language == "zh" else f" (also carried by {', '.join(outlets)})"
