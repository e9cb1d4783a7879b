"""Answer misses of bench/fresh8_qa.jsonl's first run (issue #15; fresh8 is tuned on since), each fixed by a rule
for a kind of question, on the real seed articles (BM25: tests.fakes.LexicalRetriever; English questions: the
real engine, slow)."""

from __future__ import annotations

import pytest

from rag import evaluate as ev
from rag.answering.asks import asks, second_ask
from rag.answering.english import named_words
from rag.answering.multi import named_articles
from rag.answering.question import analyze
from rag.answering.units import article_units
from rag.lang.glossary import glossary_words
from rag.lang.script import normalize
from tests.seeds import JINJIANG, QINGDAO, QINGSHAN, QUAN, SHIMA, assert_well_cited, lexical_asker


@pytest.fixture(scope="module")
def ask(seed_articles):
    return lexical_asker(seed_articles)


def test_a_pinyin_name_stands_for_the_word_the_articles_use_most(seed_articles):
    # "qingshan" spells 青山 (Qingshan ¶1 青山区图书馆, 青山区委组织部) and 清单 (Jinjiang's 两份清单): the name is 青山
    texts = [article_units(seed_articles[a]).text for a in (QINGSHAN, QUAN)]
    assert named_words(analyze("Where was the Qingshan meeting held?"), texts) == ["青山"]
    assert named_words(analyze("青山区的会议在哪里开的？"), texts) == []  # Chinese questions name no pinyin


@pytest.mark.slow
def test_an_english_question_naming_its_place_reads_that_article(seed_engine, seed_articles):
    # Qu'an's 大会 was chaired too (会议由镇人大主席张晓敏主持) and ranked first; Qingshan ¶2 本次会议由…刘芸主持
    answer = seed_engine.ask("Where was the Qingshan meeting held, and who chaired it?")
    assert answer.article_ids == [QINGSHAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["青山区图书馆"], ["刘芸"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question", ["锦江区发布的那两份清单里都有哪些数字？", "渠岸鎮那篇報導裡提到了哪些數字？",
                                      "Which numbers does the Jinjiang list give?"])
def test_which_numbers_asks_for_figures_and_numbers_is_no_content(question):
    q = analyze(question)
    assert q.atype == "number" and q.enum, (q.atype, q.enum)
    assert not {"数字", "numbers"} & {t for t, _ in q.terms}, q.terms


def test_which_numbers_a_list_gives_quotes_its_figures(ask, seed_articles):
    # Jinjiang ¶3 …清单包含74个社区的需求项目104项、55个单位的资源项目93项 (was the clause of the list's topics)
    answer = ask("錦江區那兩份清單裡有什麼數字？")
    assert answer.article_ids == [JINJIANG] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["74个"], ["104项"], ["55个"], ["93项"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question, last", [
    ("青岛崂山区国企那场擂台比武是几号？黄俊德他们调研了多少家企业？", "黄俊德他们调研了多少家企业?"),
    ("Who pledged at the signing, and at whose request?", "whose request?"),
    ("which units gave guidance and which ones actually hosted it?", "which ones actually hosted it?"),
    ("石马镇有多少人？", None),
    ("石马镇的镇长叫什么名字", None),
])
def test_the_last_of_two_asks(question, last):
    assert second_ask(normalize(question)) == last


def test_the_last_of_two_asks_gets_its_own_unit(ask, seed_articles):
    # Qingdao: 这是7月11日崂山区国企领域…擂台比武的现场 answers the first ask; “…对114家企业进行调研…”…黄俊德… the last
    answer = ask("崂山区国企那场擂台比武是哪天？黄俊德他们调研了几家企业？")
    assert answer.article_ids == [QINGDAO] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["7月11日"], ["114家"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_glossary_words_of_who_asked_and_who_spoke():
    # Shima ¶6 受镇党委书记魏爱军委托…黄充代表镇党委做出表态; ¶2 主讲人王仕军教授…的宣讲; Jinjiang ¶2 …指导,…主办
    assert glossary_words("at whose request") == ["委托", "邀请"]
    assert glossary_words("who gave the talk") == ["宣讲", "讲座", "主讲"]
    assert "主办" in glossary_words("hosted") and glossary_words("guidance") == ["指导"]
    # Qingshan ¶3 …创新实施“12345”工作机制: "what mechanism did they roll out"
    assert glossary_words("roll out") == ["推出", "实施"]


@pytest.mark.slow
def test_an_english_ask_at_whose_request_names_who_asked(seed_engine, seed_articles):
    answer = seed_engine.ask("Who pledged on behalf of the Shima town Party committee, and at whose request?")
    assert answer.article_ids == [SHIMA] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["黄充"], ["魏爱军"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_spoken_built_up_is_read_as_founded(ask, seed_articles):
    # Qingshan ¶3 …2022年,红钢城街道与新沟桥街道联合建立了睦邻党建共同体… (was the meeting's 为2023年… sentence)
    assert "建立" in dict(analyze("睦邻党建共同体是哪年建起来的？").terms)
    answer = ask("新沟桥和红钢城的睦邻党建共同体是哪一年建起来的？")
    assert answer.article_ids == [QINGSHAN] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["2022年"]]), answer.answer
    assert_well_cited(answer, seed_articles)


