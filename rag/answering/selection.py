"""Scoring an article's sentences and clauses with the learned model (`score_article`, with the editorial rules),
cutting a sentence to its informative clause run (`best_run`, `best_short_run`), and MMR within a length budget
(`mmr_select`); rag.answering.picks composes them into a summary's picks."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from rag.answering.clauses import Sentence, Span
from rag.answering.editorial import editorial_flags
from rag.answering.elision import GAP
from rag.answering.features import ArticleIndex, article_index, unit_vectors
from rag.answering.quoting import inert_markers
from rag.answering.ties import NO_END, NO_START, clause_ties
from rag.answering.summary_model import DEFAULTS, Model, shipped_model, summary_features
from rag.ingest.articles import Article


@dataclass
class Scored:
    """An article's candidate sentences with their learned scores. A sentence score of -1 marks a sentence the
    editorial rules drop; a clause keep score of -1 a clause they drop."""

    sentences: list[Sentence]
    sentence_scores: np.ndarray
    clause_scores: list[np.ndarray]  # one array per sentence
    clause_bags: np.ndarray  # IDF bags of the clauses, all sentences' clauses in order (unnormalised)
    paragraphs: Sequence[str] = ()  # the article's paragraphs (or their twins: same offsets), for list cuts
    ix: ArticleIndex | None = None


def candidate_sentences(ix: ArticleIndex, min_chars: int = 6) -> list[Sentence]:
    return [s for s in ix.frame if s.end - s.start >= min_chars]


_SCORED: OrderedDict[str, Scored] = OrderedDict()
_SCORED_SIZE = 512


def score_article(article: Article, model: Model | None = None, rules: bool = True) -> Scored:
    """The article's sentences and clauses scored by the shipped model (kept in memory by content hash); the
    scores are only read, never changed, by what uses them."""
    if model is not None or not rules:
        return _score(article, model or shipped_model(), rules)
    key = article.content_hash
    scored = _SCORED.get(key)
    if scored is None:
        scored = _SCORED[key] = _score(article, shipped_model(), rules)
        if len(_SCORED) > _SCORED_SIZE:
            _SCORED.popitem(last=False)
    return scored


def _score(article: Article, model: Model, rules: bool) -> Scored:
    ix = article_index(article)
    sentences = candidate_sentences(ix)
    if not sentences:
        return Scored([], np.zeros(0), [], np.zeros((0, 1)), ix.paragraphs, ix)
    clause_spans = [(s.paragraph, a, b) for s in sentences for a, b in s.clauses]
    X = summary_features(ix, [s.span for s in sentences] + clause_spans, model.survival)
    ps = model.sentence.score(X[: len(sentences)])
    pk_all = model.clause.score(X[len(sentences):])
    bounds = np.cumsum([0] + [len(s.clauses) for s in sentences])
    pk = [pk_all[bounds[i]:bounds[i + 1]].copy() for i in range(len(sentences))]
    if rules:
        apply_rules(sentences, ix.paragraphs, ps, pk)
    return Scored(sentences, ps, pk, unit_vectors(ix, clause_spans, normalise=False), ix.paragraphs, ix)


def apply_rules(sentences: Sequence[Sentence], twins: Sequence[str], ps: np.ndarray, pk: list[np.ndarray]) -> None:
    """The editorial rules, in place: a dropped sentence scores -1, a dropped clause keeps -1."""
    drop, clause_drop = editorial_flags(sentences, twins)
    ps[drop] = -1.0
    for k, flags in zip(pk, clause_drop):
        k[flags] = -1.0


def sentence_ties(scored: Scored) -> list[np.ndarray] | None:
    """Each sentence's clause ties (rag.answering.ties.clause_ties), read on the twins; None without text."""
    if not scored.paragraphs:
        return None
    return [clause_ties(s.clauses, scored.paragraphs[s.paragraph - 1]) for s in scored.sentences]


def article_tau(keep: Sequence[np.ndarray], quantile: float) -> float:
    """The article's compression threshold: a quantile of its clause keep scores (0: no compression)."""
    live = [k[k >= 0] for k in keep]
    live = np.concatenate(live) if live else np.zeros(0)
    if quantile <= 0 or not len(live):
        return 0.0
    return float(np.quantile(live, quantile))


def best_run(sentence: Sentence, keep: np.ndarray, tau: float, min_run_chars: int = 10,
             ties: np.ndarray | None = None) -> tuple[int, int]:
    """Offsets of the clause run maximising sum((keep - tau) * chars) (Kadane over the clauses); a clause the
    rules drop comes with keep < 0 and is never kept. With `ties` (rag.answering.ties.clause_ties), the run
    neither ends at a NO_END clause nor starts at a NO_START one (a speech tail stays with its words)."""
    ruled = bool((keep < 0).any())
    if len(sentence.clauses) == 1 or (tau <= 0 and not ruled):
        return sentence.start, sentence.end
    ties = np.zeros(len(sentence.clauses), dtype=np.int8) if ties is None else ties
    best, bi, bj, cur, ci = -np.inf, 0, 0, -np.inf, 0
    for j, ((a, b), k) in enumerate(zip(sentence.clauses, keep)):
        w = (k - tau) * (b - a) if k >= 0 else -1e6
        if cur <= 0 and not ties[j] & NO_START:
            cur, ci = w, j
        else:
            cur += w
        if cur > best and not ties[j] & NO_END:
            best, bi, bj = cur, ci, j
    start, end = sentence.run(bi, bj)
    if end - start < min_run_chars and not ruled:
        return sentence.start, sentence.end
    return start, end


