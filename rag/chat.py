"""The chat's routing: summary requests, the corpus overview, follow-up questions and plain questions.

`respond(engine, message, conversation) -> (reply, conversation)` where the reply is an
`rag.records.Answer`, a `Summary`, or a `Clarification` asking which article was meant.
`Conversation` is plain immutable data (the UI keeps it in gr.State); every call returns a new one.

Topic summaries (总结一下关于…的报道, summarize the coverage of …) and timelines (按时间顺序…, timeline of …)
are recognised first (rag.answering.topic_request) and keep to the dates and outlets the message names and the
filter sets, as a question does (rag.scope.plan). Article references in summary requests: `/summarize all` and overview phrasings (这些文章讲了什么, summarize
all) ask for the overview; otherwise the reference is resolved by rag.references, as on the command line and in
the API (an id, a shelf number such as 第3篇 — counted from 1 in shelf order, which the summary then says — an
id's start, a title fragment or words of the article), with one addition of the chat's: 这篇/this article/it
(the article the conversation is on). A reference that fits several articles gets a Clarification, and so
does one that fits none (listing the articles retrieval finds closest to its words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator, Mapping, Sequence

from rag.answering.carry import leaning, refused_on
from rag.answering.question import NO_WORDS, clean_question, has_words
from rag.answering.topic_request import TopicRequest, topic_of, topic_request
from rag.answering.yes_no import without_checked_day
from rag.contracts import ChatContext
from rag.ingest.articles import Article
from rag.lang.display import to_script
from rag.lang.script import has_han, normalize, script_of
from rag.records import Answer, AskRequest, Clarification, Filter, Reply, Summary, Turn
from rag.references import MAX_CANDIDATES, by_id_or_number, by_words, ordinal
from rag.scope.digest import day_line, digest_answer, digest_ids
from rag.scope.facts import facts_for
from rag.scope.plan import Scope, plan_scope
from rag.scope.retriever import ScopedCorpus
from rag.small_talk import small_talk, small_talk_reply, without_opening
from rag.summary_length import RESIZE_KINDS, resized_summary

MAX_TURNS = 20  # the conversation keeps this many turns (follow-ups only need the last few)
MAX_OPTIONS = MAX_CANDIDATES  # articles listed in a clarification


@dataclass(frozen=True)
class Conversation:
    """What follow-ups need: earlier messages, the articles the last reply was about, a pending choice."""

    turns: tuple[Turn, ...] = ()
    pending: tuple[str, ...] = ()  # article ids offered by the last Clarification

    @property
    def questions(self) -> list[str]:
        return [t.message for t in self.turns if t.kind in ("answer", "refusal")]

    @property
    def last_articles(self) -> tuple[str, ...]:
        """The articles the most recent answer or summary was about (an overview is about none)."""
        for t in reversed(self.turns):
            if t.kind in ("answer", "summary"):
                return t.article_ids
            if t.kind == "overview":
                return ()
        return ()

    @property
    def last_question(self) -> str | None:
        last = self.last_answer
        return last.message if last else None

    @property
    def last_answer(self) -> Turn | None:
        """The most recent question's turn (an answer or a refusal): its message, short answer, articles."""
        for t in reversed(self.turns):
            if t.kind in ("answer", "refusal"):
                return t
        return None

    def add(self, turn: Turn, pending: Sequence[str] = ()) -> "Conversation":
        return Conversation((self.turns + (turn,))[-MAX_TURNS:], tuple(pending))

    def to_json(self) -> dict:
        return {"turns": [[t.message, t.kind, list(t.article_ids), t.short] for t in self.turns], "pending": list(self.pending)}

    @classmethod
    def from_json(cls, obj: Mapping | None) -> "Conversation":
        if not obj:
            return cls()
        # [message, kind, article ids, short answer] (a saved conversation from before short answers: three)
        turns = tuple(Turn(t[0], t[1], tuple(t[2]), t[3] if len(t) > 3 else None) for t in obj.get("turns", []))
        return cls(turns, tuple(obj.get("pending", [])))


