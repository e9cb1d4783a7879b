"""Words: jieba (one dictionary in memory for every stage), jieba's IDF table, and the stop list
(`data/stopwords.tsv`: each word once, with the uses it has)."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from rag.lang.script import HAN, normalize
from rag.lang.wordlists import read_word_lists

_NOT_A_WORD = re.compile(f"[^\\w{HAN}]+")


@lru_cache(maxsize=1)
def _stop_table() -> dict[str, frozenset[str]]:
    """use → the words that have it."""
    lists = read_word_lists("rag.lang", "data/stopwords.tsv", separator=",")
    return {use: frozenset(words) for use, words in lists.items()}


def stop_words(*uses: str) -> frozenset[str]:
    """The words with any of these uses (see the head of data/stopwords.tsv)."""
    table = _stop_table()
    unknown = [u for u in uses if u not in table]
    if unknown:
        raise KeyError(f"no stop-word use {unknown[0]!r}; known: {', '.join(sorted(table))}")
    return frozenset().union(*(table[u] for u in uses))


@lru_cache(maxsize=1)
def jieba_tokenizer():
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


def tokens(text: str) -> list[str]:
    """jieba words of normalised text (Latin words and numbers kept whole), punctuation and spaces left out."""
    return [t for t in jieba_tokenizer().lcut(normalize(text)) if t.strip() and not _NOT_A_WORD.fullmatch(t)]


@lru_cache(maxsize=1)
def idf() -> tuple[dict, float]:
    """jieba's general-news IDF table and its median (for words it does not know: names, places).

    Read from jieba's own idf.txt, the table `jieba.analyse.default_tfidf` holds, without importing
    jieba.analyse (that also loads jieba.posseg's tables: ~1 s of a cold `rag ask`); the parsed table is
    kept in a per-user marshal cache keyed by the file's size and mtime (~0.2 s to read instead of ~0.5 s)."""
    import importlib.util
    import marshal
    import os

    spec = importlib.util.find_spec("jieba")
    path = os.path.join(os.path.dirname(spec.origin), "analyse", "idf.txt")
    st = os.stat(path)
    cache_dir = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rag")
    cache = os.path.join(cache_dir, f"jieba-idf-{st.st_size}-{st.st_mtime_ns}.marshal")
    try:
        with open(cache, "rb") as f:
            table, median = marshal.loads(f.read())  # (marshal.load(f) reads in small pieces: 3x slower)
        if isinstance(table, dict) and isinstance(median, float):
            return table, median
    except (OSError, EOFError, ValueError, TypeError):
        pass
    table = {}
    with open(path, encoding="utf-8") as f:  # as jieba.analyse.tfidf.IDFLoader reads it
        for line in f:
            word, _, freq = line.strip().partition(" ")
            if word:
                table[word] = float(freq)
    values = sorted(table.values())
    median = values[len(values) // 2] if values else 0.0
    try:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump((table, median), f)
        os.replace(tmp, cache)
    except OSError:
        pass  # only a cache
    return table, median
