"""Decoding: bytes in any common Chinese encoding (UTF-8, UTF-16 or UTF-32 with BOM, GB18030/GBK/GB2312, Big5)
to text, the candidates ranked by how plausible each decode is as Chinese text. NUL characters never reach the
text, wherever they are in the file."""

from __future__ import annotations

import re
from functools import lru_cache

# Tried in this order after strict UTF-8; GB18030 covers GBK and GB2312, cp950 and Big5-HKSCS cover Big5.
ENCODING_CANDIDATES = ("gb18030", "cp950", "big5hkscs")
_SAMPLE_CHARS = 20_000
_MIN_PLAUSIBILITY = 0.6
# UTF-32's little-endian mark starts with UTF-16's (FF FE), so the UTF-32 marks are looked for first.
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def without_nul(text: str) -> str:
    """`text` without NUL characters (a NUL in the text would reach titles, quotes and the index)."""
    return text.replace("\x00", "") if "\x00" in text else text


class DecodeError(ValueError):
    """Bytes that are not text in any supported encoding; the message says why."""


@lru_cache(maxsize=65536)
def _char_plausibility(ch: str) -> float:
    """1 for characters real Chinese text is made of (common Han, punctuation, ASCII), less for the rest."""
    o = ord(ch)
    if ch in "\n\r\t" or 0x20 <= o < 0x7F:
        return 1.0
    if o < 0x20 or 0x7F <= o < 0xA0 or 0xE000 <= o <= 0xF8FF or o == 0xFFFD:
        return 0.0  # controls, private use, replacement: what wrong decodes produce
    if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x206F:
        return 1.0
    if 0x4E00 <= o <= 0x9FFF:
        # Common characters: GB2312 level 1 (simplified) or Big5 level 1 (traditional).
        gb = _encoded(ch, "gb2312")
        big5 = _encoded(ch, "cp950")
        if (gb and 0xB0A1 <= gb <= 0xD7FE) or (big5 and 0xA440 <= big5 <= 0xC67E):
            return 1.0
        return 0.5 if gb or big5 else 0.2
    if 0x00C0 <= o <= 0x024F:  # Latin letters with accents (pinyin tone marks among them)
        return 0.8
    return 0.3  # kana, Greek, Cyrillic, box drawing, Hangul: rare in Chinese news, common in mojibake


def _encoded(ch: str, encoding: str) -> int | None:
    try:
        raw = ch.encode(encoding)
    except UnicodeEncodeError:
        return None
    return int.from_bytes(raw, "big") if len(raw) == 2 else None


def plausibility(text: str) -> float:
    """Share (0..1) of a text's characters that are what Chinese text is made of."""
    sample = [c for c in text[:_SAMPLE_CHARS] if not c.isspace()]
    if not sample:
        return 0.0
    return sum(_char_plausibility(c) for c in sample) / len(sample)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding) for bytes in UTF-8 (BOM or not), UTF-16 or UTF-32 with BOM, GB18030/GBK/GB2312 or Big5;
    the text never holds a NUL character.

    Strict UTF-8 first (it almost never decodes anything else); then a declared charset (HTML); then
    every candidate that decodes strictly, ranked by plausibility; charset-normalizer breaks near-ties.
    """
    text, encoding = _decode(data, declared)
    return without_nul(text), encoding


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"not valid {encoding} despite its byte-order mark ({exc.reason})") from None
    if b"\x00" in data[:65536]:
        raise DecodeError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        encoding = _codec_for(declared)
        try:
            text = data.decode(encoding)
            if plausibility(text) >= _MIN_PLAUSIBILITY:
                return text, encoding
        except (UnicodeDecodeError, LookupError):
            pass
    scored: list[tuple[float, str, str]] = []
    for encoding in ENCODING_CANDIDATES:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        scored.append((plausibility(text), encoding, text))
    scored.sort(key=lambda s: -s[0])
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.05:
        scored = _tie_break(data, scored)
    if not scored or scored[0][0] < _MIN_PLAUSIBILITY:
        raise DecodeError("not text in UTF-8, GB18030/GBK or Big5 (binary or unknown encoding)")
    _, encoding, text = scored[0]
    return text, encoding


def _tie_break(data: bytes, scored: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """Put charset-normalizer's choice first when two candidates are about equally plausible."""
    import charset_normalizer  # only needed for ambiguous bytes

    best = charset_normalizer.from_bytes(data, cp_isolation=["gb18030", "big5", "cp950", "gbk"]).best()
    if best is None:
        return scored
    family = "big5" if best.encoding in ("big5", "cp950", "big5hkscs") else "gb"
    return sorted(scored, key=lambda s: (0 if (family == "big5") == (s[1] != "gb18030") else 1, -s[0]))


def _codec_for(name: str) -> str:
    """The Python codec to use for a declared charset (GB2312/GBK pages are decoded as their superset)."""
    name = name.strip().lower().replace("_", "-")
    if name in ("gb2312", "gbk", "gb-2312", "x-gbk", "cp936", "euc-cn", "gb18030"):
        return "gb18030"
    if name in ("big5", "big-5", "x-x-big5", "cp950"):
        return "cp950"
    return name


_HTML_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)


def declared_charset(html: bytes) -> str | None:
    """The charset an HTML page declares in a `<meta>` tag near its start, if any."""
    m = _HTML_CHARSET_RE.search(html[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None
