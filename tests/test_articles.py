"""Loading articles: the five seeds in full, every input format, every encoding, every kind of bad input,
and all of the CRUD JSONL data."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rag.ingest.articles import Article, LoadReport, Skipped, load_corpus, load_file
from rag.ingest.cleaning.chrome import is_caption_line, is_link_item
from rag.ingest.cleaning.headers import parse_header, split_header
from rag.ingest.cleaning.mojibake import repair_gbk_shift
from rag.ingest.cleaning.text import normalize_whitespace, strip_pinyin_glosses
from rag.ingest.cleaning.titles import clean_title
from rag.ingest.decode import DecodeError, decode_bytes
from rag.ingest.formats import markdown_to_text
from rag.lang.sentences import ends_sentence, sentences

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))
CRUD = Path(os.environ.get("RAG_SHARED", ROOT.parent / "shared")) / "crud"


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


def load_one(path: Path) -> Article:
    articles, skipped = load_file(path)
    assert skipped == [] and len(articles) == 1, skipped
    return articles[0]


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {p.name[:3]: load_one(p) for p in SEEDS}


# --------------------------------------------------------------------------------------------------
# The five seeds, in full

# Strings that are page debris in the seeds; none may survive in a title or a paragraph.
DEBRIS = [
    "jié", "duì", "huì", "qū", "chuàng", "lián)", "dāng)",  # pinyin glosses
    "首頁", "舉報專區", "登錄", "我的位置", "文章詳情",  # menus, breadcrumbs
    "分享讓更多人看到", "評論一下", "請輸入驗證碼", "還沒有評論", "最熱評論",  # widgets
    "相關閱讀", "熱門排行", "(2023-06-27)", "2023-06-18", "2023-06-17", "荷蘭強降雨", "成都市紀委監委通報",  # link lists
    "天天即時看", "99热", "在线播放",  # title suffix, spam
    "資料圖", "攝影", "視頻:", "文/圖", "責任編輯", "關鍵詞", "荊楚網記者", "(周慧)", "來源:",  # captions, credits
    "农业科技报-中国农科新闻网记者", "2024-02-27 16:56:27",  # byline and date line of 004
    "?!", "鼻鄭u", "/p>",  # mojibake
]


def test_seed_titles(seeds: dict[str, Article]) -> None:
    assert seeds["000"].title == "結對共建聚合力 踔厲奮發向未來"
    assert seeds["001"].title == "成都錦江區舉辦“爭當直聯先鋒 共建紅色錦江”機關黨組織和社區黨組織直聯共建活動"
    assert seeds["002"].title == "睦鄰黨建共同體再續新篇,深植新時代基層黨建工作高質量發展"
    assert seeds["003"].title == "比出精氣神!青島爭創五星級基層黨組織比學趕超"
    assert not any(a.title_derived for k, a in seeds.items() if k != "004")


def test_seed_004_has_a_derived_title_from_its_lead(seeds: dict[str, Article]) -> None:
    art = seeds["004"]
    assert art.title_derived
    assert art.title == "陕西三原县渠岸镇组织召开2024年镇村干部大会"
    assert art.title in art.paragraphs[0]


@pytest.mark.parametrize(
    ("key", "first", "last"),
    [
        ("000", "為充分發揮基層黨建的核心引領作用,", "為建設具有全國影響力的國防科技工業強區主動擔當,奮力作為!"),
        ("001", "為持續推動機關黨組織和社區黨組織資源共享、", "推動錦江黨建工作再上新臺階。"),
        ("002", "為推動區域化黨建縱深發展,", "全力以赴打造“示范型”睦鄰黨建共同體。"),
        ("003", "“街道擺擂臺,支部大比武,", "以優異成績迎接黨的二十大勝利召開。"),
        ("004", "为全面贯彻省、市县各级安排部署,", "共同谱写新时期渠岸建设新篇章!"),
    ],
)
def test_seed_bodies_start_and_end_with_the_article(seeds: dict[str, Article], key: str, first: str, last: str) -> None:
    art = seeds[key]
    assert art.paragraph(1).startswith(first)
    assert art.paragraphs[-1].endswith(last)


def test_seed_bodies_have_no_debris(seeds: dict[str, Article]) -> None:
    for key, art in seeds.items():
        for text in (art.title, *art.paragraphs):
            found = [d for d in DEBRIS if d in text]
            assert not found, (key, found, text[:80])
        assert not any(is_link_item(p) or is_caption_line(p) for p in art.paragraphs), key


def test_seed_003_mojibake_is_repaired(seeds: dict[str, Article]) -> None:
    body = "\n".join(seeds["003"].paragraphs)
    assert "比出了精氣神。”青島市市南區金湖路街道" in body
    assert "。”青島微電子創新中心" in body and "。”全球財富開發建設有限公司" in body
    assert "擂臺賽。“擂臺賽第一名" in body and "。“通過相互看" in body and "。”黃島區王臺街道" in body
    assert "開拓新局面貢獻力量。”" in body
    assert "?" not in body


def test_seed_real_parentheses_and_subheadings_stay(seeds: dict[str, Article]) -> None:
    assert "雙方下轄村(社區)黨組織之間的學習交流" in seeds["000"].paragraph(1)
    assert "干得怎么樣,現場比一比" in seeds["003"].paragraphs
    assert "各站(办、所)要结合今年重点工作安排" in "".join(seeds["004"].paragraphs)


def test_seed_metadata(seeds: dict[str, Article]) -> None:
    assert (seeds["000"].date, seeds["000"].author) == ("2023-06-27", "譚海波、高潔")  # its own link in the list
    assert seeds["001"].author == "周慧"
    assert (seeds["002"].source, seeds["002"].author, seeds["002"].date) == ("荊楚網", "林琳、汪曼暉", "2023-06-18")
    assert seeds["003"].source == "大眾日報"
    assert (seeds["004"].date, seeds["004"].source, seeds["004"].author) == (
        "2024-02-27T16:56:27", "农业科技报-中国农科新闻网", "齐巨儒、娄卓",
    )


def test_seed_text_is_kept_verbatim(seeds: dict[str, Article]) -> None:
    # Citations quote paragraphs: apart from removed debris, every paragraph is text of the original.
    for art in seeds.values():
        original = strip_pinyin_glosses(repair_gbk_shift(normalize_whitespace(art.original)))
        flat = original.replace("\n", " ")
        for para in art.paragraphs:
            for sentence in sentences(para):
                assert sentence in flat or sentence.replace("?", "") in flat.replace("?", ""), sentence[:40]


def test_corpus_folder_loads_all_seeds() -> None:
    report = load_corpus([CORPUS])
    assert isinstance(report, LoadReport)
    assert [a.id for a in report.articles] == [p.stem for p in SEEDS]
    assert report.skipped == []


# --------------------------------------------------------------------------------------------------
# Encodings: the same text in GB18030, GBK, GB2312, Big5, UTF-16 and UTF-8 (with BOM) loads identically


def _same(a: Article, b: Article) -> bool:
    return (a.title, a.paragraphs, a.date, a.source, a.author, a.title_derived) == (
        b.title, b.paragraphs, b.date, b.source, b.author, b.title_derived,
    )


@pytest.mark.parametrize(
    ("key", "encoding"),
    [
        ("000", "gb18030"), ("001", "gb18030"), ("002", "gb18030"), ("003", "gb18030"), ("004", "gb18030"),
        ("000", "gbk"), ("001", "gbk"), ("002", "gbk"), ("004", "gbk"),  # 003 has a character GBK lacks
        ("004", "gb2312"),  # Simplified only
        ("002", "big5"), ("002", "cp950"),  # the Traditional seed without pinyin (Big5 has no tone letters)
        ("003", "utf-16"), ("001", "utf-8-sig"),
    ],
)
def test_encodings_round_trip(tmp_path: Path, seeds: dict[str, Article], key: str, encoding: str) -> None:
    text = seed(key).read_text(encoding="utf-8")
    path = tmp_path / f"{seed(key).stem}.txt"
    path.write_bytes(text.encode(encoding))  # strict: an unencodable character would fail the test
    assert _same(load_one(path), seeds[key])


@pytest.mark.parametrize(
    ("excerpt", "encoding", "family"),
    [
        ("現場,新溝橋街道與紅鋼城街道還簽訂了2023年睦鄰共建協議,雙方街道工作代表先后從建設七路睦鄰黨建示范路打造工作和睦鄰社區共治共享等方面進行了交流發言。", "big5", "big5"),
        ("現場,新溝橋街道與紅鋼城街道還簽訂了2023年睦鄰共建協議,雙方街道工作代表先后從建設七路睦鄰黨建示范路打造工作和睦鄰社區共治共享等方面進行了交流發言。", "gbk", "gb"),
        ("镇党委书记王刚传达三原县十九届三次人代会、县十六届三次政协会议精神。", "gb2312", "gb"),
        ("镇党委书记王刚传达三原县十九届三次人代会、县十六届三次政协会议精神。", "big5hkscs", None),  # unencodable: skip
        ("隨后,石馬鎮黨委副書記、鎮長黃充與小枧鎮黨委副書記、提名鎮長商俊成簽署共建合作協議。", "gb18030", "gb"),
    ],
)
def test_short_excerpts_are_detected(excerpt: str, encoding: str, family: str | None) -> None:
    try:
        data = excerpt.encode(encoding)
    except UnicodeEncodeError:
        assert family is None
        return
    text, used = decode_bytes(data)
    assert text == excerpt
    assert ("gb" if used == "gb18030" else "big5") == family


def test_html_declared_charset(tmp_path: Path) -> None:
    page = HTML_PAGE.replace('charset="utf-8"', 'charset="gb2312"')
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    assert load_one(path).title == "比出精气神！青岛争创五星级基层党组织比学赶超"


# --------------------------------------------------------------------------------------------------
# HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>比出精气神！青岛争创五星级基层党组织比学赶超_大众网</title>
<meta property="og:site_name" content="大众网">
<meta property="og:url" content="https://www.example.com/news/2023/07/15/1001.html">
<meta name="publishdate" content="2023-07-15 09:30:00">
<script>var tracker = "脚本里的文字不应出现"; document.write("广告脚本");</script>
<style>.nav { color: red } /* 样式里的文字 */</style>
</head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/mw">民文</a></li><li><a href="/en">English</a></li>
<li><a href="/jb">举报专区</a></li><li><a href="/login">登录</a></li></ul></div>
<div class="crumb">我的位置：<a href="/">首页</a>&gt;文章详情</div>
<div class="article">
<h1>比出精气神！青岛争创五星级基层党组织比学赶超</h1>
<div class="info">2023-07-15 09:30:00 来源：大众日报</div>
<p>“街道摆擂台，支部大比武，我们比成绩、比状态、比思路、比效果，比出了压力、比出了动力、也比出了精气神。”青岛市市南区金湖路街道泰州路社区第五网格泰州路居民区党支部书记郑素秀说。</p>
<p>近日，青岛启动争创“青岛市五星级基层党组织”活动，基层党组织擂台比武正如火如荼地开展着，来自农村、城市社区、国有企业、两新组织、机关事业单位、学校的基层党组织正广泛通过擂台比武的方式进行PK。</p>
<iframe src="https://video.example.com/embed/1">视频框架里的文字</iframe>
<p>每个支部都精心准备、攥拳较劲，对照青岛市党支部标准化规范化建设主要指标全面梳理，总结典型做法和工作成效，晒出家底，亮出绝活，让人眼前一亮。</p>
<script>console.log("正文中的脚本也不应出现");</script>
<p>来源：大众日报</p>
</div>
<div class="share">分享让更多人看到</div>
<div class="related"><h3>相关阅读</h3><ul>
<li><a href="/a">- (2023-06-27)结对共建聚合力 踔厲奮發向未來</a></li>
<li><a href="/b">- (2023-06-27)荷兰强降雨造成多地鱼类大量死亡</a></li></ul></div>
<div class="comment"><h3>评论一下</h3><p>评论 0人参与，0条评论</p><p>还没有评论，快来抢沙发吧！</p><p>请输入验证码</p></div>
</body></html>
"""


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_html_page(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "qingdao.html"
    path.write_bytes(HTML_PAGE.replace('charset="utf-8"', f'charset="{encoding}"').encode(encoding))
    art = load_one(path)
    assert art.id == "qingdao"
    assert art.title == "比出精气神！青岛争创五星级基层党组织比学赶超"
    assert art.date == "2023-07-15"
    assert art.source == "大众日报"  # the page names its outlet; the site (大众网) is only the fallback
    assert art.url == "https://www.example.com/news/2023/07/15/1001.html"
    assert art.paragraph(1).startswith("“街道摆擂台，支部大比武")
    assert art.paragraphs[-1].endswith("让人眼前一亮。")
    text = "\n".join((art.title, *art.paragraphs))
    for debris in ["脚本", "样式", "视频框架", "tracker", "首页", "English", "举报专区", "我的位置", "分享让更多人看到",
                   "相关阅读", "荷兰强降雨", "评论", "验证码", "来源"]:
        assert debris not in text, debris


def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title><script>var a=1;</script></head><body><nav>首页</nav></body></html>", encoding="utf-8")
    articles, skipped = load_file(path)
    assert articles == [] and len(skipped) == 1 and skipped[0].origin == str(path)


def test_trafilatura_is_not_imported_for_other_formats() -> None:
    code = "import sys, rag.ingest.articles; from pathlib import Path; rag.ingest.articles.load_corpus([Path('corpus')]); print('trafilatura' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------------
# Markdown

MARKDOWN = """---
title: 成都锦江区举办机关党组织和社区党组织直联共建活动
date: 2023-06-26
source: 四川新闻网
url: https://example.com/jinjiang
---

# 这个标题让位于前置元数据

6月26日上午，由**市委组织部**、市直机关工委指导的“爭当直联先锋 共建红色锦江”活动在[成都市文化馆](https://example.com/museum)举办。

![活动现场](https://example.com/photo.jpg)

> 活动现场发布了《资源清单》和《需求清单》，清单包含74个社区的需求项目104项。

## 签约仪式

随后，活动现场还举行了*直联共建*项目签约仪式，以`项目化`模式打造共建项目。

- 区委党校党支部签署示范点项目。
"""


def test_markdown_to_text() -> None:
    text, front, heading = markdown_to_text(MARKDOWN)
    assert front["title"].startswith("成都锦江区") and front["date"] == "2023-06-26"
    assert heading == "这个标题让位于前置元数据"
    assert "**" not in text and "](" not in text and "`" not in text and "![" not in text and "> " not in text
    assert "在成都市文化馆举办" in text and "举行了直联共建项目签约仪式" in text


def test_markdown_article(tmp_path: Path) -> None:
    path = tmp_path / "jinjiang.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    art = load_one(path)
    assert art.title == "成都锦江区举办机关党组织和社区党组织直联共建活动"
    assert (art.date, art.source, art.url) == ("2023-06-26", "四川新闻网", "https://example.com/jinjiang")
    assert art.paragraph(1).startswith("6月26日上午，由市委组织部")
    assert "签约仪式" in art.paragraphs  # a later heading stays as a subheading
    assert art.paragraphs[-1] == "区委党校党支部签署示范点项目。"


def test_markdown_first_heading_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 結(jié)對共建聚合力\n\n為充分發揮基層黨建的核心引領作用,切實增進學習交流。\n", encoding="utf-8")
    art = load_one(path)
    assert art.title == "結對共建聚合力" and not art.title_derived


def test_markdown_keeps_underscores_inside_words() -> None:
    text, _, _ = markdown_to_text("文件名为 report_2023_final 的附件，变量 a_b_c 保持不变。")
    assert "report_2023_final" in text and "a_b_c" in text


# --------------------------------------------------------------------------------------------------
# JSONL


def _jsonl(tmp_path: Path, lines: list[str], name: str = "news.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ARTICLE_RECORD = {
    "id": "64fa9b31b82641eb8ecc0662",
    "title": "\n 因灾倒塌、损坏住房恢复重建救助工作规范印发 \n",
    "date": "2023-07-20 10:02",
    "url": "http://www.aqsc.cn/news/202307/20/c174107.html",
    "text": "2023-07-20 10:02，正文：本报讯  近日，应急管理部、财政部联合下发关于印发《因灾倒塌、损坏住房恢复重建救助工作规范》的通知，"
    "进一步规范因灾倒塌、损坏住房恢复重建救助相关工作。 《规范》 明确，倒损住房恢复重建救助工作由灾区各级地方政府负责落实，"
    "应急管理部、财政部根据国务院有关部署统筹指导。",
}
DISTRACTOR_RECORD = {
    "id": "documents_dup_part_1-0",
    "text": "[ 2023-07-28 16：40 ] ，正文：人民网柏林7月28日电 （记者刘仲华、张慧中）7月27日晚，中国驻德国大使馆举行庆祝中国人民解放军"
    "建军96周年招待会。德军政官员、各界人士、多国驻德使节和武官、华侨华人、留学生及中资企业代表等约350人出席招待会。",
}


def test_jsonl_records(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [json.dumps(ARTICLE_RECORD, ensure_ascii=False), json.dumps(DISTRACTOR_RECORD, ensure_ascii=False)])
    articles, skipped = load_file(path)
    assert skipped == []
    art, dis = articles
    assert art.id == "64fa9b31b82641eb8ecc0662" and art.title == "因灾倒塌、损坏住房恢复重建救助工作规范印发"
    assert art.date == "2023-07-20T10:02" and art.url == ARTICLE_RECORD["url"]
    # `本报讯` is a dateline naming no outlet: out of the body, which starts with the news
    assert art.paragraphs[0].startswith("近日，应急管理部") and art.paragraphs[1].startswith("《规范》 明确")
    assert "正文" not in art.paragraphs[0] and art.origin == f"{path}:1"
    assert dis.date == "2023-07-28T16:40" and dis.source == "人民网"
    # the dateline is metadata (outlet, place, reporters; the record's own date stays), not body text
    assert dis.title_derived and dis.paragraph(1).startswith("7月27日晚，中国驻德国大使馆")
    assert (dis.place, dis.author) == ("柏林", "刘仲华、张慧中")
    assert dis.origin == f"{path}:2"


def test_jsonl_bad_lines_are_skipped_with_their_line(tmp_path: Path) -> None:
    good = json.dumps(DISTRACTOR_RECORD, ensure_ascii=False)
    lines = [
        good,
        '{"id": "broken", "text": "没有结束的引号}',  # malformed JSON
        json.dumps({"id": "no-text", "title": "只有标题"}, ensure_ascii=False),
        json.dumps(["不是对象"], ensure_ascii=False),
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "chrome", "text": "分享让更多人看到\n相关阅读\n- (2023-06-27)荷兰强降雨造成多地鱼类大量死亡"}, ensure_ascii=False),
        "",
        json.dumps({**DISTRACTOR_RECORD, "id": "second"}, ensure_ascii=False),
    ]
    path = _jsonl(tmp_path, lines)
    articles, skipped = load_file(path)
    assert [a.id for a in articles] == ["documents_dup_part_1-0", "second"]
    assert [s.origin for s in skipped] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    reasons = [s.reason for s in skipped]
    assert "malformed JSON" in reasons[0] and "text" in reasons[1] and "object" in reasons[2]
    assert "text" in reasons[3] and "boilerplate" in reasons[4]
    assert all(str(path) in str(s) for s in skipped)


