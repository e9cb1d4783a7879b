"""English questions over Chinese articles: pinyin names (Shima → 石马), numbers (the 55 units → 55) and news
words (secretary → 书记) become the question's Chinese terms, and a question naming what the articles never mention is found out."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rag.answering.question import EN_STOP, Question
from rag.lang.glossary import chinese_of, english_words, glossary_words, unknown_word
from rag.answering.slots import person_names
from rag.lang.pinyin import pinyin_index, romanisations, romanised_names, romanised_pairs
from rag.lang.script import HAN_RUN, normalize
from rag.lang.when.words import alt, numbers
from rag.lang.wordlists import read_rows
from rag.lang.words import idf, stop_words

@lru_cache(maxsize=1)
def provinces() -> dict[str, tuple[str, ...]]:
    """Province (Simplified, and each of its pinyin spellings) → its cities, from data/provinces.tsv."""
    out: dict[str, tuple[str, ...]] = {}
    for name, spellings, cities in read_rows("rag.answering", "data/provinces.tsv", 3, 3):
        for key in [name, *spellings.split()]:
            out[key] = tuple(cities.split())
    return out


def province_terms(names: Iterable[str], joined: str) -> list[str]:
    """The cities the texts name of each province in `names` that the texts do not name themselves (Sichuan →
    成都, 绵阳): a question about a province is about its cities."""
    table = provinces()
    out = []
    for name in names:
        if name in table and name not in joined:
            out += [c for c in table[name] if c in joined]
    return list(dict.fromkeys(out))


def english_terms(q: Question, texts: Iterable[str]) -> Question:
    """An English question whose terms are the Han words of `texts` that its pinyin names spell, its provinces'
    cities, and its news words' Chinese (rag.lang.glossary); unchanged when none of them is in the texts."""
    if q.script != "en":
        return q
    texts = list(texts)
    joined = "\n".join(texts)
    named = pinyin_terms(q, texts)
    found = dict(named.terms) if named.pinyin else {}
    weights, median = idf()
    for persons in partial_names(q.text, texts).values():
        # a surname or a given name alone (What did Wang say?) stands for the persons of the texts it is part of,
        # each with a share when it fits several (王刚 and 王海星)
        for person in persons:
            found.setdefault(person, weights.get(person, median) / len(persons))
    for city in province_terms(re.findall(r"[a-z]+", q.text.lower()), joined):
        found.setdefault(city, weights.get(city, median))
    for number in dict.fromkeys(_EN_NUMBER.findall(q.text)):
        # a number the question repeats from an article ("the 55 units") says which sentence, as a name does
        if re.search(rf"(?<![0-9.]){re.escape(number)}(?![0-9.])", joined):
            found.setdefault(number, weights.get(number, median))
    for date in english_dates(q.text):
        # a date the question writes in English (the eleventh of July → 7月11日) says which sentence, as a name does
        if date in joined:
            found.setdefault(date, weights.get(date, median))
    for han in glossary_words(q.text):
        if han in joined and han not in found:
            # news words say which sentence, a name which article: a word weighs as much as a name
            # (bench/english_qa.jsonl key coverage 0.50 at half weight, 0.64 at full)
            found[han] = weights.get(han, median)
    for word in dict.fromkeys(w.lower() for w in _EN_WORD.findall(q.text)):
        # English articles: the question's own content words (the texts are lower-cased search form)
        if len(word) >= 3 and word not in EN_STOP | _EN_GENERIC and re.search(rf"\b{re.escape(word)}\b", joined):
            found.setdefault(word, median)
    for term, weight in q.terms:
        # Chinese words an English question writes as they are (According to 陶胜旺, …) name what they name
        if re.search(r"[\u4e00-\u9fff]", term) and term in joined:
            found.setdefault(term, weight)
    if not found:
        return q
    return replace(q, terms=tuple(found.items()), pinyin=True)


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[dict[str, int], dict[str, int], re.Pattern, re.Pattern]:
    months, days = numbers("en_month"), numbers("en_day_ordinal")
    day = rf"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?|(?P<w>{alt(days)})"
    month = rf"(?P<m>{alt(months)})\.?"
    return (months, days, re.compile(rf"\b(?:the\s+)?(?:{day})(?:\s+of)?\s+{month}(?![a-z])", re.I),
            re.compile(rf"\b{month}\s+(?:the\s+)?(?:{day})(?![a-z0-9])", re.I))


def english_dates(text: str) -> list[str]:
    """The days an English question names (July 11, the 11th of July, the eleventh of July) as articles write
    them (7月11日), in order, once each."""
    months, days, day_first, month_first = _date_patterns()
    found = []
    for pattern in (day_first, month_first):
        for m in pattern.finditer(text):
            day = int(m.group("d")) if m.group("d") else days[m.group("w").lower()]
            found.append((m.start(), f"{months[m.group('m').lower()]}月{day}日"))
    return list(dict.fromkeys(d for _, d in sorted(found)))


