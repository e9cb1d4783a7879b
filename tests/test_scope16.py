"""Issue #15 (brief U16; fresh19/fresh20 misses, tuned on): a year that is what a question talks about is no date
filter, nor is a question's range that would hide the one article naming its persons (rag.scope.plan); a keyword
question ending in a role noun asks its holder; a bare ask follow-up (where?, 何时？) asks the slot of the event the
answer before told of; which-articles by province, by an act in a 环节, by a pair of places; a list only named and
counted (哪五项), a talk's length and a venue the articles never give are refused naming them. Real seeds: BM25
(tests.fakes.LexicalRetriever) for the answer rules, the real hybrid engine (slow) for the conversations and English."""

from __future__ import annotations

import pytest

from rag.answering.follow_ups import bare_ask
from rag.answering.places import pair_nouns
from rag.answering.premise import missing_venue
from rag.answering.question import analyze
from rag.chat import Conversation, answer_turn
from rag.config import Config
from rag.lang.script import normalize
from rag.lang.when import parse
from rag.records import Filter
from rag.scope.facts import facts_for
from rag.scope.plan import plan_scope, talked_about
from tests.seeds import JINJIANG, QINGSHAN, QUAN, SHIMA, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.fixture(scope="module")
def facts(seed_articles):
    return facts_for(seed_articles)


# ---- a year talked about, a range hiding the names asked about -------------------------------------------

@pytest.mark.parametrize("q", [
    "In his review at the meeting, what did 孙宇 call the year 2023?",  # fresh19 f19_40 (tuned on)
    "孙宇在回顾时把2023年称为什么？",
    "孫宇說2023年是什麼之年？",
    "回顾2023年，孙宇说了什么？",
    "How did the deputy mayor describe 2023?",
    "What did Sun Yu say 2023 was?",
])
def test_a_year_talked_about_is_no_filter(facts, q):
    assert talked_about(q, parse(q).spans)
    scope = plan_scope(q, Filter(), facts, facts.anchor(Config()))
    assert scope.allowed is None and "2023" in scope.for_answer()


@pytest.mark.parametrize("q, admitted", [
    ("2024年渠岸镇开了什么会？", ["004"]),  # the meeting's year: still a filter
    ("2023年6月有哪些报道？", ["000", "002"]),
    ("What happened in the year 2023?", ["000", "002"]),  # (the Jinjiang seed's date has no year)
])
def test_a_year_of_an_event_or_report_stays_a_filter(facts, q, admitted):
    assert not talked_about(q, parse(q).spans)
    scope = plan_scope(q, Filter(), facts, facts.anchor(Config()))
    assert sorted(i[:3] for i in scope.allowed) == admitted


@pytest.mark.parametrize("q", ["2023年孙宇带领干部回顾了什么？", "2023年孫宇在會上說了什麼？"])
def test_a_range_hiding_the_only_article_naming_the_person_is_dropped(facts, q):
    """孙宇 is named only in the 2024 report (of 2023's work): a 2023 filter would leave nothing that names him."""
    assert plan_scope(q, Filter(), facts, facts.anchor(Config())).allowed is None


def test_an_explicit_filter_is_kept_even_when_it_hides_the_names(facts):
    scope = plan_scope("孙宇在回顾时把2023年称为什么？", Filter("2023-01-01", "2023-12-31"), facts, facts.anchor(Config()))
    assert scope.allowed is not None and QUAN not in scope.allowed


def test_the_year_talked_about_is_answered_from_the_2024_report(ask, seed_articles):
    answer = ask("孙宇把2023年称为什么之年？")
    assert_well_cited(answer, seed_articles)
    assert "开局之年" in normalize(answer.answer)


# ---- keyword role asks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["渠岸镇干部大会 主持人", "渠岸鎮幹部大會的主持人", "渠岸镇干部大会主持人？"])
def test_a_keyword_question_ending_in_a_role_asks_its_holder(ask, seed_articles, q):
    assert analyze(q).atype == "person"
    answer = ask(q)
    assert_well_cited(answer, seed_articles)
    assert "张晓敏" in normalize(answer.answer)


def test_a_role_before_another_ask_is_not_the_ask():
    assert analyze("主持人说了什么").atype != "person"


# ---- bare ask follow-ups ------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["where?", "When?", "何時？", "在哪儿？", "那在哪里呢？", "几号？"])
def test_bare_asks(q):
    assert bare_ask(q)


@pytest.mark.parametrize("q", ["在哪里签的约？", "Where was the meeting held?", "他是谁？"])
def test_not_bare_asks(q):
    assert not bare_ask(q)


@pytest.mark.slow
@pytest.mark.parametrize("first, then, key", [
    ("How many people attended the Shima–Xiaojian twinning ceremony?", "where?", "5楼"),  # fresh19 f19_30
    ("石马镇和小枧镇的结对签约仪式有多少人参加？", "在哪儿？", "5楼"),
    ("渠岸镇干部大会由谁主持？", "when?", "2月25日"),
    ("渠岸镇干部大会由谁主持？", "何時？", "2月25日"),
])
def test_a_bare_ask_asks_the_slot_of_the_event_answered(seed_engine, first, then, key):
    before = seed_engine.ask(first)
    assert not before.refused, before.answer
    answer = seed_engine.ask(then, Conversation().add(answer_turn(first, before)))
    assert not answer.refused, answer.answer
    assert key in normalize(answer.answer), answer.answer


