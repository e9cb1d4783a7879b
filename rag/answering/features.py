"""Question-independent features of text units in their article, shared by the summariser and the answer ranker.

A unit is a verbatim span (paragraph numbered from 1, start, end), or several spans in article order (an
enumeration, a quotation with its speaker line), featurised as their hull. Nothing here depends on how a
unit was chosen or on a question: the answer ranker adds question-dependent features of its own, the
summariser adds its learned word-survival features (rag.answering.summary_model).

    ix = article_index(article)            # once per article (cached by content): tokens, cues, sentence frame
    X = unit_features(ix, units)           # (len(units), len(FEATURE_NAMES)) float32
    V = unit_vectors(ix, units)            # (len(units), vocabulary) L2-normalised IDF bags of content words

Text is read through its Simplified twin (same offsets; rag.answering.cues.twin). Cost: one jieba pass over the
article and one pass of each cue pattern per paragraph; every per-unit quantity is then a difference of
prefix sums found by binary search, so a few hundred units cost little more than one. numpy only.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from rag.answering.clauses import Sentence, Span, sentence_frame
from rag.answering.cues import CUE_NAMES, START_NAMES, cue_patterns, preamble, start_patterns, twin
from rag.answering.postags import dictionary_tags
from rag.ingest.articles import Article
from rag.lang.script import HAN_CHAR
from rag.lang.words import idf, jieba_tokenizer, stop_words

Unit = Span | Sequence[Span]
TOKEN_ATTRS = ("idf", "person", "place", "org", "proper", "oov", "numeral", "time", "tokens")
_TAGS_KEPT = ("nr", "ns", "nt", "nz", "m", "t")
LEAD_CHARS = 30  # the lead is the first sentence of at least this many characters (not a caption)
CUES_ANY = ("number", "date", "quantity", "slogan", "attend", "furniture", "question", "quote", "chair", "document")
# Features also given relative to the article's sentences: value / max, and a z-score over the sentences.
RELATIVE = ("centrality", "centrality_all", "title_cos", "title_bigram_cov", "title_bigram_prec", "lead_cos",
            "mean_idf", "bigram_central", "first_mention", "tok_proper", "cue_number", "cue_date", "cue_slogan", "len")
FEATURE_NAMES: tuple[str, ...] = (
    # position
    "para_idx", "para_rel", "first_para", "sent_idx", "sent_rel", "first_sent", "inv_sent", "lead_sent",
    "sent_in_para", "first_in_para", "char_rel", "n_paras", "n_sents",
    # length, and what a clause run leaves of its sentence
    "len", "log_len", "len_lt20", "len_20_50", "len_50_100", "len_100_160", "len_ge160", "sent_len_log",
    "n_clauses", "sent_clauses", "frac_of_sent", "starts_sent", "ends_sent", "is_sentence", "dropped_before",
    "dropped_after",
    # content
    "centrality", "centrality_all", "title_cos", "title_bigram_cov", "title_bigram_prec", "lead_cos", "mean_idf",
    "content_density", "recurring_share", "bigram_central", "title_bigram_density", "first_mention",
) + tuple(f"tok_{a}" for a in TOKEN_ATTRS if a not in ("idf", "tokens")) \
  + tuple(f"cue_{k}" for k in CUE_NAMES) + tuple(f"cue_{k}_any" for k in CUES_ANY) + ("cue_preamble",) \
  + START_NAMES + tuple(f"sent_{k}" for k in START_NAMES) \
  + tuple(f"rel_{k}" for k in RELATIVE) + tuple(f"z_{k}" for k in RELATIVE)


def word_tags() -> dict[str, str]:
    """Part-of-speech tags from jieba's dictionary for names, places, organisations, other proper nouns,
    numerals and time words: a dictionary lookup (no HMM tagging)."""
    return dictionary_tags(_TAGS_KEPT)


def content_word(tok: str, stop: frozenset[str]) -> bool:
    """A word that carries content: two or more characters (or a number), not a stop word."""
    if tok in stop or not tok.strip():
        return False
    if len(tok) >= 2:
        return bool(HAN_CHAR.search(tok)) or tok.isalnum()
    return tok.isdigit()


@dataclass
class ArticleIndex:
    """What unit features need, computed once per article. Global offsets index `joined` (the twins of the
    paragraphs joined with one newline); paragraph p (from 1) starts at base[p - 1]."""

    paragraphs: tuple[str, ...]  # Simplified twins (same offsets as the article's)
    title: str
    base: np.ndarray
    joined: str
    frame: list[Sentence]
    tok_start: np.ndarray  # content words in article order: global spans, vocabulary ids, words
    tok_end: np.ndarray
    tok_ids: np.ndarray
    words: list[str]
    vocab_idf: np.ndarray
    tok_attr_cum: np.ndarray  # (tokens + 1, len(TOKEN_ATTRS)) prefix sums
    first_cum: np.ndarray  # prefix sums of "first mention of this word" (IDF-weighted)
    title_vec: np.ndarray
    title_norm: float
    title_bigrams: frozenset
    sent_start: np.ndarray  # the frame's sentences (trimmed), global; sent_raw: where the splitter put them
    sent_raw: np.ndarray
    sent_end: np.ndarray
    sent_in_para: np.ndarray  # each frame sentence's place in its paragraph, from 0
    clause_start: np.ndarray
    lead_sentence: int
    cue_start: dict
    cue_end: dict
    bigram_cum: np.ndarray  # prefix sums over characters: log count of the Han bigram starting there
    title_bigram_cum: np.ndarray
    han_pairs: np.ndarray  # global starts of Han character bigrams
    stats: dict = field(default_factory=dict)  # per RELATIVE feature: (mean, std, max) over the sentences; caches

    @property
    def total(self) -> np.ndarray:
        return self.bags(np.zeros(1, dtype=np.int64), np.asarray([len(self.tok_ids)]))[0]

    def bags(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """IDF-weighted bags of the content words [lo, hi) of each row (unnormalised)."""
        V = max(1, len(self.vocab_idf))
        out = np.zeros((len(lo), V))
        for r, (a, b) in enumerate(zip(lo.tolist(), hi.tolist())):
            if b > a:
                out[r] = np.bincount(self.tok_ids[a:b], minlength=V)
        return out * self.vocab_idf[None, :] if len(self.vocab_idf) else out


def han_codes(text: str) -> np.ndarray:
    """Each character's code point when it is a Han character (rag.lang.script.HAN), else 0 (int64)."""
    c = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    han = ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0xF900) & (c <= 0xFAFF))
    return np.where(han, c, 0)


