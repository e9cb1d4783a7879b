"""Yes/no checks of a fact the articles give (issue #15): 渠岸镇的孙宇是镇党委书记吗？ "Was the Qingshan joint meeting
held on June 26?". The check is asked as the question it checks (孙宇是什么职务？ When was the Qingshan joint meeting
held?), and its answer's short answer (党委副书记、代镇长; 6月16日) confirms the asked title or day — 是/Yes with the
cited sentence — or contradicts it: 不是/No, with what the article says instead and the sentence saying it. A check
whose question is refused, or whose answer gives no title or day, is left to the question as asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.answering.premise import job_titles
from rag.answering.question import question_script
from rag.lang.display import to_script
from rag.lang.script import normalize, search_twin
from rag.records import Answer

# a Chinese yes/no question: …吗？ …么 / 是不是 / 是否 (是不是…的 asks too); an English one opens with its auxiliary
_ZH_YES_NO = re.compile(r"(?:吗|么|嘛)\s*[?？]?\s*$|是不是|是否")
_EN_YES_NO = re.compile(r"^\s*(?:was|were|is|are|did|does|do)\b", re.I)

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_EN_MONTH = r"(?P<{}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_EN_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th)?"
# the day a question checks: 6月26日 / 6月26号 / 六月 — digits only; "on June 26", "on 26 June"
_ZH_DATE = re.compile(r"(?:在|于|是)?(?P<mon>\d{1,2})月(?P<day>\d{1,2})[日号](?:那天|当天)?")
_EN_DATE = re.compile(rf"\s*\b(?:on\s+)?(?:(?:the\s+)?{_EN_DAY.format('day')}(?:\s+of)?\s+{_EN_MONTH.format('mon')}|"
                      rf"{_EN_MONTH.format('mon2')}\s+{_EN_DAY.format('day2')})\b", re.I)
# the day an answer gives: 6月16日
_GIVEN_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
# what may stand before a title that makes it another one: 副 (deputy), 代 (acting), 原/前 (former)
_OTHER_TITLE = re.compile(r"[副代原前]$")
# a title's place part the short answer may leave out (镇党委书记 → 党委书记)
_PLACE_HEAD = re.compile(r"^(?:省|市|县|区|镇|乡|街道|村|社区)")


@dataclass(frozen=True)
class Check:
    """What a yes/no question checks: `kind` 'role' (`value` the title asked) or 'date' (`value` (month, day));
    `asked` the question that finds the fact (孙宇是什么职务？ When was … held?)."""

    kind: str
    value: str | tuple[int, int]
    asked: str
    script: str


def _month(word: str) -> int:
    return next(i for i, m in enumerate(_MONTHS, start=1) if m.startswith(word.lower()[:3]))


def checked(question: str, script: str) -> Check | None:
    """The fact a yes/no question checks, when it checks a person's job title (…的孙宇是镇党委书记吗) or the day
    of an event (…是6月26日开的吗；Was … held on June 26?); None otherwise."""
    if script == "en":
        if not _EN_YES_NO.match(question):
            return None
        m = _EN_DATE.search(question)
        if not m:
            return None
        rest = (question[:m.start()] + question[m.end():]).strip().rstrip("?？").strip()
        aux, body = rest.split(None, 1) if " " in rest else (rest, "")
        mon, day = m.group("mon") or m.group("mon2"), m.group("day") or m.group("day2")
        return Check("date", (_month(mon), int(day)), f"When {aux.lower()} {body}?", script)
    twin = search_twin(question)  # (spans of the question as written: the check is asked in the asker's script)
    if not _ZH_YES_NO.search(twin):
        return None
    m = _ZH_DATE.search(twin)
    if m:
        cut = _ZH_YES_NO.search(twin, m.end())
        body = (question[:m.start()] + "哪天" + question[m.end():cut.start() if cut else len(question)]).rstrip("?？的 ")
        held = body.endswith(("开", "办", "行", "召開", "舉辦", "舉行"))
        return Check("date", (int(m.group("mon")), int(m.group("day"))), body + ("的？" if held else "？"), script)
    m = re.search(r"^(?P<who>.+?)(?:是不是|是否|是)(?:担任|当)?(?P<title>[^是吗么嘛?？]+?)(?:吗|么|嘛)?\s*[?？]?\s*$", twin)
    if not m or not any(t in m.group("title") for t in job_titles()):
        return None
    return Check("role", m.group("title"), question[:m.end("who")] + ("是什麼職務？" if script == "hant" else "是什么职务？"), script)


def without_checked_day(question: str) -> str | None:
    """The question without the day a yes/no question checks (Was … held on June 26? → Was … held?), which is no
    date to search within (rag.chat plans the question's scope on it); None for any other question."""
    script = question_script(question)
    pattern = _EN_DATE if script == "en" else _ZH_DATE
    check = checked(question, script)
    if check is None or check.kind != "date":
        return None
    m = pattern.search(question if script == "en" else search_twin(question))
    return question[:m.start()] + question[m.end():] if m else None


def _given_date(answer: Answer) -> tuple[int, int] | None:
    m = _GIVEN_DATE.search(normalize(answer.short or "")) or _GIVEN_DATE.search(normalize(answer.answer))
    return (int(m.group(1)), int(m.group(2))) if m else None


def _holds(given: str, title: str) -> bool:
    """Whether the titles `given` (党委副书记、代镇长) include the asked `title` itself (镇党委书记), not a deputy's,
    an acting or a former one."""
    core = _PLACE_HEAD.sub("", title)  # (镇长 keeps its 镇: 长 alone is no title)
    for t in (title, core) if len(core) >= 3 else (title,):
        i = given.find(t)
        while i >= 0:
            if not _OTHER_TITLE.search(given[:i]):
                return True
            i = given.find(t, i + 1)
    return False


def verdict(check: Check, answer: Answer) -> Answer | None:
    """The yes/no answer to the check from the answer to its question: 是/Yes or 不是/No (with what the article
    gives instead) before the cited lines; None when that answer is refused or gives no title or day."""
    if answer.refused:
        return None
    en = check.script == "en"
    if check.kind == "date":
        given = _given_date(answer)
        if given is None:
            return None
        yes = given == check.value
        said = f"{given[0]}月{given[1]}日"
        head = ("Yes." if yes else f"No — {said} ({_MONTHS[given[0] - 1].title()} {given[1]}).") if en else \
            ("是的。" if yes else f"不是，是{said}。")
    else:
        if not answer.short:
            return None
        yes = _holds(normalize(answer.short), normalize(str(check.value)))
        head = ("Yes." if yes else f"No — {answer.short}.") if en else ("是的。" if yes else f"不是，是{answer.short}。")
    head = to_script(head, check.script) if check.script == "hant" else head
    return replace(answer, answer=f"{head}\n{answer.answer}", original=f"{head}\n{answer.original}" if answer.original else None,
                   note=" · ".join(x for x in ("yes/no check: " + ("confirmed" if yes else "contradicted"), answer.note) if x))
