"""Words that introduce or end names in news text (data/names.tsv): surnames, job titles, speech verbs."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def name_words() -> dict[str, tuple[str, ...]]:
    """kind → words, from data/names.tsv (surnames, titles, speech verbs, what follows a two-character name)."""
    text = resources.files("rag.answering").joinpath("data/names.tsv").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            kind, _, words = line.partition("\t")
            out[kind] = tuple(dict.fromkeys(words.split()))
    return out


def alternation(words) -> str:
    """A regex alternation of the words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
