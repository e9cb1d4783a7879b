"""CRUD-RAG data for the benchmarks: the article set (+ first N distractors) and the QA files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rag.ingest.articles import Article, load_corpus

SHARED = Path(__file__).resolve().parents[2] / "shared"
CRUD = SHARED / "crud"
WORK = Path(__file__).resolve().parents[1] / ".rag"  # gitignored scratch space


def question_set(name: str) -> Path:
    """A question file on the seeds by name: the shared dev sets (dev_qa, dev2_qa) or one of ours in bench/."""
    if name in ("dev_qa", "dev2_qa"):
        return SHARED / "eval" / f"{name}.jsonl"
    return Path(__file__).resolve().parent / f"{name}.jsonl"


def distractor_subset(n: int = 2000) -> Path:
    """A file holding the first n distractor lines (written once under .rag/, never committed)."""
    out = WORK / f"distractors-{n}.jsonl"
    if not out.exists() or sum(1 for _ in out.open(encoding="utf-8")) != n:
        WORK.mkdir(parents=True, exist_ok=True)
        with (CRUD / "distractors.jsonl").open(encoding="utf-8") as src:
            lines = [next(src) for _ in range(n)]
        tmp = out.with_suffix(".tmp")
        tmp.write_text("".join(lines), encoding="utf-8")
        tmp.replace(out)
    return out


def crud_paths(n_distractors: int = 2000) -> list[Path]:
    return [CRUD / "articles.jsonl"] + ([distractor_subset(n_distractors)] if n_distractors else [])


def loader_is_real() -> bool:
    """True once rag.ingest.articles parses JSONL records (the placeholder reads raw lines)."""
    arts = load_corpus([CRUD / "articles.jsonl"]).articles
    return len(arts) > 1


def load_crud(n_distractors: int = 2000) -> list[Article]:
    """The CRUD index's articles, through rag.ingest.articles when it reads JSONL, else a tiny fallback."""
    paths = crud_paths(n_distractors)
    if loader_is_real():
        return load_corpus(paths).articles
    return [a for p in paths for a in _fallback_jsonl(p)]


_HEADER = re.compile(r"^.{0,200}?正文：")


def _fallback_jsonl(path: Path) -> list[Article]:
    """Stand-in for the articles loader: drop the header before 正文：, paragraphs at line breaks/double spaces."""
    out = []
    for n, line in enumerate(path.open(encoding="utf-8"), start=1):
        rec = json.loads(line)
        text = _HEADER.sub("", rec["text"], count=1)
        paras = tuple(p.strip() for p in re.split(r"\n+|\s{2,}", text) if p.strip())
        title = rec.get("title") or paras[0][:30]
        out.append(Article(id=rec["id"], title=title, paragraphs=paras, date=rec.get("date"),
                           url=rec.get("url"), title_derived=not rec.get("title"), origin=f"{path}:{n}"))
    return out


def load_qa(name: str) -> list[dict]:
    """Questions from a QA file (crud qa_dev/qa_test, or eval/dev_qa)."""
    path = SHARED / "eval" / "dev_qa.jsonl" if name == "dev_qa" else CRUD / f"{name}.jsonl"
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def answerable(qa: list[dict]) -> list[dict]:
    return [q for q in qa if q.get("articles")]
