"""Fit the extractive answerer's model: the pairwise unit ranker, the answerability model and its thresholds.
Writes rag/answering/data/answer_model.json (shipped with the package) and bench/results_train_answer.json.

    python bench/train_answer.py             # build the data (cached in .rag/answer-train/), cross-validate, fit, write
    python bench/train_answer.py --rebuild   # build the data anew (after a change to units, slots or features)

Data recipe (all from ../shared and bench/, nothing is downloaded; built data stay in .rag/, never committed):
- ranker labels: a unit is positive when it covers every key group of its question (rag.evaluate.covers), for
  the keyed questions of CRUD qa_dev (over articles.jsonl + the first 2,000 distractors, BM25 retrieval), dev_qa
  and dev2_qa (the seeds, the real hybrid index) and weak questions made from distractor articles that the
  CRUD index does not hold (bench/answer_weak.py: cloze number/date/person questions, enumerations, quotations
  → speaker, purpose clauses);
- the pool of each question is what the answerer reads (the two best retrieved articles, rag.answering.prepare)
  plus its answering article when retrieval missed it;
- answerability: every question of those sets plus the repo's English sets (bench/english_qa*.jsonl) and off-topic
  Chinese questions (bench/chinese_unanswerable_qa.jsonl); CRUD's own "unanswerable" marks are noisy (several
  are answered in the article) and weigh half;
- cross-validation is grouped by article (no article in both the training and the scored fold). The threshold
  is chosen on the cross-validated probabilities of the answerable dev questions for a stated false-refusal rate,
  jointly with a floor on the share of a Chinese question its best article holds (the pair that refuses the most
  unanswerable questions at that rate).
CRUD qa_test is never read here.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import SHARED, WORK, load_crud, load_qa  # noqa: E402
from rag.answering.model import Linear, Ranked, featurize, model_from_json  # noqa: E402
from rag.answering.prepare import articles_to_read, prepare  # noqa: E402
from rag.answering.qfeatures import FEATURES  # noqa: E402
from rag.answering.refusal import QFEATURES, question_features  # noqa: E402
from rag.evaluate import covers, read_jsonl  # noqa: E402

CACHE = WORK / "answer-train"
MODEL = ROOT / "rag" / "answering" / "data" / "answer_model.json"
RESULTS = ROOT / "bench" / "results_train_answer.json"
K = 5  # config.k
# Left out of the ranker: they learn CRUD's lead-sentence and long-unit bias (phase-1 finding: CRUD CV unchanged
# without them, dev2 Chinese 12/24 → 18/24); length belongs to the selection rule.
RANKER_FEATURES = tuple(f for f in FEATURES if f not in ("partial_start",))
FR_TARGET = 0.05  # stated false-refusal rate the threshold is chosen for
UNANSWERABLE_CRUD_WEIGHT = 0.5
OFF_TOPIC_EVERY = 3  # one weak question in this many is also asked without its article (an off-topic question)


@dataclass
class Example:
    qid: str
    set: str
    question: str
    keys: list
    gold: list
    group: str
    english: bool
    multi: bool
    atype: str
    X: np.ndarray
    owner: np.ndarray
    unit: np.ndarray
    labels: np.ndarray  # 1 covers the keys, 0 not, -1 unlabelled
    chars: np.ndarray
    texts: list  # each row's unit text as quoted (article's script)
    aids: list  # each pool article's id
    infer: np.ndarray  # rows of the articles the answerer would read (not the added gold)
    weight: float = 1.0
    extra: dict = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


def _example(rec: dict, set_name: str, hits, articles, previous=None, focus=()) -> Example:
    gold = [a for a in rec.get("articles") or [] if a in articles]
    q0_multi = __import__("rag.answering.question", fromlist=["analyze"]).analyze(rec["question"]).multi
    read = articles_to_read(hits, focus, q0_multi)
    topic = []
    if not gold and (rec.get("crud_unanswerable") or rec.get("topic")):  # the article it was asked about
        src = rec.get("topic") or rec["id"].rsplit("-", 1)[0]
        topic = [src] if src in articles else []
    pool_ids = list(dict.fromkeys(read + gold + topic))
    q, pool = prepare(rec["question"], hits, articles, pool_ids, previous)
    X, owner, unit = featurize(q, pool)
    keys = rec.get("keys") or []
    texts, labels, chars = [], [], []
    for o, u in zip(owner, unit):
        pa = pool[o]
        un = pa.units.units[u]
        text = "".join(pa.article.paragraph(p)[a:b] for p, a, b in un.spans)
        texts.append(text)
        chars.append(un.chars)
        labels.append((1 if covers(text, keys) else 0) if keys and gold else -1)
    aids = [pa.article.id for pa in pool]
    infer = np.where(np.isin(owner, [i for i, a in enumerate(aids) if a in read]))[0]
    weight = SET_WEIGHT.get(set_name, UNANSWERABLE_CRUD_WEIGHT if (topic and not gold) else 1.0)
    return Example(rec["id"], set_name, rec["question"], keys, gold, (gold or topic or [rec["id"]])[0],
                   q.script == "en", q.multi, q.atype, X, owner, unit, np.array(labels, np.int8), np.array(chars),
                   texts, aids, infer, weight, {"q": q})


def build_set(name: str, records, retriever, articles, off_topic: bool = False) -> list[Example]:
    """Examples of one question file. `off_topic`: each question is asked of a corpus without its own article
    (retrieval finds related articles that do not answer it): an unanswerable question."""
    out, by_id = [], {r["id"]: r for r in records}
    t0 = time.perf_counter()
    for i, rec in enumerate(records):
        previous, focus = None, ()
        parent = by_id.get(rec.get("follows") or "")
        if parent:  # asked in its parent's conversation: the chat keeps to the parent's articles
            previous, focus = parent["question"], tuple(parent.get("articles") or ())
        multi = __import__("rag.answering.question", fromlist=["analyze"]).analyze(rec["question"]).multi
        if off_topic:
            own = set(rec.get("articles") or ())
            hits = [h for h in retriever.search(rec["question"], k=4 * K) if h.chunk.article_id not in own][:K]
            rec = {**rec, "articles": [], "keys": []}
        else:
            hits = retriever.search(rec["question"], k=40 if multi else K, article_ids=list(focus) or None)
        out.append(_example(rec, name, hits, articles, previous, focus))
        if i % 50 == 0:
            print(f"  {name}: {i}/{len(records)} {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    return out


def seeds():
    from bench.bench_answer import seed_engine

    engine = seed_engine()
    return engine.retriever, engine.articles


SEED_SETS = {
    "dev_qa": SHARED / "eval" / "dev_qa.jsonl", "dev2_qa": SHARED / "eval" / "dev2_qa.jsonl",
    "english": ROOT / "bench" / "english_qa.jsonl", "english_heldout": ROOT / "bench" / "english_qa_heldout.jsonl",
    "zh_offtopic": ROOT / "bench" / "chinese_unanswerable_qa.jsonl",
}


def build(rebuild: set[str]) -> dict[str, list[Example]]:
    """Every set's examples, each cached in .rag/answer-train/<set>.pkl ("all" in `rebuild` rebuilds all)."""
    from rag.config import Config

    CACHE.mkdir(parents=True, exist_ok=True)
    sets: dict[str, list[Example]] = {}
    todo = {}
    for name in [*SEED_SETS, "crud_dev", "weak", "weak_unans", "weak_offtopic"]:
        path = CACHE / f"{name}.pkl"
        if path.exists() and not ({"all", name} & rebuild):
            sets[name] = pickle.loads(path.read_bytes())
        else:
            todo[name] = path
    if any(n in SEED_SETS for n in todo):
        retriever, articles = seeds()
        for name in [n for n in todo if n in SEED_SETS]:
            sets[name] = build_set(name, read_jsonl(SEED_SETS[name]), retriever, articles)
    from bench.bench_answer import LexicalRetriever

    if "crud_dev" in todo:
        crud = load_crud(2000)
        sets["crud_dev"] = build_set("crud_dev", load_qa("qa_dev"), LexicalRetriever(crud, Config()), {a.id: a for a in crud})
    weak_files = (("weak", "weak.jsonl"), ("weak_unans", "weak_unanswerable.jsonl"), ("weak_offtopic", "weak.jsonl"))
    if any(name in todo and (CACHE / file).exists() for name, file in weak_files):
        from bench.answer_weak import weak_articles

        records = {file: read_jsonl(CACHE / file) for _, file in weak_files if (CACHE / file).exists()}
        used = {a for recs in records.values() for r in recs for a in r["articles"] + [r.get("topic")]}
        weak = [a for a in weak_articles() if a.id in used]  # retrieval over the articles questions were made from
        retriever, by_id = LexicalRetriever(weak, Config()), {a.id: a for a in weak}
        for name, file in weak_files:
            if name in todo and file in records:
                recs = records[file][::OFF_TOPIC_EVERY] if name == "weak_offtopic" else records[file]
                sets[name] = build_set(name, recs, retriever, by_id, off_topic=name == "weak_offtopic")
    for name, path in todo.items():
        if name in sets:
            path.write_bytes(pickle.dumps(sets[name]))
    return sets


