"""Common news words of English questions → the Simplified words articles use for them (`data/glossary.tsv`).

An English question meets Chinese text through its pinyin names and these words (a secretary, a library):
BM25 searches them (rag.index.lexical), and an English question none of whose words meets its articles is
refused (rag.answering.english)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang.pinyin import spells_pinyin
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
    activities → activity), or, for a word no English dictionary has, for the glossary word it is a slip of the
    keyboard for (sigining → signing: `corrected`); empty when it has none."""
    table = glossary()
    for form in (word, *_singulars(word)):
        if form in table:
            return table[form]
    fixed = corrected(word)
    return table[fixed] if fixed else ()


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The English words of data/english_words.tsv (a model's WordPiece vocabulary: scripts/english_words.py)."""
    return frozenset(row[0] for row in read_rows("rag.lang", "data/english_words.tsv", 1, 1))


def known_english(word: str) -> bool:
    """Whether a lower-case word is English: listed, a glossary word, or an inflection of one (decided, cadres)."""
    words, table = english_words(), glossary()
    forms = [word, *_singulars(word)]
    for suffix in ("ed", "d", "ing", "ly", "er", "est"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.append(word[: -len(suffix)])
    return any(f in words or f in table for f in forms)


@lru_cache(maxsize=1024)
def corrected(word: str) -> str | None:
    """The glossary word a word no English dictionary has is a misspelling of: one edit away (two for a word of
    eight letters or more: a letter left out, added, changed, or two swapped), the only glossary word that close;
    None for an English word, a short word, or a word near no glossary word or near several."""
    if len(word) < 4 or not word.isalpha() or known_english(word) or spells_pinyin(word):
        return None  # a romanised name (Quan, Shima) is no slip
    most = 1 if len(word) < 8 else 2
    near: dict[int, list[str]] = {}
    for entry in glossary():
        if entry.isalpha() and abs(len(entry) - len(word)) <= most:
            d = _edits(word, entry, most)
            if d <= most:
                near.setdefault(d, []).append(entry)
    closest = near[min(near)] if near else []
    return closest[0] if len(closest) == 1 else None


def respelt(text: str) -> str:
    """`text` with each word that is a slip for a glossary word written as that word (Which libary → Which library)."""
    def fix(m: re.Match) -> str:
        word = m.group()
        right = corrected(word.lower())
        return word if right is None else right.capitalize() if word[0].isupper() else right

    return re.sub(r"[A-Za-z]+", fix, text)


def unknown_word(word: str) -> bool:
    """A lower-case word that is no English word, no slip for a glossary word (`corrected`) and no slip for an
    English word either (one letter left out, added, changed, or two swapped: peple, becuase): a name or a thing
    the question means that only the articles can know of (blorfle, universiade)."""
    if len(word) < 4 or not word.isalpha() or known_english(word) or corrected(word):
        return False
    words, letters = english_words(), "abcdefghijklmnopqrstuvwxyz"
    if any(known_english(word[:i]) and known_english(word[i:]) for i in range(3, len(word) - 2)):
        return False  # two English words written as one (bookcase)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    slips = ([a + b[1:] for a, b in splits if b] + [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
             + [a + c + b[1:] for a, b in splits if b for c in letters] + [a + c + b for a, b in splits for c in letters])
    return not any(s in words for s in slips)


def _edits(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance between a and b (insert, delete, substitute, swap two neighbours),
    or most + 1 once it is known to exceed `most`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > most:
            return most + 1
        previous2, previous = previous, row
    return previous[-1]


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
