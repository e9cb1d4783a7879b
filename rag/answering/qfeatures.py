"""Question-dependent features of answer units: how much of the question a unit covers (all words, the asked-for
predicate, the topic, the focus noun, a quoted phrase), whether it holds a filler of the kind of answer asked for
and how close that filler sits to the question's words, enumeration and quotation cues, and retrieval priors.

`unit_features(q, article)` → an (units × FEATURES) float32 matrix for one pooled article. Question-independent
inputs (units, slot annotations) come cached with the article; everything per unit here is a substring test or
prefix-sum arithmetic, so a few hundred units cost a few milliseconds. The weights that combine these are
fitted (bench/train_answer.py), not set by hand.
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from rag.answering.pool import PoolArticle
from rag.answering.question import ATYPES, TYPED, Question
from rag.answering.slots import NUM
from rag.lang.script import HAN, normalize
from rag.lang.words import stop_words

KINDS = ("sent", "run", "item", "enum", "enumh", "quote", "quote1", "quoterun")
# Which annotated spans fill which kind of answer.
SLOT_FILLERS: dict[str, tuple[str, ...]] = {
    "person": ("person",), "speaker": ("person",), "title": ("title",), "org": ("org",), "place": ("place", "org"),
    "date": ("date",), "year": ("year", "date"), "time": ("time", "date"), "duration": ("duration",), "age": ("age",), "percent": ("percent",),
    "money": ("money",), "number": ("number", "money", "percent"), "purpose": ("purpose",), "cause": ("cause", "purpose"),
    "manner": ("manner",), "phone": ("phone",),
}
SLOTTED = tuple(sorted(TYPED))
# Answers said in so many ways that an article without the marker words may still hold one: their absence is
# no sign that the article lacks the answer (it still ranks units that have them first).
FREE_FORM = frozenset({"purpose", "cause", "manner"})
FEATURES: tuple[str, ...] = (
    "cov", "cov_sent", "cov_ctx", "cov_bigram", "cov_art", "missing_art", "missing_near_art", "pred", "pred_any", "topic", "focus",
    "focus_art", "head_new", "quote_q", "quote_q_x_speaker", "novel", "slot", "slot_new", "slot_near", "slot_none_art",
    "measure", "measure_art", "enum_x_enum", "enum_x_list", "enum_x_clauses", "speaker_x_person", "rank_prior",
    "art_rank_prior", "partial_start", "cov_local", "near_cov", "after_last", "abbrev_items", "slot_ctx",
    "en_rank_prior", "en_cov", "en_slot_new", "title_cov",
) + tuple(f"kind_{k}" for k in KINDS) + tuple(f"slot_x_{t}" for t in SLOTTED)
INDEX = {name: i for i, name in enumerate(FEATURES)}
_FRAME_BIGRAMS = frozenset({"什么", "哪些", "多少", "是谁", "哪个", "为什", "么时", "时候", "哪里", "是什", "么样", "哪天", "哪位"})
_GRAM_CHARS = re.compile(f"[^{HAN}0-9a-z]")


def term_match(term: str, text: str) -> float:
    """1 when the word is in the text; half the share of its bigrams when a long Chinese word is mostly there."""
    if term in text:
        return 1.0
    if len(term) >= 3 and not term.isascii():
        grams = [term[i : i + 2] for i in range(len(term) - 1)]
        share = sum(g in text for g in grams) / len(grams)
        return 0.5 * share if share >= 0.5 else 0.0
    return 0.0


def coverage(terms: Sequence[tuple[str, float]], text: str) -> float:
    total = sum(w for _, w in terms)
    return sum(w * term_match(t, text) for t, w in terms) / total if total else 0.0


def searched_coverage(terms: Sequence[tuple[str, float]], text: str, cues: frozenset[str] = frozenset()) -> float:
    """`coverage` over the words retrieval searches on: the stop list's `search` words (多久, 哪类, 主要 ...)
    shape a question and no article need write them, so an article is not short of the question for lacking
    them. Nor is an article that holds every other searched word short of it for lacking the question's slot
    `cues` (slot_cue_words: 职务 of 担任什么职务); one it holds still counts, so leaving them out never makes an
    article look further off the question. All of the question's words when it has no other."""
    skip = stop_words("search")
    kept = [(t, w) for t, w in terms if t not in skip]
    if cues and all(term_match(t, text) == 1.0 for t, _ in kept if t not in cues):
        kept = [(t, w) for t, w in kept if t not in cues or term_match(t, text) > 0]
    return coverage(kept or terms, text)


_ATYPE_PATTERN = dict(ATYPES)


