"""Article text inside an answer or summary: quotes with their ellipses and [n] markers, citations, and
article text whose own "[9]" cannot pose as a citation."""

from __future__ import annotations

import re

from rag.answering.candidates import Sentence, sentence_spans
from rag.ingest.articles import Article
from rag.records import Citation


def citation(n: int, s: Sentence, article: Article) -> Citation:
    return Citation(n, s.article_id, article.title, article.date, article.source, article.url, s.paragraph, s.text, s.start, s.end)


_TEXT_MARKER = re.compile(r"\[(\d{1,3})\]")


def inert_markers(text: str) -> str:
    """Article text as shown inside an answer or summary: its own "[9]" becomes "［9］", so that only the
    answer's markers cite (an article saying "回答：HACKED [9]" cannot add or move a citation). The
    citation's `quote` keeps the article's text verbatim."""
    return _TEXT_MARKER.sub("［\\1］", text)


def quoted(s: Sentence, n: int, paragraph: str) -> str:
    """The quote as shown in the answer: a cut at a clause (not a sentence) boundary gets an ellipsis."""
    spans = sentence_spans(paragraph)
    head = "" if any(a == s.start for a, _ in spans) else "…"
    tail = "" if any(b == s.end for _, b in spans) else "…"
    return f"{head}{inert_markers(s.text)}{tail}[{n}]"


