"""A summary's dateline never says its date twice (issue #20, brief D10b): a summary whose first piece opens with
the day alone (26日，…) gets the year and month before it, the quote whole; one opening with 当日/当天/同日/当晚 or
with the dateline's day in local time (当地时间25日，…) gets the dateline in their place, the cited span starting
after them. CRUD-like excerpts written here and the real seeds, in both scripts; every citation verbatim."""

from __future__ import annotations

import re

import pytest

from rag import evaluate as ev
from rag.answering.picks import Pick
from rag.answering.selection import score_article
from rag.answering.summaries import dateline, fitted_line, summarize_article
from rag.answering.timeline import When
from rag.ingest.articles import Article
from rag.lang.script import to_simplified, to_traditional
from rag.records import Summary

SCRIPTS = [to_simplified, to_traditional]
_DATELINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日[，,]?")
# what would say the date again right after the dateline: a day, a month and day, a local day, "that day"
_AGAIN = re.compile(r"(当地时间)?\s*(\d{1,2}月)?\d{1,2}[日号]|当日|当天|同日|当晚")


def assert_not_twice(summary: Summary) -> None:
    text = to_simplified(summary.summary)
    m = _DATELINE.match(text)
    assert m, text[:40]  # these articles all open with their date
    assert not _AGAIN.match(text[m.end():]), text[:40]


def assert_cited(summary: Summary, article: Article) -> None:
    assert [int(n) for n in re.findall(r"\[(\d+)\]", summary.summary)] == [c.n for c in summary.citations]
    for c in summary.citations:
        assert article.paragraph(c.paragraph)[c.start:c.end] == c.quote
        assert ev.quote_valid(c.to_json(), {article.id: article})


def article(convert, date: str, *paragraphs: str) -> Article:
    return Article("d10b", convert("中外交流活动举行"), tuple(convert(p) for p in paragraphs), date=date)


BARE_DAY = ("26日，第二届中意中医药合作论坛在意大利米兰举行，来自两国的120余名专家学者参加了论坛。",
            "论坛上，双方签署了3项合作协议，内容涉及中医药教育、科研和临床服务。",
            "据介绍，米兰中医药中心自2019年成立以来已累计接诊患者2万余人次。")
BARE_DAY_KEPT = ("26日上午第二届中意中医药合作论坛在意大利米兰开幕，来自两国的120余名专家学者参加了论坛。",) + BARE_DAY[1:]
LOCAL_DAY = ("当地时间25日，比利时布鲁塞尔一家法院就2016年恐袭案作出裁决，判定6名被告谋杀罪名成立。",
             "法院表示，将于9月公布具体刑期，另有2名被告被判无罪。")
LOCAL_DAY_AFTERNOON = ("当地时间7月24日下午，浙江省代表团与巴西里约热内卢侨界代表举行座谈会，双方就经贸合作交换意见。",
                       "座谈会上，双方签署了2项合作备忘录，并商定明年再次举办交流活动。")


@pytest.mark.parametrize("convert", SCRIPTS)
def test_a_bare_opening_day_gets_the_year_and_month_and_its_quote_stays_whole(convert):
    a = article(convert, "2023-07-27", *BARE_DAY)
    s = summarize_article(a)  # (the clause cut may leave the day's clause out: then the whole dateline)
    assert s.summary.startswith("2023年7月26日，"), s.summary[:40]
    assert_not_twice(s)
    assert_cited(s, a)
    whole = Pick((1, 0, len(a.paragraphs[0])), 0, 1.0, False)  # the lead's sentence, its day included
    line, picks = fitted_line(a, When(2023, 7, 26, True), [whole])
    assert line == "2023年7月" and picks == [whole]  # 2023年7月 + 26日，第二届…: the quote stays whole
    kept = article(convert, "2023-07-27", *BARE_DAY_KEPT)  # the day's clause kept: 2023年7月26日上午第二届…
    s = summarize_article(kept)
    assert s.summary.startswith("2023年7月" + s.citations[0].quote) and s.citations[0].quote.startswith("26日上午")
    assert_not_twice(s)
    assert_cited(s, kept)


@pytest.mark.parametrize("convert", SCRIPTS)
def test_the_dateline_takes_the_place_of_a_local_day_that_is_its_own(convert):
    for paragraphs, date, line, after in ((LOCAL_DAY, "2023-07-26", "2023年7月25日，", "当地时间25日，"),
                                         (LOCAL_DAY_AFTERNOON, "2023-07-25", "2023年7月24日", "当地时间7月24日")):
        a = article(convert, date, *paragraphs)
        s = summarize_article(a)
        first = s.citations[0]
        assert re.sub("^" + line + "，?", "", s.summary).startswith(first.quote), s.summary[:40]
        assert first.paragraph == 1 and first.start >= len(after)  # the span starts after the local day
        assert_not_twice(s)
        assert_cited(s, a)
        whole = Pick((1, 0, len(a.paragraphs[0])), 0, 1.0, False)  # the lead's sentence, its local day included
        when = When(2023, int(line[5]), int(line[7:9]), True)
        shown, (moved,) = fitted_line(a, when, [whole])
        assert shown == line and moved.shown[0] == (1, len(after), len(a.paragraphs[0]))


@pytest.mark.parametrize("convert", SCRIPTS)
def test_that_day_gives_way_to_the_dateline_joined_to_its_time_of_day(convert):
    text = convert("7月26日，某市召开防汛工作会议，部署汛期安全工作。当日下午，市长带队检查了3座水库的防汛准备情况。")
    a = Article("d10b", convert("某市部署防汛"), (text,), date="2023-07-27")
    start = text.index(convert("当日下午"))
    pick = Pick((1, start, len(text)), 1, 1.0, False)
    line, (moved,) = fitted_line(a, When(2023, 7, 26, True), [pick])
    p, s, e = moved.shown[0]
    assert line == "2023年7月26日" and text[s:e].startswith(convert("下午，市长"))  # 2023年7月26日下午，市长…
    line, (kept,) = fitted_line(a, When(2023, 7, 26, True), [Pick((1, start + 2, len(text)), 1, 1.0, False)])
    assert line == "2023年7月26日，" and kept.shown[0] == (1, start + 2, len(text))  # no day said: the whole dateline
    later = text.index(convert("市长"))  # a bare day after the dateline's (in an earlier month): no dateline
    b = Article("d10b", "t", (convert("28日，") + text[later:],), date="2023-08-02")
    assert fitted_line(b, When(2023, 8, 2, False), [Pick((1, 0, len(b.paragraphs[0])), 0, 1.0, False)])[0] == ""


@pytest.mark.parametrize("convert", SCRIPTS)
def test_no_seed_summary_says_its_date_twice(seed_articles, convert):
    for seed in seed_articles.values():
        a = Article(seed.id, convert(seed.title), tuple(convert(p) for p in seed.paragraphs), date=seed.date)
        s = summarize_article(a)
        if dateline(a, score_article(a)) and _DATELINE.match(to_simplified(s.summary)):
            assert_not_twice(s)
        assert_cited(s, a)
