"""`follows` in `rag ask --batch` and `rag eval`, the answer JSON's `short`, and the shipped answer model."""

from __future__ import annotations

import json

import pytest

from rag import evaluate as ev
from rag.answering.model import RANK_FEATURES, answer_model
from rag.answering.refusal import QFEATURES
from rag.batch import ask_records
from rag.cli import main
from tests.fakes import lexical_engine

JINJIANG = "001_75c24a0883477bc4"
PARENT = {"id": "p", "question": "锦江区直联共建项目签约仪式上，区委党校党支部和哪个街道的哪个社区签了约？"}
CHILD = {"id": "c", "question": "他们签的是什么项目？", "follows": "p"}


@pytest.fixture(scope="module")
def engine(seed_articles, tmp_path_factory):
    return lexical_engine(seed_articles, tmp_path_factory.mktemp("engine"))


def test_a_follow_up_line_is_asked_in_its_parents_conversation(engine):
    (_, parent), (_, child) = list(ask_records(engine, [PARENT, CHILD]))
    assert parent["citations"][0]["article_id"] == JINJIANG
    assert child["id"] == "c" and not child["refused"]
    assert {c["article_id"] for c in child["citations"]} == {JINJIANG}  # kept to the parent's article
    assert ev.covers(child["answer"], [["学习之家"]]), child["answer"]
    # asked on its own, the same words have no article to keep to
    (_, alone), = list(ask_records(engine, [{k: v for k, v in CHILD.items() if k != "follows"}]))
    assert alone["citations"] != child["citations"]


def test_an_unknown_parent_is_asked_alone_with_a_warning(engine, capsys):
    (_, obj), = list(ask_records(engine, [{"id": "x", "question": "他们签的是什么项目？", "follows": "nope"}]))
    assert "answer" in obj and "follows 'nope'" in capsys.readouterr().err


@pytest.mark.slow
def test_rag_ask_batch_and_rag_eval_honour_follows(tmp_path, seed_engine, seed_config, capsys):
    batch = tmp_path / "q.jsonl"
    records = [{**PARENT, "articles": [JINJIANG], "keys": [["沙河街道"]]}, {**CHILD, "articles": [JINJIANG], "keys": [["学习之家"]]}]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    where = ["--corpus", str(seed_config.corpus[0]), "--index", str(seed_config.index_dir)]
    assert main(["ask", "--batch", str(batch), "--json", *where]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [x["id"] for x in lines] == ["p", "c"] and "short" in lines[0]
    assert {c["article_id"] for c in lines[1]["citations"]} == {JINJIANG}
    assert main(["eval", str(batch), "--json", *where]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["answers"]["key_coverage"] == 1.0


def test_the_answer_json_has_a_short_field(engine):
    (_, obj), = list(ask_records(engine, [{"question": "渠岸镇党委书记是谁？"}]))
    assert obj["short"] == "王刚"
    (_, listing), = list(ask_records(engine, [{"question": "渠岸鎮春季工作領導小組下設了哪些工作專班？"}]))
    assert listing["short"] is None  # a list is not one span


def test_the_shipped_model_matches_the_features_it_scores():
    model = answer_model()
    assert set(model.ranker.features) <= set(RANK_FEATURES) and model.answerable.features == QFEATURES
    assert len(model.ranker.weights) == len(model.ranker.features) == len(model.ranker.mean)
    assert 0.0 < model.threshold < 1.0 and model.info["script"] == "bench/train_answer.py"
    assert model.info["fr_target"] > 0 and 2 <= model.read_articles <= 5
