"""Lexical search: BM25 (bm25s) over jieba words of normalised text (Simplified, half-width, lower-case).

Both documents and questions go through `rag.lang.text.normalize`, so a Traditional question matches a
Simplified article and the other way round.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from rag.lang.text import glossary_words, has_han, normalize, romanised_names

TOKENIZER_VERSION = "jieba-search+bigrams-v2"  # stored in the manifest: a change means re-tokenising

# Function words and question words: they carry no topic, and questions are full of them
# (什么/哪些/是谁 ...). Everything is compared after normalisation, so Simplified forms suffice.
STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 等 对 于 为 也 而 并 这 那 之 其 此 该 各 每 个 所 被 把 将 从 向 以 由 就 都 又 还 但
    却 则 即 与其 以及 而且 并且 或者 还是 因为 所以 如果 虽然 但是 一个 一些 这个 这些 那个 那些 我们 你们 他们
    她们 它们 我 你 他 她 它 自己 有 没有 会 能 可以 要 着 过 吗 呢 吧 啊 呀 么 嘛 哦 上 下 中 里 内 外 后 前
    什么 哪些 哪个 哪家 哪种 哪类 哪里 哪儿 哪 谁 是谁 多少 几 几个 几次 几项 如何 怎么 怎样 怎么样 为什么 为何
    何时 何地 什么样 什么时候 多久 多长时间 多大 多高 请问 是否 是不是 有没有 分别 主要 具体 哪些方面
    a an the of to in on at for by with from and or is are was were be been what which who whom whose when where
    why how does do did this that these those it its as
    """.split()
)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
# single-character stopwords: a bigram made only of them (的了, 是在) says nothing
_FUNCTION_CHARS = frozenset(w for w in STOPWORDS if len(w) == 1)
_HAN_WORD = re.compile(r"^[\u3400-\u9fff]{2,4}$")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_QUESTION_WORDS = re.compile(
    r"什么样|什么时候|什么|哪一天|哪一年|哪些|哪个|哪家|哪种|哪类|哪里|哪儿|哪|是谁|谁|多少|几|如何|怎么样|怎么|怎样|为什么|为何|何时|是否|吗|呢"
)
PINYIN_FILE = "pinyin.json"


@lru_cache(maxsize=1)
def _jieba():
    """A private jieba tokenizer, initialised once (~0.5-2 s: it loads its dictionary)."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # it announces its dictionary on stderr
    tokenizer = jieba.Tokenizer()
    _load_jieba_cache(tokenizer)
    tokenizer.initialize()  # (returns at once when the cache was read; builds and caches it otherwise)
    return tokenizer


def _load_jieba_cache(tokenizer) -> None:
    """Read jieba's cache of its default dictionary the way `initialize` would, but in one read: jieba's
    `marshal.load(file)` reads it piece by piece (measured ~3x slower: the largest part of a cold `rag ask`)."""
    import marshal
    import os
    import tempfile

    if tokenizer.dictionary is not None or tokenizer.cache_file or tokenizer.initialized:
        return  # not the default dictionary: jieba's own path
    path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    try:
        with open(path, "rb") as f:
            freq, total = marshal.loads(f.read())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(freq, dict) and freq:
        tokenizer.FREQ, tokenizer.total = freq, total
        tokenizer.initialized = True


def words(text: str) -> list[str]:
    """Normalised jieba words (search mode: long words also yield their parts), without stopwords/punctuation."""
    found = _jieba().lcut_for_search(normalize(text))
    return [w for w in (w.strip() for w in found) if w and _WORDLIKE.search(w) and w not in STOPWORDS]


def han_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Han characters of normalised text: they match whatever jieba segments differently
    (names, coined terms such as 三停一休). Measured on CRUD qa_dev: BM25 hit@1 0.773 → 0.793, hit@5 0.878 → 0.902."""
    pairs = (run[i : i + 2] for run in _HAN_RUN.findall(normalize(text)) for i in range(len(run) - 1))
    return [p for p in pairs if not (p[0] in _FUNCTION_CHARS and p[1] in _FUNCTION_CHARS)]


