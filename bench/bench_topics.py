"""Latency of summaries across articles, and of a cached article summary, on the CRUD corpus.

    nice -n 5 .venv/bin/python bench/bench_topics.py [--distractors N] [--runs N]

On CRUD articles.jsonl plus the first N distractors (default 2000; 3,328 articles), with no retriever (matching
reads every article): for a few fixed topics, the matching articles (`match_topic`), then a topic summary and a
timeline of them, each timed cold (no article scored yet in this process) and warm (median of the next runs: the
articles' scores are memoised by content hash). Also a cached article summary (`SummaryCache.get_or_make` on a
cache that holds it). Writes bench/results_topics.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import load_crud  # noqa: E402
from rag.answering.summaries import ALGORITHM, summarize_article  # noqa: E402
from rag.answering.summary_cache import SummaryCache  # noqa: E402
from rag.answering.timeline import timeline  # noqa: E402
from rag.answering.topics import match_topic, topic_summary  # noqa: E402

OUT = ROOT / "bench" / "results_topics.json"
TOPICS = ("经济", "台风", "党建", "新能源汽车")


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--distractors", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    articles = {a.id: a for a in load_crud(args.distractors)}
    print(f"{len(articles)} articles; load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for topic in TOPICS:
        match, t_match = timed(match_topic, topic, articles, None)
        summary, cold = timed(topic_summary, match)
        line, cold_tl = timed(timeline, match)
        warm = [timed(topic_summary, match)[1] for _ in range(args.runs)]
        warm_tl = [timed(timeline, match)[1] for _ in range(args.runs)]
        row = {"topic": topic, "matching_articles": len(match.articles), "match_ms": round(1000 * t_match, 1),
               "summary_cold_ms": round(1000 * cold, 1), "summary_warm_ms": round(1000 * statistics.median(warm), 1),
               "timeline_cold_ms": round(1000 * cold_tl, 1), "timeline_warm_ms": round(1000 * statistics.median(warm_tl), 1),
               "summary_citations": len(summary.citations), "timeline_events": len(line.citations)}
        rows.append(row)
        print(f"  {topic}: {row}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        cache = SummaryCache(Path(folder))
        sample = list(articles.values())[:50]
        for a in sample:
            cache.get_or_make(a, summarize_article, ALGORITHM)
        hits = []
        for a in sample:
            hits.append(timed(cache.get_or_make, a, summarize_article, ALGORITHM)[1])
    cached = {"articles": len(sample), "median_ms": round(1000 * statistics.median(hits), 2),
              "max_ms": round(1000 * max(hits), 2)}
    print(f"  cached article summary: {cached}")
    OUT.write_text(json.dumps({"articles": len(articles), "load_average": round(os.getloadavg()[0], 2), "topics": rows,
                               "cached_summary": cached}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
