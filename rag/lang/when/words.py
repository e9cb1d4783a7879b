"""The time words of news questions, from `rag/lang/data/time_words.tsv` (Simplified, lower-case English), and
Chinese numerals."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang.wordlists import read_rows


@lru_cache(maxsize=1)
def _lists() -> dict[str, dict[str, str]]:
    lists: dict[str, dict[str, str]] = {}
    for word, name, *value in read_rows("rag.lang", "data/time_words.tsv", 2, 3):  # word<TAB>list[<TAB>value]
        lists.setdefault(name, {})[word] = value[0] if value else ""
    return lists


def words(name: str) -> tuple[str, ...]:
    """One list's words, in file order."""
    return tuple(_lists()[name])


def numbers(name: str) -> dict[str, int]:
    """One list's words with their numeric values."""
    return {w: int(v) for w, v in _lists()[name].items()}


def values(name: str) -> dict[str, str]:
    """One list's words with their values as written."""
    return dict(_lists()[name])


def month_parts(name: str) -> dict[str, tuple[int, int | None]]:
    """Parts of a month (`下旬` → (21, None): None is the month's last day)."""
    out = {}
    for word, value in _lists()[name].items():
        first, _, last = value.partition("-")
        out[word] = (int(first), None if last == "end" else int(last))
    return out


def alternation(name: str) -> str:
    """A regex alternation (no group) of one list's words, longest first."""
    return alt(words(name))


def alt(items) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


def cn_number(text: str) -> int | None:
    """12, 十二, 二十五, 三十一, 两, 二〇二三 (digit by digit) → int; None when it is no number."""
    digits = numbers("cn_digit")
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if all(c in digits for c in text) and len(text) >= 3:  # 二〇二三
        return int("".join(str(digits[c]) for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in digits) or (ones and ones not in digits):
            return None
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    if len(text) == 1 and text in digits:
        return digits[text]
    return None