def tokenize(text: str) -> list[str]:
    """What BM25 indexes for a document: its words, then its Han bigrams."""
    return words(text) + han_bigrams(text)


def tokenize_query(text: str) -> list[str]:
    """A question's words and bigrams; question words (什么, 哪些, 是谁 ...) make no bigrams."""
    return words(text) + han_bigrams(_QUESTION_WORDS.sub(" ", normalize(text)))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


@lru_cache(maxsize=1)
def _char_readings() -> dict[str, tuple[str, ...]]:
    """Every Han character's toneless pinyin readings (from pypinyin's table)."""
    import unicodedata

    from pypinyin.pinyin_dict import pinyin_dict

    def toneless(reading: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))

    return {chr(code): tuple(dict.fromkeys(toneless(r) for r in readings.split(","))) for code, readings in pinyin_dict.items()}


def romanisations(word: str, limit: int = 8) -> list[str]:
    """Toneless pinyin spellings of a Han word, every reading of polyphonic characters (at most `limit`)."""
    table = _char_readings()
    spellings = [""]
    for ch in word:
        readings = table.get(ch)
        if not readings:
            return []
        spellings = [s + r for s in spellings for r in readings][:limit]
    return spellings


def pinyin_map(words: Iterable[str]) -> dict[str, list[str]]:
    """pinyin → the index's Han words spelt so (2-4 characters), so an English question naming a place or a
    person in pinyin ("Shima town") finds the Chinese word (石马). Empty when pypinyin is not installed."""
    try:
        _char_readings()
    except ImportError:
        return {}
    out: dict[str, list[str]] = {}
    for word in words:
        if _HAN_WORD.match(word):
            for spelling in romanisations(word):
                out.setdefault(spelling, []).append(word)
    return out


def spelt_words(name: str, pinyin: dict[str, list[str]]) -> list[str]:
    """The index's words that a romanised name spells: whole (shima → 石马), or, for a three-syllable name
    jieba never made a word of, its two overlapping pairs (honggangcheng → 红钢 + 钢城, which share 钢)."""
    if name in pinyin:
        return pinyin[name]
    for j in range(4, len(name)):  # name[:j] spells the first pair ...
        for first in pinyin.get(name[:j], ()):
            for i in range(2, j - 1):  # ... name[i:] the second; they overlap by one syllable, name[i:j]
                second = [w for w in pinyin.get(name[i:], ()) if w[0] == first[-1] and len(first) == len(w) == 2]
                if second:
                    return [first, *second]
    return []


# bm25s's file names inside the index's lexical folder: indexes written before this reader still load.
_ARRAYS = ("data", "indices", "indptr")
_VOCAB_FILE = "vocab.index.json"
_META_FILE = "rag-lexical.json"