# ---- fitting -------------------------------------------------------------------------------------------


def fit_logistic(X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, C: float = 1.0, intercept: bool = True,
                 signs: list[int] | None = None):
    """L2-regularised logistic regression (scipy L-BFGS-B): (weights, bias). `signs`: per feature +1 / -1 / 0,
    a weight that must be ≥ 0, ≤ 0 or is free."""
    from scipy.optimize import minimize

    n, d = X.shape
    w = np.ones(n) if w is None else w
    Xb = np.hstack([X, np.ones((n, 1))]) if intercept else X

    def loss(beta):
        z = Xb @ beta
        p = 1.0 / (1.0 + np.exp(-z))
        ll = np.sum(w * (np.logaddexp(0, z) - y * z))
        reg = 0.5 / C * np.sum(beta[:d] ** 2)
        grad = Xb.T @ (w * (p - y)) + np.r_[beta[:d] / C, [0.0] * (len(beta) - d)]
        return ll + reg, grad

    bounds = None
    if signs is not None:
        bounds = [(0, None) if sg > 0 else (None, 0) if sg < 0 else (None, None) for sg in signs]
        bounds += [(None, None)] * (Xb.shape[1] - d)
    res = minimize(loss, np.zeros(Xb.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 500})
    beta = res.x
    return beta[:d], (float(beta[d]) if intercept else 0.0)


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return X.mean(0), X.std(0) + 1e-6


