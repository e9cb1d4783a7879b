"""Credits: names, outlets, role words; credit lines, the credit blocks that open or close an article,
and the outlet a dateline names.

Role words and outlet suffixes come from rag/ingest/data/cleaning_words.tsv and are matched on the
Simplified twin of a text (`wordlists.simplified`); names and outlets are cut from the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.text import NAME
from rag.ingest.cleaning.wordlists import alternation, simplified, simplified_end, simplified_start, split, words
from rag.lang.script import HAN
from rag.lang.sentences import SENTENCE_END, ends_sentence

# ---------------------------------------------------------------------------------------------------
# Names and outlets

_AUTHOR_ROLES = alternation("author_role")
_OTHER_ROLES = alternation("other_role")
_ROLE_SPLIT_RE = re.compile(f"({_AUTHOR_ROLES}|{_OTHER_ROLES})\\s*[:：/]?")
_AUTHOR_ROLE_RE = re.compile(f"^(?:{_AUTHOR_ROLES})$")
_NAME_SPLIT_RE = re.compile(r"[\s、，,/／]+")
_NOT_NAME_ENDINGS = words("not_name_ending")


def names_in(text: str) -> str | None:
    """Personal names in a run of names (`譚海波 高潔`, `林琳、吳妍`) joined with `、`."""
    names: list[str] = []
    for token, token_twin in split(_NAME_SPLIT_RE, text, simplified(text)):
        if token_twin.endswith(_NOT_NAME_ENDINGS):  # `青岛报道`, `综合`: where and how, not who
            continue
        if re.fullmatch(f"[{HAN}·]{{2,4}}", token) or re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,30}", token):
            if token not in names:
                names.append(token)
    return "、".join(names) if names else None


def authors_in(credit: str) -> str | None:
    """The writers a credit names: reporters, correspondents, authors; not editors or photographers.

    `荊楚網記者林琳、編輯李茹慧、吳妍 通訊員汪曼暉` → `林琳、汪曼暉`; a credit without role words
    (`周慧`, `譚海波 高潔`) names its writers.
    """
    credit = credit.strip("()（）[]【】 ")
    parts = split(_ROLE_SPLIT_RE, credit, simplified(credit))
    if len(parts) == 1:
        return names_in(parts[0][0])
    found = [names_in(parts[i + 1][0]) for i in range(1, len(parts) - 1, 2) if _AUTHOR_ROLE_RE.match(parts[i][1])]
    names = [n for group in found if group for n in group.split("、")]
    return "、".join(dict.fromkeys(names)) if names else None


_OUTLET_TAIL_RE = re.compile(r"[\s\-－—·|｜:：,，]+$")
_OUTLET_END_RE = re.compile(r"(?:客户端)?(?:讯|报道|消息|综合)$")


def clean_outlet(text: str) -> str | None:
    """An outlet name as a credit gives it (`农业科技报-中国农科新闻网`), without trailing separators."""
    text = _OUTLET_TAIL_RE.sub("", text.strip()).strip("【】[]（）()")
    if m := _OUTLET_END_RE.search(simplified(text)):
        text = text[: m.start()] or text
    if not text or len(text) > 30 or re.fullmatch(r"[\d\s\-:：/]+", text):
        return None
    return text


# ---------------------------------------------------------------------------------------------------
# Credit lines

_CREDIT_LINE_RES = {
    "byline": re.compile(r"^(?:文|撰文|作者|记者)\s*(?:/\s*图)?\s*[:：丨|]\s*(?P<names>.{2,40})$"),
    "editor": re.compile(f"^[\\[【(（]?\\s*(?:{alternation('editor_label')})\\s*[:：丨|].{{0,60}}$"),
    "keywords": re.compile(r"^(?:关键词|关键字|标签|tags?|TAGS?)\s*[:：].{0,60}$"),
    "source": re.compile(r"^[\[【(（]?\s*(?:来源|稿源|出处|转自)\s*[:：]\s*(?P<source>.{1,40}?)\s*[\]】)）]?$"),
}
_SOURCE_REPORTER_RE = re.compile(rf"记者\s*({NAME})")
_SOURCE_OUTLET_END_RE = re.compile(r"\s*(?:记者|作者|编辑)")
_PAREN_CREDIT_RE = re.compile(
    rf"^[(（]\s*(?P<outlet>[^()（）]{{0,20}}?)\s*(?:全媒体|融媒体)?记者\s*(?P<names>{NAME}(?:\s*[、 ]\s*{NAME})*)"
    r"[^()（）]{0,60}[)）]$"
)
_BYLINE_RE = re.compile(
    rf"^(?P<outlet>[^\s，。,；]{{0,30}}?)\s*(?:全媒体|融媒体|首席|特约|本报)?记者\s*[:：]?\s*"
    rf"(?P<names>{NAME}(?:\s*[、 ]\s*{NAME})*)"
    rf"(?:\s*(?:通讯员|实习生|摄影)\s*[:：]?\s*{NAME}(?:\s*[、 ]\s*{NAME})*)*\s*$"
)


@dataclass(frozen=True)
class Credit:
    """A credit line recognised as not body text, with what it names."""

    kind: str  # byline | editor | keywords | source
    source: str | None = None
    author: str | None = None


def credit_of_line(line: str) -> Credit | None:
    """The credit a short line is (`文/圖:譚海波 高潔`, `[責任編輯:xwzkw]`, `來源:大眾日報`, `(荊楚網記者林琳…)`)."""
    if len(line) > 80:
        return None
    twin = simplified(line)
    if m := _PAREN_CREDIT_RE.match(twin):
        outlet = line[m.start("outlet"):m.end("outlet")]
        return Credit("byline", clean_outlet(outlet) if outlet else None, authors_in(line[m.end("outlet"):]))
    for kind, pattern in _CREDIT_LINE_RES.items():
        if m := pattern.match(twin):
            if kind == "byline":
                return Credit(kind, author=authors_in(line))
            if kind == "source":
                a, b = m.span("source")
                value, value_twin = line[a:b], twin[a:b]
                reporter = _SOURCE_REPORTER_RE.search(value_twin)
                end = _SOURCE_OUTLET_END_RE.search(value_twin)
                outlet = value[: end.start()] if end else value
                return Credit(kind, clean_outlet(outlet), value[reporter.start(1):reporter.end(1)] if reporter else None)
            return Credit(kind)
    if m := _BYLINE_RE.match(twin):
        outlet = line[m.start("outlet"):m.end("outlet")]
        return Credit("byline", clean_outlet(outlet) if outlet else None, authors_in(line[m.end("outlet"):]))
    return None


# ---------------------------------------------------------------------------------------------------
# Credit blocks

# A credit block closes many articles, after the last full sentence: `来源：北京日报 | 记者 陈雪柠`,
# `华商报记者 杜蒙 编辑：王蜀周秦`, `(荊楚網記者林琳、編輯李茹慧)`, `（央视新闻客户端）`. It is recognised by a
# small grammar: role words, names (2-4 characters, delimited), outlets (ending in 报/网/社/台/客户端…),
# `来源：X`, bracketed notes and separators, and nothing else. A sentence fragment such as
# `记者从市应急管理局获悉` does not parse: its "name" is not delimited.
_ROLE_LONG = f"(?:{alternation('reporter_prefix')})?记者|{alternation('credit_role')}"
_ROLE_SHORT = "摄|文|图"
_ROLE = f"{_ROLE_LONG}|{_ROLE_SHORT}"
_OUTLET_SUFFIX = alternation("outlet_suffix")
_OUTLET = f"[{HAN}A-Za-z/·－-]{{1,14}}?(?:{_OUTLET_SUFFIX})"
_CREDIT_DELIM = f"[\\s、,，/|｜:：（(【\\[\\-－—]|$|{_ROLE}"
# Tried in this order at each position, without backtracking between tokens: the parse is linear
# (a regex of alternatives under `+` can take exponential time on a long run of dashes).
_CREDIT_TOKENS = tuple(
    re.compile(p)
    for p in (
        f"(?:来源|转自|出品)\\s*[:：|｜]?\\s*[^\\s，。:：|｜（）()【】]{{2,20}}?(?=[\\s（(【|｜]|$|{_ROLE})",
        f"(?:{_ROLE_LONG})",
        f"(?:{_ROLE_SHORT})(?=[\\s/|｜:：]|$)",  # one-character roles, only before a separator
        "由[^\\s，。]{1,12}提供",
        "[（(【\\[][^（()）【】\\[\\]]{0,40}[）)】\\]]",
        "[A-Za-z0-9][A-Za-z0-9 .@#_-]*",
        "[\\s、/|｜:：·\\-－—]+",
        f"{_OUTLET}(?={_CREDIT_DELIM})",
        f"[{HAN}·]{{2,4}}(?={_CREDIT_DELIM})",
    )
)


def is_credit_block(text: str) -> bool:
    """Whether `text` is made only of credit tokens (roles, names, outlets, `来源：X`, brackets, separators)."""
    return _parses_as_credit(simplified(text))


def _parses_as_credit(twin: str) -> bool:
    i = 0
    while i < len(twin):
        for token in _CREDIT_TOKENS:
            m = token.match(twin, i)
            if m and m.end() > i:
                i = m.end()
                break
        else:
            return False
    return True


_CREDIT_ROLE_RE = re.compile(_ROLE)
_PAREN_OUTLET_RE = re.compile(f"^[（(【\\[](?:{_OUTLET}|[^（()）]*\\d+\\s*版)[）)】\\]]$")
_TAIL_SOURCE_RE = re.compile(
    f"来源\\s*[:：|｜]?\\s*(?P<v>[^\\s，。:：|｜（）()【】]{{2,20}}?)(?=[\\s（(【|｜]|$|{_ROLE})"
)
_TAIL_OUTLET_RE = re.compile(f"(?P<v>{_OUTLET})(?:全媒体|融媒体|首席|特派|特约)?记者")
_NAMES_ONLY_RE = re.compile(f"^[（(]\\s*[{HAN}·]{{1,4}}(?:[\\s、][{HAN}·]{{1,4}}){{0,3}}\\s*[）)]$")
_CLOSING_BRACKETS_RE = re.compile(r"[（(][^（()）]{1,40}[）)]$")
_BRACKETED_RE = re.compile(r"[（(【\[][^（()）【】\[\]]*[）)】\]]")
_END_MARK_RE = re.compile(r"(?:[(（]\s*完\s*[)）]|本版导读)\s*$")
# `《 人民日报 》（ 2023年07月27日 17 版）`: where the article was printed.
_PRINT_EDITION_RE = re.compile(
    r"[《(（]\s*(?P<paper>[^《》()（）\s]{2,12})\s*[》)）]?\s*[（(]?\s*\d{4}年\d{1,2}月\d{1,2}日\s*(?:第\s*)?\d{1,3}\s*版\s*[)）]\s*$"
)
CREDIT_TAIL_MAX_CHARS = 90
_TAIL_TWIN_CHARS = CREDIT_TAIL_MAX_CHARS + 70  # what the rules on a paragraph's end look at, with room


def credit_tail_start(paragraph: str) -> int | None:
    """Where the credit block after a paragraph's last full sentence starts, or None if it has none."""
    return _credit_tail_start(paragraph, simplified(paragraph))