def _month_met(word: str, joined: str) -> bool:
    """A month's name (July) meets texts that name that month (7月); not the ones that are also words (may, march)."""
    months = numbers("en_month")
    named = word in months and len(word) >= 4 and word not in ("may", "march", "sept")  # not abbreviations nor words
    return named and f"{months[word]}月" in joined


def latin_names(text: str, capitalised: bool = True) -> list[str]:
    """Latin words that may be pinyin names, lower-cased (capitalised ones only, unless told otherwise)."""
    names = romanised_names(text) if capitalised else [w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)]
    # a two-syllable name written as two words (Wang Gang) spells its word only joined
    pairs = romanised_pairs(text) if capitalised else []
    return [w for w in dict.fromkeys(names + pairs) if w not in EN_STOP]


def pinyin_terms(q: Question, texts: Iterable[str]) -> Question:
    """An English question with the Han words its pinyin names spell in `texts` as its terms."""
    names = latin_names(q.text)
    if q.script != "en" or not names:
        return q
    weights, median = idf()
    counts = _spelt(names, texts)
    found: dict[str, float] = {}
    for spelt in counts.values():
        # A polyphonic spelling matches several words ("qingshan": 青山, and 清单 read qing-shan): the one
        # the articles use most is the name meant, the others keep a share
        total = sum(spelt.values()) or 1
        for word, n in spelt.items():
            found[word] = max(found.get(word, 0.0), weights.get(word, median) * n / total)
    if not found:
        return q
    return replace(q, terms=tuple(found.items()), pinyin=True)


def _spelt(names: Iterable[str], texts: Iterable[str]) -> dict[str, dict[str, int]]:
    """Each pinyin name → the Han words of `texts` spelt so → their occurrences in the texts."""
    names = list(names)
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        index = pinyin_index(text)
        for name in names:
            for word in index.get(name, ()):
                counts.setdefault(name, {})[word] = counts.get(name, {}).get(word, 0) + text.count(word)
    return counts


def named_words(q: Question, texts: Iterable[str]) -> list[str]:
    """The Han word each capitalised pinyin name of an English question stands for: of the words `texts` spell
    so, the one they use most (Qingshan → 青山, not 清单)."""
    if q.script != "en":
        return []
    return [max(spelt, key=lambda w: (spelt[w], w)) for spelt in _spelt(latin_names(q.text), list(texts)).values()]


def spelt_first(q: Question, to_read: Sequence[str], texts: Mapping[str, str]) -> list[str]:
    """The articles to read for an English question, the retrieved article (`texts`: id → search form, best first)
    that spells more of its capitalised pinyin names than any article to read put first, in place of the last: "Who
    spoke at the Jinjiang event?" retrieves 渠岸镇's 发言 paragraphs first, the 锦江 article third, and was refused
    for never mentioning Jinjiang. `to_read` unchanged when the names are no fewer there."""
    names = latin_names(q.text)
    if q.script != "en" or not names or not to_read:
        return list(to_read)

    def spelt(aid: str) -> int:
        return len(_spelt(names, [texts[aid]])) if aid in texts else 0

    have = max(spelt(aid) for aid in to_read)
    best = max(texts, key=spelt, default=None)  # the first of the most spelling (max keeps the first)
    if best is None or spelt(best) <= have:
        return list(to_read)
    return [best, *(a for a in to_read if a != best)][: len(to_read)]


