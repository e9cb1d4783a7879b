"""Lexical search: BM25 (bm25s) over jieba words of normalised text (Simplified, half-width, lower-case).

Both documents and questions go through `rag.lang.script.normalize`, so a Traditional question matches a
Simplified article and the other way round.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from rag.lang.glossary import glossary_words
from rag.lang.pinyin import pinyin_map, romanised_names, romanised_pairs, spelt_words
from rag.lang.script import HAN_RUN, has_han, normalize
from rag.lang.words import jieba_tokenizer, stop_words

TOKENIZER_VERSION = "jieba-search+bigrams-v2"  # stored in the manifest: a change means re-tokenising

STOPWORDS = stop_words("search")  # function and question words: they carry no topic (data/stopwords.tsv)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
# single-character stopwords: a bigram made only of them (的了, 是在) says nothing
_FUNCTION_CHARS = frozenset(w for w in STOPWORDS if len(w) == 1)
_QUESTION_WORDS = re.compile(
    r"什么样|什么时候|什么|哪一天|哪一年|哪些|哪个|哪家|哪种|哪类|哪里|哪儿|哪|是谁|谁|多少|几|如何|怎么样|怎么|怎样|为什么|为何|何时|是否|吗|呢"
)
PINYIN_FILE = "pinyin.json"


def words(text: str) -> list[str]:
    """Normalised jieba words (search mode: long words also yield their parts), without stopwords/punctuation."""
    found = jieba_tokenizer().lcut_for_search(normalize(text))
    return [w for w in (w.strip() for w in found) if w and _WORDLIKE.search(w) and w not in STOPWORDS]


def han_bigrams(text: str) -> list[str]:
    """Overlapping pairs of Han characters of normalised text: they match whatever jieba segments differently
    (names, coined terms such as 三停一休). Measured on CRUD qa_dev: BM25 hit@1 0.773 → 0.793, hit@5 0.878 → 0.902."""
    pairs = (run[i : i + 2] for run in HAN_RUN.findall(normalize(text)) for i in range(len(run) - 1))
    return [p for p in pairs if not (p[0] in _FUNCTION_CHARS and p[1] in _FUNCTION_CHARS)]


def tokenize(text: str) -> list[str]:
    """What BM25 indexes for a document: its words, then its Han bigrams."""
    return words(text) + han_bigrams(text)


def tokenize_query(text: str) -> list[str]:
    """A question's words and bigrams; question words (什么, 哪些, 是谁 ...) make no bigrams."""
    return words(text) + han_bigrams(_QUESTION_WORDS.sub(" ", normalize(text)))


def query_tokens(query: str, spellings: Callable[[list[str]], Mapping[str, list[str]]],
                 known: Callable[[list[str]], set[str]]) -> list[str]:
    """The question's words, plus the Han words its capitalised Latin words spell in pinyin (Shima → 石马) and,
    for a question without Chinese, those its news words translate to (secretary → 书记). An index's vocabulary
    comes in as `spellings(names)` (pinyin → its words, covering those names) and `known(words)` (those it has)."""
    tokens = tokenize_query(query)
    names = romanised_names(query, min_len=4)  # capitalised Latin words may be pinyin names
    # a two-syllable name written as two words (Sun Yu) spells its word only joined (孙宇)
    names += [p for p in romanised_pairs(query) if p not in names]
    if names:
        pinyin = spellings(names)
        tokens += [w for name in names for w in spelt_words(name, pinyin)]
    if has_han(query):
        return tokens
    translated = glossary_words(query)
    present = known(translated) if translated else set()
    return tokens + [w for w in translated if w in present]


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


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
        """The question's BM25 tokens (`query_tokens`), with this index's vocabulary."""
        return query_tokens(query, lambda _names: self.pinyin(), lambda words: {w for w in words if w in self.vocab})

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