def test_jsonl_original_title_and_missing_id(tmp_path: Path) -> None:
    record = {"text": "2023-07-24 16:22，正文：原标题：江苏兴化：党员应急抢险队开展“防汛敲门”行动江苏兴化：党员应急抢险队开展“防汛敲门”行动 "
                      "来源：人民网－江苏频道近日，受强雨带影响，江苏泰州启动防汛Ⅳ级应急响应，兴化发布暴雨预警。"}
    articles, skipped = load_file(_jsonl(tmp_path, [json.dumps(record, ensure_ascii=False)], "feed.jsonl"))
    art = articles[0]
    assert art.id == "feed-1" and not art.title_derived
    assert art.title == "江苏兴化：党员应急抢险队开展“防汛敲门”行动"
    assert art.paragraph(1).startswith("近日，受强雨带影响")


def test_duplicate_ids_keep_the_first(tmp_path: Path) -> None:
    a = _jsonl(tmp_path, [json.dumps(DISTRACTOR_RECORD, ensure_ascii=False)], "a.jsonl")
    b = _jsonl(tmp_path, [json.dumps({**DISTRACTOR_RECORD, "text": "其他内容。" + DISTRACTOR_RECORD["text"]}, ensure_ascii=False)], "b.jsonl")
    report = load_corpus([a, b])
    assert len(report.articles) == 1 and report.articles[0].origin == f"{a}:1"
    assert len(report.skipped) == 1 and "duplicate id" in report.skipped[0].reason


