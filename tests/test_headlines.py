"""One-line headlines that say who did what (rag.answering.roles, rag.answering.headlines): the corpus overview's
lines and the timeline's event lines, on real seed excerpts in both scripts, asked in both scripts."""

from __future__ import annotations

import dataclasses
import re

import pytest

from rag.answering.overview import overview
from rag.answering.roles import run_roles
from rag.answering.timeline import event_date, timeline
from rag.answering.topics import match_topic
from rag.lang.script import normalize, to_simplified, to_traditional

QUAN = "004_7e177a0353be72cf"
SHIMA = "000_049c7ef42d054db3"
SCRIPTS = {"hans": to_simplified, "hant": to_traditional}


def in_script(articles, script: str):
    convert = SCRIPTS[script]
    return {k: dataclasses.replace(a, title=convert(a.title), paragraphs=tuple(convert(p) for p in a.paragraphs))
            for k, a in articles.items()}


# Real excerpts of the seeds: what each says, as the headline reads it.
ROLES = [
    ("6月25日,石马镇、小枧镇党政领导班子成员,相关部门负责人,双方村(社区)党组织书记共计60余人", 0),  # who attended
    ("会上印发《关于表彰2023年度目标责任考核先进集体和先进个人的决定》", 1),  # an action, its actor in the sentence before
    ("青岛市市南区金湖路街道泰州路社区第五网格泰州路居民区党支部书记郑素秀说。", 1),  # only names a speaker
    ("2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会", 2),
    ("会议由镇人大主席张晓敏主持", 2),
    ("石马镇党委副书记、镇长黄充与小枧镇党委副书记、提名镇长商俊成签署共建合作协议", 2),
    ("镇党委要求各村(社区)党支部及村委会结合实际并按照要求抓好贯彻落实", 2),
    # the meeting is no actor: who asked is said elsewhere (the same excerpt with 会议 for 镇党委)
    ("会议要求各村(社区)党支部及村委会结合实际并按照要求抓好贯彻落实", 1),
    ("本次会议由新沟桥街道党工委副书记、办事处主任刘芸主持", 2),  # ... but who chaired it is
    ("要进一步完善睦邻机制,将工作清单落实到具体项目上", 1),  # 落实: jieba's dictionary tags it as no verb
]


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("text, tier", ROLES)
def test_clause_roles_tell_who_did_what_from_attendance_and_leaning_clauses(text, tier, script):
    assert run_roles(SCRIPTS[script](text)).tier == tier


JINJIANG = "001_75c24a0883477bc4"


def line_quotes(summary, articles):
    """Each article's line as its cited pieces (verbatim, at their offsets), in order."""
    lines: dict[str, list[str]] = {}
    for c in summary.citations:
        assert articles[c.article_id].paragraph(c.paragraph)[c.start:c.end] == c.quote  # verbatim
        lines.setdefault(c.article_id, []).append(c.quote)
    return lines


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_overview_lines_say_who_did_what_in_60_characters(seed_articles, script):
    articles = in_script(seed_articles, script)
    summary = overview(list(articles.values()))
    pieces = line_quotes(summary, articles)
    assert len(pieces) == len(articles) == len(summary.summary.splitlines())  # one line each
    for quotes in pieces.values():
        shown = "…".join(quotes)
        assert len(quotes) <= 2 and len(shown) <= 60 and run_roles(shown).who_did_what, shown
        text = normalize(shown)
        assert not text.startswith(("会上", "为")) and "负责人" not in text and "共计" not in text, shown
    lines = {k: normalize("…".join(q)) for k, q in pieces.items()}
    assert "渠岸镇组织召开2024年镇村干部大会" in lines[QUAN]  # not "会上印发…"
    assert "签署共建合作协议" in lines[SHIMA] or "签约仪式" in lines[SHIMA]  # not the list of who came


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_lead_too_long_for_a_line_gives_two_cited_pieces_of_its_sentence(seed_articles, script):
    # 001's lead "6月26日上午,由市委组织部…指导,锦江区委组织部…主办的“争当直联先锋 共建红色锦江”锦江区…直联共建活动在
    # 成都市文化馆举办" is 86 characters: its line is its opening … its event, each piece cited, not another
    # sentence's "深入推进…" clause
    articles = in_script(seed_articles, script)
    summary = overview([articles[JINJIANG]])
    first, second = line_quotes(summary, articles)[JINJIANG]
    assert normalize(first).startswith("6月26日上午")
    assert normalize(second).startswith("锦江区机关党组织和社区党组织直联共建活动")
    assert normalize(second).rstrip("。").endswith("在成都市文化馆举办")
    assert summary.summary.split(" ", 1)[1] == f"{first}…{second}[1][2]"
    c1, c2 = summary.citations
    assert c1.paragraph == c2.paragraph and c1.end < c2.start  # one sentence, in order, something left out