@pytest.mark.slow
def test_a_year_talked_about_in_english_is_answered(seed_engine):
    answer = seed_engine.ask("In his review at the meeting, what did 孙宇 call the year 2023?")  # f19_40
    assert not answer.refused and answer.filter == Filter(), answer.answer
    assert "开局之年" in normalize(answer.answer)


# ---- which articles: by province, by an act in a 环节, a pair of places ------------------------------------

@pytest.mark.parametrize("q", ["哪几篇报道是四川的？", "哪幾篇報導發生在四川？", "四川有哪几篇报道？"])
def test_which_articles_of_a_province_find_its_cities(ask, seed_articles, q):
    answer = ask(q)
    assert_well_cited(answer, seed_articles)
    assert {c.article_id for c in answer.citations} == {SHIMA, JINJIANG}, answer.answer  # 绵阳, 成都


def test_a_part_of_a_report_is_no_word_of_a_which_articles_question():
    assert "环节" not in dict(analyze("哪幾篇報導裡有頒獎或表彰先進的環節？").terms)
    assert "内容" not in dict(analyze("哪些文章有颁奖的内容？").terms)
    assert "内容" in dict(analyze("王刚讲话的内容是什么？").terms)  # not a which-articles question: a word as any


@pytest.mark.slow
@pytest.mark.parametrize("q", ["哪幾篇報導裡有頒獎或表彰先進的環節？", "哪些文章有颁奖的内容？", "哪几篇报道里有表彰先进的部分？"])
def test_a_part_of_a_report_frames_the_ask(seed_engine, seed_articles, q):
    answer = seed_engine.ask(q)
    assert_well_cited(answer, seed_articles)
    assert {c.article_id for c in answer.citations} == {JINJIANG, QUAN}, answer.answer


def test_english_pair_nouns_after_a_pair_of():
    q = "Which two articles are about a pair of towns or street offices teaming up with each other?"
    assert analyze(q).multi
    assert pair_nouns(q) == ("镇", "街道")
    assert pair_nouns("Which articles are about two towns or two street offices pairing up?") == ("镇", "街道")


@pytest.mark.slow
@pytest.mark.parametrize("q", [
    "Which two articles are about a pair of towns or street offices teaming up with each other?",  # f19_37
    "Which two reports are about a pair of towns or street offices pairing up?",
])
def test_english_which_two_articles_pair_up(seed_engine, q):
    answer = seed_engine.ask(q)
    assert not answer.refused, answer.answer
    assert {c.article_id for c in answer.citations} == {SHIMA, QINGSHAN}, answer.answer


# ---- refused: a list only named, a talk's length, a venue never given ------------------------------------

@pytest.mark.parametrize("q", ["紅鋼城街道說的「12345」工作機制，具體是指哪五項？", "“12345”工作机制包括哪五个方面？"])
def test_a_list_only_named_is_refused_naming_it(ask, q):
    answer = ask(q)
    assert answer.refused, answer.answer
    assert "12345" in answer.answer


@pytest.mark.parametrize("q, key", [
    ("「四互爭一流」的「四互」到底是哪四個？", "互查"),  # listed (以互查、互学、互赛、互评为机制): answered
    ("石马镇跟小枧镇签合作协议的是哪两个人", "黄充"),  # persons, not a list's items
])
def test_a_listed_or_personal_which_count_is_answered(ask, q, key):
    answer = ask(q)
    assert not answer.refused and key in normalize(answer.answer), answer.answer


@pytest.mark.parametrize("q", ["小枧镇和石马镇签约那次，王仕军教授讲了多长时间？", "王仕軍教授宣講了多久？"])
def test_how_long_someone_spoke_is_refused(ask, q):
    answer = ask(q)
    assert answer.refused, answer.answer
    assert "时长" in normalize(answer.answer)


def test_an_english_venue_the_article_never_names():
    q = analyze("Why was the Wuhan Qingshan meeting held at Wuhan University?")  # f20_37
    assert missing_venue(q, "新沟桥街道、红钢城街道在青山区图书馆联合召开睦邻党建共同体联席会") == "Wuhan University"
    q = analyze("Who chaired the Qingshan joint meeting held at the Qingshan District Library?")
    assert missing_venue(q, "在青山区图书馆联合召开") is None


@pytest.mark.slow
@pytest.mark.parametrize("q", ["Why was the Wuhan Qingshan meeting held at Wuhan University?",
                               "When was the Jinjiang event held at the Chengdu Hotel?"])
def test_an_english_false_venue_is_refused(seed_engine, q):
    answer = seed_engine.ask(q)
    assert answer.refused, answer.answer