# --------------------------------------------------------------------------------------------------
# Bad input: skipped with a reason that names the file, never raised


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b" \n\t\n", "empty"),
        ("image.txt", bytes(range(256)) * 4, "binary"),
        ("noise.txt", bytes([0x80, 0xFF, 0xFE, 0x81, 0x30, 0xC0, 0x7F, 0xFF] * 64), "not text"),
        ("chrome.txt", "- 首頁\n- 民文\n- English\n分享讓更多人看到\n熱門排行\n- 1成都市紀委監委通報:2人嚴重違紀違法被…\n".encode(), "boilerplate"),
        ("photo.jpg", b"\xff\xd8\xff\xe0", "unsupported"),
        ("empty.jsonl", b"\n\n", "empty"),
        ("bad.html", b"\x00\x01\x02<html>", "binary"),
    ],
)
def test_bad_files_are_skipped(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    articles, skipped = load_file(path)
    assert articles == [] and len(skipped) == 1
    assert skipped[0].origin == str(path) and reason in skipped[0].reason
    assert name in str(skipped[0])


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing.txt")
    articles, skipped = load_file(link)
    assert articles == [] and "cannot read" in skipped[0].reason


def test_a_bad_file_does_not_stop_the_corpus(tmp_path: Path) -> None:
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "c_good.txt").write_bytes(seed("004").read_bytes())
    report = load_corpus([tmp_path])
    assert [a.id for a in report.articles] == ["c_good"]
    assert [Path(s.origin).name for s in report.skipped] == ["a_empty.txt", "b_binary.txt"]


