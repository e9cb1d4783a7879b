"""Credits: names, outlets, role words; credit lines, the credit blocks that open or close an article,
and the outlet a dateline names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.text import NAME
from rag.lang.script import HAN
from rag.lang.sentences import SENTENCE_END, ends_sentence

# ---------------------------------------------------------------------------------------------------
# Names and outlets

_AUTHOR_ROLES = (
    "全媒体记者|全媒體記者|融媒体记者|融媒體記者|特约记者|特約記者|实习记者|實習記者|见习记者|見習記者|首席记者|首席記者|"
    "本报记者|本報記者|本台记者|本台記者|总台央视记者|總台央視記者|记者|記者|通讯员|通訊員|实习生|實習生|撰文|作者|文字|"
    "文/图|文/圖|文"
)
_OTHER_ROLES = "摄影|攝影|摄像|攝像|责任编辑|責任編輯|编辑|編輯|责编|責編|校对|校對|审核|審核|监制|監製|图|圖"
_ROLE_SPLIT_RE = re.compile(f"({_AUTHOR_ROLES}|{_OTHER_ROLES})\\s*[:：/]?")
_AUTHOR_ROLE_RE = re.compile(f"^(?:{_AUTHOR_ROLES})$")
_NAME_SPLIT_RE = re.compile(r"[\s、，,/／]+")


_NOT_NAME_ENDINGS = ("报道", "報道", "报导", "综合", "綜合", "电", "電", "讯", "訊", "供图", "供圖", "摄", "攝")


def names_in(text: str) -> str | None:
    """Personal names in a run of names (`譚海波 高潔`, `林琳、吳妍`) joined with `、`."""
    names: list[str] = []
    for token in _NAME_SPLIT_RE.split(text):
        if token.endswith(_NOT_NAME_ENDINGS):  # `青岛报道`, `综合`: where and how, not who
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
    parts = _ROLE_SPLIT_RE.split(credit.strip("()（）[]【】 "))
    if len(parts) == 1:
        return names_in(parts[0])
    found = [names_in(parts[i + 1]) for i in range(1, len(parts) - 1, 2) if _AUTHOR_ROLE_RE.match(parts[i])]
    names = [n for group in found if group for n in group.split("、")]
    return "、".join(dict.fromkeys(names)) if names else None


_OUTLET_TAIL_RE = re.compile(r"[\s\-－—·|｜:：,，]+$")


def clean_outlet(text: str) -> str | None:
    """An outlet name as a credit gives it (`农业科技报-中国农科新闻网`), without trailing separators."""
    text = _OUTLET_TAIL_RE.sub("", text.strip()).strip("【】[]（）()")
    text = re.sub(r"(?:客户端|客戶端)?(?:讯|訊|报道|報道|消息|综合|綜合)$", "", text) or text
    if not text or len(text) > 30 or re.fullmatch(r"[\d\s\-:：/]+", text):
        return None
    return text


# ---------------------------------------------------------------------------------------------------
# Credit lines

_CREDIT_LINE_RES = {
    "byline": re.compile(r"^(?:文|撰文|作者|记者|記者)\s*(?:/\s*(?:图|圖))?\s*[:：丨|]\s*(?P<names>.{2,40})$"),
    "editor": re.compile(
        r"^[\[【(（]?\s*(?:责任编辑|責任編輯|编辑|編輯|责编|責編|校对|校對|审核|審核|审校|審校|监制|監製|"
        r"统筹|統籌|美编|美編|终审|終審|初审|初審|值班编辑|值班編輯)\s*[:：丨|].{0,60}$"
    ),
    "keywords": re.compile(r"^(?:关键词|關鍵詞|关键字|關鍵字|标签|標籤|tags?|TAGS?)\s*[:：].{0,60}$"),
    "source": re.compile(r"^[\[【(（]?\s*(?:来源|來源|稿源|出处|出處|转自|轉自)\s*[:：]\s*(?P<source>.{1,40}?)\s*[\]】)）]?$"),
}
_PAREN_CREDIT_RE = re.compile(
    rf"^[(（]\s*(?P<outlet>[^()（）]{{0,20}}?)\s*(?:全媒体|全媒體|融媒体|融媒體)?(?:记者|記者)\s*(?P<names>{NAME}(?:\s*[、 ]\s*{NAME})*)"
    r"[^()（）]{0,60}[)）]$"
)
_BYLINE_RE = re.compile(
    rf"^(?P<outlet>[^\s，。,；]{{0,30}}?)\s*(?:全媒体|全媒體|融媒体|融媒體|首席|特约|特約|本报|本報)?(?:记者|記者)\s*[:：]?\s*"
    rf"(?P<names>{NAME}(?:\s*[、 ]\s*{NAME})*)"
    rf"(?:\s*(?:通讯员|通訊員|实习生|實習生|摄影|攝影)\s*[:：]?\s*{NAME}(?:\s*[、 ]\s*{NAME})*)*\s*$"
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
    if m := _PAREN_CREDIT_RE.match(line):
        return Credit("byline", clean_outlet(m.group("outlet")) if m.group("outlet") else None,
                      authors_in(line[m.end("outlet"):]))
    for kind, pattern in _CREDIT_LINE_RES.items():
        if m := pattern.match(line):
            groups = m.groupdict()
            if kind == "byline":
                return Credit(kind, author=authors_in(line))
            if kind == "source":
                value = groups["source"]
                reporter = re.search(rf"(?:记者|記者)\s*({NAME})", value)
                outlet = re.split(r"\s*(?:记者|記者|作者|编辑|編輯)", value)[0]
                return Credit(kind, clean_outlet(outlet), reporter.group(1) if reporter else None)
            return Credit(kind)
    if m := _BYLINE_RE.match(line):
        return Credit("byline", clean_outlet(m.group("outlet")) if m.group("outlet") else None,
                      authors_in(line[m.end("outlet"):]))
    return None


# ---------------------------------------------------------------------------------------------------
# Credit blocks

# A credit block closes many articles, after the last full sentence: `来源：北京日报 | 记者 陈雪柠`,
# `华商报记者 杜蒙 编辑：王蜀周秦`, `(荊楚網記者林琳、編輯李茹慧)`, `（央视新闻客户端）`. It is recognised by a
# small grammar: role words, names (2-4 characters, delimited), outlets (ending in 报/网/社/台/客户端…),
# `来源：X`, bracketed notes and separators, and nothing else. A sentence fragment such as
# `记者从市应急管理局获悉` does not parse: its "name" is not delimited.
_ROLE = (  # role words before or after names in credits
    "(?:全媒体|全媒體|融媒体|融媒體|首席|特派|特约|特約|实习|實習|见习|見習|主任|摄影|攝影|本报|本報|本台|总台央视|總台央視)?(?:记者|記者)|"
    "通讯员|通訊員|实习生|實習生|作者|撰文|文字|实习编辑|责任编辑|責任編輯|值班编辑|流程编辑|本文编辑|视频编辑|視頻編輯|编辑|編輯|"
    "责编|責編|校对|校對|校审|审核|審核|审校|審校|终审|監製|监制|主编|主編|制作|製作|策划|策劃|统筹|統籌|视频拍摄|视频|視頻|"
    "摄影|攝影|摄像|攝像|图片|圖片|出品|联合出品|转自|轉自|转载|轉載|来源|來源|原标题|原標題|供图|供圖|制图|製圖|整理|编译|編譯|"
    "评论员|評論員|供稿|审定|審定|采写|採寫|综合报道|綜合報道|摄影报道|攝影報道|报道|報道|综合|綜合|"
    "文/图|文/圖|文图|文圖|文/|图/|圖/|/文|/图|/圖"
)
_ROLE_SHORT = "摄|攝|文|图|圖"
_ROLE_LONG = _ROLE
_ROLE = f"{_ROLE_LONG}|{_ROLE_SHORT}"
_OUTLET_SUFFIX = (
    "客户端|客戶端|日报社|日報社|日报|日報|晚报|晚報|早报|早報|时报|時報|商报|商報|新闻网|新聞網|新闻|新聞|电视台|電視台|"
    "广播电视台|网|網|报|報|台|社|APP|杂志|雜誌|周刊|週刊|频道|頻道|融媒体中心|融媒體中心"
)
_OUTLET = f"[{HAN}A-Za-z/·－-]{{1,14}}?(?:{_OUTLET_SUFFIX})"
_CREDIT_DELIM = f"[\\s、,，/|｜:：（(【\\[\\-－—]|$|{_ROLE}"
# Tried in this order at each position, without backtracking between tokens: the parse is linear
# (a regex of alternatives under `+` can take exponential time on a long run of dashes).
_CREDIT_TOKENS = tuple(
    re.compile(p)
    for p in (
        f"(?:来源|來源|转自|轉自|出品)\\s*[:：|｜]?\\s*[^\\s，。:：|｜（）()【】]{{2,20}}?(?=[\\s（(【|｜]|$|{_ROLE})",
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
    i = 0
    while i < len(text):
        for token in _CREDIT_TOKENS:
            m = token.match(text, i)
            if m and m.end() > i:
                i = m.end()
                break
        else:
            return False
    return True


_CREDIT_ROLE_RE = re.compile(_ROLE)
_PAREN_OUTLET_RE = re.compile(f"^[（(【\\[](?:{_OUTLET}|[^（()）]*\\d+\\s*版)[）)】\\]]$")
_TAIL_SOURCE_RE = re.compile(
    f"(?:来源|來源)\\s*[:：|｜]?\\s*(?P<v>[^\\s，。:：|｜（）()【】]{{2,20}}?)(?=[\\s（(【|｜]|$|{_ROLE})"
)
_TAIL_OUTLET_RE = re.compile(f"(?P<v>{_OUTLET})(?:全媒体|融媒体|首席|特派|特约)?(?:记者|記者)")
_NAMES_ONLY_RE = re.compile(f"^[（(]\\s*[{HAN}·]{{1,4}}(?:[\\s、][{HAN}·]{{1,4}}){{0,3}}\\s*[）)]$")
_END_MARK_RE = re.compile(r"(?:[(（]\s*完\s*[)）]|本版导读|本版導讀)\s*$")
# `《 人民日报 》（ 2023年07月27日 17 版）`: where the article was printed.
_PRINT_EDITION_RE = re.compile(
    r"[《(（]\s*(?P<paper>[^《》()（）\s]{2,12})\s*[》)）]?\s*[（(]?\s*\d{4}年\d{1,2}月\d{1,2}日\s*(?:第\s*)?\d{1,3}\s*版\s*[)）]\s*$"
)
CREDIT_TAIL_MAX_CHARS = 90


def credit_tail_start(paragraph: str) -> int | None:
    """Where the credit block after a paragraph's last full sentence starts, or None if it has none."""
    ends = [m.end() for m in SENTENCE_END.finditer(paragraph, max(0, len(paragraph) - CREDIT_TAIL_MAX_CHARS - 2))]
    start = ends[-1] if ends else (0 if len(paragraph) <= CREDIT_TAIL_MAX_CHARS else None)
    if start is None:
        return None
    if start == len(paragraph) and (m := re.search(r"[（(][^（()）]{1,40}[）)]$", paragraph)):
        start = m.start()  # `。（央视新闻客户端）`: the bracket closes the sentence-end match
    tail = paragraph[start:].strip()
    unbracketed = re.sub(r"[（(【\[][^（()）【】\[\]]*[）)】\]]", "", tail)
    if not tail or len(tail) > CREDIT_TAIL_MAX_CHARS or "，" in unbracketed or ends_sentence(unbracketed):
        if not (tail and (_PAREN_OUTLET_RE.match(tail) or _NAMES_ONLY_RE.match(tail))):
            return None
    if not is_credit_block(tail):
        return None
    if _CREDIT_ROLE_RE.search(tail) or _PAREN_OUTLET_RE.match(tail) or _NAMES_ONLY_RE.match(tail):
        return start
    return None


