"""An article in one short line: the clause run that says who did what (and when), cut from its best sentences
as the summary model scores them. Used by the corpus overview (≤ 60 characters) and timelines (≤ 80)."""

from __future__ import annotations

import numpy as np

from rag.answering.clauses import Span
from rag.answering.selection import Scored, article_tau, best_run

HEADLINE_CHARS = 60
SENTENCES_TRIED = 4  # the best-scored sentences a headline may come from
SUBJECT_BONUS = 12.0  # a run that starts at its sentence's first kept clause usually names the actor


def headline(scored: Scored, max_chars: int = HEADLINE_CHARS) -> Span | None:
    """The best verbatim run of at most max_chars characters, or the best sentence's run when none is that short."""
    ps, pk = scored.sentence_scores, scored.clause_scores
    order = [i for i in np.argsort(-ps, kind="stable")[:SENTENCES_TRIED].tolist() if ps[i] >= 0]
    tau = article_tau(pk, 0.3)
    best: tuple[float, Span] | None = None
    for rank, i in enumerate(order):
        s, keep = scored.sentences[i], pk[i]
        kept = [c for c in range(len(s.clauses)) if keep[c] >= 0]
        for a in kept:
            value = 0.0
            for b in range(a, len(s.clauses)):
                if keep[b] < 0:
                    break
                x, y = s.clauses[b]
                value += (float(keep[b]) - tau) * (y - x)
                start, end = s.run(a, b)
                if end - start > max_chars:
                    break
                score = value + SUBJECT_BONUS * (a == kept[0]) + 20.0 * float(ps[i]) - 8.0 * rank
                if best is None or score > best[0]:
                    best = (score, (s.paragraph, start, end))
    if best is not None:
        return best[1]
    if order:  # no run is short enough: the best sentence's own clause run, cut to max_chars
        s = scored.sentences[order[0]]
        start, end = best_run(s, pk[order[0]], tau)
        text = scored.paragraphs[s.paragraph - 1] if scored.paragraphs else ""
        return (s.paragraph, *bounded(text, start, end, max_chars))
    return None


BREAKS = "、，,；;：:（(《“ "  # where an over-long clause may be cut (before the mark)


def bounded(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """text[start:end] cut to at most max_chars characters: before the last list or clause mark that keeps at
    least half of them, else at max_chars (still a verbatim span)."""
    if end - start <= max_chars or not text:
        return start, min(end, start + max_chars)
    limit = start + max_chars
    cut = next((i for i in range(limit, start + max_chars // 2, -1) if text[i] in BREAKS), limit)
    while cut > start + 1 and text[cut - 1] in BREAKS:  # no mark left dangling at the end
        cut -= 1
    return start, cut
