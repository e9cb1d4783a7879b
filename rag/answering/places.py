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


def pair_nouns(question: str) -> tuple[str, ...]:
    """The place nouns a question asks two of (两个镇或者两个街道之间 → 镇, 街道; 哪两个镇的交界处 → 镇; "which two
    towns" → 镇): what an article must name a pair of to be about two such places. Empty when it asks none."""
    nouns, _, _ = _pair_table()
    norm = normalize(question)
    found = [n for n in nouns if re.search(rf"(?:两|二|2)\s*个?\s*{re.escape(n)}", norm)]
    english = [n for n, words in nouns.items() if words and re.search(
        rf"\b(?:two|2|both)\s+(?:{alternation(words.split())})\b", norm, re.I)]
    # 街道 holds no 镇, but 社区 and 区 share 区: a longer noun asked keeps its shorter tail out (两个社区 → 社区)
    out = list(dict.fromkeys(found + english))
    return tuple(n for n in out if not any(m != n and m.endswith(n) and re.search(rf"(?:两|二|2)\s*个?\s*{re.escape(m)}", norm)
                                          for m in out))


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
