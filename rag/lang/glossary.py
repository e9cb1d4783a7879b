"""Common news words of English questions → the Simplified words articles use for them (`data/glossary.tsv`).

An English question meets Chinese text through its pinyin names and these words (a secretary, a library):
BM25 searches them (rag.index.lexical), and an English question none of whose words meets its articles is
refused (rag.answering.english)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English word → its Chinese words, from the data file."""
    out: dict[str, tuple[str, ...]] = {}
    text = resources.files("rag.lang").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        english, _, chinese = line.partition("\t")
        out[english.strip()] = tuple(chinese.split())
    return out


def glossary_words(text: str) -> list[str]:
    """The Chinese words the glossary gives for the English words of `text`, in order, once each."""
    table = glossary()
    words = re.findall(r"[a-z]+", text.lower())
    return list(dict.fromkeys(han for w in words for han in table.get(w, ())))
