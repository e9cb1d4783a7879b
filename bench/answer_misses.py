"""Where the keys sit when the answer quotes the right article but misses them (issue #15), on CRUD qa_dev over the
hybrid CRUD index (tuned on: qa_dev fitted the answer model).

Runs the extractive answerer as bench/bench_answer.py does, recording each question's ranked pool and chosen rows
(a wrapper around rag.answering.extractive.select, in this script only), and for every keyed question whose answer
cites a gold article but misses a key group, says where the keys are relative to the chosen unit:

- `next` / `prev`: a unit holding every key group starts in the sentence right after / ends right before the chosen;
- `same_paragraph`: one holds them elsewhere in the chosen unit's paragraph; `elsewhere`: in another paragraph;
- `split`: no one unit holds them all but the article's text does; `absent`: the article's text lacks a key
  (not verbatim);

with the rank of the best key-holding unit in the length-adjusted order the answerer uses, whether it would fit
ANSWER_BUDGET beside the chosen unit, and how the chosen unit ends. Prints ids and counts only (the questions stay
in ../shared).

    python bench/answer_misses.py            # qa_dev (the split diagnosed and tuned on)
    python bench/answer_misses.py --sweep    # qa_dev key coverage and median length per third-unit margin

The sweep chose rag.answering.extractive.THIRD_MARGIN (tuned on qa_dev; kept only if key coverage rose by at least
0.015 with the median answer at most 90 characters, and dev_qa/dev2_qa did not get worse).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import rag.answering.extractive as extractive  # noqa: E402
from bench.bench_answer import answer_question, crud_setup  # noqa: E402
from bench.crud_data import load_qa  # noqa: E402
from rag import evaluate as ev  # noqa: E402

RESULTS = ROOT / "bench" / "results_answer_misses.json"
SWEEP = ROOT / "bench" / "results_answer_third.json"
ENDINGS = ("：", ":", "表示", "指出", "称", "说", "介绍", "认为", "强调")


def recording_select(log: list):
    """select() as shipped, remembering (ranked, model, q, rows) of its last call."""
    shipped = extractive.select

    def select(ranked, model, q, adjusted=None):
        rows = shipped(ranked, model, q, adjusted)
        log.append((ranked, model, q, rows))
        return rows

    return select


def where(ranked, model, q, rows, keys) -> dict:
    """Where the keys sit relative to the chosen unit (the first chosen row's article)."""
    adjusted = extractive.adjusted_scores(ranked, model, q)
    order = [int(r) for r in np.argsort(-adjusted, kind="stable")]
    best = order[0]
    owner = ranked.owner[best]
    pa = ranked.article_of(best)
    au = pa.units
    chosen = [ranked.unit_of(r) for r in rows]
    first, last = chosen[0], chosen[-1]
    same = [r for r in order if ranked.owner[r] == owner]
    holding = [r for r in same if ev.covers(ranked.unit_of(r).text, keys)]
    tail = ev.strip_markers(au.sentence_text(first.sentence + first.sentences - 1)).rstrip("。！？!?”\" ")
    out = {"chosen_chars": sum(u.chars for u in chosen), "chosen_units": len(chosen),
           "ends_with_cue": any(tail.endswith(e) for e in ENDINGS)}
    if not holding:
        out["where"] = "split" if ev.covers(au.text, keys) else "absent"
        return out
    h = ranked.unit_of(holding[0])
    c_end = last.sentence + last.sentences - 1
    if h.sentence == c_end + 1:
        rel = "next"
    elif h.sentence + h.sentences - 1 == first.sentence - 1:
        rel = "prev"
    elif h.spans[0][0] == first.spans[0][0]:
        rel = "same_paragraph"
    else:
        rel = "elsewhere"
    out.update({"where": rel, "rank_overall": order.index(holding[0]) + 1, "rank_in_article": same.index(holding[0]) + 1,
                "holder_chars": h.chars, "holder_kind": h.kind,
                "fits_budget": first.chars + h.chars <= extractive.ANSWER_BUDGET,
                "gap_adjusted": round(float(adjusted[best] - adjusted[holding[0]]), 3)})
    return out


MARGINS = (None, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0)


def sweep(split: str, retriever, by_id, config) -> dict:
    """qa_dev answer metrics with the shipped model and each third-unit margin (None: no third unit)."""
    from dataclasses import replace

    from rag.answering.model import answer_model
    from rag.engine import Snapshot
    from rag.records import AskRequest

    qa = load_qa(split)
    out = {}
    for m in MARGINS:
        model = replace(answer_model(), info={**answer_model().info, "third_margin": m})
        answerer = extractive.ExtractiveAnswerer(config, model)
        answers = [answerer.answer(AskRequest(q["question"]), Snapshot(by_id, retriever)).to_json() for q in qa]
        row = ev.answer_metrics(qa, answers, by_id)
        out[str(m)] = {k: row[k] for k in ("key_coverage", "answer_chars_median", "answer_chars_p90",
                                           "refusal_rate_unanswerable", "false_refusal_rate", "cited_hit@1")}
        print(m, out[str(m)], file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="qa_dev")
    parser.add_argument("--sweep", action="store_true", help="key coverage and median length per third-unit margin")
    args = parser.parse_args(argv)
    config, by_id, retriever, how = crud_setup(lexical=False)
    if retriever is None:
        print(how)
        return 1
    if args.sweep:
        found = sweep(args.split, retriever, by_id, config)
        SWEEP.write_text(json.dumps({"split": args.split, "retriever": how, "tuned_on": args.split == "qa_dev",
                                     "third_margin": found}, indent=1) + "\n", encoding="utf-8")
        return 0
    log: list = []
    extractive.select = recording_select(log)
    rows, counts = [], Counter()
    for q in load_qa(args.split):
        if not q.get("keys"):
            continue
        log.clear()
        a = answer_question(q["question"], retriever, by_id, config).to_json()
        if ev.covers(a["answer"], q["keys"]):
            counts["covered"] += 1
            continue
        cited = {c["article_id"] for c in a.get("citations", [])}
        if a["refused"]:
            counts["refused"] += 1
            continue
        if not cited & set(q["articles"]) or not log:
            counts["wrong_or_unread_article"] += 1
            continue
        counts["right_article_missed"] += 1
        rows.append({"id": q["id"], **where(*log[-1], q["keys"])})
    summary = {
        "split": args.split, "retriever": how, "tuned_on": args.split == "qa_dev", "counts": dict(counts),
        "where": dict(Counter(r["where"] for r in rows)),
        "ends_with_cue": sum(r["ends_with_cue"] for r in rows),
        "holder_rank_overall": dict(Counter(min(r["rank_overall"], 9) for r in rows if "rank_overall" in r)),
        "holder_fits_budget": sum(bool(r.get("fits_budget")) for r in rows),
        "chosen_chars_median": statistics.median(r["chosen_chars"] for r in rows) if rows else None,
        "misses": rows,
    }
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "misses"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
