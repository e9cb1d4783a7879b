"""The upload's progress bar moves (issue #16, item 3): per file, then per batch of embedded passages, never back."""

from __future__ import annotations

from rag.web.progress import UploadProgress


def test_the_bar_moves_per_file_then_per_batch_and_never_back():
    shown = []
    bar = UploadProgress(lambda fraction, message: shown.append((round(fraction, 3), message)))
    for i, name in enumerate(["a.txt", "b.html"]):
        bar(i, 2, f"checking {name} ({i + 1} of 2)")
    bar(2, 2, "checked 2 files")
    bar(0, 0, "reading the previous index")
    for done in (16, 32, 40):
        bar(done, 40, "embedding")
    bar(0, 0, "writing the index")
    fractions = [f for f, _ in shown]
    assert fractions == sorted(fractions)  # never back
    assert fractions[1] > 0 and fractions[2] == 0.1  # the files move it before any embedding
    assert [f for f, m in shown if m.startswith("embedding")] == [0.44, 0.78, 0.95]
    assert shown[-1] == (0.95, "writing the index")  # a step without a count keeps the bar, shows its message
    assert any(m == "embedding 16 of 40 passages" for _, m in shown)
