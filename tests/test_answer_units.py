"""Answer units, slot annotations and question analysis on real excerpts of the seed articles (fast: no model,
no retrieval)."""

from __future__ import annotations

import pytest

from rag.answering.question import analyze
from rag.answering.slots import article_slots
from rag.answering.units import article_units
from rag.ingest.articles import Article
from tests.seeds import SHIMA, JINJIANG, QINGDAO, QINGSHAN, QUAN


@pytest.fixture(scope="module")
def articles(seed_articles):
    return seed_articles


def _texts(au, kind):
    return ["".join(au.article.paragraph(p)[a:b] for p, a, b in u.spans) for u in au.units if u.kind == kind]


def test_every_unit_quotes_its_paragraphs_verbatim(articles):
    for article in articles.values():
        au = article_units(article)
        assert au.units
        for u in au.units:
            for p, a, b in u.spans:
                assert 0 <= a < b <= len(article.paragraph(p))
            assert u.text == "".join(au.norm[p - 1][a:b] for p, a, b in u.spans)


def test_an_enumeration_is_one_unit_with_all_its_items(articles):
    # ¶9–10 of the Qu'an article: 一要立足镇情 … 二要突出重点 … 三要恪守规矩 (the third item opens ¶10)
    au = article_units(articles[QUAN])
    heads = [t for t in _texts(au, "enumh") if "一要" in t]
    assert heads and all(x in heads[0] for x in ("一要立足镇情", "二要突出重点", "三要恪守规矩"))
    whole = [u for u in au.units if u.kind == "enum" and "一要" in u.text]
    assert whole and {p for p, _, _ in whole[0].spans} == {9, 10}
    # 一是…二是…三是 in one paragraph, in Traditional
    shima = article_units(articles[SHIMA])
    assert any("一是結對互助" in t and "三是共謀新局" in t for t in _texts(shima, "enumh"))


def test_demands_after_semicolons_are_one_enumeration_read_with_who_makes_them(articles):
    # the Qingshan article: …田志凱…致辭。他指出，…要抓好學習…；要用活“三張清單”…；要深化共建機制…
    enums = _texts(article_units(articles[QINGSHAN]), "enum")
    assert any(t.startswith("本次會議由") and "田志凱" in t and "要用活" in t and "要深化共建機制" in t for t in enums)
    assert any(t.startswith("他指出") and "要深化共建機制" in t for t in enums)
    # 程漢萍 …並指出要穩中求進…；要進一步完善睦鄰機制…；要堅持問題導向…: one unit, all three demands
    assert any("穩中求進" in t and "睦鄰機制" in t and "問題導向" in t for t in enums)


def test_a_pronoun_and_speech_verb_sentence_continues_its_speakers_sentence(articles):
    # the Jinjiang article ¶3: 余家洪在活動致辭中強調，…。他要求，全區各級黨組織…戰斗堡壘…先鋒模范作用…
    sents = _texts(article_units(articles[JINJIANG]), "sent")
    joined = [t for t in sents if "余家洪" in t and t.count("。") == 2 and "他要求" in t]
    assert joined and "深入推進機關黨組織" in joined[0]  # the two whole sentences
    short = [t for t in sents if t.startswith("錦江區委常委") and t.endswith("新臺階。") and "深入推進" not in t]
    assert short and "強調他要求" in short[0]  # the clause naming the speaker, then the demand
    # the Qingshan article ¶2: …田志凱…致辭。他指出，…要深化共建機制… (指出 continues its speaker's sentence too)
    assert any(t.startswith("本次會議由") and "他指出" in t for t in _texts(article_units(articles[QINGSHAN]), "sent"))


def test_an_open_list_ending_in_deng_is_an_enumeration(articles):
    enums = _texts(article_units(articles[SHIMA]), "enum")
    assert any(t.startswith("下一步") and t.endswith("經濟發展、項目保障、基層治理、城市建設等方面開展深度合作共建") for t in enums)
    assert any(t.startswith("在筑牢基層黨建堡壘") and "辦好民生實事等方面" in t for t in enums)
    # a list without 等 is no enumeration of its own (觀看…、…: the first stage's sentence stays a sentence)
    assert not any("主講人王仕軍" in t for t in enums)


def test_a_quotation_and_its_speaker_are_one_unit(articles):
    au = article_units(articles[QINGDAO])
    quotes = _texts(au, "quote")
    assert any("把視聽上的沖擊變成行動上的自覺" in t and t.endswith("張福杰說。") for t in quotes)
    # the speaker named by title in the next sentence, with no 说 (…黨支部書記黃俊德將以…)
    assert any("114家企業" in t and "黃俊德" in t for t in quotes)


def test_list_items_that_are_clauses_are_units(articles):
    items = _texts(article_units(articles[JINJIANG]), "item")
    assert any(t.startswith("區委黨校黨支部和沙河街道匯泉路社區黨委簽署") for t in items)


