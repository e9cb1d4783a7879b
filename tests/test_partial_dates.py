"""Dates without a year in articles: kept year-less (--MM-DD), completed only where the article makes the year
certain, never invented (rag.ingest.cleaning.dates.partial_date, through the real loader)."""

from __future__ import annotations

import json
from pathlib import Path

from rag.ingest.articles import load_corpus, load_file
from rag.ingest.cleaning.dates import partial_date, yearless
from rag.ingest.cleaning.pipeline import clean_article
from tests.conftest import ROOT


def test_yearless_days():
    assert yearless(6, 26) == "--06-26" and yearless(2, 29) == "--02-29"
    assert yearless(2, 30) is None and yearless(13, 1) is None and yearless(4, 31) is None


def test_dateline_day():
    assert partial_date(["新华社北京7月26日电 记者从应急管理部获悉，全国各地……"]) == "--07-26"
    assert partial_date(["中新网丽水7月24日讯(邵燕飞)阅读……"]) == "--07-24"
    assert partial_date(["新華社北京7月26日電 記者從應急管理部獲悉"]) == "--07-26"  # Traditional


def test_opening_day():
    assert partial_date(["为持续推动机关党建工作。", "6月26日上午，由市委组织部指导的活动在成都市文化馆举办。"]) == "--06-26"
    assert partial_date(["股民买卖股票，申报规则即将调整。8月10日，上交所、深交所双双表示……"]) == "--08-10"
    # a day deep inside the article, or not opening a clause, is not the article's day
    assert partial_date(["会议强调，要在今年完成改造。", "第二段。", "8月10日，第三段的日期。"]) is None
    assert partial_date(["预计于8月10日完成。"]) is None


def test_completed_only_when_the_article_writes_the_year():
    assert partial_date(["新华社北京7月26日电 2023年7月26日，会议召开。"]) == "2023-07-26"
    # two years with that day: not certain, kept year-less
    assert partial_date(["新华社北京7月26日电 2022年7月26日和2023年7月26日各有一次。"]) == "--07-26"
    # another day with a year says nothing about this one
    assert partial_date(["新华社北京7月26日电 2023年7月1日起施行。"]) == "--07-26"
    # a header's year-less day comes first
    assert partial_date(["8月10日，上交所表示……"], given="--08-09") == "--08-09"


def test_a_full_date_on_the_page_wins_over_a_yearless_one():
    cleaned = clean_article("标题行\n2023-07-20 10:02\n新华社北京7月19日电 正文的第一段，足够长的内容。", date="--07-19")
    assert cleaned is not None and cleaned.date == "2023-07-20T10:02"


def test_jsonl_headers_without_a_year(tmp_path: Path):
    records = [
        {"id": "a", "title": "台风", "text": "07-20 22:43正文：台风“杜苏芮”加强为超强台风，正向福建靠近。"},
        {"id": "b", "title": "证券", "text": "08/12  08:12正文：交易所下调经手费，减轻投资者负担。",
         "url": "http://intl.ce.cn/qqss/202308/12/t20230812_38670000.shtml"},
        {"id": "c", "title": "无日期", "text": "记者：潘福达正文：北京市发布暴雨预警，请市民注意出行安全。"},
    ]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    articles, skipped = load_file(path)
    assert not skipped
    assert [a.date for a in articles] == ["--07-20", "2023-08-12T08:12", None]


def test_seeds():
    dates = {a.id[:3]: a.date for a in load_corpus([ROOT / "corpus"]).articles}
    assert dates == {"000": "2023-06-27", "001": "--06-26", "002": "2023-06-18", "003": None,
                     "004": "2024-02-27T16:56:27"}  # 001's page never gives the year; 003 says only 近日
