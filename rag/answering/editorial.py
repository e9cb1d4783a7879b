"""What a news editor leaves out of a summary, by rule on top of the learned scores (which only discount it,
since CRUD's references sometimes keep it): purpose preambles ("为全面贯彻…，"), slogans and attendance lists.

- a sentence that opens with a purpose or basis clause loses its leading clauses up to the first one that
  carries news (a date, a number, an event, decision or speech verb, a named actor); with none, it is dropped;
- a clause dense in slogans and carrying no news is dropped, and a sentence made of such clauses, or one that
  loses a slogan clause and has no hard news (a quantity, a day, an event, a named document) left;
- a clause listing who attended (参加/出席/… with an enumeration) is dropped from its sentence;
- a sentence that is all quotation, or only says who spoke the quotation before it (…书记郑素秀说。), is dropped:
  a summary reports what was said, it does not open with a quote.
- a sentence that loses a clause to these rules and keeps no hard news is dropped.

Patterns come from data/unit_cues.tsv (rag.answering.cues), matched on the Simplified twin."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from rag.answering.clauses import Sentence
from rag.answering.cues import editorial_patterns


def slogany(text: str) -> bool:
    hits = len(editorial_patterns()["slogan"].findall(text))
    return hits >= 2 or (hits >= 1 and len(text) < 24)


def editorial_flags(sentences: Sequence[Sentence], twins: Sequence[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    """(sentence dropped, and per sentence: clause dropped); `twins` are the paragraphs' Simplified twins."""
    rx = editorial_patterns()
    drop = np.zeros(len(sentences), dtype=bool)
    clause_drop: list[np.ndarray] = []
    for i, s in enumerate(sentences):
        para = twins[s.paragraph - 1]
        texts = [para[a:b] for a, b in s.clauses]
        flags = np.zeros(len(texts), dtype=bool)
        if rx["purpose"].match(texts[0]):
            flags[0] = True
            for j in range(1, len(texts)):
                if (rx["news"].search(texts[j]) or rx["actor"].search(texts[j])) and not rx["basis"].match(texts[j]):
                    break
                flags[j] = True
        ruled = False
        for j, t in enumerate(texts):
            if slogany(t) and not rx["hard"].search(t):
                flags[j] = ruled = True
            elif rx["attend"].search(t) and sum(t.count(c) for c in "、和及与") >= 2:
                flags[j] = ruled = True
        whole = para[s.start:s.end]
        rest = [t for t, f in zip(texts, flags) if not f]
        if rx["attribution"].match(whole) or rx["quotation"].match(whole) or flags.all() or (slogany(whole) and not rx["news"].search(whole) and len(rx["slogan"].findall(whole)) >= 3):
            drop[i] = True
        elif ruled and not any(rx["hard"].search(t) for t in rest):
            drop[i] = True
        clause_drop.append(flags)
    return drop, clause_drop
