"""A Chinese question that names a province (哪几篇发生在四川？, 湖北那篇讲了什么？) is about the cities and counties of
it that the articles name (绵阳, 成都; 武汉): those join the question's words at the province's weight, as an English
question's pinyin province does (rag.answering.english.province_terms). Province and cities: data/provinces.tsv."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Sequence

from rag.answering.english import provinces
from rag.answering.question import Question
from rag.lang.script import normalize
from rag.lang.wordlists import alternation, read_rows


def province_cities(q: Question, texts: Iterable[str]) -> Question:
    """`q` with the cities of each province it names that `texts` name (an article naming 四川 itself beside one
    naming only 绵阳 still meets 四川 through 绵阳), each at the province's weight; unchanged for an English
    question or one naming no province."""
    if q.script == "en":
        return q
    table = provinces()
    named = [(t, w) for t, w in q.terms if t in table]
    if not named:
        return q
    joined = "\n".join(texts)
    terms = dict(q.terms)
    for province, weight in named:
        for city in table[province]:
            if city != province and city in joined:
                terms.setdefault(city, weight)
    return replace(q, terms=tuple(terms.items()))


@lru_cache(maxsize=1)
def place_kinds() -> dict[str, tuple[str, ...]]:
    """data/place_kinds.tsv: an English word for a kind of place → the Chinese suffixes it stands for (town → 镇 乡,
    street → 街道; one, side, place → none: any kind)."""
    return {row[0]: tuple(row[1].split()) if len(row) > 1 else () for row in read_rows("rag.answering", "data/place_kinds.tsv", 1, 2)}


@lru_cache(maxsize=1)
def place_suffixes() -> tuple[str, ...]:
    """The Chinese suffixes of every kind of place (街道, 社区, 镇, 乡 …), longest first (then as listed)."""
    return tuple(sorted(dict.fromkeys(s for v in place_kinds().values() for s in v), key=len, reverse=True))


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Every province and city of data/provinces.tsv (Simplified): names, however common their words are."""
    return frozenset(w for name, cities in provinces().items() if not name.isascii() for w in (name, *cities))


def named_regions(q: Question) -> list[tuple[str, ...]]:
    """For each province a Chinese question names, the province and its cities (四川 → 四川, 成都, 绵阳 …): an
    article is of that province when it names one of them (哪几篇发生在四川？ selects by place)."""
    if q.script == "en":
        return []
    table = provinces()
    return [(t, *table[t]) for t, _ in q.terms if t in table]


@lru_cache(maxsize=1)
def _pair_table() -> tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]:
    """data/place_pairs.tsv: place noun → its English words; the joining words; the words after a first name."""
    nouns: dict[str, str] = {}
    joins: list[str] = []
    after: list[str] = []
    for row in read_rows("rag.answering", "data/place_pairs.tsv", 2, 3):
        if row[0] == "noun":
            nouns[row[1]] = row[2] if len(row) > 2 else ""
        elif row[0] == "join":
            joins.append(row[1])
        elif row[0] == "after":
            after.append(row[1])
    return nouns, tuple(joins), tuple(after)


def pair_nouns(question: str, asked: bool = False) -> tuple[str, ...]:
    """The place nouns a question names two of (两个镇或者两个街道之间 → 镇, 街道; 哪两个镇的交界处 → 镇; "which two
    towns" → 镇): what an article must name a pair of to be about two such places; with `asked`, only those it
    asks which two of (哪两个镇, which two towns: not 青山区两个街道…目的是什么, where the two are given). Empty when
    it names none."""
    nouns, _, _ = _pair_table()
    norm = normalize(question)
    which = r"(?:哪|是哪)\s*" if asked else ""
    found = [n for n in nouns if re.search(rf"{which}(?:两|二|2)\s*个?\s*{re.escape(n)}", norm)]
    every = alternation(w for words in nouns.values() for w in words.split())
    # two of a kind, or of another after or/and ("a pair of towns or street offices": 镇, 街道)
    english = [n for n, words in nouns.items() if words and re.search(
        rf"\b{'which' if asked else '(?:which )?'}\s*(?:two|2{'' if asked else '|both|a pair of|pairs of'})\s+"
        rf"(?:(?:{every})\s+(?:or|and)\s+(?:two\s+)?)?(?:{alternation(words.split())})\b", norm, re.I)]
    return tuple(dict.fromkeys(found + english))


@lru_cache(maxsize=64)
def _pair_pattern(nouns: tuple[str, ...]) -> re.Pattern:
    _, joins, after = _pair_table()
    name = r"[\u4e00-\u9fff]{2,4}?"
    return re.compile("|".join(
        rf"({name}){re.escape(n)}(?:{alternation(after)})?(?:{alternation(joins)})({name}){re.escape(n)}" for n in nouns))


def named_pairs(text: str, nouns: Sequence[str]) -> list[str]:
    """The pairs of two different places of one of `nouns` that `text` (search form) names joined (青义镇、石马镇;
    新沟桥街道与红钢城街道; 石马镇党委和小枧镇), each as written; [] when it names none."""
    if not nouns:
        return []
    out = []
    for m in _pair_pattern(tuple(nouns)).finditer(text):
        first, second = [g for g in m.groups() if g is not None][:2]
        if not (first.endswith(second) or second.endswith(first)):  # two places, not one named twice
            out.append(m.group(0))
    return out