_CACHE: OrderedDict[str, ArticleIndex] = OrderedDict()
_CACHE_SIZE = 256


def article_index(article: Article) -> ArticleIndex:
    """The article's index (cached by content hash)."""
    key = article.content_hash
    ix = _CACHE.get(key)
    if ix is None:
        ix = index_paragraphs(article.paragraphs, "" if article.title_derived else article.title)
        _CACHE[key] = ix
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return ix


def index_paragraphs(paragraphs: Sequence[str], title: str) -> ArticleIndex:
    """The index of plain paragraphs and a title (empty when the article has none of its own)."""
    table, default_idf = idf()
    tok, tags, stop = jieba_tokenizer(), word_tags(), stop_words("search")
    freq = tok.FREQ
    paras = tuple(twin(p) for p in paragraphs)
    base = np.cumsum([0] + [len(p) + 1 for p in paras[:-1]]).astype(np.int64) if paras else np.zeros(0, np.int64)
    joined = "\n".join(paras)

    vocab: dict[str, int] = {}
    starts, ends, ids, attrs, words = [], [], [], [], []
    for p, para in enumerate(paras):
        b = int(base[p])
        for word, s, e in tok.tokenize(para):
            if not content_word(word, stop):
                continue
            w = word.lower()
            t = tags.get(word, "")
            oov = bool(HAN_CHAR.match(word)) and not freq.get(word)
            starts.append(b + s)
            ends.append(b + e)
            ids.append(vocab.setdefault(w, len(vocab)))
            words.append(w)
            attrs.append((table.get(w, default_idf), t.startswith("nr"), t.startswith("ns"), t.startswith("nt"),
                          t.startswith(("nr", "ns", "nt", "nz")) or oov, oov, t == "m" or word.isdigit(), t == "t", 1.0))
    vocab_idf = np.asarray([table.get(w, default_idf) for w in vocab], dtype=np.float64)
    tok_ids = np.asarray(ids, dtype=np.int64)
    attr = np.zeros((len(ids) + 1, len(TOKEN_ATTRS)))
    if ids:
        attr[1:] = np.asarray(attrs, dtype=np.float64)
    first = np.zeros(len(ids) + 1)
    seen: set[int] = set()
    for k, i in enumerate(ids):
        if i not in seen:
            seen.add(i)
            first[k + 1] = vocab_idf[i]

    title_vec = np.zeros(max(1, len(vocab)))
    title_bag: dict[str, float] = {}
    for word in tok.lcut(twin(title)):
        if content_word(word, stop):
            w = word.lower()
            title_bag[w] = title_bag.get(w, 0.0) + table.get(w, default_idf)
    for w, x in title_bag.items():
        if w in vocab:
            title_vec[vocab[w]] = x
    clean_title = "".join(twin(title).split())
    title_bigrams = frozenset(clean_title[i:i + 2] for i in range(len(clean_title) - 1) if HAN_CHAR.match(clean_title[i]))

    frame = sentence_frame(paragraphs)
    g = lambda p, x: int(base[p - 1]) + x  # noqa: E731
    sent_start = np.asarray([g(s.paragraph, s.start) for s in frame], dtype=np.int64)
    sent_raw = np.asarray([g(s.paragraph, s.raw_start) for s in frame], dtype=np.int64)
    sent_end = np.asarray([g(s.paragraph, s.end) for s in frame], dtype=np.int64)
    clause_start = np.asarray([g(s.paragraph, a) for s in frame for a, _ in s.clauses], dtype=np.int64)
    lead = next((i for i, s in enumerate(frame) if s.end - s.start >= LEAD_CHARS), 0)
    in_para = [0] * len(frame)
    for i in range(1, len(frame)):
        in_para[i] = in_para[i - 1] + 1 if frame[i].paragraph == frame[i - 1].paragraph else 0

    cue_start, cue_end = {}, {}
    for name, rx in cue_patterns().items():
        found = [(int(base[p]) + m.start(), int(base[p]) + m.end()) for p, para in enumerate(paras) for m in rx.finditer(para)]
        cue_start[name] = np.asarray([a for a, _ in found], dtype=np.int64)
        cue_end[name] = np.asarray([b for _, b in found], dtype=np.int64)

    codes = han_codes(joined)
    pair = np.flatnonzero((codes[:-1] > 0) & (codes[1:] > 0)) if len(codes) > 1 else np.zeros(0, np.int64)
    bval, tval = np.zeros(len(joined) + 1), np.zeros(len(joined) + 1)
    if len(pair):
        keys = codes[pair] * 0x110000 + codes[pair + 1]
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        bval[pair + 1] = np.log(counts[inverse])
        tcodes = han_codes(clean_title)
        tkeys = tcodes[:-1] * 0x110000 + tcodes[1:] if len(tcodes) > 1 else np.zeros(0, np.int64)
        tval[pair + 1] = np.isin(keys, tkeys[(tcodes[:-1] > 0) & (tcodes[1:] > 0)] if len(tkeys) else tkeys)

    return ArticleIndex(
        paras, clean_title, base, joined, frame, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
        tok_ids, words, vocab_idf, np.cumsum(attr, axis=0), np.cumsum(first), title_vec,
        math.sqrt(sum(x * x for x in title_bag.values())), title_bigrams, sent_start, sent_raw, sent_end,
        np.asarray(in_para, dtype=np.int64), clause_start,
        lead, cue_start, cue_end, np.cumsum(bval), np.cumsum(tval), pair.astype(np.int64),
    )


