"""Which articles the answer reads (issue #15): where the answering article sits in the fused, dense and lexical
article lists on CRUD qa_dev over the hybrid CRUD index, what the question shares with it that the articles read
instead lack, and whether any general read-order change would help. qa_dev fitted the answer model and is what
these choices are measured on: every figure here is tuned on.

    python bench/answer_reads.py            # diagnosis: ranks, hit@k, the unread answering articles
    python bench/answer_reads.py --sweep    # key coverage per (chunks searched, articles read, second reports), oracle
    python bench/answer_reads.py --rerank   # an article reorder learned by 5-fold CV, and the dense weight
    python bench/answer_reads.py --choose   # answer from each of the top 5 articles alone; choose among them

Diagnosis: for every answerable question the gold article's rank among the fused articles (Ranking.articles),
the dense and the lexical top lists (their chunks' articles, first occurrence), hit@k for k = 1/2/3/5/10/20/40,
the articles the answerer read (a wrapper around rag.answering.extractive.prepare, in this script only), whether
the answer covers the keys; for the questions whose answering article was not read, how it and the first article
read compare: IDF-weighted coverage of the question's words in the article, its title and its best sentence, the
question's numbers, its words of IDF at least jieba's median (names, places) and the longest stretch of the
question found verbatim. `--rerank` learns a logistic reorder of the top 3/5 fused articles from those features
(with the fused score, its gap to the first and the dense and lexical z-scores; bench.train_answer.fit_logistic)
and reports its cross-validated hit@1/@2 beside the fused order's. `--choose` answers each question from each
of its top 5 fused articles alone (read as the only article, at its own rank) and chooses among those answers: by
the answer model's answerability less a rank penalty, by a logistic choice fitted by 5-fold CV on whether the
answer covers the keys, and by an oracle (the first covering answer: the most any choice could gain). `--sweep`
also asks the seed sets (all tuned on) with the shipped answerer and with the variant that gained on qa_dev
(20 chunks searched, a story's second report skipped). Ids and counts only (the questions stay in ../shared).
Results: bench/results_answer_reads.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import rag.answering.extractive as extractive  # noqa: E402
from bench.bench_answer import answer_question, crud_setup  # noqa: E402
from bench.crud_data import load_qa  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.answering.model import answer_model  # noqa: E402
from rag.answering.qfeatures import coverage  # noqa: E402
from rag.answering.question import analyze  # noqa: E402
from rag.engine import Snapshot  # noqa: E402
from rag.lang.script import normalize  # noqa: E402
from rag.lang.sentences import sentences  # noqa: E402
from rag.lang.words import idf  # noqa: E402
from rag.records import AskRequest  # noqa: E402
from rag.retrieve import Fusion, standardise  # noqa: E402

RESULTS = ROOT / "bench" / "results_answer_reads.json"
KS = (1, 2, 3, 5, 10, 20, 40)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
METRICS = ("key_coverage", "false_refusal_rate", "refusal_rate_unanswerable", "cited_hit@1", "answer_chars_median")


# -- what the question shares with an article ------------------------------------------------------------


def longest_shared(q: str, text: str) -> int:
    """The longest stretch of the question (search form) found verbatim in the text."""
    best = 0
    for i in range(len(q)):
        j = i + best + 1
        while j <= len(q) and q[i:j] in text:
            best, j = j - i, j + 1
    return best


def shares(q, article) -> dict:
    """What of the question an article holds (see the module docstring)."""
    text = normalize(article.title + "\n" + "\n".join(article.paragraphs))
    terms = list(q.terms)
    table, median = idf()
    rare = [(t, w) for t, w in terms if table.get(t, median) >= median]
    qn = normalize(q.text)
    sents = [normalize(s) for p in article.paragraphs for s in sentences(p)] or [""]
    grams = [qn[i : i + 2] for i in range(len(qn) - 1)]
    return {"cov": coverage(terms, text), "title_cov": coverage(terms, normalize(article.title)),
            "sent_cov": max(coverage(terms, s) for s in sents), "rare": coverage(rare, text) if rare else 1.0,
            "bigrams": sum(g in text for g in grams) / max(1, len(grams)),
            "numbers": sum(n in text for n in NUMBER.findall(qn)), "shared": longest_shared(qn, text)}


# -- diagnosis -------------------------------------------------------------------------------------------


def recording_prepare(log: list):
    """prepare() as shipped, remembering the articles it read."""
    shipped = extractive.prepare

    def prepare(question, hits, articles, read, previous=None):
        log.append(list(read))
        return shipped(question, hits, articles, read, previous)

    return prepare


def signal_articles(ranking, ids) -> list[str]:
    """The articles of a top chunk list (dense or lexical), first occurrence, best first."""
    names = ranking.index.article_ids
    return list(dict.fromkeys(names[o] for o in ranking.index.chunk_article[ids]))


def rank_of(order: list[str], gold: set[str]) -> int | None:
    return next((i for i, a in enumerate(order) if a in gold), None)


def ranked_questions(split: str, retriever):
    """The split's questions that name their answering articles: each with those ids and its fused ranking."""
    for item in load_qa(split):
        gold = set(item.get("articles") or ())
        if gold:
            yield item, gold, retriever.rank(item["question"])


