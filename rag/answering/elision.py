"""Long 、-lists cut to their first and last item: "并下设党建工作专班、招商引资…专班、…、乡村振兴工作专班等13个工作专班"
is shown as "并下设党建工作专班…乡村振兴工作专班等13个工作专班", two verbatim pieces, each cited with its offsets.
An editor names the count and one example; a summary that quotes the whole list has no room for the news."""

from __future__ import annotations

from rag.lang.sentences import CLOSERS_INNER, OPENERS

Piece = tuple[int, int]  # (start, end) in the paragraph
MIN_ITEMS = 3  # a list of fewer items stays whole
MIN_CUT = 24  # ... and so does one whose middle items are shorter than this
MIN_HEAD = 2  # the first item must be a word, not an ordinal ("一、")
GAP = "…"


def list_cuts(text: str, start: int, end: int) -> list[int]:
    """Positions of the 、 separators of text[start:end] outside quotes and brackets."""
    cuts, depth = [], 0
    for i in range(start, end):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS_INNER:
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            cuts.append(i)
    return cuts


def elide_clause(text: str, start: int, end: int) -> list[Piece]:
    """The clause text[start:end] as pieces: whole, or its first item and its last item onwards."""
    cuts = list_cuts(text, start, end)
    if len(cuts) + 1 < MIN_ITEMS or cuts[0] - start < MIN_HEAD or cuts[-1] - cuts[0] < MIN_CUT:
        return [(start, end)]
    return [(start, cuts[0]), (cuts[-1] + 1, end)]


def elide(text: str, clauses: list[tuple[int, int]], start: int, end: int) -> list[Piece]:
    """The run text[start:end] made of whole `clauses` (one sentence's, in order) as verbatim pieces, each long
    list cut to its first and last item; neighbouring pieces without a cut between them are one piece."""
    pieces: list[Piece] = []
    for a, b in clauses:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        parts = elide_clause(text, a, b)
        if pieces and len(parts) and pieces[-1][1] <= parts[0][0] and _joinable(pieces[-1], parts[0], text):
            pieces[-1] = (pieces[-1][0], parts[0][1])
            parts = parts[1:]
        pieces += parts
    if pieces:  # the run's end (its closing punctuation) belongs to the last piece
        pieces[-1] = (pieces[-1][0], end)
    return pieces or [(start, end)]


def _joinable(left: Piece, right: Piece, text: str) -> bool:
    """Two pieces with only the clause mark between them are contiguous text."""
    return not text[left[1]:right[0]].strip("，：；,:; ")


def shown_length(pieces: list[Piece]) -> int:
    return sum(b - a for a, b in pieces) + len(GAP) * (len(pieces) - 1)