def test_near_ties_go_to_charset_normalizer() -> None:
    from rag.ingest.decode import _tie_break

    text = seed("002").read_text(encoding="utf-8")
    data = text.encode("big5")
    # Pretend both readings were equally plausible: the Big5 family must win on these bytes.
    scored = [(0.9, "gb18030", data.decode("gb18030", "replace")), (0.9, "cp950", data.decode("cp950"))]
    assert _tie_break(data, scored)[0][1] == "cp950"


def test_decode_errors_are_explained() -> None:
    with pytest.raises(DecodeError, match="NUL"):
        decode_bytes(b"abc\x00def")
    assert decode_bytes("中文".encode("utf-16"))[0] == "中文"


# --------------------------------------------------------------------------------------------------
# All of CRUD


@pytest.fixture(scope="module")
def crud() -> dict[str, tuple[list[Article], list[Skipped], list[dict]]]:
    if not (CRUD / "articles.jsonl").exists():
        pytest.skip(f"CRUD data not found at {CRUD}")
    out = {}
    for name in ("articles.jsonl", "distractors.jsonl"):
        path = CRUD / name
        articles, skipped = load_file(path)
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        out[name] = (articles, skipped, records)
    return out


def test_crud_parses_completely(crud) -> None:
    for name, (articles, skipped, records) in crud.items():
        assert skipped == [], name
        assert [a.id for a in articles] == [r["id"] for r in records]
        assert all(a.title and a.paragraphs and all(p.strip() for p in a.paragraphs) for a in articles)
        assert all("正文：" not in a.paragraphs[0][:10] for a in articles)


