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
from rag.answering.question import LIGHT_VERBS, Question, analyze, synonyms, written_question
from rag.lang.script import normalize

NEAR = 1  # sentences each side of the best unit that are its passage


def _kinds(text: str) -> tuple[str, ...]:
    return SLOT_FILLERS.get(analyze(text).atype, ())


def _near(ranked: Ranked, row: int, best: int) -> bool:
    """Within NEAR sentences of the best unit, and in its paragraph or in one that gives no date of its own (the
    sentence closing 7月6日,青岛城投集团举办…擂台赛 is of that event, not of 7月1日,青岛市委网信办… right after it)."""
    a, b = ranked.unit_of(row), ranked.unit_of(best)
    if not (a.sentence <= b.sentence + b.sentences - 1 + NEAR and b.sentence - NEAR <= a.sentence + a.sentences - 1):
        return False
    mine = {p for p, _, _ in b.spans}
    pa = ranked.article_of(row)
    return all(p in mine or not any(pa.slots.within("date", u) for u in pa.units.units if u.spans[0][0] == p)
               for p, _, _ in a.spans)


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
    found = asks(written_question(q.text)) if len(rows) >= 2 else []
    if len(found) < 2 or q.multi:
        return list(rows)
    best = _anchor(q, ranked, rows, adjusted, found[0])
    # the words that tell one event from another: not an act every event has (举办, 召开, 举行: a light verb or a
    # news verb said in several ways), which another event's sentence says as well (…莱西市税务局党委举办…擂台赛,
    # 获胜的…全胜文表示 beside 7月1日,青岛市委网信办组织各支部开展擂台比武活动 for …擂台比武是哪天举办的？是谁…)
    event = [t for t, _ in q.terms if len(t) >= 2 and t not in LIGHT_VERBS and not synonyms(t)]
    owner = int(ranked.owner[best])
    out = list(rows)
    for i, r in enumerate(rows):
        if r == best or _near(ranked, r, best) or _said(ranked, r, [t for t in event if not _said(ranked, best, [t])]):
            continue  # a unit far away that says a word of the question the best one does not may be of the same
            # event, told apart (…在青山区图书馆联合召开…, and 本次会议由…主持 two paragraphs on)
        answers_one = any(_kinds(text) and _holds(ranked, r, _kinds(text)) for text in found)
        for text in found:
            kinds = _kinds(text)
            # the ask it answers; or, answering none, an ask no other chosen unit answers (会后谁谈了感想 beside
            # …擂台比武述讲人原则上应为党组织书记, which names no one)
            if not kinds or not (_holds(ranked, r, kinds) or not answers_one
                                 and not any(_holds(ranked, o, kinds) for o in out if o != r)):
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


def _anchor(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray, first: str) -> int:
    """The unit the passage is around: the one answering the first ask when that asks a kind of its own (its unit
    joined by rag.answering.extractive.ask_rows: …是哪天举办的？是谁发表了感想？ is about the event dated, 7月1日,
    青岛市委网信办组织…擂台比武活动), the one saying most of that ask's words among those holding its kind; else the
    best-scoring unit."""
    best = max(rows, key=lambda r: adjusted[r])
    kinds = _kinds(first)
    if not kinds or analyze(first).atype == q.atype:
        return best
    words = [t for t, _ in analyze(first).terms if len(t) >= 2]
    holding = [r for r in rows if _holds(ranked, r, kinds)]
    return max(holding, key=lambda r: (_said(ranked, r, words), adjusted[r])) if holding else best


ASK_TOP = 5  # an ask's unit is among its best-scoring units of the article


def ask_unit(asked: Question, ranked: Ranked, scores: np.ndarray, own: Sequence[str]) -> int | None:
    """The unit (row of `ranked`, one article ranked for one ask) that answers one ask of a question asking more
    than once: of its ASK_TOP best-scoring units, the first that says a word of the ask (`own`) and holds a filler
    of the kind it asks for; for who, a body's too when the unit says the ask's act (who came to introduce it →
    …武汉印象城负责人分别介绍了…循环书屋计划…), else for who the best unit saying the ask's act. None when none
    does."""
    kinds = SLOT_FILLERS.get(asked.atype, ())
    bodies = ("org",) if asked.atype in ("person", "speaker") else ()
    # an ask whose words the article never says (who spoke about it: 'spoke' glossed 发言/讲话, the article writes
    # …张福杰说) asks only its kind: the passage then decides which of its units (one_passage)
    said = any(t in normalize(ranked.unit_of(r).text) for r in range(len(scores)) for t in own)
    for r in np.argsort(-scores, kind="stable")[:ASK_TOP]:
        r = int(r)
        text = normalize(ranked.unit_of(r).text)
        if said and not any(t in text for t in own):
            continue
        if _holds(ranked, r, kinds) or (bodies and _holds(ranked, r, bodies)):
            return r
    acts = [t for t in own if len(t) >= 2]
    if bodies and acts:  # who did it, when no well-ranked unit names one who did: the best unit saying the act
        # (介绍: …印象城负责人分别介绍了…), its doer named by a role, not a name the slots know
        saying = [r for r in range(len(scores)) if all(t in normalize(ranked.unit_of(r).text) for t in acts)]
        return max(saying, key=lambda r: scores[r]) if saying else None
    return None
