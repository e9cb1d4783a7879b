"""Answer misses of bench/fresh9_qa.jsonl's first run (issue #15; fresh9 is tuned on since), each fixed by a rule
for a kind of question, on the real seed articles (BM25: tests.fakes.LexicalRetriever; English questions through
the whole engine: the real engine, slow)."""

from __future__ import annotations

import pytest

from rag.answering.english import unmet_english
from rag.answering.multi import spreads
from rag.answering.question import analyze
from rag.answering.units import article_units
from tests.asserts import assert_covers
from tests.seeds import JINJIANG, QINGSHAN, QUAN, SHIMA, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


# 念 for 宣读 (z27): Qu'an ¶ 镇纪委书记王海星宣读《关于表彰…的决定》
@pytest.mark.parametrize("question", ["渠岸镇那个会上表彰决定是谁念的", "渠岸鎮大會上的表彰決定是誰念的？",
                                      "渠岸镇干部大会上表彰的决定由谁来念？", "渠岸镇表彰先进的决定是谁给念的"])
def test_who_read_out_a_decision_said_as_nian(ask, seed_articles, question):
    answer = ask(question)
    assert_covers(answer, [["王海星"]], first=QUAN)
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question", ["纪念活动是谁办的？", "他念的是哪所学校？"])
def test_nian_elsewhere_is_not_read_out(question):
    assert "宣读" not in {t for t, _ in analyze(question).terms}


# A titled thing's name (z28): Jinjiang ¶ 柳江街道锦馨社区党委通过分享…故事,发现《“铁头妈妈”的后方力量》
@pytest.mark.parametrize("question, atype", [
    ("柳江街道錦馨社區黨委在活動上分享的那個故事叫什麼名字？", "entity"),
    ("锦馨社区分享的故事叫什么", "entity"),
    ("这个活动的名称是什么？", "entity"),
    ("What was the story Jinxin community shared called?", "entity"),
    ("What is the name of the campaign?", "entity"),
    ("小枧镇党委书记叫什么名字", "person"),
    ("他叫什么名字？", "person"),
])
def test_the_name_of_a_thing_is_no_person(question, atype):
    assert analyze(question).atype == atype


@pytest.mark.parametrize("question", ["柳江街道錦馨社區黨委在活動上分享的那個故事叫什麼名字？",
                                      "锦馨社区党委分享的那个故事叫什么名字？"])
def test_a_story_named_in_quotes_answers_what_it_is_called(ask, seed_articles, question):
    answer = ask(question)
    assert_covers(answer, [["铁头妈妈"]], first=JINJIANG)
    assert_well_cited(answer, seed_articles)


# Chinese names in an English question (z20): Qu'an ¶ 镇党委副书记、代镇长孙宇代表镇政府…
@pytest.mark.parametrize("question, unmet", [
    ("What is 孙宇's position in 渠岸镇?", None),
    ("What is 孫宇's position in 渠岸鎮?", None),
    ("Who is 王刚 and what did 孙宇 sign?", None),
    ("What is 张三's position in 渠岸镇?", "张三"),
    ("What did 成都市 decide?", "成都市"),
])
def test_an_english_question_writing_chinese_names_meets_them(seed_articles, question, unmet):
    texts = [article_units(seed_articles[QUAN]).text]
    assert unmet_english(analyze(question), texts) == unmet


@pytest.mark.slow
def test_an_english_question_with_chinese_names_is_answered(seed_engine, seed_articles):
    answer = seed_engine.ask("What is 孙宇's position in 渠岸镇?")
    assert_covers(answer, [["代镇长"]], first=QUAN)
    assert_well_cited(answer, seed_articles)


# One ask of two things named, each after its own preposition (z34): spreads over the articles
@pytest.mark.parametrize("question, spread", [
    ("What were the co-building mechanisms called in the Shima–Xiaojian pairing and in the Qingshan neighbourhood "
     "partnership?", True),
    ("Who spoke at the Shima signing and at the Qingshan meeting?", True),
    ("What was agreed in Shima and in Qingshan?", True),
    ("What did the towns sign for the Jinjiang event and for the Qingdao contest?", True),
    ("Who spoke at the Shima signing?", False),
    ("What did Shima and Xiaojian agree in the signing?", False),
])
def test_two_things_each_after_a_preposition_spread(question, spread):
    assert spreads(question) == spread


@pytest.mark.slow
def test_an_english_question_over_two_named_pairings_reads_both(seed_engine, seed_articles):
    answer = seed_engine.ask("What were the co-building mechanisms called in the Shima–Xiaojian pairing and in the "
                             "Qingshan neighbourhood partnership?")
    assert not answer.refused and set(answer.article_ids) == {SHIMA, QINGSHAN}, answer.answer
    assert_well_cited(answer, seed_articles)