# ---- units → global offsets ------------------------------------------------------------------------------


def global_spans(ix: ArticleIndex, units: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paragraph index from 0, global start, global end) of each unit (its hull when it has several spans)."""
    firsts = [u if isinstance(u[0], int) else u[0] for u in units]
    lasts = [u if isinstance(u[0], int) else u[-1] for u in units]
    p = np.fromiter((s[0] - 1 for s in firsts), dtype=np.int64, count=len(units))
    q = np.fromiter((s[0] - 1 for s in lasts), dtype=np.int64, count=len(units))
    a = np.fromiter((s[1] for s in firsts), dtype=np.int64, count=len(units))
    b = np.fromiter((s[2] for s in lasts), dtype=np.int64, count=len(units))
    return p, ix.base[p] + a, ix.base[q] + b


def token_range(ix: ArticleIndex, gs: np.ndarray, ge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi): the content words wholly inside each global span."""
    lo = np.searchsorted(ix.tok_start, gs, side="left")
    hi = np.searchsorted(ix.tok_end, ge, side="right")
    return lo, np.maximum(lo, hi)


def unit_vectors(ix: ArticleIndex, units: Sequence[Unit], normalise: bool = True) -> np.ndarray:
    """IDF-weighted bags of content words of the units (rows), over the article's vocabulary."""
    _, gs, ge = global_spans(ix, units)
    vec = ix.bags(*token_range(ix, gs, ge))
    if normalise:
        vec /= np.maximum(1e-9, np.linalg.norm(vec, axis=1, keepdims=True))
    return vec


