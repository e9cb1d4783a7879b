"""Datelines (issue #16, item 3): `新华社成都7月27日电（记者 …）` is metadata (outlet, place, day, reporters), not
the body, and never the title; a file without a headline gets a derived title marked as derived."""

from __future__ import annotations

import pytest

from rag.ingest.articles import load_file
from rag.ingest.cleaning import clean_article
from rag.ingest.cleaning.datelines import is_dateline_line, parse_dateline
from tests.stories import PARAGRAPHS, TXT


@pytest.mark.parametrize("text,outlet,place,date,author,rest", [
    ("新华社成都7月27日电（记者 王君宝）7月27日，大运会开幕。", "新华社", "成都", "--07-27", "王君宝", "7月27日，大运会开幕。"),
    ("本报北京7月26日电（记者 张三）国务院近日印发通知", None, "北京", "--07-26", "张三", "国务院近日印发通知"),
    ("中新网丽水7月24日电(邵燕飞 傅飞扬)阅读是一座城", "中新网", "丽水", "--07-24", "邵燕飞、傅飞扬", "阅读是一座城"),
    ("湖北日报讯（记者 王某）近日，全省", "湖北日报", None, None, "王某", "近日，全省"),
    ("央视网消息：据中央气象台预报", "央视网", None, None, None, "据中央气象台预报"),
    ("新華社北京7月30日電 記者從會上獲悉", "新華社", "北京", "--07-30", None, "記者從會上獲悉"),  # Traditional
    ("中国青年报客户端银川8月4日电（记者焦敏龙）今天", "中国青年报", "银川", "--08-04", "焦敏龙", "今天"),
    ("新华社华盛顿７月２７日电 美国", "新华社", "华盛顿", "--07-27", None, "美国"),  # full-width digits
])
def test_datelines_are_read_into_outlet_place_day_and_reporters(text, outlet, place, date, author, rest):
    dateline, after = parse_dateline(text)
    assert dateline is not None
    assert (dateline.outlet, dateline.place, dateline.date, dateline.author, after) == (outlet, place, date, author, rest)


@pytest.mark.parametrize("text", ["记者从市里获悉，全市", "7月27日，成都大运会开幕。", "网讯息很多", "新华社记者王君宝摄"])
def test_what_is_not_a_dateline(text):
    assert parse_dateline(text) == (None, text)


def test_a_dateline_line_is_not_a_headline_and_the_title_is_derived_and_marked(tmp_path):
    path = tmp_path / "jinxi.txt"
    path.write_bytes(TXT.encode("gbk"))
    (article,), skipped = load_file(path)
    assert skipped == []
    assert is_dateline_line(TXT.splitlines()[0])
    assert article.title_derived and "新华社" not in article.title and "电" not in article.title
    assert article.title == "锦溪县三座新建水厂同时投入运行"
    assert (article.source, article.place, article.date, article.author) == ("新华社", "成都", "--07-27", "王君宝")
    assert article.paragraphs == PARAGRAPHS  # the body starts with the news
    assert article.to_json()["place"] == "成都"


def test_a_dateline_glued_to_the_lead_is_cut_and_a_full_date_wins():
    cleaned = clean_article("2023-07-28 09:00\n新华社成都7月27日电（记者 王君宝）" + "\n".join(PARAGRAPHS))
    assert cleaned.paragraphs == PARAGRAPHS and cleaned.title_derived
    assert (cleaned.date, cleaned.source, cleaned.place) == ("2023-07-28T09:00", "新华社", "成都")


def test_a_headline_stays_the_title():
    cleaned = clean_article("锦溪县三座新水厂投入运行\n新华社成都7月27日电（记者 王君宝）\n" + "\n".join(PARAGRAPHS))
    assert cleaned.title == "锦溪县三座新水厂投入运行" and not cleaned.title_derived
    assert cleaned.paragraphs == PARAGRAPHS
