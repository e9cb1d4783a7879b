"""Words that introduce or end names in news text (data/names.tsv): surnames, job titles; speech verbs
(rag/lang/data/speech_verbs.tsv)."""

from __future__ import annotations

from functools import lru_cache

from rag.lang.speech import speech_verbs
from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def name_words() -> dict[str, tuple[str, ...]]:
    """kind → words, from data/names.tsv (surnames, titles, what follows a two-character name) and `say`: the speech
    verbs after a speaker's name (rag/lang/data/speech_verbs.tsv `after_name`)."""
    return {row[0]: tuple(dict.fromkeys(row[1].split() if len(row) > 1 else ())) for row in
            read_rows("rag.answering", "data/names.tsv", 1, 2)} | {"say": speech_verbs("after_name")}
