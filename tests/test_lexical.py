"""BM25 over jieba words of normalised text (real jieba, real bm25s)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index.lexical import LexicalIndex, han_bigrams, tokenize, tokenize_query, top_k, words

DOCS = [
    "渠岸镇党委书记王刚主持召开2024年镇村干部大会。",
    "區發改局黨委與紅砂社區簽署糧食安全項目。",  # Traditional
    "ＡＰＰ备案工作从９月起开展，过渡期10个月。",  # full-width letters and digits
    "",  # an empty document must not break anything
]


def build() -> LexicalIndex:
    return LexicalIndex.from_tokens([tokenize(d) for d in DOCS])


def test_tokens_are_simplified_halfwidth_lowercase_without_stopwords():
    assert tokenize("區發改局黨委") == tokenize("区发改局党委")
    assert "app" in tokenize("ＡＰＰ备案") and "9" in tokenize("９月")
    found = words("渠岸镇党委书记是谁？")
    assert "渠岸" in found or "渠岸镇" in found
    assert not {"是", "谁", "是谁", "？", "?"} & set(found)
    assert words("什么的了吗？！。") == []


def test_bigrams_catch_what_segmentation_splits():
    assert han_bigrams("三停一休") == ["三停", "停一", "一休"]
    assert han_bigrams("說的了") == ["说的"]  # Simplified; a pair of function characters is dropped
    assert tokenize("三停一休") == words("三停一休") + han_bigrams("三停一休")
    # question words make no bigrams: 哪些 must not match documents that say 哪些
    assert not {"哪些", "些措", "什么"} & set(tokenize_query("哪些措施是什么？"))
    assert "措施" in tokenize_query("哪些措施是什么？")


def test_a_question_in_either_script_finds_the_other():
    lex = build()
    _, ids = lex.search("紅砂社区签了什么项目？", 1)  # mixed scripts, document is Traditional
    assert list(ids) == [1]
    _, ids = lex.search("渠岸鎮黨委書記是誰？", 1)  # Traditional question, Simplified document
    assert list(ids) == [0]
    _, ids = lex.search("app备案", 1)
    assert list(ids) == [2]


def test_unknown_or_empty_questions_score_nothing():
    lex = build()
    assert lex.search("", 5)[1].size == 0
    assert lex.search("完全无关的量子计算", 5)[1].size == 0
    assert not np.any(lex.scores([]))


def test_mask_restricts_candidates():
    lex = build()
    mask = np.array([False, True, True, True])
    assert 0 not in lex.search("渠岸镇党委", 5, mask)[1]


def test_save_load_round_trip(tmp_path):
    lex = build()
    lex.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    q = tokenize_query("党委 社区 粮食")
    np.testing.assert_allclose(again.scores(q), lex.scores(q))
    assert again.n_docs == len(DOCS)


def test_top_k_orders_and_skips_zeros():
    scores, ids = top_k(np.array([0.0, 3.0, 1.0, 2.0, 0.0]), 2)
    assert list(ids) == [1, 3] and list(scores) == [3.0, 2.0]
    assert list(top_k(np.array([0.0, 1.0]), 5)[1]) == [1]


def test_an_english_question_searches_its_pinyin_names_and_news_words():
    pytest.importorskip("pypinyin")
    index = LexicalIndex.from_tokens([tokenize("渠岸镇召开干部大会，镇党委书记王刚主持"), tokenize("青岛城投集团举办擂台赛")])
    english = index.query_tokens("Who chaired the cadres meeting in Qu'an town?")
    assert "渠岸" in english  # the syllable break is kept out of the spelling: qu'an → quan
    assert {"主持", "干部", "大会"} <= set(english)  # news words, as the index spells them
    assert "会议" not in english  # a translation the articles never use adds nothing
    assert index.search("Who chaired the cadres meeting in Qu'an town?", 1)[1][0] == 0
    assert "大会" not in index.query_tokens("谁在 meeting 上发言？")  # a Chinese question is searched as written


def test_a_three_syllable_name_jieba_never_made_a_word_spells_its_two_pairs():
    from rag.lang.pinyin import spelt_words

    pinyin = {"honggang": ["红钢"], "gangcheng": ["钢城"], "shima": ["石马"], "chengdu": ["成都"]}
    assert spelt_words("shima", pinyin) == ["石马"]
    assert spelt_words("honggangcheng", pinyin) == ["红钢", "钢城"]  # the pairs share 钢
    assert spelt_words("shimachengdu", pinyin) == []  # two names side by side share no character
    assert spelt_words("paris", pinyin) == []
