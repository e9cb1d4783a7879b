"""“And the other town?”: a follow-up asking the question before it again for the other place of a pair. After
"Who signed the cooperation agreement on behalf of Shima town?" (answered from the twinning article of 石马镇 and
小枧镇), "And for the other town?" asks who signed for 小枧镇; 那另一个镇呢？ after 石马镇党委书记是谁？ asks who the
小枧镇 secretary is, and so does 小枧镇呢？ (the other place named). The question asked is the one before with its
place swapped for the other (Shima → Xiaojian, 石马 → 小枧), read on the articles answered from.

The other place is the one of the same kind (镇, 街道, 村 …: data/place_kinds.tsv) that those articles name most
often in a sentence with the asked place (石马镇、小枧镇; 石马镇…与小枧镇…), written so at least twice: the pair the
articles are about. A question naming no place of the articles, or articles naming no such pair, is no such
follow-up (None)."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Sequence

from rag.answering.english import named_words
from rag.answering.places import place_kinds, place_suffixes
from rag.answering.question import analyze
from rag.answering.slots import GENERIC_PLACE
from rag.lang.pinyin import char_readings
from rag.lang.display import to_script
from rag.lang.script import normalize, script_of, search_twin
from rag.lang.sentences import FULL_STRETCH

MIN_MENTIONS = 2  # a place of the pair is written at least this often in the articles
# a place's proper part is of Unified Ideographs only: narrower than rag.lang.script.HAN (which adds Extension A
# and the compatibility ideographs), kept so only to leave the pairs found as measured — the wider class would
# also find places written with a rarer character (㮾梨街道: the CRUD distractors write 㮾梨)
_UNIFIED = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, tuple[str, ...]]:
    words = "|".join(sorted(place_kinds(), key=len, reverse=True))
    suffixes = place_suffixes()
    zh_kind = "|".join(suffixes)
    en = re.compile(rf"^\s*(?:and|but|so|now|ok(?:ay)?)?[\s,]*(?:what about|how about|same (?:question )?for)?\s*"
                    rf"(?:for|in|at|of|on behalf of)?\s*the other ({words})\s*[?？.!]*\s*$", re.I)
    # 那另一个镇呢？ 另外那个街道呢 另一个呢？ (the 呢 or a closing mark ends it: 另一个镇的党委书记是谁 asks on its own)
    zh = re.compile(rf"^(?:那么?|还有|再问)?(?:另一个|另外一个|另外那个|另一|另外)(?:个)?({zh_kind})?(?:的)?(?:呢|怎么样|又是谁)?[?？。]*$")
    # 小枧镇呢？ 那小枧镇呢？ (a place named, 呢 closing it)
    named = re.compile(rf"^(?:那么?|还有)?([\u4e00-\u9fff]{{2,4}}?)({zh_kind})(?:的)?呢[?？。]*$")
    return en, zh, named, suffixes


def _asked_kind(question: str) -> tuple[tuple[str, ...], str | None] | None:
    """The suffixes of the kind of place a follow-up asks the other of (() for any), and the place it names
    itself (小枧镇呢？ → 小枧镇); None when it is no such follow-up."""
    en, zh, named, _ = _patterns()
    m = en.match(question)
    if m:
        return place_kinds()[m.group(1).lower()], None
    norm = normalize(question).strip()
    m = zh.match(norm)
    if m:
        return ((m.group(1),) if m.group(1) else ()), None
    m = named.match(norm)
    if m and not GENERIC_PLACE.match(m.group(1)):
        return (m.group(2),), m.group(1) + m.group(2)
    return None


def _places(texts: Sequence[str], suffixes: Sequence[str]) -> Counter:
    """Places of the kinds `suffixes` that `texts` write: a two- or three-character proper part before the
    suffix, no group (全镇, 两镇), written at least MIN_MENTIONS times (石马镇, 小枧镇; not 提名镇长's 提名镇)."""
    counts: Counter = Counter()
    for text in texts:
        for suffix in suffixes:
            for m in re.finditer(re.escape(suffix), text):
                for n in (2, 3):
                    proper = text[max(0, m.start() - n) : m.start()]
                    if len(proper) == n and all(_UNIFIED.match(c) for c in proper) and not GENERIC_PLACE.match(proper):
                        counts[proper + suffix] += 1
    # a three-character part (新沟桥街道) stands for the two-character one inside it written only there (沟桥街道);
    # written less often than that one, it is a word before the name (聚石马镇)
    def kept(p: str, n: int) -> bool:
        if n < MIN_MENTIONS:
            return False
        if len(p) - len(_suffix(p, suffixes)) == 3:
            return counts.get(p[1:], 0) <= n
        return not any(len(o) == len(p) + 1 and o.endswith(p) and m >= n for o, m in counts.items())

    return Counter({p: n for p, n in counts.items() if kept(p, n)})


def _suffix(place: str, suffixes: Sequence[str]) -> str:
    return next((s for s in suffixes if place.endswith(s)), "")


def _asked_place(before: str, texts: Sequence[str], places: Counter) -> str | None:
    """The place of `places` the question before named: in its Chinese, or (English) as the Han word of a
    pinyin name (Shima → 石马 → 石马镇)."""
    norm = normalize(before)
    found = [p for p in places if p in norm]
    if not found:
        words = named_words(analyze(before), texts)
        found = [p for p in places if any(p.startswith(w) and len(w) >= 2 for w in words)]
    return max(found, key=lambda p: (places[p], len(p))) if found else None


def _pair(asked: str, texts: Sequence[str], places: Counter) -> str | None:
    """The place most often written in a sentence with `asked` (the other of the pair)."""
    together: Counter = Counter()
    for text in texts:
        for s in FULL_STRETCH.finditer(text):
            sentence = s.group()
            if asked in sentence:
                for p in places:
                    if p != asked and p in sentence and not (asked in p or p in asked):
                        together[p] += 1
    if not together:
        return None
    return max(together, key=lambda p: (together[p], places[p], p))


def _spelt(place: str, suffixes: Sequence[str]) -> str:
    """The proper part of a place in pinyin, capitalised (小枧镇 → Xiaojian)."""
    readings = char_readings()
    proper = place[: len(place) - len(_suffix(place, suffixes))]
    return "".join(readings.get(c, ("",))[0] for c in proper).capitalize()


def other_place_question(question: str, before: str, texts: Sequence[str]) -> str | None:
    """The question `before` asked again for the other place of the pair `question` points to ("And the other
    town?", 那另一个镇呢？, 小枧镇呢？), as the articles `texts` (Simplified) name them; None when `question` is no
    such follow-up or the articles name no pair with the place `before` asked about."""
    kind = _asked_kind(question)
    if kind is None or not texts:
        return None
    suffixes, named = kind
    every = _patterns()[3]
    places = _places(texts, suffixes or every)
    asked = _asked_place(before, texts, places)
    if asked is None:
        return None
    suffixes = suffixes or (_suffix(asked, every),)
    if named is not None:
        other = named if named in places and named != asked else None
    else:
        other = _pair(asked, texts, Counter({p: n for p, n in places.items() if _suffix(p, suffixes)}))
    if other is None:
        return None
    proper = asked[: len(asked) - len(_suffix(asked, every))]
    other_proper = other[: len(other) - len(_suffix(other, every))]
    norm = search_twin(before)  # same offsets as `before`: the place swapped in the asker's own script
    if proper in norm:
        script = script_of(before)
        shown = to_script(other_proper, script) if script in ("hans", "hant") else other_proper
        out, i = before, norm.find(proper)
        while i >= 0:
            out = out[:i] + shown + out[i + len(proper) :]
            norm = norm[:i] + other_proper + norm[i + len(proper) :]
            i = norm.find(proper, i + len(other_proper))
        return out
    words = [w for w in named_words(analyze(before), texts) if asked.startswith(w)]
    spelt = _spelt(asked, every)
    if not words or not re.search(rf"\b{re.escape(spelt)}\b", before, re.I):
        return None
    return re.sub(rf"\b{re.escape(spelt)}\b", _spelt(other, every), before, flags=re.I)
