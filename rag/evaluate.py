"""Scoring for `rag eval`: retrieval (hit@k, MRR), answers (keys, length, refusals, citations), summaries (ROUGE-L)."""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from rag.lang.script import to_simplified

_MARKER = re.compile(r"\[\d+\]")
_SPACE = re.compile(r"\s+")


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSONL file; blank lines ignored, a malformed line named in the error."""
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    return records


def file_kind(records: Sequence[dict]) -> str:
    """'qa' for question files, 'summaries' for reference-summary files."""
    if records and "reference_summary" in records[0]:
        return "summaries"
    if records and "question" in records[0]:
        return "qa"
    raise ValueError("unrecognised eval file: expected lines with 'question' or 'reference_summary'")


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def _key_form(text: str) -> str:
    return _SPACE.sub("", to_simplified(text)).lower()


def covers(answer: str, keys: Sequence[Sequence[str]]) -> bool:
    """True when every key group has one alternative in the answer (Simplified, no whitespace, any case)."""
    text = _key_form(strip_markers(answer))
    return all(any(_key_form(k) in text for k in group) for group in keys)


def distinct(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in ids:
        seen.setdefault(i, None)
    return list(seen)


def hit_at(ranked: Sequence[str], gold: Sequence[str], k: int) -> bool:
    return any(a in gold for a in distinct(ranked)[:k])


def reciprocal_rank(ranked: Sequence[str], gold: Sequence[str]) -> float:
    for rank, a in enumerate(distinct(ranked), start=1):
        if a in gold:
            return 1.0 / rank
    return 0.0


def answerable(q: Mapping) -> bool:
    return bool(q.get("articles"))


def retrieval_metrics(questions: Sequence[Mapping], rank: Callable[[str], Sequence[str]]) -> dict:
    """Article hit@1, hit@5 and MRR over answerable questions; `rank` maps a question to article ids."""
    qs = [q for q in questions if answerable(q)]
    ranked = [rank(q["question"]) for q in qs]
    return _retrieval_scores(qs, ranked)


def _retrieval_scores(qs: Sequence[Mapping], ranked: Sequence[Sequence[str]]) -> dict:
    n = len(qs) or 1
    return {
        "questions": len(qs),
        "hit@1": sum(hit_at(r, q["articles"], 1) for q, r in zip(qs, ranked)) / n,
        "hit@5": sum(hit_at(r, q["articles"], 5) for q, r in zip(qs, ranked)) / n,
        "mrr": sum(reciprocal_rank(r, q["articles"]) for q, r in zip(qs, ranked)) / n,
    }


def answer_length(answer: str) -> int:
    """Characters of the answer text, citation markers and whitespace excluded."""
    return len(_SPACE.sub("", strip_markers(answer)))


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return float(ordered[idx])


def quote_valid(citation: Mapping, articles: Mapping[str, object]) -> bool:
    """A quote is valid when it appears verbatim in the cited paragraph of the cited article."""
    art = articles.get(citation.get("article_id"))
    para = citation.get("paragraph")
    if art is None or not isinstance(para, int) or not 1 <= para <= len(art.paragraphs):
        return False
    quote = citation.get("quote") or ""
    return bool(quote) and quote in art.paragraphs[para - 1]


def answer_metrics(questions: Sequence[Mapping], answers: Sequence[Mapping], articles: Mapping) -> dict:
    """Answer-level metrics; `answers[i]` is the JSON answer object for `questions[i]`."""
    pairs = list(zip(questions, answers))
    ans = [(q, a) for q, a in pairs if answerable(q)]
    unans = [(q, a) for q, a in pairs if not answerable(q)]
    keyed = [(q, a) for q, a in ans if q.get("keys")]
    multi = [(q, a) for q, a in ans if len(q["articles"]) > 1]
    lengths = [answer_length(a["answer"]) for _, a in ans if not a.get("refused")]
    cites = [c for _, a in pairs for c in a.get("citations", [])]
    cited = [[c["article_id"] for c in a.get("citations", [])] for _, a in ans]
    retrieval = _retrieval_scores([q for q, _ in ans], cited)
    return {
        "questions": len(pairs),
        "answerable": len(ans),
        "unanswerable": len(unans),
        "key_coverage": _share(covers(a["answer"], q["keys"]) and not a.get("refused") for q, a in keyed),
        "keyed_questions": len(keyed),
        "answer_chars_median": statistics.median(lengths) if lengths else 0,
        "answer_chars_p90": percentile(lengths, 90),
        "refusal_rate_unanswerable": _share(bool(a.get("refused")) for _, a in unans),
        "false_refusal_rate": _share(bool(a.get("refused")) for _, a in ans),
        "multi_article_recall": _mean(
            len(set(q["articles"]) & {c["article_id"] for c in a.get("citations", [])}) / len(q["articles"])
            for q, a in multi
        ),
        "multi_article_questions": len(multi),
        "citation_validity": _share(quote_valid(c, articles) for c in cites),
        "citations": len(cites),
        "cited_hit@1": retrieval["hit@1"],
        "cited_hit@5": retrieval["hit@5"],
    }


def _share(flags: Iterable[bool]) -> float | None:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else None


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def rouge_l(candidate: str, reference: str) -> float:
    """Character-level ROUGE-L F1 on Simplified text without whitespace and citation markers."""
    from rapidfuzz.distance import LCSseq

    c = _SPACE.sub("", to_simplified(strip_markers(candidate)))
    r = _SPACE.sub("", to_simplified(reference))
    if not c or not r:
        return 0.0
    lcs = LCSseq.similarity(c, r)
    if lcs == 0:
        return 0.0
    p, rec = lcs / len(c), lcs / len(r)
    return 2 * p * rec / (p + rec)


@dataclass
class Table:
    """A small two-column table printer for people."""

    rows: list[tuple[str, str]]

    def render(self, title: str) -> str:
        width = max((len(k) for k, _ in self.rows), default=0)
        lines = [title] + [f"  {k.ljust(width)}  {v}" for k, v in self.rows]
        return "\n".join(lines)


def fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)