def _credit_tail_start(paragraph: str, twin: str) -> int | None:
    ends = [m.end() for m in SENTENCE_END.finditer(paragraph, max(0, len(paragraph) - CREDIT_TAIL_MAX_CHARS - 2))]
    start = ends[-1] if ends else (0 if len(paragraph) <= CREDIT_TAIL_MAX_CHARS else None)
    if start is None:
        return None
    if start == len(paragraph) and (m := _CLOSING_BRACKETS_RE.search(paragraph)):
        start = m.start()  # `。（央视新闻客户端）`: the bracket closes the sentence-end match
    tail, tail_twin = paragraph[start:].strip(), twin[start:].strip()
    unbracketed = _BRACKETED_RE.sub("", tail)
    if not tail or len(tail) > CREDIT_TAIL_MAX_CHARS or "，" in unbracketed or ends_sentence(unbracketed):
        if not (tail and (_PAREN_OUTLET_RE.match(tail_twin) or _NAMES_ONLY_RE.match(tail_twin))):
            return None
    if not _parses_as_credit(tail_twin):
        return None
    if _CREDIT_ROLE_RE.search(tail_twin) or _PAREN_OUTLET_RE.match(tail_twin) or _NAMES_ONLY_RE.match(tail_twin):
        return start
    return None


