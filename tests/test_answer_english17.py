"""Brief E17 (issue #15): English forms of the rules the Chinese questions have, each a general rule checked with
phrasings of our own on the bundled seeds (none a question of a bench set):

- two articles named before one noun for articles ("the Qu'an and Qingdao articles") ask of each article
  (data/spread_cues.tsv): it was refused, read as the Qingdao article alone;
- yes/no checks of a person (rag.answering.yes_no): a title held (Is Sun Yu the Party secretary of Qu'an town?
  → No — the article says 孙宇 is 党委副书记、代镇长) and who did something (Was Liu Yun the one who chaired …?);
- refusals naming what is missing: a list the article only counts (which ten practical projects: 10件为民办实事),
  a maker of a work it never names (who directed the video: data/work_roles_en.tsv), how long a talk lasted.

QUAN ¶: 镇党委副书记、代镇长孙宇带领全体干部…; 会议由镇人大主席张晓敏主持; 做好全面10件为民办实事重点工作; 下设13个工作专班
(listed after a colon). QINGSHAN: 本次会议由…办事处主任劉蕓主持. SHIMA: 石馬鎮黨委副書記、鎮長黃充. JINJIANG: 主题视频《一路向前》."""

from __future__ import annotations

import pytest

from rag.answering.english import counted_list_en
from rag.answering.multi import spreads
from rag.answering.yes_no import checked


@pytest.mark.parametrize("question", [
    "What outlets reported the Qu'an and Qingdao articles?", "Who wrote the Shima and Jinjiang stories?",
    "When were the Qingshan and Qu'an reports published?"])
def test_two_articles_named_before_one_noun_for_articles_spread(question):
    assert spreads(question)


@pytest.mark.parametrize("question", ["What outlets reported the Qu'an article?", "Who wrote the story about Shima?"])
def test_one_article_named_does_not_spread(question):
    assert not spreads(question)


@pytest.mark.parametrize("question, kind, value, who", [
    ("Is Sun Yu the Party secretary of Qu'an town?", "title", ("党委书记", "党工委书记"), "Sun Yu"),
    ("Is Sun Yu the acting town head of Qu'an?", "title", ("代镇长", "代乡长"), "Sun Yu"),
    ("Was Huang Chong the mayor of Shima?", "title", ("镇长", "市长", "县长", "区长", "乡长"), "Huang Chong"),
    ("Was Liu Yun the one who chaired the meeting in Qu'an?", "who", "Liu Yun", "Liu Yun"),
    ("Was it Zhang Xiaomin who chaired the cadre meeting?", "who", "Zhang Xiaomin", "Zhang Xiaomin"),
])
def test_an_english_yes_no_question_checks_a_person(question, kind, value, who):
    check = checked(question, "en")
    assert check is not None and (check.kind, check.value, check.who) == (kind, value, who)


@pytest.mark.parametrize("question", [
    "Was the Qingshan meeting held in the library?", "Is Qingdao a big city?", "Who is the Party secretary of Qu'an town?",
    "Is Sun Yu from Qu'an?"])
def test_no_person_checked(question):
    assert checked(question, "en") is None


TEXT = "镇党委书记王刚作强调,要做好全面10件为民办实事重点工作。下设13个工作专班:党建工作专班、项目包装工作专班。"


@pytest.mark.parametrize("question, missing", [
    ("Which ten practical projects did Qu'an plan? List them.", "which ten practical projects"),
    ("List the 10 practical things Qu'an will do.", "which 10 practical things"),
    ("Which 13 task forces were set up?", None),  # listed after a colon
    ("Which three people made pledge speeches?", None),  # no three of them counted
])
def test_a_list_only_counted_is_missing(question, missing):
    assert counted_list_en(question, TEXT) == missing


@pytest.mark.slow
@pytest.mark.parametrize("question, head, key", [
    ("Is Sun Yu the Party secretary of Qu'an town?", "No — the article says 孙宇 is", "代镇长"),
    ("Is Sun Yu the acting town head of Qu'an?", "Yes", "代镇长孙宇"),
    ("Is Wang Gang the Party secretary of Qu'an town?", "Yes", "王刚"),
    ("Is Huang Chong the Party secretary of Shima town?", "No — the article says 黃充 is", "鎮長"),
    ("Was Liu Yun the one who chaired the meeting in Qu'an?", "No — the article names 张晓敏", "张晓敏"),
    ("Was it Liu Yun who chaired the Qingshan joint meeting?", "Yes", "劉蕓"),
])
def test_an_english_check_of_a_person_real_engine(seed_engine, question, head, key):
    answer = seed_engine.ask(question)
    assert not answer.refused and answer.answer.startswith(head) and key in answer.answer, answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, missing", [
    ("Which ten practical projects did Qu'an plan? List them.", "which ten practical projects"),
    ("What are the ten practical projects Qu'an town will carry out?", "which ten practical projects"),
    ("Who directed the video?", "who directed the video"),
    ("Who filmed the theme video shown at the Jinjiang event?", "who filmed the theme video"),
    ("How long did Professor Wang speak?", "how long"),
    ("How long was Professor Wang's talk?", "how long"),
])
def test_english_refusals_name_what_is_missing_real_engine(seed_engine, question, missing):
    answer = seed_engine.ask(question)
    assert answer.refused and missing in answer.answer, answer.answer


@pytest.mark.slow
@pytest.mark.parametrize("question, outlets", [
    ("What outlets reported the Qu'an and Qingdao articles?", ["农业科技报", "大眾日報"]),
    ("Which outlets published the Qu'an and Qingdao stories?", ["农业科技报", "大眾日報"]),
])
def test_two_named_articles_each_answered_real_engine(seed_engine, question, outlets):
    answer = seed_engine.ask(question)
    assert not answer.refused and all(o in answer.answer for o in outlets), answer.answer
