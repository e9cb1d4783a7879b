"""Who wrote it, asked beside where it came from: "Which newspaper reported the Qu'an town meeting, and who wrote
it?" asks the outlet first (its answer type is the source), and its writers too — the article's byline
(Article.author: 农业科技报-中国农科新闻网记者 齐巨儒 通讯员 娄卓 → 齐巨儒、娄卓). Such a question's credits line then
names the writers (by …, 作者：…) as an author question's does (rag.answering.compose). Patterns: data/writer_asks.tsv,
matched on the Simplified form (這篇報道的作者是誰 as 这篇报道的作者是谁)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.answering.question import Question
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def _writer() -> re.Pattern:
    """A question asking who wrote the article (data/writer_asks.tsv)."""
    return re.compile("|".join(f"(?:{row[0]})" for row in read_rows("rag.answering", "data/writer_asks.tsv", 1, 1)), re.I)


def asks_writer(q: Question) -> bool:
    """Whether `q` asks who wrote the article: an author question, or a question about where it came from (the
    source) that also asks its writers (哪家媒体报道的，作者是谁？; Which newspaper …, and who wrote it?)."""
    return q.atype == "author" or (q.atype == "source" and bool(_writer().search(normalize(q.text))))