def slot_cue_words(q: Question) -> frozenset[str]:
    """The question's words that only say what kind of answer it asks for: those wholly inside a match of the
    pattern that typed it (担任 and 职务 of 鲍威尔担任什么职务: its matches 担任什么, 什么职务), at any start. An
    article gives a title without writing 职务, so an article is not short of the question for lacking them."""
    pattern = _ATYPE_PATTERN.get(q.atype)
    if pattern is None:
        return frozenset()
    norm = normalize(q.text)
    cued = [False] * len(norm)
    for i in range(len(norm)):
        m = pattern.match(norm, i)
        if m is not None and m.end() > i:
            cued[i : m.end()] = [True] * (m.end() - i)
    out = set()
    for term, _ in q.terms:
        at = norm.find(term)
        if at >= 0 and all(cued[at : at + len(term)]):
            out.add(term)
    return frozenset(out)


def question_bigrams(q: Question) -> list[str]:
    text = _GRAM_CHARS.sub("", normalize(q.text))
    return [g for g in dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)) if g not in _FRAME_BIGRAMS]


def _measure_re(q: Question) -> re.Pattern | None:
    return re.compile(rf"(?:{NUM})(?:多|余)?(?:万|亿)?{re.escape(q.measure)}") if q.measure else None


def unit_features(q: Question, pa: PoolArticle, qnorm: str, qgrams: Sequence[str]) -> np.ndarray:
    """Features of every unit of one pooled article; `qnorm` is the question's search form, `qgrams` its bigrams."""
    au, slots = pa.units, pa.slots
    units = au.units
    X = np.zeros((len(units), len(FEATURES)), dtype=np.float32)
    if not units:
        return X
    col = INDEX
    terms = list(q.terms) if q.lexical else []
    preds, topics = q.predicate_terms if q.lexical else (), q.topic_terms if q.lexical else ()
    art = au.text
    total = sum(w for _, w in terms)
    if terms:
        X[:, col["cov_art"]] = coverage(terms, art)
        X[:, col["missing_art"]] = sum(w for t, w in terms if term_match(t, art) == 0) / total
        near_terms = [(t, w) for t, w in terms if t in q.near]
        if near_terms:  # the words beside the question word: what is asked about (开幕, 第一名)
            X[:, col["missing_near_art"]] = sum(w for t, w in near_terms if term_match(t, art) == 0) / sum(w for _, w in near_terms)
    X[:, col["focus_art"]] = float(any(f in art for f in q.focus)) if q.focus else 1.0
    if terms and not pa.article.title_derived:  # how much of the question the article's own title names
        X[:, col["title_cov"]] = coverage(terms, normalize(pa.article.title))
    fillers = SLOT_FILLERS.get(q.atype, ())
    new_fillers = {k: [s for s in slots.spans.get(k, ()) if au.norm[s[0] - 1][s[1] : s[2]] not in qnorm] for k in fillers}
    if fillers and q.atype not in FREE_FORM:
        X[:, col["slot_none_art"]] = float(not any(new_fillers.values()))
    measure = _measure_re(q)
    if measure:
        X[:, col["measure_art"]] = float(bool(measure.search(art)))
    X[:, col["art_rank_prior"]] = 1.0 / np.sqrt(1.0 + pa.article_rank)
    X[:, col["rank_prior"]] = 1.0 / np.sqrt(1.0 + np.asarray(pa.ranks, dtype=np.float32))

    anchors = anchor_positions(au.norm, [t for t, _ in terms if len(t) >= 2])
    # words every sentence of the article shares (its topic) say little about which sentence answers
    n_sent = max(1, len(au.sentences))
    sent_texts = [au.sentence_text(k) for k in range(len(au.sentences))]
    local = [(t, w * (1.0 - sum(t in x for x in sent_texts) / n_sent)) for t, w in terms]
    near = [(t, w) for t, w in terms if t in q.near]
    english = q.script == "en"
    abbrev = re.compile(rf"(?:^|[、，,“\s和及与])({re.escape(q.abbreviation[1])}[{HAN}])") if q.abbreviation else None
    heads = _head_mentions(au.norm, q.head, qnorm) if q.head else {}
    novel = _novel_prefix(au.norm, qnorm)
    sent_cache: dict[tuple[int, int], tuple[float, float]] = {}
    sentences = au.sentences
    slot_t = col.get(f"slot_x_{q.atype}")
    quoted = [(x, [x[i : i + 2] for i in range(len(x) - 1)]) for x in q.quoted]
    for i, u in enumerate(units):
        f = X[i]
        text = u.text
        if terms:
            f[col["cov"]] = sum(w * term_match(t, text) for t, w in terms) / total
            key = (u.sentence, u.sentences)
            if key not in sent_cache:
                lo, hi = u.sentence, min(len(sentences), u.sentence + u.sentences)
                sent = "".join(au.sentence_text(k) for k in range(lo, hi))
                ctx = "".join(au.sentence_text(k) for k in range(max(0, lo - 1), min(len(sentences), hi + 1)))
                sent_cache[key] = (coverage(terms, sent), coverage(terms, ctx))
            f[col["cov_sent"]], f[col["cov_ctx"]] = sent_cache[key]
            if preds:
                f[col["pred"]] = coverage(preds, text)
                f[col["pred_any"]] = float(any(t in text for t, _ in preds))
            if topics:
                f[col["topic"]] = coverage(topics, text)
            f[col["cov_local"]] = coverage(local, text)
            if near:
                f[col["near_cov"]] = coverage(near, text)
            last = max((text.rfind(t) + len(t) for t, _ in terms if t in text), default=-1)
            f[col["after_last"]] = min(len(text) - last, 40) / 40.0 if last >= 0 else 0.0
            if english:
                f[col["en_cov"]] = f[col["cov"]]
        if qgrams:
            f[col["cov_bigram"]] = sum(g in text for g in qgrams) / len(qgrams)
        if q.focus:
            f[col["focus"]] = float(any(x in text for x in q.focus))
        if heads:
            f[col["head_new"]] = float(any(a <= pos < b for p, a, b in u.spans for pos in heads.get(p, ())))
        if quoted:
            best = max((sum(g in text for g in grams) / len(grams) if grams else 0.0) for _, grams in quoted)
            f[col["quote_q"]] = best
            speaker = u.kind.startswith("quote") or bool(slots.within("person", u))
            f[col["quote_q_x_speaker"]] = best * speaker
        chars = u.chars
        f[col["novel"]] = sum(novel[p - 1][b] - novel[p - 1][a] for p, a, b in u.spans) / chars if chars else 0.0
        if fillers:
            inside = [s for k in fillers for s in slots.within(k, u)]
            fresh = [s for k in fillers for s in new_fillers[k] if any(p == s[0] and a <= s[1] and s[2] <= b for p, a, b in u.spans)]
            f[col["slot"]] = float(bool(inside))
            f[col["slot_new"]] = float(bool(fresh))
            if fresh and anchors:
                f[col["slot_near"]] = 1.0 / (1.0 + distance(fresh, anchors) / 5.0)
            if slot_t is not None:
                f[slot_t] = f[col["slot_new"]]
            f[col["slot_ctx"]] = f[col["slot_new"]] * f[col["cov_ctx"]]
            if english:
                f[col["en_slot_new"]] = f[col["slot_new"]]
        if abbrev:
            f[col["abbrev_items"]] = min(len(abbrev.findall(text)), q.abbreviation[0]) / q.abbreviation[0]
        if english:
            f[col["en_rank_prior"]] = f[col["rank_prior"]]
        if measure:
            f[col["measure"]] = float(bool(measure.search(text)))
        if q.enum:
            f[col["enum_x_enum"]] = float(u.kind in ("enum", "enumh"))
            f[col["enum_x_list"]] = min(text.count("、"), 6) / 6.0
            f[col["enum_x_clauses"]] = min(u.clauses, 8) / 8.0
        if q.atype in ("speaker", "person"):
            f[col["speaker_x_person"]] = float(bool(slots.within("person", u)))
        s0 = sentences[u.sentence]
        f[col["partial_start"]] = float(u.spans[0][1] != s0.start)
        f[col[f"kind_{u.kind}"]] = 1.0
    return X


