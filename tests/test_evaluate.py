"""The scoring used by `rag eval`, on hand-made cases whose right answer is obvious."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from rag import evaluate as ev


def test_covers_converts_script_ignores_space_case_and_markers():
    assert ev.covers("他們開展「四互爭一流」行動[1]", [["四互争一流"]])
    assert ev.covers("About 60 PEOPLE [2]", [["60 people", "sixty"]])
    assert not ev.covers("开展了活动", [["四互争一流"]])
    # every group must be covered
    assert not ev.covers("顾仕松", [["顾仕松"], ["三星社区"]])
    assert ev.covers("任何回答", [])


def test_hit_and_mrr_count_distinct_articles():
    ranked = ["a", "a", "b", "c"]
    assert ev.hit_at(ranked, ["b"], 2) and not ev.hit_at(ranked, ["c"], 2)
    assert ev.reciprocal_rank(ranked, ["c"]) == pytest.approx(1 / 3)
    assert ev.reciprocal_rank(ranked, ["z"]) == 0.0


def test_answer_length_excludes_markers_and_whitespace():
    assert ev.answer_length("ab [1] c[12]\n") == 3


def test_answer_metrics_on_a_small_set():
    art = SimpleNamespace(paragraphs=("第一段。", "顾仕松发言。"))
    articles = {"x": art}
    questions = [
        {"question": "q1", "articles": ["x"], "keys": [["顾仕松"]]},
        {"question": "q2", "articles": [], "keys": []},
        {"question": "q3", "articles": ["x", "y"], "keys": []},
    ]
    good = {"n": 1, "article_id": "x", "paragraph": 2, "quote": "顾仕松发言。"}
    bad = {"n": 2, "article_id": "x", "paragraph": 1, "quote": "顾仕松发言。"}
    answers = [
        {"answer": "顾仕松发言。[1]", "refused": False, "citations": [good]},
        {"answer": "没有依据。", "refused": True, "citations": []},
        {"answer": "…[1][2]", "refused": False, "citations": [good, bad]},
    ]
    m = ev.answer_metrics(questions, answers, articles)
    assert m["key_coverage"] == 1.0
    assert m["refusal_rate_unanswerable"] == 1.0
    assert m["false_refusal_rate"] == 0.0
    assert m["multi_article_recall"] == 0.5
    assert m["citation_validity"] == pytest.approx(2 / 3)


def test_rouge_l_is_character_level_and_script_blind():
    assert ev.rouge_l("青島市", "青岛市") == pytest.approx(1.0)
    assert ev.rouge_l("abcd", "abxd") == pytest.approx(0.75)
    assert ev.rouge_l("", "x") == 0.0


def test_read_jsonl_names_the_bad_line(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"question": "a"}) + "\n\n{oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q.jsonl:3"):
        ev.read_jsonl(f)


def test_file_kind():
    assert ev.file_kind([{"question": "q"}]) == "qa"
    assert ev.file_kind([{"id": "a", "reference_summary": "s"}]) == "summaries"
    with pytest.raises(ValueError):
        ev.file_kind([{"foo": 1}])
