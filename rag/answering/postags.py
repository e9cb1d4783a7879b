"""Part-of-speech tags from jieba's own dictionary, for the few tags answering reads: verbs (a question's
predicate: 签署, 召开, 主持), place names (ns), organisation names (nt) and adverbs (d); the summary features read
names, numerals and time words through the same table (dictionary_tags). A dictionary lookup instead of
jieba.posseg, whose import alone costs ~1 s of a cold `rag ask`; the table is cached per user like the IDF
table (rag.lang.words.idf), keyed by the dictionary file's size and mtime."""

from __future__ import annotations

from functools import lru_cache

KEPT = ("v", "ns", "nt", "d")  # verbs (v, vn, vd…), places, organisations, adverbs (已经, 最终: never a role)


def _dictionary(name: str, build):
    """A table built from jieba's dictionary file by `build(path)`, cached per user on disk (marshal) under
    `name`, keyed by the file's size and mtime."""
    import importlib.util
    import marshal
    import os

    spec = importlib.util.find_spec("jieba")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
    st = os.stat(path)
    cache_dir = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rag")
    cache = os.path.join(cache_dir, f"jieba-{name}-{st.st_size}-{st.st_mtime_ns}.marshal")
    try:
        with open(cache, "rb") as f:
            table = marshal.loads(f.read())
        if isinstance(table, (dict, frozenset)):
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass
    table = build(path)
    try:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump(table, f)
        os.replace(tmp, cache)
    except OSError:
        pass  # only a cache
    return table


def _rows(path: str):
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                yield parts


@lru_cache(maxsize=None)
def dictionary_tags(kept: tuple[str, ...]) -> dict[str, str]:
    """word → its jieba dictionary tag, for the tags starting with one of `kept`; cached per user on disk."""
    return _dictionary(f"tags-{'-'.join(kept)}", lambda path: {w: t for w, _, t in _rows(path) if t.startswith(kept)})


@lru_cache(maxsize=None)
def dictionary_words(tags: tuple[str, ...]) -> frozenset[str]:
    """The words jieba's dictionary tags exactly one of `tags` (("n", "ng"): common nouns, without the names
    that dictionary_tags tables hold); a set, a third of a word → tag table's memory; cached per user on disk."""
    return _dictionary(f"words-{'-'.join(tags)}", lambda path: frozenset(w for w, _, t in _rows(path) if t in tags))


def word_tags() -> dict[str, str]:
    """word → its jieba dictionary tag, for the tags answering reads (KEPT)."""
    return dictionary_tags(KEPT)


def is_verb(word: str) -> bool:
    return word_tags().get(word) == "v"


def tag(word: str) -> str | None:
    return word_tags().get(word)


@lru_cache(maxsize=1)
def pos_tokenizer():
    """jieba's part-of-speech tagger over the package's own jieba tokenizer (its HMM tags unknown names: 李丰 nr):
    for the slot check's names, where the dictionary table above does not reach (imported on first use)."""
    import jieba.posseg

    from rag.lang.words import jieba_tokenizer

    return jieba.posseg.POSTokenizer(jieba_tokenizer())
