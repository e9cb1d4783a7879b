"""Question forms answered through the answers to the plainer questions they are made of (issue #15): which of two
named events came first (rag.answering.compare), a yes/no check of a title or a day (rag.answering.yes_no), and a
question that asks more than once, answered ask by ask when the whole question's answer misses its first ask
(rag.answering.asks). `ask` answers one plain request (the extractive answerer's `_answer`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from rag.answering.asks import ask_spans, in_turn
from rag.answering.compare import compare, compared
from rag.answering.question import analyze, clean_question, question_script
from rag.answering.yes_no import checked, verdict
from rag.lang.script import search_twin
from rag.records import Answer, AskRequest, Turn

Ask = Callable[[AskRequest], Answer]


def compared_answer(request: AskRequest, ask: Ask) -> Answer | None:
    """Which of two named events came first, later or had more people (…和…，哪个先办的？), each event asked on its
    own and the two compared; None when it is no such question or an event is not found with its day (number)."""
    question = clean_question(request.question)
    c = compared(question, question_script(question))
    return None if c is None else compare(c, [ask(replace(request, question=text)) for text in c.asks])


def checked_answer(request: AskRequest, ask: Ask) -> Answer | None:
    """A yes/no check of a job title or a day (孙宇是镇党委书记吗？ Was … held on June 26?) answered 是/不是 from the
    answer to the question it checks; None when it is no such check or that question finds no title or day."""
    question = clean_question(request.question)
    check = checked(question, question_script(question))
    return None if check is None else verdict(check, ask(replace(request, question=check.asked)))


def asked_in_turn(request: AskRequest, ask: Ask, whole: Answer) -> Answer:
    """`whole`, the answer to a question that asks more than once (组长是谁？下面设了几个专班？), or its asks answered
    in turn when it misses or refuses its first ask (asks.in_turn): the first ask as asked, each later one as a
    follow-up on the articles the first ask's answer cites (as a follow-up of the question before, if refused)."""
    question = clean_question(request.question)
    spans = ask_spans(search_twin(question))
    if not spans or analyze(question).multi:  # (a question across articles answers each article's asks: multi)
        return whole
    texts = [question[a:b].strip(" ,，;；、") for a, b in spans]
    first = ask(replace(request, question=texts[0]))
    parts = [first]
    for text in texts[1:]:
        if request.focus or first.refused:
            later = replace(request, question=text, previous=request.previous or texts[0])
        else:
            later = AskRequest.following(text, Turn(texts[0], "answer", tuple(first.article_ids), first.short),
                                         request.k, request.filter)
        parts.append(ask(later))
    return in_turn(whole, parts)


def form_answer(request: AskRequest, ask: Ask) -> Answer:
    """The answer to `request` in whichever form it asks: compared, checked, or asked (in turn)."""
    return compared_answer(request, ask) or checked_answer(request, ask) or asked_in_turn(request, ask, ask(request))