def credit_meta(credit: str) -> tuple[str | None, str | None]:
    """(outlet, writers) named in a credit block."""
    return _credit_meta(credit, simplified(credit))


def _credit_meta(credit: str, twin: str) -> tuple[str | None, str | None]:
    source = None
    if m := _TAIL_SOURCE_RE.search(twin):
        source = clean_outlet(credit[m.start("v"):m.end("v")])
    elif m := _TAIL_OUTLET_RE.search(twin):
        source = clean_outlet(credit[m.start("v"):m.end("v")])
    elif _PAREN_OUTLET_RE.match(twin):
        source = clean_outlet(re.split(r"\s|\d", credit.strip("()（）【】[]"))[0])
    return source, authors_in(credit)


LEAD_CREDIT_MAX_CHARS = 80
_LEAD_AFTER_CREDIT_RE = re.compile(r"\d{1,2}月\d{1,2}日|近日|日前|近期|当地时间|“|「|据|\s")
_LEADING_SOURCE_RE = re.compile(f"^来源\\s*[:：]\\s*{_OUTLET}")
_LABELLED_VALUE_END_RE = re.compile(r"(?:来源|转自|出品)\s*[:：|｜]?\s*([^\s，。:：|｜（）()【】]{2,20})$")
_ENDS_WITH_OUTLET_SUFFIX_RE = re.compile(f"(?:{_OUTLET_SUFFIX})$")
_ENDS_WITH_ROLE_RE = re.compile(f"(?:{_ROLE})$")
_ENDS_WITH_ROLE_NAMES_RE = re.compile(f"(?:{_AUTHOR_ROLES}|{_OTHER_ROLES}|评论员)\\s*[:：]?\\s*[{HAN}·]{{2,4}}(?:[\\s、]+[{HAN}·]{{2,4}})*$")


