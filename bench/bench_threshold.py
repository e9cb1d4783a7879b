"""The answerability model's refusal threshold swept with the typed slot check on, in one process, without
refitting the model: false refusals and unanswerable refusals per question set per threshold.

    python bench/bench_threshold.py            # seed sets and CRUD qa_dev (over .rag/crud-index when fresh)
    python bench/bench_threshold.py --test T   # CRUD qa_test once at the chosen threshold T (never used to choose)

Every threshold answers every question again through the real answerer (follow-ups included: a refused parent
changes its follow-up's conversation); the shipped model is replaced by a copy with only `threshold` changed
(a benchmark's comparison, no mode of the product). The rule that chooses the shipped threshold (`choose`; README,
bench/train_answer.py) reads the rows written here: the lowest threshold on the grid at which no seed set refuses
fewer unanswerable questions and no seed set gains a false refusal than at the fitted threshold, nor at the next
lower grid point (one step of margin), and CRUD qa_dev's false refusals do not rise. Writes
bench/results_threshold.json; `--write` puts the chosen threshold into answer_model.json (run after a refit, which
writes the fitted one; the grid starts at the fitted threshold, `info.fitted_threshold` once the rule has lowered it).

    python bench/bench_threshold.py --stop     # the sweep only down to the first threshold the rule cannot pass
    python bench/bench_threshold.py --write    # apply the rule to the sweep in results_threshold.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag.answering.extractive as extractive  # noqa: E402
from bench.bench_answer import answer_question, crud_setup, seed_engine  # noqa: E402
from bench.crud_data import load_qa, question_set  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.answering.model import answer_model  # noqa: E402
from rag.batch import ask_records  # noqa: E402

RESULTS = ROOT / "bench" / "results_threshold.json"
SEED_SETS = {n: question_set(n) for n in ("dev_qa", "dev2_qa", "fresh_qa", "fresh2_qa", "fresh3_qa", "slot_qa", "slot2_qa",
                                          "english_qa", "english_qa_heldout", "chinese_unanswerable_qa")}
STEPS = (0.17, 0.15, 0.13, 0.12, 0.11, 0.10, 0.09, 0.08, 0.07, 0.06, 0.05, 0.04)  # below the fitted threshold


def grid() -> tuple[float, ...]:
    """The fitted threshold (bench/train_answer.py's, kept in the model's info once the rule has lowered it) and
    the steps below it."""
    model = answer_model()
    fitted = float(model.info.get("fitted_threshold", model.threshold))
    return (fitted, *(t for t in STEPS if t < fitted))


def _row(qa, answers, articles) -> dict:
    m = ev.answer_metrics(qa, answers, articles)
    unans = [a for q, a in zip(qa, answers) if not ev.answerable(q)]
    ans = [a for q, a in zip(qa, answers) if ev.answerable(q)]
    return {
        "answerable": m["answerable"], "unanswerable": m["unanswerable"],
        "false_refusals": sum(bool(a.get("refused")) for a in ans),
        "unanswerable_refused": sum(bool(a.get("refused")) for a in unans),
        "key_coverage": round(m["key_coverage"], 4) if m["key_coverage"] is not None else None,
        "by_threshold": sum(bool(a.get("refused")) and (a.get("note") or "").startswith("answerability") for a in answers),
        "by_slot_check": sum(bool(a.get("refused")) and (a.get("note") or "").startswith("slot check") for a in answers),
        "false_refusal_ids": [a.get("id") for q, a in zip(qa, answers) if ev.answerable(q) and a.get("refused") and a.get("id")],
        "answered_unanswerable_ids": [a.get("id") for q, a in zip(qa, answers)
                                      if not ev.answerable(q) and not a.get("refused") and a.get("id")],
    }


def crud_row(qa: list[dict], crud) -> dict:
    """A CRUD split's questions answered over `crud` (bench_answer.crud_setup's config, articles by id, retriever,
    how): the refusal row, with ids and the false-refusal rate."""
    config, by_id, retriever, how = crud
    answers = [answer_question(q["question"], retriever, by_id, config).to_json() for q in qa]
    for q, a in zip(qa, answers):
        a["id"] = q.get("id")
    row = _row(qa, answers, by_id)
    row["false_refusal_rate"] = round(row["false_refusals"] / max(1, row["answerable"]), 4)
    return {**row, "retriever": how}


def sweep(grid, crud_splits=("qa_dev",), stop_unsafe: bool = False) -> dict:
    """Rows per threshold of `grid`; `stop_unsafe`: stop after the first threshold below the first that `choose`
    could not pass (no lower one can be chosen: the same choice, fewer rows)."""
    shipped = answer_model()
    real = extractive.answer_model
    engine = seed_engine()
    seeds = {name: ev.read_jsonl(path) for name, path in SEED_SETS.items()}
    crud = None
    if crud_splits:
        setup = crud_setup(lexical=False)
        if setup[2] is not None:
            crud = (setup, {s: load_qa(s) for s in crud_splits})
    out = {}
    try:
        for t in grid:
            model = replace(shipped, threshold=float(t))
            extractive.answer_model = lambda model=model: model
            rows = {}
            for name, qa in seeds.items():
                answers = [obj for _rec, obj in ask_records(engine, qa, strict=True)]
                rows[name] = _row(qa, answers, engine.articles)
            if crud is not None:
                setup, splits = crud
                for split, qa in splits.items():
                    rows[f"crud_{split}"] = crud_row(qa, setup)
            out[f"{t:g}"] = rows
            print(f"threshold {t:g}: " + "; ".join(
                f"{n} FR {r['false_refusals']}/{r['answerable']} UR {r['unanswerable_refused']}/{r['unanswerable']}"
                for n, r in rows.items()), flush=True)
            if stop_unsafe and len(out) > 1 and not _safe(out, f"{t:g}"):
                break
    finally:
        extractive.answer_model = real
    return out


def choose(sweep: dict) -> str:
    """The rule that picks the shipped threshold from the sweep's rows (grid order, the fitted one first): the
    lowest threshold such that it and the next lower one on the grid each keep every seed set's unanswerable
    refusals and false refusals as at the fitted threshold, and CRUD qa_dev's false refusals do not rise (the
    margin of one grid step: the first threshold that loses one is never chosen beside it)."""
    keys = list(sweep)
    chosen = keys[0]
    for i, t in enumerate(keys[1:-1], start=1):
        if not (_safe(sweep, t) and _safe(sweep, keys[i + 1])):
            break
        chosen = t
    return chosen


def _safe(sweep: dict, t: str) -> bool:
    """Whether threshold `t`'s rows keep every seed set's refusals as at the first (fitted) threshold of the sweep
    and CRUD's false refusals do not rise."""
    base, rows = sweep[next(iter(sweep))], sweep[t]
    seeds = all(rows[n]["unanswerable_refused"] >= base[n]["unanswerable_refused"]
                and rows[n]["false_refusals"] <= base[n]["false_refusals"] for n in rows if not n.startswith("crud_"))
    return seeds and all(rows[n]["false_refusals"] <= base[n]["false_refusals"] for n in rows if n.startswith("crud_"))


