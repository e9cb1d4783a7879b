"""A place name mistyped in a question (小见镇 for 小枧镇: an input method's homophone): read as the place the read
articles name when exactly one fits.

A run of the question ending in a place suffix (data/unit_cues.tsv `slip_suffix`: 镇, 街道, 区, 县) that no read
article writes, whose proper part has at least two characters, is a slip for a place name of the read articles of
the same length and suffix that differs from it in one character of the same pinyin reading (见/枧 jian). Two or
more such places, or none: the question is left as it was (and refused as before). Only the articles the question
retrieved are read, as everywhere else in answering. The note saying so (读作 小枧鎮) is in the asker's script, the
place's own name as an article writes it (slip_note)."""

from __future__ import annotations

from typing import Sequence

from rag.answering.cues import words as cue_words
from rag.lang.display import convert
from rag.lang.pinyin import char_readings

MIN_PROPER = 2  # characters of a place's own name before its suffix (a 2-character 城区 is a word, not a name)
MAX_PROPER = 6


def _sounds_alike(a: str, b: str) -> bool:
    readings = char_readings()
    return bool(set(readings.get(a, ())) & set(readings.get(b, ())))


def _one_off(asked: str, written: str) -> bool:
    diff = [(x, y) for x, y in zip(asked, written) if x != y]
    return len(diff) == 1 and _sounds_alike(*diff[0])


def place_slips(question: str, texts: Sequence[str]) -> list[tuple[str, str]]:
    """(as asked, as the texts write it) for each place name of `question` (search form) that `texts` (search form)
    never write and that is a slip for exactly one place name they do write."""
    out: list[tuple[str, str]] = []
    for suffix in sorted(cue_words("slip_suffix"), key=len, reverse=True):
        start = 0
        while (end := question.find(suffix, start)) >= 0:
            start = end + 1
            for n in range(MAX_PROPER, MIN_PROPER - 1, -1):  # the longest name that fits
                a = end - n
                asked = question[a : end + len(suffix)]
                if a < 0 or not all("\u4e00" <= ch <= "\u9fff" for ch in asked[:n]) or any(asked in t for t in texts):
                    continue
                fits = set()
                for t in texts:
                    pos = t.find(suffix)
                    while pos >= 0:
                        written = t[pos - n : pos + len(suffix)] if pos >= n else ""
                        if written and _one_off(asked, written):
                            fits.add(written)
                        pos = t.find(suffix, pos + 1)
                if len(fits) == 1:
                    found = (asked, fits.pop())
                    if all(found[0] not in o[0] and o[0] not in found[0] for o in out):
                        out.append(found)
                    break
    return out


def unwritten_places(question: str, texts: Sequence[str]) -> bool:
    """Whether `question` (search form) has a run that may be a place name (MIN_PROPER Han characters and a
    suffix) that `texts` never write: only then is a slip looked for (over more articles)."""
    for suffix in cue_words("slip_suffix"):
        start = 0
        while (end := question.find(suffix, start)) >= 0:
            start = end + 1
            run = question[end - MIN_PROPER : end + len(suffix)] if end >= MIN_PROPER else ""
            if run and all("\u4e00" <= ch <= "\u9fff" for ch in run[:MIN_PROPER]) and not any(run in t for t in texts):
                return True
    return False


def slip_note(slips: Sequence[tuple[str, str]], script: str, paragraphs: Sequence[tuple[str, str]]) -> str:
    """The note for `slips` (place_slips') in the asker's `script` ('hans', 'hant', 'en'): 读作/讀作/read as and each
    place as the first of `paragraphs` ((search form, as written) pairs, same offsets) that names it writes it, its
    suffix in the asker's script and its own name never converted (小枧鎮 → 小枧镇 for a Simplified asker, never
    小梘鎮 for a Traditional one); an English asker gets the place as written."""
    suffixes = sorted(cue_words("slip_suffix"), key=len, reverse=True)
    places = []
    for _asked, written in slips:
        shown = next((orig[i : i + len(written)] for norm, orig in paragraphs if (i := norm.find(written)) >= 0), written)
        if script != "en":
            own = len(shown) - len(next((x for x in suffixes if written.endswith(x)), ""))
            shown = convert(shown, script, keep=[(0, own)])
        places.append(shown)
    return ("read as " if script == "en" else convert("读作", script) + " ") + "、".join(places)
