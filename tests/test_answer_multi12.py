"""Issue #15 (brief G12): a question across articles that share an act (两篇都有颁奖表彰，各自表彰了哪些) gets one
line per article, each the sentence of that article's own act — the award sentence (…颁发了荣誉证书 in Jinjiang;
…进行颁奖,进一步表彰先进 or 受到表彰的先进集体 in Qu'an), a synonym of the question's verb counting
(rag/lang/data/news_verbs.tsv), never a sentence that only names a body (fresh14 p38's Jinjiang line quoted the
tax bureau's micro-lecture). Real seeds, BM25 (tests.fakes.LexicalRetriever); slow: the real hybrid engine."""

from __future__ import annotations

import pytest

from rag.lang.script import normalize
from tests.seeds import JINJIANG, QUAN, lexical_asker

QUESTIONS = [
    "錦江區同渠岸鎮兩篇都有頒獎表彰，各自表彰咗邊啲？",  # fresh14 p38 (tuned on)
    "锦江区和渠岸镇这两篇都有颁奖表彰，分别表彰了哪些？",
    "锦江区和渠岸镇两篇都有表彰，各自表彰了哪些？",
    "渠岸镇和锦江区那两篇都有颁奖，分别颁给了哪些单位？",
]


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def _award_lines(answer):
    assert not answer.refused, answer.answer
    quotes = {}
    for c in answer.citations:
        quotes.setdefault(c.article_id, []).append(normalize(c.quote))
    assert set(quotes) == {JINJIANG, QUAN}, answer.answer
    assert any("颁发了荣誉证书" in q for q in quotes[JINJIANG]), quotes[JINJIANG]  # its award, not 税务局's 微党课
    assert any("颁奖" in q or "表彰" in q for q in quotes[QUAN]), quotes[QUAN]
    assert len(answer.answer.splitlines()) == 2  # one line per article


@pytest.mark.parametrize("question", QUESTIONS)
def test_each_article_is_quoted_by_its_own_award_sentence(ask, question):
    _award_lines(ask(question))


@pytest.mark.slow
@pytest.mark.parametrize("question", QUESTIONS[:2])
def test_each_article_is_quoted_by_its_own_award_sentence_hybrid(seed_engine, question):
    _award_lines(seed_engine.ask(question))


PAIRING = [
    "Which articles are about two towns (or two streets) pairing up?",  # the brief's
    "Which articles cover two towns or two streets that paired up?",
    "Which of the articles are about two towns or two streets pairing with each other?",
    "Which reports are about two streets or two towns being twinned?",
]


@pytest.mark.slow
@pytest.mark.parametrize("question", PAIRING)
def test_english_which_articles_pair_two_towns_or_streets(seed_engine, question):
    """G11's rule in English (the real hybrid engine: BM25 alone retrieves nothing for English): pairing/twinned
    meet 结对 共建 (glossary), the pair nouns restrict the articles to the two naming two towns (石马镇、小枧镇) or two
    streets (新沟桥街道与红钢城街道)."""
    answer = seed_engine.ask(question)
    assert not answer.refused, answer.answer
    assert sorted({c.article_id[:3] for c in answer.citations}) == ["000", "002"], answer.answer