def clause_runs(sentence: Sentence, keep: np.ndarray, tau: float, max_chars: int,
                clauses: Sequence[int] | None = None,
                ties: np.ndarray | None = None) -> Iterator[tuple[int, int, float, int, int]]:
    """Every run a..b of consecutive clauses (of `clauses`, consecutive indices; all by default) of at most
    max_chars characters that holds no clause the rules drop, as (a, b, sum((keep - tau) × chars), start, end),
    by start clause then end clause; with `ties`, none starts at a NO_START clause or ends at a NO_END one."""
    idx = range(len(sentence.clauses)) if clauses is None else clauses
    for n, a in enumerate(idx):
        if ties is not None and ties[a] & NO_START:
            continue
        value = 0.0
        for b in idx[n:]:
            if keep[b] < 0:
                break
            x, y = sentence.clauses[b]
            value += (float(keep[b]) - tau) * (y - x)
            start, end = sentence.run(a, b)
            if end - start > max_chars:
                break
            if ties is None or not ties[b] & NO_END:
                yield a, b, value, start, end


def best_short_run(sentence: Sentence, keep: np.ndarray, tau: float, max_chars: int, within: tuple[int, int],
                   min_chars: int = 10, ties: np.ndarray | None = None) -> tuple[int, int] | None:
    """The clause run inside `within` of at most max_chars characters with the largest sum((keep - tau) ×
    chars), never holding a clause the rules drop; None when no run is that short."""
    idx = [c for c, (x, y) in enumerate(sentence.clauses) if within[0] <= x and y <= within[1]]
    best: tuple[float, tuple[int, int]] | None = None
    for _, _, value, a, b in clause_runs(sentence, keep, tau, max_chars, idx, ties):
        if b - a >= min_chars and (best is None or value > best[0]):
            best = (value, (a, b))
    return best[1] if best else None


FACT_SCALE = 3.0  # weight of new kinds of fact (picks.FACT_KINDS) that earns the whole bonus


def mmr_select(spans: Sequence[Span], scores: np.ndarray, vecs: np.ndarray, params: dict,
               lengths: np.ndarray | None = None, facts: Sequence[dict[str, float]] | None = None,
               owners: np.ndarray | None = None) -> list[int]:
    """Indices of the chosen spans, in article order. `lengths`: what each costs as shown (its span's length
    when not given); `facts`: the names, numbers and dates each holds, with weights, of which those not yet in
    the summary earn a bonus; `owners`: each span's sentence, when a sentence offers several cuts (one is taken).
    Spans of different sentences never overlap."""
    n = len(spans)
    if n == 0:
        return []
    p = {**DEFAULTS, **params}
    if lengths is None:
        lengths = np.fromiter((b - a for _, a, b in spans), dtype=np.float64, count=n)
    s = np.asarray(scores, dtype=np.float64)
    available = (lengths <= p["max_unit_chars"]) & (s >= 0)
    redundancy = np.zeros(n)
    chosen: list[int] = []
    total, lam = 0.0, p["lam"]
    bonus = np.zeros(n)
    seen: set[str] = set()
    beta = p["fact_bonus"] if facts is not None else 0.0
    while total < p["target_chars"]:
        ok = available & (lengths + total <= p["max_chars"])
        if not ok.any():
            break
        if beta:
            bonus = np.asarray([sum(w for f, w in facts[k].items() if f not in seen) for k in range(n)]) / FACT_SCALE
        i = int(np.argmax(np.where(ok, lam * s - (1 - lam) * redundancy + beta * np.minimum(1.0, bonus), -np.inf)))
        chosen.append(i)
        total += lengths[i]
        available[i] = False
        if owners is not None:
            available &= owners != owners[i]
        redundancy = np.maximum(redundancy, vecs @ vecs[i])
        if beta:
            seen.update(facts[i])
    return sorted(chosen, key=lambda k: (spans[k][0], spans[k][1]))


FINAL = "。！？!?；;…”’\"」』）)】"


def shown(quote: str) -> str:
    """A quote as it reads inside a summary: its own "[9]" made inert (it cannot pose as a citation), a clause
    run cut before its sentence's end closed with a full stop. The citation keeps the quote verbatim."""
    text = inert_markers(quote)
    return text if text[-1:] in FINAL else text + "。"


def shown_pieces(texts: Sequence[str]) -> str:
    """One pick's pieces as shown: joined by an ellipsis, closed like a sentence."""
    return shown(GAP.join(texts))


def render(picks: Sequence[Sequence[str]]) -> str:
    """The picks (each its pieces' texts) joined as a summary shows them, without markers."""
    return "".join(shown_pieces(p) for p in picks)
