"""GBK byte-shift mojibake: runs of GBK text decoded one byte off, put back in step."""

from __future__ import annotations

import re

from rag.lang.script import HAN_CHAR

# ---------------------------------------------------------------------------------------------------
# GBK byte-shift mojibake: `。”青島市` (GBK a1a3 a1b1 c7e0 8d75 ...) decoded one byte late reads
# `?!鼻鄭u市`: the lead byte a1 of `。` is lost as `?`, every following pair is read across two
# characters (a3a1 → `！`, which these pages then printed half-width, b1c7 → `鼻`, e08d → `鄭`) until an
# ASCII trail byte (0x75 `u`) brings the decoder back in step. Re-encoding the run and decoding it with
# the lost byte put back gives the original text; a run is replaced only when that decode is strict
# and reads as punctuation followed by ideographs.

_SHIFT_RE = re.compile(r"\?[!！]([^\x00-\x7f]{0,40})([\x40-\x7e]|\?)")
_LOST_LEAD = b"\xa1"  # the GBK punctuation row: `。` is a1a3, so a1 + the a3 of `！` gives it back
_CJK_PUNCT = set("。，、；：？！“”‘’「」『』（）《》〈〉【】…—·")


def _plausible_repair(text: str) -> bool:
    if len(text) < 2 or text[0] != "。" or text[1] not in _CJK_PUNCT:
        return False
    return all(HAN_CHAR.match(c) or c in _CJK_PUNCT for c in text[2:])


def _repair_shift(m: re.Match) -> str:
    middle, term = m.group(1), m.group(2)
    try:
        raw = _LOST_LEAD + ("！" + middle).encode("gb18030")
    except UnicodeEncodeError:
        return m.group(0)
    if term != "?":
        try:
            fixed = (raw + term.encode("ascii")).decode("gb18030")
        except UnicodeDecodeError:
            return m.group(0)
        return fixed if _plausible_repair(fixed) else m.group(0)
    # `?` as terminator: the last lead byte and the ASCII byte after it were read as one invalid pair,
    # so that character is lost. Its row is known (a1: punctuation); when the paragraph has an open
    # quotation mark the lost character is the closing one.
    try:
        fixed = raw[:-1].decode("gb18030")
    except UnicodeDecodeError:
        return m.group(0)
    if raw[-1:] != _LOST_LEAD or not fixed.startswith("。") or not all(
        HAN_CHAR.match(c) or c in _CJK_PUNCT for c in fixed[1:]
    ):
        return m.group(0)
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    before = m.string[line_start:m.start()] + fixed
    if before.count("“") > before.count("”"):
        fixed += "”"
    return fixed + "\x00"  # marks the byte the invalid pair swallowed (see repair_gbk_shift)


_SWALLOWED_TAG_RE = re.compile(r"\x00(?:/?[a-zA-Z]{1,6}>)?")


def repair_gbk_shift(text: str) -> str:
    """Repair runs of GBK text decoded one byte off (see above); leave anything else untouched."""
    if "?" not in text:
        return text
    fixed = _SHIFT_RE.sub(_repair_shift, text)
    # A swallowed `<` leaves the rest of an HTML tag (`/p>`) behind: drop it with the marker.
    return _SWALLOWED_TAG_RE.sub("", fixed) if "\x00" in fixed else fixed