# ---- recognising summary requests ----------------------------------------------------------------------

_SLASH = re.compile(r"^\s*/(summari[sz]e|summary|sum|总结|摘要)\b\s*(.*)$", re.I | re.S)
_OVERVIEW = re.compile(
    r"(这些|所有|全部|各篇|每篇|每一篇|这几篇|那几篇)(的)?(文章|报道|新闻)|所有的|全部的|文章都|都讲了|都说了|概览|"
    r"\bthese (articles|stories|reports)\b|"
    r"\b(summari[sz]e|summary of)\s+(all|everything|every article|the (whole )?corpus|them all)\b|"
    r"\ball (the )?articles\b|\bwhat are (these|the|all) (articles|stories)\b|\boverview\b|"
    r"^\s*(all|everything|全部|所有)\s*$",
    re.I,
)
_STRONG = re.compile(r"总结|概括|摘要|归纳|概述|综述|简述|简介|梳理|\bsummar(y|ies|i[sz]e|i[sz]ing)\b|\btl;?dr\b|\bgist\b|\brecap\b", re.I)
_WEAK = re.compile(r"讲了什么|说了什么|讲的是什么|讲什么|说的是什么|写了什么|主要内容|大意|内容是什么|讲些什么|"
                   r"\bwhat('s| is| are| does| do)\b.*\babout\b|\bwhat (did|do|does)\b[^?]*\bsay\s*\??\s*$", re.I)
_WHO = re.compile(r"谁|哪位|何人|为什么|为何|\bwho\b|\bwhy\b", re.I)  # who or why: 总结 is the asked-of act
_ARTICLE_NOUN = re.compile(r"篇|文章|报道|新闻|稿子|\b(article|story|piece|report)s?\b", re.I)
# Words of a request that are not part of the reference.
_REQUEST_WORDS = re.compile(
    r"/?\b(summari[sz]e|summary|summaries|summarising|summarizing|tl;?dr|gist|recap|please|could|can|would|you|"
    r"give|me|write|make|the|a|an|of|on|about|article|articles|story|stories|piece|report|what|is|are|does|do|"
    r"say|says|did|tell|us)\b|"
    r"只看|只要|仅看|\bonly\b|\bjust\b|"
    r"请|帮我|帮忙|给我|一下|总结|概括|摘要|归纳|概述|综述|简述|简介|梳理|讲了什么|说了什么|讲的是什么|讲什么|"
    r"说的是什么|写了什么|主要内容|大意|内容是什么|讲些什么|那篇|这篇|一篇|篇|文章|报道|新闻|关于|有关|的|了|吧|呢|吗|"
    r"[\s,.!?;:，。！？；：、“”\"'《》]",
    re.I,
)
_THIS = re.compile(r"这篇|此文|本文|该文|上一篇|刚才那篇|它|\b(this|that|it|the same)\b( article| one| story)?", re.I)
@dataclass(frozen=True)
class SummaryRequest:
    all: bool  # the corpus overview
    reference: str  # what names the article (may be empty)


def summary_request(message: str) -> SummaryRequest | None:
    """A summary or overview request, with the text that names the article; None for a question."""
    text = message.strip()
    m = _SLASH.match(text)
    if m:
        ref = m.group(2).strip()
        return SummaryRequest(ref.lower() in ("all", "everything", "全部", "所有", "*"), ref)
    simplified = normalize(text)
    strong = bool(_STRONG.search(simplified))
    weak = bool(_WEAK.search(simplified))
    if not strong and not weak:
        return None
    overview = bool(_OVERVIEW.search(simplified))
    if weak and not strong and not overview and not _ARTICLE_NOUN.search(simplified):
        return None  # "王刚讲了什么？" asks about a person, not for a summary
    if _WHO.search(simplified) and not overview and not _ARTICLE_NOUN.search(simplified):
        return None  # "这是谁在会上总结的？", "为什么…要做工作总结？" ask about the summing-up, not for one
    return SummaryRequest(overview, text)


