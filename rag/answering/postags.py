"""Part-of-speech tags from jieba's own dictionary, for the few tags answering reads: verbs (a question's
predicate: 签署, 召开, 主持), place names (ns), organisation names (nt) and adverbs (d); the summary features read
names, numerals and time words through the same table (dictionary_tags). A dictionary lookup instead of
jieba.posseg, whose import alone costs ~1 s of a cold `rag ask`; the table is cached per user like the IDF
table (rag.lang.words.idf), keyed by the dictionary file's size and mtime."""

from __future__ import annotations

from functools import lru_cache

KEPT = ("v", "ns", "nt", "d")  # verbs (v, vn, vd…), places, organisations, adverbs (已经, 最终: never a role)


@lru_cache(maxsize=None)
def dictionary_tags(kept: tuple[str, ...]) -> dict[str, str]:
    """word → its jieba dictionary tag, for the tags starting with one of `kept`; cached per user on disk."""
    import importlib.util
    import marshal
    import os

    spec = importlib.util.find_spec("jieba")
    path = os.path.join(os.path.dirname(spec.origin), "dict.txt")
    st = os.stat(path)
    cache_dir = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rag")
    cache = os.path.join(cache_dir, f"jieba-tags-{'-'.join(kept)}-{st.st_size}-{st.st_mtime_ns}.marshal")
    try:
        with open(cache, "rb") as f:
            table = marshal.loads(f.read())
        if isinstance(table, dict):
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2].startswith(kept):
                table[parts[0]] = parts[2]
    try:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            marshal.dump(table, f)
        os.replace(tmp, cache)
    except OSError:
        pass  # only a cache
    return table


def word_tags() -> dict[str, str]:
    """word → its jieba dictionary tag, for the tags answering reads (KEPT)."""
    return dictionary_tags(KEPT)


def is_verb(word: str) -> bool:
    return word_tags().get(word) == "v"


def tag(word: str) -> str | None:
    return word_tags().get(word)
