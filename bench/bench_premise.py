"""The false-premise checks (rag.answering.premise, issue #15) with and without each rule, in one process: every
question is answered once with the checks only watching (each rule's verdict recorded where the check would run,
after the model and the slot check let an answer through); the "with" rows mark the questions a rule catches as
refused, which is exactly what the rule does in the product (it only turns an answer into a refusal). A benchmark's
comparison, no mode of the product.

    python bench/bench_premise.py            # seed sets, date_qa and CRUD qa_dev (over the CRUD articles' indexes)
    python bench/bench_premise.py --no-crud  # the seed sets only

All seed sets and CRUD qa_dev were looked at while writing the rules (tuned on); CRUD qa_test is not run here.
Writes bench/results_premise.json: per set and rule, unanswerable refused and false refusals before/after, with
the ids a rule newly refuses.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag.answering.premise as premise  # noqa: E402
import rag.answering.slot_check as slot_check  # noqa: E402
from bench.bench_answer import answer_question, crud_setup, seed_engine  # noqa: E402
from bench.bench_threshold import SEED_SETS, _row  # noqa: E402
from bench.bench_dates import DATES_INDEX, DEV, engine_over  # noqa: E402
from bench.crud_data import CRUD, load_qa, question_set  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.batch import ask_records  # noqa: E402

RESULTS = ROOT / "bench" / "results_premise.json"
SETS = {**SEED_SETS, **{n: question_set(n) for n in ("fresh4_qa", "fresh5_qa")}}
ROW_KEYS = ("answerable", "unanswerable", "unanswerable_refused", "false_refusals", "key_coverage", "false_refusal_ids",
            "answered_unanswerable_ids")


class Watch:
    """Stands in for slot_check.premise_gap: records each rule's verdict on the last question, refuses nothing."""

    def __init__(self):
        self.last: dict[str, str] = {}

    def __call__(self, q, ranked, rows):
        if q.multi or not len(rows):
            self.last = {}
            return None
        text = premise.read_text(ranked, rows)
        self.last = {name: found for name, rule in premise.RULES.items() if (found := rule(q, text))}
        return None

    def take(self) -> dict[str, str]:
        out, self.last = self.last, {}
        return out


def _answers(qa: list[dict], answer_all, watch: Watch) -> tuple[list[dict], list[dict[str, str]]]:
    answers, verdicts = [], []
    for obj in answer_all(qa):
        answers.append(obj)
        verdicts.append({} if obj.get("refused") else watch.take())
        watch.take()
    return answers, verdicts


def _rows(qa, answers, verdicts, articles) -> dict:
    out = {"without": {k: _row(qa, answers, articles)[k] for k in ROW_KEYS}}
    for name in (*premise.RULES, "all"):
        marked, caught = [], []
        for q, a, v in zip(qa, answers, verdicts):
            hit = v.get(name) if name != "all" else next(iter(v.values()), None)
            if hit:
                a = {**a, "refused": True, "answer": "", "citations": [], "short": None}
                caught.append(f"{q.get('id')}{'' if not ev.answerable(q) else ' (FALSE)'}: {hit}")
            marked.append(a)
        row = _row(qa, marked, articles)
        out[name] = {**{k: row[k] for k in ROW_KEYS}, "caught": caught}
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-crud", action="store_true")
    args = parser.parse_args()
    watch = Watch()
    real = slot_check.premise_gap
    slot_check.premise_gap = watch
    results: dict = {"tuned_on": [*SETS, "date_qa", "crud_qa_dev"], "method": "one pass, rules watching; with = caught marked refused"}
    try:
        engine = seed_engine()
        for name, path in SETS.items():
            qa = ev.read_jsonl(path)
            answers, verdicts = _answers(qa, lambda qa: (o for _r, o in ask_records(engine, qa, strict=True)), watch)
            results[name] = _rows(qa, answers, verdicts, engine.articles)
        if not args.no_crud:
            # date_qa: our date/outlet questions on the CRUD articles, asked through the chat as bench_dates asks them
            dates = engine_over([CRUD / "articles.jsonl"], DATES_INDEX)
            qa = ev.read_jsonl(DEV)
            answers, verdicts = _answers(qa, lambda qa: (o for _r, o in ask_records(dates, qa, strict=True)), watch)
            results["date_qa"] = _rows(qa, answers, verdicts, dates.articles)
            config, by_id, retriever, how = crud_setup(lexical=False)
            if retriever is not None:
                qa = load_qa("qa_dev")

                def crud_answers(qa):
                    for q in qa:
                        a = answer_question(q["question"], retriever, by_id, config).to_json()
                        a["id"] = q.get("id")
                        yield a

                answers, verdicts = _answers(qa, crud_answers, watch)
                results["crud_qa_dev"] = {**_rows(qa, answers, verdicts, by_id), "retriever": how}
    finally:
        slot_check.premise_gap = real
    for name, rows in results.items():
        if not isinstance(rows, dict):
            continue
        a, b = rows["without"], rows["all"]
        print(f"{name}: unanswerable refused {a['unanswerable_refused']} -> {b['unanswerable_refused']} of {a['unanswerable']}; "
              f"false refusals {a['false_refusals']} -> {b['false_refusals']} of {a['answerable']}; "
              f"key coverage {a['key_coverage']} -> {b['key_coverage']}")
        for rule in premise.RULES:
            for c in rows[rule]["caught"]:
                print(f"   {rule}: {c}")
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