def _residue(reference: str) -> str:
    """The reference without request words, ordinals and punctuation: a title fragment or a place."""
    return _REQUEST_WORDS.sub(" ", normalize(reference)).strip()


def resolve(reference: str, articles: Sequence[Article], conversation: Conversation) -> list[str]:
    """Ids of the articles a reference may mean: one when clear, several when ambiguous, none when unknown.

    rag.references decides ids, shelf numbers and words, as for the command line and the API; the chat adds
    "this article" (the one the conversation is on) and drops its request words (总结, summarize …) first."""
    found = by_id_or_number(reference, articles, in_message=True)
    if found is not None:
        return list(found.ids)
    residue = _residue(reference)
    if not residue or _THIS.fullmatch(residue) or (_THIS.search(reference) and len(residue) <= 2):
        ids = [a.id for a in articles]
        return list(conversation.last_articles) or (ids if len(ids) == 1 else [])
    return list(by_words(residue, articles).ids)


def shelf_number(reference: str, articles: Sequence[Article]) -> int | None:
    """The shelf number a reference gave (第3篇, #3, the third), when that is how it named its article."""
    found = by_id_or_number(reference, articles, in_message=True)
    return found.shelf if found is not None and found.how == "shelf" else None


# ---- replies -------------------------------------------------------------------------------------------


def _reply_script(message: str) -> str:
    """The script a reply is shown in: the message's, when it has Chinese in it; else as the articles are."""
    return script_of(message) if has_han(message) else "en"


def _say(text_hans: str, text_en: str, message: str) -> str:
    script = script_of(message)
    return text_en if script == "en" else to_script(text_hans, script)


def _clarify(message: str, ids: Sequence[str], articles: Mapping[str, Article], unknown: bool = False) -> Clarification:
    cands = [{"article_id": i, "title": articles[i].title} for i in ids[:MAX_OPTIONS]]
    if unknown:
        text = _say("没有找到你说的那篇文章。你指的是哪一篇？可以回复序号、标题中的词或文章编号。",
                    "I could not tell which article you mean. Reply with its number, words from its title, or its id.", message)
    else:
        text = _say("你指的是哪一篇文章？请回复序号或标题中的词。",
                    "Which article do you mean? Reply with its number or words from its title.", message)
    return Clarification(text, cands)


def _summary_reply(engine: ChatContext, message: str, ids: Sequence[str], conversation: Conversation, reference: str = "",
                   shelf: int | None = None):
    """The summary when one article is meant; otherwise a Clarification listing the candidates. `shelf`: the
    shelf number the message named the article by (the summary says which article that is)."""
    if len(ids) == 1:
        summary = engine.summarize(ids[0]).in_script(_reply_script(message))
        if shelf is not None:
            said = _say(f"第{shelf}篇是书架（“Articles”标签页）上编号为 #{shelf} 的文章，从1开始按书架顺序计数。",
                        f"Article {shelf} is #{shelf} on the shelf (the Articles tab), counted from 1 in shelf order.",
                        message)
            summary = replace(summary, note=" · ".join(x for x in (said, summary.note) if x))
        return summary, conversation.add(Turn(message, "summary", (ids[0],)))
    articles = engine.articles
    unknown = not ids
    if unknown:
        # Nothing named it: offer the articles retrieval finds closest to the words (never guess one).
        residue = _residue(reference)
        found = [a for a, _ in engine.retriever.search_articles(residue, k=MAX_OPTIONS)] if residue else []
        ids = list(dict.fromkeys([a for a in found if a in articles] + list(articles)))
    ids = list(ids)[:MAX_OPTIONS]
    return _clarify(message, ids, articles, unknown), conversation.add(Turn(message, "clarification"), ids)