def diagnose(split: str, retriever, by_id, config) -> dict:
    log: list = []
    shipped = extractive.prepare
    extractive.prepare = recording_prepare(log)
    rows = []
    try:
        for item, gold, ranking in ranked_questions(split, retriever):
            fused = [a for a, _ in ranking.articles(max(KS))]
            log.clear()
            a = answer_question(item["question"], retriever, by_id, config).to_json()
            read = log[-1] if log else []
            keyed = bool(item.get("keys"))
            row = {"id": item["id"], "fused": rank_of(fused, gold), "dense": rank_of(signal_articles(ranking, ranking.dense_ids), gold),
                   "lexical": rank_of(signal_articles(ranking, ranking.lexical_ids), gold), "read": len(read),
                   "gold_read": bool(gold & set(read)), "keyed": keyed,
                   "covered": keyed and ev.covers(a["answer"], item["keys"]), "refused": a["refused"]}
            if not row["gold_read"] and read:
                q = analyze(item["question"])
                first = by_id[read[0]]
                row["gold"] = shares(q, by_id[sorted(gold)[0]])
                row["read_first"] = shares(q, first)
                row["read_first_holds_keys"] = keyed and ev.covers(first.title + "\n" + "\n".join(first.paragraphs), item["keys"])
            rows.append(row)
    finally:
        extractive.prepare = shipped

    def hit(key: str) -> dict:
        return {f"@{k}": round(sum(r[key] is not None and r[key] < k for r in rows) / max(1, len(rows)), 3) for k in KS}

    def ranks(key: str, subset: list[dict]) -> dict:
        found = Counter(min(r[key], 40) if r[key] is not None else 99 for r in subset)
        return {("none" if k == 99 else str(k)): n for k, n in sorted(found.items())}

    unread = [r for r in rows if not r["gold_read"] and r["read"]]
    missed = [r for r in unread if r["keyed"] and not r["covered"]]

    def compare(key: str) -> dict:
        return {"gold_more": sum(r["gold"][key] > r["read_first"][key] for r in unread),
                "equal": sum(r["gold"][key] == r["read_first"][key] for r in unread),
                "gold_less": sum(r["gold"][key] < r["read_first"][key] for r in unread)}

    return {
        "answerable": len(rows), "keyed": sum(r["keyed"] for r in rows),
        "articles_read": dict(Counter(str(r["read"]) for r in rows)),
        "hit_fused": hit("fused"), "hit_dense": hit("dense"), "hit_lexical": hit("lexical"),
        "gold_read": sum(r["gold_read"] for r in rows), "unread": len(unread),
        "unread_keyed_missed": len(missed),
        "missed_read_first_holds_keys": sum(r["read_first_holds_keys"] for r in missed),
        "missed_rank": {k: ranks(k, missed) for k in ("fused", "dense", "lexical")},
        "unread_gold_vs_read_first": {k: compare(k) for k in ("cov", "title_cov", "sent_cov", "rare", "bigrams", "numbers", "shared")},
        "rows": rows,
    }


