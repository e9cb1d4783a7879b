"""Extractive cited answers: the articles' own sentences that answer a question, no language model.

The pipeline: retrieve chunks, split them into the paragraph's sentences, score each sentence by how
much of the question's content it covers (jieba words weighted by IDF), by its retrieval rank and by
whether it holds the kind of thing asked for (a name, a number, a date, a place); answer with the best
one or two quotes, or one per article for "which articles/places" questions; refuse when the evidence
is weak. Every citation quotes the cleaned paragraph verbatim: a whole sentence, or (for a long
sentence) a run of its whole clauses, which the answer marks with an ellipsis.

Answers are shown in the question's script (OpenCC); `original` keeps them in the articles' own. An
English question gets an English lead line naming the article, then the Chinese evidence; pinyin names
in it ("Shima town") are matched to the Chinese text when pypinyin is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

from rag.answering.candidates import Sentence, article_text, candidates, norm
from rag.answering.english import glossary_terms, pinyin_terms, unmet_english
from rag.answering.question import Question, analyze, clean_question, unanswerable
from rag.answering.quoting import citation, inert_markers, quoted
from rag.answering.slots import cue_score
from rag.config import Config
from rag.contracts import Answerer, Corpus
from rag.ingest.articles import Article
from rag.lang.script import has_han, to_script
from rag.records import Answer, AskRequest, Citation

# ---- tuning (measured on ../shared/eval/dev_qa.jsonl and CRUD qa_dev; see bench/bench_answer.py) --------
# config.k retrieved chunks compete for an answer (3, 5 and 10 measure the same on CRUD qa_dev: the best
# articles are read whole anyway).
MULTI_CHUNKS = 40  # "which articles ..." questions look wider
SCAN_ARTICLES = 2  # the best-ranked articles are read whole: the answer may sit in a chunk ranked lower
CUE_BONUS = 0.25  # the sentence holds what the question asks for (a name for 谁, a number for 多少 ...)
CUE_BONUS_CROSS = 0.4  # ... for an English question, where the cue is most of what we can check
CUE_CHECK = 40  # candidates checked for the cue, best first
RANK_WEIGHT = 0.3  # weight of the retrieval-rank prior, 1/(1+rank)**RANK_DECAY
RANK_DECAY = 0.5
PARTIAL_MATCH = 0.5  # a long word whose bigrams are mostly present counts this much (× their share)
CONTEXT_CREDIT = 0.5  # a question word found in the article but not in the quote counts this much
FOLLOW_UP_WEIGHT = 0.3  # words of the previous question, for ranking a follow-up's sentences
LENGTH_SOFT = 60  # quotes longer than this lose a little score, so short evidence wins ties
LENGTH_PENALTY = 0.1  # score lost per LENGTH_SOFT characters beyond LENGTH_SOFT
PARTIAL_PENALTY = 0.05  # a clause run is preferred only when it is clearly shorter evidence
ANSWER_BUDGET = 200  # a second quote joins only while the answer stays within this many characters
SECOND_GAIN = 0.2  # ... and only when it covers this much more of the question than the first
SECOND_LOOK = 8  # ... looking this far down the ranking for it
SECOND_MARGIN = 0.2  # ... or when it scores within this much of the first
REFUSE_BELOW = 0.5  # evidence (mix of sentence and article coverage) below this is a refusal
FOCUS_MISSING = 0.8  # evidence is scaled by this when the article lacks the word the question asks about
MULTI_MIN_COVERAGE = 0.6  # an article joins a multi-article answer when its sentence covers this much
MULTI_MAX_ARTICLES = 8
MULTI_CROSS_RANK = 5  # ... or, for a question sharing no words with the articles, when retrieval ranks it this high


# ---- scoring ------------------------------------------------------------------------------------------


def _term_match(term: str, text: str) -> float:
    """1 when the word is in the text; partial credit when most of a longer Chinese word's bigrams are."""
    if term in text:
        return 1.0
    if len(term) >= 3 and has_han(term):
        grams = [term[i : i + 2] for i in range(len(term) - 1)]
        share = sum(g in text for g in grams) / len(grams)
        return PARTIAL_MATCH * share if share >= 0.5 else 0.0
    return 0.0


