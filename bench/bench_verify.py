"""Precision and recall of the verifier's "supported" label on a labelled set built from the seeds.

    .venv/bin/python bench/bench_verify.py            # grid on the tune half, report on the test half
    .venv/bin/python bench/bench_verify.py --dump     # also write the labelled set to bench/verify_set.jsonl

The set (bench/verify_data.py) has supported sentences (the cited paragraph's sentences and faithful
rewrites of them) and unsupported ones (other articles' sentences, changed numbers, swapped names,
opposite verbs, made-up claims, splices, made-up clauses appended). Thresholds are chosen on the `tune`
half by F0.5 (precision weighs more: passing an unsupported sentence is worse than dropping a supported
one) and reported on the `test` half; the numbers for the whole set with the shipped defaults are given
too, and they are not independent of the choice. Results go to bench/results_verify.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify_data import build, seed_articles  # noqa: E402

from rag.answering import verify as V  # noqa: E402

HERE = Path(__file__).resolve().parent
GRID = {
    "ngram": [2, 3, 4],
    "min_coverage": [0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
    "max_gap": [0, 1, 2, 3, 4, 6, 99],
}


def predict(items, th: V.Thresholds) -> list[bool]:
    return [V.support(it.sentence, [it.source], th).ok for it in items]


def scores(items, preds) -> dict:
    tp = sum(p and it.label for it, p in zip(items, preds))
    fp = sum(p and not it.label for it, p in zip(items, preds))
    fn = sum((not p) and it.label for it, p in zip(items, preds))
    tn = len(items) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f = lambda b: (1 + b * b) * precision * recall / (b * b * precision + recall) if precision + recall else 0.0  # noqa: E731
    return {
        "n": len(items), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": round(precision, 4), "recall": round(recall, 4),
        "f1": round(f(1), 4), "f0.5": round(f(0.5), 4),
        "accuracy": round((tp + tn) / len(items), 4) if items else 0.0,
    }


def per_kind(items, preds) -> dict:
    """Share of each kind judged correctly (supported kinds: accepted; unsupported kinds: rejected)."""
    right, total = Counter(), Counter()
    for it, p in zip(items, preds):
        total[it.kind] += 1
        right[it.kind] += int(p == bool(it.label))
    return {k: {"n": total[k], "correct": round(right[k] / total[k], 4)} for k in total}


def tune(items) -> tuple[V.Thresholds, dict]:
    """The best setting by F0.5 (then precision) on `items`.

    Ties are common (the set often does not tell two settings apart): among the tied settings the
    shortest allowed gap and n-gram are taken, then the median coverage floor of what is still tied,
    which keeps the largest margin on both sides of the plateau rather than sitting on its edge.
    """
    rows = []
    for ngram, cov, gap in itertools.product(GRID["ngram"], GRID["min_coverage"], GRID["max_gap"]):
        th = replace(V.DEFAULT, ngram=ngram, min_coverage=cov, max_gap=gap)
        s = scores(items, predict(items, th))
        rows.append(((s["f0.5"], s["precision"]), th, s))
    top = max(key for key, _, _ in rows)
    tied = [(th, s) for key, th, s in rows if key == top]
    gap = min(th.max_gap for th, _ in tied)
    ngram = min(th.ngram for th, _ in tied if th.max_gap == gap)
    tied = sorted((r for r in tied if r[0].max_gap == gap and r[0].ngram == ngram), key=lambda r: r[0].min_coverage)
    return tied[len(tied) // 2]


def with_decoys(items, th: V.Thresholds, decoys: int = 3) -> dict:
    """The full verifier with the cited paragraph among other articles' paragraphs, as in a real prompt.

    A supported item counts as right when it is judged supported and cited to its paragraph; an
    unsupported item when it is not judged supported by its paragraph (it may be re-cited to a decoy
    that happens to back it, which is then counted separately).
    """
    rng = random.Random(7)
    paragraphs = [(a.id, p) for a in seed_articles() for p in a.paragraphs]
    right = recited = 0
    preds = []
    for it in items:
        pool = [p for aid, p in paragraphs if aid != it.article_id and aid != it.origin]
        texts = [it.source] + rng.sample(pool, decoys)
        rng.shuffle(texts)
        sources = {i + 1: t for i, t in enumerate(texts)}
        n = texts.index(it.source) + 1
        checked = V.verify(f"{it.sentence}[{n}]", sources, th)
        ok = bool(checked) and all(s.supported and n in s.citations for s in checked)
        preds.append(ok)
        if it.label:
            right += ok
        else:
            right += not ok
            recited += bool(checked) and all(s.supported for s in checked) and not ok
    return {"scores": scores(items, preds), "unsupported_recited_to_a_decoy": recited}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", action="store_true", help="write the labelled set to bench/verify_set.jsonl")
    args = ap.parse_args(argv)
    items = build()
    if args.dump:
        with (HERE / "verify_set.jsonl").open("w", encoding="utf-8") as fh:
            for it in items:
                fh.write(json.dumps(it.to_json(), ensure_ascii=False) + "\n")
    tune_set = [it for it in items if it.split == "tune"]
    test_set = [it for it in items if it.split == "test"]
    chosen, tune_scores = tune(tune_set)
    t0 = time.perf_counter()
    shipped = predict(items, V.DEFAULT)
    seconds = time.perf_counter() - t0
    result = {
        "set": {
            "built_by": "bench/verify_data.py (fixed rules, fixed seed, from the cleaned seed articles)",
            "items": len(items),
            "supported": sum(it.label for it in items),
            "unsupported": sum(1 - it.label for it in items),
            "kinds": dict(Counter(it.kind for it in items)),
        },
        "grid": GRID,
        "chosen_on_tune": {"thresholds": asdict(chosen), "tune": tune_scores, "rule": tune.__doc__.split("\n\n")[1].strip()},
        "chosen_on_test": {
            "test": scores(test_set, predict(test_set, chosen)),
            "per_kind": per_kind(test_set, predict(test_set, chosen)),
        },
        "shipped_defaults": {
            "thresholds": asdict(V.DEFAULT),
            "same_as_chosen": V.DEFAULT == chosen,
            "test": scores(test_set, predict(test_set, V.DEFAULT)),
            "all (includes the tune half)": scores(items, shipped),
            "per_kind_all": per_kind(items, shipped),
            "with_3_decoy_sources_all": with_decoys(items, V.DEFAULT),
        },
        "ms_per_sentence": round(1000 * seconds / len(items), 3),
    }
    (HERE / "results_verify.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
