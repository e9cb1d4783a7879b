"""Time expressions in questions (rag.lang.when): every date form, in Simplified, Traditional and English."""

from datetime import date

import pytest

from rag.lang.script import has_han, script_of, search_twin, to_traditional
from rag.lang.when import DateRange, corpus_span_of, describe_date, describe_range, month_day, parse, recency_weight, strip
from rag.lang.when.words import cn_number

ANCHOR = date(2023, 8, 19)  # a Saturday: the newest CRUD article
SPAN = (date(2022, 10, 20), ANCHOR)  # the CRUD articles' dates


def rng(q: str, span=SPAN, anchor=None):
    t = parse(q, anchor=anchor, corpus_span=span)
    return (t.since.isoformat() if t.since else None, t.until.isoformat() if t.until else None)


def window(q: str):
    """The year-less window of a question without a year."""
    [r] = parse(q, corpus_span=SPAN).ranges
    return r.yearless


def admits(q: str, iso):
    return any(r.admits(iso) for r in parse(q, corpus_span=SPAN).ranges)


# ---------------------------------------------------------------------------------------------------
# Absolute dates

ABSOLUTE = [
    # full dates
    ("2023年7月20日应急管理部印发了什么规范？", "2023-07-20", "2023-07-20"),
    ("2023年7月20號的新聞", "2023-07-20", "2023-07-20"),
    ("二〇二三年七月二十日的报道", "2023-07-20", "2023-07-20"),
    ("2023-07-20 发布的消息", "2023-07-20", "2023-07-20"),
    ("2023/7/20", "2023-07-20", "2023-07-20"),
    ("2023.7.20", "2023-07-20", "2023-07-20"),
    ("What happened on July 20, 2023?", "2023-07-20", "2023-07-20"),
    ("news of 20 July 2023", "2023-07-20", "2023-07-20"),
    # year + month
    ("2023年6月的新闻", "2023-06-01", "2023-06-30"),
    ("2023年6月份", "2023-06-01", "2023-06-30"),
    ("23年7月", "2023-07-01", "2023-07-31"),
    ("二〇二三年七月", "2023-07-01", "2023-07-31"),
    ("2023-07 的报道", "2023-07-01", "2023-07-31"),
    ("June 2023 news", "2023-06-01", "2023-06-30"),
    ("in June, 2023", "2023-06-01", "2023-06-30"),
    ("Sept. 2023", "2023-09-01", "2023-09-30"),
    # year
    ("2024年有哪些报道", "2024-01-01", "2024-12-31"),
    ("2024年度", "2024-01-01", "2024-12-31"),
    ("news in 2023", "2023-01-01", "2023-12-31"),
    # halves, quarters, first months
    ("2023年上半年", "2023-01-01", "2023-06-30"),
    ("2023年下半年", "2023-07-01", "2023-12-31"),
    ("2023年第三季度", "2023-07-01", "2023-09-30"),
    ("2023年三季度", "2023-07-01", "2023-09-30"),
    ("2023年Q3", "2023-07-01", "2023-09-30"),
    ("2023年前7个月", "2023-01-01", "2023-07-31"),
    ("2023年1-7月", "2023-01-01", "2023-07-31"),
    ("2023年1至6月份", "2023-01-01", "2023-06-30"),
    ("the first half of 2023", "2023-01-01", "2023-06-30"),
    ("H1 2023", "2023-01-01", "2023-06-30"),
    ("2023 H2", "2023-07-01", "2023-12-31"),
    ("Q3 2023", "2023-07-01", "2023-09-30"),
    ("2023Q4", "2023-10-01", "2023-12-31"),
    ("the third quarter of 2023", "2023-07-01", "2023-09-30"),
    ("3rd quarter of 2022", "2022-07-01", "2022-09-30"),
    # parts of a month
    ("2023年7月上旬", "2023-07-01", "2023-07-10"),
    ("2023年7月中旬", "2023-07-11", "2023-07-20"),
    ("2023年7月下旬", "2023-07-21", "2023-07-31"),
    ("2023年2月下旬", "2023-02-21", "2023-02-28"),
    ("2023年7月初", "2023-07-01", "2023-07-10"),
    ("2023年7月底", "2023-07-21", "2023-07-31"),
    ("2023年7月末", "2023-07-21", "2023-07-31"),
    ("2023年7月中下旬", "2023-07-11", "2023-07-31"),
    ("early August 2023", "2023-08-01", "2023-08-10"),
    ("mid-August 2023", "2023-08-11", "2023-08-20"),
    ("late July 2023", "2023-07-21", "2023-07-31"),
    ("the end of July 2023", "2023-07-21", "2023-07-31"),
]