@pytest.mark.parametrize("question, focus, words", [
    ("石馬鎮簽約儀式上，代表村（社區）黨組織上台分享發言的是哪兩位？", (), {"分享", "发言"}),
    ("哪两名干部获奖？", ("干部",), {"干部", "获奖"}),
])
def test_a_count_after_which_frames_the_ask(question, focus, words):
    q = analyze(question)
    assert q.atype == "person" and q.enum and q.focus == focus, (q.atype, q.enum, q.focus)
    assert words <= {t for t, _ in q.terms} and not {"两位", "两名"} & {t for t, _ in q.terms}, q.terms


def test_which_two_people_spoke_is_no_missing_slot(ask, seed_articles):
    # Shima ¶5 …三星社区党委书记顾仕松和…横山社区党总支书记徐显贵分别代表…作分享发言 (was refused: 两位 read as the
    # thing asked about)
    answer = ask("石马镇签约仪式上，代表村（社区）党组织作分享发言的是哪两位？")
    assert answer.article_ids[0] == SHIMA and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["顾仕松"], ["徐显贵"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_every_ask_of_another_kind_is_split_out():
    assert asks(normalize("那市委网信办的比武呢，哪天办的，谁讲的话？")) == ["那市委网信办的比武呢,哪天办的", "谁讲的话?"]
    assert asks(normalize("石马镇有多少人？")) == []


def test_a_follow_up_of_two_asks_answers_both(ask, seed_articles):
    # Qingdao ¶7: 7月1日,青岛市委网信办组织各支部开展擂台比武活动… and “…”青岛市委网信办…张福杰说。 (was refused:
    # 的话 read as the thing asked about, and only the speaker's kind asked)
    first = ask("崂山区国企那场擂台比武是哪天？")
    answer = ask("那市委网信办的比武呢，哪天办的，谁讲的话？", focus=[QINGDAO], previous="崂山区国企那场擂台比武是哪天？", before=first)
    assert answer.article_ids == [QINGDAO] and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["7月1日"], ["张福杰"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_two_asks_each_naming_its_article_name_both(seed_articles):
    texts = {a: article_units(seed_articles[a]).text for a in (QUAN, SHIMA, QINGDAO)}
    q = analyze("石马镇那篇是谁写的？渠岸镇的镇村干部大会是哪位记者报道的？")
    assert named_articles(q, texts, 0.0) == [QUAN, SHIMA] or named_articles(q, texts, 0.0) == [SHIMA, QUAN]
    # two asks about one article name one article: no question across articles
    assert named_articles(analyze("崂山区国企那场擂台比武是几号？黄俊德他们调研了多少家企业？"), texts, 0.0) == []


@pytest.mark.slow
def test_an_english_question_asking_two_articles_writers_answers_each(seed_engine, seed_articles):
    # Shima: 文/图:谭海波 高洁; Qu'an: the outlet's credits 齐巨儒、娄卓 (was the Qu'an article alone)
    answer = seed_engine.ask("Who wrote the Shima-Xiaojian story, and which reporter covered the Qu'an town cadre meeting?")
    assert set(answer.article_ids) == {SHIMA, QUAN} and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["谭海波"], ["齐巨儒"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_given_to_whom_across_articles_names_the_bodies(ask, seed_articles):
    # Jinjiang ¶5 …为区政协、区法院…6个…标兵单位…颁发了荣誉证书 (was 余家洪's speech: a person, saying no 颁)
    answer = ask("哪几篇报道里有颁发证书？分别颁给了谁？")
    assert JINJIANG in answer.article_ids and not answer.refused, answer.answer
    assert ev.covers(answer.answer, [["区政协"], ["标兵单位"]]), answer.answer
    assert_well_cited(answer, seed_articles)


def test_a_day_after_the_report_that_it_never_names_is_refused(ask, seed_articles):
    # Qingshan (18 June 2023) reports the 6月16日 meeting: "postponed to 7月16日" is another event than its own
    answer = ask("青山区的睦邻党建联席会为什么推迟到7月16日才召开？")
    assert answer.refused and "7月16日" in answer.answer, answer.answer
    # the day it does name is answered
    answer = ask("青山区的睦邻党建联席会6月16日在哪里召开？")
    assert not answer.refused and ev.covers(answer.answer, [["青山区图书馆"]]), answer.answer


@pytest.mark.parametrize("question, refused", [
    ("小枧镇提名镇长商俊成在签约仪式上强调了哪三点？", True),  # Shima ¶7: 小枧镇党委书记陈胡立强调,一是…
    ("小枧镇党委书记陈胡立强调了哪三点？", False),
    ("孙宇要求领导干部坚持哪“三高”？", False),  # Qu'an: 孙宇带领…。他表示…他要求,领导干部要坚持高站位…: 他 may be him
])
def test_a_speech_given_to_someone_the_article_never_has_say_it(ask, question, refused):
    answer = ask(question)
    assert answer.refused == refused, answer.answer
