"""Answer misses of bench/fresh11_qa.jsonl and fresh12_qa.jsonl's first runs (issue #15; both tuned on since) of
three kinds, each fixed by a rule on the real seed articles (BM25: tests.fakes.LexicalRetriever; questions whose
dates become a filter, through the whole engine: slow): a list of acts (u11, v12), a question that asks twice
of one event (v21, v29), a question across articles in English (u39, v30, v40)."""

from __future__ import annotations

import pytest

from rag.answering.multi import COMPARE, verb_coverage
from rag.answering.question import analyze
from rag.lang.script import normalize
from tests.asserts import assert_covers
from tests.seeds import JINJIANG, QINGDAO, QINGSHAN, SHIMA, assert_well_cited, lexical_asker

SIGNED = [["汇泉路"], ["芳华"], ["粮食安全"], ["智慧党建"]]


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


# A list of acts (u11, v12): Jinjiang ¶ 区委党校党支部和…社区党委签署“…”项目、区检察院机关党委和…签署“…”项目、…; the
# sentence before it (…还举行了…项目签约仪式。) says 签约 and ranks above the list, which says 签署 once per item
@pytest.mark.parametrize("question", [
    "錦江區直聯共建活動現場簽約了哪幾個項目？請列出來",
    "锦江区直联共建活动现场举行了项目签约仪式，请逐一列出签约的项目，以及每个项目分别是哪个机关党组织和哪个社区党组织签署的。",
    "锦江区活动现场签约了哪些项目？",
    "錦江區機關和社區黨組織簽約了哪些共建項目？",
])
def test_a_list_of_acts_said_in_a_synonym_is_answered_with_the_list(ask, seed_articles, question):
    answer = ask(question)
    assert_covers(answer, SIGNED, first=JINJIANG)
    assert_well_cited(answer, seed_articles)


@pytest.mark.slow
def test_an_english_list_of_acts_is_answered_with_the_list(seed_engine, seed_articles):
    answer = seed_engine.ask("Which projects were signed at the Jinjiang event? Please list them.")
    assert_covers(answer, SIGNED, first=JINJIANG)
    assert_well_cited(answer, seed_articles)


# Two asks of one event (v29): Qingdao ¶ 7月1日,青岛市委网信办…开展擂台比武活动… “…”青岛市委网信办…张福杰说。 — not
# 获胜的…全胜文表示 (another contest, paragraphs before), which says no word of the question the date's unit does not
@pytest.mark.parametrize("question, keys", [
    ("青島市委網信辦的擂臺比武是哪一天辦的？會後是誰發表了感想？", [["7月1日"], ["张福杰"]]),
    ("青岛市委网信办的擂台比武是哪一天？会后是谁发表了感想？", [["7月1日"], ["张福杰"]]),
    ("青岛城投集团的擂台赛是哪天举办的？是谁发表了讲话？", [["7月6日"], ["郭健"]]),
])
def test_two_asks_of_one_event_are_answered_from_one_passage(ask, seed_articles, question, keys):
    answer = ask(question)
    assert_covers(answer, keys, first=QINGDAO)
    assert "全胜文" not in normalize(answer.answer), answer.answer
    assert_well_cited(answer, seed_articles)


# …and a unit far away that says a word of the question the best unit does not stays (fresh8_qa y26): the
# meeting's place (…在青山区图书馆联合召开…) two paragraphs before who chaired it
@pytest.mark.slow
def test_a_far_unit_saying_the_questions_words_stays(seed_engine):
    answer = seed_engine.ask("Where was the Qingshan meeting held, and who chaired it?")
    assert_covers(answer, [["青山区图书馆"], ["刘芸"]], first=QINGSHAN)


# Who did it, named by a role (v21): Qingshan ¶ 活动邀请了青山区图书馆和武汉印象城负责人分别介绍了…循环书屋计划…
@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "Why did the Xingouqiao and Honggangcheng sub-districts launch the circulating book programme, and who came to "
    "introduce it?",
    "新溝橋街道和紅鋼城街道開展循環書屋計劃是為了什麼？是誰介紹的？",
])
def test_a_second_who_ask_answered_by_a_role_saying_the_act(seed_engine, question):
    answer = seed_engine.ask(question)
    assert_covers(answer, [["读书习惯"], ["印象城"]], first=QINGSHAN)


@pytest.mark.parametrize("question, compares", [
    ("Comparing Qingdao and Jinjiang: how many five-star organisations will Qingdao name, and how many model units "
     "did Jinjiang honour?", True),
    ("Compared with Jinjiang, how many people took part in Shima?", True),
    ("How does the Qingshan meeting compare with the Shima signing?", True),
    ("石马镇和锦江区的活动有什么共同点？", True),
    ("Who was the company's comptroller?", False),
])
def test_comparing_is_a_comparison(question, compares):
    assert bool(COMPARE.search(normalize(question))) == compares