@pytest.mark.parametrize("q, since, until", ABSOLUTE)
def test_absolute(q, since, until):
    assert rng(q) == (since, until)



@pytest.mark.parametrize("q", sorted({q for q, _, _ in ABSOLUTE if has_han(q) and to_traditional(q) != q}))
def test_traditional_forms_read_alike(q):
    assert rng(to_traditional(q)) == rng(q)


def test_traditional_is_matched_after_t2s():
    assert rng("2023年7月下旬有哪些關於颱風的報導？") == ("2023-07-21", "2023-07-31")
    assert rng("上週的新聞") == ("2023-08-07", "2023-08-13")
    assert rng("最近一週") == ("2023-08-13", "2023-08-19")
    assert rng("２０２３年７月") == ("2023-07-01", "2023-07-31")  # full-width digits


# ---------------------------------------------------------------------------------------------------
# Dates without a year: a closed window stays year-less; an open one takes a year only where certain

@pytest.mark.parametrize("q, yearless", [
    ("6月25日有什么报道？", (6, 25, 6, 25)),
    ("7月20号", (7, 20, 7, 20)),
    ("七月二十日", (7, 20, 7, 20)),
    ("6月份", (6, 1, 6, 30)),
    ("6月份有哪些党建活动？", (6, 1, 6, 30)),
    ("7月下旬有哪些关于台风的报道？", (7, 21, 7, 31)),
    ("7月下旬有哪些關於颱風的報導？", (7, 21, 7, 31)),
    ("十一月", (11, 1, 11, 30)),
    ("上半年", (1, 1, 6, 30)),
    ("Q3", (7, 1, 9, 30)),
    ("third quarter", (7, 1, 9, 30)),
    ("What happened on June 25?", (6, 25, 6, 25)),
    ("late July", (7, 21, 7, 31)),
    ("25 July", (7, 25, 7, 25)),
    ("the 25th of July", (7, 25, 7, 25)),
    ("7月20-25日", (7, 20, 7, 25)),
    ("7月中旬到8月初", (7, 11, 8, 10)),
    ("July 20-25", (7, 20, 7, 25)),
    ("between July 20 and August 3", (7, 20, 8, 3)),
    ("2月29日", (2, 29, 2, 29)),
])
def test_yearless_windows(q, yearless):
    assert window(q) == yearless


def test_yearless_window_matches_every_year_and_yearless_articles():
    t = parse("7月下旬有哪些报道", corpus_span=SPAN)
    assert t.since is None and t.until is None
    assert t.description == "7月21日至7月31日（不限年份）"
    assert "no year given" in t.notes[0]
    assert admits("7月下旬", "2021-07-25") and admits("7月下旬", "2023-07-31T10:00") and not admits("7月下旬", "2023-08-01")
    assert admits("7月下旬", "--07-26")  # an article whose page never says the year
    assert not admits("7月下旬", "--08-01") and not admits("7月下旬", None)
    assert not admits("2023年7月下旬", "--07-26")  # a dated window never admits a year-less article
    assert describe_range(DateRange(yearless=(7, 21, 7, 31)), "en") == "July 21–31 (any year)"
    assert parse("June 25", anchor=ANCHOR).description == "June 25 (any year)"


def test_year_flows_along_ranges_and_lists():
    assert rng("2023年7月20日至25日") == ("2023-07-20", "2023-07-25")
    assert rng("2023年7月20日至8月3日的报道") == ("2023-07-20", "2023-08-03")
    assert rng("7月20日至2023年8月3日", span=None, anchor=ANCHOR) == ("2023-07-20", "2023-08-03")
    assert rng("2022年12月25日至1月3日", span=None) == ("2022-12-25", "2023-01-03")
    assert rng("2023年7月和8月", span=None) == ("2023-07-01", "2023-08-31")
    assert rng("July and August 2023", span=None) == ("2023-07-01", "2023-08-31")
    assert rng("from July 20 to 25, 2023", span=None) == ("2023-07-20", "2023-07-25")


# ---------------------------------------------------------------------------------------------------
# Relative to the anchor (2023-08-19, a Saturday)

