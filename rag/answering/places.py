"""A Chinese question that names a province (哪几篇发生在四川？, 湖北那篇讲了什么？) is about the cities and counties of
it that the articles name (绵阳, 成都; 武汉): those join the question's words at the province's weight, as an English
question's pinyin province does (rag.answering.english.province_terms). Province and cities: data/provinces.tsv."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from rag.answering.english import provinces
from rag.answering.question import Question


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
