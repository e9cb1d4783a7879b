"""Answer slots: what kind of thing fills each span of an article (a person, a title, an organisation, a place,
a date, a number with its measure, an amount of money, a percentage, an age, a duration, a purpose clause …).

`article_slots(units)` annotates an article once (question-independent, cached with its units): for each type,
the sorted spans (paragraph from 1, start, end) in the paragraphs' search form. Answering checks a unit for a
filler of the type its question asks for, and takes the short answer (`Answer.short`) from it.

Note for the shared feature module (rag/answering/features.py, summaries' owner): these annotations are
question-independent and could move there; they live here until that module offers them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from rag.answering.names import name_words
from rag.answering.postags import pos_tokenizer, word_tags
from rag.answering.units import ArticleUnits, Span, Unit
from rag.lang.script import HAN
from rag.lang.words import jieba_tokenizer
from rag.lang.wordlists import alternation, read_word_lists


NUM = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万亿]+"
MEASURES = (r"万元|亿元|万人|万吨|万辆|万户|亿人|平方米|平方公里|公里|千米|公斤|千克|小时|分钟|个月|周岁|个百分点|百分点|倍|"
            r"[个件位名家项次人天年岁元台辆架艘座所只条批场户吨米秒周期届间套份笔起例款颗枚层栋亩头口种类部篇首张本支]")

_PATTERNS: dict[str, re.Pattern] = {
    "date": re.compile(
        r"(?:[0-9]{4}年)?(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[日号](?:[上下]午|晚|凌晨)?|"
        r"(?:[0-9]{4}年)?(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})月(?:份|初|底|中旬|上旬|下旬)?|"
        r"(?<![0-9])[0-9]{1,2}日|[0-9]{4}-[0-9]{2}-[0-9]{2}|近日|日前|当天|本周|上周|[上下]午|第[一二三四]季度"),
    "year": re.compile(r"[0-9]{4}年(?![0-9]{1,2}月)(?:[上下]半年|底|初|末)?|今年|去年|明年"),
    "time": re.compile(r"[上下]午|晚上|凌晨|中午|[0-9]{1,2}[:：][0-9]{2}|[0-9]{1,2}时(?:[0-9]{1,2}分)?"),
    "percent": re.compile(rf"(?:{NUM})(?:%|个百分点|百分点|成)|百分之[零一二两三四五六七八九十百点]+"),
    "money": re.compile(rf"(?:{NUM})(?:多|余)?(?:万|亿|千|百)?(?:元|美元|欧元|英镑|日元|港元|人民币)"),
    "age": re.compile(rf"(?:{NUM})(?:岁|周岁)|(?:{NUM})后"),
    "duration": re.compile(rf"(?:{NUM})(?:多|余)?(?:个)?(?:年|周|天|小时|分钟|秒|个月|星期)(?:内|来|间|多)?|(?:一|两|半)(?:周|年|个月|天)"),
    "number": re.compile(rf"(?:{NUM})(?:多|余)?(?:万|亿)?(?:{MEASURES})?"),
    "manner": re.compile(r"(?:通过|采取|采用|利用|借助|依托)[^，,。；]{2,40}|以[^，,。]{1,10}(?:方式|形式|模式)"),
    "quote": re.compile(r"“[^“”]{2,}”"),
    "phone": re.compile(r"(?<![0-9])(?:0[0-9]{2,3}-?[0-9]{7,8}|1[3-9][0-9]{9}|400-?[0-9]{3}-?[0-9]{4})(?![0-9])"),
}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    """_PATTERNS with those built from the marker words of data/slot_heads.tsv: a purpose or cause is the clause
    its marker opens (为全面贯彻…部署), not the marker alone; `when` is a time word besides a date (近日, 期间)."""
    words = slot_words()
    clause = r"[^，,。；]{2,40}"
    built = {
        "purpose": re.compile(rf"(?:{alternation(words['purpose'])}|(?:^|(?<=[，,。；]))为(?=[^，,。；]{{2,40}}[，,])){clause}"),
        "cause": re.compile(rf"(?:{alternation(words['cause'])}){clause}|受[^，。]{{1,12}}影响"),
        # 在出发前, 在会议召开时, 在活动期间: a time said by an event
        "when": re.compile(rf"{alternation(words['when'])}|在[^，,。；在]{{1,10}}?(?:之前|之后|以前|以后|前|后|时|期间)"),
    }
    return {**_PATTERNS, **built}


_PLACE_SUFFIX = r"省|市|县|区|镇|乡|村|街道|社区|州|岛|港|湾|广场|公园|馆|礼堂|大厦|会议室|体育场|中心|基地|园区|新区|机场|车站|学校|小学|中学"
_ORG_SUFFIX = (r"公司|集团|大学|学院|医院|银行|协会|学会|委员会|工委|党工委|党委|党总支|党支部|支部|党组|局|厅|办|检察院|法院|研究院|研究所|"
               r"中心|政府|电视台|报社|日报|联盟|专班|小组|街道|社区|村委会|居委会|部|所|联席会|商会|合作社|工作室")
# A name starts after punctuation, the start of a clause or a linking character.
_LEFT = r"(?:(?<=[，,。；;：:、“”（）()《》\s和与及在于到赴由向对将把从为是的])|^)"
_HAN = f"[{HAN}]"
PLACE = re.compile(rf"{_LEFT}(?:{_HAN}{{1,8}}?(?:{_PLACE_SUFFIX}))(?:{_HAN}{{1,6}}?(?:{_PLACE_SUFFIX}))*")
ORG = re.compile(rf"{_LEFT}(?:{_HAN}{{1,10}}?(?:{_ORG_SUFFIX}))(?:{_HAN}{{1,8}}?(?:{_ORG_SUFFIX}))*")
SLOT_TYPES = ("person", "title", "org", "place", "date", "year", "time", "number", "money", "percent", "age", "duration",
              "purpose", "cause", "manner", "quote", "phone", "when")


def slot_words() -> dict[str, tuple[str, ...]]:
    """The asked-slot word lists (head nouns, measures, slot nouns, English heads) of data/slot_heads.tsv."""
    return read_word_lists("rag.answering", "data/slot_heads.tsv")


@lru_cache(maxsize=1)
def _person_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, frozenset]:
    words = name_words()
    surname = alternation(words["surname"])
    title = re.compile(rf"(?:{alternation(words['title'])})(?=(?:{surname}){_HAN})")
    name = re.compile(rf"(?:{surname}){_HAN}{{1,2}}")
    plain = alternation([w for w in words["surname"] if w not in set(words["not_said"])])
    says = re.compile(rf"(?:{plain}){_HAN}{{1,2}}?(?={alternation(words['say'])})")
    return title, name, says, frozenset(words["after_name"])


_PLACE_HEAD = re.compile(f"^(.+?)(?:{_PLACE_SUFFIX})")
# A place whose proper part starts so is no name (全区, 各村, 双方街道, 两个街道).
GENERIC_PLACE = re.compile(r"^(?:全|各|本|该|辖|双方|两|这|那|我|其|每|诸|有关|相关|当地|周边|所在|城市|农村|乡村)")


# A name whose part before its head ends so is a group, not a name (南京市有关学校, 各相关单位, 其他公司).
GENERIC_TAIL = re.compile(r"(?:有关|相关|其他|其它|部分|一些|所有|多所|多家|各|等)$")


def proper_part(place: str) -> str:
    """The proper name a place name starts with (小枧镇 → 小枧, 青山区图书馆 → 青山, 沙河街道汇泉路社区 → 沙河)."""
    m = _PLACE_HEAD.match(place)
    return m.group(1) if m else place


# Characters that end whatever precedes a name: the name starts after the last of them.
_BREAK = frozenset("和与及在于对将把从被向的了是为由并等让使给以到至同跟")
COMMON_WORD = 1000  # jieba frequency from which a word is a common word, not the start of a name

# Cantonese points with a bare classifier (條片叫咩名 = 那条片叫什么名字; 個活動, 間學校): a word that starts with one,
# when it and the next character are no common word (部长, 场馆, 个人 stay: jieba frequency below _RARE_PAIR)
_BARE_CLASSIFIER = "个条位家所部间只张本座场项次篇支名首套"
_RARE_PAIR = 100


def without_classifier(word: str) -> str:
    """`word` without a Cantonese bare classifier that starts it (条片 → 片, 个活动 → 活动); else `word` itself."""
    if len(word) >= 2 and word[0] in _BARE_CLASSIFIER and (jieba_tokenizer().FREQ.get(word[:2]) or 0) < _RARE_PAIR:
        return word[1:]
    return word


def name_start(para: str, a: int, b: int, tags: dict) -> int:
    """Where a place or organisation name that ends at `b` starts: after the last linking character or verb in
    para[a:b] (切实增进绵阳石马镇党委 → 绵阳石马镇党委)."""
    start = a
    for i in range(a, b):
        if para[i] in _BREAK:
            start = i + 1
        elif i + 1 < b and tags.get(para[i : i + 2]) == "v":
            start = i + 2
    return start


def _is_name(word: str, freq: dict) -> bool:
    """A surname-led run that is not a common word (关于, 干部)."""
    return (freq.get(word[:2]) or 0) < COMMON_WORD and (freq.get(word) or 0) < COMMON_WORD


def _person_after(para: str, pos: int, name: re.Pattern, after: frozenset) -> tuple[int, int] | None:
    """The name starting at `pos` (right after a title): three characters unless the third belongs to what follows."""
    m = name.match(para, pos)
    if not m:
        return None
    a, b = m.span()
    if b - a == 3 and para[b - 1] in after:
        b -= 1
    return a, b


@dataclass(frozen=True)
class Slots:
    """Filler spans of an article by type: type → sorted (paragraph, start, end) and, for numbers, their measures."""

    spans: dict[str, tuple[Span, ...]]
    measures: dict[Span, str]  # a number's measure word (人, 家, 万元), when it has one

    def within(self, kind: str, unit: Unit) -> list[Span]:
        """The fillers of `kind` inside the unit's spans, in order."""
        spans = self.spans.get(kind, ())
        out = []
        for p, a, b in unit.spans:
            i = bisect_left(spans, (p, a, -1))
            while i < len(spans) and spans[i][0] == p and spans[i][1] < b:
                if spans[i][2] <= b:
                    out.append(spans[i])
                i += 1
        return out

    def any(self, kind: str) -> bool:
        return bool(self.spans.get(kind))


