"""Chat routing: summary requests however phrased, the overview, clarifications, follow-ups and questions.

Fast tests drive `respond` with an engine made of the real seed articles, a real BM25 index (no embedder)
and a real summary cache; slow tests drive the real engine."""

from __future__ import annotations

import pytest

from tests.fakes import lexical_engine, say
from rag import evaluate as ev
from rag.records import Answer
from rag.records import Clarification
from rag.chat import Conversation, Turn, resolve, respond, summary_request
from rag.references import ordinal
from rag.records import Summary
from rag.lang.script import script_of
from tests.seeds import SHIMA, JINJIANG, QINGSHAN, QINGDAO, QUAN


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    """The real engine (answerer, summarizer, summary cache) over a BM25-only retriever: no embedder."""
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("chat-index"))


# ---- recognising requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, wanted",
    [
        ("总结第3篇", [QINGSHAN]),
        ("總結第二篇", [JINJIANG]),
        ("summarize the 2nd article", [JINJIANG]),
        ("Summarize article 5", [QUAN]),
        ("概括一下青岛那篇", [QINGDAO]),
        ("总结一下石马镇那篇", [SHIMA]),
        ("总结一下渠岸镇镇村干部大会那篇文章", [QUAN]),
        ("summarize the Qingdao article", [QINGDAO]),
        ("summarize the Jinjiang one", [JINJIANG]),
        ("/summarize 003", [QINGDAO]),
        ("/summarize 004_7e177a0353be72cf", [QUAN]),
        ("睦邻党建共同体那篇讲了什么", [QINGSHAN]),
    ],
)
def test_summary_requests_name_their_article(message, wanted, seed_articles):
    request = summary_request(message)
    assert request is not None and not request.all
    assert resolve(request.reference, list(seed_articles.values()), Conversation()) == wanted


@pytest.mark.parametrize("message", ["这些文章讲了什么？", "这些文章主要讲了什么？", "summarize all", "/summarize all", "What are these articles about?"])
def test_overview_requests(message):
    request = summary_request(message)
    assert request is not None and request.all


@pytest.mark.parametrize("message", ["王刚讲了什么？", "石马镇和小枧镇开展的是什么行动？", "這些文章提到了哪些會議？", "Who is the Party secretary of Shima town?",
                                     "這是誰在會上總結的？", "Who summarised last year's work?"])
def test_questions_are_not_summary_requests(message):
    assert summary_request(message) is None


def test_ordinals():
    assert [ordinal(x) for x in ("第3篇", "第十二篇", "the 2nd one", "article 4", "#5", "the third", "最后一篇", "青岛")] == [3, 12, 2, 4, 5, 3, -1, None]


# ---- conversations ----------------------------------------------------------------------------------------


def test_conversation_is_plain_immutable_data():
    c0 = Conversation()
    c1 = c0.add(Turn("石马镇和小枧镇开展的是什么行动？", "answer", (SHIMA,)))
    assert c0.turns == () and c1.last_articles == (SHIMA,) and c1.last_question == "石马镇和小枧镇开展的是什么行动？"
    assert Conversation.from_json(c1.to_json()) == c1
    assert c1.add(Turn("这些文章讲了什么？", "overview")).last_articles == ()


def test_summary_reply_and_the_conversation_it_returns(engine):
    (reply,), conversation = say(engine, "总结第3篇")
    assert isinstance(reply, Summary) and reply.article_id == QINGSHAN
    assert conversation.turns[-1] == Turn("总结第3篇", "summary", (QINGSHAN,))
    assert script_of(reply.summary) == "hans" and reply.original  # the article is Traditional
    for c in reply.citations:
        assert engine.articles[c.article_id].paragraph(c.paragraph)[c.start : c.end] == c.quote


def test_overview_reply(engine):
    (reply,), _ = say(engine, "这些文章讲了什么？")
    assert isinstance(reply, Summary) and reply.article_id is None
    assert {c.article_id for c in reply.citations} == set(engine.articles)  # a line each (one or two pieces)
    assert len(reply.summary.splitlines()) == len(engine.articles)


def test_ambiguous_reference_asks_and_the_answer_picks(engine):
    (ask, picked), conversation = say(engine, "总结街道那篇", "2")
    assert isinstance(ask, Clarification) and len(ask.candidates) >= 2 and ask.options
    assert isinstance(picked, Summary) and picked.article_id == ask.candidates[1]["article_id"]
    assert conversation.pending == ()


def test_unknown_reference_asks_rather_than_guesses(engine):
    (reply,), conversation = say(engine, "summarize the Mars article")
    assert isinstance(reply, Clarification) and reply.text.startswith("I could not tell")
    assert set(conversation.pending) <= set(engine.articles)


def test_bare_summary_request_uses_the_article_under_discussion(engine):
    (_, reply), _ = say(engine, "渠岸镇党委书记是谁？", "总结一下这篇")
    assert isinstance(reply, Summary) and reply.article_id == QUAN


def test_follow_up_stays_on_the_article(engine):
    (first, follow), conversation = say(engine, "石马镇和小枧镇开展的是什么行动？", "他们签了什么？")
    assert first.article_ids == [SHIMA]
    assert isinstance(follow, Answer) and not follow.refused and follow.article_ids == [SHIMA]
    assert ev.covers(follow.answer, [["共建合作协议"]])
    assert conversation.questions == ["石马镇和小枧镇开展的是什么行动？", "他们签了什么？"]


def test_a_new_question_is_not_a_follow_up(engine):
    (_, second), _ = say(engine, "石马镇和小枧镇开展的是什么行动？", "渠岸镇纪委书记王海星宣读了什么决定？")
    assert second.article_ids == [QUAN]


def test_empty_message_gets_a_prompt_not_an_error(engine):
    reply, conversation = respond(engine, "  ", None)
    assert isinstance(reply, Clarification) and conversation == Conversation()


# ---- slow: the real engine --------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_engine_conversation(seed_engine):
    replies, conversation = say(
        seed_engine,
        "石马镇和小枧镇开展的是什么行动？",
        "他们签了什么？",
        "summarize the Qingdao article",
        "這些文章講了什麼？",
        "Which library hosted the Qingshan district meeting?",
    )
    first, follow, summary, everything, english = replies
    assert first.article_ids == [SHIMA] and follow.article_ids == [SHIMA] and "签署" in follow.answer
    assert isinstance(summary, Summary) and summary.article_id == QINGDAO
    assert isinstance(everything, Summary) and script_of(everything.summary) == "hant"
    assert {c.article_id for c in everything.citations} == set(seed_engine.articles)  # a line each
    assert english.answer.startswith("From “") and ev.covers(english.answer, [["青山区图书馆"]])
    assert [t.kind for t in conversation.turns] == ["answer", "answer", "summary", "overview", "answer"]
