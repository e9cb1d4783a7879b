"""Common news words of English questions → the Simplified words articles use for them (`data/glossary.tsv`).

An English question meets Chinese text through its pinyin names and these words (a secretary, a library):
BM25 searches them (rag.index.lexical), and an English question none of whose words meets its articles is
refused (rag.answering.english)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English word → its Chinese words, from the data file."""
    return {row[0].strip(): tuple(row[1].split() if len(row) > 1 else ())
            for row in read_rows("rag.lang", "data/glossary.tsv", 1, 2)}


def glossary_words(text: str) -> list[str]:
    """The Chinese words the glossary gives for the English words of `text`, in order, once each. A hyphenated
    word (direct-link, co-building) is looked up whole, else each of its parts."""
    out: list[str] = []
    for word in re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()):
        whole = chinese_of(word) if "-" in word else ()
        out += whole or [han for part in word.split("-") for han in chinese_of(part)]
    return list(dict.fromkeys(out))


def chinese_of(word: str) -> tuple[str, ...]:
    """The glossary's Chinese words for an English word (lower-case), or for its singular (projects → project,
    activities → activity); empty when it has none."""
    table = glossary()
    for form in (word, *_singulars(word)):
        if form in table:
            return table[form]
    return ()


def _singulars(word: str) -> list[str]:
    if len(word) > 4 and word.endswith("ies"):
        return [word[:-3] + "y"]
    if len(word) > 3 and word.endswith("es"):
        return [word[:-1], word[:-2]]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    return []


_HOW_MANY = re.compile(r"\bhow many ((?:[a-z'-]+ ){0,2}[a-z'-]+)")


@lru_cache(maxsize=1)
def count_nouns() -> dict[str, str]:
    """English count noun → the Chinese measure word it is counted in, from data/count_nouns_en.tsv."""
    return dict(read_rows("rag.lang", "data/count_nouns_en.tsv", 2, 2))


def english_measure(norm: str) -> str | None:
    """The Chinese measure word an English "how many …" question counts in (how many working groups → 个),
    from data/count_nouns_en.tsv; None when its noun is not listed."""
    m = _HOW_MANY.search(norm)
    if not m:
        return None
    table = count_nouns()
    return next((table[w] for w in m.group(1).split() if w in table), None)
