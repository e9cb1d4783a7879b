"""A who-question whose best unit names its agent only by a pronoun (此前…裁定，他…) or not at all (the unit opens
with the asked verb, its subject in the sentence before): the nearest earlier sentence of the same article that
names a person or body is quoted with it (rag.answering.slot_check filler_row, brief R12). The articles are
written for this test (none is in ../shared or the seeds), asked beside the five seed articles through real BM25
retrieval and the shipped model."""

from __future__ import annotations

import pytest

import rag.answering.slot_check as slot_check
from rag.ingest.articles import Article
from tests.asserts import assert_answers
from tests.seeds import lexical_asker

WRITTEN = {
    "w_pronoun": Article(id="w_pronoun", title="青山区举行汛前应急演练", paragraphs=(
        "本报讯 6月3日，青山区应急管理局局长赵明远带队在长江堤防开展汛前应急演练，检查抢险物资储备。",
        "此前，武汉市人民政府发文通报，他因在去年汛期中组织转移沿江群众受到通报表扬。",
        "演练共出动抢险队员120人、冲锋舟6艘。",
    )),
    "w_elided": Article(id="w_elided", title="湖滨街道开展垃圾分类督导", paragraphs=(
        "湖滨街道环卫所7日召开垃圾分类推进会，部署下半年督导工作。",
        "要求各小区物业在每个投放点安排督导员，并在每周五上报分类台账。",
        "据统计，街道已有38个小区完成投放点改造。",
    )),
}


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker({**seed_articles, **WRITTEN})


@pytest.mark.parametrize(("question", "key", "unit"), [
    ("谁受到了通报表扬？", "赵明远", "他因在去年汛期中"),  # 他 stands for the person the lead names
    # the subject of 要求 is the sentence before's (quoted before this rule too: kept so)
    ("谁要求各小区物业安排督导员？", "湖滨街道环卫所", "要求各小区物业"),
])
def test_the_agent_named_before_is_quoted(ask, question, key, unit):
    answer = ask(question)
    assert_answers(answer, key)
    assert unit in answer.answer  # the unit that answers the question's words stays quoted


def test_without_the_antecedent_only_the_pronoun_unit_is_quoted(ask, monkeypatch):
    # the same question with the check switched off quotes the pronoun's unit alone, the body in it for the
    # short answer: the rule is what adds the person
    assert ask("谁受到了通报表扬？").short == "赵明远"
    monkeypatch.setattr(slot_check, "_leans_back", lambda *_a, **_k: False)
    answer = ask("谁受到了通报表扬？")
    assert "他因在去年汛期中" in answer.answer and "赵明远" not in answer.answer


def test_a_pronoun_inside_a_quotation_is_the_speakers():
    # “…我们…”张福杰说 names its speaker beside the quotation: no earlier sentence is looked for
    text = "“我们感到震撼，看到了不足。”市委网信办副书记张福杰说。"
    assert not slot_check._PRONOUN_CLAUSE.search(slot_check._QUOTATION.sub("", text))
    assert slot_check._PRONOUN_CLAUSE.search("此前，法官裁定，他在一起案件中负有责任。")
    assert not slot_check._PRONOUN_CLAUSE.search("其他人员和他国代表出席。")
