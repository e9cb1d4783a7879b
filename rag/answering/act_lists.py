"""A list of acts asked for (錦江區直聯共建活動現場簽約了哪幾個項目？請列出來; 请逐一列出签约的项目): the article lists them
in a sentence that says the act once per item, in the question's verb or a synonym of it (区委党校党支部和…社区党委
签署“…”项目、区检察院机关党委和…签署“…”项目、…: 签署 for 签约, rag/lang/data/news_verbs.tsv), while the sentence
announcing them (…还举行了…项目签约仪式。) says the question's own word and ranks above the list."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.multi import news_verbs
from rag.answering.question import Question, synonyms
from rag.lang.script import normalize

MIN_ACTS = 2  # a unit saying the act this many times lists the acts


def _acts(text: str, verbs: Sequence[str]) -> int:
    return sum(text.count(w) for v in verbs for w in dict.fromkeys((v, *synonyms(v))))


def act_list_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> int | None:
    """For a list question whose act articles say in several ways (签约, 颁奖, 举办), the unit of the chosen
    article that says the act MIN_ACTS times or more — the most, then the best-scoring — when no chosen unit does;
    None otherwise."""
    verbs = news_verbs(q)
    if not (q.enum and verbs and len(rows)):
        return None

    def acts(r: int) -> int:
        return _acts(normalize(ranked.unit_of(r).text), verbs)

    if any(acts(int(r)) >= MIN_ACTS for r in rows):
        return None
    mine = [int(r) for r in np.where(ranked.owner == ranked.owner[rows[0]])[0]]
    listing = [r for r in mine if acts(r) >= MIN_ACTS]
    return max(listing, key=lambda r: (acts(r), adjusted[r])) if listing else None
