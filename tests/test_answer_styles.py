"""Question styles that bench/fresh3_qa.jsonl's first run missed (issue #15), on the real seeds: spoken forms
(咋办, 啥时候, 遇着), a name and a role asked of several articles (…的党委书记分别叫什么), a follow-up whose 他/她 is
the person the answer before it named, English names written as two pinyin words (Wang Gang) and English
questions naming two articles (which days …). BM25 over the real seed articles (tests.fakes.LexicalRetriever),
the real engine where an English question needs dense retrieval."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.english import english_terms, latin_names, unmet_english
from rag.answering.multi import named_articles, phrases
from rag.answering.follow_ups import names_a_person
from rag.answering.question import analyze, written_forms
from rag.lang.script import normalize
from rag.lang.words import idf
from tests.asserts import assert_covers
from tests.seeds import SHIMA, JINJIANG, QINGSHAN, QINGDAO, QUAN, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def _texts(seed_articles) -> dict[str, str]:
    return {aid: normalize("\n".join([a.title, *a.paragraphs])) for aid, a in seed_articles.items()}


# -- spoken forms ---------------------------------------------------------------------------------------


def test_spoken_question_words_are_written_out_in_both_scripts():
    assert written_forms("王刚说干部遇着问题该咋办") == "王刚说干部遇到问题该怎么办"
    assert written_forms(normalize("渠岸鎮的大會是啥時候開的")) == "渠岸镇的大会是什么时候开的"
    q = analyze("王刚说干部碰着矛盾该咋办")
    assert q.atype == "manner"
    assert "咋办" not in dict(q.terms) and any("碰到" in t for t, _ in q.terms)


@pytest.mark.parametrize("question", ["王刚说干部碰着矛盾该咋办", "王剛說幹部碰着矛盾該咋辦"])
def test_a_spoken_how_question_finds_the_sentence_it_asks_about(ask, seed_articles, question):
    answer = ask(question)
    assert not answer.refused and answer.article_ids == [QUAN]
    assert ev.covers(answer.answer, [["不上交"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_a_spoken_when_question_is_a_date_question(ask, seed_articles):
    assert analyze("渠岸镇的大会是啥时候开的").atype == "date"
    answer = ask("渠岸镇的大会是啥时候开的")
    assert answer.short == "2月25日", answer.answer
    assert_well_cited(answer, seed_articles)


# -- a role asked of several articles --------------------------------------------------------------------


def test_a_role_asked_of_each_place_is_a_person_question():
    assert analyze("小枧镇和渠岸镇的党委书记分别叫什么？").atype == "person"
    assert analyze("小枧鎮和渠岸鎮的黨委書記分別是誰？").atype == "person"
    # the place and the role the question says as one phrase
    assert "小枧镇党委书记" in phrases(analyze("小枧镇的党委书记分别叫什么？"))


@pytest.mark.parametrize("question", ["小枧镇和渠岸镇的党委书记分别是谁？", "小枧鎮和渠岸鎮的黨委書記分別叫什麼名字？"])
def test_each_article_line_names_that_places_holder_of_the_role(ask, seed_articles, question):
    answer = ask(question)
    assert not answer.refused and set(answer.article_ids) == {SHIMA, QUAN}, answer.answer
    # 小枧镇党委书记陈胡立, not 小枧镇三星社区党委书记顾仕松 (the same words apart)
    assert ev.covers(answer.answer, [["陈胡立"], ["王刚"]]), answer.answer
    assert "顾仕松" not in normalize(answer.answer)
    assert_well_cited(answer, seed_articles)


# -- a follow-up about the person the answer before it named ------------------------------------------------


def test_a_person_pronoun_is_told_from_other_pronouns():
    assert names_a_person("他是什么职务？") and names_a_person("她擔任什麼職務？") and names_a_person("What is his job?")
    assert not names_a_person("他们签署了什么？") and not names_a_person("其他单位有哪些？")
    assert not names_a_person("Where was it held?")


@pytest.mark.parametrize("previous, question", [("渠岸镇的会上，表彰先进的决定是谁宣读的？", "他是什么职务？"),
                                                ("渠岸鎮的會上，表彰先進的決定是誰宣讀的？", "他擔任什麼職務？")])
def test_a_follow_up_pronoun_is_the_person_the_previous_answer_named(ask, seed_articles, previous, question):
    before = ask(previous)
    assert before.short == "王海星", before.answer
    answer = ask(question, focus=before.article_ids, previous=previous, before=before)
    assert not answer.refused
    # his role is in the sentence naming him: 镇纪委书记王海星宣读…; not the roles of the meeting's other people
    assert answer.citations and all("王海星" in normalize(c.quote) for c in answer.citations), answer.answer
    assert ev.covers(answer.answer, [["纪委书记"]])
    assert_well_cited(answer, seed_articles)


# -- English: two-word pinyin names, two articles named ---------------------------------------------------


def test_a_two_syllable_name_written_as_two_words_meets_the_article(seed_articles):
    assert "sunyu" in latin_names("Which documents did Sun Yu sign for the town government?")
    q = analyze("Which documents did Sun Yu sign for the town government?")
    texts = [normalize("\n".join(seed_articles[QUAN].paragraphs))]
    assert unmet_english(q, texts) is None  # was "Sun Yu": neither syllable alone spells a word
    assert "孙宇" in dict(english_terms(q, texts).terms)


def test_english_names_of_two_articles_ask_across_them(seed_articles):
    q = analyze("On which days were the Jinjiang and Qingshan events held?")
    assert q.atype == "date"
    assert set(named_articles(q, _texts(seed_articles), idf()[1])) == {JINJIANG, QINGSHAN}


@pytest.mark.slow
def test_english_two_word_name_and_two_articles_real_engine(seed_engine, seed_articles):
    answer = seed_engine.ask("What did Sun Yu sign on behalf of the town government in Qu'an?")
    assert not answer.refused and answer.article_ids[0] == QUAN, answer.answer
    assert ev.covers(answer.answer, [["安全生产"]]), answer.answer
    assert_well_cited(answer, seed_articles)
    answer = seed_engine.ask("On what dates were the Shima and Qingshan meetings held?")
    assert_covers(answer, [["6月25日"], ["6月16日"]], among={SHIMA, QINGSHAN})
    assert_well_cited(answer, seed_articles)


# -- a then/now pair is one statement ---------------------------------------------------------------------


def test_no_unit_cuts_a_then_now_pair(seed_articles):
    from rag.answering.units import article_units, splits_then_now

    assert splits_then_now(["以前觉得理论学习知道了就行了", "现在有本领恐慌", "不仅得知道"], 0, 0)
    assert splits_then_now(["以前觉得理论学习知道了就行了", "现在有本领恐慌", "不仅得知道"], 1, 2)
    assert not splits_then_now(["以前觉得理论学习知道了就行了", "现在有本领恐慌", "不仅得知道"], 0, 1)
    units = article_units(seed_articles[QINGDAO]).units  # Traditional article, matched on its Simplified twin
    holding = [u for u in units if "以前觉得理论学习知道了就行了" in u.text]
    assert holding and all("现在有本领恐慌" in u.text for u in holding)


@pytest.mark.parametrize("question", ["韩宗祥对理论学习有什么新看法？", "韓宗祥對理論學習有什麼新看法？"])
def test_a_question_on_what_changed_quotes_the_then_and_the_now(ask, seed_articles, question):
    answer = ask(question)
    assert not answer.refused and answer.article_ids[0] == QINGDAO
    assert ev.covers(answer.answer, [["本领恐慌"]]), answer.answer
    assert_well_cited(answer, seed_articles)


# -- what two articles share ------------------------------------------------------------------------------


@pytest.mark.parametrize("question, articles, keys", [
    ("石馬鎮和青山區的活動有什麼共同點？", {SHIMA, QINGSHAN}, [["共建合作协议"], ["睦邻共建协议"]]),
    ("锦江区和渠岸镇的活动有什么相同之处？", {JINJIANG, QUAN}, [["颁发了荣誉证书"], ["颁奖"]]),
])
def test_a_comparison_quotes_the_outcome_both_articles_report(ask, seed_articles, question, articles, keys):
    answer = ask(question)
    assert not answer.refused and set(answer.article_ids) == articles, answer.answer
    # each line is the article's signing (or award) that the other article also reports, not its opening sentence
    assert ev.covers(answer.answer, keys), answer.answer
    assert len(answer.answer.splitlines()) == 2
    assert_well_cited(answer, seed_articles)
