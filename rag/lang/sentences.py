"""The one sentence splitter: sentence spans with exact offsets, used by chunking, answers, summaries,
the verifier and cleaning."""

from __future__ import annotations

import re

# A sentence ends at Chinese 。！？；… (or a run of them), or English .!? followed by space/end,
# and takes any closing quotes or brackets that follow it.
END_MARKS = "。！？!?；;…"
CLOSERS = "”’\"'」』）)]】》"
SENTENCE_END = re.compile(
    r"""(?:[。！？!?；;]+|…+|\.(?=\s|$)|\.{3})[”’"'」』）)\]】》]*"""
)


# The stops of the answer checks that read a sentence character by character (rag.answering: holder, short,
# other_place, premise), on search-form text. Narrower than SENTENCE_END, and kept so (their answers are measured
# with these): no ellipsis … and no English full stop, while a line break (a paragraph's end in a joined text)
# ends one. FULL_STOPS leaves ；; inside the stretch it cuts (…签约；…强调… stays one stretch), STOPS ends there.
FULL_STOPS = "。！？!?\n"
STOPS = FULL_STOPS + "；;"
FULL_STRETCH = re.compile(f"[^{FULL_STOPS}]+")  # a stretch of text between full stops


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering `text`, leading/trailing whitespace excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        _append_span(text, pos, end, spans)
        pos = end
    _append_span(text, pos, len(text), spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each with its closing punctuation and quotes."""
    return [text[a:b] for a, b in split_sentences(text)]


def ends_sentence(text: str) -> bool:
    """True when `text` ends where a sentence ends (closing quotes after the mark included)."""
    text = text.rstrip()
    return any(m.end() == len(text) for m in SENTENCE_END.finditer(text, max(0, len(text) - 12)))


# Clause cuts inside a sentence: ，：； and ASCII , : ; (not between digits: 1,000 / 10:30), only outside
# quotes and brackets, so that a run of clauses never opens a quote it does not close.
CLAUSE_MARKS = "，：；,:;"
OPENERS = "“‘「『（(【[《〈"
CLOSERS_INNER = "”’」』）)】]》〉"


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clause spans of the sentence text[start:end], whitespace excluded; each leaves out the mark that cut
    it, and the last one ends where the sentence does (its closing punctuation included)."""
    cuts: list[int] = []
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS_INNER:
            depth = max(0, depth - 1)
        elif ch == '"':  # an ASCII double quote opens or closes
            depth = 1 if depth == 0 else depth - 1
        elif depth == 0 and ch in CLAUSE_MARKS:
            if ch in ",:;" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue
            cuts.append(i)
    spans: list[tuple[int, int]] = []
    a = start
    for c in cuts:
        _append_span(text, a, c, spans)
        a = c + 1
    _append_span(text, a, end, spans)
    return spans