def _pick_pending(message: str, conversation: Conversation, articles: Mapping[str, Article]) -> list[str]:
    """The answer to a clarification: a number from its list, or words that single out one candidate."""
    pending = [i for i in conversation.pending if i in articles]
    n = ordinal(message)
    if n is None and message.strip().isdigit():
        n = int(message.strip())
    if n is not None:
        return [pending[n - 1]] if 1 <= n <= len(pending) else ([pending[-1]] if n == -1 and pending else [])
    return resolve(message, [articles[i] for i in pending], Conversation())


# "那孙宇呢？": the 那 goes, so that it is "孙宇呢？", a follow-up on its own name
# (the word splitter would read 那孙宇 as one word); not 那天/那次/那个 …, which point back themselves.
_THEN_WHAT_ABOUT = re.compile(r"^\s*(?:那么|那)(?![天次场个位些里边时年月篇件项份样])(?=[^，,。；;]{1,24}呢\s*[?？]?\s*$)")


def answer_in_conversation(engine: ChatContext, question: str, conversation: Conversation | None = None, k: int | None = None,
                           filter: Filter = Filter()) -> Answer:
    """A cited answer; a follow-up (pronoun, or almost no words of its own) stays on the last answer's articles."""
    *_drafts, final = answer_stream(engine, question, conversation, k, filter)
    return final


def answer_stream(engine: ChatContext, question: str, conversation: Conversation | None = None, k: int | None = None,
                  filter: Filter = Filter()) -> Iterator[str | Answer]:
    """`answer_in_conversation` as it happens: a model's draft as it grows (str), then the Answer.

    The answer keeps to the dates and outlets the question names and to `filter` (which wins where it sets
    them; rag.scope.plan); when they leave no article it is a refusal naming the range searched."""
    conversation = conversation or Conversation()
    question = clean_question(question)  # QuestionError (a ValueError) names a question too long to ask
    facts = facts_for(engine.articles)
    unchecked = without_checked_day(question)  # the day a yes/no question checks is no range to search within
    scope = plan_scope(_THEN_WHAT_ABOUT.sub("", unchecked or question), filter, facts, facts.anchor(engine.config))
    refusal = scope.refusal(question)
    if refusal is not None:
        yield refusal
        return
    corpus = ScopedCorpus(engine, scope, facts)
    # a follow-up stays on the last answer's articles that the filter still admits (the filter bar changed
    # to another outlet or range: a new question there, never an answer from outside it saying the filter)
    on = tuple(i for i in conversation.last_articles if scope.allowed is None or i in scope.allowed)
    last = conversation.last_answer
    # after a refusal: the article its question singled out by its names (rag.answering.carry refused_on)
    refused = tuple(i for i in refused_on(last.message, corpus) if scope.allowed is None or i in scope.allowed) if (
        last and last.kind == "refusal") else ()
    on = refused or on
    # how it leans on the answer before (rag.answering.carry.leaning): asked again for the other place of a pair,
    # a follow-up, carried on its own words (the same articles), or a new question
    lean, swapped = leaning(scope.asked, last, conversation.last_articles, on, corpus, bool(refused))
    listed = None if lean else digest_ids(scope, facts, corpus.retriever)
    if listed:
        yield scope.annotate(_digest(engine, question, listed, scope))
        return
    asked = scope.for_answer()  # the words the filter met are not words to find again
    asked = question if unchecked and not scope.taken else asked  # (the checked day stays: rag.answering.yes_no)
    request = AskRequest(asked, on if lean == "carried" else (), k=k or None, filter=scope.filter)
    if swapped:  # lean "other_place" ("And the other town?"): the question before, for the other place
        request = AskRequest(swapped, on, k=k or None, filter=scope.filter)
    elif lean == "follow_up":
        # the question before (even a refused one) and, when it is the answer the conversation is on, its answer
        last = conversation.last_answer
        if last and last.kind == "answer" and last.article_ids == on:
            request = AskRequest.following(asked, last, k or None, scope.filter)
        else:
            request = AskRequest(asked, on, last.message if last else None, k or None, scope.filter)
    for item in engine.answerer.stream(request, corpus):
        yield scope.annotate(replace(item, question=question)) if isinstance(item, Answer) else item


