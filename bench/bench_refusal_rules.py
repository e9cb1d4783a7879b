"""Each refusing rule's fires on answerable and on unanswerable questions over every question set on the seeds
(dev_qa, dev2_qa, every bench/*_qa.jsonl but date_qa): the evidence that a rule is general (issue #15). A refusal
is put down to the rule that made it:

- the absent-focus rules of rag.answering.absent (focus, place, award, rest, completion, period, day, year), the
  premise check (premise) — recorded here by wrapping them (a benchmark's wrapper, no mode of the product);
- English unmet words (rag.answering.english.unmet_reason, "the articles never mention …"): a name the question
  writes in Chinese (en_han), a capitalised name (en_name), a word no English dictionary has (en_unknown), no
  content word met at all (en_nothing);
- any other refusal (other: the answerability threshold, the typed slot check, …).

    python bench/bench_refusal_rules.py                      # writes bench/results_refusal_rules.json ("now")
    python bench/bench_refusal_rules.py --label before       # the same under another label (kept beside "now")
    python bench/bench_refusal_rules.py --crud               # and CRUD qa_dev over .rag/crud-index (never qa_test)

Every set was looked at while writing the rules (tuned on).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag.answering.absent as absent  # noqa: E402
import rag.answering.english as english  # noqa: E402
import rag.answering.slot_check as slot_check  # noqa: E402
from bench.bench_answer import answer_question, crud_setup, seed_engine  # noqa: E402
from bench.crud_data import load_qa, question_set  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.batch import ask_records  # noqa: E402
from rag.lang.script import normalize  # noqa: E402

RESULTS = ROOT / "bench" / "results_refusal_rules.json"


def set_names() -> list[str]:
    names = sorted(p.name[: -len(".jsonl")] for p in (ROOT / "bench").glob("*_qa.jsonl") if p.name != "date_qa.jsonl")
    return ["dev_qa", "dev2_qa", *names]


def _wrap() -> tuple[list, callable]:
    events: list[tuple[str, str]] = []
    real_reason, real_premise, real_unmet = absent.absent_reason, slot_check.premise_gap, english.unmet_reason

    def reason(*a, **k):
        found = real_reason(*a, **k)
        if found:
            events.append(found)
        return found

    def premise(*a, **k):
        found = real_premise(*a, **k)
        if found:
            events.append(("premise", found))
        return found

    def unmet(*a, **k):
        found = real_unmet(*a, **k)
        if found is not None:
            events.append(("en_" + found[0], found[1] or "any word of the question"))
        return found

    absent.absent_reason, slot_check.premise_gap, english.unmet_reason = reason, premise, unmet

    def undo() -> None:
        absent.absent_reason, slot_check.premise_gap, english.unmet_reason = real_reason, real_premise, real_unmet

    return events, undo


def _rule(answer: dict, events: list[tuple[str, str]]) -> str:
    """The rule a refusal is put down to: the last recorded finding whose phrase the reply names."""
    note = answer.get("note") or ""
    if note.startswith("the articles never mention"):
        return next((rule for rule, _ in reversed(events) if rule.startswith("en_")), "en_unmet")
    if note == "slot check: no absent filler":
        for rule, phrase in reversed(events):
            if not rule.startswith("en_") and phrase and normalize(phrase) in normalize(answer["answer"]):
                return rule
        return "absent?"
    return "other"


def _crud_answers(qa: list[dict]):
    config, by_id, retriever, _how = crud_setup(lexical=False)
    if retriever is None:
        raise SystemExit("--crud: .rag/crud-index is not built")
    for q in qa:
        yield q, answer_question(q["question"], retriever, by_id, config).to_json()


def run(crud: bool = False) -> dict:
    engine = seed_engine()
    events, undo = _wrap()
    out: dict = {"rules": {}, "crud_rules": {}, "sets": {}, "fires": []}
    try:
        for name in set_names() + (["crud_qa_dev"] if crud else []):
            if name == "crud_qa_dev":
                qa = load_qa("qa_dev")
                answered = _crud_answers(qa)
            else:
                qa = ev.read_jsonl(question_set(name))
                answered = ask_records(engine, qa, strict=True)
            row = {"answerable": 0, "unanswerable": 0, "false_refusals": 0, "unanswerable_refused": 0}
            events.clear()
            for rec, obj in answered:
                answerable = ev.answerable(rec)
                row["answerable" if answerable else "unanswerable"] += 1
                if obj.get("refused"):
                    row["unanswerable_refused" if not answerable else "false_refusals"] += 1
                    rule = _rule(obj, events)
                    counts = out["crud_rules" if name == "crud_qa_dev" else "rules"].setdefault(rule, {"on_answerable": 0, "on_unanswerable": 0})
                    counts["on_answerable" if answerable else "on_unanswerable"] += 1
                    if rule != "other":
                        out["fires"].append({"set": name, "id": rec.get("id"), "rule": rule, "answerable": answerable,
                                             "question": rec["question"], "reply": obj["answer"][:80]})
                events.clear()
            out["sets"][name] = row
    finally:
        undo()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", default="now", help="the key this run is kept under in the results file")
    ap.add_argument("--crud", action="store_true", help="also CRUD qa_dev (its rules counted apart: crud_rules)")
    args = ap.parse_args()
    res = run(args.crud)
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    old[args.label] = res
    old["tuned_on"] = "every set (rules written looking at them)"
    RESULTS.write_text(json.dumps(old, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for key in ("rules", "crud_rules"):
        for rule, c in sorted(res[key].items()):
            print(f"{key} {rule:12s} answerable {c['on_answerable']:3d}  unanswerable {c['on_unanswerable']:3d}")
    seeds = [r for n, r in res["sets"].items() if n != "crud_qa_dev"]
    tot = {k: sum(r[k] for r in seeds) for k in ("answerable", "unanswerable", "false_refusals", "unanswerable_refused")}
    print(json.dumps(tot))
    for f in res["fires"]:
        if f["answerable"]:
            print("  FALSE", f["set"], f["id"], f["rule"], f["question"], "→", f["reply"][:60])
    return 0


if __name__ == "__main__":
    sys.exit(main())