def unit_words(ix: ArticleIndex, units: Sequence[Unit]) -> list[list[str]]:
    """The content words of each unit, as the index cut them (Simplified, lower-case)."""
    _, gs, ge = global_spans(ix, units)
    lo, hi = token_range(ix, gs, ge)
    return [ix.words[x:y] for x, y in zip(lo.tolist(), hi.tolist())]


def _counts(starts: np.ndarray, ends: np.ndarray, gs: np.ndarray, ge: np.ndarray) -> np.ndarray:
    """How many of the (sorted) matches lie wholly inside each span [gs, ge)."""
    if len(starts) == 0:
        return np.zeros(len(gs))
    return np.maximum(0, np.searchsorted(ends, ge, side="right") - np.searchsorted(starts, gs, side="left")).astype(np.float64)


# ---- the features ----------------------------------------------------------------------------------------


def unit_features(ix: ArticleIndex, units: Sequence[Unit]) -> np.ndarray:
    """Feature matrix (len(units), len(FEATURE_NAMES)) for units of the article."""
    n = len(units)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    f = absolute_features(ix, units)
    if RELATIVE[0] not in ix.stats:
        sentences = [s.span for s in ix.frame]
        sf = absolute_features(ix, sentences) if sentences else {}
        ix.stats |= {k: (float(sf[k].mean()), float(sf[k].std()), float(sf[k].max())) if sentences else (0.0, 1.0, 1.0)
                    for k in RELATIVE}
    for k in RELATIVE:
        mean, std, mx = ix.stats[k]
        f[f"rel_{k}"] = np.clip(f[k] / mx, -2.0, 3.0) if mx > 1e-9 else np.zeros(n)
        f[f"z_{k}"] = np.clip((f[k] - mean) / std, -4.0, 4.0) if std > 1e-9 else np.zeros(n)
    return np.stack([f[name] for name in FEATURE_NAMES], axis=1).astype(np.float32)


