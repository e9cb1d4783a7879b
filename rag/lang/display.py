"""Chinese text as people read it, in their script: OpenCC's phrase-level configurations (Taiwan forms 為, 群眾 for a
Traditional reader; Simplified from the Taiwan variants' phrases, 開展著 → 开展着), one jieba word at a time, so that a
phrase never spans two words (指明了 stays 指明了, not 指明瞭), with name ranges left as they are (the answerer passes
the names it found, so 余家洪 never becomes 餘家洪). Matching and search use rag.lang.script's plain conversion instead
(to_simplified), which is what the index was built with."""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from rag.lang.words import jieba_tokenizer

CONFIGS = {"hant": "s2tw", "hans": "tw2s"}


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc  # lazily: `rag --help` never needs it

    return opencc.OpenCC(config)


def convert(text: str, script: str, keep: Sequence[tuple[int, int]] = ()) -> str:
    """`text` in `script` ('hans'/'hant'), converted word by word, the (start, end) ranges in `keep` (names) kept."""
    config = CONFIGS.get(script)
    if not config or not text:
        return text
    cc = _converter(config)
    out, pos = [], 0
    for x, y in sorted(keep) + [(len(text), len(text))]:
        if x < pos:
            x = pos
        if pos < x:
            out += [cc.convert(word) for word in jieba_tokenizer().lcut(text[pos:x], HMM=False)]
        out.append(text[x:y])
        pos = max(pos, y)
    return "".join(out)


def to_script(text: str, script: str) -> str:
    """Render text for a reader of `script` ('hans', 'hant'; 'en' leaves it as it is), word by word. A summary or
    timeline mixes its own labels with quotes of either script, so every word is converted, not only text whose
    script differs."""
    return convert(text, script)
