"""A follow-up without a pronoun: 簽約儀式共有多少人參加？ asked after a question about one signing is about that
signing, though it names no 他/这. It stays on the articles of the answer before it when it shares that question's
words (the event: 签约, 仪式) or names a person of them (What about Sun Yu?), and no article retrieval finds for it holds its words better than those do (it names
no other article: 渠岸镇干部大会有多少人参加？ after the signing is a new question). One sharing no word at all is
still a follow-up when it names nothing those articles lack and asks a slot they can fill (参加的有多少人？,
主持的是谁？, How many people attended?: asks_slot_of). After a refusal, the article the refused question singled out by
its names (石马镇小枧镇结对那次活动… → the Shima article) is the one a follow-up stays on (refused_on).

`leaning` is the chat's one follow-up decision: how a question leans on the answer before it — asked again for the
other place of a pair (rag.answering.other_place), a follow-up (rag.answering.follow_ups, or a slot of the same
event), carried on its own words (stays_on), or a new question."""

from __future__ import annotations

import re
from typing import Literal, Sequence

from rag.answering.asked_slot import asked_slot
from rag.answering.candidates import article_text
from rag.answering.english import english_terms
from rag.answering.follow_ups import is_follow_up
from rag.answering.multi import single_article, spreads
from rag.answering.other_place import other_place_question
from rag.answering.question import analyze
from rag.answering.postags import tag
from rag.answering.slots import person_names
from rag.contracts import Corpus
from rag.ingest.articles import Article
from rag.lang.script import has_han, normalize
from rag.lang.words import jieba_tokenizer
from rag.records import Turn

CANDIDATES = 5  # articles retrieval finds for the new question, each compared with the answer's
REFUSED_CHUNKS = 20  # chunks searched for a refused question: its names must single out one of their articles
COMMON_NAME = 50  # jieba frequency under which a word the answer's articles lack is taken for a name
_CAPITALISED = re.compile(r"(?<=\S)\s+(?!I\b)[A-Z][a-z]")


def _text(article: Article) -> str:
    return normalize("\n".join([article.title, *article.paragraphs]))


def _terms(question: str, texts: Sequence[str]) -> dict[str, float]:
    """The question's content words (an English one's as the Han words its names and news words stand for)."""
    q = english_terms(analyze(question), texts)
    return {t: w for t, w in q.terms if len(t) >= 2}


def _names_other(question: str, own: dict[str, float], texts) -> bool:
    """Whether the question names something the articles answered from do not: a Han word of it missing from
    them that is a place or organisation in jieba's dictionary or no common word there (渠岸镇, 干部大会), or
    a capitalised English word after the first (Qingdao)."""
    freq = jieba_tokenizer().FREQ
    for t in own:
        if any(t in text for text in texts) or not has_han(t):
            continue
        if (freq.get(t) or 0) < COMMON_NAME or tag(t) in ("ns", "nt"):
            return True
    return bool(_CAPITALISED.search(question.strip()))


def asks_slot_of(question: str, on: Sequence[str], corpus: Corpus) -> bool:
    """Whether `question`, sharing no word with the one before, is a follow-up on the articles `on` all the
    same: it names nothing they do not and asks a slot they can fill (参加的有多少人？ after 签约仪式在哪儿搞的？).
    It is then read as a follow-up (the words of the question before join at a lower weight)."""
    texts = [_text(corpus.articles[a]) for a in on if a in corpus.articles]
    return bool(texts) and _slot_of(question, _terms(question, texts), texts)


def _slot_of(question: str, own: dict[str, float], texts) -> bool:
    """A follow-up sharing no word with the question before that names nothing of its own and asks a slot of
    the same event (参加的有多少人？ after 签约仪式在哪儿搞的？; 主持的是谁？; How many people attended?): it asks
    a slot (多少人, 谁, 哪天, where …) the articles answered from can fill (a count: a number with its measure)
    and names nothing they do not."""
    asked = asked_slot(analyze(question))
    if asked is None or asked.kind == "absent" or _names_other(question, own, texts):
        return False
    if asked.kind == "count" and asked.measure:
        counted = re.compile(rf"[0-9０-９零一二两三四五六七八九十百千万]+(?:余|多)?{re.escape(asked.measure)}")
        return any(counted.search(text) for text in texts)
    return True


