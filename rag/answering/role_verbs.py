"""A role noun asked about as the act it names: 渠岸镇干部大会主持人是谁 asks who chaired the meeting, and the
article writes 会议由镇人大主席张晓敏主持 (the act), never 主持人 (the noun). The question's word 主持人 is read as
its verb 主持 (data/role_verbs.tsv), so that retrieval and the slot check look for the act, and the question asks
a person slot as 谁主持的 does. 签约人 is read as 签署 and 签约, the words an article writes for signing."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    return {noun: tuple(verbs.split()) for noun, verbs in read_rows("rag.answering", "data/role_verbs.tsv", 2, 2)}


def as_verbs(token: str) -> tuple[str, ...]:
    """The verbs a role noun stands for in a question (主持人 → 主持), or the token itself."""
    return _table().get(token, (token,))


# nouns of a person who did the act, beyond the table's: a keyword question ending in one asks for that person
_MORE_HOLDERS = ("主持者", "负责人", "带队人", "组织者", "获奖者", "发起人", "召集人", "讲师", "嘉宾")


@lru_cache(maxsize=1)
def _last_role() -> re.Pattern:
    nouns = sorted({*_table(), *_MORE_HOLDERS}, key=len, reverse=True)
    return re.compile(rf"(?:的|之)?\s*(?:{'|'.join(map(re.escape, nouns))})(?:们|分别|各是)?\s*[?？。.!！]*\s*$")


def ends_with_role(norm: str) -> bool:
    """Whether a question without a question word (search form) ends in a role noun and so asks its holder:
    `渠岸镇干部大会 主持人`, `结对签约仪式的主讲人？`, `联席会议召集人` (a keyword question, as typed in a search box)."""
    return bool(_last_role().search(norm))
