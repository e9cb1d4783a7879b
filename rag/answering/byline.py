"""Who wrote it, asked beside where it came from: "Which newspaper reported the Qu'an town meeting, and who wrote
it?" asks the outlet first (its answer type is the source), and its writers too — the article's byline
(Article.author: 农业科技报-中国农科新闻网记者 齐巨儒 通讯员 娄卓 → 齐巨儒、娄卓). Such a question's credits line then
names the writers (by …, 作者：…) as an author question's does (rag.answering.compose). Matched on the Simplified
form (這篇報道的作者是誰 as 这篇报道的作者是谁)."""

from __future__ import annotations

import re

from rag.answering.question import Question
from rag.lang.script import normalize

# who wrote/reported it, its author or reporter (a reporter's name: 记者是谁); "who reported" only with its "who"
_WRITER = re.compile(r"谁(写|撰写|采写|执笔|报道|编写)的?|作者|撰稿人?|执笔人|(哪|那)(位|个|名)记者|记者(是谁|叫什么)|署名|"
                     r"\bwho (wrote|authored|reported|penned)\b|\bauthors?\b|\bbyline\b|\bwriters?\b|\breporters?\b"
                     r"|\bwritten by whom\b|\bby whom\b", re.I)


def asks_writer(q: Question) -> bool:
    """Whether `q` asks who wrote the article: an author question, or a question about where it came from (the
    source) that also asks its writers (哪家媒体报道的，作者是谁？; Which newspaper …, and who wrote it?)."""
    return q.atype == "author" or (q.atype == "source" and bool(_WRITER.search(normalize(q.text))))
