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
