"""From a question and what retrieval found to what the ranker reads: the analysed question (a follow-up carries
the words of the question before it; an English question gets the Han words its pinyin names and news words
stand for in the pooled articles) and the pool of articles read whole. The answerer and the training script
(bench/train_answer.py) both come through here, so the model is fitted on exactly what it will see."""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from rag.answering.english import english_terms
from rag.answering.places import province_cities
from rag.answering.pool import PoolArticle, article_order, build_pool
from rag.answering.postags import is_verb
from rag.answering.question import Question, analyze
from rag.ingest.articles import Article
from rag.records import Hit

READ_ARTICLES = 2  # the best-ranked articles read whole (the answer may sit in a chunk ranked lower) when the
# model file does not say: bench/train_answer.py chooses the number by cross-validation (AnswerModel.read_articles)
MULTI_ARTICLES = 8  # "which articles …" questions read this many
PREVIOUS_WEIGHT = 0.25  # a follow-up's own words outweigh those of the question it follows


def articles_to_read(hits: Sequence[Hit], focus: Sequence[str], multi: bool, read: int = READ_ARTICLES) -> list[str]:
    """The focus articles when given, else the `read` best retrieved articles (MULTI_ARTICLES for a question
    across articles)."""
    if focus:
        return list(dict.fromkeys(focus))
    return article_order(hits)[: MULTI_ARTICLES if multi else read]


def with_previous(q: Question, previous: Question) -> Question:
    """A follow-up's question with the previous question's words added at PREVIOUS_WEIGHT (its own words win)."""
    terms = dict(q.terms)
    for t, w in previous.terms:
        if t not in terms:
            terms[t] = PREVIOUS_WEIGHT * w
    # the question before's act (主持 of 谁主持的) is no act of a follow-up naming its own (那是哪天开的？: the
    # meeting's date, not the chairing's)
    carried = tuple(f for f in previous.focus if not (q.predicates and is_verb(f)))
    return replace(q, terms=tuple(terms.items()), focus=q.focus or carried)


def prepare(question: str, hits: Sequence[Hit], articles: Mapping[str, Article], read: Sequence[str],
            previous: str | None = None) -> tuple[Question, list[PoolArticle]]:
    """The analysed question and its pool (the `read` articles, in order)."""
    q = analyze(question)
    pool = build_pool(hits, articles, read)
    texts = [pa.units.text for pa in pool]
    # an English question's pinyin names and news words, a Chinese one's province (四川) as the cities named (绵阳)
    q = english_terms(q, texts) if q.script == "en" else province_cities(q, texts)
    if previous:
        prev = analyze(previous)
        if prev.script == "en":
            prev = english_terms(prev, texts)
        q = with_previous(q, prev)
    return q, pool
