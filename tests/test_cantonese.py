"""Cantonese question forms (rag/lang/data/colloquial.tsv, brief K11): 乜嘢/咩嘢/乜 asked at a question's end → 什么,
乜嘢名 → 什么名字, 嗰篇/嗰次 → 那篇/那次 (嗰个 left: fresh12_qa v14), 佢 → 他 (有冇 → 有没有 and 係唔係 → 是不是 were there), written out
before any rule reads the question; Traditional questions of our own on the real seed articles (BM25 retrieval),
none of them in a bench set."""

from __future__ import annotations

import pytest

from rag.answering.question import written_forms
from rag.lang.script import normalize
from tests.asserts import assert_answers, assert_refused
from tests.seeds import JINJIANG, QINGDAO, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.mark.parametrize(("question", "written"), [
    ("嗰篇講青島嘅文章講咗乜嘢？", "那篇讲青岛的文章讲了什么?"),
    ("渠岸鎮嗰次大會做咗咩嘢？", "渠岸镇那次大会做了什么?"),
    ("佢係唔係書記？", "他是不是书记?"),
    ("青山區嗰次聯席會有冇簽協議？", "青山区那次联席会有没有签协议?"),
    ("石馬鎮鎮長叫乜嘢名？", "石马镇镇长叫什么名字?"),
    # before another noun 乜嘢 is left (written out, fresh12_qa v14's two-article answer loses a key)
    ("兩邊分別表彰咗啲乜嘢單位？", "两边分别表彰了啲乜嘢单位?"),
])
def test_cantonese_question_forms_are_written_out(question, written):
    assert written_forms(normalize(question)) == written


@pytest.mark.parametrize(("question", "article"), [
    ("嗰篇講青島嘅文章講咗乜嘢？", QINGDAO),
    ("嗰篇講錦江區嘅文章講咗啲乜嘢？", JINJIANG),
])
def test_what_an_article_says_asked_in_cantonese_is_answered_from_it(ask, question, article):
    answer = assert_answers(ask(question))  # was refused: 乜嘢 read as a word no article writes
    assert answer.article_ids[0] == article, answer.answer


@pytest.mark.parametrize(("question", "key"), [
    ("石馬鎮鎮長叫乜嘢名？", "黄充"),
    ("渠岸鎮嗰次大會係邊個主持嘅？", "张晓敏"),
    ("錦江區嗰次活動喺邊度舉辦？", "成都市文化馆"),
])
def test_cantonese_questions_the_articles_answer_are_answered(ask, question, key):
    assert_answers(ask(question), key, simplified=True)


@pytest.mark.parametrize(("question", "named"), [
    ("嗰篇講渠岸鎮嘅文章有冇講渠岸鎮嘅GDP係幾多？", "GDP"),
])
def test_a_cantonese_question_the_articles_never_answer_is_still_refused(ask, question, named):
    assert_refused(ask(question), named)
