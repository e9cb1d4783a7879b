"""Text-level basics of cleaning: character classes, whitespace, pinyin glosses, the comparison key."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rag.lang.script import HAN

# ---------------------------------------------------------------------------------------------------
# Character classes

# Sentence ends (the seeds' pages turned full-width ！？ into half-width ones).
SENT_END = "。！？!?…"
NAME = f"[{HAN}·]{{2,5}}"  # a Chinese personal name (2-4 characters, rarely 5 or with ·)


# ---------------------------------------------------------------------------------------------------
# Whitespace

_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u202f\f\v]+")


def normalize_whitespace(text: str) -> str:
    """Unix newlines, no invisible characters, runs of spaces (incl. NBSP, ideographic) as one space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


_WHITESPACE_RE = re.compile(r"\s+")


def visible_len(text: str) -> int:
    """How many characters of `text` are not whitespace."""
    return len(_WHITESPACE_RE.sub("", text))


# ---------------------------------------------------------------------------------------------------
# Pinyin glosses: `結(jié)對` → `結對`, while `村(社區(qū))` → `村(社區)` keeps the real parentheses.

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PY_LETTERS = f"a-zü{_TONED}ê"
_TONE_MARKS = {"\u0304", "\u0301", "\u030c", "\u0300"}  # macron, acute, caron, grave (NFD)
_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
             "r", "z", "c", "s", "y", "w", "")
_FINALS = frozenset(
    "a o e ê ai ei ao ou an en ang eng ong er i ia ie iao iu ian in iang ing iong u ua uo uai ui uan "
    "un uang ueng ü üe üan ün ue ve v n ng m".split()
)
_GLOSS_RE = re.compile(
    rf"(?<=[{HAN}])[(（]([{_PY_LETTERS}]{{1,6}}(?: [{_PY_LETTERS}]{{1,6}}){{0,3}})[)）]"
)


@lru_cache(maxsize=4096)
def is_pinyin_syllable(syllable: str) -> bool:
    """A toned or toneless Hanyu Pinyin syllable (`jié`, `qū`, `zhuàng`)."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable) if c not in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", bare)
    return any(bare.startswith(i) and bare[len(i):] in _FINALS for i in _INITIALS)


def has_tone_mark(text: str) -> bool:
    return any(c in _TONE_MARKS for c in unicodedata.normalize("NFD", text))


def _gloss_or_keep(m: re.Match) -> str:
    body = m.group(1)
    # Only tone-marked syllables count: `(app)` or `(an)` after a character stay as they are.
    if has_tone_mark(body) and all(is_pinyin_syllable(s) for s in body.split()):
        return ""
    return m.group(0)


# A gloss whose character and `(` were lost to a decoding error (`勇?lián)?dāng)`): the `?` stays as
# the mark of the lost character, the pinyin left over goes.
_BROKEN_GLOSS_RE = re.compile(rf"\?([{_PY_LETTERS}]{{1,6}})\)")


def _broken_gloss(m: re.Match) -> str:
    return "?" if has_tone_mark(m.group(1)) and is_pinyin_syllable(m.group(1)) else m.group(0)


def strip_pinyin_glosses(text: str) -> str:
    """Remove parenthesised pinyin that follows a Han character; other parentheses stay."""
    if "(" not in text and "（" not in text and ")" not in text:
        return text
    text = _GLOSS_RE.sub(_gloss_or_keep, text)
    return _BROKEN_GLOSS_RE.sub(_broken_gloss, text) if "?" in text else text


# ---------------------------------------------------------------------------------------------------
# Comparison key: a headline repeated with other punctuation or spacing compares equal

COMPARE_DROP = re.compile(rf"[^\w{HAN}]+")  # what the comparison ignores


def compare_key(text: str) -> str:
    """`text` without punctuation and spaces, in lower case."""
    return COMPARE_DROP.sub("", text).lower()
