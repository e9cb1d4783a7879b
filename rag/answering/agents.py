"""Who asked, invited, led or guided someone to do what the question names (Huang made a pledge on behalf of the
Shima town party committee. Who asked him to do it?; 黄充是受谁委托表态的？; 在谁的带领下回顾了工作？): the agent an
article writes in a frame around the act — 受镇党委书记魏爱军委托，石马镇党委副书记、镇长黄充代表镇党委做出表态 —
quoted with the act, the agent the short answer. The ranker scores units on the question's words, which the act's
clause holds, so the clause run it prefers starts after the frame and its short answer is the one who acted (fresh10
t05: "Answer: Huang Chong"). Ask and frame patterns are data (data/agents.tsv)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.question import Question
from rag.answering.slots import person_names
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, re.Pattern], dict[str, tuple[re.Pattern, ...]]]:
    asks: dict[str, list[str]] = {}
    frames: dict[str, list[re.Pattern]] = {}
    for kind, name, pattern in read_rows("rag.answering", "data/agents.tsv", 3, 3):
        if kind == "ask":
            asks.setdefault(name, []).append(pattern)
        else:
            frames.setdefault(name, []).append(re.compile(pattern))
    return ({n: re.compile("|".join(f"(?:{p})" for p in ps), re.I) for n, ps in asks.items()},
            {n: tuple(ps) for n, ps in frames.items()})


def asked_agents(question: str) -> tuple[str, ...]:
    """The frames whose agent `question` asks for (委托, 邀请, 带领, 指导), in data order; empty for other questions."""
    text = normalize(question)
    return tuple(name for name, pattern in _patterns()[0].items() if pattern.search(text))


def agent_row(q: Question, question: str, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> tuple[int, str] | None:
    """For a question asking an agent, the best unit (by `adjusted` score) of the chosen article that writes one
    of the asked frames and, outside the frame's agent, a word of the question (the act or who did it: 表态,
    黄充), with the agent: the person the frame names (魏爱军), or the frame's words when it names a body (区委
    组织部). None when the question asks no agent or the article writes no such frame."""
    names = asked_agents(question)
    if not names or q.multi or not len(rows):
        return None
    frames = [p for name in names for p in _patterns()[1].get(name, ())]
    owner = ranked.owner[rows[0]]
    pa = ranked.article_of(int(rows[0]))
    words = [t for t, _ in q.terms if len(t) >= 2]
    persons = person_names(pa.units.text)
    for r in (int(r) for r in np.argsort(-adjusted, kind="stable") if ranked.owner[r] == owner):
        text = "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in ranked.unit_of(r).spans)
        for pattern in frames:
            m = pattern.search(text)
            if not m:
                continue
            outside = text[: m.start("agent")] + " " + text[m.end("agent"):]
            if words and not any(w in outside for w in words):
                continue
            agent = m.group("agent")
            named = [p for p in persons if p in agent]
            return r, (max(named, key=agent.rfind) if named else agent.strip())
    return None
