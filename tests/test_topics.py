"""Topic summaries and timelines across articles (rag.answering.topics, rag.answering.timeline): on the seeds, on a
republished story, and on the CRUD corpus. Each checks the articles covered, that no two sentences say the same
thing, the date order and that every citation quotes its paragraph verbatim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz.distance import LCSseq

from rag.answering.timeline import timeline
from rag.answering.topic_request import topic_request
from rag.answering.topics import date_key, match_topic, topic_summary
from rag.ingest.articles import Article
from rag.lang.script import normalize, to_traditional
from rag.records import Summary
from tests import stories

CRUD = Path(__file__).resolve().parents[2] / "shared" / "crud"
_MARK = re.compile(r"\[(\d+)\]")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def assert_cited(summary: Summary, articles) -> None:
    for c in summary.citations:
        assert articles[c.article_id].paragraph(c.paragraph)[c.start:c.end] == c.quote
    shown = [int(n) for n in _MARK.findall(summary.summary)]
    assert shown == list(range(1, len(summary.citations) + 1))


def assert_no_repeats(summary: Summary) -> None:
    """No quote repeats another: their longest common subsequence is under 80 % of the shorter one (two
    different meetings reported in one template share more than half)."""
    quotes = [normalize(c.quote) for c in summary.citations]
    for i, a in enumerate(quotes):
        for b in quotes[:i]:
            assert LCSseq.similarity(a, b) < 0.8 * min(len(a), len(b)), (a, b)


def cited_lines(summary: Summary) -> list[tuple[str, int]]:
    """(line, its first citation number) for each line that cites."""
    return [(line, int(_MARK.search(line).group(1))) for line in summary.summary.splitlines() if _MARK.search(line)]


def assert_date_order(summary: Summary, articles) -> None:
    """Within each block of cited lines, the cited articles run oldest first, undated ones last."""
    block: list[tuple] = []
    for line in summary.summary.splitlines():
        m = _MARK.search(line)
        if m is None:
            block = []
            continue
        key = date_key(articles[summary.citations[int(m.group(1)) - 1].article_id])
        assert not block or block[-1][:2] <= key[:2], line
        block.append(key)


@pytest.mark.parametrize("topic", ["党建", to_traditional("党建")])
def test_a_topic_summary_of_the_seeds_covers_each_article_once_in_date_order(seed_articles, topic):
    match = match_topic(topic, seed_articles, None)
    assert len(match.articles) == 5  # every seed is about Party building
    summary = topic_summary(match)
    assert_cited(summary, seed_articles)
    assert {c.article_id for c in summary.citations} == set(seed_articles)
    assert_no_repeats(summary)
    assert_date_order(summary, seed_articles)
    assert "荊楚網" in summary.summary and "大眾日報" in summary.summary  # the outlets are named
    lines = [(line, seed_articles[summary.citations[n - 1].article_id].date) for line, n in cited_lines(summary)]
    undated = [line for line, d in lines if d is None]
    assert len(undated) == sum(a.date is None for a in seed_articles.values()) >= 1
    assert all(line.startswith("日期不详") for line in undated)
    # a day the page gave without its year (seed 001: --06-26) is shown so, never given a year
    assert all(line.startswith(f"{d[2:]}（年份不详）") for line, d in lines if d and d.startswith("--"))


def test_a_timeline_of_the_seeds_has_one_event_per_article_oldest_first_undated_marked(seed_articles):
    summary = timeline(match_topic("党建", seed_articles, None))
    assert_cited(summary, seed_articles)
    assert [c.article_id for c in summary.citations].count("002_e44c29edbf155723") == 1
    assert {c.article_id for c in summary.citations} == set(seed_articles)
    dated = [line for line, _ in cited_lines(summary) if _DAY.match(line)]
    # event days: stated by the line, else by its article's lead (渠岸镇's meeting: 2月25日, published 2-27)
    assert [_DAY.match(line).group(1) for line in dated] == ["2023-06-16", "2023-06-25", "2024-02-25"]
    assert "以下报道未注明日期" in summary.summary
    undated = summary.summary.split("以下报道未注明日期")[1]
    assert undated.count("日期不详") == sum(a.date is None for a in seed_articles.values()) >= 1
    assert not re.search(r"\d{4}-\d{2}-\d{2}", undated)  # never guessed
    for a in seed_articles.values():  # a year-less day (seed 001: --06-26) is listed apart, without a year
        if a.date and a.date.startswith("--"):
            assert "以下报道未注明年份" in summary.summary and f"{a.date[2:]}（年份不详）" in summary.summary


def test_a_topic_nothing_is_about_says_so(seed_articles):
    for make in (topic_summary, timeline):
        summary = make(match_topic("火星探测", seed_articles, None))
        assert not summary.citations and summary.summary


def wire_articles() -> dict[str, Article]:
    paragraphs = stories.PARAGRAPHS
    return {a.id: a for a in (
        Article("wire", stories.HEADLINE, (stories.DATELINE + paragraphs[0], *paragraphs[1:]), "2023-07-27", "新华社"),
        Article("paper", "锦溪三座新水厂同日通水", ("据新华社电 " + paragraphs[0], *paragraphs[1:], "当天，不少村民来到水厂开放日现场参观。"),
                "2023-07-28", "川江日报"),
        Article("local", "锦溪县水务局部署供水管网改造", ("7月30日，锦溪县水务局召开会议，部署老旧供水管网改造和山区集中供水站建设。",
                                                  "会议要求各乡镇九月底前报送管网改造清单。"), "2023-07-30", "锦溪发布"),
    )}


@pytest.mark.parametrize("make", [topic_summary, timeline])
def test_a_republished_story_is_quoted_once_and_the_other_outlet_named(make):
    articles = wire_articles()
    summary = make(match_topic("锦溪县 供水", articles, None))
    assert_cited(summary, articles)
    cited = {c.article_id for c in summary.citations}
    assert "local" in cited and len(cited & {"wire", "paper"}) == 1  # the wire story once
    assert "（另见：" in summary.summary and ("川江日报" in summary.summary and "新华社" in summary.summary)
    assert_no_repeats(summary)


@pytest.mark.parametrize("message, kind, topic", [
    ("总结一下关于党建共建的报道", "topic", "党建共建"),
    ("按时间顺序梳理台风杜苏芮的报道", "timeline", "台风杜苏芮"),
    ("summarize the coverage of the typhoon", "topic", "typhoon"),
    ("timeline of the typhoon", "timeline", "typhoon"),
])
def test_topic_and_timeline_requests_name_their_topic(message, kind, topic):
    request = topic_request(message)
    assert request is not None and request.kind == kind and request.topic == topic


@pytest.mark.parametrize("message", ["总结一下第一篇", "这些文章讲了什么？", "台风杜苏芮在哪里登陆？"])
def test_other_messages_are_not_topic_requests(message):
    assert topic_request(message) is None


@pytest.fixture(scope="module")
def crud_articles():
    if not (CRUD / "articles.jsonl").exists():
        pytest.skip("../shared/crud is not beside this checkout")
    from rag.ingest.articles import load_corpus

    return {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}


def test_a_topic_summary_of_many_crud_articles_is_grouped_cited_and_dated(crud_articles):
    match = match_topic("台风", crud_articles, None)
    assert len(match.articles) > 30  # many reports: grouped
    summary = topic_summary(match)
    assert_cited(summary, crud_articles)
    assert_no_repeats(summary)
    assert_date_order(summary, crud_articles)
    headings = [line for line in summary.summary.splitlines() if not _MARK.search(line)]
    assert len(headings) >= 2 and all("篇" in h and "来源" in h for h in headings)  # groups, each naming outlets
    assert len({c.article_id for c in summary.citations}) >= 8
    assert all("台风" in crud_articles[c.article_id].title + "".join(crud_articles[c.article_id].paragraphs)
               for c in summary.citations)


def test_a_timeline_of_crud_articles_runs_oldest_first(crud_articles):
    summary = timeline(match_topic("台风", crud_articles, None))
    assert_cited(summary, crud_articles)
    assert_no_repeats(summary)
    days = [_DAY.match(line).group(1) for line, _ in cited_lines(summary) if _DAY.match(line)]
    assert len(days) >= 10 and days == sorted(days)
    ids = [c.article_id for c in summary.citations]
    assert len(ids) == len(set(ids))  # one event per article


def test_the_chat_answers_a_topic_request_and_a_timeline_request(seed_articles, tmp_path):
    from rag.chat import respond
    from tests.fakes import lexical_engine

    engine = lexical_engine(seed_articles, tmp_path)
    reply, conversation = respond(engine, "总结一下关于党建的报道")
    assert isinstance(reply, Summary) and reply.article_id is None and len(set(reply.article_ids)) == 5
    assert reply.title.startswith("关于") and conversation.turns[-1].kind == "summary"
    assert_cited(reply, seed_articles)
    reply, _ = respond(engine, "按時間順序梳理黨建的報道")  # Traditional in, Traditional out
    assert "以下報道未註明日期" in reply.summary or "以下報道未注明日期" in reply.summary
    assert [line[:10] for line, _ in cited_lines(reply) if _DAY.match(line)] == ["2023-06-16", "2023-06-25", "2024-02-25"]
    for c in reply.citations:
        assert c.quote in seed_articles[c.article_id].paragraph(c.paragraph)


def test_an_overview_of_many_crud_articles_is_one_cited_line_each_grouped_by_topic(crud_articles):
    from rag.answering.overview import overview

    shown = list(crud_articles.values())[:25]
    summary = overview(shown)
    assert_cited(summary, crud_articles)
    assert sorted(c.article_id for c in summary.citations) == sorted(a.id for a in shown)  # one line each
    headings = [line for line in summary.summary.splitlines() if not _MARK.search(line)]
    assert len(headings) >= 2 and sum(int(re.search(r"等 (\d+) 篇", h).group(1)) for h in headings) == 25
    assert_date_order(summary, crud_articles)


def test_an_overview_line_stays_within_60_characters_when_no_clause_run_is_that_short():
    """A sentence whose only clause runs past 100 characters (a list): the line is a verbatim cut of it before a list
    mark, at most 60 characters, still cited (it used to be the whole sentence)."""
    from rag.answering.overview import overview

    plans = "、".join(f"《{place}县{topic}实施方案》" for place in ("东阳", "西河", "南平") for topic in ("防汛抗旱", "安全生产"))
    body = f"5月6日东阳市政府常务会议审议通过了{plans}等六个文件"
    article = Article("list", "全市防汛抗旱与安全生产工作推进会召开", (body + "。",), "2024-05-06")
    summary = overview([article])
    (c,) = summary.citations
    assert len(body) > 100 and len(c.quote) <= 60 and c.quote == article.paragraph(1)[c.start:c.end]
    assert c.quote.startswith("5月6日东阳市政府常务会议审议通过了") and not c.quote.endswith("、")


def test_a_crud_timeline_takes_no_line_that_mentions_its_topic_in_passing(crud_articles):
    """新能源汽车 over CRUD: 63 articles mention it, many in passing (a list of sectors, of complaints); each line
    is from an article whose title or lead is about it, or names it in the main clause of who did what."""
    from rag.answering.headlines import holds
    from rag.answering.timeline import main_event_text
    from rag.answering.selection import score_article
    from rag.answering.topics import topic_terms

    match = match_topic("新能源汽车", crud_articles, None)
    summary = timeline(match)
    assert_cited(summary, crud_articles)
    assert_no_repeats(summary)
    terms = topic_terms("新能源汽车")
    assert len(summary.citations) >= 8
    for c in summary.citations:
        main = holds(main_event_text(score_article(crud_articles[c.article_id])), terms, 0.999)
        assert main or holds(c.quote, terms, 0.999), c.quote
    quotes = "".join(c.quote for c in summary.citations)
    assert "消费维权舆情" not in quotes and "高端装备制造、新能源汽车、高端新材料" not in quotes  # listed in passing
    assert "mentions in passing left out" in summary.note