def anchor_positions(norm: Sequence[str], words: Sequence[str]) -> dict[int, list[tuple[int, int]]]:
    """paragraph → (start, end) of every occurrence of the question's words."""
    out: dict[int, list[tuple[int, int]]] = {}
    for p, para in enumerate(norm, start=1):
        for w in words:
            i = para.find(w)
            while i >= 0:
                out.setdefault(p, []).append((i, i + len(w)))
                i = para.find(w, i + 1)
    return out


def distance(spans, anchors: dict[int, list[tuple[int, int]]]) -> float:
    best = 99.0
    for p, x, y in spans:
        for a, b in anchors.get(p, ()):
            if a >= y or b <= x:
                best = min(best, float(max(a - y, x - b)))
    return best


def _head_mentions(norm: Sequence[str], head: str, qnorm: str) -> dict[int, list[int]]:
    """paragraph → positions of the asked-for noun (会, 大学, 支部) named by words the question does not hold
    (联席会 for 什么会): the filler of a 什么/哪个 question."""
    out: dict[int, list[int]] = {}
    for p, para in enumerate(norm, start=1):
        i = para.find(head)
        while i >= 0:
            if i >= 2 and re.match(f"[{HAN}]{{2}}", para[i - 2 : i]) and para[i - 2 : i + len(head)] not in qnorm:
                out.setdefault(p, []).append(i)
            i = para.find(head, i + 1)
    return out


def _novel_prefix(norm: Sequence[str], qnorm: str) -> list[list[int]]:
    """Per paragraph, prefix counts of characters the question does not hold (what a unit adds to the question)."""
    qchars = set(qnorm)
    out = []
    for para in norm:
        acc, row = 0, [0]
        for ch in para:
            acc += ch not in qchars
            row.append(acc)
        out.append(row)
    return out