@lru_cache(maxsize=512)
def article_slots(au: ArticleUnits) -> Slots:
    """Annotate every paragraph of the article (search form)."""
    found: dict[str, list[Span]] = {t: [] for t in SLOT_TYPES}
    measures: dict[Span, str] = {}
    title_re, name_re, says_re, after = _person_patterns()
    tags, freq = word_tags(), jieba_tokenizer().FREQ
    for p, para in enumerate(au.norm, start=1):
        for kind, pattern in _patterns().items():
            for m in pattern.finditer(para):
                if m.end() <= m.start():
                    continue
                if kind == "number":
                    text = m.group()
                    if not re.search(r"[0-9]", text) and not re.search(f"(?:{MEASURES})$", text):
                        continue  # a bare Chinese numeral (一, 十) is a word, not a count
                    unit = re.search(f"(?:{MEASURES})$", text)
                    if unit:
                        measures[(p, m.start(), m.end())] = unit.group()
                found[kind].append((p, m.start(), m.end()))
        for m in title_re.finditer(para):
            found["title"].append((p, m.start(), m.end()))
            span = _person_after(para, m.end(), name_re, after)
            if span and _is_name(para[span[0] : span[1]], freq):
                found["person"].append((p, *span))
        for m in says_re.finditer(para):
            if (m.start() == 0 or para[m.start() - 1] in "，,。；”\"、 ") and _is_name(m.group(), freq):
                found["person"].append((p, m.start(), m.end()))
        for kind, pattern in (("place", PLACE), ("org", ORG)):
            for m in pattern.finditer(para):
                a = name_start(para, m.start(), m.end() - 1, tags)
                name = para[a : m.end()]
                if len(name) >= 2 and not GENERIC_PLACE.match(name) and (kind != "place" or len(proper_part(name)) >= 2):
                    found[kind].append((p, a, m.end()))
    # a number inside a date or a clock time (the 7 of 7月11日, the 10 of 10时) is no count or amount
    dated = [s for kind in ("date", "year", "time") for s in found[kind]]
    found["number"] = [s for s in found["number"] if not any(s[0] == d[0] and d[1] <= s[1] < d[2] for d in dated)]
    return Slots({k: tuple(sorted(set(v))) for k, v in found.items()}, measures)


