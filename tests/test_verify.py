"""The verifier: sentences checked against the sources they cite, on real seed text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rag.answering import verify as V
from rag.lang.script import to_simplified

ROOT = Path(__file__).resolve().parents[1]

# A paragraph of seed 000 as the cleaner gives it (Traditional script, ASCII commas).
P1 = (
    "為充分發揮基層黨建的核心引領作用,切實增進綿陽石馬鎮黨委、小枧鎮黨委及雙方下轄村(社區)黨組織之間的學習交流,"
    "根據區委組織部關于開展基層黨建“四互爭一流”行動的工作安排部署,6月25日,石馬鎮、小枧鎮黨政領導班子成員,"
    "相關部門負責人,雙方村(社區)黨組織書記共計60余人,齊聚石馬鎮人民政府5樓會議室,舉行基層黨建“四互爭一流”結對共建簽約儀式。"
)
P2 = "在活動的第二階段,首先由小枧鎮黨委副書記李潔茹宣讀結對文件,明確了雙方村(社區)黨組織結對方向、具體工作職責。"
P3 = "2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会,镇领导班子成员、全体机关干部参加会议。"
EN = {
    1: "The Harbor Bridge in Riverton reopened on Monday after eight months of repairs.",
    2: "The repairs cost 12 million dollars and were paid by the city council.",
}


def check(text: str, sources: dict[int, str]) -> list[V.Sentence]:
    return V.verify(text, sources)


def test_verbatim_sentence_in_other_script_is_supported_and_keeps_its_citation():
    sentence = to_simplified("6月25日,石馬鎮、小枧鎮黨政領導班子成員,相關部門負責人,雙方村(社區)黨組織書記共計60余人,齊聚石馬鎮人民政府5樓會議室。")
    (s,) = check(sentence + "[1]", {1: P1, 2: P2})
    assert s.supported and s.citations == (1,)
    assert s.quotes and "60余人" in s.quotes[0]


def test_changed_number_is_unsupported():
    (s,) = check("6月26日,石马镇、小枧镇党政领导班子成员共计60余人齐聚石马镇人民政府5楼会议室。[1]", {1: P1})
    assert not s.supported and "26" in s.reason


def test_name_from_another_article_is_unsupported():
    (s,) = check("小枧镇党委副书记王刚宣读结对文件。[1]", {1: P2})
    assert not s.supported


def test_fabricated_claim_about_a_named_town_is_unsupported():
    (s,) = check("石马镇宣布将投资5亿元新建一座国际机场。[1]", {1: P1, 2: P2})
    assert not s.supported and s.citations == ()


def test_made_up_clause_appended_to_a_true_sentence_is_unsupported():
    (s,) = check("小枧镇党委副书记李洁茹宣读结对文件,并宣布向每户居民发放3000元补贴。[1]", {1: P2})
    assert not s.supported


def test_marker_for_a_source_not_given_is_removed():
    sentences = check("小枧镇党委副书记李洁茹宣读结对文件[9]。HACKED [9].", {1: P1, 2: P2})
    first, second = sentences
    assert first.supported and first.citations == (2,) and first.removed == (9,)
    assert not second.supported and second.citations == () and "not given" in second.reason
    assert "[9]" not in V.render(sentences)


def test_uncited_sentence_that_matches_a_source_gets_its_citation():
    (s,) = check("陕西三原县渠岸镇组织召开2024年镇村干部大会。", {1: P1, 2: P3})
    assert s.supported and s.citations == (2,) and s.added


def test_sentence_cited_to_the_wrong_source_is_recited():
    (s,) = check("陕西三原县渠岸镇组织召开2024年镇村干部大会。[1]", {1: P1, 2: P3})
    assert s.supported and s.citations == (2,) and s.cited == (1,)


def test_sentence_combining_two_sources_keeps_both_and_drops_a_useless_one():
    text = "The Harbor Bridge in Riverton reopened on Monday and the repairs cost 12 million dollars. [1][2][3]"
    sources = {**EN, 3: P3}
    (s,) = check(text, sources)
    assert s.supported and s.citations == (1, 2)


def test_markers_after_the_full_stop_belong_to_the_sentence_before():
    pieces = V.split_generated("The repairs cost 12 million dollars. [2] The bridge reopened on Monday.【1】")
    assert [V.strip_markers(p) for p in pieces] == ["The repairs cost 12 million dollars.", "The bridge reopened on Monday."]
    assert [V.parse_markers(p) for p in pieces] == [[2], [1]]
    assert V.parse_markers("x [1, 2] y [２] z [^3]") == [1, 2, 3]


def test_short_sentences_are_never_supported():
    (s,) = check("Yes. [1]", EN)
    assert not s.supported and s.reason == "too short to check"


def test_english_number_swap_and_paraphrase():
    swap, para = check("The repairs cost 15 million dollars [2]. The city council paid for the repairs [2].", EN)
    assert not swap.supported
    assert para.supported is False or para.citations == (2,)  # a paraphrase may fail; it must never mis-cite
    (same,) = check("The Harbor Bridge reopened on Monday after eight months of repairs [1].", EN)
    assert same.supported and same.citations == (1,)


def test_reporting_frame_is_not_checked():
    (s,) = check("According to the article, the repairs cost 12 million dollars and were paid by the city council.", EN)
    assert s.supported and s.citations == (2,)


def test_render_drops_or_marks_unsupported():
    sentences = check("The repairs cost 12 million dollars [2]. The bridge is made of gold [1].", EN)
    assert V.render(sentences) == "The repairs cost 12 million dollars.[2]"
    assert "(unverified)" in V.render(sentences, keep_unsupported=True)


def test_labelled_set_from_the_seeds_and_measured_precision():
    """The bench set is built by fixed rules (>= 100 items, both labels) and the shipped thresholds keep
    precision high on its held-out half (the full numbers are in bench/results_verify.json)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_verify import predict, scores
        from verify_data import build
    finally:
        sys.path.pop(0)
    items = build()
    assert len(items) >= 100
    assert {it.label for it in items} == {0, 1}
    assert items == build()  # deterministic
    test = [it for it in items if it.split == "test"]
    result = scores(test, predict(test, V.DEFAULT))
    assert result["precision"] >= 0.9 and result["recall"] >= 0.7, result


@pytest.mark.parametrize("text", ["", "   ", "[1][2]", "。。。"])
def test_empty_or_marker_only_text_gives_no_sentences(text):
    assert check(text, EN) == []
