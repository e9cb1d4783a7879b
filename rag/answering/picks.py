"""An article's summary units: the candidates (each sentence cut to its best clause run, and a long run also to
its best short run; a speech tail never cut from its words, rag.answering.ties.clause_ties; long lists cut
to their ends, rag.answering.elision; with their word bags and the facts — names, numbers, dates, documents —
each holds), and the pick (MMR within the length budget).

    picks = choose(score_article(article))           # Picks in article order, each shown as verbatim pieces

The same `choose` runs in bench/fit_summary.py on precomputed scores, so the fitted selection settings are the
ones the package uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.answering.clauses import Sentence, Span
from rag.answering.cues import editorial_patterns
from rag.answering.elision import elide, shown_length
from rag.answering.features import TOKEN_ATTRS, ArticleIndex, global_spans, token_range
from rag.answering.selection import Scored, article_tau, best_run, best_short_run, mmr_select, sentence_ties
from rag.answering.summary_model import DEFAULTS


@dataclass(frozen=True)
class Cut:
    """The candidate units: every sentence cut to its best clause run, and a long run also to its best short
    run; what is shown of each, whose sentence it is, and their word bags."""

    spans: list[Span]
    owners: np.ndarray  # each candidate's sentence (index into the scored sentences)
    pieces: list[tuple[Span, ...]]
    lengths: np.ndarray  # shown length of each
    vecs: np.ndarray  # normalised IDF bags
    facts: list[dict[str, float]] | None = None  # names, numbers, dates and documents each holds (weighted)


def runs(scored: Scored, params: dict | None = None) -> Cut:
    p = {**DEFAULTS, **(params or {})}
    sentences, pk = scored.sentences, scored.clause_scores
    tau = article_tau(pk, p["tau_quantile"])
    bounds = np.cumsum([0] + [len(s.clauses) for s in sentences])
    spans, owners, pieces, lengths, vecs = [], [], [], [], []

    def add(i: int, s: Sentence, a: int, b: int) -> float:
        spans.append((s.paragraph, a, b))
        owners.append(i)
        cut = elide(scored.paragraphs[s.paragraph - 1], list(s.clauses), a, b) if p["elide"] and scored.paragraphs else [(a, b)]
        pieces.append(tuple((s.paragraph, x, y) for x, y in cut))
        lengths.append(shown_length(cut))
        inside = [c for c, (x, y) in enumerate(s.clauses) if a <= x and y <= b]
        v = scored.clause_bags[[bounds[i] + c for c in inside]].sum(axis=0)
        vecs.append(v / max(1e-9, float(np.linalg.norm(v))))
        return lengths[-1]

    ties = sentence_ties(scored) or [None] * len(sentences)
    for i, s in enumerate(sentences):
        a, b = best_run(s, pk[i], tau, p["min_run_chars"], ties[i])
        if add(i, s, a, b) > p["short_chars"] > 0:
            short = best_short_run(s, pk[i], tau, p["short_chars"], (a, b), p["min_run_chars"], ties[i])
            if short is not None and short != (a, b):
                add(i, s, *short)
    facts = [unit_facts(scored.ix, span) for span in spans] if p["fact_bonus"] and scored.ix is not None else None
    width = scored.clause_bags.shape[1]
    return Cut(spans, np.asarray(owners, dtype=np.int64), pieces, np.asarray(lengths, dtype=np.float64),
               np.asarray(vecs).reshape(len(spans), width), facts)


# What an editor makes sure a summary says, when the article says it: each kind of fact a unit adds to the
# summary earns it a bonus in the pick (rag.answering.selection.mmr_select); the weights are not fitted.
FACT_KINDS = {"when": 1.0, "where": 1.0, "who": 1.0, "number": 1.0, "outcome": 1.5, "chair": 3.0}
_KIND_CUES = {"date": "when", "quantity": "number", "percent": "number", "money": "number", "document": "outcome",
              "chair": "chair", "place": "where"}
_TAG_KINDS = ((TOKEN_ATTRS.index("person"), "who"), (TOKEN_ATTRS.index("org"), "who"), (TOKEN_ATTRS.index("place"), "where"))


def unit_facts(ix: ArticleIndex, span: Span) -> dict[str, float]:
    """The kinds of fact a span states (FACT_KINDS: when, where, who, a number, an outcome — a named document, or
    something signed, issued, set up or decided, each verb counted apart — and who chaired), with their weights."""
    _, gs, ge = global_spans(ix, [span])
    lo, hi = token_range(ix, gs, ge)
    out: dict[str, float] = {}
    if hi[0] > lo[0]:
        attrs = ix.tok_attr_cum[hi[0]] - ix.tok_attr_cum[lo[0]]
        for col, kind in _TAG_KINDS:
            if attrs[col] > 0:
                out[kind] = FACT_KINDS[kind]
    a, b = int(gs[0]), int(ge[0])
    for name, kind in _KIND_CUES.items():
        starts, ends = ix.cue_start[name], ix.cue_end[name]
        k = int(np.searchsorted(starts, a))
        if k < len(starts) and starts[k] < b and ends[k] <= b:
            out[kind] = FACT_KINDS[kind]
    for m in editorial_patterns()["outcome"].finditer(ix.joined, a, b):  # each kind of decision is news of its own
        out[f"outcome:{m.group()[0]}"] = FACT_KINDS["outcome"]  # (签订, 签署 and 签定 are one kind: signing)
    return out


@dataclass(frozen=True)
class Pick:
    span: Span  # (paragraph from 1, start, end): the clause run
    sentence: int  # index into the scored sentences
    score: float
    compressed: bool  # a clause run shorter than its sentence
    pieces: tuple[Span, ...] = ()  # what is shown of the run (a long list cut): verbatim pieces, each cited

    @property
    def shown(self) -> tuple[Span, ...]:
        return self.pieces or (self.span,)



def choose(scored: Scored, params: dict | None = None, cut: "Cut | None" = None) -> list[Pick]:
    """The summary's units: each sentence cut to its best clause run (`cut`, when computed already), long lists
    cut to their ends, then MMR within the budget."""
    p = {**DEFAULTS, **(params or {})}
    sentences = scored.sentences
    if not sentences:
        return []
    cut = cut or runs(scored, p)
    ps = scored.sentence_scores[cut.owners]
    picks = mmr_select(cut.spans, ps, cut.vecs, p, cut.lengths, cut.facts, cut.owners)
    out = []
    for i in picks:
        k = int(cut.owners[i])
        out.append(Pick(cut.spans[i], k, float(ps[i]), cut.spans[i][1:] != (sentences[k].start, sentences[k].end),
                        cut.pieces[i] if len(cut.pieces[i]) > 1 else ()))
    return out