def credit_meta(credit: str) -> tuple[str | None, str | None]:
    """(outlet, writers) named in a credit block."""
    source = None
    if m := _TAIL_SOURCE_RE.search(credit):
        source = clean_outlet(m.group("v"))
    elif m := _TAIL_OUTLET_RE.search(credit):
        source = clean_outlet(m.group("v"))
    elif m := _PAREN_OUTLET_RE.match(credit):
        source = clean_outlet(re.split(r"\s|\d", credit.strip("()（）【】[]"))[0])
    return source, authors_in(credit)


_LEAD_AFTER_CREDIT_RE = re.compile(r"\d{1,2}月\d{1,2}日|近日|日前|近期|当地时间|當地時間|“|「|据|據|\s")


_LEADING_SOURCE_RE = re.compile(f"^(?:来源|來源)\\s*[:：]\\s*{_OUTLET}")
_LABELLED_VALUE_END_RE = re.compile(r"(?:来源|來源|转自|轉自|出品)\s*[:：|｜]?\s*([^\s，。:：|｜（）()【】]{2,20})$")


_ENDS_WITH_ROLE_RE = re.compile(f"(?:{_ROLE})$")
_ENDS_WITH_ROLE_NAMES_RE = re.compile(f"(?:{_AUTHOR_ROLES}|{_OTHER_ROLES}|评论员|評論員)\\s*[:：]?\\s*[{HAN}·]{{2,4}}(?:[\\s、]+[{HAN}·]{{2,4}})*$")


