"""The shared shapes of an answer test: refused (naming what it lacks) or answered (holding the keys; covering the
key groups from the articles expected)."""

from __future__ import annotations

from typing import Collection, Sequence

from rag import evaluate as ev
from rag.lang.script import to_simplified
from rag.records import Answer


def assert_refused(answer: Answer, *named: str, simplified: bool = False) -> Answer:
    """`answer` is a refusal without citations whose reply names each of `named` (read in Simplified when
    `simplified`)."""
    assert answer.refused and not answer.citations, answer.answer
    text = to_simplified(answer.answer) if simplified else answer.answer
    for word in named:
        assert word in text, answer.answer
    return answer


def assert_answers(answer: Answer, *keys: str, simplified: bool = False) -> Answer:
    """`answer` is answered, not refused, and holds each of `keys` (read in Simplified when `simplified`)."""
    assert not answer.refused, answer.answer
    text = to_simplified(answer.answer) if simplified else answer.answer
    for key in keys:
        assert key in text, answer.answer
    return answer


def assert_covers(answer: Answer, keys: Sequence[Sequence[str]], first: str | None = None,
                  among: Collection[str] | None = None, count: int | None = None) -> Answer:
    """`answer` is answered, not refused, covers `keys` (rag.evaluate.covers: a form of each key group), and cites
    first the article `first`, exactly the articles `among` and `count` articles, those that are given."""
    assert not answer.refused, answer.answer
    if first is not None:
        assert answer.article_ids[:1] == [first], answer.answer
    if among is not None:
        assert set(answer.article_ids) == set(among), answer.answer
    if count is not None:
        assert len(answer.article_ids) == count, answer.answer
    assert ev.covers(answer.answer, keys), answer.answer
    return answer
