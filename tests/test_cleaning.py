"""Each cleaning rule on real excerpts: the five seeds (corpus/) and CRUD records (shared/crud)."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from rag.ingest.cleaning.chrome import (
    cut_page_furniture,
    drop_inline_boilerplate,
    is_breadcrumb,
    is_caption_line,
    is_link_item,
    is_nav_line,
    is_spam_line,
    is_tail_marker,
    is_widget_line,
    link_item_date,
    remove_caption_tags,
)
from rag.ingest.cleaning.credits import (
    credit_of_line,
    dateline_outlet,
    is_credit_block,
    strip_leading_credit,
    strip_trailing_credits,
)
from rag.ingest.cleaning.dates import complete_date, date_from_url, date_of_line, partial_date, yearless
from rag.ingest.cleaning.headers import Header, parse_header, split_header
from rag.ingest.cleaning.mojibake import repair_gbk_shift
from rag.ingest.cleaning.paragraphs import split_paragraphs
from rag.ingest.cleaning.pipeline import clean_article
from rag.ingest.cleaning.text import is_pinyin_syllable, strip_pinyin_glosses
from rag.ingest.cleaning.titles import (
    DERIVED_TITLE_CHARS,
    clean_title,
    derive_title,
    looks_like_headline,
    split_original_title,
)
from rag.ingest.cleaning.wordlists import simplified, words
from rag.lang.script import to_simplified

# --------------------------------------------------------------------------------------------------
# Pinyin glosses


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("結(jié)對(duì)共建聚合力 踔厲奮發(fā)向未來", "結對共建聚合力 踔厲奮發向未來"),  # 000 title
        ("齊聚石馬鎮人民政府5樓會(huì)議室", "齊聚石馬鎮人民政府5樓會議室"),
        ("雙方下轄村(社區(qū))黨組織之間的學(xué)習(xí)交流", "雙方下轄村(社區)黨組織之間的學習交流"),  # real parens stay
        ("青島爭創(chuàng)五星級基層黨組織比學趕超", "青島爭創五星級基層黨組織比學趕超"),  # 003 title
        ("三星大屏手機(jī)7寸以上(三星大屏手機(jī))", "三星大屏手機7寸以上(三星大屏手機)"),  # 000 link list
        ("轉(zhuǎn)化為謀劃工作的思路", "轉化為謀劃工作的思路"),  # ǎ, zh- initial
    ],
)
def test_pinyin_glosses_are_removed(raw: str, clean: str) -> None:
    assert strip_pinyin_glosses(raw) == clean


@pytest.mark.parametrize(
    "text",
    [
        "监测回声定位信号(echolocation click)或能用于追踪",  # CRUD: English gloss, not pinyin
        "现任南非驻中国大使谢胜文(Siyabonga Cyprian Cwele)及其",
        "各站(办、所)要结合今年重点工作安排",  # 004
        "在湿季(4-8月)，这两种海豚",
        "进行PK(an)",  # toneless letters that happen to be a syllable: no tone mark, no gloss
        "用自己的行動為循環書屋計劃打CALL(call)",
    ],
)
def test_other_parentheses_stay(text: str) -> None:
    assert strip_pinyin_glosses(text) == text


def test_pinyin_syllables() -> None:
    assert all(is_pinyin_syllable(s) for s in ["jié", "qū", "zhuǎn", "chuàng", "lǘ", "xiàng", "ài", "ér"])
    assert not any(is_pinyin_syllable(s) for s in ["abc", "click", "cafe", "xyz"])


def test_gloss_whose_character_was_lost_keeps_only_the_mark() -> None:
    # 001: 勇擔當 came out as 勇?lián)?dāng): the characters are lost, the pinyin left over is debris.
    assert strip_pinyin_glosses("在服務(wù)大局上勇?lián)?dāng),在急難險(xiǎn)重任務(wù)中走在前") == (
        "在服務大局上勇??,在急難險重任務中走在前"
    )


# --------------------------------------------------------------------------------------------------
# GBK byte-shift mojibake (003)


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("也比出了精氣神?!鼻鄭u市市南區(qū)金湖路街道", "也比出了精氣神。”青島市市南區(qū)金湖路街道"),
        ("發(fā)展共贏?!鼻鄭u微電子創(chuàng)新中心", "發(fā)展共贏。”青島微電子創(chuàng)新中心"),
        ("建立財富黨建鑫聯(lián)盟?!比\ue084蜇敻婚_發(fā)建設(shè)有限公司", "建立財富黨建鑫聯(lián)盟。”全球財富開發(fā)建設(shè)有限公司"),
        ("還得比思路、比理論、比招數(shù)?!秉S島區(qū)王臺街道", "還得比思路、比理論、比招數(shù)。”黃島區(qū)王臺街道"),
        ("舉辦推選“青島市五星級基層黨組織”擂臺賽?!袄夼_賽第一名", "舉辦推選“青島市五星級基層黨組織”擂臺賽。“擂臺賽第一名"),
        ("也是集團黨群部推優(yōu)評選工作的一次創(chuàng)新和有益探索?!奔瘓F黨委委員", "也是集團黨群部推優(yōu)評選工作的一次創(chuàng)新和有益探索。”集團黨委委員"),
        ("亮成績、談問題、提思路、列舉措?!巴ㄟ^相互看,相互比", "亮成績、談問題、提思路、列舉措。“通過相互看,相互比"),
    ],
)
def test_gbk_shift_runs_are_repaired(raw: str, fixed: str) -> None:
    assert repair_gbk_shift(raw) == fixed


def test_gbk_shift_run_that_swallowed_a_byte() -> None:
    # 003, end of a quotation: `。”</p>` read one byte late; the `<` went into an invalid pair.
    raw = "表示:“此次擂臺比武為黨支部提供了展示自我的機會,為新發(fā)展階段萊西稅收工作開拓新局面貢獻力量?!?/p>"
    assert repair_gbk_shift(raw).endswith("開拓新局面貢獻力量。”")


@pytest.mark.parametrize(
    "text",
    [
        "把工作干得更加出彩!”青島市委網(wǎng)信辦機關(guān)黨委專職副書記張福杰說。",  # a real `!”`
        "真的吗?!他说这不可能。",  # a real `?!`: no ASCII trail byte follows
        "他问道?!我们OK吗",  # pattern-like, but the decode is not punctuation + ideographs
        "“沒有群眾基礎(chǔ)都不敢亮相?”",
    ],
)
def test_text_without_the_pattern_is_left_alone(text: str) -> None:
    assert repair_gbk_shift(text) == text


# --------------------------------------------------------------------------------------------------
# Site chrome


@pytest.mark.parametrize("line", ["- 首頁(yè)", "- 民文", "- English", "- 舉報(bào)專區(qū)", "- 登錄", "首页 / 民文 / English / 举报专区 / 登录"])
def test_nav_menu_items(line: str) -> None:
    assert is_nav_line(strip_pinyin_glosses(line))


@pytest.mark.parametrize("line", ["干得怎么樣,現(xiàn)場比一比", "能力強不強,比武講一講", "English teachers arrived"])
def test_short_body_lines_are_not_menus(line: str) -> None:
    assert not is_nav_line(strip_pinyin_glosses(line))


@pytest.mark.parametrize("line", ["我的位置:首頁>文章詳情", "当前位置：首页 > 新闻 > 正文", "华夏经纬网 > 新闻 > 涉台新闻"])
def test_breadcrumbs(line: str) -> None:
    assert is_breadcrumb(line)


def test_sentence_with_greater_than_is_not_a_breadcrumb() -> None:
    assert not is_breadcrumb("今年增速>5%，高于去年同期水平，显示经济持续恢复向好的态势明显。")


@pytest.mark.parametrize("line", ["分享讓更多人看到", "熱門排行", "相關閱讀", "評論一下", "相关阅读", "推荐阅读："])
def test_tail_markers(line: str) -> None:
    assert is_tail_marker(line)


@pytest.mark.parametrize("line", ["評論 0人參與,0條評論", "還沒有評論,快來搶沙發吧!", "請輸入驗證碼", "已有0人參與,點擊查看更多精彩評論"])
def test_comment_widget_lines(line: str) -> None:
    assert is_widget_line(line)


def test_spam_line() -> None:
    assert is_spam_line("99热这里有精品之_亚洲Av2020在线播放_国产日韩在线欧美成人_久久精品国产亚洲AV高清热")
    assert not is_spam_line("国产大飞机C919开启商业运营，亚洲和欧美市场的订单持续增加，精品航线受到欢迎。")


# --------------------------------------------------------------------------------------------------
# Link lists after the article


@pytest.mark.parametrize(
    "line",
    [
        "- (2023-06-27)宋集鎮宋莊村民委員會",  # 000
        "- (2023-06-27)荷蘭強降雨造成多地魚類大量死亡",
        "- 武漢中德國際產業園汽車產業論壇召開2023-06-18",  # 002
        "- qq三國官爵任務_qq三國官爵任務|觀速訊2023-06-18",
        "- 1成都市紀委監委通報:2人嚴重違紀違法被…",  # 001
        "睦鄰黨建共同體再續新篇,深植新時代基...",
        "武漢中德國際產業園汽車產業論壇召開---6月16日,蔡甸區舉辦2023“凝聚 -",
        "-",
    ],
)
def test_link_list_items(line: str) -> None:
    assert is_link_item(line)


def test_body_sentence_is_not_a_link_item() -> None:
    assert not is_link_item("隨后,石馬鎮黨委副書記、鎮長黃充與小枧鎮黨委副書記、提名鎮長商俊成簽署共建合作協議。")


def test_link_to_the_article_itself_dates_it() -> None:
    assert link_item_date("- (2023-06-27)結對共建聚合力 踔厲奮發向未來", "結對共建聚合力 踔厲奮發向未來") == "2023-06-27"
    title = "睦鄰黨建共同體再續新篇,深植新時代基層黨建工作高質量發展"
    assert link_item_date("- 睦鄰黨建共同體再續新篇,深植新時代基層黨2023-06-18", title) == "2023-06-18"
    assert link_item_date("- (2023-06-27)荷蘭強降雨造成多地魚類大量死亡", title) is None


# --------------------------------------------------------------------------------------------------
# Titles


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("睦鄰黨建共同體再續新篇,深植新時代基層黨建工作高質量發展|天天即時看", "睦鄰黨建共同體再續新篇,深植新時代基層黨建工作高質量發展"),
        ("驍龍8 Gen2+200W快充!iQOO 11S官宣:7月4日見-環球聚焦", "驍龍8 Gen2+200W快充!iQOO 11S官宣:7月4日見"),
        ("每日熱訊!美錦能源:子公司簽訂15.58億元重大合同", "美錦能源:子公司簽訂15.58億元重大合同"),
        ("甘肅社會科學院財務預算內控管理系統建設項目二次更正公告 今日最新", "甘肅社會科學院財務預算內控管理系統建設項目二次更正公告"),
        ("公共 | 江蘇省青年美術館策展人扶持計劃開班", "公共 | 江蘇省青年美術館策展人扶持計劃開班"),
        ("\n  因灾倒塌、损坏住房恢复重建救助工作规范印发 \n", "因灾倒塌、损坏住房恢复重建救助工作规范印发"),
    ],
)
def test_title_decorations(raw: str, title: str) -> None:
    assert clean_title(raw) == title


@pytest.mark.parametrize(
    "line",
    [
        "2024-02-27 16:56:27",
        "农业科技报-中国农科新闻网记者 齐巨儒 通讯员 娄卓",
        "- 首頁",
        "99热这里有精品之_亚洲Av2020在线播放_国产日韩在线欧美成人_久久精品国产亚洲AV高清热",
        "镇党委书记王刚传达三原县十九届三次人代会、县十六届三次政协会议精神。",
    ],
)
def test_not_headlines(line: str) -> None:
    assert not looks_like_headline(line)


def test_derived_title_from_004_lead() -> None:
    lead = (
        "为全面贯彻省、市县各级安排部署,统筹全镇上下尽快收假收心,进一步凝聚只争朝夕、真抓实干的精气神。"
        "2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会,镇领导班子成员、全体机关干部、各村(社区)党支部书记、"
        "驻村第一书记、工作队长、各站办所负责人参加会议。会议由镇人大主席张晓敏主持。"
    )
    assert derive_title([lead]) == "陕西三原县渠岸镇组织召开2024年镇村干部大会"


def test_derived_title_skips_dateline_and_credit() -> None:
    lead = "新华社北京7月27日电（记者叶昊鸣）记者27日从交通运输部获悉，根据今年第5号台风“杜苏芮”动态，交通运输部将防御响应提升至Ⅱ级。"
    title = derive_title([lead])
    assert "新华社" not in title and "叶昊鸣" not in title and len(title) <= DERIVED_TITLE_CHARS


def test_original_title_glued_to_the_lead() -> None:
    body = "原标题：江苏兴化：党员应急抢险队开展“防汛敲门”行动江苏兴化：党员应急抢险队开展“防汛敲门”行动 来源：人民网－江苏频道近日，受强雨带影响"
    title, rest = split_original_title(body)
    assert title == "江苏兴化：党员应急抢险队开展“防汛敲门”行动"
    body = "原标题：武汉经开区家庭教育指导站正式挂牌成立极目新闻记者 姚岗通讯员 贺晓艳实习生 孙持玄7月19日，武汉经开区“家庭教"
    title, rest = split_original_title(body)
    assert title is not None and title.startswith("武汉经开区家庭教育指导站正式挂牌成立")  # may keep 极目新闻
    assert rest.startswith("记者 姚岗")
    assert split_original_title("近日，江苏张家港的李女士收到了一份“红头文件”") == (None, "近日，江苏张家港的李女士收到了一份“红头文件”")


# --------------------------------------------------------------------------------------------------
# Captions, credits, bylines


def test_inline_picture_tags() -> None:
    assert remove_caption_tags("(資料圖)") == ""
    assert remove_caption_tags("【資料圖】") == ""
    assert remove_caption_tags("美国一枪击案发现场（资料图）海外网8月2日电") == "美国一枪击案发现场海外网8月2日电"
    assert remove_caption_tags("（图片来源于四川省水利厅）") == ""


@pytest.mark.parametrize(
    "line",
    [
        "新溝橋街道黨工委書記田志凱致開幕詞。攝影 林琳",  # 002
        "各位學生代表依次上臺,將捐贈書籍投入循環書箱內。攝影 吳妍",
        "視頻:青山區新溝橋街道、紅鋼城街道在青山區圖書館聯合召開睦鄰黨建共同體聯席會",
        "问诊现场。韩金雨 摄",  # CRUD
        "中新社记者 陈孟统 摄",
        "马耳他中国文化中心供图",
        "活动现场",
    ],
)
def test_caption_lines(line: str) -> None:
    assert is_caption_line(line)


def test_long_paragraph_is_never_a_caption() -> None:
    para = "为持续推动机关党组织和社区党组织资源共享、组织共建、党员共联,不断提高机关党建工作的质量和水平," * 3 + "记者 林琳 摄"
    assert not is_caption_line(para)


@pytest.mark.parametrize(
    ("line", "kind", "source", "author"),
    [
        ("文/圖:譚海波 高潔", "byline", None, "譚海波、高潔"),  # 000
        ("關鍵詞:", "keywords", None, None),
        ("[責任編輯:xwzkw]", "editor", None, None),
        ("(荊楚網記者林琳、編輯李茹慧、吳妍 通訊員汪曼暉)", "byline", "荊楚網", "林琳、汪曼暉"),  # 002
        ("來源:大眾日報", "source", "大眾日報", None),  # 003
        ("来源:大众日报", "source", "大众日报", None),
        ("农业科技报-中国农科新闻网记者 齐巨儒 通讯员 娄卓", "byline", "农业科技报-中国农科新闻网", "齐巨儒、娄卓"),  # 004
    ],
)
def test_credit_lines(line: str, kind: str, source: str | None, author: str | None) -> None:
    credit = credit_of_line(line)
    assert credit is not None and (credit.kind, credit.source, credit.author) == (kind, source, author)


def test_body_sentence_is_not_a_credit() -> None:
    assert credit_of_line("鎮黨委書記王剛傳達三原縣十九屆三次人代會、縣十六屆三次政協會議精神。") is None


@pytest.mark.parametrize(
    ("paragraph", "text", "source", "author"),
    [
        ("推動錦江黨建工作再上新臺階。(周慧)", "推動錦江黨建工作再上新臺階。", None, "周慧"),  # 001
        ("自营产品销售破千万元。来源：北京日报 | 记者 陈雪柠", "自营产品销售破千万元。", "北京日报", "陈雪柠"),
        ("从王莽互通立交驶入包茂高速安康方向。华商报记者 李琳 编辑：方正", "从王莽互通立交驶入包茂高速安康方向。", "华商报", "李琳"),
        ("确保了大中专院校放假学生顺利返乡。(完)", "确保了大中专院校放假学生顺利返乡。", None, None),
        ("加强金融监管和风险监控。《 人民日报 》（ 2023年07月27日 17 版）", "加强金融监管和风险监控。", "人民日报", None),
        ("（本文来源：经济日报 作者：刘 亮）", "", "经济日报", None),
        ("工作人员与当地村民有序清理受灾现场。新华社记者 张晨霖 摄", "工作人员与当地村民有序清理受灾现场。", "新华社", "张晨霖"),
        ("做好相关工作。（央视新闻客户端）", "做好相关工作。", "央视新闻客户端", None),
    ],
)
def test_trailing_credits(paragraph: str, text: str, source: str | None, author: str | None) -> None:
    assert strip_trailing_credits(paragraph) == (text, source, author)


@pytest.mark.parametrize(
    "paragraph",
    [
        "雙方應在經濟、社會、民生方面共同建設,勇爭游仙一流鄉鎮。各村(社區)",
        "近日，省发改委印发通知。记者从市应急管理局获悉",  # a record cut mid-sentence
        "这些信息或能用于开发对这些物种的保育策略。",
    ],
)
def test_body_endings_that_are_not_credits(paragraph: str) -> None:
    assert strip_trailing_credits(paragraph)[0] == paragraph


def test_leading_byline_glued_to_the_lead() -> None:
    text, source, author = strip_leading_credit("大众网记者 刘姿岑 通讯员 孙晓 青岛报道8月4日，崂山区交通运输局联合青岛市交通运输综合行政执法支队开展行动。")
    assert text.startswith("8月4日，崂山区") and source == "大众网" and author == "刘姿岑、孙晓"
    lead = "记者27日从交通运输部获悉，交通运输部将防御响应提升至Ⅱ级。"
    assert strip_leading_credit(lead)[0] == lead
    # Cut at a quotation mark: the names must belong to a role, the lead's first words stay.
    assert strip_leading_credit("记者 王芳 通讯员 孟令旭“今天是我担任书记助理的第一天。”") == (
        "“今天是我担任书记助理的第一天。”", None, "王芳、孟令旭",
    )
    assert strip_leading_credit("来源：人民网 受台风“杜苏芮”影响，福建多地出现强降雨。") == (
        "受台风“杜苏芮”影响，福建多地出现强降雨。", "人民网", None,
    )
    assert strip_leading_credit("来源：人民网受台风“杜苏芮”影响，福建多地出现强降雨。")[0].startswith("受台风")


def test_credit_grammar_is_linear_on_long_runs() -> None:
    # A distractor ends in a run of dashes before its credits; a backtracking grammar took seconds.
    tail = "—" * 60 + "-文案/主播：刘志杰摄影：朱文博剪辑：王濛濛 郭雨荷" + "x" * 10
    start = time.perf_counter()
    is_credit_block(tail)
    strip_trailing_credits("守护好自己和家人的生命财产安全。" + tail)
    assert time.perf_counter() - start < 1.0  # milliseconds when linear; wide margin for a busy machine


# --------------------------------------------------------------------------------------------------
# Page furniture inside flattened JSONL text


def test_furniture_is_cut_from_the_end() -> None:
    body = "目前，犯罪嫌疑人王某某已被移交至丹凤县公安局。" * 3
    assert cut_page_furniture(body + "返回搜狐，查看更多责任编辑：") == body
    notice = "来源：北京日报记者 孙杰流程编辑：u008\n版权说明：任何媒体、网站或个人未经书面授权许可不得转载。联系方式：takefoto@vip.sina.com"
    assert cut_page_furniture(body + notice) == body + "来源：北京日报记者 孙杰流程编辑：u008\n"


def test_furniture_words_early_in_a_text_are_quoted_not_cut() -> None:
    text = "版权声明：这是一篇关于版权保护的报道开头。" + "法院审理认为，被告侵犯了原告的著作权，应承担相应责任。" * 5
    assert cut_page_furniture(text) == text


def test_inline_ad_is_dropped() -> None:
    raw = "有效保障飞行安全。广告 美女秀场 真人直播 >>进入直播间与主播亲密互动 ×（总台央视记者 曹丹）"
    assert drop_inline_boilerplate(raw) == "有效保障飞行安全。（总台央视记者 曹丹）"
    assert drop_inline_boilerplate("无人机坠落没有造成人员伤亡。 【纠错】 【责任编辑:周楚卿 】") == "无人机坠落没有造成人员伤亡。  "


# --------------------------------------------------------------------------------------------------
# Headers, dates


@pytest.mark.parametrize(
    ("header", "date", "source", "author"),
    [
        ("2023-07-20 10:02", "2023-07-20T10:02", None, None),
        ("[ 2023-07-28 16：40 ] ", "2023-07-28T16:40", None, None),
        ("2023-07-28 10:14:27作者：白剑峰来源：人民日报    ", "2023-07-28T10:14:27", "人民日报", "白剑峰"),
        ("2023-08-07 10:02:42作者：陈子源 闫妍来源：人民网    ", "2023-08-07T10:02:42", "人民网", "陈子源、闫妍"),
        ("来源：中国经济网作者：陈梦宇 2023-07-27 10:33:50    ", "2023-07-27T10:33:50", "中国经济网", "陈梦宇"),
        ("华夏经纬网 > 新闻 > 涉台新闻\xa0\xa0\xa0\xa0\xa0\xa02023-07-27 08:52:37  ", "2023-07-27T08:52:37", "华夏经纬网", None),
        ("新华网                                    2023-08-04 08:40            ", "2023-08-04T08:40", "新华网", None),
        ("椰网/海拔新闻                记者吴英艳                                  2023-08-09 21:50            ", "2023-08-09T21:50", "椰网/海拔新闻", "吴英艳"),
        ("2023年07月20日 18:14:59 来自北京市", "2023-07-20T18:14:59", None, None),
        ("发稿时间：2023-07-26 10:21:11     ", "2023-07-26T10:21:11", None, None),
        ("记者：实习记者 夏骅", None, None, "夏骅"),
        ("来源：中国青年报客户端", None, "中国青年报客户端", None),
        ("2023-7-27 16:45", "2023-07-27T16:45", None, None),
        ("202307/25 05:01:02", "2023-07-25T05:01:02", None, None),
        ("23-07-26 22:00", "2023-07-26T22:00", None, None),
        ("07-20 22:43", None, None, None),  # no year: no ISO date
        ("", None, None, None),
    ],
)
def test_crud_headers(header: str, date: str | None, source: str | None, author: str | None) -> None:
    assert parse_header(header) == Header(date, source, author)


def test_split_header() -> None:
    assert split_header("2023-07-20 10:02，正文：本报讯  近日，应急管理部") == ("2023-07-20 10:02", "本报讯  近日，应急管理部")
    assert split_header("没有头部的正文。") == ("", "没有头部的正文。")


def test_date_lines() -> None:
    assert date_of_line("2024-02-27 16:56:27") == "2024-02-27T16:56:27"
    assert date_of_line("发布时间：2023年08月04日 16:50") == "2023-08-04T16:50"
    assert date_of_line("2023年7月 全省新增9名因涉毒人员") is None


def test_year_completed_from_url() -> None:
    assert complete_date("08/12  08:12", "http://intl.ce.cn/qqss/202308/12/t20230812_38670000.shtml") == "2023-08-12T08:12"
    assert date_from_url("http://news.cnhubei.com/content/2023-08/14/content_16413044.html") == "2023-08-14"
    # no URL date: the header's day is kept, year-less (ISO 8601 --MM-DD), never given an invented year
    assert complete_date("08/12  08:12", None) == "--08-12"
    assert complete_date("07-20 22:43", "https://example.com/a.html") == "--07-20"
    # the URL's date is the publication date when the header names another day
    assert complete_date("08/11  08:12", "http://intl.ce.cn/qqss/202308/12/t20230812_38670000.shtml") == "2023-08-12"
    assert complete_date("记者：潘福达", None) is None


def test_dateline_outlet() -> None:
    assert dateline_outlet("新华社北京7月30日电 由中共中央党史和文献研究院") == "新华社"
    assert dateline_outlet("中新网丽水7月24日电(邵燕飞 傅飞扬)阅读") == "中新网"
    assert dateline_outlet("湖北日报讯（记者 王某）近日") == "湖北日报"
    assert dateline_outlet("本报讯  近日，应急管理部") is None
    assert dateline_outlet("记者从市里获悉，全市") is None


# --------------------------------------------------------------------------------------------------
# Paragraphs


def test_space_separated_record_is_split_between_sentences() -> None:
    text = (
        "本报讯  近日，应急管理部、财政部联合下发通知，进一步规范恢复重建救助相关工作。 《规范》 明确，倒损住房恢复重建救助工作由灾区各级地方政府负责落实。"
        " 根据《规范》，倒损住房恢复重建救助对象为因自然灾害导致住房倒塌或损坏的受灾家庭。"
    )
    paras = split_paragraphs(text)
    assert len(paras) == 3
    assert paras[1].startswith("《规范》 明确") and paras[2].startswith("根据《规范》")


def test_long_paragraph_is_balanced_without_cutting_sentences() -> None:
    sentence = "镇村两级干部要增强高质量发展的使命感、责任感和紧迫感，自觉将思想和行动凝聚到实现今年各项目标任务上来。"
    text = sentence * 12  # ~600 characters, no breaks
    parts = split_paragraphs(text, max_chars=250)
    assert "".join(parts) == text
    assert len(parts) >= 3 and all(p.endswith("。") for p in parts)
    assert max(len(p) for p in parts) <= 250 + len(sentence)


def test_one_long_sentence_stays_whole() -> None:
    sentence = "，".join(["统筹推进发展与安全"] * 80) + "。"
    assert split_paragraphs(sentence, max_chars=100) == [sentence]


def test_space_inside_a_quotation_is_not_a_break() -> None:
    text = "他说：“我们会继续努力。 也请大家放心。”随后，活动正式开始。"
    assert split_paragraphs(text) == [text]


# --------------------------------------------------------------------------------------------------
# Whole documents


def test_only_boilerplate_gives_nothing() -> None:
    page = "- 首頁\n- 民文\n- English\n- 登錄\n分享讓更多人看到\n熱門排行\n- 1成都市紀委監委通報:2人嚴重違紀違法被…\n- 2遂寧市船山區:老舊小區改造中的“民意導…"
    assert clean_article(page) is None
    assert clean_article("") is None


def test_title_given_and_repeated_in_the_body() -> None:
    text = "\n\n南非国家部委官员2023年度中文培训开班\n\n人民网约翰内斯堡7月27日电 (刘畅)24日，中文培训开班仪式在线上举行。"
    cleaned = clean_article(text, title="南非国家部委官员2023年度中文培训开班")
    # (the dateline is metadata: outlet, place, the year-less day and the reporter; the lead starts after it)
    assert cleaned is not None and cleaned.paragraphs == ("24日，中文培训开班仪式在线上举行。",)
    assert (cleaned.source, cleaned.place, cleaned.date, cleaned.author) == ("人民网", "约翰内斯堡", "--07-27", "刘畅")
    assert cleaned.source == "人民网"


# --------------------------------------------------------------------------------------------------
# Word lists: written once in Simplified, matched on the Simplified twin, text kept verbatim


def test_word_lists_are_simplified_and_each_word_is_listed_once() -> None:
    text = resources.files("rag.ingest").joinpath("data/cleaning_words.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert all(len(row) == 2 and row[1].split() for row in rows)
    listed = [word for word, _ in rows]
    assert len(listed) == len(set(listed))
    assert [w for w in listed if to_simplified(w) != w] == []
    assert "随著" in words("purpose")  # OpenCC keeps 著: 隨著 → 随著


def test_twin_is_as_long_as_the_text_and_keeps_rare_characters() -> None:
    assert simplified("荊楚網記者林琳") == "荆楚网记者林琳"
    assert simplified("曹磊、單瓅 周頔") == "曹磊、单瓅 周頔"  # 瓅, 頔: their Simplified forms lie beyond the BMP


def test_traditional_spellings_match_and_what_stays_is_verbatim() -> None:
    # Words listed only in Simplified match their Traditional spelling ...
    assert split_original_title("原標題：某市舉行消夏晚會\n記者從市文旅局獲悉，晚會將持續一週。") == (
        "某市舉行消夏晚會",
        "\n記者從市文旅局獲悉，晚會將持續一週。",
    )
    text = "正文第一段很長很長很長很長。" * 3 + "如遇作品內容、版權等問題，請聯繫本網"
    assert cut_page_furniture(text) == "正文第一段很長很長很長很長。" * 3
    # ... and names, outlets and kept text come back in the script they were written in.
    assert strip_trailing_credits("活動持續三天。（荊楚網記者林琳、編輯李茹慧）") == ("活動持續三天。", "荊楚網", "林琳")
    assert dateline_outlet("新華社北京7月30日電 記者從會上獲悉") == "新華社"
    assert clean_title("經濟穩中向好發展|天天即時看") == "經濟穩中向好發展"