def stays_on(question: str, before: str, on: Sequence[str], corpus: Corpus) -> bool:
    """Whether `question`, asked after `before` was answered from the articles `on`, is about those articles:
    it shares a content word with `before`, and none of the articles retrieved for it holds more of its words
    (weighted by rarity) than the best of `on` does."""
    articles = corpus.articles
    mine = {a: _text(articles[a]) for a in on if a in articles}
    if not mine:
        return False
    hits = corpus.retriever.search(question, k=CANDIDATES)
    others = {a: _text(articles[a]) for a in dict.fromkeys(h.chunk.article_id for h in hits) if a in articles and a not in mine}
    every = [*mine.values(), *others.values()]
    terms = _terms(question, every)
    own = _terms(question, list(mine.values()))
    shared = own.keys() & _terms(before, list(mine.values())).keys()
    persons = {p for text in mine.values() for p in person_names(text)}
    # the event's words, or a person of those articles (孙宇做了什么？, What about Sun Yu?)
    named = own.keys() & persons or any(p in normalize(question) for p in persons)
    if not (any(t in text for t in shared for text in mine.values()) or named):
        return False

    def held(text: str) -> float:
        return sum(w for t, w in terms.items() if t in text)

    best = max(held(text) for text in mine.values())
    return best > 0 and all(held(text) <= best for text in others.values())


def refused_on(message: str, corpus: Corpus) -> tuple[str, ...]:
    """The article a refused question was about: the one of the articles retrieval finds for it that a name of the
    question singles out (石马镇小枧镇结对那次活动，…是谁讲的？ → the only article naming 石马 and 小枧), so that a
    follow-up (一共来了多少人？) stays on it as it would after an answer; () when its names single out none or several."""
    if spreads(message):  # asked of several (渠岸镇和青岛的奖金各是多少？): no one article
        return ()
    articles = corpus.articles
    hits = corpus.retriever.search(message, k=REFUSED_CHUNKS)
    texts = {a: _text(articles[a]) for a in dict.fromkeys(h.chunk.article_id for h in hits) if a in articles}
    one = single_article(analyze(message), texts) if texts else None
    if one is None:
        return ()
    freq = jieba_tokenizer().FREQ
    for t in _terms(message, [texts[one]]):
        # a name it lacks that another article holds (渠岸镇和青岛的奖金是多少？: 青岛): about that one too
        if t not in texts[one] and has_han(t) and ((freq.get(t) or 0) < COMMON_NAME or tag(t) in ("ns", "nt")) and any(
                t in article_text(a) for aid, a in articles.items() if aid != one):
            return ()
    return (one,)


Leaning = Literal["other_place", "follow_up", "carried", ""]


def leaning(question: str, last: Turn | None, last_articles: Sequence[str], on: tuple[str, ...],
            corpus: Corpus, refused: bool = False) -> tuple[Leaning, str | None]:
    """How `question` leans on the answer before it (`last`, the conversation's last question's turn; `on`, the
    articles it was about that the filter still admits; `last_articles`, those of the conversation's last reply):
    ("other_place", the question before asked for the other place of its articles' pair: "And the other town?");
    ("follow_up", None): a pronoun, a demonstrative or almost no words of its own (is_follow_up), or a slot of the
    same event asked in common words only (asks_slot_of) — read with the question before; ("carried", None): no
    pronoun, but the same event's words and no other article named (stays_on) — read on those articles, on its own
    words; ("", None): a new question. `refused`: `last` was refused and `on` is the article its question singled
    out (refused_on): a follow-up or carried question stays on it as on an answer's."""
    same = bool(on and last and last.kind == "answer" and last.article_ids == on)
    kept = same or bool(on and last and refused)  # the articles the question before was about, answered or refused
    if same:
        swapped = other_place_question(question, last.message, [_text(corpus.articles[a]) for a in on if a in corpus.articles])
        if swapped:
            return "other_place", swapped
    if on and is_follow_up(question):
        return "follow_up", None
    if kept and (refused or tuple(last_articles) == on) and stays_on(question, last.message, on, corpus):
        return "carried", None
    if kept and asks_slot_of(question, on, corpus):
        return "follow_up", None
    return "", None