def coverage(q: Question, text_norm: str, context_norm: str | None = None) -> float:
    """Weighted share of the question's content words found in normalised text.

    With `context_norm` (the whole article), a word found only in the context earns CONTEXT_CREDIT: a
    sentence need not repeat the article's subject (渠岸镇) to answer a question about it.
    """
    total = sum(w for _, w in q.terms)
    if not total:
        return 0.0
    got = 0.0
    for t, w in q.terms:
        m = _term_match(t, text_norm)
        if context_norm is not None and m < 1.0:
            m = max(m, CONTEXT_CREDIT * _term_match(t, context_norm))
        got += w * m
    return got / total


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    coverage: float  # of the question's words, in this quote (words of its article count a little)
    sentence_coverage: float  # ... in its whole sentence alone
    article_coverage: float  # ... anywhere in its article (title included)
    cue: bool
    score: float


def _score(q: Question, s: Sentence, articles: Mapping[str, Article], extra: Question | None) -> Scored:
    text = norm(s.text)
    art = article_text(articles[s.article_id]) if q.lexical else ""
    cov = coverage(q, text, art) if q.lexical else 0.0
    sent_cov = coverage(q, norm(s.sentence)) if q.lexical else 0.0
    art_cov = coverage(q, art) if q.lexical else 0.0
    score = cov + RANK_WEIGHT / (1 + s.rank) ** RANK_DECAY
    if extra is not None and extra.lexical:
        score += FOLLOW_UP_WEIGHT * coverage(extra, text)  # a follow-up leans on the question before it
    score -= LENGTH_PENALTY * max(0, len(s.text) - LENGTH_SOFT) / LENGTH_SOFT
    if s.partial:
        score -= PARTIAL_PENALTY
    return Scored(s, cov, sent_cov, art_cov, False, score)


def _with_cue(q: Question, s: Scored) -> Scored:
    cue = cue_score(q, s.sentence.text) if q.cues else 0.0
    if not cue:
        return s
    bonus = CUE_BONUS if q.lexical else CUE_BONUS_CROSS
    return Scored(s.sentence, s.coverage, s.sentence_coverage, s.article_coverage, cue >= 1.0, s.score + bonus * cue)


def rank(q: Question, cands: Sequence[Sentence], articles: Mapping[str, Article], extra: Question | None = None) -> list[Scored]:
    """Candidates best first; the (slower) answer-type cue is checked for the leading ones only."""
    scored = sorted((_score(q, s, articles, extra) for s in cands), key=lambda s: -s.score)
    head = [_with_cue(q, s) for s in scored[:CUE_CHECK]]
    return sorted(head, key=lambda s: -s.score) + scored[CUE_CHECK:]


def evidence(best: Scored, q: Question, article_text: str = "") -> float:
    """How well the best quote's sentence and its article support an answer, in [0, 1]."""
    if not q.lexical:
        return 1.0  # no shared script: retrieval (cross-lingual dense) is all we have
    value = 0.5 * best.sentence_coverage + 0.5 * best.article_coverage
    if q.focus and not any(_term_match(f, article_text) for f in q.focus):
        value *= FOCUS_MISSING  # the article never mentions what is asked about (常住人口, 财政收入)
    return value


# ---- composing the answer -----------------------------------------------------------------------------


def _lead(article: Article) -> str:
    """English lead line naming an article: From “title” (outlet, date):"""
    meta = ", ".join(x for x in (article.source, article.date) if x)
    return f"From “{inert_markers(article.title)}”" + (f" ({meta})" if meta else "") + ":"


