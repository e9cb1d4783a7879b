"""Word lists as data: files of `word<TAB>list names` lines, written once in Simplified Chinese, read into
list name → words (in file order). Lines that are blank or start with `#` are comments; a line without a
word or without a list name is an error naming the file and the line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=None)
def read_word_lists(package: str, path: str, separator: str | None = None) -> dict[str, tuple[str, ...]]:
    """The lists of `path` inside `package`; list names are split on `separator` (whitespace by default)."""
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    lists: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, names = line.partition("\t")
        found = [name.strip() for name in names.split(separator) if name.strip()]
        if not word or not found:
            raise ValueError(f"{path}:{number}: want `word<TAB>lists`, got {line!r}")
        for name in found:
            lists.setdefault(name, []).append(word)
    return {name: tuple(words) for name, words in lists.items()}


@lru_cache(maxsize=None)
def read_rows(package: str, path: str, least: int, most: int) -> tuple[tuple[str, ...], ...]:
    """The tab-separated rows of the data file `path` inside `package`: blank and `#` lines skipped, each row split
    into `least` to `most` fields (the last keeps any further tabs); a row of another shape is an error naming the
    file and the line."""
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t", most - 1)
        if not least <= len(fields) <= most or not fields[0]:
            raise ValueError(f"{path}:{number}: want {least} to {most} tab-separated fields, got {line!r}")
        rows.append(tuple(fields))
    return tuple(rows)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation (without a group) of the words, longest first: where one word starts another
    (`摄影`, `摄影报道`), the longer one is tried first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
