"""How focused timelines are: on fixed topics over CRUD (+ N distractors), what share of a timeline's lines
come from an article whose title or lead is about the topic, what share name the topic in the line itself, and
how many lines repeat another or break date order.

    nice -n 5 .venv/bin/python bench/bench_timeline_focus.py [--distractors N] [--out FILE]

"About the topic" is read as rag.answering.timeline reads it (`on_topic`: the topic's words, IDF-weighted, in
the title or lead; or in the line), so the first two figures measure what the rule enforces; duplicates and
order are independent checks. Writes bench/results_timeline_focus.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import LCSseq  # noqa: E402

from bench.crud_data import load_crud  # noqa: E402
from rag.answering.features import article_index  # noqa: E402
from rag.answering.timeline import timeline_events  # noqa: E402
from rag.answering.topics import match_topic, topic_terms  # noqa: E402
from rag.lang.script import normalize  # noqa: E402

OUT = ROOT / "bench" / "results_timeline_focus.json"
TOPICS = ("经济", "台风", "党建", "新能源汽车", "暴雨", "高温", "疫苗", "乡村振兴")
SHARE = 0.75  # of the topic's word weight


def held(terms, text: str) -> float:
    total = sum(w for _, w in terms) or 1.0
    return sum(w for t, w in terms if t in text) / total


def lead_of(article) -> str:
    ix = article_index(article)
    s = ix.frame[ix.lead_sentence] if ix.frame else None
    return ix.paragraphs[s.paragraph - 1][s.start:s.end] if s else ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--distractors", type=int, default=2000)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    articles = {a.id: a for a in load_crud(args.distractors)}
    rows = []
    for topic in TOPICS:
        match = match_topic(topic, articles, None)
        terms = topic_terms(topic)
        events = timeline_events(match)
        head = [held(terms, normalize(e.article.title + "\n" + lead_of(e.article))) >= SHARE for _, e in events]
        line = [held(terms, normalize(e.text)) >= SHARE for _, e in events]
        quotes = [normalize(e.text) for _, e in events]
        dupes = sum(LCSseq.similarity(a, b) >= 0.8 * min(len(a), len(b)) for i, a in enumerate(quotes) for b in quotes[:i])
        keys = [w.key() for w, _ in events]
        row = {"topic": topic, "matching_articles": len(match.articles), "lines": len(events),
               "title_or_lead_on_topic": sum(head), "line_names_topic": sum(line),
               "neither": sum(not (h or l) for h, l in zip(head, line)), "near_duplicate_pairs": dupes,
               "date_order_ok": keys == sorted(keys), "undated_or_yearless": sum(k[0] > 0 for k in keys)}
        rows.append(row)
        print(row, flush=True)
    total = {k: sum(r[k] for r in rows) for k in ("lines", "title_or_lead_on_topic", "line_names_topic", "neither",
                                                  "near_duplicate_pairs")}
    total["on_topic_share"] = round((total["lines"] - total["neither"]) / max(1, total["lines"]), 3)
    print(total)
    Path(args.out).write_text(json.dumps({"articles": len(articles), "topics": rows, "total": total,
                                          "load_average": round(os.getloadavg()[0], 2)}, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