def _source_line(article: Article) -> str:
    """Chinese lead naming the outlet, for questions about where an article came from."""
    meta = "，".join(x for x in (article.source, article.date) if x)
    return f"《{inert_markers(article.title)}》" + (f"（{meta}）" if meta else "") + "："


def _overlaps(a: Sentence, b: Sentence) -> bool:
    return a.article_id == b.article_id and a.paragraph == b.paragraph and a.start < b.end and b.start < a.end


def _pick_single(q: Question, ranked: list[Scored], articles: Mapping[str, Article]) -> list[Scored]:
    """The best quote, plus a second from the same article when it is nearly as good or adds what the first lacks."""
    best = ranked[0]
    for other in ranked[1:SECOND_LOOK]:
        o = other.sentence
        if o.article_id != best.sentence.article_id or _overlaps(o, best.sentence):
            continue
        if len(best.sentence.text) + len(o.text) > ANSWER_BUDGET:
            continue
        close = other.score >= best.score - SECOND_MARGIN
        fills_cue = bool(q.cues) and not best.cue and other.cue
        gain = 0.0
        if q.lexical:
            context = article_text(articles[o.article_id])
            gain = coverage(q, norm(best.sentence.text + o.text), context) - best.coverage
        if close or fills_cue or gain >= SECOND_GAIN:
            return sorted([best, other], key=lambda s: (s.sentence.paragraph, s.sentence.start))
    return [best]


def _pick_multi(q: Question, ranked: list[Scored]) -> list[Scored]:
    """The best quote of each article whose sentence covers enough of the question.

    Without shared words (an English question naming nothing in pinyin) only the articles that
    retrieval put near the top can be vouched for.
    """
    per_article: dict[str, Scored] = {}
    for s in ranked:
        aid = s.sentence.article_id
        good = s.sentence_coverage >= MULTI_MIN_COVERAGE if q.lexical else s.sentence.rank < MULTI_CROSS_RANK
        if aid not in per_article and good:
            per_article[aid] = s
    return list(per_article.values())[:MULTI_MAX_ARTICLES]


def _refusal(q: Question, hits: Sequence, articles: Mapping[str, Article], note: str | None = None,
             missing: str | None = None) -> Answer:
    """The refusal, naming the closest articles and, when known, what the articles never mention."""
    closest = []
    for aid in dict.fromkeys(h.chunk.article_id for h in hits):
        if aid in articles:
            closest.append({"article_id": aid, "title": articles[aid].title})
        if len(closest) == 3:
            break
    titles = [c["title"] for c in closest]
    if q.script == "en":
        text = f"The articles do not mention {missing}." if missing else "The articles do not answer this question."
        if titles:
            text += " Closest: " + "; ".join(f"“{t}”" for t in titles) + "."
    else:
        text = "这些文章没有提供这个问题的答案。"
        if titles:
            text += "最接近的文章：" + "、".join(f"《{t}》" for t in titles) + "。"
        text = to_script(text, q.script)
    return Answer(q.text, text, True, [], closest=closest, note=note)


def _merge_adjacent(chosen: list[Scored], articles: Mapping[str, Article]) -> list[Sentence]:
    """Quotes in article order, two pieces of one paragraph joined when only punctuation separates them."""
    out: list[Sentence] = []
    for s in chosen:
        cur = s.sentence
        prev = out[-1] if out else None
        if prev and prev.article_id == cur.article_id and prev.paragraph == cur.paragraph and 0 <= cur.start - prev.end <= 2:
            para = articles[cur.article_id].paragraph(cur.paragraph)
            if not para[prev.end : cur.start].strip("，,：:；; "):
                sentence = prev.sentence if prev.sentence == cur.sentence else para[prev.start : cur.end]
                out[-1] = Sentence(cur.article_id, cur.paragraph, prev.start, cur.end, para[prev.start : cur.end], prev.rank, sentence)
                continue
        out.append(cur)
    return out