def _credit_ends_well(head: str) -> bool:
    """A byline cut off a lead must end in a role, a role's names, a bracket or a labelled outlet.

    Text cut at a quotation mark could otherwise end in the lead's first words (`来源：人民网 受台风`).
    """
    if head.endswith(("）", ")", "】", "]")) or _ENDS_WITH_ROLE_RE.search(head) or _ENDS_WITH_ROLE_NAMES_RE.search(head):
        return True
    label = _LABELLED_VALUE_END_RE.search(head)
    return bool(label and re.search(f"(?:{_OUTLET_SUFFIX})$", label.group(1)))


def strip_leading_credit(paragraph: str) -> tuple[str, str | None, str | None]:
    """(text, source, author): a byline glued to the lead (`大众网记者 刘姿岑 通讯员 孙晓 青岛报道8月4日，…`) removed."""
    best = None
    candidates = [m.start() for m in _LEAD_AFTER_CREDIT_RE.finditer(paragraph, 4, 80)]
    if m := _LEADING_SOURCE_RE.match(paragraph):
        candidates.append(m.end())  # `来源：人民网受台风…`: the outlet ends where its name does
    for end in sorted(candidates):
        head = paragraph[:end].strip()
        if not (is_credit_block(head) and _CREDIT_ROLE_RE.search(head) and len(paragraph) - end >= 10):
            continue
        if not _credit_ends_well(head):
            continue
        best = end  # the longest credit prefix wins
    if best is None:
        return paragraph, None, None
    source, author = credit_meta(paragraph[:best].strip())
    return paragraph[best:].lstrip(), source, author