SET_WEIGHT = {"weak": 0.5, "weak_unans": 0.5, "weak_offtopic": 0.5}  # a weak question counts half a real one


def fit_ranker(examples: list[Example], cols: np.ndarray, seed: int = 0, neg_per_pos: int = 20, C: float = 1.0) -> Linear:
    """Linear RankNet: logistic regression on x_pos − x_neg within a question, over the units the answerer
    would read (an answering article retrieval missed is left out: its low retrieval prior would be learnt as
    a sign of the answer)."""
    rng = np.random.default_rng(seed)
    train = [e for e in examples if (e.labels[e.infer] == 1).any() and (e.labels[e.infer] == 0).any()]
    Xall = np.vstack([e.X[e.infer][:, cols] for e in train])
    mean, scale = standardise(Xall)
    diffs, weights = [], []
    for e in train:
        Z = (e.X[e.infer][:, cols] - mean) / scale
        labels = e.labels[e.infer]
        pos, neg = np.where(labels == 1)[0], np.where(labels == 0)[0]
        pos = rng.permutation(pos)[:5]
        for p in pos:
            nn = rng.choice(neg, size=min(neg_per_pos, len(neg)), replace=False)
            diffs.append(Z[p] - Z[nn])
            weights.append(np.full(len(nn), SET_WEIGHT.get(e.set, 1.0) / len(pos)))
    D, wt = np.vstack(diffs), np.concatenate(weights)
    w, _ = fit_logistic(np.vstack([D, -D]), np.r_[np.ones(len(D)), np.zeros(len(D))], np.r_[wt, wt], C=C, intercept=False)
    return Linear(tuple(FEATURES[i] for i in cols), mean.astype(np.float32), scale.astype(np.float32), w.astype(np.float32))


def folds(examples: list[Example], k: int = 5) -> list[int]:
    """Fold of each example, grouped by its article (round-robin over groups sorted by size)."""
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        groups.setdefault(e.group, []).append(i)
    fold_of, load = [0] * len(examples), [0] * k
    for g in sorted(groups, key=lambda g: -len(groups[g])):
        f = int(np.argmin(load))
        for i in groups[g]:
            fold_of[i] = f
        load[f] += len(groups[g])
    return fold_of


