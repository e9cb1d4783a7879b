"""Follow-ups carry the previous answer (issue #15): the conversation keeps each answer's short answer and cited
articles (rag.records.Turn), every caller with a conversation hands it on (AskRequest.previous_answer), and a
follow-up's 他/她 or 这/那/this is read from it — the question before is never answered again. Real seed articles,
BM25 (tests.fakes.LexicalRetriever) and the real engine parts (tests.fakes.lexical_engine)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.follow_ups import is_follow_up, names_a_person, points_back
from rag.answering.question import analyze
from rag.batch import ask_records
from rag.chat import Conversation, respond
from rag.lang.script import normalize
from rag.records import Answer, AskRequest, Turn
from tests.fakes import lexical_engine
from tests.seeds import QINGSHAN, QUAN, assert_well_cited, lexical_asker

# Qingshan ¶: 红钢城街道…对去年的工作进行了总结,红钢城街道党工委副书记陶胜旺表示,2022年,红钢城街道与新沟桥街道联合
# 建立了睦邻党建共同体,创新实施“12345”工作机制… (fresh5_qa r19 → r20)
MECHANISM = "紅鋼城街道和新溝橋街道建立睦鄰黨建共同體時，創新實施了什麼工作機制？"
WHO_SUMMED_UP = "這是誰在會上總結的？"


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("follow-index"))


def test_the_conversation_keeps_each_answers_short_answer():
    c = Conversation().add(Turn("渠岸镇的会议是谁主持的？", "answer", (QUAN,), "张晓敏"))
    assert c.last_answer == Turn("渠岸镇的会议是谁主持的？", "answer", (QUAN,), "张晓敏")
    assert Conversation.from_json(c.to_json()) == c
    # a conversation saved before short answers were kept (three fields a turn) still loads
    old = Conversation.from_json({"turns": [["渠岸镇的会议是谁主持的？", "answer", [QUAN]]], "pending": []})
    assert old.last_answer == Turn("渠岸镇的会议是谁主持的？", "answer", (QUAN,)) and old.last_answer.short is None


def test_the_pronoun_is_the_person_the_kept_answer_named(ask, seed_articles):
    # Quan ¶1: 会议由镇人大主席张晓敏主持。 The answer is not asked again: the kept turn says who she is.
    turn = Turn("渠岸镇的会议是谁主持的？", "answer", (QUAN,), "张晓敏")
    request = AskRequest.following("她是什么职务？", turn)
    assert request.focus == (QUAN,) and request.previous == turn.message and request.previous_answer == turn
    before = ask("渠岸镇的会议是谁主持的？")
    assert before.short == "张晓敏", before.answer
    answer = ask("她是什么职务？", focus=before.article_ids, previous=turn.message, before=before)
    assert not answer.refused and ev.covers(answer.answer, [["人大主席"]]), answer.answer
    assert all("张晓敏" in normalize(c.quote) for c in answer.citations), answer.answer
    assert_well_cited(answer, seed_articles)


def test_demonstratives_point_back_and_make_a_follow_up():
    for question in (WHO_SUMMED_UP, "这是谁提出的？", "那是在哪里举行的？", "Who introduced this?"):
        assert points_back(question) and is_follow_up(question), question
    for question in ("这个项目位于哪里？", "這位書記是誰？"):  # 這個/這位 in Traditional too
        assert is_follow_up(question) and is_follow_up(question.replace("这", "這")), question
    for question in ("那么，渠岸镇党委书记是谁？", "What happened this year?", "渠岸镇党委书记是谁？"):
        assert not points_back(question), question
    assert not names_a_person(WHO_SUMMED_UP)


def test_a_place_after_who_is_no_role_asked_about():
    # 谁在会上总结的: 会上 says where, it is no role the answer must name (the slot check looked for 会上)
    assert analyze(WHO_SUMMED_UP).focus == ()
    assert analyze("谁在会上作了总结？").focus == ()
    assert analyze("渠岸镇党委书记是谁？").focus  # a role before 是谁 stays


def test_this_follow_up_is_answered_from_the_article_of_the_answer_before(ask, seed_articles):
    before = ask(MECHANISM)
    assert before.article_ids == [QINGSHAN] and ev.covers(before.answer, [["12345"]]), before.answer
    answer = ask(WHO_SUMMED_UP, focus=before.article_ids, previous=MECHANISM, before=before)
    assert not answer.refused and answer.article_ids == [QINGSHAN], answer.answer
    assert ev.covers(answer.answer, [["陶胜旺"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_the_kept_thing_joins_the_search_terms_of_a_this_follow_up(ask, seed_articles):
    # After a vague question on Qingshan, 这 is whatever its answer named: the 12345 mechanism, which 陶胜旺
    # spoke of (陶胜旺表示,…创新实施“12345”工作机制); the meeting's opening speech (田志凯) otherwise.
    previous = "睦邻党建共同体联席会上提到了什么？"
    kept = Answer(previous, "…创新实施“12345”工作机制…", False, [], short="“12345”工作机制")
    answer = ask("这是谁提出的？", focus=[QINGSHAN], previous=previous, before=kept)
    assert not answer.refused and normalize(answer.short or "") == "陶胜旺", answer.answer
    assert_well_cited(answer, seed_articles)
    without = ask("这是谁提出的？", focus=[QINGSHAN], previous=previous)
    assert normalize(without.short or "") != "陶胜旺", without.answer


def test_chat_and_batch_hand_the_kept_answer_on(engine):
    # the chat: 總結 inside a who-question is no summary request; the follow-up is answered, not summarised
    reply, conversation = respond(engine, MECHANISM)
    assert not reply.refused and conversation.last_answer.article_ids == (QINGSHAN,)
    follow, conversation = respond(engine, WHO_SUMMED_UP, conversation)
    assert not follow.refused and ev.covers(follow.answer, [["陶胜旺"]]), follow.answer
    assert conversation.last_answer.short and normalize(conversation.last_answer.short) == "陶胜旺"
    # `rag ask --batch` / `rag eval`: a "follows" line, the same
    (_, first), (_, second) = ask_records(engine, [{"id": "a", "question": MECHANISM},
                                                  {"id": "b", "question": WHO_SUMMED_UP, "follows": "a"}])
    assert not second["refused"] and ev.covers(second["answer"], [["陶胜旺"]]), second["answer"]


def test_a_follow_up_refused_for_its_slot_says_so_not_answerability(ask):
    # 她的电话是多少？ after the chair's name: the Quan article gives no phone number; the refusal's note names the
    # follow-up's slot check (it read "answerability 0.45 < 0.08" though the score passed)
    before = ask("渠岸镇干部大会是谁主持的？")
    answer = ask("她的电话是多少？", focus=tuple(before.article_ids), previous="渠岸镇干部大会是谁主持的？", before=before)
    assert answer.refused and answer.article_ids == [] and "电话" in answer.answer, answer.answer
    assert answer.note == "follow-up: its article holds no phone", answer.note