def write_threshold(threshold: float, fitted: float) -> None:
    """The chosen threshold into the shipped model file; the fitted one is kept in its info."""
    path = ROOT / "rag" / "answering" / "data" / "answer_model.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    obj["threshold"] = threshold
    obj["info"]["fitted_threshold"] = fitted
    obj["info"]["threshold_rule"] = "bench/bench_threshold.py choose(): lowest grid threshold keeping the seed sets' refusals, one step of margin"
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=float, default=None, help="measure CRUD qa_test once at this threshold")
    parser.add_argument("--no-crud", action="store_true", help="seed sets only")
    parser.add_argument("--write", action="store_true",
                        help="write the threshold chosen from the results' sweep to answer_model.json (after a refit)")
    parser.add_argument("--stop", action="store_true",
                        help="stop the sweep at the first threshold the rule cannot pass (same choice, fewer rows)")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    if args.write:
        chosen = choose(results["sweep"])
        write_threshold(float(chosen), float(results["shipped_threshold"]))
        print(f"threshold {results['shipped_threshold']} -> {chosen}")
        return 0
    if args.test is not None:
        rows = sweep((args.test,), ("qa_test",))[f"{args.test:g}"]
        results["crud_qa_test_once"] = {"threshold": args.test, **rows.pop("crud_qa_test"), "tuned_on": False}
    else:
        thresholds = grid()
        results["sweep"] = sweep(thresholds, () if args.no_crud else ("qa_dev",), stop_unsafe=args.stop)
        results["shipped_threshold"] = f"{thresholds[0]:g}"
        results["chosen_threshold"] = choose(results["sweep"])
        results["tuned_on"] = ["crud_qa_dev", "dev_qa", "dev2_qa", "fresh_qa", "fresh2_qa", "fresh3_qa", "slot_qa", "slot2_qa",
                               "english_qa", "english_qa_heldout", "chinese_unanswerable_qa"]
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