def ranked_of(e: Example, scores: np.ndarray) -> Ranked:
    return Ranked((), e.X, e.owner, e.unit, scores)


def pick(e: Example, scores: np.ndarray, margin: float | None, rows: np.ndarray | None = None, lam: float = 0.0) -> list[int]:
    """The answerer's selection rule (rag.answering.extractive.select) on cached rows."""
    rows = np.arange(len(scores)) if rows is None else rows
    adjusted = scores if e.extra["q"].enum else scores - lam * e.chars / 100.0  # a list is answered whole
    order = rows[np.argsort(-adjusted[rows], kind="stable")]
    best = int(order[0])
    chosen = [best]
    if margin is not None:
        for r in order[1:8]:
            if e.owner[r] != e.owner[best] or e.chars[best] + e.chars[r] > 200 or _overlap(e, best, int(r)):
                continue
            if adjusted[r] >= adjusted[best] - margin:
                chosen.append(int(r))
            break
    return chosen


def _overlap(e: Example, a: int, b: int) -> bool:
    return e.texts[a] in e.texts[b] or e.texts[b] in e.texts[a]


def selection_report(examples: list[Example], scores: list[np.ndarray], margin: float | None, lam: float = 0.0) -> dict:
    hit, chars = 0, []
    keyed = [(e, s) for e, s in zip(examples, scores) if e.keys and e.gold and len(e.infer)]
    for e, s in keyed:
        rows = pick(e, s, margin, e.infer, lam)
        text = "".join(e.texts[r] for r in rows)
        hit += covers(text, e.keys)
        chars.append(len(text))
    return {"keyed": len(keyed), "key_coverage": round(hit / max(1, len(keyed)), 4),
            "chars_median": statistics.median(chars) if chars else 0}


LENGTH_PENALTIES = (0.0, 0.25, 0.5, 1.0, 2.0)
MARGINS = (None, 0.5, 1.0)
MAX_MEDIAN_CHARS = 120  # the dev sets' answers must stay this short (median)


def choose_selection(pooled: list[Example], scores: list) -> tuple[float, float | None, dict]:
    """The length penalty and second-unit margin with the best cross-validated key coverage over CRUD qa_dev,
    dev_qa and dev2_qa whose median answer on each dev set stays within MAX_MEDIAN_CHARS."""
    table, best = {}, None
    for lam in LENGTH_PENALTIES:
        for margin in MARGINS:
            row = {}
            for n in ("crud_dev", "dev_qa", "dev2_qa"):
                idx = [i for i, e in enumerate(pooled) if e.set == n]
                row[n] = selection_report([pooled[i] for i in idx], [scores[i] for i in idx], margin, lam)
            table[f"lam={lam} margin={margin}"] = row
            ok = all(row[n]["chars_median"] <= MAX_MEDIAN_CHARS for n in ("dev_qa", "dev2_qa"))
            hits = sum(row[n]["key_coverage"] * row[n]["keyed"] for n in row)
            if ok and (best is None or hits > best[0] + 1e-9):
                best = (hits, lam, margin)
    _, lam, margin = best if best else (0, 0.0, None)
    return lam, margin, table


# ---- answerability -------------------------------------------------------------------------------------


def question_rows(examples: list[Example], scores: list[np.ndarray]) -> np.ndarray:
    """Question-level answerability signals over the rows the answerer would read."""
    return np.vstack([question_features(e.extra["q"], ranked_of(e, s), e.infer) if len(e.infer)
                      else np.zeros(len(QFEATURES), np.float32) for e, s in zip(examples, scores)])


RANKER_SETS = ("crud_dev", "dev_qa", "dev2_qa", "english", "english_heldout", "weak")
REFUSAL_SETS = ("crud_dev", "dev_qa", "dev2_qa", "english", "english_heldout", "zh_offtopic", "weak", "weak_unans",
                "weak_offtopic")
DEV_SETS = ("dev_qa", "dev2_qa")


# The direction each answerability signal can only push in (a weight of the other sign would be a correlated
# feature's artefact: more of the question's words in the article never makes it less answerable).
SIGNS = {
    "s_gap": 1, "slot_new_top": 1, "slot_new_top5": 1, "slot_near_top5": 1, "slot_none_art": -1, "missing_art": -1,
    "missing_near_art": -1, "focus_art": 1, "measure_art": 1, "cov_top": 1, "cov_art": 1, "pred_art": 1,
    "head_new_art": 1, "focus_top": 1, "lexical": 1, "filled_cov": 1, "filled_gap": -1,
}