def _credit_ends_well(head: str) -> bool:
    """A byline cut off a lead (given as its twin) must end in a role, a role's names, a bracket or a
    labelled outlet.

    Text cut at a quotation mark could otherwise end in the lead's first words (`来源：人民网 受台风`).
    """
    if head.endswith(("）", ")", "】", "]")) or _ENDS_WITH_ROLE_RE.search(head) or _ENDS_WITH_ROLE_NAMES_RE.search(head):
        return True
    label = _LABELLED_VALUE_END_RE.search(head)
    return bool(label and _ENDS_WITH_OUTLET_SUFFIX_RE.search(label.group(1)))


def strip_leading_credit(paragraph: str) -> tuple[str, str | None, str | None]:
    """(text, source, author): a byline glued to the lead (`大众网记者 刘姿岑 通讯员 孙晓 青岛报道8月4日，…`) removed."""
    twin = simplified_start(paragraph, LEAD_CREDIT_MAX_CHARS * 2)  # a credit is looked for in the first 80 characters
    best = None
    candidates = [m.start() for m in _LEAD_AFTER_CREDIT_RE.finditer(twin, 4, LEAD_CREDIT_MAX_CHARS)]
    if m := _LEADING_SOURCE_RE.match(twin):
        candidates.append(m.end())  # `来源：人民网受台风…`: the outlet ends where its name does
    for end in sorted(candidates):
        head = twin[:end].strip()
        if not (_parses_as_credit(head) and _CREDIT_ROLE_RE.search(head) and len(paragraph) - end >= 10):
            continue
        if not _credit_ends_well(head):
            continue
        best = end  # the longest credit prefix wins
    if best is None:
        return paragraph, None, None
    source, author = _credit_meta(paragraph[:best].strip(), twin[:best].strip())
    return paragraph[best:].lstrip(), source, author


def strip_trailing_credits(paragraph: str) -> tuple[str, str | None, str | None]:
    """(text, source, author): end marks and credit blocks (`(完)`, `(周慧)`, `来源：大众日报`) peeled off the end."""
    source = author = None
    while paragraph:
        twin = simplified_end(paragraph, _TAIL_TWIN_CHARS)
        if m := _END_MARK_RE.search(twin, max(0, len(twin) - 12)):
            paragraph = paragraph[: m.start()].rstrip()
            continue
        if m := _PRINT_EDITION_RE.search(twin, max(0, len(twin) - 50)):
            source = source or clean_outlet(paragraph[m.start("paper"):m.end("paper")])
            paragraph = paragraph[: m.start()].rstrip()
            continue
        start = _credit_tail_start(paragraph, twin)
        if start is None:
            break
        src, auth = _credit_meta(paragraph[start:].strip(), twin[start:].strip())
        source, author = source or src, author or auth
        paragraph = paragraph[:start].rstrip()
    return paragraph, source, author


# ---------------------------------------------------------------------------------------------------
# Datelines

# `新华社北京7月30日电`, `中新网丽水7月24日电(…)`, `湖北日报讯（记者…）`, `央视网消息：`: the outlet opens the lead.
_DATELINE_OUTLET_RE = re.compile(
    f"^[【\\[]?据?(?P<outlet>[{HAN}A-Za-z·]{{1,10}}?(?:{_OUTLET_SUFFIX}))"
    f"(?:[{HAN}]{{0,8}}?\\d{{1,2}}月\\d{{1,2}}日电|(?:客户端)?(?:讯|消息|报道)(?=[\\s（(【:：]|$)|[{HAN}]{{0,8}}?电\\s)"
)


def dateline_outlet(lead: str) -> str | None:
    """The outlet a news lead opens with (`新华社北京7月30日电` → 新华社); not `本报`."""
    m = _DATELINE_OUTLET_RE.match(simplified_start(lead, 64))  # a dateline is at most 32 characters long
    if not m or m.group("outlet") in ("本报", "本网", "本台"):
        return None
    return clean_outlet(lead[m.start("outlet"):m.end("outlet")])
