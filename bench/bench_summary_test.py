"""Acceptance figure of the article summaries on CRUD summaries_test (held out: never read by the fitting script,
bench/fit_summary.py, which uses summaries_dev only; nothing is tuned on this split).

    nice -n 5 .venv/bin/python bench/bench_summary_test.py [--limit N]

In one process, on the same articles: the shipped summariser (rag.answering.summaries: the learned scorer,
clause compression and MMR, opened by the event's date), its picks without the dateline, the summariser it replaced (bag-of-words centrality, read from git at BASELINE), and
LEAD-3. Reports mean ROUGE-L (rag.evaluate.rouge_l: characters, Simplified, whitespace and [n] markers removed),
summary lengths beside the references' median, the share of citations that quote their paragraph verbatim, and
the median time per article. Writes bench/results_summary_test.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import evaluate as ev  # noqa: E402
from rag.answering.picks import choose  # noqa: E402
from rag.answering.selection import render, score_article  # noqa: E402
from rag.answering.summaries import citation, summarize_article  # noqa: E402
from rag.answering.summary_model import DEFAULTS  # noqa: E402
from rag.records import Summary  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402
from rag.lang.sentences import sentences  # noqa: E402

CRUD = ROOT.parent / "shared" / "crud"
OUT = ROOT / "bench" / "results_summary_test.json"
BASELINE = "c0903105d91489cfda0d20c8d0adc96bc13c2563"  # main before the learned summaries: rag/answering/summaries.py


def old_summariser():
    """The centrality summariser as it was at BASELINE, loaded from git into this process."""
    source = subprocess.run(["git", "show", f"{BASELINE}:rag/answering/summaries.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_summaries.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_summaries", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module.summarize_article


def undated(article) -> Summary:
    """The shipped summariser's picks without the dateline (its full budget), for the dateline's share."""
    picks = choose(score_article(article), DEFAULTS)
    cited = [citation(n, article, *piece) for n, piece in enumerate((q for p in picks for q in p.shown), start=1)]
    return Summary(article.id, article.title, render([[c.quote] for c in cited]), cited)


def lead3(article) -> str:
    return "".join([s for p in article.paragraphs for s in sentences(p)][:3])


def row(name: str, texts: list[str], refs: list[str], seconds: list[float] | None = None, cited=None) -> dict:
    scores = [ev.rouge_l(t, r) for t, r in zip(texts, refs)]
    lens = [ev.answer_length(t) for t in texts]
    out = {"name": name, "rouge_l": round(statistics.fmean(scores), 4), "median_chars": statistics.median(lens),
           "p10_chars": ev.percentile(lens, 10), "p90_chars": ev.percentile(lens, 90)}
    if seconds:
        out["median_ms_per_article"] = round(1000 * statistics.median(seconds), 2)
    if cited is not None:
        out["citations_verbatim"] = cited
    print(f"  {name:44s} ROUGE-L {out['rouge_l']:.4f}  median {out['median_chars']:.0f} chars "
          f"(p10 {out['p10_chars']:.0f}, p90 {out['p90_chars']:.0f})", flush=True)
    return out


def run(summarize, articles, records) -> tuple[list[str], list[float], float]:
    texts, seconds, good, total = [], [], 0, 0
    for rec in records:
        article = articles[rec["id"]]
        t = time.perf_counter()
        summary = summarize(article)
        seconds.append(time.perf_counter() - t)
        texts.append(summary.summary)
        for c in summary.citations:
            total += 1
            good += ev.quote_valid({"article_id": c.article_id, "paragraph": c.paragraph, "quote": c.quote}, articles)
    return texts, seconds, good / max(1, total)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int)
    args = ap.parse_args(argv)
    articles = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    records = [r for r in ev.read_jsonl(CRUD / "summaries_test.jsonl") if r["id"] in articles][: args.limit]
    refs = [r["reference_summary"] for r in records]
    ref_lens = [ev.answer_length(r) for r in refs]
    print(f"{len(records)} summaries_test articles; reference median {statistics.median(ref_lens):.0f} chars", flush=True)
    summarize_article(articles[records[0]["id"]])  # (model and dictionaries load once, outside the timings)
    new_texts, new_s, new_cited = run(summarize_article, articles, records)
    und_texts, und_s, und_cited = run(undated, articles, records)
    old = old_summariser()
    old(articles[records[0]["id"]])
    old_texts, old_s, old_cited = run(old, articles, records)
    rows = [row("learned summariser (shipped)", new_texts, refs, new_s, new_cited),
            row("learned summariser without its dateline", und_texts, refs, und_s, und_cited),
            row(f"centrality summariser (replaced; {BASELINE[:7]})", old_texts, refs, old_s, old_cited),
            row("LEAD-3", [lead3(articles[r["id"]]) for r in records], refs)]
    report = {"split": "crud/summaries_test", "articles": len(records), "tuned_on": "no (fitted on summaries_dev)",
              "reference_median_chars": statistics.median(ref_lens),
              "reference_p10_chars": ev.percentile(ref_lens, 10), "reference_p90_chars": ev.percentile(ref_lens, 90),
              "rows": rows}
    if args.limit is None:
        OUT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
