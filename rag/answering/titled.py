"""What a thing is called: a question asking the name of a mechanism, campaign or programme (那个机制叫什么？
What were the co-building mechanisms called …?) is answered by the unit that quotes the name right before the
thing (创新实施“12345”工作机制; 举行基层党建“四互争一流”结对共建签约仪式), not by a sentence that only says the
thing's word (要深化共建机制). The things are data/titled_things.tsv's (the same list that makes such a question
ask a title: rag.answering.question); an English one is met through the glossary (mechanisms → 机制)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.question import Question
from rag.lang.glossary import chinese_of
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows

AFTER = 6  # at most this many characters between a quoted name's closing mark and the thing it names
_TITLE = re.compile(r"《[^《》\n]{2,30}》")
_QUOTED = re.compile(r"[“\"「]([^“”\"「」\n]{2,14})[”\"」]")


@lru_cache(maxsize=1)
def _things() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = read_rows("rag.answering", "data/titled_things.tsv", 2, 2)
    return tuple(n for s, n in rows if s == "zh"), tuple(n for s, n in rows if s == "en")


def asked_things(q: Question) -> tuple[str, ...]:
    """The Chinese words of the things whose name the question asks (机制 for 工作机制叫什么？, "what were the
    mechanisms called"): a listed thing right before 叫什么/的名字/名称, or an English one before "called"/"named"
    or after "the name of"."""
    zh, en = _things()
    norm = normalize(q.text)
    found = [n for n in zh if re.search(rf"{re.escape(n)}的?(?:叫|名字|名称)", norm)]
    for word in en:
        w = re.escape(word)
        if re.search(rf"\b{w}\b[^?？]{{0,40}}\b(?:called|named)\b|\bname of (?:the|that|this|their|its) {w}\b", q.text, re.I):
            found += chinese_of(word)
    return tuple(dict.fromkeys(found))


def names_it(text: str, words: Sequence[str]) -> bool:
    """Whether `text` quotes a short name with one of `words` right after it (“12345”工作机制)."""
    return any(any(w in text[m.end() : m.end() + AFTER + len(w)] for w in words) for m in _QUOTED.finditer(text))


def titled_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> int | None:
    """Of `rows` (one article's), the best-scored unit quoting a name right before the thing asked about, or,
    when none does, right before another word of the question (“四互争一流”结对共建 for co-building); None
    when the question asks no thing's name or no unit quotes one so."""
    if q.atype != "entity":
        return None
    things = asked_things(q)
    if not things:
        return None
    words = [t for t, _ in q.terms if len(t) >= 2 and t not in things]
    for wanted in (things, words):
        named = [int(r) for r in rows if names_it(ranked.unit_of(int(r)).text, wanted)]
        if named:
            return max(named, key=lambda r: adjusted[r])
    return None


def with_title(q: Question, ranked: Ranked, row: int, adjusted: np.ndarray) -> int:
    """`row`, or the unit of its article that names the thing asked about when `row` quotes no name at all (a
    unit quoting one, “铁头妈妈” in 《“铁头妈妈”的后方力量》, already answers with a title)."""
    text = ranked.unit_of(row).text
    if q.atype != "entity" or _QUOTED.search(text) or _TITLE.search(text):
        return row
    mine = np.where(ranked.owner == ranked.owner[row])[0]
    better = titled_row(q, ranked, mine, adjusted)
    return row if better is None else better