def _compose(q: Question, chosen: list[Scored], articles: Mapping[str, Article]) -> Answer:
    """Answer text with [n] markers, converted to the question's script, and its citations."""
    quotes = _merge_adjacent(chosen, articles) if not q.multi else [s.sentence for s in chosen]
    citations: list[Citation] = []
    by_article: dict[str, list[str]] = {}
    for quote in quotes:
        c = citation(len(citations) + 1, quote, articles[quote.article_id])
        citations.append(c)
        paragraph = articles[quote.article_id].paragraph(quote.paragraph)
        by_article.setdefault(quote.article_id, []).append(quoted(quote, c.n, paragraph))
    several = len(by_article) > 1
    lines: list[str] = []
    if q.script == "en":
        if several:
            lines.append(f"From {len(by_article)} articles:")
            lines += [f"“{inert_markers(articles[a].title)}”: " + "".join(parts) for a, parts in by_article.items()]
        else:
            ((aid, parts),) = by_article.items()
            lines += [_lead(articles[aid]), "".join(parts)]
    elif several or q.multi:
        lines += [f"《{inert_markers(articles[a].title)}》：" + "".join(parts) for a, parts in by_article.items()]
    else:
        ((aid, parts),) = by_article.items()
        lead = _source_line(articles[aid]) if "source" in q.cues else ""
        lines.append(lead + "".join(parts))
    raw = "\n".join(lines)
    text = to_script(raw, q.script) if q.script != "en" else raw
    return Answer(q.text, text, False, citations, original=raw if text != raw else None)


class ExtractiveAnswerer(Answerer):
    """Answers made of the articles' own sentences: the default, and every model's fallback."""

    backend = "extractive"

    def __init__(self, config: Config):
        self.config = config

    def stream(self, request: AskRequest, corpus: Corpus) -> Iterator[str | Answer]:
        yield unanswerable(request.question) or self._answer(request, corpus)

    def _answer(self, request: AskRequest, corpus: Corpus) -> Answer:
        question, previous, articles = clean_question(request.question), request.previous, corpus.articles
        q = analyze(question)
        focus = [a for a in dict.fromkeys(request.focus) if a in articles]
        k = max(1, request.k or self.config.k)
        k = max(k, MULTI_CHUNKS) if q.multi else k
        hits = [h for h in corpus.retriever.search(question, k=k, article_ids=focus or None) if h.chunk.article_id in articles]
        scan = focus or ([] if q.multi else list(dict.fromkeys(h.chunk.article_id for h in hits))[:SCAN_ARTICLES])
        cands = candidates(hits, articles, scan)
        if not cands:
            return _refusal(q, hits, articles, note="nothing retrieved")
        if q.script == "en":
            # Pinyin names ("Shima") become Han terms (石马); the retrieved articles that hold them are read whole.
            seen = list(dict.fromkeys(s.article_id for s in cands))
            q = pinyin_terms(q, (article_text(articles[a]) for a in seen))
            named = [a for a in seen if q.pinyin and any(t in article_text(articles[a]) for t, _ in q.terms)]
            if named and not focus:
                cands = candidates(hits, articles, list(dict.fromkeys(named + scan))[: SCAN_ARTICLES + 1])
            texts = [article_text(articles[a]) for a in dict.fromkeys(s.article_id for s in cands)]
            unmet = unmet_english(q, texts, previous)
            if unmet is not None:
                return _refusal(q, hits, articles, note="the articles never mention " + (unmet or "any word of the question"),
                                missing=unmet or None)
            if q.pinyin:
                q = glossary_terms(q, texts)
        ranked = rank(q, cands, articles, analyze(previous) if previous else None)
        if q.multi:
            chosen = _pick_multi(q, ranked)
            return _compose(q, chosen, articles) if chosen else _refusal(q, hits, articles)
        if evidence(ranked[0], q, article_text(articles[ranked[0].sentence.article_id])) < REFUSE_BELOW:
            return _refusal(q, hits, articles)
        return _compose(q, _pick_single(q, ranked, articles), articles)
