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
    if order:  # no run is short enough: the best sentence's own clause run
        s = scored.sentences[order[0]]
        return (s.paragraph, *best_run(s, pk[order[0]], tau))
    return None
