"""Pinyin: how an English question's romanised names (Shima, Qu'an, Honggangcheng) meet the Han words of the
articles (石马, 渠岸, 红钢 + 钢城). Readings come from pypinyin's character table."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from rag.lang.script import HAN, HAN_RUN

_HAN_WORD = re.compile(f"^[{HAN}]{{2,4}}$")
# A capitalised Latin word that may be a romanised Chinese name (Shima, Qingdao, Qu'an): a pinyin syllable
# break is kept in the match and dropped from the spelling; a possessive 's is left off.
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]+(?:'[aeo][a-z]*)?")


def romanised_names(text: str, min_len: int = 3) -> list[str]:
    """The capitalised Latin words of `text` as pinyin spellings (lower-cased, no apostrophe), in order."""
    names = (m.group().replace("'", "").lower() for m in _LATIN_NAME.finditer(text))
    return [n for n in names if len(n) >= min_len]


def romanised_pairs(text: str) -> list[str]:
    """Two capitalised Latin words in a row spelt as one (Wang Gang → 'wanggang', Huang Chong → 'huangchong'):
    a person's name romanised syllable by syllable, whose single syllables spell no word of two characters."""
    out = []
    for run in _LATIN_RUN.finditer(text):
        words = [w.replace("'", "").lower() for w in _LATIN_NAME.findall(run.group())]
        out += [a + b for a, b in zip(words, words[1:])]
    return list(dict.fromkeys(out))


_LATIN_RUN = re.compile(r"\b[A-Z][a-z]+(?:'[aeo][a-z]*)?(?:[ \t]+[A-Z][a-z]+(?:'[aeo][a-z]*)?)+")


@lru_cache(maxsize=1)
def char_readings() -> dict[str, tuple[str, ...]]:
    """Every Han character's toneless pinyin readings (from pypinyin's table)."""
    from pypinyin.pinyin_dict import pinyin_dict

    def toneless(reading: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))

    return {chr(code): tuple(dict.fromkeys(toneless(r) for r in readings.split(","))) for code, readings in pinyin_dict.items()}


def romanisations(word: str, limit: int = 8) -> list[str]:
    """Toneless pinyin spellings of a Han word, every reading of polyphonic characters (at most `limit`)."""
    table = char_readings()
    spellings = [""]
    for ch in word:
        readings = table.get(ch)
        if not readings:
            return []
        spellings = [s + r for s in spellings for r in readings][:limit]
    return spellings


def pinyin_map(words: Iterable[str]) -> dict[str, list[str]]:
    """pinyin → the index's Han words spelt so (2-4 characters), so an English question naming a place or a
    person in pinyin ("Shima town") finds the Chinese word (石马). Empty when pypinyin is not installed."""
    try:
        char_readings()
    except ImportError:
        return {}
    out: dict[str, list[str]] = {}
    for word in words:
        if _HAN_WORD.match(word):
            for spelling in romanisations(word):
                out.setdefault(spelling, []).append(word)
    return out


def spelt_words(name: str, pinyin: dict[str, list[str]]) -> list[str]:
    """The index's words that a romanised name spells: whole (shima → 石马), or, for a three-syllable name
    jieba never made a word of, its two overlapping pairs (honggangcheng → 红钢 + 钢城, which share 钢)."""
    if name in pinyin:
        return pinyin[name]
    for j in range(4, len(name)):  # name[:j] spells the first pair ...
        for first in pinyin.get(name[:j], ()):
            for i in range(2, j - 1):  # ... name[i:] the second; they overlap by one syllable, name[i:j]
                second = [w for w in pinyin.get(name[i:], ()) if w[0] == first[-1] and len(first) == len(w) == 2]
                if second:
                    return [first, *second]
    return []


@lru_cache(maxsize=64)  # each entry maps every 2–4 character run of an article: keep few
def pinyin_index(text: str) -> dict[str, frozenset[str]]:
    """Toneless pinyin spelling → the Han words of 2–4 characters in `text` spelt so (石马 → 'shima').

    Empty when pypinyin is not installed. Lets an English question that names a place or a person in
    pinyin ("Shima town", "the Qingdao article") meet the Chinese text.
    """
    try:
        char_readings()
    except ImportError:
        return {}
    out: dict[str, set[str]] = {}
    for run in HAN_RUN.findall(text):
        for n in (2, 3, 4):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                for spelling in romanisations(gram, limit=4):
                    out.setdefault(spelling, set()).add(gram)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(r for readings in char_readings().values() for r in readings if r.isascii() and r.isalpha())


def spells_pinyin(word: str) -> bool:
    """Whether a lower-case word is a run of pinyin syllables (qingshan, shima, xiaojian): a romanised name,
    never taken for a misspelt English word. False when pypinyin is not installed."""
    try:
        syllables = _syllables()
    except ImportError:
        return False
    ends = {0}
    for i in range(1, len(word) + 1):
        if any(word[j:i] in syllables for j in ends if 0 < i - j <= 6):
            ends.add(i)
    return len(word) in ends