def answer_turn(message: str, answer: Answer) -> Turn:
    """The conversation's record of a question and its answer (or refusal): the articles cited, the short answer."""
    return Turn(message, "refusal" if answer.refused else "answer", tuple(answer.article_ids),
                None if answer.refused else answer.short)


DIGEST_ARTICLES = 8  # articles a "what happened then" answer lists


def _digest(engine: ChatContext, question: str, ids: Sequence[str], scope: Scope | None = None) -> Answer:
    """What the articles of a question's range report: one cited line each (the overview's; for a range of days,
    the sentence naming the article's event day), in the order given, for the first DIGEST_ARTICLES."""
    script = _reply_script(question)
    dated = scope is not None and bool(scope.time.ranges) and not scope.recency

    def line(aid: str) -> Summary:
        own = day_line(engine.articles[aid]) if dated else None
        return (own or engine.overview([aid], "en" if script == "en" else "zh")).in_script(script)

    return digest_answer(question, ids, line, DIGEST_ARTICLES)


def respond(engine: ChatContext, message: str, conversation: Conversation | None = None, k: int | None = None,
            filter: Filter = Filter()) -> tuple[Reply, Conversation]:
    """Route one chat message; returns the reply and the conversation with this turn added."""
    *_drafts, final = respond_stream(engine, message, conversation, k, filter)
    return final


def respond_stream(
    engine: ChatContext, message: str, conversation: Conversation | None = None, k: int | None = None,
    filter: Filter = Filter(),
) -> Iterator[str | tuple[Reply, Conversation]]:
    """`respond` as it happens: a language model's unverified draft as it grows (str), when one is
    configured and the message is a question, then (reply, conversation) as the last item. `filter`: the
    dates and outlets the user set (questions keep to them)."""
    conversation = conversation if isinstance(conversation, Conversation) else Conversation.from_json(conversation)
    # One check for every way in (page, API, CLI): control and invisible characters go, a message over
    # MAX_QUESTION_CHARS raises QuestionError with the limit in its message.
    message = without_opening(clean_question(message))  # "hi, who …?": the question
    routed = _route(engine, message, conversation, filter)
    if routed is not None:
        yield routed
        return
    answer = None
    for item in answer_stream(engine, message, conversation, k, filter):
        if isinstance(item, str):
            yield item
        else:
            answer = item
    yield answer, conversation.add(answer_turn(message, answer))


def _route(engine: ChatContext, message: str, conversation: Conversation,
           filter: Filter = Filter()) -> tuple[Reply, Conversation] | None:
    """The reply to anything but a question (None for a question: `answer_stream` answers it)."""
    articles = engine.articles
    if not message:
        return Clarification("请输入问题，或者说“总结第1篇”。Type a question, or “summarize article 1”."), conversation
    if not has_words(message):  # only punctuation, symbols or emoji: nothing to search for
        return Clarification(NO_WORDS), conversation
    talk = small_talk(message)
    if talk in RESIZE_KINDS:  # "shorter please", "more detail": the last summary resized (the conversation stays)
        return resized_summary(engine, talk, conversation.turns[-1] if conversation.turns else None, message), conversation
    if talk is not None:  # hi, 你好, what can you do?, 谢谢: said back, not searched for (the conversation stays)
        return Clarification(small_talk_reply(talk, message, len(articles))), conversation
    if not articles:
        return (
            Answer(message, _say("还没有文章：请先添加文章。", "There are no articles yet: add some first.", message), True, note="empty corpus"),
            conversation,
        )
    if conversation.pending and not re.search(r"[?？]", message):
        chosen = _pick_pending(message, conversation, articles)
        if len(chosen) == 1:
            return _summary_reply(engine, message, chosen, conversation)
    topical = topic_request(message)
    request = None if topical is not None else summary_request(message)
    if topical is None and request is None:
        return None
    shelf = list(articles.values())
    ranged = _range_reply(engine, message, conversation, filter, request, shelf)
    if ranged is not None:
        return ranged
    if topical is not None:
        return _topic_reply(engine, message, topical, conversation, filter)
    if request.all:
        return _overview_reply(engine, message, conversation)
    ids = resolve(request.reference, shelf, conversation)
    if not ids and not _residue(request.reference) and ordinal(request.reference) is None:
        # "总结一下" with nothing to go on: the only article, or the overview when asked about all,
        # else ask which one.
        if len(shelf) == 1:
            return _summary_reply(engine, message, [shelf[0].id], conversation)
        if _OVERVIEW.search(normalize(message)):
            return _overview_reply(engine, message, conversation)
        ids = [a.id for a in shelf]
        return _clarify(message, ids, articles), conversation.add(Turn(message, "clarification"), ids[:MAX_OPTIONS])
    return _summary_reply(engine, message, ids, conversation, request.reference, shelf_number(request.reference, shelf))


