"""Answer styles our second newcomer trial missed (issue #15, brief E9): what someone said is the speech attributed
to them (the sentence after the one naming them, opening 他指出…; the words after a clause cut at …表示), also for a
"what about X?" follow-up; a job title held at a place must be held at that place in the article (the mayor of
Mianyang is no town's 提名镇长). Real seed articles with BM25 (tests.fakes) and the real engine parts; the phrasings
are ours except the trial's own (m08, m09, m18)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.premise import asked_role_place
from rag.answering.question import analyze
from rag.answering.said import asks_said, cut_speech, said_unit
from rag.answering.slips import place_slips
from rag.answering.units import article_units
from rag.batch import ask_records
from tests.fakes import lexical_engine
from tests.seeds import QINGSHAN, SHIMA

# Qingshan ¶2: …新溝橋街道黨工委書記田志凱圍繞黨建融合、經濟發展、民生保障共建思路和經驗致辭。他指出,街道上下要抓好學習…;
#   要用活“三張清單”匯聚資源力量;要深化共建機制,持續做好各領域共建活動。
TIAN_SAID = [["抓好学习", "抓好學習"], ["三张清单", "三張清單"]]
# Qingshan ¶4: …紅鋼城街道黨工委副書記陶勝旺表示,2022年,紅鋼城街道與新溝橋街道聯合建立了睦鄰黨建共同體,…
TAO_SAID = [["睦邻党建共同体", "睦鄰黨建共同體"]]


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("trial2-index"))


def _ask(engine, *questions: str) -> list[dict]:
    records = [{"id": f"q{i}", "question": q, **({"follows": f"q{i - 1}"} if i else {})} for i, q in enumerate(questions)]
    return [obj for _rec, obj in ask_records(engine, records)]


@pytest.mark.parametrize("question, said", [
    ("What did Tian Zhikai say the subdistricts should do?", True),  # the trial's m08
    ("田志凯说了什么？", True), ("田志凱強調了什麼？", True), ("程汉萍在会上指出了哪些问题？", True),
    ("What did Cheng Hanping stress?", True), ("陶胜旺讲话的主要内容是什么？", True),
    ("Who chaired the Qingshan meeting?", False), ("田志凯是什么职务？", False), ("What is the 12345 mechanism?", False),
])
def test_questions_that_ask_what_someone_said(question, said):
    assert asks_said(question) is said


def test_a_what_about_follow_up_asks_what_the_question_before_it_asked():
    assert asks_said("What about Tao Shengwang?", "What did Tian Zhikai say the subdistricts should do?")
    assert asks_said("那陶胜旺呢？", "田志凯强调了什么？")
    assert not asks_said("What about Tao Shengwang?", "Who chaired the Qingshan meeting?")
    assert not asks_said("What about Tao Shengwang?")


def test_the_sentence_naming_a_speaker_gives_way_to_what_they_said(seed_articles):
    au = article_units(seed_articles[QINGSHAN])
    naming = next(u for u in au.units if u.kind == "sent" and u.sentences == 1 and u.text.endswith("致辞。") and "田志" in u.text)
    better = said_unit(au, naming, au.units)
    assert better is not None and better.text.startswith(naming.text)
    assert "抓好学习" in better.text and "深化共建机制" in better.text  # the whole list of demands, with who made it
    cut = next(u for u in au.units if u.kind == "run" and u.text.endswith("陶胜旺表示"))
    longer = cut_speech(au, cut, au.units)
    assert longer is not None and longer.text.startswith(cut.text) and "睦邻党建共同体" in longer.text
    assert said_unit(au, longer, au.units) is None  # it says it already


def _said(answer: dict, keys) -> None:
    assert not answer["refused"] and {c["article_id"] for c in answer["citations"]} == {QINGSHAN}, answer["answer"]
    assert ev.covers(answer["answer"], keys), answer["answer"]


@pytest.mark.parametrize("question", ["田志凯说了什么？", "田志凱說了什麼？", "新沟桥街道党工委书记田志凯致辞时讲了什么？"])
def test_what_someone_said_is_answered_with_their_words(engine, question):
    _said(_ask(engine, question)[0], TIAN_SAID)


@pytest.mark.parametrize("first, then", [("田志凯说了什么？", "那陶胜旺呢？"), ("田志凱強調了什麼？", "陶勝旺呢？")])
def test_a_what_about_follow_up_gets_the_other_speakers_words(engine, first, then):
    _said(_ask(engine, first, then)[1], TAO_SAID)


@pytest.mark.slow
def test_the_trials_english_questions_on_the_real_engine(seed_engine):
    """m08 and its follow-up m09, and m18, over the real hybrid retriever (English needs the dense side)."""
    first, then = _ask(seed_engine, "What did Tian Zhikai say the subdistricts should do?", "What about Tao Shengwang?")
    _said(first, TIAN_SAID)
    _said(then, TAO_SAID)
    for question in ("Who is the mayor of Mianyang?", "Who is the mayor of Mianyang city?"):
        answer = _ask(seed_engine, question)[0]
        assert answer["refused"], answer["answer"]
    answer = _ask(seed_engine, "Who is the mayor of Shima town?")[0]
    assert not answer["refused"] and ev.covers(answer["answer"], [["黄充", "黃充"]]), answer["answer"]


@pytest.mark.parametrize("question, place, title", [
    ("Who is the mayor of Mianyang?", "绵阳", "mayor"),  # m18
    ("绵阳市市长是谁？", "绵阳", "市长"), ("小枧镇党委书记是谁？", "小枧", "党委书记"), ("石马镇镇长叫什么名字？", "石马", "镇长"),
])
def test_the_place_a_question_holds_a_title_at(seed_articles, question, place, title):
    texts = [article_units(seed_articles[SHIMA]).text]
    asked = asked_role_place(analyze(question), texts)
    assert asked is not None and asked[:2] == (place, title)


@pytest.mark.parametrize("question", ["绵阳市市长是谁？", "綿陽市長是誰？", "绵阳市的市长是谁？"])
def test_a_title_the_article_holds_only_at_other_places_is_refused(engine, question):
    answer = _ask(engine, question)[0]
    assert answer["refused"], answer["answer"]


@pytest.mark.parametrize("question, key", [
    ("石马镇镇长是谁？", [["黄充", "黃充"]]),
    ("石馬鎮鎮長是誰？", [["黄充", "黃充"]]),
    ("渠岸镇党委书记是谁？", [["王刚"]]),  # 镇党委书记王刚: a title written with no place may be the asked place's
])
def test_a_title_held_at_the_asked_place_is_answered(engine, question, key):
    answer = _ask(engine, question)[0]
    assert not answer["refused"] and ev.covers(answer["answer"], key), answer["answer"]


# Shima ¶7: 小枧鎮黨委書記陳胡立強調,一是結對互助。 (a Traditional article; its search form is Simplified)
@pytest.mark.parametrize("question, slips", [
    ("小见镇党委书记是谁？", [("小见镇", "小枧镇")]),  # the trial's m20 (见/枧: jian)
    ("请问石玛镇的镇长是谁？", [("石玛镇", "石马镇")]),
    ("青删区的睦邻党建联席会在哪开的？", [("青删区", "青山区")]),
    ("新沟乔街道的书记是谁？", [("新沟乔街道", "新沟桥街道")]),
    ("小枧镇党委书记是谁？", []),  # written: nothing to read otherwise
    ("东城区的书记是谁？", []),  # 东/青 sound unlike: no slip
    ("社区书记是谁？", []),  # 社区 is a word, not a name with a suffix
])
def test_a_place_name_one_homophone_off_is_a_slip(seed_articles, question, slips):
    texts = [article_units(a).text for a in seed_articles.values()]
    assert place_slips(question, texts) == slips


def test_a_slip_with_two_places_it_may_be_is_no_slip():
    texts = ["小枧镇党委书记陈胡立", "小涧镇党委书记某某"]  # 枧 and 涧 both read jian
    assert place_slips("小见镇党委书记是谁？", texts) == []
    assert place_slips("小见镇党委书记是谁？", texts[:1]) == [("小见镇", "小枧镇")]


@pytest.mark.parametrize("question, note", [
    ("小见镇党委书记是谁？", "读作 小枧镇"),  # m20
    ("小見鎮黨委書記是誰？", "讀作 小枧鎮"),  # the place as the article writes it, the note in the asker's script
    ("小见镇的党委书记叫什么名字？", "读作 小枧镇"),
])
def test_a_mistyped_place_is_read_as_the_articles_place_and_the_note_says_so(engine, question, note):
    answer = _ask(engine, question)[0]
    assert not answer["refused"] and ev.covers(answer["answer"], [["陈胡立", "陳胡立"]]), answer["answer"]
    assert note in (answer.get("note") or ""), answer.get("note")
