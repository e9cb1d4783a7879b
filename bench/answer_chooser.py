"""An article chooser fitted on data that is not CRUD qa_test (issue #15, brief R13): which of the top fused
articles should be read first. On qa_test retrieval finds the answering article in the top 5 about as often as on
qa_dev (hit@5 0.92 vs 0.90) but first less often (hit@1 0.72 vs 0.81), so the choice among the top few is where
the test gap is; reorders by single features tuned on qa_dev (bench/answer_reads.py --rerank) did not move it.

Training data: the weak answerable questions (bench/answer_weak.py) whose source article is in .rag/weak-index
(bench/answer_weak_refusals.py: the CRUD index's articles + 2,000 distractors + 549 weak articles), asked through
the hybrid retriever over that index. For each question the top TOP fused articles get features: the fused score,
its gap to the first, rank, the best dense and lexical chunk standardised as Fusion does (zd, zl), an article-level
BM25 over the whole text, IDF-weighted coverage of the question's words in the article / its best sentence / its
title, rare-word coverage, shared bigrams, the longest verbatim stretch, the question's numbers and quoted names
(《》“”) found, and the shipped answer model's best unit score and answerability with that article read alone
(rag.answering.model: as features, nothing refitted); each also relative to the best of the question's top TOP.
A pointwise logistic (bench.train_answer.fit_logistic) over the top K articles is fitted on weak half A
(answer_components.half, by source article) and measured on weak half B and on ALL of CRUD qa_dev — never used to
choose anything here, so qa_dev is untuned for this chooser (the features and K were fixed before it was asked);
a second variant adds qa_dev half A to training and is reported on qa_dev half B.

The weak questions copy their source sentence's words, so the copy features (longest stretch, bigrams, best
sentence) could learn "exact copy": the chooser is also fitted without them (`nocopy`), and with the weak
questions' copied spans of ≥ 6 characters cut from the question before features are computed (`cut6`).

Through the product answerer (`--product`, bench_answer.answer_question with the retriever's ranking changed so the
chooser's article ranks first; `+read2`: the chooser's best two of the top K are read, 20 chunks searched): CRUD
qa_dev with the chooser fitted on all weak questions, qa_dev half B fitted on weak + qa_dev half A, weak half B
fitted on weak half A — key coverage, false refusals and which questions it gains or loses against the shipped order.

    python bench/answer_chooser.py            # features (cached under .rag/chooser), fits, hit@1 table
    python bench/answer_chooser.py --product all_top5 model_top5 nocopy_top5 all_top3 all_top5+read2 model_top5+read2
Results: bench/results_answer_chooser.json (ids and counts only). CRUD qa_test is never read.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.answer_components import half  # noqa: E402
from bench.answer_reads import RecordingFusion, article_z, shares  # noqa: E402
from bench.crud_data import WORK  # noqa: E402
from rag.answering.model import answer_model, rank_pool  # noqa: E402
from rag.answering.prepare import prepare  # noqa: E402
from rag.answering.question import analyze  # noqa: E402
from rag.answering.refusal import answerability  # noqa: E402
from rag.lang.script import normalize  # noqa: E402
from rag.lang.words import idf  # noqa: E402

RESULTS = ROOT / "bench" / "results_answer_chooser.json"
CACHE = WORK / "chooser"  # feature rows per question set (delete to recompute)
TOP = 5  # articles featurised per question
QUOTED = re.compile(r"[《“「\"']([^》”」\"']{2,30})[》”」\"']")
BASE = ("cov", "title_cov", "sent_cov", "rare", "bigrams", "numbers", "shared", "bm25", "quoted", "unit", "p")
COPY = ("sent_cov", "bigrams", "shared")
FEATURES = {
    "retrieval": ("fused", "gap", "rank", "zd", "zl", "zd_rel", "zl_rel"),
    "text": ("gap", "rank", "zd_rel", "zl_rel") + tuple(f"{b}_rel" for b in BASE[:9]),
    "all": ("gap", "rank", "zd_rel", "zl_rel") + tuple(f"{b}_rel" for b in BASE),
    "nocopy": ("gap", "rank", "zd_rel", "zl_rel") + tuple(f"{b}_rel" for b in BASE if b not in COPY),
    "model": ("gap", "rank", "unit_rel", "p_rel"),
}


def bm25(terms, text: str, avg: float, k1: float = 1.2, b: float = 0.75) -> float:
    """An article-level BM25 over the whole text with the shipped IDF table (words counted as substrings)."""
    table, median = idf()
    n = max(1, len(text))
    s = 0.0
    for t, _w in terms:
        tf = text.count(t)
        if tf:
            s += table.get(t, median) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * n / avg))
    return s


def cut_copies(question: str, text: str, span: int = 6) -> str:
    """The question with every stretch of ≥ `span` characters found verbatim in the text removed."""
    out, i = [], 0
    while i < len(question):
        j = i + span
        if j <= len(question) and question[i:j] in text:
            while j < len(question) and question[i : j + 1] in text:
                j += 1
            i = j
            continue
        out.append(question[i])
        i += 1
    return "".join(out)


def recorded_rank(retriever, question: str):
    """retriever.rank(question), with the candidates Fusion fused (for each article's dense and lexical z-scores)."""
    rec = RecordingFusion(retriever.fusion)
    retriever.fusion = rec
    try:
        ranking = retriever.rank(question)
    finally:
        retriever.fusion = rec.inner
    return ranking, rec


def features(question: str, retriever, by_id, gold: set[str], model, cut: bool = False, ranked=None) -> list[dict]:
    """The top TOP fused articles of one question, each a feature dict (with `gold` and `id`)."""
    ranking, rec = ranked or recorded_rank(retriever, question)
    if not len(ranking):
        return []
    uniq, zd, zl = article_z(rec.found, rec.inner)
    at = {ranking.index.article_ids[a]: i for i, a in enumerate(uniq)}
    hits = [h for h in ranking.hits(60) if h.chunk.article_id in by_id]
    arts = [(a, s) for a, s in ranking.articles(TOP) if a in by_id]
    if cut and gold:
        g = by_id[sorted(gold)[0]]
        cq = cut_copies(normalize(question), normalize(g.title + "\n" + "\n".join(g.paragraphs)))
        question = cq if len(cq) >= 4 else question
    q = analyze(question)
    texts = {aid: normalize(by_id[aid].title + "\n" + "\n".join(by_id[aid].paragraphs)) for aid, _ in arts}
    avg = float(np.mean([len(t) for t in texts.values()])) if texts else 1.0
    quoted = [normalize(m) for m in QUOTED.findall(question)]
    rows = []
    for r, (aid, s) in enumerate(arts):
        f = {"id": aid, "gold": aid in gold, "fused": s, "rank": float(r), "zd": float(zd[at[aid]]),
             "zl": float(zl[at[aid]]), **shares(q, by_id[aid]), "bm25": bm25(q.terms, texts[aid], avg),
             "quoted": float(sum(m in texts[aid] for m in quoted))}
        qq, pool = prepare(question, hits, by_id, [aid])
        ranked = rank_pool(qq, pool, model) if pool else None
        ok = ranked is not None and len(ranked.scores)
        f["unit"] = float(ranked.scores.max()) if ok else -10.0
        f["p"] = answerability(qq, ranked, model) if ok else 0.0
        rows.append(f)
    for f in rows:
        f["gap"] = rows[0]["fused"] - f["fused"]
        for k in ("zd", "zl", *BASE):
            f[f"{k}_rel"] = f[k] - max(g[k] for g in rows)
    return rows


def collect(name: str, questions: list[dict], retriever, by_id, cut: bool = False) -> list[dict]:
    """Feature rows per question, cached under CACHE (ids, halves and features only)."""
    path = CACHE / f"{name}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    model, out, t0 = answer_model(), [], time.perf_counter()
    for i, item in enumerate(questions):
        gold = set(item.get("articles") or ())
        if not gold:
            continue
        out.append({"qid": item["id"], "half": half(item["id"]), "keyed": bool(item.get("keys")),
                    "rows": features(item["question"], retriever, by_id, gold, model, cut)})
        if i % 100 == 0:
            print(name, i, round(time.perf_counter() - t0, 1), file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def matrix(qs: list[dict], names: tuple[str, ...], k: int):
    X = np.array([[f[n] for n in names] for q in qs for f in q["rows"][:k]], dtype=np.float64)
    y = np.array([float(f["gold"]) for q in qs for f in q["rows"][:k]])
    return X, y


def fit(qs: list[dict], names: tuple[str, ...], k: int, C: float = 0.1) -> dict:
    """A pointwise logistic over each question's top k articles (only questions whose gold is among them)."""
    from bench.train_answer import fit_logistic

    qs = [q for q in qs if any(f["gold"] for f in q["rows"][:k])]
    X, y = matrix(qs, names, k)
    mu, sd = X.mean(0), X.std(0) + 1e-6
    w, b = fit_logistic((X - mu) / sd, y, C=C)
    return {"names": list(names), "k": k, "mean": mu.tolist(), "std": sd.tolist(), "weights": w.tolist(), "bias": b}


def choose(q: dict, m: dict | None) -> int:
    """The index (in fused order) of the article the chooser puts first; 0 without a model."""
    order = chooser_order(q["rows"], m) if m is not None else []
    return order[0] if order else 0


def switches(qs: list[dict], m: dict) -> dict:
    """Questions whose first article the chooser changes: to the answering article, away from it, neither."""
    moved = [(q, choose(q, m)) for q in qs]
    moved = [(q, j) for q, j in moved if j]
    to = sum(q["rows"][j]["gold"] for q, j in moved)
    away = sum(q["rows"][0]["gold"] for q, _ in moved)
    return {"switched": len(moved), "to_gold": to, "from_gold": away, "neither": len(moved) - to - away}


def hits(qs: list[dict], m: dict | None) -> dict:
    """Article hit@1 after the chooser and hit@2 of (chosen, then the fused order)."""
    n = max(1, len(qs))
    h1 = h2 = 0
    for q in qs:
        if not q["rows"]:
            continue
        j = choose(q, m)
        order = [j] + [i for i in range(len(q["rows"])) if i != j]
        h1 += q["rows"][order[0]]["gold"]
        h2 += any(q["rows"][i]["gold"] for i in order[:2])
    return {"hit@1": round(h1 / n, 4), "hit@2": round(h2 / n, 4), "questions": len(qs)}


def promoted(ranking, aid: str):
    """The ranking with article `aid`'s chunks first: its article score raised to just above the first's (every
    chunk keeps its own offset), then re-sorted stably — what a chooser hook in the retriever would do."""
    from dataclasses import replace

    names = ranking.index.article_ids
    mine = np.array([names[a] == aid for a in ranking.index.chunk_article[ranking.rows]])
    if not mine.any() or mine[0]:
        return ranking
    base = ranking.article_scores if ranking.article_scores is not None else ranking.scores
    delta = float(base[0] - base[mine].max()) + 1e-6
    scores = ranking.scores + delta * mine
    art = None if ranking.article_scores is None else ranking.article_scores + delta * mine
    order = np.argsort(-scores, kind="stable")
    return replace(ranking, rows=ranking.rows[order], scores=scores[order], article_scores=None if art is None else art[order])


def chooser_order(rows: list[dict], m: dict) -> list[int]:
    """The top m["k"] articles (indices in fused order) by the chooser's score, best first."""
    rows = rows[: m["k"]]
    if len(rows) < 2:
        return list(range(len(rows)))
    X = np.array([[f[n] for n in m["names"]] for f in rows])
    s = ((X - np.array(m["mean"])) / np.array(m["std"])) @ np.array(m["weights"]) + m["bias"]
    return [int(i) for i in np.argsort(-s, kind="stable")]


@contextmanager
def choosing(retriever, by_id, m: dict, log: list, read_two: bool = False):
    """The retriever with the chooser `m` deciding which of its top m["k"] articles ranks first (questions asked
    without article or date restriction). With `read_two`, the answerer also reads the chooser's best two of them
    (searching 20 chunks, as answer_reads.py --sweep's chunks20 variants) instead of the articles of its 5 best
    chunks. In this script only: a measurement of the product path."""
    import rag.answering.extractive as extractive

    shipped, state = retriever.rank, {}
    shipped_read, shipped_search = extractive.articles_to_read, extractive.ExtractiveAnswerer._search
    model = answer_model()

    def rank(query, article_ids=None, filter=None):
        if article_ids is not None or filter is not None:
            return shipped(query, article_ids, filter)
        rec = RecordingFusion(retriever.fusion)
        retriever.fusion = rec
        try:
            ranking = shipped(query)
        finally:
            retriever.fusion = rec.inner
        if not len(ranking):
            return ranking
        rows = features(query, retriever, by_id, set(), model, ranked=(ranking, rec))
        order = chooser_order(rows, m)
        state["order"] = [rows[i]["id"] for i in order]
        j = order[0] if order else 0
        log.append((query, rows[j]["id"] if rows else None, j))
        return promoted(ranking, rows[j]["id"]) if j else ranking

    def to_read(hits, focus, multi, read=2):
        if focus or multi or not state.get("order"):
            return shipped_read(hits, focus, multi, read)
        return state["order"][:read]

    def search(corpus, question, k, focus, articles):
        return shipped_search(corpus, question, max(k, 20), focus, articles)

    retriever.rank = rank
    if read_two:
        extractive.articles_to_read, extractive.ExtractiveAnswerer._search = to_read, staticmethod(search)
    try:
        yield
    finally:
        del retriever.rank
        extractive.articles_to_read, extractive.ExtractiveAnswerer._search = shipped_read, staticmethod(shipped_search)


def product(m: dict | None, retriever, by_id, config, qa: list[dict], read_two: bool = False) -> tuple[dict, list]:
    """CRUD qa_dev through the product answerer (bench_answer.answer_question), with the chooser when given."""
    from bench.bench_answer import answer_question, short_exact
    from rag import evaluate as ev

    log: list = []
    t0 = time.perf_counter()
    if m is None:
        answers = [answer_question(q["question"], retriever, by_id, config).to_json() for q in qa]
    else:
        with choosing(retriever, by_id, m, log, read_two):
            answers = [answer_question(q["question"], retriever, by_id, config).to_json() for q in qa]
    row = ev.answer_metrics(qa, answers, by_id)
    row.update(short_exact(qa, answers))
    row["seconds_per_question"] = (time.perf_counter() - t0) / max(1, len(qa))
    keep = ("key_coverage", "false_refusal_rate", "refusal_rate_unanswerable", "cited_hit@1", "short_exact",
            "answer_chars_median", "seconds_per_question")
    covered = [bool(q.get("keys")) and not a["refused"] and ev.covers(a["answer"], q["keys"]) for q, a in zip(qa, answers)]
    return {k: round(row[k], 4) if isinstance(row[k], float) else row[k] for k in keep}, covered


def compare(name: str, runs: dict, m: dict | None, retriever, by_id, config, qa, base_cov=None, read_two=False):
    row, cov = product(m, retriever, by_id, config, qa, read_two)
    if base_cov is not None:
        row["gained"] = sum(c and not b for c, b in zip(cov, base_cov))
        row["lost"] = sum(b and not c for c, b in zip(cov, base_cov))
    runs[name] = row
    print(name, json.dumps(row), file=sys.stderr)
    return cov


def product_runs(variants: list[str], weak_rows, dev_rows, weak_setup, dev_setup, weak_qa, dev_qa, how) -> int:
    """Through the product answerer: CRUD qa_dev (all of it, chooser fitted on all weak questions; half B, fitted
    on weak + qa_dev half A) and weak half B (fitted on weak half A), each against the shipped order."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    runs: dict = results.get("product", {}).get("runs", {})
    results["product"] = {"retriever_dev": how, "retriever_weak": "hybrid (.rag/weak-index)", "runs": runs}
    config, by_id, retriever = dev_setup
    wconfig, wby_id, wretriever = weak_setup
    dev_b = [q for q in dev_qa if half(q["id"]) == "B"]
    weak_b = [q for q in weak_qa if half(q["id"]) == "B"]
    base = compare("qa_dev/shipped", runs, None, retriever, by_id, config, dev_qa)
    base_b = compare("qa_dev_B/shipped", runs, None, retriever, by_id, config, dev_b)
    base_w = compare("weak_B/shipped", runs, None, wretriever, wby_id, wconfig, weak_b)
    for v in variants or ["all_top5"]:
        read_two = v.endswith("+read2")
        fname, k = v.removesuffix("+read2").rsplit("_top", 1)
        names, k = FEATURES[fname], int(k)
        compare(f"qa_dev/{v} (weak)", runs, fit(weak_rows, names, k), retriever, by_id, config, dev_qa, base, read_two)
        compare(f"qa_dev_B/{v} (weak + qa_dev A)", runs, fit(weak_rows + [q for q in dev_rows if q["half"] == "A"], names, k),
                retriever, by_id, config, dev_b, base_b, read_two)
        compare(f"weak_B/{v} (weak A)", runs, fit([q for q in weak_rows if q["half"] == "A"], names, k),
                wretriever, wby_id, wconfig, weak_b, base_w, read_two)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


GAPS = ("cov_rel", "sent_cov_rel", "shared_rel", "bm25_rel", "zl_rel", "unit_rel", "p_rel")


def copy_check(qs: list[dict]) -> dict:
    """How far the answering article falls below the best of the top TOP on each signal when it is not ranked
    first (mean), beside the same for the other articles when it is: on the weak questions a misranked answering
    article still (nearly) holds the longest copied stretch; if CRUD's does not, copy features cannot carry over."""
    behind = [f for q in qs for f in q["rows"][1:] if f["gold"]]
    others = [f for q in qs if q["rows"] and q["rows"][0]["gold"] for f in q["rows"][1:]]
    return {"gold_not_first": len(behind),
            "gold_not_first_mean": {k: round(float(np.mean([f[k] for f in behind])), 3) for k in GAPS} if behind else {},
            "others_when_gold_first_mean": {k: round(float(np.mean([f[k] for f in others])), 3) for k in GAPS} if others else {}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collect-only", action="store_true")
    parser.add_argument("--product", nargs="*", metavar="VARIANT",
                        help="CRUD qa_dev through the product answerer with choosers fitted on ALL weak questions "
                             "(variants as name_topK, e.g. all_top5)")
    args = parser.parse_args(argv)
    from bench.answer_data import CACHE as WEAK
    from bench.answer_weak_refusals import sample, setup
    from bench.bench_answer import crud_setup
    from bench.crud_data import load_qa
    from rag.evaluate import read_jsonl

    answerable, unanswerable = sample()
    config, wby_id, wretriever = setup(answerable + unanswerable)
    weak = [q for q in read_jsonl(WEAK / "weak.jsonl") if set(q.get("articles") or ()) & set(wby_id)]
    weak_rows = collect("weak", weak, wretriever, wby_id)
    weak_cut = collect("weak_cut6", weak, wretriever, wby_id, cut=True)
    config_dev, by_id, retriever, how = crud_setup(lexical=False)
    dev = collect("qa_dev", load_qa("qa_dev"), retriever, by_id)
    if args.collect_only:
        return 0
    if args.product is not None:
        return product_runs(args.product, weak_rows, dev, (config, wby_id, wretriever), (config_dev, by_id, retriever),
                            weak, load_qa("qa_dev"), how)
    wa = [q for q in weak_rows if q["half"] == "A"]
    wb = [q for q in weak_rows if q["half"] == "B"]
    ca = [q for q in weak_cut if q["half"] == "A"]
    da = [q for q in dev if q["half"] == "A"]
    db = [q for q in dev if q["half"] == "B"]
    out = {"what": "article chooser over the top k fused articles, fitted on weak questions (.rag/weak-index)",
           "retriever_weak": "hybrid (.rag/weak-index)", "retriever_dev": how, "qa_test": "never read",
           "weak_questions": len(weak_rows), "qa_dev_answerable": len(dev),
           "fused_order": {"weak_B": hits(wb, None), "qa_dev": hits(dev, None), "qa_dev_B": hits(db, None)},
           "gold_in_top": {f"@{k}": round(sum(any(f['gold'] for f in q['rows'][:k]) for q in dev) / len(dev), 4)
                           for k in (1, 2, 3, 5)},
           "gold_in_top_weak": {f"@{k}": round(sum(any(f['gold'] for f in q['rows'][:k]) for q in weak_rows) / len(weak_rows), 4)
                                for k in (1, 2, 3, 5)},
           "copy_check": {"weak": copy_check(weak_rows), "qa_dev": copy_check(dev)},
           "qa_dev_switches_all_top5": switches(dev, fit(weak_rows, FEATURES["all"], 5)),
           "variants": {}}
    for fname, names in FEATURES.items():
        for k in (3, 5):
            m = fit(wa, names, k)
            mc = fit(ca, names, k)
            mab = fit(wa + da, names, k)
            out["variants"][f"{fname}_top{k}"] = {
                "weak_A->weak_B": hits(wb, m), "weak_A->qa_dev": hits(dev, m),
                "weak_A_cut6->weak_B": hits(wb, mc), "weak_A_cut6->qa_dev": hits(dev, mc),
                "weak_A+qa_dev_A->qa_dev_B": hits(db, mab),
                "weights": dict(zip(names, [round(w, 3) for w in m["weights"]]))}
            print(fname, k, json.dumps({a: b for a, b in out["variants"][f"{fname}_top{k}"].items() if a != "weights"}),
                  file=sys.stderr)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    if "product" in previous:
        out["product"] = previous["product"]
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k not in ("variants", "product")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