def _range_reply(engine: ChatContext, message: str, conversation: Conversation, filter: Filter,
                 request: SummaryRequest | None, shelf: Sequence[Article]) -> tuple[Reply, Conversation] | None:
    """What the articles of a range or an outlet report, for a summary request that names only dates or outlets
    (只看2024年的报道讲了什么？, 荆楚网的文章讲了什么？, summarize the 2024 articles) or for the overview asked under
    the filter bar's dates and outlets: one cited line per admitted article, newest first, saying the filter
    (or a refusal naming the range when it admits none). None when neither applies: an article named by id or
    shelf number, a topic or words naming an article beside the dates, or no dates and outlets at all."""
    if request is not None and not request.all and by_id_or_number(request.reference, shelf, in_message=True):
        return None
    facts = facts_for(engine.articles)
    scope = plan_scope(message, filter, facts, facts.anchor(engine.config))
    if not scope.filter:
        return None
    named_here = any(s.kind != "recency" for s in scope.taken)
    overview = request is not None and request.all
    if not overview and not (named_here and not _residue(scope.question)):
        return None  # a topic or an article named beside the dates: answered as before
    answer = scope.refusal(message)
    if answer is not None:  # as a question under the same range is refused: naming what was searched
        return answer, conversation.add(answer_turn(message, answer))
    ids = sorted(scope.allowed or (), key=lambda i: facts.articles[i].date or "", reverse=True)
    if len(ids) == 1:  # the range holds one article: its summary, saying the range
        summary, conversation = _summary_reply(engine, message, ids, conversation)
        return replace(summary, note=" · ".join(x for x in (scope.label(), summary.note) if x)), conversation
    answer = scope.annotate(_digest(engine, message, ids))
    return answer, conversation.add(answer_turn(message, answer))


def _topic_reply(engine: ChatContext, message: str, request: TopicRequest, conversation: Conversation,
                 filter: Filter = Filter()):
    """A topic summary or a timeline of the articles about the topic within the dates and outlets the message
    names and `filter` sets (rag.scope.plan, as for a question), saying that range, or refusing naming it when
    it holds no article; follow-ups stay on the articles it cites."""
    language = "en" if script_of(message) == "en" else "zh"
    facts = facts_for(engine.articles)
    scope = plan_scope(message, filter, facts, facts.anchor(engine.config))
    refusal = scope.refusal(message)
    if refusal is not None:
        return refusal, conversation.add(answer_turn(message, refusal))
    # the topic without the dates and outlets the scope took over (总结一下2024年关于党建的报道 → 党建)
    topic = (topic_of(scope.question) if scope.taken else "") or request.topic
    make = engine.timeline if request.kind == "timeline" else engine.summarize_topic
    reply = scope.annotate_summary(make(topic, language, scope.filter), topic).in_script(_reply_script(message))
    return reply, conversation.add(Turn(message, "summary", tuple(reply.article_ids)))


def _overview_reply(engine: ChatContext, message: str, conversation: Conversation):
    script = _reply_script(message)
    reply = engine.overview(language="en" if script == "en" else "zh").in_script(script)
    return reply, conversation.add(Turn(message, "overview"))
