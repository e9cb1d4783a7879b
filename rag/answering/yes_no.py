"""Yes/no checks of a fact the articles give (issue #15): 渠岸镇的孙宇是镇党委书记吗？ "Was the Qingshan joint meeting
held on June 26?". The check is asked as the question it checks (孙宇是什么职务？ When was the Qingshan joint meeting
held?), and its answer's short answer (党委副书记、代镇长; 6月16日) confirms the asked title or day — 是/Yes with the
cited sentence — or contradicts it: 不是/No, with what the article says instead and the sentence saying it. A check
whose question is refused, or whose answer gives no title or day, is left to the question as asked."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from rag.answering.premise import english_titles, job_titles
from rag.answering.question import question_script
from rag.lang.display import to_script
from rag.lang.pinyin import pinyin_index
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
    value: str | tuple[int, int] | tuple[str, ...]
    asked: str
    script: str
    who: str = ""  # English checks of a person ('title', 'who'): the name as asked (Sun Yu)


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
            return _en_person_check(question)
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


# an English check of a person (Is Sun Yu the Party secretary of Qu'an town? Was Liu Yun the one who chaired …?):
# the name is capitalised pinyin of two or three syllable words
_EN_PERSON = r"(?P<who>[A-Z][a-z]+(?:'[a-z]+)?(?: [A-Z][a-z]+(?:'[a-z]+)?|-[a-z]+){0,2})"
_EN_WHO = re.compile(rf"^\s*(?i:was|is)\s+(?:it\s+{_EN_PERSON}\s+(?:who|that)|{_EN_PERSON.replace('who', 'who2')}\s+the\s+"
                     r"(?:one|person|official|man|woman|leader)\s+(?:who|that))\s+(?P<rest>[^?？]+?)\s*[?？]?\s*$")
_EN_TITLED = re.compile(rf"^\s*(?i:was|is)\s+{_EN_PERSON}\s+(?:still\s+)?(?:the\s+|a\s+|an\s+)?(?P<title>[^?？]+?)\s*[?？]?\s*$")
# what an English title's word before it makes it (acting town head → 代镇长, deputy mayor → 副镇长)
_EN_TITLE_MARK = {"acting": "代", "deputy": "副", "vice": "副", "former": "原", "executive": "常务"}


def _en_person_check(question: str) -> Check | None:
    """The English check of a person: who did something ('who': Was Liu Yun the one who chaired the meeting? →
    Who chaired the meeting?), or a title held ('title': Is Sun Yu the Party secretary of Qu'an town? → What
    position does Sun Yu hold?, `value` the Chinese titles the asked one stands for: data/premise.tsv title_en)."""
    m = _EN_WHO.match(question)
    if m:
        who = m.group("who") or m.group("who2")
        return Check("who", who, f"Who {m.group('rest')}?", "en", who)
    m = _EN_TITLED.match(question)
    if not m:
        return None
    title = m.group("title")
    found = [(t.search(title), forms) for t, forms in english_titles()]
    found = [(hit, forms) for hit, forms in found if hit]
    if not found:
        return None
    hit, forms = max(found, key=lambda f: len(f[0].group()))
    mark = re.search(r"(\w+)[ -]$", title[:hit.start()])
    prefix = _EN_TITLE_MARK.get(mark.group(1).lower(), "") if mark else ""
    who = m.group("who")
    return Check("title", tuple(prefix + f for f in forms), f"What position does {who} hold?", "en", who)


def _spelt_person(who: str, text: str) -> list[str]:
    """The Han names of `text` that an English name spells (Sun Yu → 孙宇), longest first."""
    spelling = re.sub(r"[^a-z]", "", who.lower())
    return sorted(pinyin_index(text).get(spelling, ()), key=len, reverse=True)


def _titles_of(name: str, text: str) -> list[str]:
    """The titles `text` writes right before `name` (镇党委副书记、代镇长孙宇 → 镇党委副书记、代镇长): the stretch
    back to the last punctuation, from its first job title on."""
    out = []
    for m in re.finditer(re.escape(name), text):
        stretch = re.split(r"[,，。；;：:!！?？\s“”\"()（）]", text[:m.start()])[-1]
        starts = [stretch.find(t) for t in job_titles() if t in stretch]
        lead = re.search(r"(?:由|请|是|为|和|与|及)(?=[^由请是为和与及]*$)", stretch)
        cut = lead.end() if lead and lead.end() <= min(starts, default=0) else 0
        if starts and stretch[cut:]:
            out.append(stretch[cut:])
    return list(dict.fromkeys(out))


def _as_written(words: str, written: str, text: str) -> str:
    """`words` of the search form `text` as the answer `written` writes them (Traditional stays Traditional)."""
    i = text.find(words)
    return written[i:i + len(words)] if i >= 0 and len(written) == len(text) else words


def _en_person_verdict(check: Check, answer: Answer) -> str | None:
    """The head line of an English check of a person, or None when the answer does not give what it checks."""
    text = normalize(answer.answer)
    if check.kind == "who":
        named = normalize(answer.short or "")
        if not named:
            return None
        if _spelt_person(check.who, named):
            return "Yes."
        return f"No — the article names {answer.short}, not {check.who}."
    for name in _spelt_person(check.who, text):
        titles = _titles_of(name, text)
        if titles:
            given = "、".join(titles)
            if any(_holds(given, t) for t in check.value):
                return "Yes."
            return f"No — the article says {_as_written(name, answer.answer, text)} is {_as_written(given, answer.answer, text)}."
    return None


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
    if check.kind in ("who", "title"):
        head = _en_person_verdict(check, answer)
        if head is None:
            return None
        yes = head == "Yes."
    elif check.kind == "date":
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
