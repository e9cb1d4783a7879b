"""Cleaning rules for scraped Chinese news: what is article text, what is page debris, what is metadata.

Each rule is a small function or a named pattern so that it can be tested on a real excerpt. The entry
point is `clean_article(text, ...)`, which turns one decoded document (plain text, text extracted from
HTML, or the `text` of a JSONL record) into a title, numbered-from-1 body paragraphs and metadata
(date, source, author). Text that stays in the body is kept verbatim apart from whitespace: answers
quote it, so no script or width conversion happens here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from rag.lang.script import HAN, HAN_CHAR as _HAN_RE, han_count
from rag.lang.sentences import CLOSERS, SENTENCE_END as _SENT_END_RE, ends_sentence, sentences

# ---------------------------------------------------------------------------------------------------
# Character classes

# Sentence ends (the seeds' pages turned full-width ！？ into half-width ones).
SENT_END = "。！？!?…"
_NAME = f"[{HAN}·]{{2,5}}"  # a Chinese personal name (2-4 characters, rarely 5 or with ·)

DEFAULT_MAX_PARAGRAPH_CHARS = 500


# ---------------------------------------------------------------------------------------------------
# Whitespace

_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f\f\v]+")


def normalize_whitespace(text: str) -> str:
    """Unix newlines, no invisible characters, runs of spaces (incl. NBSP, ideographic) as one space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# ---------------------------------------------------------------------------------------------------
# Pinyin glosses: `結(jié)對` → `結對`, while `村(社區(qū))` → `村(社區)` keeps the real parentheses.

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY_LETTERS = f"a-zü{_TONED}ê"
_TONE_MARKS = {"\u0304", "\u0301", "\u030c", "\u0300"}  # macron, acute, caron, grave (NFD)
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
             "r", "z", "c", "s", "y", "w", "")
_FINALS = frozenset(
    "a o e ê ai ei ao ou an en ang eng ong er i ia ie iao iu ian in iang ing iong u ua uo uai ui uan "
    "un uang ueng ü üe üan ün ue ve v n ng m".split()
)
_GLOSS_RE = re.compile(
    rf"(?<=[{HAN}])[(（]([{_PY_LETTERS}]{{1,6}}(?: [{_PY_LETTERS}]{{1,6}}){{0,3}})[)）]"
)


