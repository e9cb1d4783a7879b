"""The absent-focus check (rag.answering.absent, issue #15) with and without it, in one process: unanswerable
questions refused and false refusals per seed set and CRUD qa_dev. The check is switched off for the "without"
rows by replacing it here (a benchmark's comparison, no mode of the product).

    python bench/bench_absent.py            # seed sets (bench_threshold's and fresh4_qa) and CRUD qa_dev

Every seed set and CRUD qa_dev were looked at while writing the check (tuned on); CRUD qa_test is not run here.
Writes bench/results_absent.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag.answering.slot_check as slot_check  # noqa: E402
from bench.bench_answer import crud_setup, seed_engine  # noqa: E402
from bench.bench_threshold import SEED_SETS, _row, crud_row  # noqa: E402
from bench.crud_data import load_qa, question_set  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.batch import ask_records  # noqa: E402

RESULTS = ROOT / "bench" / "results_absent.json"
SETS = {**SEED_SETS, "fresh4_qa": question_set("fresh4_qa")}


def run(with_check: bool, crud) -> dict:
    real = run.real
    slot_check.absent_focus = real if with_check else (lambda *_a, **_k: None)
    out = {}
    try:
        engine = seed_engine()
        for name, path in SETS.items():
            qa = ev.read_jsonl(path)
            answers = [obj for _rec, obj in ask_records(engine, qa, strict=True)]
            out[name] = _row(qa, answers, engine.articles)
        if crud is not None:
            out["crud_qa_dev"] = crud_row(load_qa("qa_dev"), crud)
    finally:
        slot_check.absent_focus = real
    return out


run.real = slot_check.absent_focus


def main() -> int:
    setup = crud_setup(lexical=False)
    crud = setup if setup[2] is not None else None
    results = {"without": run(False, crud), "with": run(True, crud), "tuned_on": [*SETS, "crud_qa_dev"]}
    for name in results["with"]:
        a, b = results["without"][name], results["with"][name]
        print(f"{name}: unanswerable refused {a['unanswerable_refused']} -> {b['unanswerable_refused']} of "
              f"{b['unanswerable']}; false refusals {a['false_refusals']} -> {b['false_refusals']} of {b['answerable']}"
              + (f" {b['false_refusal_ids']}" if b["false_refusals"] > a["false_refusals"] else ""))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
