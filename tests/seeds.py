"""What the answer tests share about the five bundled seed articles: their ids, the citation check, and an
extractive answerer over them with BM25-only retrieval (no embedder)."""

from __future__ import annotations

import re
from typing import Callable, Mapping

from rag import evaluate as ev
from rag.answering.extractive import ExtractiveAnswerer
from rag.config import Config
from rag.engine import Snapshot
from rag.ingest.articles import Article
from rag.lang.sentences import split_sentences
from rag.records import Answer, AskRequest
from tests.fakes import LexicalRetriever

SHIMA = "000_049c7ef42d054db3"
JINJIANG = "001_75c24a0883477bc4"
QINGSHAN = "002_e44c29edbf155723"
QINGDAO = "003_149da1c9ea8086b3"
QUAN = "004_7e177a0353be72cf"


def assert_well_cited(answer: Answer, articles: Mapping[str, Article]) -> None:
    """Every quote is verbatim at its offsets in the cited paragraph; markers and citations match one to one."""
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    assert markers == [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        article = articles[c.article_id]
        paragraph = article.paragraph(c.paragraph)
        assert c.quote and paragraph[c.start : c.end] == c.quote
        assert ev.quote_valid(c.to_json(), articles)
        assert c.title == article.title and c.date == article.date and c.source == article.source
        # A quote is whole sentences, or whole clauses of one long sentence shown with an ellipsis.
        sentence_bounds = {b for span in split_sentences(paragraph) for b in span}
        if not (c.start in sentence_bounds and c.end in sentence_bounds):
            assert "…" in answer.answer


def lexical_asker(articles: Mapping[str, Article]) -> Callable[..., Answer]:
    """ask(question, focus=(), previous=None, before=None): the extractive answer over `articles` with BM25-only
    retrieval, its citations checked by assert_well_cited. A follow-up gives `focus` and the `previous` question,
    and `before`, that question's Answer, when the conversation kept it (as the chat and `rag eval` do)."""
    from rag.chat import answer_turn

    snapshot = Snapshot(dict(articles), LexicalRetriever(list(articles.values())))
    answerer = ExtractiveAnswerer(Config())

    def ask(question: str, focus=(), previous=None, before: Answer | None = None) -> Answer:
        turn = answer_turn(previous or before.question, before) if before is not None else None
        answer = answerer.answer(AskRequest(question, tuple(focus), previous, previous_answer=turn), snapshot)
        assert_well_cited(answer, articles)
        return answer

    return ask