# -- sweep: how many chunks are searched and articles read; oracles -----------------------------------------


@contextmanager
def variant(chunks: int, skip: bool):
    """The answerer searching at least `chunks` chunks and, with `skip`, choosing its articles among them with an
    article that reports the same story as one already chosen skipped (rag.answering.stories.same_story, ingest's
    near-duplicate test): a read choice tried here, not shipped."""
    from rag.answering.pool import article_order
    from rag.answering.stories import same_story

    shipped_search, shipped_read = extractive.ExtractiveAnswerer._search, extractive.articles_to_read

    def search(corpus, question, k, focus, articles):
        found = shipped_search(corpus, question, max(k, chunks), focus, articles)
        state["articles"] = articles
        return found

    def to_read(hits, focus, multi, read=2):
        if focus or multi or not skip:
            return shipped_read(hits, focus, multi, read)
        articles, chosen = state["articles"], []
        for aid in article_order(hits):
            if not any(same_story(articles[aid], articles[c]) for c in chosen):
                chosen.append(aid)
            if len(chosen) >= read:
                break
        return chosen

    state: dict = {}
    extractive.ExtractiveAnswerer._search, extractive.articles_to_read = staticmethod(search), to_read
    try:
        yield
    finally:
        extractive.ExtractiveAnswerer._search, extractive.articles_to_read = staticmethod(shipped_search), shipped_read


SEED_SETS = ("dev_qa", "dev2_qa", "fresh_qa", "fresh2_qa", "fresh3_qa", "english_qa", "english_qa_heldout")


def seed_figures() -> dict:
    """The seed sets asked as `rag eval` asks them (bench_answer's engine over the bundled seeds)."""
    from bench.bench_answer import seed_engine
    from bench.crud_data import question_set
    from rag.batch import ask_records

    engine, out = seed_engine(), {}
    for name in SEED_SETS:
        path = question_set(name)
        if not path.exists():
            continue
        qa = ev.read_jsonl(path)
        m = ev.answer_metrics(qa, [obj for _rec, obj in ask_records(engine, qa, strict=True)], engine.articles)
        out[name] = {k: (round(m[k], 4) if isinstance(m[k], float) else m[k]) for k in METRICS + ("multi_article_recall",)}
    return out


def sweep(split: str, retriever, by_id, config) -> dict:
    """Key coverage per (chunks searched, articles read, a story's second report skipped or read) at k = 5; the
    shipped answerer is chunks5_read2_read. The seed sets with the shipped answerer and with chunks20_read2_skip."""
    qa = load_qa(split)
    out = {}

    def run(model=None, focus=lambda q: ()) -> dict:
        answerer = extractive.ExtractiveAnswerer(config, model)
        answers = [answerer.answer(AskRequest(q["question"], tuple(focus(q))), Snapshot(by_id, retriever)).to_json() for q in qa]
        m = ev.answer_metrics(qa, answers, by_id)
        return {k: round(m[k], 4) for k in METRICS}

    for chunks, read, skip in ((5, 1, False), (5, 2, False), (20, 2, False), (5, 2, True), (10, 2, True),
                               (20, 1, True), (20, 2, True), (20, 3, True), (20, 4, True)):
        with variant(chunks, skip):
            name = f"chunks{chunks}_read{read}_{'skip' if skip else 'read'}"
            out[name] = run(replace(answer_model(), read_articles=read))
        print(name, out[name], file=sys.stderr)
    # retrieval restricted to the answering article (as a focus): what perfect article choice would give
    out["oracle_gold_only"] = run(focus=lambda q: q.get("articles") or ())
    out["seed_sets_shipped"] = seed_figures()
    with variant(20, True):
        out["seed_sets_chunks20_read2_skip"] = seed_figures()
    return out


