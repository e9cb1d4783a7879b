"""bench/answer_reads.py's comparison of what a question shares with an article, on the real seed articles (the
diagnosis of unread answering articles on CRUD qa_dev rests on it)."""

from __future__ import annotations

from bench.answer_reads import longest_shared, rank_of, shares
from rag.answering.question import analyze
from rag.lang.script import normalize
from tests.seeds import QINGDAO, SHIMA


def test_longest_shared_finds_the_question_stretch_quoted_from_the_article(seed_articles):
    article = seed_articles[SHIMA]
    quoted = normalize(article.paragraphs[2])[4:14]  # ten characters of the 李潔茹 sentence, as written
    question = normalize(f"谁{quoted}？")
    text = normalize(article.title + "\n" + "\n".join(article.paragraphs))
    assert longest_shared(question, text) == len(quoted)
    assert longest_shared(question, normalize("\n".join(seed_articles[QINGDAO].paragraphs))) < len(quoted)


def test_shares_prefer_the_article_the_question_is_about(seed_articles):
    q = analyze("小枧镇党委副书记李洁茹宣读了什么文件？")  # Simplified question, Traditional article
    about, other = shares(q, seed_articles[SHIMA]), shares(q, seed_articles[QINGDAO])
    assert about["cov"] > other["cov"] and about["sent_cov"] > other["sent_cov"] and about["shared"] > other["shared"]
    assert 0.0 <= other["cov"] <= about["cov"] <= 1.0


def test_rank_of_is_the_first_gold_position():
    assert rank_of(["a", "b", "c"], {"c", "b"}) == 1
    assert rank_of(["a"], {"z"}) is None