@pytest.mark.parametrize("question", ["这些文章讲了什么？", "這些文章講了什麼？"])
def test_the_chat_overview_says_who_did_what_in_the_askers_script(seed_articles, tmp_path, question):
    from rag.chat import respond
    from tests.fakes import lexical_engine

    reply, _ = respond(lexical_engine(seed_articles, tmp_path), question)
    assert {c.article_id for c in reply.citations} == set(seed_articles)
    quan = next(line for line in reply.summary.splitlines() if "2024-02-27" in line)
    assert normalize(quan).split(" ", 1)[1].startswith("2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会")
    assert ("鎮" in quan) == (question != "这些文章讲了什么？")  # shown in the asker's script


@pytest.mark.parametrize("topic", ["国有企业", "國有企業"])
def test_a_topic_only_listed_in_passing_gives_no_timeline_line(seed_articles, topic):
    # 003 names 国有企业 once, as one of six kinds of Party organisation ("来自农村、城市社区、国有企业、…的基层党组织")
    match = match_topic(topic, seed_articles, None)
    assert [a.id for a in match.articles] == ["003_149da1c9ea8086b3"]
    summary = timeline(match)
    assert not summary.citations and "顺带提及" in summary.summary and summary.note == "mentions in passing only"


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_timeline_line_from_an_article_about_something_else_has_the_topic_in_its_main_clause(seed_articles, script):
    # 渠岸镇's meeting is about the spring's work; 安全生产 is what 孙宇 signed for there: that clause is the line,
    # dated by the meeting its lead reports (2月25日), not by the page (2-27)
    articles = in_script(seed_articles, script)
    summary = timeline(match_topic(SCRIPTS[script]("安全生产"), articles, None))
    (c,) = summary.citations
    assert c.article_id == QUAN and articles[QUAN].paragraph(c.paragraph)[c.start:c.end] == c.quote
    assert normalize(c.quote).startswith("镇党委副书记、代镇长孙宇代表镇政府与各村签定安全生产目标责任书")
    assert summary.summary.startswith("2024-02-25")


def test_a_lines_date_comes_from_its_lead_only_when_the_lead_reports_the_news():
    assert event_date("2024-02-27T16:56:27", "会议由镇人大主席张晓敏主持。", "为全面贯彻…。2月25日,陕西三原县渠岸镇组织召开…").label("zh") == "2024-02-25"
    # a lead that opens on background years before the page is not the event's day
    assert event_date("2023-07-25", "还将大力发展智能网联新能源汽车产业", "2017年4月1日，重庆自贸试验区正式挂牌").label("zh") == "2023-07-25"
    assert event_date("--06-26", "直联共建活动在成都市文化馆举办", "6月26日上午，由市委组织部…").label("zh") == "06-26（年份不详）"
    assert event_date(None, "直联共建活动在成都市文化馆举办", "6月26日上午，由市委组织部…").label("zh") == "日期不详"  # never guessed


def test_every_overview_line_of_the_seeds_is_a_shown_quote(seed_articles):
    summary = overview(list(seed_articles.values()))
    by_article = line_quotes(summary, seed_articles)
    for line, quotes in zip((l for l in summary.summary.splitlines() if re.search(r"\[\d+\]", l)), by_article.values()):
        assert "…".join(quotes).rstrip("。") in line


def test_an_english_topic_is_checked_through_its_chinese_words(seed_articles):
    """An English topic's timeline reads its Chinese words (glossary; names in pinyin, read from the articles in
    either script), not the English ones the Chinese pages never hold, so its events are not all taken for
    mentions in passing."""
    from rag.answering.timeline import timeline_terms
    from rag.records import TopicMatch

    qingdao = TopicMatch("Qingdao", (seed_articles["003_149da1c9ea8086b3"],), (1.0,), "en")
    assert [t for t, _ in timeline_terms(qingdao)[0]] == ["青岛"]  # the page writes 青島
    (c,) = timeline(qingdao).citations
    assert "青島啟動爭創" in c.quote
    party = TopicMatch("party building", tuple(seed_articles.values()), (1.0,) * len(seed_articles), "en")
    summary = timeline(party)
    assert len(summary.citations) >= 3 and "only in passing" not in summary.summary
