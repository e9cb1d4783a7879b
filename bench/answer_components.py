"""Where CRUD qa_dev's false refusals and key misses come from, per component, and query-side settings chosen by
split-half on qa_dev (issue #15). qa_dev fitted the answer model and many rules: every whole-split figure here is
tuned on; a setting chosen on one half and reported on the other is the honest figure for that choice.

    python bench/answer_components.py                      # component table for the shipped settings
    python bench/answer_components.py --variants           # every variant in VARIANTS, 2-fold choice
    python bench/answer_components.py --constants          # the selection constants, each re-chosen by half

Each answerable question of qa_dev is put in exactly one bucket (first that applies):

- `covered`: answered, every key group in the answer (keyed questions only; unkeyed answered ones are `answered`);
- `refused:<rule>`: refused, by the rule whose note the answer carries (answerability below the threshold, the
  best article holding too little of the question, the slot check's absent/premise/filler checks, ...), split by
  whether the answering article was read (`gold read` / `gold unread`);
- `unread`: answered from articles that do not include the answering one (retrieval / read order);
- `read_not_cited`: the answering article was read but another one was quoted;
- `wrong_unit`: the answering article is quoted but the keys are not in the quoted units.

The unanswerable questions are counted per refusing rule too, so each rule's precision on qa_dev (refusals of
unanswerable questions / all its refusals) is given per half (halves: questions grouped by their source article,
md5 of the id's article part, so a source's questions never straddle the halves).

`--variants` answers qa_dev under each query-side variant (how many chunks searched, how many articles read,
the fusion's dense / chunk weights, BM25 question tokens weighted otherwise), chooses on half A the variant with the best key coverage whose false
refusals do not rise over the shipped setting's on A, and reports it on half B, and the same with A and B
swapped. Writes bench/results_answer_components.json (ids and counts only; the questions stay in ../shared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rag.answering.extractive as extractive  # noqa: E402
import rag.answering.slot_check as slot_check  # noqa: E402
from bench.bench_answer import crud_setup  # noqa: E402
from bench.crud_data import load_qa  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.answering.model import answer_model  # noqa: E402
from rag.engine import Snapshot  # noqa: E402
from rag.records import AskRequest  # noqa: E402
from rag.retrieve import Fusion  # noqa: E402

RESULTS = ROOT / "bench" / "results_answer_components.json"

# name -> (config changes, answer-model changes, fusion changes, BM25 question tokens); "shipped" first.
# Question tokens: "words_x2" counts the question's words twice (its bigrams once), "rare_x2" its words of IDF at
# least jieba's median twice, "no_bigrams" its words only.
VARIANTS: dict[str, tuple] = {
    "shipped": ({}, {}, {}),
    "read1": ({}, {"read_articles": 1}, {}),
    "read3": ({}, {"read_articles": 3}, {}),
    "k3": ({"k": 3}, {}, {}),
    "k8": ({"k": 8}, {}, {}),
    "k8_read3": ({"k": 8}, {"read_articles": 3}, {}),
    "dense0.2": ({}, {}, {"dense_weight": 0.2}),
    "dense0.5": ({}, {}, {"dense_weight": 0.5}),
    "dense0.7": ({}, {}, {"dense_weight": 0.7}),
    "chunk0.1": ({}, {}, {"chunk_weight": 0.1}),
    "chunk0.6": ({}, {}, {"chunk_weight": 0.6}),
    "core20": ({}, {}, {"dense_core": 20}),
    "words_x2": ({}, {}, {}, "words_x2"),
    "rare_x2": ({}, {}, {}, "rare_x2"),
    "no_bigrams": ({}, {}, {}, "no_bigrams"),
}


# the answer model's selection constants, each varied alone from the shipped model (`--constants`): tuned on all
# of qa_dev when they were set (bench/train_answer.py, answer_misses.py --sweep); re-chosen here by split half
CONSTANTS = {"third_margin": (None, 0.25, 0.5, 0.75, 1.0, 1.5), "second_margin": (0.5, 0.75, 1.0, 1.5, 2.0),
             "length_penalty": (0.0, 0.5, 0.75, 1.0, 1.5, 2.0)}
MEDIAN_CAP = 90  # a choice keeps the choosing half's median answer within this many characters


def question_tokens(shipped, how: str | None):
    """The BM25 question tokenizer of a variant (a wrapper of the index's own, in this script only)."""
    from rag.index.lexical import words
    from rag.lang.words import idf

    if how is None:
        return shipped
    table, median = idf()
    extra = {"words_x2": lambda q: words(q),
             "rare_x2": lambda q: [w for w in words(q) if table.get(w, median) >= median]}
    if how == "no_bigrams":
        return lambda q: words(q)
    return lambda q: extra[how](q) + shipped(q)


def half(qid: str) -> str:
    """A or B: the question's source article (the id before its last '-') hashed, so a source stays in one half."""
    source = qid.rsplit("-", 1)[0]
    return "AB"[hashlib.md5(source.encode()).digest()[0] % 2]


class Recorder:
    """Wraps the answerer's read step and the slot check's absent/premise rules, remembering what each question
    did (in this script only)."""

    def __init__(self):
        self.read: list[str] = []
        self.fired: str | None = None
        self._prepare = extractive.prepare
        self._absent = slot_check.absent_focus
        self._premise = slot_check.premise_gap

    def install(self) -> None:
        def prepare(question, hits, articles, read, previous=None):
            self.read = list(read)
            return self._prepare(question, hits, articles, read, previous)

        def absent(q, ranked, rows, **kw):
            out = self._absent(q, ranked, rows, **kw)
            if out:
                self.fired = "absent"
            return out

        def premise(q, ranked, rows, **kw):
            out = self._premise(q, ranked, rows, **kw)
            if out:
                self.fired = "premise"
            return out

        extractive.prepare = prepare
        slot_check.absent_focus = absent
        slot_check.premise_gap = premise

    def reset(self) -> None:
        self.read, self.fired = [], None


def rule_of(answer: dict, fired: str | None) -> str:
    """The refusing rule, from the answer's note (and which of absent/premise fired in the slot check)."""
    note = answer.get("note") or ""
    if note.startswith("answerability"):
        return "threshold"
    if note.startswith("the best article holds under"):
        return "coverage"
    if note.startswith("slot check: no absent"):
        return fired or "absent_or_premise"
    if note.startswith("slot check"):
        return "slot_filler:" + note.split("no ", 1)[1].split(" ")[0]
    if note.startswith("the articles never mention"):
        return "english_unmet"
    return note.split(":")[0] or "other"


def run(qa, retriever, by_id, config, rec: Recorder, model=None) -> list[dict]:
    """One record per question: half, answerable, refused, rule, read, cited, covered, bucket."""
    answerer = extractive.ExtractiveAnswerer(config, model)
    out = []
    for q in qa:
        rec.reset()
        a = answerer.answer(AskRequest(q["question"]), Snapshot(by_id, retriever)).to_json()
        gold = set(q.get("articles") or ())
        cited = [c["article_id"] for c in a.get("citations", [])]
        row = {"id": q["id"], "half": half(q["id"]), "answerable": bool(gold), "keyed": bool(q.get("keys")),
               "refused": bool(a["refused"]), "gold_read": bool(gold & set(rec.read)),
               "cited_gold": bool(gold & set(cited)), "chars": ev.answer_length(a["answer"])}
        row["covered"] = bool(row["keyed"] and not a["refused"] and ev.covers(a["answer"], q["keys"]))
        row["rule"] = rule_of(a, rec.fired) if a["refused"] else None
        if not gold:
            row["bucket"] = "unanswerable_refused" if a["refused"] else "unanswerable_answered"
        elif a["refused"]:
            row["bucket"] = f"refused:{row['rule']} (gold {'read' if row['gold_read'] else 'unread'})"
        elif row["covered"]:
            row["bucket"] = "covered"
        elif not row["gold_read"]:
            row["bucket"] = "unread"
        elif not row["cited_gold"]:
            row["bucket"] = "read_not_cited"
        elif row["keyed"]:
            row["bucket"] = "wrong_unit"
        else:
            row["bucket"] = "answered"
        out.append(row)
    return out


def figures(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    keyed = [r for r in ans if r["keyed"]]
    unans = [r for r in rows if not r["answerable"]]
    return {"questions": len(rows), "keyed": len(keyed),
            "key_coverage": round(sum(r["covered"] for r in keyed) / max(1, len(keyed)), 4),
            "false_refusals": sum(r["refused"] for r in ans), "answerable": len(ans),
            "false_refusal_rate": round(sum(r["refused"] for r in ans) / max(1, len(ans)), 4),
            "unanswerable_refused": sum(r["refused"] for r in unans), "unanswerable": len(unans),
            "chars_median": statistics.median([r["chars"] for r in ans if not r["refused"]] or [0])}


def table(rows: list[dict]) -> dict:
    """Buckets (answerable questions, keyed and not) and each refusing rule's fires and precision, per half."""
    out = {}
    for h in ("A", "B", "all"):
        part = [r for r in rows if h == "all" or r["half"] == h]
        rules = {}
        for rule in sorted({r["rule"] for r in part if r["rule"]}):
            fires = [r for r in part if r["rule"] == rule]
            right = sum(not r["answerable"] for r in fires)
            rules[rule] = {"fires": len(fires), "on_unanswerable": right, "on_answerable": len(fires) - right,
                           "precision": round(right / len(fires), 3)}
        out[h] = {"figures": figures(part),
                  "buckets_keyed": dict(Counter(r["bucket"] for r in part if r["answerable"] and r["keyed"]).most_common()),
                  "buckets_unkeyed": dict(Counter(r["bucket"] for r in part if r["answerable"] and not r["keyed"]).most_common()),
                  "unanswerable": dict(Counter(r["bucket"] for r in part if not r["answerable"])),
                  "refusal_rules": rules}
    return out


def choose(results: dict[str, list[dict]], on: str) -> str:
    """The variant with the best key coverage on half `on` whose false refusals there do not exceed shipped's and
    whose median answer stays within MEDIAN_CAP characters (or shipped's median)."""
    base = figures([r for r in results["shipped"] if r["half"] == on])
    best, best_cov = "shipped", base["key_coverage"]
    for name, rows in results.items():
        f = figures([r for r in rows if r["half"] == on])
        if (f["false_refusals"] <= base["false_refusals"] and f["key_coverage"] > best_cov + 1e-9
                and f["chars_median"] <= max(MEDIAN_CAP, base["chars_median"])):
            best, best_cov = name, f["key_coverage"]
    return best


def constants(qa, retriever, by_id, config, rec: Recorder, shipped_model) -> dict:
    """Each selection constant's values answered on all of qa_dev; per constant, the value chosen on each half
    (by `choose`) and its figures on the other half."""
    out = {}
    for name, values in CONSTANTS.items():
        results = {}
        for v in values:
            model = replace(shipped_model, info={**shipped_model.info, name: v})
            shipped = v == shipped_model.info.get(name, extractive.THIRD_MARGIN if name == "third_margin" else None)
            results["shipped" if shipped else str(v)] = run(qa, retriever, by_id, config, rec, model)
        by_half = {n: {h: figures([r for r in rs if r["half"] == h]) for h in ("A", "B")} for n, rs in results.items()}
        picks = {}
        for on, report in (("A", "B"), ("B", "A")):
            chosen = choose(results, on)
            picks[f"chosen_on_{on}"] = {"value": chosen, f"held_out_{report}": by_half[chosen][report],
                                        f"shipped_{report}": by_half["shipped"][report]}
        out[name] = {"shipped": shipped_model.info.get(name, extractive.THIRD_MARGIN if name == "third_margin" else None),
                     "by_half": by_half, "choice": picks}
        print(name, json.dumps(picks), file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", action="store_true", help="answer under every variant; choose by split half")
    parser.add_argument("--constants", action="store_true",
                        help="the answer model's selection constants, each varied alone; choose by split half")
    parser.add_argument("--only", nargs="*", help="variants to run (default: all)")
    args = parser.parse_args(argv)
    config, by_id, retriever, how = crud_setup(lexical=False)
    if retriever is None:
        print(how)
        return 1
    qa = load_qa("qa_dev")
    rec = Recorder()
    rec.install()
    shipped_model = answer_model()
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    out = {"split": "qa_dev", "retriever": how, "tuned_on": True,
           "halves": dict(Counter(half(q["id"]) for q in qa))}
    if args.constants:
        out = {**previous, "constants": constants(qa, retriever, by_id, config, rec, shipped_model)}
    elif not args.variants:
        t0 = time.perf_counter()
        rows = run(qa, retriever, by_id, config, rec)
        out["seconds"] = round(time.perf_counter() - t0, 1)
        out["shipped"] = table(rows)
        out["rows"] = rows
        out["variants"] = previous.get("variants")
    else:
        names = args.only or list(VARIANTS)
        results: dict[str, list[dict]] = {}
        fusion0 = retriever.fusion
        lexical = retriever.index.index.lexical  # the FAISS backend's VectorIndex's BM25 index
        tokens0 = lexical.query_tokens
        for name in names:
            cfg, mdl, fus, *how = VARIANTS[name]
            retriever.fusion = replace(fusion0, **fus) if fus else fusion0
            lexical.query_tokens = question_tokens(tokens0, how[0] if how else None)
            # the answerer reads config.k (chunks searched) and model.read_articles (articles read whole)
            results[name] = run(qa, retriever, by_id, replace(config, **cfg), rec, replace(shipped_model, **mdl))
            print(name, {h: figures([r for r in results[name] if r["half"] == h]) for h in "AB"}, file=sys.stderr)
        retriever.fusion = fusion0
        lexical.query_tokens = tokens0
        rows_out = {n: {h: figures([r for r in rs if r["half"] == h]) for h in ("A", "B")} for n, rs in results.items()}
        picks = {}
        for on, report in (("A", "B"), ("B", "A")):
            chosen = choose(results, on)
            picks[f"chosen_on_{on}"] = {"variant": chosen, f"held_out_{report}": rows_out[chosen][report],
                                        f"shipped_{report}": rows_out["shipped"][report]}
        out = {**previous, **{k: v for k, v in out.items() if k != "halves"}, "halves": out["halves"],
               "variants": {"settings": {n: VARIANTS[n] for n in names}, "by_half": rows_out, "choice": picks}}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    show = {k: v for k, v in out.items() if k not in ("rows",)}
    print(json.dumps(show, ensure_ascii=False, indent=1)[:6000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
