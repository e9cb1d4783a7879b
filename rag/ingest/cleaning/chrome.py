"""Page chrome: menus, breadcrumbs, widgets, spam and link lists; picture captions; boilerplate inside
flattened text (copyright notices, share prompts, in-text ads).

The words come from rag/ingest/data/cleaning_words.tsv and are matched on the Simplified twin of a line
or text (`wordlists.simplified`); what is kept is cut from the text itself.
"""

from __future__ import annotations

import re

from rag.ingest.cleaning.dates import parse_date
from rag.ingest.cleaning.text import NAME, SENT_END, compare_key, visible_len
from rag.ingest.cleaning.wordlists import alternation, remove, simplified, words

# ---------------------------------------------------------------------------------------------------
# Lines of page chrome (menus, breadcrumbs, widgets, spam) and of link lists

_NAV_WORDS = frozenset(words("nav"))
_BREADCRUMB_RE = re.compile(
    f"^(?:{alternation('breadcrumb')})\\s*[:：]"
    r"|^[^\s>»›]{1,12}(?:\s*[>»›]\s*[^\s>»›]{1,16}){2,}$"
)
_SPAM_TERMS = re.compile(f"{alternation('spam')}|[Aa][Vv](?![a-z])")
_TAIL_MARKER_RE = re.compile(f"^[-•·*\\s]*(?:{alternation('tail')})\\s*[:：]?.{{0,20}}$")
_TAIL_MARKER_MAX_VISIBLE = max(map(len, words("tail"))) + 1 + 20  # the heading, a colon, 20 characters
_LEADING_BULLETS_RE = re.compile(r"[-•·*\s]*")
_WIDGET_RE = re.compile(alternation("widget"))

_LINK_ITEM_RES = (
    re.compile(r"^[-•·*]\s*[(（\[]\d{4}-\d{1,2}-\d{1,2}[)）\]]"),  # - (2023-06-27)headline
    re.compile(r"^[-•·*]?\s*\S.{3,60}?\s*\d{4}-\d{2}-\d{2}(?:\s*\d{1,2}:\d{2})?$"),  # - headline2023-06-18
    re.compile(r"^[-•·*]\s*\d{1,2}\s*\S.{2,40}$"),  # - 1ranked headline…
    re.compile(r"^[-•·*]\s*$"),
    re.compile(r"^.{2,60}(?:\.\.\.|…)\s*[-–]?$"),  # truncated headline
    re.compile(r"^.{2,60}---.{0,60}[-–]?$"),  # headline---summary
)


def is_spam_line(line: str) -> bool:
    """A keyword-stuffed SEO line (`99热这里有精品之_亚洲Av2020在线播放_国产日韩…`)."""
    if len(line) > 200:
        return False
    segments = [s for s in re.split(r"[_|｜]", line) if s.strip()]
    stuffed = len(segments) >= 3 and not re.search(f"[{SENT_END}，,。]", line)
    terms = len(set(m.lower() for m in _SPAM_TERMS.findall(simplified(line))))
    return (stuffed and terms >= 3) or terms >= 4


def is_nav_line(line: str) -> bool:
    """A menu item (`- 首頁`, `English`, `舉報專區`)."""
    if len(line) > 40:
        return False
    item = simplified(line).lstrip("-•·*| ").strip()
    return item in _NAV_WORDS or all(part in _NAV_WORDS for part in re.split(r"\s*[|/｜]\s*|\s+", item) if part)


def is_breadcrumb(line: str) -> bool:
    return len(line) <= 120 and bool(_BREADCRUMB_RE.search(simplified(line)))


def is_tail_marker(line: str) -> bool:
    """A heading that starts the link lists, share and comment widgets after an article."""
    rest = line[_LEADING_BULLETS_RE.match(line).end():]
    if len(rest) > _TAIL_MARKER_MAX_VISIBLE and visible_len(rest) > _TAIL_MARKER_MAX_VISIBLE:
        return False  # too long (spares converting a paragraph)
    return bool(_TAIL_MARKER_RE.match(simplified(line)))


def is_widget_line(line: str) -> bool:
    return len(line) <= 40 and bool(_WIDGET_RE.search(simplified(line)))


def is_link_item(line: str) -> bool:
    """A line of a list of other articles' headlines (dated, ranked or truncated)."""
    return len(line) <= 120 and any(p.search(line) for p in _LINK_ITEM_RES)


def link_item_date(line: str, title: str) -> str | None:
    """The date of a link-list item that links to this very article (its headline is `title` or its start)."""
    m = re.match(r"^[-•·*]?\s*[(（\[]?(\d{4}-\d{1,2}-\d{1,2})[)）\]]?\s*(.*)$", line)
    if m:
        date, headline = m.group(1), m.group(2)
    else:
        m = re.match(r"^[-•·*]?\s*(.*?)\s*(\d{4}-\d{2}-\d{2})$", line)
        if not m:
            return None
        headline, date = m.group(1), m.group(2)
    key, head = compare_key(title), compare_key(headline)
    if len(head) >= 8 and key.startswith(head):
        return parse_date(date)
    return None


