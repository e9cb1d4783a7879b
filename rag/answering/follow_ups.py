"""Whether a question leans on the answer before it: a pronoun (他/她/they/it), a demonstrative standing for what
that answer named (这是谁总结的？), or almost no content of its own. Matched on the Simplified form (這是 as 这是).
A bare ask (where?, 何时？: bare_ask) reads the unit of the event the answer before told of (event_rows)."""

from __future__ import annotations

import re
from typing import Sequence

from rag.answering.model import Ranked
from rag.answering.multi import holds_filler
from rag.answering.question import Question, analyze
from rag.lang.script import normalize

# Words that point back at the event just asked about (当时谁主持？ after 联席会在哪里开的？)
_PRONOUN = re.compile(r"他们|她们|它们|他|她|它|其|该|这个|那个|这位|那位|此|当时|当天|那天|那次|那场|"
                      r"\b(they|them|their|it|its|he|she|his|her)\b|\bthat (day|time|event|meeting|ceremony)\b", re.I)
# … and 这/那/this standing for the thing the answer before named (这是谁总结的？ after 创新实施了什么机制？):
# 这/那 before 是 or a measure word, or closing the question; "this"/"these" not before a time word
_DEMONSTRATIVE = re.compile(r"[这那](?=是|就是|个|些|项|件|种|条|一|份|套|[?？]?$)|"
                            r"\b(this|these)\b(?! (year|month|week|morning|afternoon|evening|time)\b)", re.I)
_NOT_PRONOUN = re.compile(r"其他|其它|其中|其实|因此|此外|如此|彼此|此前|此次")


def points_back(question: str) -> bool:
    """A follow-up whose 这/那/this stands for the thing the answer before it named (the 12345 mechanism in
    这是谁总结的？), not for a person (他/她: names_a_person)."""
    return bool(_DEMONSTRATIVE.search(normalize(question)))


def names_a_person(question: str) -> bool:
    """A follow-up that points at one person (他/她, he/she): the one the answer before it named."""
    return bool(_PERSON_PRONOUN.search(_NOT_PRONOUN.sub("", question)))


_PERSON_PRONOUN = re.compile(r"(?<![其吉])[他她](?!们)|\b(he|she|him|his|her)\b", re.I)


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one: a pronoun or a demonstrative standing for what it named
    (matched on the Simplified form: 這是 as 这是), or almost no content of its own."""
    plain = _NOT_PRONOUN.sub("", normalize(question))
    if _PRONOUN.search(plain) or points_back(question):
        return True
    q = analyze(question)
    return q.lexical and sum(len(t) for t, _ in q.terms) <= 2




# a follow-up that is nothing but an ask word: where?, 何时？, 在哪儿？, and when?, 几号呢？
_BARE_ASK = re.compile(r"^\s*(?:and|so|then|那|那么|还有)?\s*(?:where|when|what time|what day|which day|who|how many|"
                       r"何时|何地|什么时候|啥时候|几时|几号|哪天|哪一天|哪里|哪儿|在哪|在哪里|在哪儿|何处|什么地方|谁|多少人|几个人)"
                       r"\s*(?:呢|啊|呀|的|开的|办的)?\s*[?？!！.。]*\s*$", re.I)


def bare_ask(question: str) -> bool:
    """A follow-up that is only an ask word (where?, 何时？, 在哪儿呢？): it asks that slot of the event the answer
    before it told of — the place or day of that event, not of anything else its article names."""
    return bool(_BARE_ASK.match(normalize(question)))


def event_rows(q: Question, ranked: Ranked, rows: Sequence[int], referent: Sequence[str]) -> list[int]:
    """A bare ask (where?, 何时？) asks the place or day of the event the answer before told of: the chosen units
    that hold that answer (its short answer's words) and a filler of the asked slot, else the best-ranked unit
    that holds both; the chosen units when none does."""
    def holds(r: int) -> bool:
        text = normalize(ranked.unit_of(int(r)).text)
        return any(w in text for w in referent) and holds_filler(q, ranked, int(r))

    if any(holds(r) for r in rows):
        return [r for r in rows if holds(r)]
    held = [int(r) for r in ranked.order() if holds(int(r))]
    return held[:1] or list(rows)
