"""A follow-up without a pronoun: 簽約儀式共有多少人參加？ asked after a question about one signing is about that
signing, though it names no 他/这. It stays on the articles of the answer before it when it shares that question's
words (the event: 签约, 仪式) or names a person of them (What about Sun Yu?), and no article retrieval finds for it holds its words better than those do (it names
no other article: 渠岸镇干部大会有多少人参加？ after the signing is a new question)."""

from __future__ import annotations

from typing import Sequence

from rag.answering.english import english_terms
from rag.answering.question import analyze
from rag.answering.slots import person_names
from rag.contracts import Corpus
from rag.ingest.articles import Article
from rag.lang.script import normalize

CANDIDATES = 5  # articles retrieval finds for the new question, each compared with the answer's


def _text(article: Article) -> str:
    return normalize("\n".join([article.title, *article.paragraphs]))


def _terms(question: str, texts: Sequence[str]) -> dict[str, float]:
    """The question's content words (an English one's as the Han words its names and news words stand for)."""
    q = english_terms(analyze(question), texts)
    return {t: w for t, w in q.terms if len(t) >= 2}


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