def test_slots_find_people_after_titles_dates_and_counts(articles):
    au = article_units(articles[QUAN])
    slots = article_slots(au)

    def found(kind):
        return {au.norm[p - 1][a:b] for p, a, b in slots.spans[kind]}

    assert {"王刚", "孙宇", "张晓敏", "王海星", "马瑜"} <= found("person")
    assert "2月25日" in found("date") and "2024年" in found("year")
    assert "13个" in found("number") and any(slots.measures.get(s) == "个" for s in slots.spans["number"])
    assert not slots.any("phone") and not slots.any("age")
    assert "关于" not in "".join(found("person"))  # a title followed by a common word is no name


def test_a_number_inside_a_date_is_no_count(articles):
    # 这是7月11日崂山区国企领域…擂台比武的现场: the 7 and the 11 are the date's, not counts (an English "how many"
    # once answered 7 from it); the article's real counts stay numbers
    au = article_units(articles[QINGDAO])
    slots = article_slots(au)
    numbers = {au.norm[p - 1][a:b] for p, a, b in slots.spans["number"]}
    dates = [(p, a, b) for p, a, b in slots.spans["date"] if au.norm[p - 1][a:b] == "7月11日"]
    assert dates
    assert not any(p == dp and da <= a < db for p, a, _ in slots.spans["number"] for dp, da, db in dates)
    assert {"114家", "12家"} <= numbers


def test_a_purpose_clause_is_a_slot(articles):
    au = article_units(articles[QUAN])
    slots = article_slots(au)
    assert any(p == 1 and a == 0 for p, a, _ in slots.spans["purpose"])  # ¶1 opens 为全面贯彻…


@pytest.mark.parametrize(("question", "atype"), [
    ("小枧镇三星社区党委书记是谁？", "person"),
    ("“把视听上的冲击变成行动上的自觉”是谁说的？", "speaker"),
    ("郭健在青島城投集團擔任什麼職務？", "title"),
    ("参加石马镇结对共建签约仪式的有多少人？", "number"),
    ("绵阳青石路涪江大桥工程项目的总投资是多少？", "money"),
    ("錦江區委組織部部長余家洪今年多大年紀？", "age"),
    ("青岛市委网信办的擂台比武是哪天？", "date"),
    ("锦江区的活动是在哪里举办的？", "place"),
    ("渠岸镇召开2024年镇村干部大会的目的是什么？", "purpose"),
    ("Who chaired the Qingshan district meeting?", "person"),
    ("What is the phone number of the Qingshan District Library?", "phone"),
    ("In what year was the alliance founded?", "year"),
])
def test_the_kind_of_answer_a_question_asks_for(question, atype):
    assert analyze(question).atype == atype


def test_question_analysis_finds_predicate_measure_enumeration_and_multi():
    q = analyze("新沟桥街道和红钢城街道开了什么会？")
    assert q.head == "会" and "开" in q.near
    assert analyze("参加签约仪式的有多少人？").measure == "人"
    assert analyze("孙宇要求领导干部坚持哪“三高”？").abbreviation == (3, "高")
    assert analyze("新溝橋街道和紅鋼城街道下一步打算在哪些方面持續發力？").enum
    assert analyze("这几场活动分别是哪天举行的？").multi
    assert analyze("Which of the articles mention the 20th Party Congress?").multi
    assert not analyze("锦江区的活动是由哪些单位指导的？").multi  # one article's list, not a list of articles
    # the verb of a 是由…的 question is asked for, though jieba's dictionary leaves 指导 untagged
    assert "指导" in analyze("锦江区的活动是由哪些单位指导的？").predicates
    assert analyze("这是谁的书？").predicates == () and "举办" not in analyze("活动是在哪里举办的？").predicates
    assert "6月" in dict(analyze("这几篇文章里，哪些活动是在6月份举行的？").terms)


def test_a_hearsay_preamble_weighs_less_than_the_ask():
    from rag.answering.question import preamble_clauses
    text = "我在看青山區的新聞，說是新溝橋和紅鋼城兩個街道在搞睦鄰黨建，去年是紅鋼城輪值，那去年他們創新實施的是什麼工作機制？"
    q, terms = analyze(text), dict(analyze(text).terms)
    assert "看" not in terms and "新闻" not in terms  # the preamble's own words are no terms
    assert terms["机制"] > terms["睦邻"] and terms["创新"] > terms["街道"]  # the ask outweighs the story
    assert not q.enum  # 两个街道 in the story asks for no list
    from rag.lang.script import normalize
    assert len(preamble_clauses(normalize(text))) == 3
    assert preamble_clauses(normalize(text.replace("說是", "").replace("的新聞", ""))) == []  # no hearsay, no preamble
    # a question word in an earlier clause ends the story there: it asks something
    assert preamble_clauses("听说锦江区办了活动，是在哪里办的，有多少人参加？") == ["听说锦江区办了活动"]
    assert analyze("新溝橋街道和紅鋼城街道的兩個共建項目是什麼？").enum  # no preamble: unchanged


def test_an_article_without_units_gives_none():
    au = article_units(Article("x", "标题", ("。",)))
    assert au.units == ()