@pytest.mark.parametrize("q, since, until", [
    ("今天", "2023-08-19", "2023-08-19"),
    ("今日", "2023-08-19", "2023-08-19"),
    ("昨天有什么新闻", "2023-08-18", "2023-08-18"),
    ("前天", "2023-08-17", "2023-08-17"),
    ("本周", "2023-08-14", "2023-08-20"),
    ("这周", "2023-08-14", "2023-08-20"),
    ("上周", "2023-08-07", "2023-08-13"),
    ("上个星期", "2023-08-07", "2023-08-13"),
    ("上礼拜", "2023-08-07", "2023-08-13"),
    ("本月", "2023-08-01", "2023-08-31"),
    ("这个月", "2023-08-01", "2023-08-31"),
    ("上个月", "2023-07-01", "2023-07-31"),
    ("上月", "2023-07-01", "2023-07-31"),
    ("上个月下旬", "2023-07-21", "2023-07-31"),
    ("本月15日", "2023-08-15", "2023-08-15"),
    ("今年", "2023-01-01", "2023-12-31"),
    ("去年", "2022-01-01", "2022-12-31"),
    ("前年", "2021-01-01", "2021-12-31"),
    ("今年7月", "2023-07-01", "2023-07-31"),
    ("去年12月", "2022-12-01", "2022-12-31"),
    ("今年上半年", "2023-01-01", "2023-06-30"),
    ("去年第四季度", "2022-10-01", "2022-12-31"),
    ("最近一周", "2023-08-13", "2023-08-19"),
    ("近一周", "2023-08-13", "2023-08-19"),
    ("近三天", "2023-08-17", "2023-08-19"),
    ("最近30天", "2023-07-21", "2023-08-19"),
    ("过去两个月", "2023-06-21", "2023-08-19"),
    ("最近几天", "2023-08-13", "2023-08-19"),
    ("近两年", "2021-08-20", "2023-08-19"),
    ("最近有什么新闻", "2023-07-21", "2023-08-19"),  # 最近: a 30-day window (and the boost)
    ("近期", "2023-07-21", "2023-08-19"),
    ("today", "2023-08-19", "2023-08-19"),
    ("yesterday", "2023-08-18", "2023-08-18"),
    ("the day before yesterday", "2023-08-17", "2023-08-17"),
    ("this week", "2023-08-14", "2023-08-20"),
    ("last week", "2023-08-07", "2023-08-13"),
    ("this month", "2023-08-01", "2023-08-31"),
    ("last month", "2023-07-01", "2023-07-31"),
    ("this year", "2023-01-01", "2023-12-31"),
    ("last year", "2022-01-01", "2022-12-31"),
    ("July last year", "2022-07-01", "2022-07-31"),
    ("the first half of this year", "2023-01-01", "2023-06-30"),
    ("the past 7 days", "2023-08-13", "2023-08-19"),
    ("the past week", "2023-08-13", "2023-08-19"),
    ("in the last 3 months", "2023-05-22", "2023-08-19"),
    ("past two weeks", "2023-08-06", "2023-08-19"),
    ("recently", "2023-07-21", "2023-08-19"),
])
def test_relative(q, since, until):
    assert rng(q) == (since, until)


def test_anchor_can_be_today():
    t = parse("上周有哪些报道", anchor=date(2024, 3, 6), corpus_span=SPAN)  # a Wednesday
    assert (t.since, t.until) == (date(2024, 2, 26), date(2024, 3, 3))


def test_relative_without_anchor_is_reported_not_guessed():
    t = parse("上周的新闻")
    assert t.ranges == () and "no anchor" in t.notes[0]
    assert [s.text for s in t.spans] == ["上周"]


def test_relative_after_an_absolute_date_counts_from_that_date_not_the_anchor():
    t = parse("2021年7月份中国制造业采购经理指数相比上个月上升了多少？", corpus_span=SPAN)
    assert (t.since, t.until) == (date(2021, 7, 1), date(2021, 7, 31))
    assert "上个月" in t.notes[0]


# ---------------------------------------------------------------------------------------------------
# Open ranges

def test_around_is_not_open():
    assert window("7月20日前后的报道") == (7, 20, 7, 20)


@pytest.mark.parametrize("q, since, until", [
    ("7月20日以来", "2023-07-20", None),
    ("2023年7月20日以后", "2023-07-20", None),
    ("从7月起", "2023-07-01", None),
    ("7月20日以前", None, "2023-07-19"),
    ("8月之前", None, "2023-07-31"),
    ("截至7月20日", None, "2023-07-20"),
    ("since July 20", "2023-07-20", None),
    ("after July 20", "2023-07-21", None),
    ("before August 1", None, "2023-07-31"),
    ("until July 20", None, "2023-07-20"),
    ("from July 20 onwards", "2023-07-20", None),
])
def test_open_ranges(q, since, until):
    t = parse(q, corpus_span=SPAN)
    r = t.ranges[0]
    assert (r.since.isoformat() if r.since else None, r.until.isoformat() if r.until else None) == (since, until)
    assert t.spans[0].kind == "open"


