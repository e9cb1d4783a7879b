"""A question that asks twice of one event (青岛市委网信办的擂台比武是哪一天办的？会后是谁发表了感想？): its asks are
answered from one passage. A unit chosen beside the best one for its score, far from it in the article, that says
no word of the question the best one does not and holds the filler of one of the asks (a person: 获胜的…全胜文表示,
of another contest) gives way to a unit next to the best one that holds a filler of that kind (…”青岛市委网信办…
张福杰说。). An ask's own unit (rag.answering.extractive.ask_rows) is among its best-ranked units that say its
words, or for who the best unit saying its act (who came to introduce it → …印象城负责人分别介绍了…)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from rag.answering.asks import asks
from rag.answering.model import Ranked
from rag.answering.qfeatures import SLOT_FILLERS
from rag.answering.question import Question, analyze, written_forms
from rag.lang.script import normalize

NEAR = 1  # sentences each side of the best unit that are its passage


def _kinds(text: str) -> tuple[str, ...]:
    return SLOT_FILLERS.get(analyze(text).atype, ())


def _near(ranked: Ranked, row: int, best: int) -> bool:
    a, b = ranked.unit_of(row), ranked.unit_of(best)
    return a.sentence <= b.sentence + b.sentences - 1 + NEAR and b.sentence - NEAR <= a.sentence + a.sentences - 1


def _holds(ranked: Ranked, row: int, kinds: Sequence[str]) -> bool:
    pa, unit = ranked.article_of(row), ranked.unit_of(row)
    return any(pa.slots.within(kind, unit) for kind in kinds)


def _said(ranked: Ranked, row: int, words: Sequence[str]) -> int:
    text = normalize(ranked.unit_of(row).text)
    return sum(w in text for w in words)


def one_passage(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> list[int]:
    """`rows` (one article's chosen units) with a unit far from the best one that answers an ask of a question
    asking twice swapped for the best-scoring unit next to the best one that answers that ask as well (holds a
    filler of its kind, says as many of its words, overlaps no chosen unit); `rows` unchanged otherwise."""
    found = asks(written_forms(normalize(q.text))) if len(rows) >= 2 else []
    if len(found) < 2 or q.multi:
        return list(rows)
    best = max(rows, key=lambda r: adjusted[r])
    event = [t for t, _ in q.terms if len(t) >= 2]
    owner = int(ranked.owner[best])
    out = list(rows)
    for i, r in enumerate(rows):
        if r == best or _near(ranked, r, best) or _said(ranked, r, [t for t in event if not _said(ranked, best, [t])]):
            continue  # a unit far away that says a word of the question the best one does not may be of the same
            # event, told apart (…在青山区图书馆联合召开…, and 本次会议由…主持 two paragraphs on)
        for text in found:
            kinds = _kinds(text)
            if not kinds or not _holds(ranked, r, kinds):
                continue
            words = [t for t, _ in analyze(text).terms if len(t) >= 2]
            others = [ranked.unit_of(o) for o in out if o != r]
            near = [int(x) for x in np.where(ranked.owner == owner)[0]
                    if _near(ranked, int(x), best) and _holds(ranked, int(x), kinds)
                    and not any(ranked.unit_of(int(x)).overlaps(u) for u in others)
                    and _said(ranked, int(x), words) >= _said(ranked, r, words)]
            if near:
                out[i] = max(near, key=lambda x: adjusted[x])
                break
    return sorted(dict.fromkeys(out), key=lambda r: ranked.unit_of(r).spans[0])


ASK_TOP = 5  # an ask's unit is among its best-scoring units of the article


def ask_unit(asked: Question, ranked: Ranked, scores: np.ndarray, own: Sequence[str]) -> int | None:
    """The unit (row of `ranked`, one article ranked for one ask) that answers one ask of a question asking more
    than once: of its ASK_TOP best-scoring units, the first that says a word of the ask (`own`) and holds a filler
    of the kind it asks for; for who, a body's too when the unit says the ask's act (who came to introduce it →
    …武汉印象城负责人分别介绍了…循环书屋计划…), else for who the best unit saying the ask's act. None when none
    does."""
    kinds = SLOT_FILLERS.get(asked.atype, ())
    bodies = ("org",) if asked.atype in ("person", "speaker") else ()
    for r in np.argsort(-scores, kind="stable")[:ASK_TOP]:
        r = int(r)
        text = normalize(ranked.unit_of(r).text)
        if not any(t in text for t in own):
            continue
        if _holds(ranked, r, kinds) or (bodies and _holds(ranked, r, bodies)):
            return r
    acts = [t for t in own if len(t) >= 2]
    if bodies and acts:  # who did it, when no well-ranked unit names one who did: the best unit saying the act
        # (介绍: …印象城负责人分别介绍了…), its doer named by a role, not a name the slots know
        saying = [r for r in range(len(scores)) if all(t in normalize(ranked.unit_of(r).text) for t in acts)]
        return max(saying, key=lambda r: scores[r]) if saying else None
    return None