def test_crud_titles_are_stripped(crud) -> None:
    articles, _, records = crud["articles.jsonl"]
    assert all(a.title == clean_title(r["title"]) and a.title == a.title.strip() for a, r in zip(articles, records))
    assert not any(a.title_derived for a in articles)


def test_crud_header_dates_and_outlets_reach_the_metadata(crud) -> None:
    for name, (articles, _, records) in crud.items():
        for art, rec in zip(articles, records):
            header, _ = split_header(rec["text"])
            expected = parse_header(header)
            if expected.date:
                assert art.date is not None and art.date[:10] == expected.date[:10], (art.id, header)
            if expected.source:
                assert art.source == expected.source, (art.id, header)
            if expected.author:
                assert art.author == expected.author, (art.id, header)
    # Every header with a full date is parsed; year-less ones are completed from the URL where it has one;
    # an article with no full date keeps the day its page gives, year-less (--MM-DD), never an invented year.
    articles, _, records = crud["articles.jsonl"]
    dated = [a for a in articles if a.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?", a.date)]
    partial = [a for a in articles if a.date and re.fullmatch(r"--\d{2}-\d{2}", a.date)]
    assert len(dated) + len(partial) == sum(1 for a in articles if a.date)
    assert len(dated) == 1270 and len(partial) == 31


def test_crud_bodies_lose_page_furniture(crud) -> None:
    furniture = re.compile(r"返回搜狐|查看更多责任编辑|版权说明：任何媒体|如遇作品内容、版权等问题|【纠错】|>>进入直播间|分享让更多人看到|扫码下载app")
    for name, (articles, _, _) in crud.items():
        left = [a.id for a in articles for p in a.paragraphs if furniture.search(p)]
        assert left == [], (name, left[:5])


def test_crud_paragraphs_never_cut_a_sentence(crud) -> None:
    articles, _, records = crud["articles.jsonl"]
    for art, rec in zip(articles, records):
        if "\n" in split_header(rec["text"])[1].strip():
            continue  # the page's own line breaks are kept as they are
        for para in art.paragraphs[:-1]:
            assert ends_sentence(para), (art.id, para[-30:])
