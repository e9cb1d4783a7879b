"""A role noun asked about as the act it names: 渠岸镇干部大会主持人是谁 asks who chaired the meeting, and the
article writes 会议由镇人大主席张晓敏主持 (the act), never 主持人 (the noun). The question's word 主持人 is read as
its verb 主持 (data/role_verbs.tsv), so that retrieval and the slot check look for the act, and the question asks
a person slot as 谁主持的 does. 签约人 is read as 签署 and 签约, the words an article writes for signing."""

from __future__ import annotations

from functools import lru_cache

from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    return {noun: tuple(verbs.split()) for noun, verbs in read_rows("rag.answering", "data/role_verbs.tsv", 2, 2)}


def as_verbs(token: str) -> tuple[str, ...]:
    """The verbs a role noun stands for in a question (主持人 → 主持), or the token itself."""
    return _table().get(token, (token,))
