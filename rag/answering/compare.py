"""Which of two named events came first, later, or had more people (issue #15): 石马镇的签约仪式和锦江区的直联共建
活动，哪个先办的？ "Which came first, the Qingshan joint meeting or the Mianyang signing ceremony?" Each event is
asked on its own (…是哪天办的？ When was … held? / …有多少人参加？ How many people attended …?), so each is read in
its own article; their days (or numbers) are compared, and the answer says which, then each event's cited line.
An event whose question is refused or gives no day (number) leaves the question as asked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.answering.asks import joined
from rag.lang.display import to_script
from rag.lang.script import normalize, search_twin
from rag.records import Answer

# how a Chinese question asks which came first (哪个先办的, 哪个更早, 谁先谁后), later (哪个晚), had more people
# (哪个人多, 哪个参加的人更多); the comma or the start of the ask ends the two events named before it
_ZH_ASK = re.compile(r"[，,]?\s*(?:是)?(?:哪个|哪一个|哪场|哪次|哪一场|哪一次|谁)(?:活动|会)?(?:更|比较)?(?:(?P<first>先|早|在前)|"
                     r"(?P<later>后|晚|在后)|(?:参加的|参会的|到场的)?(?P<more>人多|人更多|人数多|人数更多))")
_EN_ASK = re.compile(r"^\s*which\s+(?:one\s+|event\s+|of\s+(?:the|these)\s+(?:two\s+)?(?:events?\s+)?)?(?:came|happened|"
                     r"took\s+place|was(?:\s+held)?)\s+(?:(?P<first>first|earlier|sooner)|(?P<later>later|last|second))"
                     r"|^\s*which\s+(?:one\s+|event\s+)?had\s+(?P<more>more)\s+(?:people|participants|attendees)", re.I)
_ZH_PAIR = re.compile(r"(?:和|跟|与|同|还是|或者|或)")
_EN_PAIR = re.compile(r",?\s+(?:or|and|versus|vs\.?)\s+", re.I)
_GIVEN_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_GIVEN_NUMBER = re.compile(r"(\d+)")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass(frozen=True)
class Comparison:
    """Two events a question compares (as written), by `kind` ('first', 'later', 'more'), and the question asking
    each one's day or number."""

    kind: str
    events: tuple[str, str]
    asks: tuple[str, str]
    script: str


def compared(question: str, script: str) -> Comparison | None:
    """The two events a which-came-first / later / had-more question names; None for any other question."""
    if script == "en":
        m = _EN_ASK.search(question)
        if not m:
            return None
        rest = question[m.end():].strip(" ,:;?—-")
        rest = re.sub(r"^(?:of\s+)?(?:the\s+two\s*[:,]?\s*)?", "", rest, flags=re.I)
        parts = _EN_PAIR.split(rest.rstrip("?. "), maxsplit=1)
        kind = next(k for k in ("first", "later", "more") if m.group(k))
        if len(parts) != 2 or not all(p.strip() for p in parts):
            return None
        events = tuple(p.strip() for p in parts)
        wording = "How many people attended {}?" if kind == "more" else "When was {} held?"
        return Comparison(kind, events, tuple(wording.format(e) for e in events), script)
    twin = search_twin(question)
    m = _ZH_ASK.search(twin)
    if not m:
        return None
    named = question[:m.start()].strip(" ，,：:")
    cut = _ZH_PAIR.search(search_twin(named))
    if not cut or cut.start() < 2 or len(named) - cut.end() < 2:
        return None
    kind = next(k for k in ("first", "later", "more") if m.group(k))
    events = (named[:cut.start()].strip(" ，,"), named[cut.end():].strip(" ，,"))
    wording = "{}有多少人参加？" if kind == "more" else "{}是哪天办的？"
    return Comparison(kind, events, tuple(to_script(wording, script).format(e) for e in events), script)


def _value(kind: str, answer: Answer) -> tuple[int, ...] | None:
    """The day (month, day) or number an event's answer gives, from its short answer or else its text."""
    pattern = _GIVEN_NUMBER if kind == "more" else _GIVEN_DATE
    m = pattern.search(normalize(answer.short or "")) or (None if kind == "more" else pattern.search(normalize(answer.answer)))
    return tuple(int(g) for g in m.groups()) if m else None


def _year(answer: Answer, day: tuple[int, ...]) -> int | None:
    """The year of an event's day: its article's, or the year before when the day falls after the article's date
    (an event in December reported in January); None when the article's date gives no year (--06-26)."""
    date = next((c.date for c in answer.citations if c.date), None)
    if not date or not date[:4].isdigit():
        return None
    year, month, dd = int(date[:4]), int(date[5:7] or 0), int(date[8:10] or 0)
    return year - 1 if (month, dd) and tuple(day) > (month, dd) else year


def _said(kind: str, value: tuple[int, ...], en: bool) -> str:
    if kind == "more":
        return f"{value[0]}" + ("" if en else "人")
    return f"{value[1]} {_MONTHS[value[0] - 1]}" if en else f"{value[0]}月{value[1]}日"


def compare(c: Comparison, answers: Sequence[Answer]) -> Answer | None:
    """Which event came first (later, had more people), each with its day (number), then each event's cited lines;
    None when an event's answer is refused, gives no day (number), or both answers cite the same article only."""
    values = [_value(c.kind, a) if not a.refused else None for a in answers]
    if any(v is None for v in values) or set(answers[0].article_ids) == set(answers[1].article_ids):
        return None
    en = c.script == "en"
    years = [_year(x, v) for x, v in zip(answers, values)] if c.kind != "more" else [None, None]
    a, b = ((y, *v) for y, v in zip(years, values)) if None not in years else values  # (the year only when both give one)
    said = [f"{e}（{_said(c.kind, v, False)}）" if not en else f"{e} ({_said(c.kind, v, True)})" for e, v in zip(c.events, values)]
    if a == b:
        head = ("Both on the same day: " if c.kind != "more" else "Both the same: ") + " and ".join(said) + "." if en \
            else ("同一天：" if c.kind != "more" else "人数相同：") + "，".join(said) + "。"
    else:
        win = 0 if (a < b) == (c.kind == "first") else 1
        w, o = said[win], said[1 - win]
        if en:
            w = w[:1].upper() + w[1:]
            head = {"first": f"{w} came first, before {o}.", "later": f"{w} came later, after {o}.",
                    "more": f"{w} had more people than {o}."}[c.kind]
        else:
            head = {"first": f"{w}先办，{o}后办。", "later": f"{w}后办，{o}先办。", "more": f"{w}人多，{o}人少。"}[c.kind]
    if years.count(None) == 1:  # one article gives its year, the other none: compared by month and day, said so
        head += " (One article gives no year: compared by month and day.)" if en else "（有一篇文章没有给出年份，按月日比较。）"
    head = to_script(head, c.script) if c.script == "hant" else head
    return joined(answers[0], answers, f"compared: {c.kind}", head=head)