# Comparing two named places, one number from each (u39): Qingdao ¶ 确定首批100个…; Jinjiang ¶ …6个…标兵单位
@pytest.mark.slow
def test_comparing_two_named_places_reads_both(seed_engine, seed_articles):
    answer = seed_engine.ask("Comparing Qingdao and Jinjiang: how many five-star grassroots Party organisations will Qingdao name "
                 "in its first batch, and how many model units did Jinjiang honour?")
    assert_covers(answer, [["100个"], ["6个"]], among={QINGDAO, JINJIANG})
    assert answer.answer.startswith("From 2 articles:"), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question, multi", [
    ("Which of the events were held in June, and on what days?", True),
    ("Which of these stories took place in Sichuan, and in which town or district?", True),
    ("Which of those reports mention Qingdao?", True),
    ("Which of the events did the Qingshan meeting follow?", True),
    ("Which of the two towns hosted the signing?", False),
])
def test_which_of_the_events_or_these_stories_asks_across_articles(question, multi):
    assert analyze(question).multi == multi


# A news verb and its synonyms are one act: "held" glossed 举办, 举行, 召开
@pytest.mark.parametrize("terms, text, share", [
    ([("举办", 6.9), ("举行", 5.5), ("召开", 5.6)], "新沟桥街道、红钢城街道在青山区图书馆联合召开睦邻党建共同体联席会", 1.0),
    ([("活动", 4.7), ("举办", 6.9)], "齐聚石马镇人民政府5楼会议室,举行基层党建“四互爭一流”结对共建签约仪式的活动", 1.0),
    ([("活动", 4.7), ("举办", 6.9)], "活动现场发布了清单", 4.7 / 11.6),
])
def test_a_verb_and_its_synonyms_count_once(terms, text, share):
    assert verb_coverage(terms, text) == pytest.approx(share)


# A question across articles that also asks what day each was (v30): through the chat, whose "in June" is a filter;
# each article's line is its unit holding the day, not a digest of the range's articles
@pytest.mark.slow
def test_which_events_in_june_and_what_days(seed_engine, seed_articles):
    answer = seed_engine.ask("Which of the events were held in June, and on what days?")
    assert_covers(answer, [["6月25日"], ["6月26日"], ["6月16日"]], among={SHIMA, JINJIANG, QINGSHAN})
    assert_well_cited(answer, seed_articles)


# Which of the articles …, and a second ask of a kind (v40): asked of every article the first ask selects, each
# article's line its unit holding the kind — Shima (绵阳石马镇) and Jinjiang (成都…锦江区) for Sichuan (绵阳, 成都)
@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "Which of these stories took place in Sichuan, and in which town or district?",
    "Which of these stories happened in Sichuan, and in which district?",
    "Which of the stories took place in Sichuan, and where exactly?",
])
def test_which_stories_and_where_asks_each_selected_article(seed_engine, seed_articles, question):
    answer = seed_engine.ask(question)
    assert_covers(answer, [["石马镇", "绵阳"], ["锦江"]], among={SHIMA, JINJIANG})
    assert_well_cited(answer, seed_articles)


# A count of the ask's subject is no list asked for (v19): 两个街道创新实施了什么工作机制 asks one mechanism, answered with
# the unit saying it (Qingshan ¶ …陶胜旺表示…创新实施“12345”工作机制,推动区域化党建工作从依靠“关系凝聚”向依靠“制度运转”提升),
# not a speech's 要…要…要 list; a count before 是什么, or 两个什么, or one with no ask word after it still asks for a list
@pytest.mark.parametrize("question, enum", [
    ("紅鋼城街道黨工委副書記陶勝旺總結2022年工作時，提到兩個街道創新實施了什麼工作機制？", False),
    ("两个街道签订了什么协议？", False),
    ("石马镇和小枧镇两个镇签署了什么协议？", False),
    ("三大任务是什么？", True),
    ("这次会议提出了两个什么目标？", True),
    ("他提出了三点要求", True),
    ("会议提出了哪三点要求？", True),
])
def test_a_count_of_the_subject_asks_no_list(question, enum):
    assert analyze(question).enum == enum


@pytest.mark.parametrize("question", [
    "紅鋼城街道黨工委副書記陶勝旺總結2022年工作時，提到兩個街道創新實施了什麼工作機制？這個機制推動區域化黨建從依靠什麼轉向依靠什麼？",
    "陶胜旺说两个街道创新实施了什么工作机制？推动区域化党建从依靠什么转向依靠什么？",
    "紅鋼城和新溝橋兩個街道創新實施了什麼工作機制？",
])
def test_a_mechanism_two_streets_launched_is_one_answer(ask, seed_articles, question):
    answer = ask(question)
    assert_covers(answer, [["12345"]], first=QINGSHAN)
    assert_well_cited(answer, seed_articles)