def absolute_features(ix: ArticleIndex, units: Sequence[Unit]) -> dict[str, np.ndarray]:
    """Every feature but the relative ones, by name."""
    n = len(units)
    p, gs, ge = global_spans(ix, units)
    texts = [ix.joined[a:b] for a, b in zip(gs.tolist(), ge.tolist())]
    length = (ge - gs).astype(np.float64)
    n_paras, n_sents = len(ix.paragraphs), max(1, len(ix.frame))
    total_chars = max(1, len(ix.joined))
    f: dict[str, np.ndarray] = {}

    sent = np.clip(np.searchsorted(ix.sent_raw, gs, side="right") - 1, 0, n_sents - 1) if len(ix.frame) else np.zeros(n, np.int64)
    s_start = ix.sent_start[sent] if len(ix.frame) else gs
    s_end = ix.sent_end[sent] if len(ix.frame) else ge
    sent_len = np.maximum(1, s_end - s_start).astype(np.float64)
    cs = ix.clause_start
    cl_first = np.searchsorted(cs, gs, side="right") - 1
    cl_last = np.searchsorted(cs, ge - 1, side="right") - 1
    cl_sent_first = np.searchsorted(cs, s_start, side="left")
    cl_sent_last = np.searchsorted(cs, s_end - 1, side="right") - 1
    starts_sent = (gs <= s_start).astype(np.float64)
    ends_sent = (ge >= s_end).astype(np.float64)
    sip = ix.sent_in_para[sent] if len(ix.frame) else np.zeros(n)

    f["para_idx"] = p.astype(np.float64)
    f["para_rel"] = p / max(1, n_paras - 1)
    f["first_para"] = (p == 0).astype(np.float64)
    f["sent_idx"] = sent.astype(np.float64)
    f["sent_rel"] = sent / max(1, n_sents - 1)
    f["first_sent"] = (sent == 0).astype(np.float64)
    f["inv_sent"] = 1.0 / (1.0 + sent)
    f["lead_sent"] = (sent == ix.lead_sentence).astype(np.float64)
    f["sent_in_para"] = sip.astype(np.float64)
    f["first_in_para"] = (sip == 0).astype(np.float64)
    f["char_rel"] = gs / total_chars
    f["n_paras"] = np.full(n, math.log1p(n_paras))
    f["n_sents"] = np.full(n, math.log1p(n_sents))

    f["len"] = length / 100.0
    f["log_len"] = np.log1p(length)
    for name, lo, hi in (("len_lt20", 0, 20), ("len_20_50", 20, 50), ("len_50_100", 50, 100), ("len_100_160", 100, 160), ("len_ge160", 160, 1e9)):
        f[name] = ((length >= lo) & (length < hi)).astype(np.float64)
    f["sent_len_log"] = np.log1p(sent_len)
    f["n_clauses"] = np.maximum(1, cl_last - cl_first + 1).astype(np.float64)
    f["sent_clauses"] = np.maximum(1, cl_sent_last - cl_sent_first + 1).astype(np.float64)
    f["frac_of_sent"] = np.minimum(1.0, length / sent_len)
    f["starts_sent"], f["ends_sent"], f["is_sentence"] = starts_sent, ends_sent, starts_sent * ends_sent
    f["dropped_before"] = np.maximum(0, cl_first - cl_sent_first).astype(np.float64)
    f["dropped_after"] = np.maximum(0, cl_sent_last - cl_last).astype(np.float64)

    lo, hi = token_range(ix, gs, ge)
    vec = ix.bags(lo, hi)
    norm = np.maximum(1e-9, np.linalg.norm(vec, axis=1))
    total = ix.total
    rest = total[None, :] - ix.bags(*token_range(ix, s_start, s_end))
    f["centrality"] = np.einsum("ij,ij->i", vec, rest) / (norm * np.maximum(1e-9, np.linalg.norm(rest, axis=1)))
    f["centrality_all"] = vec @ total / (norm * max(1e-9, float(np.linalg.norm(total))))
    f["title_cos"] = vec @ ix.title_vec[: vec.shape[1]] / (norm * max(1e-9, ix.title_norm))
    if len(ix.frame):
        k = ix.lead_sentence
        lead_vec = ix.bags(*token_range(ix, ix.sent_start[k:k + 1], ix.sent_end[k:k + 1]))[0]
        f["lead_cos"] = vec @ lead_vec / (norm * max(1e-9, float(np.linalg.norm(lead_vec))))
    else:
        f["lead_cos"] = np.zeros(n)
    attr = ix.tok_attr_cum[hi] - ix.tok_attr_cum[lo]
    ntok = np.maximum(1.0, attr[:, TOKEN_ATTRS.index("tokens")])
    f["mean_idf"] = attr[:, 0] / ntok / 10.0
    f["content_density"] = attr[:, TOKEN_ATTRS.index("tokens")] / np.maximum(1.0, length) * 10.0
    outside = (total[None, :] - vec) > 1e-9  # the unit's words that recur elsewhere in the article
    f["recurring_share"] = (vec * outside).sum(axis=1) / np.maximum(1e-9, vec.sum(axis=1))
    for j, a in enumerate(TOKEN_ATTRS):
        if a not in ("idf", "tokens"):
            f[f"tok_{a}"] = np.minimum(attr[:, j], 6.0)
    cov, prec = np.zeros(n), np.zeros(n)
    if ix.title_bigrams:
        for i, t in enumerate(texts):
            grams = {t[k:k + 2] for k in range(len(t) - 1)}
            hit = len(grams & ix.title_bigrams)
            cov[i], prec[i] = hit / len(ix.title_bigrams), hit / max(1, len(grams))
    f["title_bigram_cov"], f["title_bigram_prec"] = cov, prec
    npos = np.maximum(1.0, length - 1)
    f["bigram_central"] = (ix.bigram_cum[ge] - ix.bigram_cum[gs]) / npos
    f["title_bigram_density"] = (ix.title_bigram_cum[ge] - ix.title_bigram_cum[gs]) / npos
    f["first_mention"] = (ix.first_cum[hi] - ix.first_cum[lo]) / np.maximum(1e-9, attr[:, 0])

    per100 = 100.0 / np.maximum(20.0, length)
    for k in CUE_NAMES:
        c = _counts(ix.cue_start[k], ix.cue_end[k], gs, ge)
        f[f"cue_{k}"] = np.minimum(c * per100, 10.0) / 3.0
        if k in CUES_ANY:
            f[f"cue_{k}_any"] = (c > 0).astype(np.float64)
    pre = preamble()
    f["cue_preamble"] = np.asarray([1.0 if pre.match(t) else 0.0 for t in texts])
    sent_texts = [ix.joined[a:b] for a, b in zip(s_start.tolist(), s_end.tolist())]
    for k, rx in start_patterns().items():
        f[k] = np.asarray([1.0 if rx.match(t) else 0.0 for t in texts])
        f[f"sent_{k}"] = np.asarray([1.0 if rx.match(t) else 0.0 for t in sent_texts])
    return f