def test_open_range_without_a_certain_year_is_not_used():
    t = parse("7月20日以来有哪些报道", corpus_span=(date(2021, 1, 1), ANCHOR))  # three July 20ths fit
    assert t.ranges == () and "not used" in t.notes[0]


# ---------------------------------------------------------------------------------------------------
# Recency: a boost, never a filter

@pytest.mark.parametrize("q", ["最新的台风消息", "目前的情况", "latest news on the typhoon", "the most recent report",
                               "newest articles", "最新消息", "最新的颱風消息"])
def test_recency_is_a_boost_not_a_filter(q):
    t = parse(q, corpus_span=SPAN)
    assert t.recency and t.ranges == () and t.role is None
    assert all(s.kind == "recency" for s in t.spans)


def test_recent_is_a_window_and_a_boost():
    t = parse("最近有什么台风新闻", corpus_span=SPAN)
    assert t.recency and rng("最近有什么台风新闻") == ("2023-07-21", "2023-08-19")


def test_recency_weight():
    assert recency_weight("2023-08-19", ANCHOR, 14) == 1.0
    assert recency_weight("2023-08-05T10:00", ANCHOR, 14) == pytest.approx(0.5)
    assert recency_weight(None, ANCHOR, 14) == 0.0 and recency_weight("--08-19", ANCHOR, 14) == 0.0


# ---------------------------------------------------------------------------------------------------
# Not dates

@pytest.mark.parametrize("q", [
    "《习近平强军思想学习纲要（2023年版）》是谁编写的？",  # an edition, not a date
    "7个月来增长了多少",
    "May I ask who the secretary is?",  # the modal verb, not the month
    "2000 people were evacuated",
    "共有2023人参加",
    "这是第三个月的数据",
    "他初步统计了数据",
    "中国女足以1：0战胜海地队",
    "March forward together",
    "we may see rain",
])
def test_not_dates(q):
    assert parse(q, corpus_span=SPAN).ranges == ()


def test_month_words_need_context_in_english():
    assert window("what happened in May?") == (5, 1, 5, 31)
    assert rng("news from March 2023") == ("2023-03-01", "2023-03-31")


# ---------------------------------------------------------------------------------------------------
# The role of the dates: when it was reported, when it happened, or the period a statistic covers

@pytest.mark.parametrize("q, role", [
    ("7月下旬有哪些关于台风的报道？", "publication"),
    ("2024年有哪些关于成都大运会的报道？", "publication"),
    ("What news was there last week about Typhoon Khanun?", "publication"),
    ("上週有哪些新聞", "publication"),
    ("2023年7月20日应急管理部印发了什么规范？", "event"),
    ("6月份有哪些党建活动？", "event"),
    ("2024年渠岸镇开了什么会？", "event"),
    ("最近一周发生了什么？", "event"),
    ("What happened on June 25?", "event"),
    # the half year is the period the GDP figure covers (the article came out in July)
    ("湖北日报报道武汉2023年上半年GDP是多少？", "period"),
    ("2023年上半年武漢GDP是多少", "period"),
    ("What was China's GDP growth in the first half of 2023?", "period"),
    ("截至6月30日华住集团经营多少家酒店？", "period"),  # a cut-off
    # a month or more, and a quantity asked for: the figures of a period (CRUD qa_dev)
    ("2021年7月份中国制造业采购经理指数是多少？", "period"),
    ("2014年中国光伏发电量是多少？", "period"),
    ("How many people were hurt in July 2023?", "period"),
    ("8月1日北京强降雨已造成多少人遇难？", "event"),  # a day: when it happened
    ("截至7月20日的报道", "publication"),
    ("石马镇开展了什么行动？", None),
    # a report word in a sentence of its own says what the asker reads; the date's sentence asks of an event
    ("我在看武汉青山区睦邻党建共同体的新闻。2022年是哪个街道轮值的？", "event"),
    ("I am reading the news about Qingshan. Which subdistrict took its turn in 2022?", "event"),
    ("有哪些新闻是7月份的？", "publication"),
])
def test_role(q, role):
    assert parse(q, corpus_span=SPAN).role == role


