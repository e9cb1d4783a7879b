"""The short answer (`Answer.short`): the span of the chosen unit that fills the question's slot — a name for
谁, a number in the asked-for measure for 多少家, a date for 哪天, a place, an organisation, the title before the
named person for 什么职务 — verbatim from the article; None when the answer is a passage or a list."""

from __future__ import annotations

import re

from rag.answering.pool import PoolArticle
from rag.answering.qfeatures import SLOT_FILLERS, anchor_positions, distance
from rag.answering.question import Question
from rag.answering.units import Span, Unit
from rag.lang.script import normalize

SHORT_TYPES = frozenset({"person", "speaker", "title", "org", "place", "date", "year", "time", "duration", "age", "percent",
                         "money", "number", "source"})
_CLAUSE_START = re.compile(r"[，,。：:；;“”（）()]")


def _inside(span: Span, unit: Unit) -> bool:
    return any(p == span[0] and a <= span[1] and span[2] <= b for p, a, b in unit.spans)


def _title_before(pa: PoolArticle, unit: Unit, names: list[str]) -> Span | None:
    """The title phrase right before a person the question names (集团党委委员、工会主席 in …工会主席郭健说)."""
    for p, a, b in unit.spans:
        para = pa.units.norm[p - 1]
        for name in names:
            i = para.find(name, a, b)
            if i > a:
                start = max((m.end() for m in _CLAUSE_START.finditer(para, a, i)), default=a)
                if i - start >= 2:
                    return (p, start, i)
    return None


def short_answer(q: Question, pa: PoolArticle, unit: Unit) -> str | None:
    """The span of `unit` that answers a typed question, verbatim; None for passages and lists."""
    if q.multi or q.enum or q.atype not in SHORT_TYPES:
        return None
    article = pa.article
    if q.atype == "source":
        return article.source
    qnorm = normalize(q.text)
    names = [t for t, _ in q.terms if len(t) >= 2]
    if q.atype == "title":  # the person the question names, as the unit names them (郭健 of 郭健在…)
        people = [pa.units.norm[s[0] - 1][s[1] : s[2]] for s in pa.slots.within("person", unit)]
        span = _title_before(pa, unit, [n for n in people if n in qnorm])
        return article.paragraph(span[0])[span[1] : span[2]] if span else None
    norm = pa.units.norm
    fresh = [s for kind in SLOT_FILLERS.get(q.atype, ()) for s in pa.slots.within(kind, unit)
             if norm[s[0] - 1][s[1] : s[2]] not in qnorm]
    if q.measure:
        fresh = [s for s in fresh if pa.slots.measures.get(s, "").endswith(q.measure)] or fresh
    if q.head and q.atype in ("place", "org"):  # 哪个区 → a name ending in 区
        fresh = [s for s in fresh if norm[s[0] - 1][s[1] : s[2]].endswith(q.head)] or fresh
    if q.atype == "speaker":
        fresh = fresh[-1:]  # the speaker line follows the quotation
    if not fresh:
        return None
    anchors = anchor_positions(norm, names)
    best = min(fresh, key=lambda s: (distance([s], anchors), -(s[2] - s[1])))
    return article.paragraph(best[0])[best[1] : best[2]]
