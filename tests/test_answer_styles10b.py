"""Brief A10 phase 2 (issue #15; fresh11_qa/fresh12_qa TUNED ON): a lecture's speaker named by 主讲人, a follow-up
asking her job title, what points someone emphasised, a rule someone required. Phrasings of our own on the seed
excerpts quoted beside them (Simplified, Traditional; English with the real engine), none a question of a bench set."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.question import analyze
from rag.batch import ask_records
from tests.fakes import conversation, lexical_engine


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("styles10b-index"))


def _ask(engine, question: str) -> dict:
    (_, answer), = ask_records(engine, [{"id": "a", "question": question}])
    return answer


# Shima ¶2: …认真聆听了主讲人王仕军教授关于党的二十大精神的宣讲,… (主讲人 is a title a name follows)
@pytest.mark.parametrize("question", ["石马镇和小枧镇的结对活动上，二十大精神宣讲的主讲人是谁？",
                                      "結對活動第一階段的專題培訓會，主講人是哪位？"])
def test_a_lectures_speaker_is_named_after_zhujiangren(engine, question):
    answer = _ask(engine, question)
    assert not answer["refused"] and ev.covers(answer["answer"], [["王仕军"]]), answer["answer"]


# Qingshan ¶2: 本次会议由新沟桥街道党工委副书记、办事处主任刘芸主持,…
@pytest.mark.parametrize("then", ["她是什么职务？", "她擔任什麼職位？"])
def test_her_job_title_is_read_from_the_units_naming_her(engine, then):
    before, after = conversation(engine, "青山区那个睦邻党建联席会是谁主持的？", then)
    assert ev.covers(before["answer"], [["刘芸"]]), before["answer"]
    assert not after["refused"] and ev.covers(after["answer"], [["办事处主任", "副书记"]]), after["answer"]


@pytest.mark.parametrize("question", ["What's her job title?", "What was his official post?", "What’s their role?",
                                      "What is her position?"])
def test_english_job_title_questions_ask_a_title(question):
    assert analyze(question).atype == "title"


@pytest.mark.slow
def test_english_speaker_title_points_and_rule_real_engine(seed_engine):
    for question, keys in [
        ("Who delivered the lecture that the participants of the Shima–Xiaojian event watched?", [["王仕军"]]),
        ("Who was the lecturer at the Shima and Xiaojian pairing event?", [["王仕军"]]),
        # Shima ¶7: 小枧镇党委书记陈胡立强调,一是结对互助。…二是合作共建。…三是共谋新局。
        ("Which points did Chen Huli emphasise at the twinning ceremony?", [["互助"], ["合作共建"], ["共谋新局"]]),
        ("What three things did Chen stress at the Shima–Xiaojian ceremony?", [["互助"], ["合作共建"], ["共谋新局"]]),
        # Qingdao ¶9: …青岛市委组织部要求擂台比武述讲人原则上应为党组织书记,…
        ("Did the Qingdao organisation department require contest speakers to be Party secretaries?", [["党组织书记"]]),
        ("What did Qingdao require of the speakers at its contests?", [["党组织书记"]]),
    ]:
        answer = _ask(seed_engine, question)
        assert not answer["refused"] and ev.covers(answer["answer"], keys), (question, answer["answer"])
    for then in ("What's her job title?", "What was her official post?"):
        _, after = conversation(seed_engine, "Who chaired the Qingshan joint meeting of the two sub-districts?", then)
        assert ev.covers(after["answer"], [["办事处主任", "副书记"]]), (then, after["answer"])