# ---------------------------------------------------------------------------------------------------
# Captions

_CAPTION_TAG_RE = re.compile(
    f"[(（【\\[]\\s*(?:{alternation('caption_tag')}|(?:{alternation('caption_source')})[^)）】\\]]{{0,30}}|"
    "图片由[^)）】\\]]{0,30}提供)\\s*[)）】\\]]"
)
_CAPTION_LINE_RES = (
    re.compile(f"^(?:{alternation('caption_head')})\\s*[:：丨|]"),
    re.compile(r"^图为"),
    re.compile(rf"(?:摄影|摄)\s*[:：]?\s*{NAME}(?:\s*[、 ]\s*{NAME})*\s*$"),  # …。攝影 林琳
    re.compile(r"^(?:图片来源|图源)\s*[:：/]"),
    re.compile(rf"^.{{0,30}}?(?:记者|发)?\s*{NAME}\s*摄$"),  # 问诊现场。韩金雨 摄
    re.compile(r"(?:供图|现场。?)$"),  # 马耳他中国文化中心供图 · 活动现场
)


def remove_caption_tags(text: str) -> str:
    """Drop inline picture tags: `(資料圖)`, `【資料圖】`, `（图片来源：视觉中国）`."""
    twin = simplified(text)
    return remove(_CAPTION_TAG_RE, text, twin)[0] if "图" in twin else text


def is_caption_line(line: str) -> bool:
    """A picture or video caption (`視頻:…`, `…致開幕詞。攝影 林琳`, `活动现场`); never a long paragraph."""
    if len(line) > 100:
        return False
    twin = simplified(line)
    if twin.endswith(("现场", "现场。")):
        return len(line) <= 16
    return any(p.search(twin) for p in _CAPTION_LINE_RES)


# ---------------------------------------------------------------------------------------------------
# Boilerplate inside flattened text (JSONL records are whole pages on one or a few lines)

# From these markers to the end of the text, everything is page furniture: copyright notices,
# "back to" links, tip-off channels, share prompts, disclaimers of generated market reports. Every
# alternative starts with a fixed character (no optional prefix), which lets the search skip ahead.
_CUT_TO_END_RE = re.compile(
    f"{alternation('cut')}|(?:{alternation('cut_label')})[:：]|"
    r"返回搜狐，?查看更多|声明[:：]此文版权归|声明[:：]本网站所提供的信息|"
    r"新闻线索(?:报料|爆料)、?(?:维权)?通道[:：]|(?:报料|爆料)、?(?:维权)?通道[:：]|[\[【]扫码(?:下载|或长按)|"
    r"未经授权，?不得转载|"
    r"(?:新浪|本网|本站)声明[:：](?:转载|所有会议实录|本文|此文|本网|本站|文章)|"
    r"声明[:：](?:转载|所有会议实录|本文|此文|本网|本站|文章)|[▼↓]\s*订阅"
)
# `*本站独家稿件，转载请注明出处`: the outlet's name before the phrase belongs to the cut; searched apart
# (a pattern that may start with any character makes the search above try every position).
_EXCLUSIVE = "独家稿件，转载请注明出处"
_EXCLUSIVE_RE = re.compile(f"[*＊]?\\S{{0,8}}{_EXCLUSIVE}")
_DROP_INLINE_RE = re.compile(
    r"广告\s*[^。！？\n]{0,40}?>>\s*进入直播间与主播亲密互动\s*×?|"
    r"[\[【(（]\s*责任编辑\s*[:：][^\]】)）]{0,30}[\]】)）]|"
    r"[(（]原标题[:：][^()（）]{1,80}[)）]|"
    f"{alternation('inline')}"
)


def cut_page_furniture(text: str) -> str:
    """Cut copyright notices, share prompts and the like (and all after them) from the body's end."""
    # Only in the closing part: the same words early in a text are quoted, not furniture.
    twin, start = simplified(text), int(len(text) * 0.3)
    m = _CUT_TO_END_RE.search(twin, start)
    cut = m.start() if m else len(text)
    # The first `独家稿件…` after `start` gives the earliest match of _EXCLUSIVE_RE: it begins at most 9
    # characters before it.
    if (i := twin.find(_EXCLUSIVE, start, cut + 9 + len(_EXCLUSIVE))) >= 0:
        if (m := _EXCLUSIVE_RE.search(twin, max(start, i - 9))) and m.start() < cut:
            cut = m.start()
    return text[:cut]


def drop_inline_boilerplate(text: str) -> str:
    """Drop in-text ads, correction links and bracketed editor credits."""
    return remove(_DROP_INLINE_RE, text, simplified(text))[0]
