"""Scripts: Simplified/Traditional conversion (OpenCC), half-width forms, the search form of text, and the
one definition of a Han character that every stage uses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Han characters: CJK Extension A, the Unified Ideographs and the Compatibility Ideographs.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc  # imported lazily: a few paths (e.g. `rag --help`) never need it

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); other text is unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (OpenCC s2t); other text is unchanged."""
    return _converter("s2t").convert(text) if text else text


def halfwidth(text: str) -> str:
    """Full-width ASCII letters, digits and punctuation → their half-width forms (NFKC-like, narrower)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    """Search/compare form: half-width, Simplified, lower-case Latin."""
    return to_simplified(halfwidth(unicodedata.normalize("NFC", text))).lower()


def search_twin(text: str) -> str:
    """`normalize` that keeps every character in place: half-width, Simplified, lower-case Latin, and exactly
    as long as `text`, so a span found in the twin is the same span of `text` (where converting a phrase
    would change its length, each character is converted on its own)."""
    half = "".join(low if len(low := ch.lower()) == 1 else ch for ch in halfwidth(text))
    simple = to_simplified(half)
    if len(simple) != len(half):
        simple = "".join(s if len(s := to_simplified(c)) == 1 else c for c in half)
    return simple


def has_han(text: str) -> bool:
    return bool(HAN_CHAR.search(text))


def han_count(text: str) -> int:
    """How many Han characters `text` holds."""
    return len(HAN_CHAR.findall(text))


def script_of(text: str) -> str:
    """'en' for text without Chinese, else 'hant' or 'hans' by which conversion changes it more."""
    han = "".join(HAN_CHAR.findall(text))
    if not han:
        return "en" if _LATIN_WORD.search(text) else "hans"
    to_s = sum(a != b for a, b in zip(han, to_simplified(han)))
    to_t = sum(a != b for a, b in zip(han, to_traditional(han)))
    # Text that Simplified conversion changes is Traditional; ties (shared characters) read as Simplified.
    return "hant" if to_s > to_t else "hans"


def to_script(text: str, script: str) -> str:
    """Render Chinese text in the given script ('hans', 'hant'); 'en' leaves it as it is."""
    if script == "hans":
        return to_simplified(text)
    if script == "hant":
        return to_traditional(text)
    return text
