"""Chunks: whole sentences packed as before, and a hard bound on every chunk whatever the input."""

from __future__ import annotations

import random
import time
from pathlib import Path

from rag.ingest.articles import load_corpus, load_file
from rag.ingest.chunks import chunk_article, chunk_paragraph, hard_limit
from rag.lang.sentences import split_sentences

SEEDS = Path(__file__).resolve().parents[1] / "corpus"
HAN = "的一是在不了有和人这中大为上们国我以要他时来用生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


def packed_sentences(text: str, size: int) -> list[tuple[int, int]]:
    """The chunking every chunk used to have: whole sentences, greedily packed up to `size`."""
    out, start, end = [], None, None
    for a, b in split_sentences(text):
        if start is not None and b - start > size:
            out.append((start, end))
            start = None
        if start is None:
            start = a
        end = b
    if start is not None:
        out.append((start, end))
    return out


def test_ordinary_text_chunks_exactly_as_whole_sentences_packed() -> None:
    articles = load_corpus([SEEDS]).articles
    assert articles
    for article in articles:
        for size in (200, 300):  # (the seeds have no sentence over 400 characters)
            got = [(c.paragraph, c.start, c.end) for c in chunk_article(article, size)]
            want = [(n, a, b) for n, para in enumerate(article.paragraphs, 1) for a, b in packed_sentences(para, size)]
            assert got == want


def test_a_sentence_up_to_the_hard_bound_stays_whole() -> None:
    sentence = "甲" * 390 + "。"
    chunks = chunk_paragraph("a", 1, sentence + "乙乙。", 200)
    assert [c.text for c in chunks] == [sentence, "乙乙。"]


def test_an_overlong_sentence_is_cut_at_clauses_then_words_then_windows() -> None:
    clauses = "，".join("分句" * 20 for _ in range(30)) + "。"  # 30 clauses of 40 characters, no full stop
    words = " ".join("word" * 5 for _ in range(100))  # 100 words of 20 letters, no punctuation
    window = "字" * 1000  # nothing to cut at
    for text in (clauses, words, window, clauses + words + window):
        chunks = chunk_paragraph("a", 1, text, 100)
        assert chunks and max(c.end - c.start for c in chunks) <= hard_limit(100) == 200
        assert all(text[c.start : c.end] == c.text == c.text.strip() for c in chunks)
        assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")  # nothing lost
    by_clause = chunk_paragraph("a", 1, clauses, 100)
    assert all(c.text.endswith(("，", "。")) for c in by_clause)  # cut after a comma, never inside a clause
    assert all(len(c.text.split()) >= 1 and not c.text.startswith(" ") for c in chunk_paragraph("a", 1, words, 100))


def test_a_20_mb_line_without_punctuation_makes_bounded_chunks_in_seconds(tmp_path: Path) -> None:
    """The file that took a server down for hours: one 6.6M-character "sentence"."""
    rng = random.Random(7)
    line = "".join(rng.choice(HAN) for _ in range(20 * 1024 * 1024 // 3))
    path = tmp_path / "one-line.txt"
    path.write_text(line, encoding="utf-8")
    assert path.stat().st_size >= 20 * 1024 * 1024 - 3
    articles, skipped = load_file(path)
    assert not skipped and len(articles) == 1
    t0 = time.process_time()
    chunks = chunk_article(articles[0], 200)
    assert time.process_time() - t0 < 20  # linear: ~1 s here
    assert max(c.end - c.start for c in chunks) <= 400
    assert len(chunks) >= articles[0].chars // 400
    assert sum(len(c.text) for c in chunks) == articles[0].chars  # every character in exactly one chunk