# ---------------------------------------------------------------------------------------------------
# Spans, stripping, descriptions

def test_spans_point_into_the_question_as_given():
    q = "請問七月下旬有哪些關於颱風的報導？"
    t = parse(q, corpus_span=SPAN)
    assert [q[s.start:s.end] for s in t.spans] == ["七月下旬"]


@pytest.mark.parametrize("q, stripped", [
    ("2023年7月20日应急管理部印发了什么规范？", "应急管理部印发了什么规范？"),
    ("7月下旬有哪些关于台风的报道？", "有哪些关于台风的报道？"),
    ("2023年6月的新闻有哪些？", "新闻有哪些？"),
    ("在7月20日以前发布了什么？", "发布了什么？"),
    ("2023年7月和8月的报道", "报道"),
    ("What news was there last week about Typhoon Khanun?", "What news was there about Typhoon Khanun?"),
    ("What happened in late July 2023?", "What happened?"),
    ("最新的台风消息", "台风消息"),
])
def test_strip(q, stripped):
    assert strip(q, parse(q, corpus_span=SPAN).spans) == stripped


@pytest.mark.parametrize("q, zh, en", [
    ("2023年6月", "2023年6月1日至6月30日", "June 1–30, 2023"),
    ("2023年7月20日", "2023年7月20日", "July 20, 2023"),
    ("2023年7月21日至8月3日", "2023年7月21日至8月3日", "July 21 – August 3, 2023"),
    ("2022年12月25日至2023年1月3日", "2022年12月25日至2023年1月3日", "December 25, 2022 – January 3, 2023"),
    ("7月20日以来", "2023年7月20日以来", "since July 20, 2023"),
    ("截至7月20日", "2023年7月20日及以前", "up to July 20, 2023"),
])
def test_describe(q, zh, en):
    [r] = parse(q, corpus_span=SPAN).ranges
    assert describe_range(r) == zh and describe_range(r, "en") == en


def test_description_follows_the_question_language():
    assert parse("June 2023", corpus_span=SPAN).description == "June 1–30, 2023"
    t = parse("2023年6月的新聞", corpus_span=SPAN)
    assert t.lang == "hant" and t.description == "2023年6月1日至6月30日"
    assert parse("6月的新聞", corpus_span=SPAN).description == "6月1日至6月30日（不限年份）"


def test_article_dates():
    assert describe_date("2024-02-27T16:56:27") == "2024-02-27 16:56" and describe_date("2023-06-27") == "2023-06-27"
    assert describe_date("--06-26") == "6月26日（年份不详）" and describe_date("--06-26", "en") == "06-26 (year not given)"
    assert describe_date("--06-26", "hant") == "6月26日（年份不詳）"
    assert describe_date(None) == "" and describe_date("garbage") == ""
    assert month_day("--06-26") == (6, 26) and month_day("2023-07-20T10:00") == (7, 20)
    assert month_day("--02-30") is None and month_day(None) is None


def test_bounds_round_trip():
    for r in (DateRange(date(2023, 6, 1), date(2023, 6, 30)), DateRange(yearless=(6, 1, 6, 30)),
              DateRange(since=date(2023, 7, 20)), DateRange(until=date(2023, 7, 20))):
        assert DateRange.from_bounds(*r.bounds()) == r
    with pytest.raises(ValueError, match="not a date"):
        DateRange.from_bounds("2023-13-01", None)
    with pytest.raises(ValueError, match="year-less"):
        DateRange.from_bounds("--06-01", "2023-06-30")


def test_widened_for_events_reported_later():
    assert DateRange(date(2023, 7, 20), date(2023, 7, 20)).widened(2) == DateRange(date(2023, 7, 20), date(2023, 7, 22))
    assert DateRange(yearless=(6, 1, 6, 30)).widened(2).yearless == (6, 1, 7, 2)
    assert DateRange(since=date(2023, 7, 20)).widened(2) == DateRange(since=date(2023, 7, 20))


def test_helpers():
    assert cn_number("二十五") == 25 and cn_number("十二") == 12 and cn_number("二〇二三") == 2023 and cn_number("两") == 2
    assert search_twin("２０２３年７月") == "2023年7月"
    assert len(search_twin("上週的新聞")) == len("上週的新聞")
    assert script_of("What happened?") == "en" and script_of("上週的新聞") == "hant" and script_of("上周") == "hans"
    assert corpus_span_of(["2023-07-20T10:00", None, "2022-10-20", "bad", "--12-31"]) == (date(2022, 10, 20), date(2023, 7, 20))
