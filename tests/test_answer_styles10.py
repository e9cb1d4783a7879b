"""Brief A10's answer styles (issue #15): a follow-up sharing no word with the question before that asks a
slot of the same event, …. Each rule with phrasings of our own on the seed excerpts quoted beside them
(Simplified, Traditional, English where it applies), none of them a question of a bench set."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.carry import asks_slot_of
from rag.batch import ask_records
from rag.engine import Snapshot
from tests.fakes import LexicalRetriever, conversation, lexical_engine
from tests.seeds import QUAN, SHIMA

# Shima ¶1: …雙方村(社區)黨組織書記共計60余人,齊聚石馬鎮人民政府5樓會議室,舉行基層黨建“四互爭一流”結對共建簽約儀式。
SIGNING = "石马镇和小枧镇的结对共建签约仪式在哪里举行？"
# Quan ¶1: 2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会,… 会议由镇人大主席张晓敏主持。
MEETING = "渠岸镇的镇村干部大会是谁主持的？"


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("styles10-index"))


@pytest.fixture(scope="module")
def corpus(seed_articles):
    return Snapshot(dict(seed_articles), LexicalRetriever(list(seed_articles.values())))


# -- a follow-up sharing no word that asks a slot of the same event ---------------------------------------

@pytest.mark.parametrize("first, on, then, keys", [
    (SIGNING, SHIMA, "到场的一共有多少人？", [["60余人"]]),
    (SIGNING, SHIMA, "出席的總共有多少人？", [["60余人"]]),
    (SIGNING, SHIMA, "How many people attended?", [["60"]]),
    (MEETING, QUAN, "具體召開日期是哪天？", [["2月25日"]]),
])
def test_a_slot_asked_in_common_words_stays_on_the_answers_article(engine, corpus, first, on, then, keys):
    assert asks_slot_of(then, (on,), corpus)
    before, after = conversation(engine, first, then)
    assert {c["article_id"] for c in before["citations"]} == {on}
    assert not after["refused"] and {c["article_id"] for c in after["citations"]} == {on}, after["answer"]
    assert ev.covers(after["answer"], keys), after["answer"]


@pytest.mark.parametrize("then", [
    "渠岸镇有多少人参加？",  # names a place the signing's article never writes
    "青島的擂臺比武有多少人參加？",
    "How many people attended in Qingdao?",
    "有多少家企业参加？",  # a count of a measure the article never gives (no N家 there)
    "参加的人都说了什么？",  # asks no slot
])
def test_a_question_naming_something_else_or_asking_no_slot_is_not_carried(corpus, then):
    assert not asks_slot_of(then, (SHIMA,), corpus)


# -- what a person said: the quotation their line closes; only their words when the question says whose ---
# Qingdao: “我們組建產業鏈黨建聯盟,打造黨員服務驛站,…發展共贏。”青島微電子創新中心有限公司第一黨支部書記張翠玉為觀眾了
# 展示產業鏈黨建聯盟的成效。 (the quotation before it is 郑素秀's, closed by …黨支部書記鄭素秀說。)
ZHANG = "青岛微电子创新中心第一党支部书记是谁？"


@pytest.mark.parametrize("then", ["她都讲了些什么？", "她說了什麼？", "她在台上谈了哪些？"])
def test_what_she_said_is_the_quotation_her_line_closes(engine, then):
    before, after = conversation(engine, ZHANG, then)
    assert ev.covers(before["answer"], [["张翠玉"]]), before["answer"]
    assert not after["refused"] and ev.covers(after["answer"], [["我们组建产业链党建联盟"]]), after["answer"]
    assert not ev.covers(after["answer"], [["郑素秀"], ["黄俊德"]]), after["answer"]


@pytest.mark.parametrize("question", ["张翠玉说了什么？", "張翠玉講了些什麼？", "张翠玉提到了什么？"])
def test_what_a_named_person_said_is_their_quotation(engine, question):
    (_, answer), = ask_records(engine, [{"id": "a", "question": question}])
    assert not answer["refused"] and ev.covers(answer["answer"], [["我们组建产业链党建联盟"]]), answer["answer"]


@pytest.mark.slow
def test_english_said_stressed_and_attended_real_engine(seed_engine):
    """English needs the real (cross-lingual) engine: she = the person of the answer before; stress = 强调;
    a count asked in common words after the signing stays on its article."""
    for then in ("What did she say?", "What did she say her branch set up?", "And what did she tell the audience?"):
        _, after = conversation(seed_engine, "Who is the first Party branch secretary of the Qingdao Microelectronics Innovation Center?", then)
        assert ev.covers(after["answer"], [["我们组建产业链党建联盟"]]), (then, after["answer"])
        assert not ev.covers(after["answer"], [["郑素秀"], ["黄俊德"]]), (then, after["answer"])
    # Quan: 最后,镇党委书记王刚作强调。他表示,一要立足镇情,抢抓机遇,…
    for question in ("What did Wang Gang stress?", "What did Wang Gang emphasise at the meeting?",
                     "What did Party secretary Wang Gang underline?"):
        (_, answer), = ask_records(seed_engine, [{"id": "a", "question": question}])
        assert not answer["refused"] and ev.covers(answer["answer"], [["一要立足镇情"]]), (question, answer["answer"])
    for then in ("How many people attended?", "How many attendees were there?"):
        _, after = conversation(seed_engine, SIGNING, then)
        assert {c["article_id"] for c in after["citations"]} == {SHIMA} and ev.covers(after["answer"], [["60余人"]]), after["answer"]


def _ask(engine, question: str) -> dict:
    (_, answer), = ask_records(engine, [{"id": "a", "question": question}])
    return answer


# -- what a thing is called: the unit quoting its name right before it -------------------------------------
# Qingshan ¶3: …红钢城街道与新沟桥街道联合建立了睦邻党建共同体,创新实施“12345”工作机制,…
# Shima ¶1: …根据区委组织部关于开展基层党建“四互争一流”行动的工作安排部署,…
@pytest.mark.parametrize("question, keys", [
    ("红钢城和新沟桥的睦邻党建共同体，工作机制叫什么？", [["12345"]]),
    ("紅鋼城街道創新實施的那個工作機制叫什麼名字？", [["12345"]]),
    ("石马镇和小枧镇开展的基层党建行动叫什么？", [["四互争一流"]]),
    ("錦馨社區分享的那個故事叫什麼？", [["铁头妈妈"]]),  # a unit quoting a title already answers (《“铁头妈妈”的后方力量》)
])
def test_what_a_thing_is_called_is_the_unit_quoting_its_name(engine, question, keys):
    answer = _ask(engine, question)
    assert not answer["refused"] and ev.covers(answer["answer"], keys), answer["answer"]


# -- what comes next, in which aspects ----------------------------------------------------------------------
# Qingshan ¶4: …双方街道工作代表先后从建设七路睦邻党建示范路打造工作和睦邻社区共治共享等方面进行了交流发言。
# Qingshan ¶7: 下一步,新沟桥街道和红钢城街道将…在城市综合管理、人才培养、楼宇经济联动等方面持续发力,…
@pytest.mark.parametrize("question, keys", [
    ("两个街道的工作代表交流发言时谈了哪些方面？", [["七路"], ["共治共享"]]),
    ("雙方街道代表的交流發言涉及哪幾個方面？", [["七路"], ["共治共享"]]),
    ("新沟桥和红钢城两个街道下一步打算做什么？", [["城市综合管理"], ["人才培养"]]),
    ("新溝橋街道和紅鋼城街道接下來要在哪些方面發力？", [["城市综合管理"], ["人才培养"]]),
])
def test_next_steps_and_aspects_are_the_sentences_that_say_so(engine, question, keys):
    answer = _ask(engine, question)
    assert not answer["refused"] and ev.covers(answer["answer"], keys), answer["answer"]


@pytest.mark.slow
def test_english_title_and_next_steps_real_engine(seed_engine):
    for question, keys in [
        ("What is the Qingshan partnership's working mechanism called?", [["12345"]]),
        ("What are Xingouqiao and Honggangcheng going to focus on next?", [["城市综合管理"], ["人才培养"]]),
        ("In which areas will Xingouqiao and Honggangcheng work together in future?", [["城市综合管理"], ["人才培养"]]),
    ]:
        answer = _ask(seed_engine, question)
        assert not answer["refused"] and ev.covers(answer["answer"], keys), (question, answer["answer"])
