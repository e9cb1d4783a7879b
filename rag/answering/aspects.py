"""What a plan or a speech covers. Two question styles the unit ranker answers with the wrong sentence of the
right article, because their asking words are in no sentence:

- what comes next (下一步打算做什么？ What are they planning to work on next?): the article's sentence that opens
  with 下一步/接下来/今后 is the answer, not the event's opening sentence;
- in which aspects (两边的代表都谈了哪些方面？): the sentence that says 方面 with the question's own verb (…从…和…
  等方面进行了交流发言), not another sentence listing aspects (…在…等方面持续发力).

Patterns are data (data/aspects.tsv)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.question import Question, synonyms
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows

ASPECT = "方面"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    kinds: dict[str, list[str]] = {}
    for kind, pattern in read_rows("rag.answering", "data/aspects.tsv", 2, 2):
        kinds.setdefault(kind, []).append(pattern)
    return {k: re.compile("|".join(f"(?:{p})" for p in v), re.I) for k, v in kinds.items()}


def _says(text: str, verbs: Sequence[str]) -> bool:
    return any(w in text for v in verbs for w in (v, *synonyms(v)))


def aspect_row(q: Question, ranked: Ranked, row: int, adjusted: np.ndarray) -> int:
    """`row`, or a better unit of its article for a question asking what comes next or in which aspects."""
    norm = normalize(q.text)
    mine = [int(r) for r in np.where(ranked.owner == ranked.owner[row])[0]]
    text = ranked.unit_of(row).text
    found: list[int] = []
    if _patterns()["ahead"].search(norm) and not _patterns()["opening"].search(text):
        found = [r for r in mine if _patterns()["opening"].search(ranked.unit_of(r).text)]
    elif _patterns()["aspects"].search(norm):
        verbs = [v for v in q.predicates if len(v) >= 2] or [t for t, _ in q.terms if len(t) >= 2 and synonyms(t)]
        if not (ASPECT in text and (not verbs or _says(text, verbs))):
            found = [r for r in mine if ASPECT in ranked.unit_of(r).text and (not verbs or _says(ranked.unit_of(r).text, verbs))]
    return max(found, key=lambda r: adjusted[r]) if found else row
