"""An article's text in search form, for article-level matching (the chat's article references, the model
answerer's check that an English question meets its sources). Answer candidates themselves are units
(rag.answering.units)."""

from __future__ import annotations

from functools import lru_cache

from rag.ingest.articles import Article
from rag.lang.script import normalize


@lru_cache(maxsize=4096)
def article_text(article: Article) -> str:
    """The article's title and text in search form (normalised), for article-level matching."""
    return normalize(article.title + "\n" + "\n".join(article.paragraphs))