def fit_answerability(R: np.ndarray, y: np.ndarray, w: np.ndarray, C: float = 0.1) -> Linear:
    mean, scale = standardise(R)
    # balanced classes, as sklearn's class_weight="balanced"
    wb = w * np.where(y == 1, len(y) / (2 * max(1, y.sum())), len(y) / (2 * max(1, (1 - y).sum())))
    coef, bias = fit_logistic((R - mean) / scale, y, wb, C, signs=[SIGNS.get(f, 0) for f in QFEATURES])
    return Linear(QFEATURES, mean.astype(np.float32), scale.astype(np.float32), coef.astype(np.float32), bias)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def refusal_report(examples, refused) -> dict:
    ans = [r for e, r in zip(examples, refused) if e.answerable]
    un = [r for e, r in zip(examples, refused) if not e.answerable]
    return {"answerable": len(ans), "false_refusals": int(sum(ans)), "unanswerable": len(un), "refused": int(sum(un))}


# A floor on how much of a (non-English) question its best article holds, chosen jointly with the threshold: a
# question naming a place or body no article names (渠岸镇… asked of articles about 石马镇) holds about half.
COVERAGE_FLOORS = (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55)


def choose_refusal(p: np.ndarray, cov: np.ndarray, fit_rows: np.ndarray, sets: np.ndarray,
                   unans: np.ndarray) -> tuple[float, float, dict]:
    """(threshold, coverage floor): for each floor, the threshold that keeps the out-of-fold false refusals on
    `fit_rows` (answerable Chinese dev questions) at FR_TARGET together with the floor; the pair that refuses
    the largest share of unanswerable questions, averaged over the sets that hold some (each set counts once,
    so the large weak sets do not outvote the real ones)."""
    table, best = {}, None
    n = len(fit_rows)
    budget = int(np.floor(FR_TARGET * n))
    for floor in COVERAGE_FLOORS:
        gated = cov[fit_rows] < floor
        left = budget - int(gated.sum())
        if left < 0:
            continue
        rest = np.sort(p[fit_rows][~gated])
        threshold = float(rest[left]) if left < len(rest) else 1.0
        refused = (p < threshold) | (cov < floor)
        per_set = {str(name): round(float(refused[unans & (sets == name)].mean()), 4)
                   for name in sorted(set(sets[unans].tolist()))}
        score = float(np.mean(list(per_set.values())))
        table[str(floor)] = {"threshold": round(threshold, 4), "false_refusals": int(((p[fit_rows] < threshold) | gated).sum()),
                             "of": n, "unanswerable_refused_mean": round(score, 4), "per_set": per_set}
        if best is None or score > best[0] + 1e-9:
            best = (score, threshold, floor)
    return best[1], best[2], table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", nargs="*", default=[], help="sets to build anew (none: use the cache; 'all')")
    parser.add_argument("--no-write", action="store_true", help="report only")
    args = parser.parse_args(argv)
    sets = build(set(args.rebuild))
    print({k: len(v) for k, v in sets.items()}, file=sys.stderr)
    cols = np.array([FEATURES.index(f) for f in RANKER_FEATURES])
    names = [n for n in sets if n in RANKER_SETS or n in REFUSAL_SETS]
    pooled = [e for n in names for e in sets[n]]
    ranker_data = [e for e in pooled if e.set in RANKER_SETS]
    # out-of-fold ranker scores for every question (the folds hold out whole articles)
    fold_of = folds(pooled)
    scores: list = [None] * len(pooled)
    for f in range(5):
        model = fit_ranker([e for e, g in zip(pooled, fold_of) if g != f and e.set in RANKER_SETS], cols)
        for i, (e, g) in enumerate(zip(pooled, fold_of)):
            if g == f:
                scores[i] = model(e.X, FEATURES)
    (CACHE / "cv_scores.pkl").write_bytes(pickle.dumps({e.set + "/" + e.qid: sc for e, sc in zip(pooled, scores)}))
    report: dict = {"ranker_cv": {}, "selection": {}}
    for n in names:
        idx = [i for i, e in enumerate(pooled) if e.set == n]
        ex, sc = [pooled[i] for i in idx], [scores[i] for i in idx]
        report["ranker_cv"][n] = {str(m): selection_report(ex, sc, m) for m in (None, 0.5, 1.0, 2.0)}
    lam, margin, report["selection"] = choose_selection(pooled, scores)
    report["chosen_selection"] = {"length_penalty": lam, "second_margin": margin}
    print(json.dumps(report["ranker_cv"], indent=1), file=sys.stderr)
    print(json.dumps(report["selection"], indent=1), f"chosen: lam={lam} margin={margin}", file=sys.stderr)

    # answerability on question-level signals of the out-of-fold ranking
    single = [i for i, e in enumerate(pooled) if e.set in REFUSAL_SETS and not e.multi]
    R = question_rows([pooled[i] for i in single], [scores[i] for i in single])
    y = np.array([pooled[i].answerable for i in single], float)
    w = np.array([pooled[i].weight for i in single])
    fold_q = folds([pooled[i] for i in single])
    p = np.zeros(len(single))
    for f in range(5):
        tr = np.array([g != f for g in fold_q])
        lin = fit_answerability(R[tr], y[tr], w[tr])
        p[~tr] = sigmoid(lin(R[~tr], QFEATURES))
    fit_rows = np.array([k for k, i in enumerate(single) if pooled[i].set in DEV_SETS + ("crud_dev",) and pooled[i].answerable
                         and not pooled[i].english])
    english = np.array([pooled[i].english for i in single])
    cov = np.where(english, 1.0, R[:, QFEATURES.index("cov_art")])  # the floor is for Chinese questions
    set_of = np.array([pooled[i].set for i in single])
    unans = np.array([not pooled[i].answerable for i in single]) & ~english
    threshold, floor, report["refusal_choice"] = choose_refusal(p, cov, fit_rows, set_of, unans)
    refused = (p < threshold) | (cov < floor)
    report["answerability_cv"] = {}
    for n in REFUSAL_SETS:
        ks = [k for k, i in enumerate(single) if pooled[i].set == n]
        report["answerability_cv"][n] = refusal_report([pooled[single[k]] for k in ks], [refused[k] for k in ks])
    report["threshold"] = threshold
    report["min_article_coverage"] = floor
    print(json.dumps(report["refusal_choice"], indent=1), json.dumps(report["answerability_cv"], indent=1),
          f"threshold {threshold:.3f} floor {floor}", file=sys.stderr)
    for k, i in enumerate(single):
        e = pooled[i]
        if e.set in DEV_SETS and (e.answerable == bool(refused[k])):
            print(f"  {e.qid} answerable={e.answerable} p={p[k]:.2f} {e.atype} {e.question[:50]}", file=sys.stderr)
    # multi-article questions: per-article answerability against the same model
    final_ans = fit_answerability(R, y, w)
    multi_rows = []
    for i, e in enumerate(pooled):
        if e.multi and e.set in DEV_SETS:
            for o, aid in enumerate(e.aids):
                rows = np.where(e.owner == o)[0]
                pa = float(sigmoid(final_ans(question_features(e.extra["q"], ranked_of(e, scores[i]), rows)[None, :], QFEATURES)[0]))
                multi_rows.append((e.qid, aid, aid in e.gold, pa))
    for r in multi_rows:
        print("  multi", r, file=sys.stderr)
    good = sorted(pa for _, _, g, pa in multi_rows if g)
    multi_threshold = float(good[0]) if good else threshold
    report["multi_threshold"] = multi_threshold
    final_ranker = fit_ranker(ranker_data, cols)
    obj = {
        "ranker": final_ranker.to_json(),
        "answerable": final_ans.to_json(),
        "threshold": round(threshold, 6),
        "multi_threshold": round(multi_threshold, 6),
        "min_article_coverage": floor,
        "info": {"second_margin": margin, "length_penalty": lam, "fr_target": FR_TARGET,
                 "trained_on": {n: len(sets.get(n, [])) for n in names},
                 "ranker_sets": [n for n in RANKER_SETS if n in sets], "refusal_sets": list(REFUSAL_SETS),
                 "script": "bench/train_answer.py"},
    }
    model_from_json(obj)  # loads
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if not args.no_write:
        MODEL.write_text(json.dumps(obj, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    from bench import train_answer  # run as the importable module, so cached examples load the same either way

    sys.exit(train_answer.main())
