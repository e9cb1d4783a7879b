"""Page chrome: menus, breadcrumbs, widgets, spam and link lists; picture captions; boilerplate inside
flattened text (copyright notices, share prompts, in-text ads)."""

from __future__ import annotations

import re

from rag.ingest.cleaning.dates import parse_date
from rag.ingest.cleaning.text import NAME, SENT_END, compare_key

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
    key, head = compare_key(title), compare_key(headline)
    if len(head) >= 8 and key.startswith(head):
        return parse_date(date)
    return None


# ---------------------------------------------------------------------------------------------------
# Captions

_CAPTION_TAG_RE = re.compile(
    r"[(（【\[]\s*(?:资料图|資料圖|资料图片|資料圖片|资料照片|資料照片|图片|圖片|配图|配圖|示意图|示意圖|"
    r"图片来源[^)）】\]]{0,30}|圖片來源[^)）】\]]{0,30}|图片源于[^)）】\]]{0,30}|图源[^)）】\]]{0,30}|"
    r"图片由[^)）】\]]{0,30}提供|圖片由[^)）】\]]{0,30}提供)\s*[)）】\]]"
)
_CAPTION_LINE_RES = (
    re.compile(r"^(?:视频|視頻|图|圖|图片|圖片|组图|組圖|图为|圖為|上图|上圖|下图|下圖|题图|題圖)\s*[:：丨|]"),
    re.compile(r"^(?:图为|圖為)"),
    re.compile(rf"(?:摄影|攝影|摄|攝)\s*[:：]?\s*{NAME}(?:\s*[、 ]\s*{NAME})*\s*$"),  # …。攝影 林琳
    re.compile(r"^(?:图片来源|圖片來源|图源|圖源)\s*[:：/]"),
    re.compile(rf"^.{{0,30}}?(?:记者|記者|发|發)?\s*{NAME}\s*(?:摄|攝)$"),  # 问诊现场。韩金雨 摄
    re.compile(r"(?:供图|供圖|现场。?|現場。?)$"),  # 马耳他中国文化中心供图 · 活动现场
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


def cut_page_furniture(text: str) -> str:
    """Cut copyright notices, share prompts and the like (and all after them) from the body's end."""
    # Only in the closing part: the same words early in a text are quoted, not furniture.
    m = _CUT_TO_END_RE.search(text, int(len(text) * 0.3))
    return text[: m.start()] if m else text


def drop_inline_boilerplate(text: str) -> str:
    """Drop in-text ads, correction links and bracketed editor credits."""
    return _DROP_INLINE_RE.sub("", text)
