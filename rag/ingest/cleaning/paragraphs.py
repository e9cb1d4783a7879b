"""Paragraphs: lines split into paragraphs at spaced sentence ends, over-long ones balanced, and text
broken at every clause joined again."""

from __future__ import annotations

from rag.lang.sentences import SENTENCE_END, ends_sentence

DEFAULT_MAX_PARAGRAPH_CHARS = 500


def _split_at_spaced_sentence_ends(line: str) -> list[str]:
    """Pieces of `line` split where whitespace follows a sentence end (how flattened pages keep paragraphs)."""
    pieces, start = [], 0
    for m in SENTENCE_END.finditer(line):
        if m.end() < len(line) and line[m.end()].isspace():
            pieces.append(line[start:m.end()])
            start = m.end()
    pieces.append(line[start:])
    return pieces


def split_paragraphs(line: str, max_chars: int = DEFAULT_MAX_PARAGRAPH_CHARS) -> list[str]:
    """Paragraphs of one line: breaks at whitespace after a sentence end; over-long ones split between sentences."""
    pieces: list[str] = []
    for piece in _split_at_spaced_sentence_ends(line):
        piece = piece.strip()
        if not piece:
            continue
        # A space after `。` inside a quotation or before a lone credit is no paragraph break.
        open_quote = pieces and pieces[-1].count("“") > pieces[-1].count("”")
        if pieces and (not ends_sentence(pieces[-1]) or len(piece) < 8 or open_quote):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [part for piece in pieces for part in _balance(piece, max_chars)]


def _balance(paragraph: str, max_chars: int) -> list[str]:
    """Split a paragraph longer than `max_chars` into parts of similar size, between sentences only."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    ends = [m.end() for m in SENTENCE_END.finditer(paragraph) if m.end() < len(paragraph)]
    parts_wanted = -(-len(paragraph) // max_chars)
    target = len(paragraph) / parts_wanted
    cuts: list[int] = []
    for k in range(1, parts_wanted):
        # The sentence end nearest to the k-th ideal cut, if it leaves no tiny part behind.
        options = [e for e in ends if e - (cuts[-1] if cuts else 0) >= target / 4 and len(paragraph) - e >= target / 4]
        if options:
            best = min(options, key=lambda e: abs(e - k * target))
            if not cuts or best > cuts[-1]:
                cuts.append(best)
    bounds = [0, *cuts, len(paragraph)]
    return [paragraph[a:b].strip() for a, b in zip(bounds, bounds[1:]) if paragraph[a:b].strip()]


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join runs of 3+ short lines that end no sentence (text broken at every clause) into one line."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            out.append(" ".join(run))
        else:
            out.extend(run)
        run.clear()

    for line in lines:
        if len(line) <= 40 and not ends_sentence(line):
            run.append(line)
            continue
        if run and len(run) >= 2:
            run.append(line)  # the sentence the run leads into
            flush()
            continue
        flush()
        out.append(line)
    flush()
    return out