@lru_cache(maxsize=4096)
def is_pinyin_syllable(syllable: str) -> bool:
    """A toned or toneless Hanyu Pinyin syllable (`jié`, `qū`, `zhuàng`)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable) if c not in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", bare)
    return any(bare.startswith(i) and bare[len(i):] in _FINALS for i in _INITIALS)


def has_tone_mark(text: str) -> bool:
    return any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", text))


def _gloss_or_keep(m: re.Match) -> str:
    body = m.group(1)
    # Only tone-marked syllables count: `(app)` or `(an)` after a character stay as they are.
    if has_tone_mark(body) and all(is_pinyin_syllable(s) for s in body.split()):
        return ""
    return m.group(0)


# A gloss whose character and `(` were lost to a decoding error (`勇?lián)?dāng)`): the `?` stays as
# the mark of the lost character, the pinyin left over goes.
_BROKEN_GLOSS_RE = re.compile(rf"\?([{_PY_LETTERS}]{{1,6}})\)")


def _broken_gloss(m: re.Match) -> str:
    return "?" if has_tone_mark(m.group(1)) and is_pinyin_syllable(m.group(1)) else m.group(0)


def strip_pinyin_glosses(text: str) -> str:
    """Remove parenthesised pinyin that follows a Han character; other parentheses stay."""
    if "(" not in text and "（" not in text and ")" not in text:
        return text
    text = _GLOSS_RE.sub(_gloss_or_keep, text)
    return _BROKEN_GLOSS_RE.sub(_broken_gloss, text) if "?" in text else text


# ---------------------------------------------------------------------------------------------------
# GBK byte-shift mojibake: `。”青島市` (GBK a1a3 a1b1 c7e0 8d75 ...) decoded one byte late reads
# `?!鼻鄭u市`: the lead byte a1 of `。` is lost as `?`, every following pair is read across two
# characters (a3a1 → `！`, which these pages then printed half-width, b1c7 → `鼻`, e08d → `鄭`) until an
# ASCII trail byte (0x75 `u`) brings the decoder back in step. Re-encoding the run and decoding it with
# the lost byte put back gives the original text; a run is replaced only when that decode is strict
# and reads as punctuation followed by ideographs.

_SHIFT_RE = re.compile(r"\?[!！]([^\x00-\x7f]{0,40})([\x40-\x7e]|\?)")
_LOST_LEAD = b"\xa1"  # the GBK punctuation row: `。` is a1a3, so a1 + the a3 of `！` gives it back
_CJK_PUNCT = set("。，、；：？！“”‘’「」『』（）《》〈〉【】…—·")


def _plausible_repair(text: str) -> bool:
    if len(text) < 2 or text[0] != "。" or text[1] not in _CJK_PUNCT:
        return False
    return all(_HAN_RE.match(c) or c in _CJK_PUNCT for c in text[2:])


def _repair_shift(m: re.Match) -> str:
    middle, term = m.group(1), m.group(2)
    try:
        raw = _LOST_LEAD + ("！" + middle).encode("gb18030")
    except UnicodeEncodeError:
        return m.group(0)
    if term != "?":
        try:
            fixed = (raw + term.encode("ascii")).decode("gb18030")
        except UnicodeDecodeError:
            return m.group(0)
        return fixed if _plausible_repair(fixed) else m.group(0)
    # `?` as terminator: the last lead byte and the ASCII byte after it were read as one invalid pair,
    # so that character is lost. Its row is known (a1: punctuation); when the paragraph has an open
    # quotation mark the lost character is the closing one.
    try:
        fixed = raw[:-1].decode("gb18030")
    except UnicodeDecodeError:
        return m.group(0)
    if raw[-1:] != _LOST_LEAD or not fixed.startswith("。") or not all(
        _HAN_RE.match(c) or c in _CJK_PUNCT for c in fixed[1:]
    ):
        return m.group(0)
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    before = m.string[line_start:m.start()] + fixed
    if before.count("“") > before.count("”"):
        fixed += "”"
    return fixed + "\x00"  # marks the byte the invalid pair swallowed (see repair_gbk_shift)


_SWALLOWED_TAG_RE = re.compile(r"\x00(?:/?[a-zA-Z]{1,6}>)?")


def repair_gbk_shift(text: str) -> str:
    """Repair runs of GBK text decoded one byte off (see above); leave anything else untouched."""
    if "?" not in text:
        return text
    fixed = _SHIFT_RE.sub(_repair_shift, text)
    # A swallowed `<` leaves the rest of an HTML tag (`/p>`) behind: drop it with the marker.
    return _SWALLOWED_TAG_RE.sub("", fixed) if "\x00" in fixed else fixed


# ---------------------------------------------------------------------------------------------------
# Dates

_TIME = r"(?:\s*[T ]?\s*(\d{1,2})\s*[:：时時]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?)?"
_DATE_RES = (
    # 2023-07-20 10:02[:33] · 2023/07/20 · 2023.7.20 · 2023年08月02日 16:50
    re.compile(r"(?<!\d)(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?" + _TIME),
    # 202307/25 05:01:02
    re.compile(r"(?<!\d)(\d{4})(\d{2})/(\d{2})(?!\d)" + _TIME),
    # 23-07-26 22:00 (two-digit year, only with all three parts)
    re.compile(r"(?<![\d-])(\d{2})-(\d{2})-(\d{2})(?![\d-])" + _TIME),
)


def parse_date(text: str) -> str | None:
    """The first full date in `text` as ISO 8601 (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`); None if no year."""
    for pattern in _DATE_RES:
        for m in pattern.finditer(text):
            iso = _iso(*m.groups())
            if iso:
                return iso
    return None


def _iso(y: str, mo: str, d: str, hh: str | None, mm: str | None, ss: str | None) -> str | None:
    year = int(y) + (2000 if len(y) == 2 else 0)
    month, day = int(mo), int(d)
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    if hh is not None and mm is not None and int(hh) < 24 and int(mm) < 60:
        iso += f"T{int(hh):02d}:{int(mm):02d}"
        if ss is not None and int(ss) < 60:
            iso += f":{int(ss):02d}"
    return iso


_DATE_LABELS = r"(?:发布时间|發布時間|发布日期|發布日期|发稿时间|發稿時間|发表时间|發表時間|更新时间|更新時間|时间|時間|日期)"
_WEEKDAY = r"(?:星期|周|週|礼拜|禮拜)[一二三四五六日天]"
_DATE_LINE_RE = re.compile(
    rf"^[\[【(（]?\s*(?:{_DATE_LABELS}\s*[:：]?\s*)?(?P<date>[\d\s\-/.年月日:：时時分秒T]{{6,30}}?)"
    rf"\s*(?:{_WEEKDAY})?\s*[\]】)）]?\s*$"
)


def date_of_line(line: str) -> str | None:
    """The date when `line` is nothing but a date/time (with an optional label or brackets)."""
    m = _DATE_LINE_RE.match(line)
    return parse_date(m.group("date")) if m else None


# ---------------------------------------------------------------------------------------------------
# Names, outlets and credits

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


# A JSONL header (`2023-07-28 10:14:27作者：白剑峰来源：人民日报`, `华夏经纬网 > 新闻 > 涉台新闻 2023-...`,
# `椰网/海拔新闻 记者吴英艳 2023-08-09 21:50`, `来源：中国青年报客户端`, `记者：鹿杨`) before `正文：`.
_HEADER_SPLIT_RE = re.compile(r"[，,]?\s*正文[:：]")
_SOURCE_LABEL_RE = re.compile(r"(?:来源|來源|稿源)[:：]\s*(?P<v>[^\s:：]*?)(?=作者[:：]|记者[:：]|\s|$)")
_AUTHOR_LABEL_RE = re.compile(r"(?:作者|记者|記者)[:：]\s*(?P<v>.*?)(?=来源[:：]|來源[:：]|\d{4}|$)")
_HEADER_REPORTER_RE = re.compile(rf"(?:记者|記者|通讯员|通訊員)\s*(?P<v>{_NAME}(?:\s+(?:通讯员|实习生)?\s*{_NAME})*)")
_STRIP_DATES_RE = re.compile(
    r"[\[【(（]?\s*\d{2,4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?\s*[\]】)）]?"
    rf"|{_DATE_LABELS}[:：]?|来自\S*(?:\s+\S+)?$"
)


@dataclass(frozen=True)
class Header:
    """What a one-line header says: when, which outlet, who wrote it."""

    date: str | None = None
    source: str | None = None
    author: str | None = None


def split_header(text: str, limit: int = 300) -> tuple[str, str]:
    """(`header`, `body`) when `text` starts with a short header ending in `正文：`; else ("", text)."""
    m = _HEADER_SPLIT_RE.search(text, 0, limit + 4)
    if not m:
        return "", text
    return text[: m.start()].strip(), text[m.end():]


def parse_header(header: str) -> Header:
    """Date, outlet and author named in a header line (see the shapes above)."""
    header = normalize_whitespace(header).replace("\n", " ").strip()
    if not header:
        return Header()
    date = parse_date(header)
    source = author = None
    if m := _SOURCE_LABEL_RE.search(header):
        source = clean_outlet(m.group("v"))
    if m := _AUTHOR_LABEL_RE.search(header):
        author = authors_in(m.group("v"))
    rest = _STRIP_DATES_RE.sub(" ", _SOURCE_LABEL_RE.sub(" ", _AUTHOR_LABEL_RE.sub(" ", header))).strip()
    if author is None and (m := _HEADER_REPORTER_RE.search(rest)):
        author = authors_in(m.group(0))
        rest = rest[: m.start()].strip()
    if source is None and rest:
        first = re.split(r"\s*[>»›]\s*|\s{2,}| ", rest)[0]
        source = clean_outlet(first) if han_count(first) >= 2 else None
    return Header(date, source, author)


# ---------------------------------------------------------------------------------------------------
# Lines of page chrome (menus, breadcrumbs, widgets, spam) and of link lists

_NAV_WORDS = frozenset(
    "首页 首頁 网站首页 網站首頁 返回首页 返回首頁 民文 English ENGLISH 中文 繁體 繁体 简体 簡體 登录 登錄 注册 註冊 "
    "登录注册 举报专区 舉報專區 手机版 手機版 客户端 客戶端 无障碍 無障礙 设为首页 設為首頁 加入收藏 网站地图 網站地圖 "
    "新闻 新聞 要闻 要聞 国内 國內 国际 國際 社会 社會 财经 財經 体育 體育 娱乐 娛樂 科技 视频 視頻 图片 圖片 专题 專題 "
    "评论 評論 搜索 订阅 訂閱 RSS 更多 关于我们 關於我們 联系我们 聯繫我們 投稿 广告服务 廣告服務".split()
)
_BREADCRUMB_RE = re.compile(
    r"^(?:我的位置|当前位置|當前位置|您的位置|你的位置|您现在的位置|您現在的位置|所在位置|位置)\s*[:：]"
    r"|^[^\s>»›]{1,12}(?:\s*[>»›]\s*[^\s>»›]{1,16}){2,}$"
)
_ADULT_TERMS = re.compile(r"在线播放|在线观看|在線播放|在線觀看|成人|无码|無碼|一区二区|一區二區|午夜|[Aa][Vv](?![a-z])|久久|欧美|日韩|日韓|国产|國產|精品")
_TAIL_MARKER_RE = re.compile(
    r"^[-•·*\s]*(?:相关阅读|相關閱讀|相关新闻|相關新聞|相关文章|相關文章|相关推荐|相關推薦|延伸阅读|延伸閱讀|"
    r"热门排行|熱門排行|热门推荐|熱門推薦|热点推荐|熱點推薦|推荐阅读|推薦閱讀|猜你喜欢|猜你喜歡|更多精彩|精彩推荐|"
    r"精彩推薦|最新文章|热门文章|熱門文章|热门新闻|熱門新聞|排行榜|往期回顾|往期回顧|"
    r"分享让更多人看到|分享讓更多人看到|分享到|评论一下|評論一下|网友评论|網友評論|发表评论|發表評論|我要评论|我要評論|"
    r"上一篇|下一篇|返回顶部|返回頂部|打印本页|打印本頁|关闭窗口|關閉窗口|扫一扫|掃一掃)"
    r"\s*[:：]?.{0,20}$"
)
_WIDGET_RE = re.compile(
    r"请输入验证码|請輸入驗證碼|还没有评论|還沒有評論|快来抢沙发|快來搶沙發|最热评论|最熱評論|最新评论|最新評論|"
    r"人参与|人參與|点击查看更多|點擊查看更多|条评论|條評論|分享让更多人看到|分享讓更多人看到|打开微信|打開微信|"
    r"朋友圈|微信扫|微信掃"
)
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
    adult = len(set(m.lower() for m in _ADULT_TERMS.findall(line))) >= 3
    return (stuffed and adult) or len(set(m.lower() for m in _ADULT_TERMS.findall(line))) >= 4


def is_nav_line(line: str) -> bool:
    """A menu item (`- 首頁`, `English`, `舉報專區`)."""
    if len(line) > 40:
        return False
    item = line.lstrip("-•·*| ").strip()
    return item in _NAV_WORDS or all(part in _NAV_WORDS for part in re.split(r"\s*[|/｜]\s*|\s+", item) if part)


def is_breadcrumb(line: str) -> bool:
    return len(line) <= 120 and bool(_BREADCRUMB_RE.search(line))


def is_tail_marker(line: str) -> bool:
    """A heading that starts the link lists, share and comment widgets after an article."""
    return bool(_TAIL_MARKER_RE.match(line))


def is_widget_line(line: str) -> bool:
    return len(line) <= 40 and bool(_WIDGET_RE.search(line))


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
    key, head = _compare_key(title), _compare_key(headline)
    if len(head) >= 8 and key.startswith(head):
        return parse_date(date)
    return None


_COMPARE_DROP_RE = re.compile(rf"[^\w{HAN}]+")


def _compare_key(text: str) -> str:
    return _COMPARE_DROP_RE.sub("", text).lower()


# ---------------------------------------------------------------------------------------------------
# Captions, credits and editor lines

_CAPTION_TAG_RE = re.compile(
    r"[(（【\[]\s*(?:资料图|資料圖|资料图片|資料圖片|资料照片|資料照片|图片|圖片|配图|配圖|示意图|示意圖|"
    r"图片来源[^)）】\]]{0,30}|圖片來源[^)）】\]]{0,30}|图片源于[^)）】\]]{0,30}|图源[^)）】\]]{0,30}|"
    r"图片由[^)）】\]]{0,30}提供|圖片由[^)）】\]]{0,30}提供)\s*[)）】\]]"
)
_CAPTION_LINE_RES = (
    re.compile(r"^(?:视频|視頻|图|圖|图片|圖片|组图|組圖|图为|圖為|上图|上圖|下图|下圖|题图|題圖)\s*[:：丨|]"),
    re.compile(r"^(?:图为|圖為)"),
    re.compile(rf"(?:摄影|攝影|摄|攝)\s*[:：]?\s*{_NAME}(?:\s*[、 ]\s*{_NAME})*\s*$"),  # …。攝影 林琳
    re.compile(r"^(?:图片来源|圖片來源|图源|圖源)\s*[:：/]"),
    re.compile(rf"^.{{0,30}}?(?:记者|記者|发|發)?\s*{_NAME}\s*(?:摄|攝)$"),  # 问诊现场。韩金雨 摄
    re.compile(r"(?:供图|供圖|现场。?|現場。?)$"),  # 马耳他中国文化中心供图 · 活动现场
)
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
    rf"^[(（]\s*(?P<outlet>[^()（）]{{0,20}}?)\s*(?:全媒体|全媒體|融媒体|融媒體)?(?:记者|記者)\s*(?P<names>{_NAME}(?:\s*[、 ]\s*{_NAME})*)"
    r"[^()（）]{0,60}[)）]$"
)
_BYLINE_RE = re.compile(
    rf"^(?P<outlet>[^\s，。,；]{{0,30}}?)\s*(?:全媒体|全媒體|融媒体|融媒體|首席|特约|特約|本报|本報)?(?:记者|記者)\s*[:：]?\s*"
    rf"(?P<names>{_NAME}(?:\s*[、 ]\s*{_NAME})*)"
    rf"(?:\s*(?:通讯员|通訊員|实习生|實習生|摄影|攝影)\s*[:：]?\s*{_NAME}(?:\s*[、 ]\s*{_NAME})*)*\s*$"
)


def remove_caption_tags(text: str) -> str:
    """Drop inline picture tags: `(資料圖)`, `【資料圖】`, `（图片来源：视觉中国）`."""
    return _CAPTION_TAG_RE.sub("", text) if ("图" in text or "圖" in text) else text


def is_caption_line(line: str) -> bool:
    """A picture or video caption (`視頻:…`, `…致開幕詞。攝影 林琳`, `活动现场`); never a long paragraph."""
    if len(line) > 100:
        return False
    if line.endswith(("现场", "現場", "现场。", "現場。")):
        return len(line) <= 16
    return any(p.search(line) for p in _CAPTION_LINE_RES)


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
                reporter = re.search(rf"(?:记者|記者)\s*({_NAME})", value)
                outlet = re.split(r"\s*(?:记者|記者|作者|编辑|編輯)", value)[0]
                return Credit(kind, clean_outlet(outlet), reporter.group(1) if reporter else None)
            return Credit(kind)
    if m := _BYLINE_RE.match(line):
        return Credit("byline", clean_outlet(m.group("outlet")) if m.group("outlet") else None,
                      authors_in(line[m.end("outlet"):]))
    return None


# ---------------------------------------------------------------------------------------------------
# Boilerplate inside flattened text (JSONL records are whole pages on one or a few lines)

# From these markers to the end of the text, everything is page furniture: copyright notices,
# "back to" links, tip-off channels, share prompts, disclaimers of generated market reports.
_CUT_TO_END_RE = re.compile(
    r"返回搜狐，?查看更多|版权说明[:：]任何媒体|版權說明[:：]|版权声明[:：]|版權聲明[:：]|"
    r"声明[:：]此文版权归|声明[:：]本网站所提供的信息|广告声明[:：]|免责声明[:：]|免責聲明[:：]|"
    r"如遇作品内容、版权等问题|(?:新闻线索)?(?:报料|爆料)、?(?:维权)?通道[:：]|"
    r"[\[【]扫码(?:下载|或长按)|分享让更多人看到|分享讓更多人看到|点击在看，让更多朋友看到|"
    r"以上内容由证券之星根据公开信息整理|本文为数据整理，不对您构成任何投资建议|"
    r"[*＊]?\S{0,8}独家稿件，转载请注明出处|版权归原作者所有|未经授权，?不得转载|"
    r"【爆料】请联系|评论一下|評論一下|请输入验证码|請輸入驗證碼|本文链接[:：]|"
    r"(?:新浪|本网|本站)?声明[:：](?:转载|所有会议实录|本文|此文|本网|本站|文章)|【投稿、|"
    r"尊重原创，如有侵权|更多精彩资讯，请点击|[▼↓]\s*订阅"
)
_DROP_INLINE_RE = re.compile(
    r"广告\s*[^。！？\n]{0,40}?>>\s*进入直播间与主播亲密互动\s*×?|"
    r"【纠错】|【糾錯】|【打印】|【关闭】|"
    r"[\[【(（]\s*(?:责任编辑|責任編輯)\s*[:：][^\]】)）]{0,30}[\]】)）]|"
    r"[(（]原标题[:：][^()（）]{1,80}[)）]|点击图片查看大图|點擊圖片查看大圖"
)
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
    ends = [m.end() for m in _SENT_END_RE.finditer(paragraph, max(0, len(paragraph) - CREDIT_TAIL_MAX_CHARS - 2))]
    start = ends[-1] if ends else (0 if len(paragraph) <= CREDIT_TAIL_MAX_CHARS else None)
    if start is None:
        return None
    if start == len(paragraph) and (m := re.search(r"[（(][^（()）]{1,40}[）)]$", paragraph)):
        start = m.start()  # `。（央视新闻客户端）`: the bracket closes the sentence-end match
    tail = paragraph[start:].strip()
    unbracketed = re.sub(r"[（(【\[][^（()）【】\[\]]*[）)】\]]", "", tail)
    if not tail or len(tail) > CREDIT_TAIL_MAX_CHARS or "，" in unbracketed or _ends_sentence(unbracketed):
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


def cut_page_furniture(text: str) -> str:
    """Cut copyright notices, share prompts and the like (and all after them) from the body's end."""
    # Only in the closing part: the same words early in a text are quoted, not furniture.
    m = _CUT_TO_END_RE.search(text, int(len(text) * 0.3))
    return text[: m.start()] if m else text


def drop_inline_boilerplate(text: str) -> str:
    """Drop in-text ads, correction links and bracketed editor credits."""
    return _DROP_INLINE_RE.sub("", text)


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


_WORDISH_RE = re.compile(f"[{HAN}A-Za-z]")


# ---------------------------------------------------------------------------------------------------
# Titles

_TITLE_SUFFIX_WORDS = (
    "天天|每日|今日|当前|當前|环球|環球|全球|世界|焦点|焦點|热点|熱點|最新|即时|即時|速讯|速訊|快讯|快訊|头条|頭條|"
    "热讯|熱訊|看点|看點|动态|動態|观察|觀察|资讯|資訊|聚焦|微头条|微頭條|新消息|消息|报道|報道|热推荐|熱推薦|热文|熱文|"
    "快看|热搜|熱搜|新视野|新視野|精选|精選|观速讯|觀速訊|速看|看|讯|訊|热|熱|新|快|报|報|时|時|评|評|要闻|要聞|播报|播報"
)
_TITLE_SUFFIX_RE = re.compile(rf"\s*(?:[|｜丨_\-—]|\s)\s*(?:{_TITLE_SUFFIX_WORDS}){{2,5}}[!！:：]?\s*$")
_TITLE_PREFIX_RE = re.compile(rf"^(?:【\s*(?:{_TITLE_SUFFIX_WORDS}){{2,5}}\s*】|(?:{_TITLE_SUFFIX_WORDS}){{2,5}}\s*[!！:：])\s*")
MAX_TITLE_CHARS = 80


def clean_title(title: str) -> str:
    """A headline without aggregator decorations (`…發展|天天即時看` → `…發展`) or surrounding space."""
    title = normalize_whitespace(title).replace("\n", " ").strip()
    for _ in range(2):
        stripped = _TITLE_PREFIX_RE.sub("", _TITLE_SUFFIX_RE.sub("", title)).strip()
        if len(stripped) < 4:
            break
        title = stripped
    return title


def looks_like_headline(line: str) -> bool:
    """A line that can be a headline: short, not a sentence of the body, not a date or a credit."""
    if not line or len(line) > MAX_TITLE_CHARS or han_count(line) < 4:
        return False
    if line.endswith(("。", "；", ";", "，", ",", "：", ":")):
        return False
    if date_of_line(line) or credit_of_line(line) or is_spam_line(line) or is_nav_line(line):
        return False
    # A headline is one sentence: a full stop inside means it is body text.
    return line.count("。") == 0


_PURPOSE_RE = re.compile(r"^(?:为了|為了|为|為|根据|根據|按照|依据|依據|随着|隨著|近日|日前|近期|据悉|據悉|据|據)")
_LEAD_TIME_RE = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚间|晚間|晚|早|凌晨|中午)?|当地时间[^，,]{0,12}|近日|日前|近期|连日来|連日來)[，,]?\s*"
)
_DATELINE_RE = re.compile(r"^[^，,。]{0,24}?(?:\d{1,2}月\d{1,2}日)?(?:电|電|讯|訊|消息)[\s:：]*(?:[(（][^()（）]{0,40}[)）])?\s*")
_HAS_DATELINE_RE = re.compile(r"\d月\d{1,2}日(?:电|電)|(?:讯|訊|消息)[\s（(【:：]")
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:]")
_SETTING_RE = re.compile(r"^(?:在|于|於|当|當)")
DERIVED_TITLE_CHARS = 30


def derive_title(paragraphs: Iterable[str], max_chars: int = DERIVED_TITLE_CHARS) -> str:
    """A short title made from the lead: its main clause, without purpose clauses, dates or datelines."""
    paragraphs = list(paragraphs)
    lead = [s for p in paragraphs[:2] for s in sentences(p)]
    for sentence in lead[:4]:
        text = _DATELINE_RE.sub("", sentence) if _HAS_DATELINE_RE.search(sentence[:40]) else sentence
        clauses = [c.strip() for c in _CLAUSE_SPLIT_RE.split(text.rstrip(SENT_END + CLOSERS)) if c.strip()]
        if not clauses or _PURPOSE_RE.match(clauses[0]) and not any(_LEAD_TIME_RE.match(c) for c in clauses):
            continue  # a sentence that only says why: the event is in the next one
        if _PURPOSE_RE.match(clauses[0]):
            clauses = clauses[next(i for i, c in enumerate(clauses) if _LEAD_TIME_RE.match(c)):]
        for i, clause in enumerate(clauses):
            clause = _LEAD_TIME_RE.sub("", clause).strip()
            if _SETTING_RE.match(clause) and i + 1 < len(clauses):
                continue  # `在…纪念馆`: where it happened; the event is in the next clause
            if han_count(clause) >= 6:
                return _shorten(clause, max_chars)
    first = lead[0] if lead else (paragraphs[0] if paragraphs else "")
    return _shorten(first.rstrip(SENT_END), max_chars)


def _shorten(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip("，,、 ") + "…"


# ---------------------------------------------------------------------------------------------------
# Sentences and paragraphs

def _split_at_spaced_sentence_ends(line: str) -> list[str]:
    """Pieces of `line` split where whitespace follows a sentence end (how flattened pages keep paragraphs)."""
    pieces, start = [], 0
    for m in _SENT_END_RE.finditer(line):
        if m.end() < len(line) and line[m.end()].isspace():
            pieces.append(line[start:m.end()])
            start = m.end()
    pieces.append(line[start:])
    return pieces


def _ends_sentence(piece: str) -> bool:
    return ends_sentence(piece)


def split_paragraphs(line: str, max_chars: int = DEFAULT_MAX_PARAGRAPH_CHARS) -> list[str]:
    """Paragraphs of one line: breaks at whitespace after a sentence end; over-long ones split between sentences."""
    pieces: list[str] = []
    for piece in _split_at_spaced_sentence_ends(line):
        piece = piece.strip()
        if not piece:
            continue
        # A space after `。` inside a quotation or before a lone credit is no paragraph break.
        open_quote = pieces and pieces[-1].count("“") > pieces[-1].count("”")
        if pieces and (not _ends_sentence(pieces[-1]) or len(piece) < 8 or open_quote):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [part for piece in pieces for part in _balance(piece, max_chars)]


def _balance(paragraph: str, max_chars: int) -> list[str]:
    """Split a paragraph longer than `max_chars` into parts of similar size, between sentences only."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    ends = [m.end() for m in _SENT_END_RE.finditer(paragraph) if m.end() < len(paragraph)]
    parts_wanted = -(-len(paragraph) // max_chars)
    target = len(paragraph) / parts_wanted
    cuts: list[int] = []
    for k in range(1, parts_wanted):
        # The sentence end nearest to the k-th ideal cut, if it leaves no tiny part behind.
        options = [e for e in ends if e - (cuts[-1] if cuts else 0) >= target / 4 and len(paragraph) - e >= target / 4]
        if options:
            best = min(options, key=lambda e: abs(e - k * target))
            if not cuts or best > cuts[-1]:
                cuts.append(best)
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b].strip() for a, b in zip(bounds, bounds[1:]) if paragraph[a:b].strip()]


# ---------------------------------------------------------------------------------------------------
# `原标题：` (original headline) glued to the body of a republished article

_ORIGINAL_TITLE_RE = re.compile(r"^\s*[(（]?\s*原标题\s*[:：]\s*")
_LEAD_START_RE = re.compile(
    # A byline's outlet cannot be told from the headline's last words (`…挂牌成立极目新闻记者`): the
    # boundary is the role word, so a headline may keep an outlet name but never loses its own words.
    r"\d{1,2}月\d{1,2}日|当地时间|近日|日前|近期|截至|据悉|据了解|(?:记者|通讯员)|本报讯|本报\S{0,4}电|"
    r"来源[:：]|【|[(（][^()（）]{0,6}?(?:记者|通讯员)"
)


def split_original_title(body: str, max_chars: int = 60) -> tuple[str | None, str]:
    """(headline, body) for a body that opens with `原标题：<headline>` glued to the lead; else (None, body).

    The headline ends where it is repeated, at a line break or sentence end, or where a lead visibly
    starts (a date, a dateline, a byline); with no such boundary in reach there is no headline.
    """
    m = _ORIGINAL_TITLE_RE.match(body)
    if not m:
        return None, body
    rest = body[m.end():]
    window = rest[: max_chars + 1]
    ends = []
    for size in range(6, min(len(window), max_chars) // 2 + 1):  # the headline said twice
        if rest.startswith(rest[:size] * 2):
            ends.append(size)
            break
    if nl := re.search(r"[\n。]", window):
        ends.append(nl.start() + (1 if nl.group() == "。" else 0))
    if lead := _LEAD_START_RE.search(window, 6):
        ends.append(lead.start())
    end = min(ends) if ends else None
    if end is None or end < 6:
        return None, rest
    title = rest[:end].strip().rstrip("）)")
    return (title or None), rest[end:]


# ---------------------------------------------------------------------------------------------------
# Dates without a year (`08/12  08:12`, `07-20 22:43`) completed from the article's URL

_URL_DATE_RES = (
    re.compile(r"(?<!\d)(20\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?!\d)"),  # /2023-07/28/, /20230812/, t20230812_
    re.compile(r"(?<!\d)(20\d{2})/(\d{2})-?(\d{2})(?!\d)"),  # /2023/07-28/, /2023/0720/
)
_MONTH_DAY_RE = re.compile(r"(?<![\d-])(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?(?![\d-])(?:\s*(\d{1,2})\s*[:：]\s*(\d{2}))?")


def date_from_url(url: str | None) -> str | None:
    """The publication date many news URLs carry (`…/content/2023-08/14/…`, `…/202308/12/t20230812_…`)."""
    if not url:
        return None
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(url):
            iso = _iso(*m.groups(), None, None, None)
            if iso:
                return iso
    return None


def complete_date(header: str, url: str | None) -> str | None:
    """A header's month/day/time (no year) completed with the URL's date when both name the same day."""
    from_url = date_from_url(url)
    m = _MONTH_DAY_RE.search(header or "")
    if not from_url or not m:
        return from_url
    month, day, hh, mm = m.groups()
    if (int(month), int(day)) != (int(from_url[5:7]), int(from_url[8:10])):
        return from_url
    return _iso(from_url[:4], month, day, hh, mm, None)


# ---------------------------------------------------------------------------------------------------
# The whole document

@dataclass(frozen=True)
class Cleaned:
    """One cleaned document: headline, body paragraphs (cited from 1) and metadata."""

    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None
    source: str | None = None
    author: str | None = None
    title_derived: bool = False


class _Meta:
    """Metadata gathered while cleaning: the first value found for each field wins."""

    def __init__(self, **values: str | None) -> None:
        self.values: dict[str, str | None] = {k: v or None for k, v in values.items()}

    def offer(self, **values: str | None) -> None:
        for key, value in values.items():
            if value and not self.values.get(key):
                self.values[key] = value

    def __getitem__(self, key: str) -> str | None:
        return self.values.get(key)


def preclean(text: str) -> str:
    """Text-level repairs and removals that do not depend on lines."""
    text = normalize_whitespace(text)
    text = repair_gbk_shift(text)
    text = strip_pinyin_glosses(text)
    text = remove_caption_tags(text)
    text = drop_inline_boilerplate(text)
    return cut_page_furniture(text)


def clean_article(
    text: str,
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    author: str | None = None,
    max_paragraph_chars: int = DEFAULT_MAX_PARAGRAPH_CHARS,
) -> Cleaned | None:
    """Clean one document; None when nothing of an article is left (empty or only boilerplate)."""
    meta = _Meta(date=date, source=source, author=author)
    lines = [ln for ln in preclean(text).split("\n") if ln]
    title = clean_title(strip_pinyin_glosses(title)) if title else None
    head_title, body = _split_head(lines, meta, have_title=bool(title))
    title = title or head_title
    body = _cut_tail(body, meta, title or "")
    body = [ln for ln in (_body_line(ln, meta) for ln in body) if ln]
    if body:
        last, src, auth = strip_trailing_credits(body[-1])
        meta.offer(source=src, author=auth)
        body[-1:] = [last] if last else []
    if title and body:
        body[0] = _strip_title_prefix(body[0], title)  # the headline repeated at the top of the page text
        body = [ln for ln in body if ln]
    if body:
        first, src, auth = strip_leading_credit(body[0])
        meta.offer(source=src, author=auth)
        body[0] = first
    body = _join_broken_lines(body)
    if body:
        meta.offer(source=dateline_outlet(body[0]))
    paragraphs = tuple(p for ln in body for p in split_paragraphs(ln, max_paragraph_chars))
    if sum(len(p) for p in paragraphs) < 10 or not any(_WORDISH_RE.search(p) for p in paragraphs):
        return None
    derived = not title
    if derived:
        title = derive_title(paragraphs)
    return Cleaned(title, paragraphs, meta["date"], meta["source"], meta["author"], derived)


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


def _strip_title_prefix(line: str, title: str) -> str:
    """`line` without a leading copy of `title` (punctuation and spaces may differ); "" if it is only that."""
    key = _compare_key(title)
    if len(key) < 6:
        return "" if _compare_key(line) == key else line
    matched = 0
    for i, ch in enumerate(line):
        if matched == len(key):
            return line[i:].lstrip(" ,，:：") if _compare_key(line[i:]) else ""
        if not _COMPARE_DROP_RE.fullmatch(ch):
            if ch.lower() != key[matched]:
                return line
            matched += 1
    return "" if matched == len(key) else line


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join runs of 3+ short lines that end no sentence (text broken at every clause) into one line."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(" ".join(run))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        if len(line) <= 40 and not _ends_sentence(line):
            run.append(line)
            continue
        if run and len(run) >= 2:
            run.append(line)  # the sentence the run leads into
            flush()
            continue
        flush()
        out.append(line)
    flush()
    return out


def _split_head(lines: list[str], meta: _Meta, have_title: bool) -> tuple[str | None, list[str]]:
    """Skip the page head (spam, menus, breadcrumbs, date and byline lines); find the headline."""
    title = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_spam_line(line) or is_nav_line(line) or is_breadcrumb(line) or is_caption_line(line):
            i += 1
            continue
        # Share bars, tickers and link lists above the article are chrome too (not an end: the article follows).
        if is_tail_marker(line) or is_widget_line(line) or is_link_item(line):
            i += 1
            continue
        if d := date_of_line(line):
            meta.offer(date=d)
            i += 1
            continue
        if (credit := credit_of_line(line)) is not None:
            meta.offer(source=credit.source, author=credit.author)
            i += 1
            continue
        if title is None and not have_title and looks_like_headline(line) and _menu_run(lines, i) < 3:
            title = clean_title(line)
            i += 1
            continue
        break
    return title, lines[i:]


def _menu_run(lines: list[str], i: int) -> int:
    """How many short, unpunctuated lines start at i (a run of them is a menu, not a headline)."""
    n = 0
    while i + n < len(lines) and len(lines[i + n]) <= 8 and not re.search(f"[{SENT_END}，,]", lines[i + n]):
        n += 1
    return n


def _cut_tail(lines: list[str], meta: _Meta, title: str) -> list[str]:
    """Cut the link lists and widgets after the article (reading a date off a link to itself)."""
    for i, line in enumerate(lines):
        run = i + 1 < len(lines) and is_link_item(line) and is_link_item(lines[i + 1])
        if i > 0 and (is_tail_marker(line) or is_widget_line(line) or run):
            for rest in lines[i:]:
                meta.offer(date=link_item_date(rest, title) if title else None)
            return lines[:i]
    return lines


def _body_line(line: str, meta: _Meta) -> str | None:
    """A body line, or None for chrome, captions and credits inside the body (credits feed metadata)."""
    if is_spam_line(line) or is_caption_line(line) or is_widget_line(line) or is_breadcrumb(line):
        return None
    if (credit := credit_of_line(line)) is not None:
        meta.offer(source=credit.source, author=credit.author)
        return None
    if d := date_of_line(line):
        meta.offer(date=d)
        return None
    return _LIST_MARK_RE.sub("", line)


_LIST_MARK_RE = re.compile(r"^[-•*]\s+")
