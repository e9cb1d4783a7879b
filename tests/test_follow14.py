"""Issue #15 (brief F14, tuned on bench/fresh17_qa.jsonl and fresh18_qa.jsonl): questions the first runs of those
sets missed, each rule asked in phrasings of our own on the real seed articles (BM25: tests.fakes.LexicalRetriever)
— which outlet carried the articles pointed at (青岛那篇报导的来源是哪家报纸; 渠岸镇和青岛那两篇，各自是哪家媒体报导的):
one line per article with its credits; which articles report an event in a period (哪几篇讲的活动是在6月举行的): only those
whose event date is in it, each with its date."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.carry import refused_on
from rag.answering.periods import asked_period, event_day
from rag.answering.pointed import pointed_ids
from rag.answering.question import analyze
from rag.chat import Conversation, respond
from rag.lang.display import to_script
from rag.lang.script import script_of
from rag.records import Turn
from rag.engine import Snapshot
from tests.asserts import assert_covers
from tests.fakes import LexicalRetriever, lexical_engine
from tests.seeds import JINJIANG, QINGDAO, QINGSHAN, QUAN, SHIMA, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


# the outlets: 大众日报 (Qingdao, written 大眾日報), 农业科技报-中国农科新闻网 (Qu'an), 荆楚网 (Qingshan); Jinjiang names none
@pytest.mark.parametrize("question, expected, keys", [
    ("青島那篇報導的來源是哪家報紙", [QINGDAO], [["大众日报"]]),
    ("青岛那篇报道出自哪家媒体？", [QINGDAO], [["大众日报"]]),
    ("渠岸镇那篇是哪个网站发的", [QUAN], [["农业科技报"]]),
    ("湖北那篇文章的出处是什么？", [QINGSHAN], [["荆楚网"]]),
    ("渠岸鎮和青島那兩篇，各自是哪家媒體報導的？", [QUAN, QINGDAO], [["农业科技报"], ["大众日报"]]),
    ("青岛和武汉那两篇分别是哪家报纸登的", [QINGDAO, QINGSHAN], [["大众日报"], ["荆楚网"]]),
])
def test_an_outlet_question_about_articles_pointed_at_answers_from_their_credits(ask, question, expected, keys):
    answer = ask(question)
    assert not answer.refused and answer.article_ids == expected, answer.answer
    assert ev.covers(answer.answer, keys), answer.answer
    assert len(answer.answer.splitlines()) == len(expected), answer.answer
    assert answer.answer == to_script(answer.answer, script_of(question))
    if len(expected) == 1:
        assert ev.covers(answer.short or "", keys), answer.short


def test_an_outlet_question_about_an_article_naming_none_says_so(ask):
    answer = ask("锦江区那篇是哪家媒体报道的？")
    assert answer.refused and "没有注明来源" in answer.answer, answer.answer
    both = ask("锦江区和青山区那两篇分别来自哪家媒体")  # one of them names its outlet: each line says what it knows
    assert not both.refused and both.article_ids == [JINJIANG, QINGSHAN], both.answer
    assert "未注明来源" in both.answer and ev.covers(both.answer, [["荆楚网"]]), both.answer


@pytest.mark.parametrize("question", [
    "青岛那篇里的擂台赛是哪家单位办的？",  # an organiser asked, not the outlet
    "青岛那篇报道是什么时候发布的？",  # when it was published: answered as any question
])
def test_other_asks_about_an_article_pointed_at_are_no_outlet_question(seed_articles, question):
    assert pointed_ids(question, list(seed_articles.values())) == []


@pytest.mark.parametrize("question", [
    "渠岸镇的干部大会和青岛的擂台赛，分别是哪家媒体报道的？",
    "青島的擂臺賽和渠岸鎮的幹部大會各自是哪家媒體報導的？",
])
def test_an_outlet_question_naming_two_events_answers_each_articles_outlet(ask, question):
    answer = ask(question)
    assert_covers(answer, [["农业科技报"], ["大众日报"]], among={QINGDAO, QUAN})


@pytest.mark.slow  # the real engine: BM25 alone finds no English words in the Chinese articles
@pytest.mark.parametrize("question", [
    "Which newspapers reported the Qu'an town meeting and the Qingdao contest, respectively?",  # plural outlets
    "Which outlet did the Qingdao and Qu'an town stories each come from?",
])
def test_an_english_outlet_question_naming_two_events_answers_each_articles_outlet(seed_engine, question):
    answer = seed_engine.ask(question)
    assert_covers(answer, [["农业科技报"], ["大众日报"]], among={QINGDAO, QUAN})


# which articles, with a time condition (f17_27): the event dates are 6月25日 (Shima), 6月26日 (Jinjiang), 6月16日
# (Qingshan), 7月 (Qingdao), 2月25日 (Qu'an); each line the unit saying its date
@pytest.mark.parametrize("question, expected, keys", [
    ("哪幾篇講的活動是在6月舉行的", {SHIMA, JINJIANG, QINGSHAN}, [["6月25日"], ["6月26日"], ["6月16日"]]),
    ("哪几篇报道的活动发生在上半年？", {SHIMA, JINJIANG, QINGSHAN, QUAN}, [["6月25日"], ["6月16日"], ["2月25日"]]),
    ("哪几篇文章的会议是2月召开的", {QUAN}, [["2月25日"]]),
    ("哪幾篇報導的活動是在下半年舉辦的？", {QINGDAO}, [["7月"]]),
    ("哪几篇讲的活动是在7月以前举行的", {SHIMA, JINJIANG, QINGSHAN, QUAN}, [["6月25日"], ["2月25日"]]),
    ("哪些报道的活动是在6月之后办的？", {QINGDAO}, [["7月"]]),
    # a year alone: the event's year must be known (Jinjiang's 6月26日 has none, Qingdao no date)
    ("哪几篇报道的会议是在2024年召开的", {QUAN}, [["2月25日"]]),
    ("哪几篇报道的活动是在2023年办的？", {SHIMA, QINGSHAN}, [["6月25日"], ["6月16日"]]),
])
def test_which_articles_with_a_time_condition_lists_only_those_whose_event_meets_it(ask, question, expected, keys):
    answer = ask(question)
    assert_covers(answer, keys, among=expected)


def test_which_articles_in_a_month_none_was_held_in_is_refused(ask):
    assert ask("哪几篇讲的活动是在3月举行的").refused


@pytest.mark.parametrize("text, question, meets", [
    ("6月25日,石马镇…", "哪几篇的活动是6月份办的", True),
    ("7月6日,青岛城投集团举办…", "哪几篇的活动是六月举行的", False),
    ("2月25日,渠岸镇召开…", "哪几篇的会议是在第一季度召开的", True),
    ("6月16日,…联合召开…", "Which articles are about events held in June?", True),
    ("6月16日,…联合召开…", "Which of the articles describe meetings that took place in February?", False),
    ("7月6日,青岛城投集团举办…", "哪几篇的活动是在7月之前举行的", False),
    ("2月25日,渠岸镇召开…", "Which articles are about events held before July?", True),
    ("6月16日,…联合召开…", "Which articles report events held after June?", False),
])
def test_an_articles_event_date_meets_the_period_a_question_names(text, question, meets):
    period = asked_period(analyze(question))
    assert period is not None
    _, *day = event_day(text, "2023-06-18")
    assert period.meets(*day) is meets


@pytest.mark.parametrize("question, year", [
    ("哪几篇报道的活动是在2023年举办的", 2023),
    ("哪些活动发生在2024年，是哪几篇报道的？", 2024),
    ("Which articles are about events held in 2024?", 2024),
])
def test_a_year_alone_as_when_the_event_was_held_is_a_time_condition(question, year):
    period = asked_period(analyze(question))
    assert period is not None and period.year == year and period.year_only
    assert period.meets(year, 6, 25) and not period.meets(None, 6, 26) and not period.meets(year + 1, 2, 25)


@pytest.mark.parametrize("question", [
    "哪几篇报道提到了2024年镇村干部大会？",  # a year in a name: no condition
    "哪几篇报道提到了2022年的工作？",  # a year said in passing: no time condition on the event
    "6月16日的联席会上谁主持的？",  # one article's question, not which articles
])
def test_a_date_said_in_passing_is_no_time_condition(question):
    assert asked_period(analyze(question)) is None


# where each named article's event was held (f18_40): 5楼会议室 (Shima: …齐聚石马镇人民政府5楼会议室,举行…), 青山区图书馆
# (Qingshan: …在青山区图书馆联合召开…); a spoken 开/办 for 举行/召开/举办
@pytest.mark.parametrize("question", [
    "石马镇和新沟桥街道的活动分别是在什么地方开的",
    "石馬鎮和紅鋼城街道的活動各自是在什麼地方開的？",
    "新沟桥街道和石马镇的活动分别在哪里办的",
])
def test_where_each_named_articles_event_was_held_quotes_its_venue(ask, question):
    answer = ask(question)
    assert_covers(answer, [["5楼"], ["青山区图书馆"]], among={SHIMA, QINGSHAN})


@pytest.mark.parametrize("question", [
    "石马镇的活动是在什么地方开的",
    "石马镇的活动是在哪里召开的",
    "石馬鎮那次結對活動是在哪裡開的？",
])
def test_where_one_articles_event_was_held_quotes_the_unit_saying_it_was_held_there(ask, question):
    answer = ask(question)
    assert_covers(answer, [["5楼会议室"]], among={SHIMA}, count=1)


# who introduced X (f18_29): 来/去 before the act is no act of its own (是谁来介绍的 asks who 介绍), and of the units
# chosen, one saying neither the act nor a person (…开展循环书屋计划…) is left out when another says the act
@pytest.mark.parametrize("question, keys", [
    ("循環書屋計劃是誰來介紹的啊", [["印象城"]]),
    ("循环书屋计划是谁来介绍的", [["印象城"]]),
    ("谁介绍了循环书屋计划？", [["印象城"]]),
    ("渠岸镇干部大会是谁来主持的？", [["张晓敏"]]),
])
def test_who_did_an_act_quotes_the_unit_saying_it(ask, question, keys):
    answer = ask(question)
    assert not answer.refused and ev.covers(answer.answer, keys), answer.answer
    assert len(answer.citations) == 1, answer.answer


@pytest.mark.parametrize("question, act, light", [
    ("循環書屋計劃是誰來介紹的啊", "介绍", "来"),
    ("石马镇和小枧镇的共建合作协议是谁去签的", "签", "去"),
    ("联席会有哪些人来了？", "来", None),  # 来 alone is the act asked
])
def test_coming_or_going_before_the_act_is_no_act_of_its_own(question, act, light):
    predicates = analyze(question).predicates
    assert act in predicates and light not in predicates


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("follow14-index"))


# a follow-up after a refusal (f17_15): the refused question's article, singled out by its names, is the one the
# follow-up without a pronoun stays on (Shima: …双方村(社区)党组织书记共计60余人…; Qu'an: 会议由镇人大主席张晓敏主持)
@pytest.mark.parametrize("refused, follow_up, expected, keys", [
    ("石马镇小枧镇结对那次活动的奖金是多少？", "一共来了多少人？", SHIMA, [["60余人"]]),
    ("石馬鎮和小枧鎮結對那次活動的獎金是多少？", "一共來了多少人？", SHIMA, [["60余人"]]),
    ("渠岸镇干部大会的门票多少钱？", "主持的是谁？", QUAN, [["张晓敏"]]),
])
def test_a_follow_up_after_a_refusal_stays_on_the_refused_questions_article(engine, refused, follow_up, expected, keys):
    conversation = Conversation().add(Turn(refused, "refusal"))  # however the refused question fared today
    reply, _ = respond(engine, follow_up, conversation)
    assert not reply.refused and reply.article_ids == [expected], reply.answer
    assert ev.covers(reply.answer, keys), reply.answer


def test_a_refused_question_naming_no_article_of_its_own_carries_none(seed_articles):
    corpus = Snapshot(dict(seed_articles), LexicalRetriever(list(seed_articles.values())))
    assert refused_on("火星登陆是哪天？", corpus) == ()
    assert refused_on("石马镇小枧镇结对那次活动的奖金是多少？", corpus) == (SHIMA,)
    assert refused_on("渠岸镇和青岛的奖金各是多少？", corpus) == ()  # two articles: none alone
    assert refused_on("渠岸镇和青岛的奖金是多少？", corpus) == ()
