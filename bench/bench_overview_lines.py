"""The corpus overview's one-line-per-article (rag.answering.overview.article_headline) on CRUD articles with
reference summaries: how much of each line an editor's summary also says, and whether the line says who did what.

    nice -n 5 .venv/bin/python bench/bench_overview_lines.py [--splits summaries_dev summaries_test] [--limit N] [--out FILE]

Per article: the line's ROUGE-L precision against the reference summary (the share of the line, as a character
LCS, that the reference also says: a line of ≤ 60 characters cannot recall a 200-character reference, so recall
is not the measure) and F1 (rag.evaluate.rouge_l); the line's length; whether it names an actor before its action
and whether it has an action at all (rag.answering.roles, the rule the headline follows: that share measures the
rule, not the line's quality); how many lines are under 15 characters (a stub: "24日", "会议强调"). Beside it, in
the same process, the lead baseline: the first 60 characters of the article's lead sentence. The headline rules
were looked at on summaries_dev lines; summaries_test was not looked at. Writes bench/results_overview_lines.json
(or --out).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import LCSseq  # noqa: E402

from bench.crud_data import CRUD  # noqa: E402
from rag.answering.elision import GAP  # noqa: E402
from rag.answering.features import article_index  # noqa: E402
from rag.answering.overview import article_headline  # noqa: E402
from rag.answering.roles import run_roles  # noqa: E402
from rag.evaluate import read_jsonl, rouge_l  # noqa: E402
from rag.ingest.articles import load_corpus  # noqa: E402
from rag.lang.script import to_simplified  # noqa: E402

OUT = ROOT / "bench" / "results_overview_lines.json"


def precision(line: str, ref: str) -> float:
    c, r = "".join(to_simplified(line).split()), "".join(to_simplified(ref).split())
    return LCSseq.similarity(c, r) / len(c) if c and r else 0.0


def lead_line(article, chars: int = 60) -> str:
    ix = article_index(article)
    if not ix.frame:
        return ""
    s = ix.frame[ix.lead_sentence]
    return article.paragraph(s.paragraph)[s.start:min(s.end, s.start + chars)]


def roles_of(text: str) -> tuple[bool, bool]:
    r = run_roles(text)
    return r.who_did_what, r.action


def measure(split: str, arts: dict, limit: int) -> dict:
    refs = read_jsonl(CRUD / f"{split}.jsonl")[: limit or None]
    rows = {"line": [], "lead": []}
    for rec in refs:
        article = arts.get(rec["id"])
        if article is None:
            continue
        line = GAP.join(article.paragraph(p)[a:b] for p, a, b in article_headline(article))  # as shown
        for name, text in (("line", line), ("lead", lead_line(article))):
            who, action = roles_of(to_simplified(text))
            rows[name].append({"p": precision(text, rec["reference_summary"]), "f": rouge_l(text, rec["reference_summary"]),
                               "len": len(text), "who": who, "action": action})
    out = {"articles": len(rows["line"])}
    for name, rs in rows.items():
        out[name] = {"rouge_l_precision": round(statistics.mean(r["p"] for r in rs), 4),
                     "rouge_l_f": round(statistics.mean(r["f"] for r in rs), 4),
                     "median_chars": statistics.median(r["len"] for r in rs),
                     "under_15_chars": sum(r["len"] < 15 for r in rs),
                     "who_did_what_share": round(statistics.mean(r["who"] for r in rs), 3),
                     "action_share": round(statistics.mean(r["action"] for r in rs), 3)}
        print(split, name, out[name], flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", nargs="+", default=["summaries_dev", "summaries_test"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args(argv)
    arts = {a.id: a for a in load_corpus([CRUD / "articles.jsonl"]).articles}
    out = {"load_average": round(os.getloadavg()[0], 2)}
    for split in args.splits:
        out[split] = measure(split, arts, args.limit)
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