# -- a learned reorder of the top fused articles -------------------------------------------------------------


class RecordingFusion:
    """The shipped Fusion, keeping the candidates it last fused (for each article's dense and lexical z-scores)."""

    def __init__(self, inner: Fusion):
        self.inner = inner
        self.pool, self.uses_dense, self.uses_lexical, self.whole_articles = inner.pool, True, True, True
        self.found = None

    def fuse(self, found):
        self.found = found
        return self.inner.fuse(found)


def article_z(found, f: Fusion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each candidate article's number and its best dense and best lexical chunk, standardised as Fusion does."""
    uniq, owner = np.unique(found.articles, return_inverse=True)
    best_d, best_l = np.full(len(uniq), -np.inf), np.full(len(uniq), -np.inf)
    np.maximum.at(best_d, owner, found.dense)
    np.maximum.at(best_l, owner, found.lexical)
    core_ids = np.concatenate([found.dense_ids[: f.dense_core], found.lexical_ids]) if len(found.lexical_ids) else found.dense_ids
    is_core = np.zeros(len(uniq), dtype=bool)
    is_core[owner[np.isin(found.rows, core_ids)]] = True
    zd = standardise(best_d, -np.sort(-best_d[is_core])[: f.pool])
    zl = standardise(best_l, -np.sort(-best_l[is_core])[: f.pool])
    return uniq, zd, zl


FEATURE_SETS = {
    "fused": ("fused", "gap"),
    "+coverage": ("fused", "gap", "cov", "cov_rel"),
    "+title": ("fused", "gap", "title_cov", "title_cov_rel"),
    "+best_sentence": ("fused", "gap", "sent_cov", "sent_cov_rel"),
    "+rare_words": ("fused", "gap", "rare", "rare_rel"),
    "+bigrams": ("fused", "gap", "bigrams", "bigrams_rel"),
    "+shared_stretch": ("fused", "gap", "shared", "shared_rel"),
    "dense_lexical_z+all": ("zd", "zl", "gap", "cov_rel", "title_cov_rel", "sent_cov_rel", "rare_rel", "bigrams_rel", "shared_rel"),
}


def candidate_rows(split: str, retriever, by_id, top: int = 8) -> list[list[dict]]:
    rec = RecordingFusion(retriever.fusion)
    retriever.fusion = rec
    out = []
    try:
        for item, gold, ranking in ranked_questions(split, retriever):
            uniq, zd, zl = article_z(rec.found, rec.inner)
            at = {ranking.index.article_ids[a]: i for i, a in enumerate(uniq)}
            q = analyze(item["question"])
            arts = ranking.articles(top)
            feats = [{"fused": s, "zd": float(zd[at[aid]]), "zl": float(zl[at[aid]]), "gold": aid in gold,
                      **shares(q, by_id[aid])} for aid, s in arts]
            for f in feats:
                f["gap"] = feats[0]["fused"] - f["fused"]
                for k in ("cov", "title_cov", "sent_cov", "rare", "bigrams", "shared"):
                    f[f"{k}_rel"] = f[k] - max(g[k] for g in feats)
            out.append(feats)
    finally:
        retriever.fusion = rec.inner
    return out


def rerank_cv(rows: list[list[dict]], names: tuple[str, ...], top: int, seeds: int = 3, folds: int = 5) -> dict:
    """Hit@1/@2 of a logistic reorder of the top articles, 5-fold CV by question, averaged over seeds."""
    from bench.train_answer import fit_logistic

    hits = []
    for seed in range(seeds):
        order = np.random.RandomState(seed).permutation(len(rows))
        h1 = h2 = 0
        for k in range(folds):
            test = set(order[k::folds].tolist())
            train = [f for i, r in enumerate(rows) if i not in test for f in r[:top]]
            X = np.array([[f[n] for n in names] for f in train])
            mu, sd = X.mean(0), X.std(0) + 1e-6
            w, b = fit_logistic((X - mu) / sd, np.array([float(f["gold"]) for f in train]))
            for i in test:
                r = rows[i][:top]
                s = ((np.array([[f[n] for n in names] for f in r]) - mu) / sd) @ w + b
                best = np.argsort(-s, kind="stable")
                h1 += r[best[0]]["gold"]
                h2 += any(r[j]["gold"] for j in best[:2])
        hits.append((h1 / len(rows), h2 / len(rows)))
    return {"hit@1": round(float(np.mean([h[0] for h in hits])), 3), "hit@2": round(float(np.mean([h[1] for h in hits])), 3)}


def rerank(split: str, retriever, by_id) -> dict:
    rows = candidate_rows(split, retriever, by_id)
    out = {"fused_order": {"hit@1": round(float(np.mean([r[0]["gold"] for r in rows])), 3),
                           "hit@2": round(float(np.mean([any(f["gold"] for f in r[:2]) for r in rows])), 3)}}
    for name, names in FEATURE_SETS.items():
        for top in (3, 5):
            out[f"{name}_top{top}"] = rerank_cv(rows, names, top)
            print(name, top, out[f"{name}_top{top}"], file=sys.stderr)
    # the dense weight of the fusion, over the same top articles (the product's is Fusion.dense_weight)
    for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
        best = [max(r, key=lambda f: w * f["zd"] + f["zl"]) for r in rows]
        two = [sorted(r, key=lambda f: -(w * f["zd"] + f["zl"]))[:2] for r in rows]
        out[f"dense_weight_{w}"] = {"hit@1": round(float(np.mean([b["gold"] for b in best])), 3),
                                    "hit@2": round(float(np.mean([any(f["gold"] for f in t) for t in two])), 3)}
    return out


def per_article_answers(split: str, retriever, by_id, config, top: int = 5) -> list[dict]:
    """Each question's shipped answer, and its answer from each of its `top` fused articles read alone (with the
    answerability p the answerer computed; a wrapper around rag.answering.extractive.answerability)."""
    shipped = (extractive.articles_to_read, extractive.answerability, extractive.ExtractiveAnswerer._search)
    state: dict = {}

    def to_read(hits, focus, multi, read=2):
        return state["read"] if "read" in state else shipped[0](hits, focus, multi, read)

    def answerability(q, ranked, model, rows=None):
        state["p"] = shipped[1](q, ranked, model, rows)
        return state["p"]

    extractive.articles_to_read, extractive.answerability = to_read, answerability
    out = []
    try:
        for item in load_qa(split):
            state.clear()
            ask = lambda: extractive.ExtractiveAnswerer(config).answer(AskRequest(item["question"]), Snapshot(by_id, retriever)).to_json()  # noqa: E731
            rec = {"base": ask(), "per": []}
            hits = [h for h in retriever.rank(item["question"]).hits(300) if h.chunk.article_id in by_id]
            extractive.ExtractiveAnswerer._search = staticmethod(lambda corpus, question, k, focus, articles: hits)
            for aid in list(dict.fromkeys(h.chunk.article_id for h in hits))[:top]:
                state.clear()
                state["read"] = [aid]
                answer = ask()
                rec["per"].append({"p": state.get("p") or 0.0, "answer": answer})
            extractive.ExtractiveAnswerer._search = staticmethod(shipped[2])
            out.append(rec)
    finally:
        extractive.articles_to_read, extractive.answerability, extractive.ExtractiveAnswerer._search = shipped
    return out


def choose(split: str, retriever, by_id, config) -> dict:
    from bench.train_answer import fit_logistic

    qa = load_qa(split)
    recs = per_article_answers(split, retriever, by_id, config)

    def metrics(answers: list[dict]) -> dict:
        m = ev.answer_metrics(qa, answers, by_id)
        return {k: round(m[k], 4) for k in METRICS[:3]}

    def pick(rec: dict, j: int | None) -> dict:
        return rec["base"] if j is None else rec["per"][j]["answer"]

    out = {"shipped": metrics([r["base"] for r in recs]),
           "first_article_alone": metrics([pick(r, 0 if r["per"] else None) for r in recs])}
    for penalty in (0.0, 0.05, 0.1, 0.2, 0.3):  # argmax of p - penalty × rank over the answers not refused
        chosen = []
        for r in recs:
            ok = [(x["p"] - penalty * i, i) for i, x in enumerate(r["per"]) if not x["answer"]["refused"]]
            chosen.append(pick(r, max(ok)[1] if ok else None))
        out[f"answerability_rank_penalty_{penalty}"] = metrics(chosen)

    def x_of(r: dict, i: int) -> list[float]:
        x, top = r["per"][i], r["per"][0]
        return [x["p"], float(x["answer"]["refused"]), float(i == 0), float(i), x["p"] - top["p"]]

    keyed = [k for k, q in enumerate(qa) if q.get("keys")]
    runs = []
    for seed in range(3):
        order = np.random.RandomState(seed).permutation(len(qa))
        chosen = [r["base"] for r in recs]
        for fold in range(5):
            test = set(order[fold::5].tolist())
            rows = [(x_of(recs[k], i), ev.covers(recs[k]["per"][i]["answer"]["answer"], qa[k]["keys"]))
                    for k in keyed if k not in test for i in range(len(recs[k]["per"]))]
            X = np.array([r[0] for r in rows])
            mu, sd = X.mean(0), X.std(0) + 1e-6
            w, b = fit_logistic((X - mu) / sd, np.array([float(r[1]) for r in rows]), C=0.1)
            for k in test:
                if recs[k]["per"]:
                    s = [((np.array(x_of(recs[k], i)) - mu) / sd) @ w + b for i in range(len(recs[k]["per"]))]
                    chosen[k] = pick(recs[k], int(np.argmax(s)) or None)
        runs.append(metrics(chosen))
    out["learned_choice_cv"] = {k: round(float(np.mean([r[k] for r in runs])), 4) for k in runs[0]}
    for n in (1, 2, 3, 5):
        chosen = []
        for r, q in zip(recs, qa):
            good = [i for i, x in enumerate(r["per"][:n]) if q.get("keys") and ev.covers(x["answer"]["answer"], q["keys"])]
            chosen.append(pick(r, good[0] if good else None))
        out[f"oracle_top{n}"] = metrics(chosen)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="qa_dev")
    parser.add_argument("--sweep", action="store_true", help="key coverage per (chunks searched, articles read, second reports)")
    parser.add_argument("--rerank", action="store_true", help="a learned reorder of the top articles, by 5-fold CV")
    parser.add_argument("--choose", action="store_true", help="answers from each top article alone, and choices among them")
    args = parser.parse_args(argv)
    config, by_id, retriever, how = crud_setup(lexical=False)
    if retriever is None:
        print(how)
        return 1
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results.update({"split": args.split, "retriever": how, "tuned_on": args.split == "qa_dev"})
    if args.sweep:
        results["sweep"] = sweep(args.split, retriever, by_id, config)
    elif args.choose:
        results["choose"] = choose(args.split, retriever, by_id, config)
    elif args.rerank:
        results["rerank"] = rerank(args.split, retriever, by_id)
    else:
        results["diagnosis"] = diagnose(args.split, retriever, by_id, config)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shown = {k: v for k, v in results.items() if k != "diagnosis"}
    if "diagnosis" in results:
        shown["diagnosis"] = {k: v for k, v in results["diagnosis"].items() if k != "rows"}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
