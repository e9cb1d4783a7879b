"""Who put an event on: 錦江區直聯共建活動是哪些單位主辦的？ (锦江区直联共建活动由谁主办？, 主办单位是哪些？, Which bodies
organised the Jinjiang event?) asks the bodies an article writes right before the organiser's verb (主办, 承办, 协办,
指导: data/organiser_verbs.tsv) — 錦江區委組織部、區直機關工委主辦的…活動 —, not a sentence that only shares the
event's words and many bodies (the award list: …6個錦江區機關黨組織…直聯共建標兵單位…). When no chosen unit names an
organisation right before the asked verb, the best-scored unit of the chosen article that does answers instead."""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.question import Question
from rag.lang.wordlists import read_rows

BETWEEN = 2  # at most this many characters between an organisation's name and the verb (联合, 共同)
_ASKING = ("org", "person", "entity")  # 哪些单位, 由谁, 主办单位是哪些 / which bodies


@lru_cache(maxsize=1)
def _verbs() -> tuple[str, ...]:
    return tuple(row[0] for row in read_rows("rag.answering", "data/organiser_verbs.tsv", 1, 1))


def asked_verbs(q: Question) -> tuple[str, ...]:
    """The organiser's verbs the question asks by (主办 of 主办的, 主办单位, organised)."""
    return tuple(v for v in _verbs() if any(v in t for t, _ in q.terms))


def _organises(ranked: Ranked, row: int, verbs: Sequence[str]) -> bool:
    """Whether the unit at `row` names an organisation (its org slots) right before one of `verbs`."""
    pa, unit = ranked.article_of(row), ranked.unit_of(row)
    for p, a, b in pa.slots.within("org", unit):
        para = pa.units.norm[p - 1]
        for v in verbs:
            # the name pattern may run on into the verb (机关工委主办: 办 ends office names)
            end = b - len(v) if para[a:b].endswith(v) and b - a > len(v) + 1 else b
            if any(para.startswith(v, end + k) for k in range(BETWEEN + 1)):
                return True
    return False


def organiser_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> int | None:
    """The unit of the chosen article naming who organised the event, when the question asks that and no chosen
    unit names it; None otherwise."""
    verbs = asked_verbs(q) if q.atype in _ASKING else ()
    if not verbs or not len(rows) or any(_organises(ranked, int(r), verbs) for r in rows):
        return None
    mine = [int(r) for r in np.where(ranked.owner == ranked.owner[rows[0]])[0]]
    named = [r for r in mine if _organises(ranked, r, verbs)]
    return max(named, key=lambda r: adjusted[r]) if named else None