class LexicalIndex:
    """A BM25 index over token lists; documents are numbered in the order given.

    bm25s builds it (precomputing every word's score in every document, a sparse column per word); scoring a
    question is then a sum of columns, done here with numpy so that loading and searching never import
    bm25s, which imports scipy (~0.25 s of a cold `rag ask`)."""

    K1 = 1.2
    B = 0.5  # measured on CRUD qa_dev: 0.5 beat 0.75 (hit@1 0.773 vs 0.759), short chunks vary little in length

    def __init__(self, vocab: dict[str, int], data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 n_docs: int, folder: Path | None = None):
        self.vocab = vocab  # word → column
        self.data, self.indices, self.indptr = data, indices, indptr  # CSC: column w is [indptr[w], indptr[w+1])
        self.n_docs = n_docs
        self.folder = folder
        self._pinyin: dict[str, list[str]] | None = None

    def pinyin(self) -> dict[str, list[str]]:
        """The pinyin → words map: saved beside the index, or computed from the vocabulary."""
        if self._pinyin is None:
            path = self.folder / PINYIN_FILE if self.folder else None
            if path and path.exists():
                self._pinyin = json.loads(path.read_text(encoding="utf-8"))
            else:
                self._pinyin = pinyin_map(self.vocab)
        return self._pinyin

    def query_tokens(self, query: str) -> list[str]:
        """The question's words, plus the Han words its capitalised Latin words spell in pinyin (Shima → 石马)
        and, for a question without Chinese, those its news words translate to (secretary → 书记)."""
        tokens = tokenize_query(query)
        names = romanised_names(query, min_len=4)  # capitalised Latin words may be pinyin names
        if names:
            pinyin = self.pinyin()
            tokens += [w for name in names for w in spelt_words(name, pinyin)]
        if has_han(query):
            return tokens
        return tokens + [w for w in glossary_words(query) if w in self.vocab]

    @classmethod
    def from_tokens(cls, docs: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> "LexicalIndex":
        import bm25s

        bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # bm25s refuses an empty corpus and empty documents need a token: "" stands for "no words"
        bm25.index([list(d) or [""] for d in docs] or [[""]], show_progress=False)
        arrays = [np.asarray(bm25.scores[name]) for name in _ARRAYS]
        return cls(_without_blank(bm25.vocab_dict), *arrays, n_docs=len(docs))

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (zeros when no query word is known); a repeated word counts again."""
        columns = [self.vocab[t] for t in query_tokens if t and t in self.vocab]
        if not columns or self.n_docs == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        spans = [slice(self.indptr[c], self.indptr[c + 1]) for c in columns]
        docs = np.concatenate([self.indices[s] for s in spans])
        weights = np.concatenate([self.data[s] for s in spans])
        return np.bincount(docs, weights=weights, minlength=self.n_docs)[: self.n_docs].astype(np.float32)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, doc ids) for a question, best first; `mask` (bool per doc) restricts the candidates."""
        scores = self.scores(self.query_tokens(query))
        return top_k(scores, k, mask)

    def save(self, folder: Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in zip(_ARRAYS, (self.data, self.indices, self.indptr)):
            np.save(folder / f"{name}.csc.index.npy", array)
        (folder / _VOCAB_FILE).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (folder / _META_FILE).write_text(json.dumps({"n_docs": self.n_docs, "k1": self.K1, "b": self.B}),
                                         encoding="utf-8")
        pinyin = pinyin_map(self.vocab)
        if pinyin:
            (folder / PINYIN_FILE).write_text(json.dumps(pinyin, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        """Read a saved index (its folder's arrays and vocabulary); raises OSError/ValueError if damaged."""
        folder = Path(folder)
        meta = json.loads((folder / _META_FILE).read_text(encoding="utf-8"))
        vocab = _without_blank(json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8")))
        data, indices, indptr = (np.load(folder / f"{name}.csc.index.npy", allow_pickle=False) for name in _ARRAYS)
        n_docs = int(meta["n_docs"])
        if max(vocab.values(), default=-1) >= len(indptr) - 1 or len(data) != len(indices) \
                or (len(indices) and int(indices.max()) >= max(n_docs, 1)):
            raise ValueError(f"lexical index in {folder} is inconsistent (vocabulary, arrays and document count disagree)")
        return cls(vocab, data, indices, indptr, n_docs, folder)


def _without_blank(vocab: dict) -> dict[str, int]:
    """The vocabulary less bm25s's "" (our stand-in for a document without words, which has no column)."""
    if not isinstance(vocab, dict):
        raise ValueError("lexical vocabulary is not a JSON object")
    return {w: int(i) for w, i in vocab.items() if w}


def top_k(scores: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the k highest positive scores (restricted to `mask`), best first, with their scores."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > k:
        part = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[part]
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    return scores[order].astype(np.float32), order.astype(np.int64)
