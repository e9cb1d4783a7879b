"""Clause ties: which clause runs a summary may cut from a sentence without leaving a fragment.

A clause that only says who spoke (…李国华说：“…” / 周晓梅介绍，… / “…”，他说。) is never kept without the words it
introduces or closes, and a quotation it introduces is never kept without its speaker: a run may not end at a
speech tail that has words after it (NO_END), nor start at a tail whose words came before it, or at the quotation
a tail introduces (NO_START). Read on the Simplified twin (Traditional 說/表示 and 「…」 match the same); the speech
verbs are data/unit_cues.tsv's `speech` list (rag.answering.cues), less the nouns of data/speech_nouns.tsv
(小说, 昵称, 做出回应)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.cues import alt
from rag.lang.wordlists import alternation, read_word_lists

NO_END = 1  # a run may not end at this clause (its words follow)
NO_START = 2  # a run may not start at this clause (its words, or its speaker, come before)
_QUOTE_OPEN = "“「‘『\""


@lru_cache(maxsize=1)
def _speech_tail() -> re.Pattern:
    """A clause that only names who speaks: no quotation in it, ending with a speech verb (说/表示/介绍/…道)."""
    return re.compile(rf"^[^“”「」‘’『』\"。！？!?]{{1,40}}(?:{alt('speech')}|强调)道?\s*[:：。！!]?\s*$")


@lru_cache(maxsize=1)
def _speech_noun() -> re.Pattern:
    """A clause ending in a word that ends in a speech verb and is none (小说, 昵称, 做出回应: data/speech_nouns.tsv)."""
    nouns = read_word_lists("rag.answering", "data/speech_nouns.tsv")["not_speech"]
    return re.compile(rf"(?:{alternation(nouns)})\s*[:：。！!]?\s*$")


def clause_ties(clauses: Sequence[tuple[int, int]], twin: str) -> np.ndarray:
    """Per clause of one sentence (offsets into its paragraph's Simplified `twin`): NO_END and/or NO_START."""
    ties = np.zeros(len(clauses), dtype=np.int8)
    tail = _speech_tail()
    last = len(clauses) - 1
    for j, (a, b) in enumerate(clauses):
        text = twin[a:b].strip()
        if not tail.match(text) or _speech_noun().search(text):
            continue
        if j < last:
            ties[j] |= NO_END  # 李国华说：“…” / 周晓梅介绍，…: what was said follows
            if twin[clauses[j + 1][0]:clauses[j + 1][1]].lstrip()[:1] in _QUOTE_OPEN:
                ties[j + 1] |= NO_START  # the quotation keeps its speaker
        elif j > 0:
            ties[j] |= NO_START  # “…”，他说。 / …，李国华说。: what was said came before
    return ties
