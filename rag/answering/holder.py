"""Who holds a title at a place: "Who is the Party committee secretary of Shima town?" asks for the person written
right after that title (镇党委书记魏爱军), not for another office of the same place (石马镇党委副书记、镇长黄充: a
deputy) nor the same title at the other place (小枧镇党委书记陈胡立). Titles come before names in Chinese news.

The title and place come from the question (premise.asked_role_place: 石马镇党委书记 → 石马, 党委书记; "the Party
committee secretary of Shima town" → 石马 and the Chinese titles of data/premise.tsv `title_en`). A unit of the
answer's article holds the title's holder when a name (the person slots of rag.answering.slots) follows one of
those titles, no deputy's (副/代 before it), and either its clause ties the title to the asked place (小枧镇党委书记
陈胡立 for 小枧镇) or the title stands with no place of its own (受镇党委书记魏爱军委托) in a sentence that names the
asked place and in a clause that names no other. The holder's unit answers, its name the short answer."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.places import place_kinds, place_suffixes
from rag.answering.premise import asked_role_place, ties_role
from rag.answering.question import Question, written_question
from rag.answering.slots import proper_part
from rag.lang.sentences import STOPS

_CLAUSE_END = STOPS + "，,：:"
_DEPUTY = "副代"


def holder_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> tuple[int, str] | None:
    """The unit of the chosen article naming the holder of the title the question asks at a place, and the name as
    the article writes it; None when the question ties no title to a place, or no unit names its holder."""
    if q.atype not in ("person", "speaker") or not len(rows):
        return None
    owner = int(ranked.owner[rows[0]])
    pa = ranked.pool[owner]
    asked = asked_role_place(_of_form(q), [pa.units.text])
    if asked is None or not asked[0] or asked[0] not in pa.units.text:
        return None
    place, title, forms = asked
    place = _innermost(q, title, place)
    forms = tuple(f for f in forms if len(f) >= 2)
    best: tuple[tuple[int, float], int, str] | None = None
    for r in np.where(ranked.owner == owner)[0]:
        unit = ranked.unit_of(int(r))
        for p, a, b in pa.slots.within("person", unit):
            tie = _tie(pa.units.norm[p - 1], a, place, forms)
            if tie:
                key = (tie, float(adjusted[r]))
                if best is None or key > best[0]:
                    best = (key, int(r), pa.article.paragraph(p)[a:b])
    return (best[1], best[2]) if best else None


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """Of the kinds of place (rag.answering.places.place_kinds; a province's never: 省委, no bare 省党委): what may
    stand before a title with no place of its own (nothing, or a bare 镇/乡/县/区/市: 镇党委书记); "Xiaojian town's
    Party secretary", asked as "the Party secretary of Xiaojian town"; a run of places within places ending a
    question's words before its title (小枧镇三星社区); one place of such a run."""
    kinds = place_kinds()
    below = [s for s in place_suffixes() if s != "省"]
    bare = re.compile(rf"(?:^|[受由经据在与和及、])(?:{'|'.join(below)})?(?:党委|党工委)?$")
    english = "|".join(w for w, suffixes in kinds.items() if suffixes and "省" not in suffixes)
    possessive = re.compile(rf"\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,2}}(?:\s+(?:{english}))?)['’]s\s+((?:[\w-]+\s+){{0,3}}?[\w-]+)"
                            r"(?=\s*(?:[?,.]|$|\b(?:in|at|on|from)\b))")
    suffix = "|".join(place_suffixes())
    return bare, possessive, re.compile(rf"(?:[\u4e00-\u9fff]{{2,6}}?(?:{suffix}))+$"), re.compile(rf"[\u4e00-\u9fff]{{2,6}}?(?:{suffix})")


def _of_form(q: Question) -> Question:
    """An English question's "X town's <title>" written as "the <title> of X town" (what asked_role_place reads)."""
    if q.script != "en":
        return q
    m = _patterns()[1].search(q.text)
    if not m:
        return q
    return replace(q, text=q.text[: m.start()] + f"the {m.group(2)} of {m.group(1)}" + q.text[m.end() :])


def _innermost(q: Question, title: str, place: str) -> str:
    """The place the title is held at when the question names places within places before it (小枧镇三星社区党委
    书记: 三星, not 小枧); `place` otherwise."""
    if q.script == "en":
        return place
    norm = written_question(q.text)
    i = norm.find(title)
    _, _, place_run, one_place = _patterns()
    run = place_run.search(re.sub(r"(?:的)?(?:党委|党工委|人民政府|政府)?(?:副|代)?$", "", norm[:i])) if i > 0 else None
    places = one_place.findall(run.group()) if run else []
    return proper_part(places[-1]) if len(places) > 1 else place


def _names_other(before: str, place: str) -> bool:
    """Whether the clause `before` a title names a place other than `place` (小枧镇… when 石马 is asked)."""
    return any(not m.group().startswith(place) and place not in m.group() for m in _patterns()[3].finditer(before))


def _tie(norm: str, a: int, place: str, forms: Sequence[str]) -> int:
    """2 when the name at `a` follows a title of `forms` tied to `place` in its clause, 1 when that title stands
    bare in a sentence naming `place` and a clause naming no other place, 0 otherwise."""
    title = next((f for f in forms if norm.startswith(f, a - len(f))), None)
    if title is None:
        return 0
    start = a - len(title)
    if start > 0 and norm[start - 1] in _DEPUTY:
        return 0
    clause = max((k + 1 for k in range(start) if norm[k] in _CLAUSE_END), default=0)
    before = norm[clause:start]
    if ties_role(before + title, place, (title,)):
        return 2
    sentence_start = max((k + 1 for k in range(start) if norm[k] in STOPS), default=0)
    sentence_end = next((k for k in range(a, len(norm)) if norm[k] in STOPS), len(norm))
    if _patterns()[0].search(before) and not _names_other(before, place) and place in norm[sentence_start:sentence_end]:
        return 1
    return 0
