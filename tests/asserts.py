"""The shared shapes of an answer test: refused (naming what it lacks) or answered (holding the keys)."""

from __future__ import annotations

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