@lru_cache(maxsize=64)
def person_names(text: str) -> tuple[str, ...]:
    """The persons `text` (search form) names after a job title (镇人大主席张晓敏), before a speech verb (王刚说)
    or as jieba's person words led by a surname (黄充), none a common word, once each: who a surname or given
    name alone may stand for (rag.answering.english)."""
    title_re, name_re, says_re, after = _person_patterns()
    freq = jieba_tokenizer().FREQ
    found = []
    for m in title_re.finditer(text):
        span = _person_after(text, m.end(), name_re, after)
        if span and _is_name(text[span[0] : span[1]], freq):
            found.append(text[span[0] : span[1]])
    for m in says_re.finditer(text):
        if (m.start() == 0 or text[m.start() - 1] in "，,。；”\"、 \n") and _is_name(m.group(), freq):
            found.append(m.group())
    found += [w for w in surnamed_persons(text) if _is_name(w, freq)]
    return tuple(dict.fromkeys(found))


def surnamed_persons(text: str) -> list[str]:
    """jieba's person words (nr) of `text` that are 2–4 characters and start with a surname, in order."""
    surnames = frozenset(name_words()["surname"])
    return [w.word for w in pos_tokenizer().cut(text) if w.flag == "nr" and 2 <= len(w.word) <= 4
            and (w.word[0] in surnames or w.word[:2] in surnames)]
