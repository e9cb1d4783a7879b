"""The cleaning rules' word lists, and the Simplified twin of a text that they are matched on.

The lists live in rag/ingest/data/cleaning_words.tsv, written once, in Simplified Chinese. A rule matches
its patterns on `simplified(text)`: the text converted to Simplified character for character (the same
length), so that a span found in the twin is the same span of the text. What a rule keeps or returns is
cut from the original text: cleaning never converts what stays in an article. The conversion is cached,
so the many rules asked about one line convert it once.
"""

from __future__ import annotations

import re

from rag.lang.script import to_simplified
from rag.lang.wordlists import alternation as alternation_of
from rag.lang.wordlists import read_word_lists


def words(name: str) -> tuple[str, ...]:
    """The words of one list, in file order."""
    return read_word_lists("rag.ingest", "data/cleaning_words.tsv")[name]


def alternation(name: str) -> str:
    """A regex alternation (without a group) of one list's words, longest first."""
    return alternation_of(words(name))


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_twins: dict[str, str] = {}  # text → twin, for the lines of the documents being cleaned
_MAX_TWINS = 512


def simplified(text: str) -> str:
    """`text` in Simplified Chinese, as long as `text`: the twin that rules match word lists on."""
    twin = _twins.get(text)
    if twin is None:
        if len(_twins) >= _MAX_TWINS:
            _twins.clear()
        twin = _twins[text] = _convert(text)
    return twin


def simplified_start(text: str, n: int) -> str:
    """The twin of the first `n` characters of `text`, for rules that look only at a text's start (the
    whole text is not converted for them unless it already is)."""
    twin = _twins.get(text)
    return twin[:n] if twin is not None else simplified(text[:n])


def simplified_end(text: str, n: int) -> str:
    """A twin of `text` for rules that look only at its last `n` characters: those are in Simplified (the
    whole text is not converted for them unless it already is)."""
    twin = _twins.get(text)
    if twin is not None or len(text) <= n:
        return twin if twin is not None else simplified(text)
    return text[:-n] + simplified(text[-n:])


def _convert(text: str) -> str:
    twin = to_simplified(text)
    if len(twin) != len(text):  # a phrase conversion changed the length: convert character by character
        twin = "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)
    if _ASTRAL.search(twin):
        # A rare character whose Simplified form lies beyond the BMP (頔 → 𬱟) stays as it is: no rule
        # word has one, and the rules' Han character class (rag.lang.script.HAN) would not know it.
        twin = "".join(t if t <= "\uffff" else c for c, t in zip(text, twin))
    return twin


def remove(pattern: re.Pattern[str], text: str, twin: str, repl: str = "") -> tuple[str, str]:
    """(text, twin) with every match of `pattern` in the twin replaced by `repl` in both (as `re.sub` would)."""
    matches = pattern.finditer(twin)
    if (m := next(matches, None)) is None:
        return text, twin
    text_parts: list[str] = []
    twin_parts: list[str] = []
    last = 0
    while m is not None:
        text_parts += (text[last:m.start()], repl)
        twin_parts += (twin[last:m.start()], repl)
        last = m.end()
        m = next(matches, None)
    text_parts.append(text[last:])
    twin_parts.append(twin[last:])
    return "".join(text_parts), "".join(twin_parts)


def split(pattern: re.Pattern[str], text: str, twin: str) -> list[tuple[str, str]]:
    """(piece, twin of the piece) for `re.split(pattern, twin)`, the pieces cut from `text` (groups included)."""
    pieces: list[tuple[str, str]] = []
    last = 0
    for m in pattern.finditer(twin):
        pieces.append((text[last:m.start()], twin[last:m.start()]))
        for g in range(1, pattern.groups + 1):
            a, b = m.span(g)
            pieces.append((text[a:b], twin[a:b]) if a >= 0 else (None, None))
        last = m.end()
    pieces.append((text[last:], twin[last:]))
    return pieces