def partial_names(question: str, texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each capitalised Latin word of an English question that spells no word of `texts` but the surname or the
    given name of persons they name (Xiaomin → 张晓敏; Wang → 王刚 and 王海星) → those persons."""
    texts = list(texts)
    spelt = [p for p in romanised_pairs(question) if any(p in pinyin_index(t) for t in texts)]  # Wang Gang: 王刚
    words = [w for w in dict.fromkeys(romanised_names(question, min_len=2))
             if w not in EN_STOP and not chinese_of(w) and not any(w in pinyin_index(t) for t in texts)
             and not any(p.startswith(w) or p.endswith(w) for p in spelt)]
    if not words:
        return {}
    persons = list(dict.fromkeys(p for t in texts for p in person_names(t)))
    out = {}
    for word in words:
        fits = tuple(p for p in persons if word in romanisations(p[0]) or word in romanisations(p[1:]))
        if fits:
            out[word] = fits
    return out


def glossary_terms(q: Question, texts: Iterable[str]) -> Question:
    """An English question's terms plus the Chinese words (found in `texts`) that its news words translate to."""
    if q.script != "en" or not q.terms:
        return q
    weights, median = idf()
    wanted = glossary_words(q.text)
    joined = "\n".join(texts)
    have = dict(q.terms)
    for han in sorted(wanted):
        if han in joined and han not in have:
            # the place or person named says which article (every sentence of it earns the name's context
            # credit); these say which sentence: at half weight the name's sentence won over the answer's
            # (bench/english_qa.jsonl key coverage 0.50 at 0.5, 0.64 at 1.0 and 1.5)
            have[han] = weights.get(han, median)
    return replace(q, terms=tuple(have.items()))


_EN_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                   "eleven": 11, "twelve": 12, "thirteen": 13, "fifteen": 15, "twenty": 20}
_ZH_COUNT = {2: "二两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
# a list asked for by its count: "which ten practical projects …", "what are the 13 task forces", "list the 10 …"
_EN_COUNT_ASK = re.compile(r"\b(?:(?:which|what)(?:\s+(?:are|were|will\s+be|is))?|list)\s+(?:all\s+)?(?:the\s+|its\s+|their\s+)?"
                           rf"(\d+|{'|'.join(_EN_COUNT_WORDS)})\s+((?:[a-z-]+\s+){{0,3}}?[a-z-]+?s)\b", re.I)
_ZH_ITEM_RUN = re.compile(r"、[^、。；]{1,30}、|[：:]|[一二三四五六七八九十]是|第[一二三四五六七八九十]|[（(][一二三四五六七八九十1-9][）)]")


def counted_list_en(question: str, text: str) -> str | None:
    """The items an English question asks for by their count (Which ten practical projects …? List them.) when the
    read `text` (search form) only counts them (做好全面10件为民办实事重点工作): the count with a classifier, its
    thing's Chinese (glossary: practical → 实事) right after it, and no run of items around it (A、B等, a colon,
    一是, 第一, （一）); "which ten practical projects" then, else None (the Chinese form: rag.answering.absent)."""
    m = _EN_COUNT_ASK.search(question)
    if not m:
        return None
    num = int(m.group(1)) if m.group(1).isdigit() else _EN_COUNT_WORDS[m.group(1).lower()]
    if num < 2:
        return None
    counts = [str(num), *_ZH_COUNT.get(num, "")]
    hits = [h for c in counts for h in re.finditer(rf"(?<![0-9一二三四五六七八九十百]){c}(?:个|件|项|大|条|点|家|位|名|所|支)", text)]
    thing = [han for w in m.group(2).split() for han in chinese_of(w.lower())]
    hits = [h for h in hits if any(t in text[h.end(): h.end() + 10] for t in thing)]  # that thing counted
    for hit in hits:
        before = re.split(r"[，,。；;\n]", text[: hit.start()])[-1]
        ends = [e for e in (text.find(x, hit.end()) for x in "。\n") if e >= 0]
        end = min(ends) if ends else len(text)
        if "、" in before or _ZH_ITEM_RUN.search(text[hit.end(): end] + "。" + text[end + 1: end + 6]):
            return None  # the article lists them around the count
    return f"which {m.group(1)} {m.group(2)}" if hits else None


# Words an English question uses that name nothing it asks about: an English article may contain any of them.
_EN_GENERIC = stop_words("generic_en")
_EN_NUMBER = re.compile(r"(?<![A-Za-z0-9.])[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9])")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


# A name in an English question: a run of capitalised words ("World Cup", "Qingdao City Investment Group");
# all-capital acronyms are not taken for names
_EN_NAME_RUN = re.compile(r"[A-Z][a-z][\w'-]*(?:[ \t]+[A-Z][a-z][\w'-]*)*")


# a verb's place: right after an auxiliary or "to", a capitalised subject between (did Cheng Hanping affirm …)
_VERB_PLACE = re.compile(r"\b(?:did|does|do|didn't|doesn't|don't|will|would|can|could|should|shall|may|might|must|to)\s+"
                         r"(?:(?:the\s+)?[A-Z][\w'-]*\s+|(?:he|she|they|it|we|you|i)\s+)*([a-z][a-z-]*)\b")
_ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ation", "ment", "ion", "ive", "ly", "ance")
_PREFIXES = ("re", "un", "dis", "pre", "co", "over", "under", "out", "mis")


def asked_verb(word: str, text: str) -> bool:
    """Whether a word no English dictionary has is no name or thing of the question: a verb in its verb's place
    (did Cheng Hanping affirm → affirm), a dictionary word's stem (affirmed, affirmation → affirm; re-affirm,
    summarise ← summarize) or an adverb (-ly). Only a thing the question asks about may refuse it (brief T14:
    fresh17_qa f17_30 "The articles do not mention affirm", tuned on)."""
    low = word.lower()
    if any(m.group(1) == low for m in _VERB_PLACE.finditer(text)) or low.endswith("ly"):
        return True
    words = english_words()
    stems = [low, *(low[len(p):] for p in _PREFIXES if low.startswith(p) and len(low) - len(p) >= 4)]
    stems += [low.replace("ise", "ize"), low.replace("yse", "yze")] if re.search(r"[iy]se", low) else []
    return any(s in words or any(s + e in words or (s.endswith("e") and s[:-1] + e in words) for e in _ENDINGS)
               for s in stems)


def unmet_english(q: Question, texts: Iterable[str], previous: str | None = None) -> str | None:
    """What an English question names that `texts` never mention ("Mars"), "" when none of its words (nor,
    for a follow-up, of the `previous` question) meets them at all, None when they meet the question
    (unmet_reason without the rule's name)."""
    found = unmet_reason(q, texts, previous)
    return found[1] if found else None


def unmet_reason(q: Question, texts: Iterable[str], previous: str | None = None) -> tuple[str, str] | None:
    """(the rule: han, name, unknown or nothing; what is unmet) for unmet_english, or None
    (bench/bench_refusal_rules.py counts each rule's fires).

    Cross-lingual dense retrieval ranks *some* article first for any question (20 of 20 off-topic English
    questions were answered from the bundled corpus before this check). A word meets the articles through
    its pinyin spelling (Shima → 石马), a news word's Chinese (rag.lang.glossary), or itself (English articles); every
    name must meet them by one of its words, and a question without names by one of its content words.
    """
    texts = list(texts)
    joined = "\n".join(texts)
    partial = partial_names(q.text, texts)

    def meets(word: str, name: bool = False) -> bool:
        word = re.sub(r"'s$", "", word.lower())
        return (any(han in joined for han in chinese_of(word))
                # a number the question repeats from an article ("the 55 units")
                or (_EN_NUMBER.fullmatch(word) is not None and re.search(rf"(?<![0-9.]){re.escape(word)}(?![0-9.])", joined) is not None)
                or re.search(rf"\b{re.escape(word)}\b", joined) is not None
                or _month_met(word, joined)
                # pinyin for names only: a common word spells some Han pair too (yuan: 与安)
                or (name and any(word.replace("'", "") in pinyin_index(text) for text in texts))
                or (name and bool(province_terms([word], joined)))
                or (name and word in partial))

    met = False
    # a name the English question writes in Chinese (What is 孙宇's position in 渠岸镇?): the articles must write it
    # (two names joined by 和/与/及/的 are each looked for)
    written = normalize(joined)
    for han in dict.fromkeys(w for run in HAN_RUN.findall(normalize(q.text)) for w in re.split("[和与及的]", run)):
        if len(han) >= 2 and han not in written:
            return "han", han
        met = met or len(han) >= 2
    for run in _EN_NAME_RUN.finditer(q.text):
        # the question's first word (a sentence's: Thank you.) is capitalised as a sentence's is: it names nothing by that
        # a hyphenated word is itself when the glossary knows it ("Party-building": 党建), else its parts
        first = run.start() == 0 or re.search(r"[.?!]\s+$", q.text[: run.start()]) is not None  # a sentence's first word
        words = [part for w in run.group().split()[1 if first else 0 :]
                 for part in ([w] if "-" in w and chinese_of(w.lower()) else w.split("-")) if part]
        name = [w for w in words if w.lower() not in EN_STOP]
        if all(chinese_of(w.lower()) for w in name):
            continue  # a capitalised news word ("the Party secretary") names nothing: it counts as a word below
        joined_pairs = [a + b for a, b in zip(name, name[1:])]  # Wang Gang → wanggang (王刚)
        if not any(meets(w, name=True) for w in name + joined_pairs):
            return "name", " ".join(name)
        met = True
    for word in dict.fromkeys(re.sub(r"'s$", "", w) for w in _EN_WORD.findall(q.text)):
        # a word no English dictionary has nor a slip of one (blorfle, Universiade) names what the question
        # means: the articles must spell it (Honggangcheng: 红钢城) or write it
        if unknown_word(word.lower()) and not asked_verb(word, q.text) and not meets(word, name=True):
            return "unknown", word
    if met:
        return None
    words = _EN_WORD.findall(q.text + " " + (previous or ""))
    content = [w for w in words if len(w) >= 3 and w.lower() not in EN_STOP | _EN_GENERIC]
    content += _EN_NUMBER.findall(q.text)
    return None if any(meets(w) for w in content) else ("nothing", "")

