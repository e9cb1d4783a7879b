"""Brief K10 (issue #15; fresh10_qa TUNED ON from this brief): "when" + a gerund is a conjunction ("What did she
mention when praising…"), not a date ask. Phrasings of our own on the seed excerpts quoted beside them, none a
question of a bench set."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.question import analyze
from rag.batch import ask_records


@pytest.mark.parametrize("question", [
    "What did Chen Huli stress when speaking at the Shima signing ceremony?",
    "Which points did the organisation department official raise when summing up the Qingshan meeting?",
    "What did Huang Chong promise when making his pledge for the Shima party committee?",
    "When addressing the contest, what did the Qingdao official ask of the speakers?",
])
def test_when_before_a_gerund_asks_no_date(question):
    assert analyze(question).atype != "date", question


@pytest.mark.parametrize("question", [
    "When was the Shima signing ceremony held?",
    "Tell me when the Qingdao contest was held.",
    "When during June did the Jinjiang event take place?",
    "When in the morning did the Chengdu activity start?",
])
def test_when_that_asks_stays_a_date_ask(question):
    assert analyze(question).atype in ("date", "time"), question


@pytest.mark.slow
def test_aspects_mentioned_when_praising_real_engine(seed_engine):
    # Qingshan ¶6: 最后,区委组织部副部长、区委两新工委书记程汉萍从持续用力、精准发力、升级加力三个方面,对两个街道睦邻党建工作表示肯定,…
    for question in ("Which three aspects did Cheng Hanping name when praising the two subdistricts?",
                     "What did 程汉萍 mention when commending the Qingshan subdistricts' party-building work?",
                     "When praising the Qingshan subdistricts, which three aspects did Cheng Hanping name?"):
        (_, answer), = ask_records(seed_engine, [{"id": "a", "question": question}])
        assert not answer["refused"] and ev.covers(answer["answer"], [["持续用力"], ["精准发力"], ["升级加力"]]), \
            (question, answer["answer"])


@pytest.mark.parametrize("question, n", [("擂台赛哪天办的？拿第一名的可以干嘛？", 2), ("擂臺賽哪天辦的？第一名能幹啥？", 2),
                                         ("比武是几号办的？后来怎么样了？", 2), ("比武是几号办的？", 0)])
def test_spoken_ask_words_start_an_ask(question, n):
    from rag.answering.asks import asks
    from rag.lang.script import normalize
    assert len(asks(normalize(question))) == n, asks(normalize(question))


# Qingdao ¶14: 7月6日,青岛城投集团举办推选“青岛市五星级基层党组织”擂台赛。“擂台赛第一名将代表城投集团参加青岛市国资委的初评。
@pytest.mark.slow
@pytest.mark.parametrize("question", ["青岛城投集团的擂台赛是哪天办的？第一名能干啥？",
                                      "城投集團那場擂台賽幾號舉行的？拿了第一名的可以幹嘛？",
                                      "青岛城投的擂台赛啥时候办的？擂台赛第一名可以干嘛？"])
def test_a_second_ask_of_no_slot_kind_gets_its_unit(seed_engine, question):
    (_, answer), = ask_records(seed_engine, [{"id": "a", "question": question}])
    assert not answer["refused"] and ev.covers(answer["answer"], [["7月6日"], ["初评"]]), answer["answer"]