def strip_trailing_credits(paragraph: str) -> tuple[str, str | None, str | None]:
    """(text, source, author): end marks and credit blocks (`(完)`, `(周慧)`, `来源：大众日报`) peeled off the end."""
    source = author = None
    while paragraph:
        if m := _END_MARK_RE.search(paragraph, max(0, len(paragraph) - 12)):
            paragraph = paragraph[: m.start()].rstrip()
            continue
        if m := _PRINT_EDITION_RE.search(paragraph, max(0, len(paragraph) - 50)):
            source = source or clean_outlet(m.group("paper"))
            paragraph = paragraph[: m.start()].rstrip()
            continue
        start = credit_tail_start(paragraph)
        if start is None:
            break
        src, auth = credit_meta(paragraph[start:].strip())
        source, author = source or src, author or auth
        paragraph = paragraph[:start].rstrip()
    return paragraph, source, author


# ---------------------------------------------------------------------------------------------------
# Datelines

# `新华社北京7月30日电`, `中新网丽水7月24日电(…)`, `湖北日报讯（记者…）`, `央视网消息：`: the outlet opens the lead.
_DATELINE_OUTLET_RE = re.compile(
    f"^[【\\[]?据?(?P<outlet>[{HAN}A-Za-z·]{{1,10}}?(?:{_OUTLET_SUFFIX}))"
    f"(?:[{HAN}]{{0,8}}?\\d{{1,2}}月\\d{{1,2}}日(?:电|電)|(?:客户端|客戶端)?(?:讯|訊|消息|报道|報道)(?=[\\s（(【:：]|$)|[{HAN}]{{0,8}}?(?:电|電)\\s)"
)


def dateline_outlet(lead: str) -> str | None:
    """The outlet a news lead opens with (`新华社北京7月30日电` → 新华社); not `本报`."""
    m = _DATELINE_OUTLET_RE.match(lead)
    if not m or m.group("outlet") in ("本报", "本報", "本网", "本網", "本台"):
        return None
    return clean_outlet(m.group("outlet"))
