"""The asked-about thing or year the read articles never mention: refused naming it (issue #15).

The answerability model and the typed slot check (rag.answering.slot_check) pass a question whose article names
its topic and holds a filler of the asked kind, even when the thing asked about is nowhere in it: 那座高铁站叫什么
名字 answered with a signing ceremony, 渠岸镇2023年的GDP是多少 with a sentence naming 2023. Two checks, over the
whole text and title of the article(s) the chosen units come from:

- the focus: the words right before 是多少/叫什么名字/是谁 (after the last 的, without a demonstrative: 那座高铁站
  → 高铁站), or the verb right after 是谁/几点 (是谁执导的 → 执导, 几点开门 → 开门); English the noun phrase of
  "what is the X of", "how much X did", "Y's X", "what X did" (X a measure: the `what_measure_en` list of
  data/slot_heads.tsv) whose words have Chinese in the glossary (population → 人口) or are acronyms (GDP). The focus counts as mentioned when it or any two-character piece of it is in the text
  (结对共建的基础 ← 基础), and so do two of its characters in order (总金额 ← 总额): only a thing wholly absent
  refuses;
- the year: a year the question states (2024年) that the text never names, later than every read article's date:
  the question's premise is another event than the article's;
- the part of a year: a year's end, second half or quarter the question asks about (2024年底, the end of 2024)
  that starts after every read article's date, when no read article speaks of such a part of a year (年底,
  下半年, 季度): the results of the end of 2024 cannot be in a February 2024 report;
- the day: a day the question names without a year (推迟到7月16日) that the text never names, after every read
  article's date in its year;
- the place: a district, county, town or subdistrict a Chinese question names (北京朝阳区的…活动, 重庆渝中区签了…:
  a name jieba tags as a place ending in 区/县/镇/乡/街道, or a word before such a suffix) whose own name (朝阳, 渝中)
  no read article writes — over every article read, not only the chosen one's: the question is about a place the
  articles never report on (English questions: rag.answering.english's unmet words);
- the award: a question asking which award or prize was given (颁发了哪些奖项, 获得了什么荣誉, what awards were
  given) when the read articles say no award word (the `award_said` list of data/slot_heads.tsv: 奖, 荣誉, 表彰,
  称号 …): they never report one (the 联席会 reported no prize: bench/fresh15_qa.jsonl q20, tuned on);
- the rest of a list the article only counts: 除了A，其他九个获奖单位是哪些 when the read articles name A only as
  "A等10个…" (no other name listed before 等): the names asked for are nowhere (fresh14_qa p40, tuned on);
- completion: a when-question asking when a work is finished (什么时候完工, when will … be finished) whose read
  articles say no completion word (the `completion` list of data/slot_heads.tsv): the date they give is another
  event's (the visit to the bridge, not its opening).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from rag.answering.english import counted_list_en, english_dates
from rag.answering.model import Ranked
from rag.answering.postags import is_verb, pos_tokenizer, word_tags
from rag.answering.question import LIGHT_VERBS, QUESTION_WORDS, Question, written_question
from rag.answering.slots import COMMON_WORD, GENERIC_PLACE, proper_part, slot_words, without_classifier
from rag.lang.glossary import chinese_of
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows, read_word_lists
from rag.lang.words import jieba_tokenizer, tokens

_PIECE = r"[\u4e00-\u9fffa-z0-9]"
# the thing asked about, before the question word (its clause only)
_BEFORE = re.compile(rf"({_PIECE}{{2,12}}?)(?:一共|总共)?(?:是|为|叫|有)?(?:多少|什么名字|谁)[?？]?$")
# the action asked about, after 是谁/几点 (是谁执导的, 几点开门)
_AFTER = re.compile(r"(?:是谁|(?<!哪)几点)((?:(?![的了])[\u4e00-\u9fff]){2,4})(?:的|了)?[?？]?$")
# the thing asked about before 是哪个/是哪家 (冠军是哪个支部 → 冠军), and the 哪+classifier a head noun follows (哪家基金会)
_WHICH_ONE = r"哪(?:一)?(?:家|个|位|项|所|座|支|条|名|款|部|场|届|间|份)"
_WHICH = re.compile(_WHICH_ONE)
_WHICH_IS = re.compile(rf"({_PIECE}{{2,12}}?)(?:是|为){_WHICH_ONE}" r"[\u4e00-\u9fff]{0,6}?(?:呢|啊|呀)?[?？]?$")
_DEMONSTRATIVE = re.compile(r"^(?:那|这|该)(?:一)?(?:座|个|位|家|所|条|次|项|场|部|名|支)?")
# the rest of a list the question asks for: 除了A，其他九个获奖单位是哪些 (Cantonese 除咗…其他…係邊啲 once written)
_REST = re.compile(r"除(?:了|去|开)?([\u4e00-\u9fff]{2,15}?)(?:之外|以外|外)?[，,]"
                   r"[^？?]*?((?:其他|其余|其它|剩下|另外)(?:的)?[几一二三四五六七八九十两\d]*(?:个|家|位|名|所|项|支)?"
                   r"[\u4e00-\u9fff]{1,8}?)(?:分别)?(?:是|有|为)?(?:哪些|哪几|哪|谁|什么)")
_AWARD_ZH = re.compile(r"(?:哪些|什么|哪个|哪项|哪几项|啥)(奖项|奖品|奖励|奖|荣誉|称号)|(奖项|奖品|荣誉|称号)(?:是|有)?(?:哪些|什么)")
_AWARD_EN = re.compile(r"\b(?:which|what) (awards?|prizes?|honou?rs?)\b", re.I)
_YEAR_PREFIX = re.compile(r"^(?:\d{2,4}年(?:度)?|[\u4e00-\u9fff]{0,4}?\d{4}年(?:度)?)")
_EN_FOCUS = (
    re.compile(r"\bhow much ([a-z ]+?) (?:did|does|do|was|is|were|are|has|have|will)\b", re.I),
    re.compile(r"\bwhat (?:is|was|are|were) the ([a-z ]+?) (?:of|in|for|at)\b", re.I),
    re.compile(r"\b(?i:what) (?:is|was|are|were) [A-Z][\w]*'s ([\w ]+?)(?: in\b| of\b|\?|$)"),
    re.compile(r"\bwhat ([a-z]+) (?:did|does|do|will|was|is|were|are)\b", re.I),  # what score did … get: a measure only
)
# who made a work the article shows ("who directed the video", "who filmed the short film"): the verb's Chinese
# (data/work_roles_en.tsv) must be in the read text
_EN_MAKER = re.compile(r"\bwho (\w+) (?:the|this|that|its|their) (?:[\w-]+ ){0,3}?(?:videos?|films?|documentar(?:y|ies)|"
                       r"movies?|shorts?|programmes?|programs?|shows?|songs?|music|plays?|performances?|photos?|pictures?|"
                       r"micro-films?)\b", re.I)
_WHEN = re.compile(r"什么时候|何时|哪年|哪一年|哪天|几月|\bwhen\b|\bwhat (?:date|year)\b", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|(?!\d))")
# A part of a year the question asks about (2024年底, the end of 2024) and the month it starts in
_PERIOD_ZH = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?:的)?(年底|年末|底|末|下半年|第四季度|四季度|第三季度|三季度)")
_PERIOD_EN = re.compile(r"\b(end|close|second half|last quarter|fourth quarter|third quarter) of ((?:19|20)\d{2})\b|"
                        r"\b(late) ((?:19|20)\d{2})\b", re.I)
_PERIOD_START = {"年底": 10, "年末": 10, "底": 10, "末": 10, "第四季度": 10, "四季度": 10, "end": 10, "close": 10,
                 "last quarter": 10, "fourth quarter": 10, "late": 10, "下半年": 7, "second half": 7, "第三季度": 7,
                 "三季度": 7, "third quarter": 7}
# what an article says when it does speak of that part of a year (a plan 到年底完成, 下半年将…)
_PERIOD_WORDS = ("年底", "年末", "下半年", "季度", "岁末", "年终")


def zh_focus(norm: str) -> tuple[str, str] | None:
    """The thing a Chinese question asks about (那座高铁站叫什么名字 → 高铁站), or the asked-for action
    (是谁执导的 → 执导; 几点开门 → 开门, shown as 开门的时间), with how a refusal names it; None when it asks
    nothing of the kind or only in light words."""
    clause = re.split(r"[，,。；;：:！!]", norm.strip())[-1]
    m = _AFTER.search(clause)
    if m:  # a verb only (几点要求 counts points), and 几点 not the object of a verb (提出了几点要求)
        before = tokens(clause[: m.start()])
        clock = m.group(0).startswith("几点")
        if not is_verb(m.group(1)) or (clock and before and (before[-1] == "了" or is_verb(before[-1]))):
            return None
        word = _word(m.group(1))
        return (word, f"{word}的时间" if clock else word) if word else None
    m = _BEFORE.search(clause) or _WHICH_IS.search(clause)
    if not m or (m.re is _WHICH_IS and not _noun_tail(clause[m.end(1):])):
        return None  # (消息是哪家媒体报道的: the thing 是 ties to is no role the answer holds, a verb follows)
    phrase = re.split(r"[的之在]", m.group(1))[-1]
    if m.start() == 0 or clause[m.start() - 1] in "?？":  # a Cantonese bare classifier points (条片 → 片: too short to require)
        phrase = without_classifier(phrase)
    word = _word(content_part(_YEAR_PREFIX.sub("", _DEMONSTRATIVE.sub("", phrase))))
    if word and any(word.endswith(k) for k in focus_words()["class_noun"]):
        return None  # a kind, not a role (举办地点是哪所学校: the school is the place; 比赛叫什么名字: 擂台赛)
    return (word, word) if word else None


@lru_cache(maxsize=1)
def focus_words() -> dict[str, frozenset[str]]:
    """The `function` and `class_noun` lists of data/focus_words.tsv."""
    return {k: frozenset(v) for k, v in read_word_lists("rag.answering", "data/focus_words.tsv").items()}


# jieba tags of words that are never the thing asked about: adverbs, pronouns, conjunctions, prepositions, particles
_FUNCTION_FLAGS = ("d", "r", "c", "p", "u", "y", "o")


def _function(word: str, flag: str) -> bool:
    return word in focus_words()["function"] or flag[:1] in _FUNCTION_FLAGS or flag == "e"


def _content(word: str, flag: str) -> bool:
    """A noun, a name, a place, an organisation, a nominal verb (投资), a Latin word (GDP) or a number (第一名, 5G)."""
    return (flag.startswith("n") or flag in ("vn", "eng", "j")
            or (flag == "m" and bool(re.search(r"\d|^第", word))))


def content_part(phrase: str) -> str:
    """The phrase without the function words at its ends (各叫 → "", 都有 → "", 具体负责人 → 负责人), or "" when what
    is left holds no content word (data/focus_words.tsv `function`, and jieba's adverbs, pronouns and particles)."""
    if not phrase:
        return ""
    words = [(w.word, w.flag) for w in pos_tokenizer().cut(phrase)]
    while words and _function(*words[0]):
        words.pop(0)
    while words and _function(*words[-1]):
        words.pop()
    return "".join(w for w, _ in words) if any(_content(*w) for w in words) else ""


def _noun_tail(tail: str) -> bool:
    """Whether what follows 是/为+哪+classifier is nouns only (冠军是哪个支部), not a verb (是哪家媒体报道的)."""
    m = _WHICH.search(tail)
    words = [w for w in pos_tokenizer().cut(tail[m.end():]) if w.flag not in ("x", "y")] if m else []
    return bool(words) and all(w.flag.startswith("n") or w.flag == "j" for w in words)


def which_head(norm: str) -> str | None:
    """The head noun a Chinese question asks which one of (成立了哪家基金会 → 基金会, 哪个党支部 → 党支部): the nouns right
    after 哪+classifier; None for a kind whose answer names do not say it (哪家媒体 ← 大众日报: `class_noun`)."""
    clause = re.split(r"[，,。；;：:！!]", norm.strip())[-1]
    m = _WHICH.search(clause)
    if not m:
        return None
    words = []
    for w in pos_tokenizer().cut(clause[m.end():]):
        if not (w.flag.startswith("n") or w.flag in ("j", "l")) or w.flag in ("nr", "nrfg", "nrt"):  # (合作社 l)
            break
        words.append(w.word)
    head = "".join(words)
    kinds = focus_words()["class_noun"]
    if len(head) < 2 or any(head.startswith(k) or head.endswith(k) for k in kinds):
        return None
    if any(head.endswith(h) for h in slot_words().get("head", ())):
        return None  # (哪所大学, 哪个支部: the typed slot check wants a name ending in it, and says which is missing)
    return _word(head)


def _word(phrase: str) -> str | None:
    """A phrase worth requiring: no light word, and no word naming the measure itself (总金额, 增长率: the
    `slot_noun` list of data/slot_heads.tsv), which the article may give as a bare number, nor one asking about
    the article itself (作者, 来源: `source_noun`), which its credits answer."""
    if (len(phrase) < 2 or phrase in QUESTION_WORDS or phrase in LIGHT_VERBS or phrase.isdigit()
            or phrase in slot_words().get("slot_noun", ()) or phrase in slot_words().get("source_noun", ())):
        return None
    return phrase


def mentioned(phrase: str, text: str) -> bool:
    """The phrase, or two of its characters in order, is in the text (a Latin word: the whole word)."""
    if phrase in text:
        return True
    if re.fullmatch(r"[a-z0-9]+", phrase):
        return False
    # two of its characters in order, adjacent in the text: 总金额 ← 总额, 高铁站 ← 高铁
    return any(phrase[i] + phrase[j] in text for i in range(len(phrase)) for j in range(i + 1, len(phrase)))


def en_focus(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The English focus words a text can be checked for: (word, its Chinese forms or the acronym itself)."""
    for pattern in _EN_FOCUS:
        m = pattern.search(text)
        if m and pattern is _EN_FOCUS[-1] and m.group(1).lower() not in slot_words().get("what_measure_en", ()):
            continue
        if m:
            out = []
            for word in m.group(1).split():
                if word.isupper() and len(word) >= 2:
                    out.append((word, (word.lower(),)))
                elif forms := chinese_of(word.lower()):
                    out.append((word, forms))
            return out
    return []


@lru_cache(maxsize=1)
def _maker_words() -> dict[str, tuple[str, ...]]:
    """An English verb of making a work → the Chinese words an article names its maker with."""
    return {verb: tuple(forms.split()) for verb, forms in read_rows("rag.answering", "data/work_roles_en.tsv", 2, 2)}


def asked_award(q: Question) -> str | None:
    """The award a question asks which was given (颁发了哪些奖项 → 奖项; what awards → "any award"), or None."""
    if q.script == "en":
        return "any award" if _AWARD_EN.search(q.text) else None
    m = _AWARD_ZH.search(written_question(q.text))
    return (m.group(1) or m.group(2)) if m else None


def counted_rest(q: Question, text: str) -> str | None:
    """The rest of a list a Chinese question asks for (除了区委党校，其他九个获奖单位是哪些 → 其他九个获奖单位) when
    the text names the excepted one as the only name of a counted list (…和区委党校等10个十佳案例: nothing listed
    with it before 等) and never in a list with others (区委党校、…); None otherwise."""
    if q.script == "en":
        return None
    m = _REST.search(written_question(q.text))
    if not m:
        return None
    named = m.group(1)
    spots = [i.start() for i in re.finditer(re.escape(named), text)]
    if not spots:
        return None
    counted = False
    for i in spots:
        before = re.split(r"[，,。；;：:和与及为\n]", text[:i])[-1]
        after = text[i + len(named): i + len(named) + 1]
        if "、" in before or after == "、":
            return None  # listed with others somewhere: the article may name the rest
        counted = counted or after == "等"
    return m.group(2) if counted else None


_COUNT_ASK = re.compile(r"(\d+|[一二三四五六七八九十两]+)(个|件|项|家|位|名|所|支|条|大)([\u4e00-\u9fff]{2,10}?)"
                        r"[,，]?(?:(?:分别|具体|究竟|都)*(?:是|有|为|包括)(?:哪些|哪几)|(?:分别|具体|究竟|都)+(?:是|有|为|包括)什么)")
_ZH_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
              "九": "9", "十": "10"}
_ITEM_RUN = re.compile(r"、[^、。；]{1,30}、|[：:]|[一二三四五六七八九十]是|第[一二三四五六七八九十]|[（(][一二三四五六七八九十1-9][）)]")


def counted_list(q: Question, text: str) -> str | None:
    """The items of a list a Chinese question asks for by its count (10件为民办实事，具体都是哪几件 → 10件为民办实事)
    when the text only counts it (做好全面10件为民办实事重点工作): the count said before the asked thing, and no run
    of items around it (A、B、C等, a colon, 一是…, 第一…, （一）); None otherwise."""
    if q.script == "en":
        return counted_list_en(q.text, text)
    m = _COUNT_ASK.search(written_question(q.text))
    if not m:
        return None
    num, unit, thing = m.groups()
    counts = {num, _ZH_DIGITS.get(num, num)} | {k for k, v in _ZH_DIGITS.items() if v == num}
    found = False
    for c in counts:
        for hit in re.finditer(re.escape(c + unit), text):
            if thing[:2] not in text[hit.end(): hit.end() + 8]:
                continue
            before = re.split(r"[，,。；;\n]", text[: hit.start()])[-1]  # its clause: A、B等10件
            ends = [e for e in (text.find(s, hit.end()) for s in "。\n") if e >= 0]
            end = min(ends) if ends else len(text)
            after = text[hit.end(): end] + "。" + text[end + 1: end + 6]  # its sentence, the next one's start
            if "、" in before or _ITEM_RUN.search(after):
                return None  # the article lists them around the count
            found = True
    said = re.match(r"[^,，?？]+?(?=[,，]|分别|具体|究竟|都是|都有|是哪|有哪|是什么|包括)", written_question(q.text)[m.start():])
    return (said.group(0) if said else num + unit + thing) + "具体是哪些" if found else None


# a list asked for by 哪 and its count after the thing named (「12345」工作机制，具体是指哪五项)
_WHICH_COUNT = re.compile(r"([^，,。？?]{2,30}?)[，,]?(?:它|这)?(?:具体|究竟|分别|都|到底)*(?:是指|指的是|指|是|包括|包含|有)"
                          r"哪([一二三四五六七八九十两]|\d+)(个方面|项|个|条|件|点|大|方面)(?:内容|措施|要求|机制)?(?:呢|啊)?[?？]?$")


def which_counted(q: Question, text: str) -> str | None:
    """The items of a named thing a Chinese question asks for by 哪 and their count (「12345」工作机制，具体是指哪五项 →
    「12345」工作机制具体是哪五项) when the text names the thing (its quoted name, else its last word) but never lists
    that many items: no colon, 一是, 第一 or （一） in its sentence or the next one's start, and no clause of the
    text joining exactly as many by 、; None otherwise (哪两个人 asks persons, not items)."""
    if q.script == "en":
        return None
    asked = written_question(q.text)
    m = _WHICH_COUNT.search(asked)
    if not m:
        return None
    said, num, unit = m.groups()
    n = int(_ZH_DIGITS.get(num, num)) if num.isdigit() or num in _ZH_DIGITS else 0
    said = re.sub(r"^.*?的", "", said.strip()) or said.strip()  # 红钢城街道说的「12345」工作机制 → the thing
    names = [x for x in q.quoted if len(x) >= 2] or ([w for w in tokens(said) if len(w) >= 2][-1:])
    spots = [hit for name in names for hit in re.finditer(re.escape(normalize(name)), text)]
    if not spots or n < 2:
        return None
    if any(clause.count("、") == n - 1 for clause in re.split(r"[，,。；;\n]", text)):
        return None  # as many items joined by 、 somewhere (以互查、互学、互赛、互评为机制 for 四互): they may be its items
    for hit in spots:
        ends = [e for e in (text.find(x, hit.end()) for x in "。\n") if e >= 0]
        end = min(ends) if ends else len(text)
        sentence = text[hit.end(): end] + "。" + text[end + 1: end + 6]
        if re.search(r"[：:]|[一二三四五六七八九十]是|第[一二三四五六七八九十]|[（(][一二三四五六七八九十1-9][）)]", sentence):
            return None  # the article lists its items
    return f"{said}具体是哪{num}{unit}"


def completion_asked(q: Question) -> str | None:
    """The completion word a when-question asks by (什么时候完工 → 完工, when will it be finished → finished)."""
    asked = q.text if q.script == "en" else written_question(q.text)
    if not _WHEN.search(asked):
        return None
    lists = slot_words()
    if q.script == "en":
        return next((w for w in lists["completion_en"] if re.search(rf"\b{w}\b", asked, re.I)), None)
    return next((w for w in lists["completion"] if w in asked), None)


def asked_period(q: Question) -> tuple[tuple[str, int], str] | None:
    """The part of a year a question asks about ((year, the month it starts), as the question says it): 2024年底
    → (("2024", 10), "2024年底"), "the end of 2024" → (("2024", 10), "the end of 2024"); None without one."""
    if q.script == "en":
        m = _PERIOD_EN.search(q.text)
        if not m:
            return None
        word, year = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return (year, _PERIOD_START[word.lower()]), ("the " if m.group(1) else "") + m.group(0)
    m = _PERIOD_ZH.search(written_question(q.text))
    return ((m.group(1), _PERIOD_START[m.group(2)]), m.group(0)) if m else None


def _read_text(ranked: Ranked, rows: Sequence[int]) -> tuple[str, list[str]]:
    owners = sorted({int(ranked.owner[r]) for r in rows})
    arts = [ranked.pool[i] for i in owners]
    text = "\n".join("\n".join(pa.units.norm) + "\n" + normalize(pa.article.title) for pa in arts)
    return text, [pa.article.date or "" for pa in arts]


def absent_focus(q: Question, ranked: Ranked, rows: Sequence[int]) -> str | None:
    """What the question asks about that the read article(s) never mention (高铁站, GDP, 2024年), or None."""
    found = absent_reason(q, ranked, rows)
    return found[1] if found else None


def absent_reason(q: Question, ranked: Ranked, rows: Sequence[int]) -> tuple[str, str] | None:
    """(the rule that found it: focus, place, award, rest, completion, period, day or year; what is absent), or
    None: absent_focus with its rule named (bench/bench_refusal_rules.py counts each rule's fires)."""
    if q.multi or not len(rows):
        return None
    text, dates = _read_text(ranked, rows)
    if q.script == "en":
        for word, forms in en_focus(q.text):
            if not any(f in text for f in forms):
                return "focus", word
        maker = _EN_MAKER.search(q.text)
        forms = _maker_words().get(maker.group(1).lower(), ()) if maker else ()
        if forms and not any(f in text for f in forms):
            return "focus", maker.group(0)[0].lower() + maker.group(0)[1:]  # (refused as "… never mentions who directed the video")
    else:
        focus = zh_focus(written_question(q.text))
        if focus and not mentioned(focus[0], text):
            m = re.search(re.escape(focus[0]), q.text, re.I)  # a Latin word as the question writes it (GDP)
            return "focus", (m.group(0) if m and focus[0].isascii() else focus[1])
        head = which_head(written_question(q.text))
        if head and head not in text and head[-2:] not in text:  # its kind is said with a name (党支部 ← 支部)
            return "which", head
    place = unread_place(q, ranked)
    if place:
        return "place", place
    award = asked_award(q)
    if award and not any(w in text for w in slot_words()["award_said"]):
        return "award", award
    rest = counted_rest(q, text) or counted_list(q, text) or which_counted(q, text)
    if rest:
        return "rest", rest
    done = completion_asked(q)
    if done and not any(w in text for w in slot_words()["completion"]):
        return "completion", ("when it will be finished" if q.script == "en" else f"{done}时间")
    period = asked_period(q)
    if period and not any(w in text for w in _PERIOD_WORDS):
        (year, month), said = period
        dated = [d[:7] for d in dates if re.match(r"\d{4}-\d{2}", d)]
        if dated and len(dated) == len(dates) and all(d < f"{year}-{month:02d}" for d in dated):
            return "period", said
    day = later_day(q, text, dates)
    if day:
        return "day", day
    for year in dict.fromkeys(_YEAR.findall(written_question(q.text))):
        # every read article dated before that year: it cannot report on it (an earlier year may be looked back on,
        # and a question's wrong earlier year is too often its writer's slip: CRUD qa_dev 2021年 ← a 2023 article)
        dated = [d[:4] for d in dates if d[:4].isdigit()]
        if year not in text and dated and len(dated) == len(dates) and all(d < year for d in dated):
            return "year", (year if q.script == "en" else f"{year}年")
    return None


# the suffixes of a place asked about that articles name whole (a province or city they often leave unsaid)
_PLACE_SUFFIX = ("街道", "区", "县", "镇", "乡")
_PLACE_TAGS = ("ns", "nt")
_ASKING = re.compile(r"[哪何啥几那这该某]|什么|多少")  # 哪个街道, 什么区, 那个镇: a place asked or pointed at, not named


_SUFFIX_END = re.compile(r".*?(?:街道|区|县|镇|乡)(?=[\u4e00-\u9fff]{2})")


def _split_run(word: str, freq: dict) -> list[str]:
    """A word jieba does not know that runs place names together, split after each place suffix inside it
    (石马镇小枧镇 cut as 石马 / 镇小枧镇 → 镇, 小枧镇; brief T14, fresh17_qa f17_02): each place is looked for alone."""
    if freq.get(word) or len(word) < 4:
        return [word]
    pieces, rest = [], word
    while (m := _SUFFIX_END.match(rest)) and not freq.get(rest):
        pieces.append(m.group(0))
        rest = rest[m.end():]
    return pieces + [rest]


def asked_places(norm: str) -> list[str]:
    """The districts, counties, towns and subdistricts a Chinese question (search form) names: a word of jieba's
    dictionary tagged as a place or organisation, or a word it does not know, that ends in a `_PLACE_SUFFIX`
    (朝阳区, 渝中区), or such a word of two or more characters right before a suffix said apart (石马 镇, 渠岸 镇);
    never a generic one (全区, 各镇: slots.GENERIC_PLACE), one asked or pointed at (哪个街道, 那个镇), a kind of
    place said with a common word (轮值街道, 试点镇, 中心镇: jieba frequency from slots.COMMON_WORD) or a common noun
    (社区, 辖区). Dictionary tags, not jieba.posseg: a cold `rag ask` never imports the tagger."""
    freq, tags = jieba_tokenizer().FREQ, word_tags()
    words = [piece for word in tokens(norm) for piece in _split_run(word, freq)]

    def named(word: str) -> bool:
        return tags.get(word) in _PLACE_TAGS or not freq.get(word)

    out = []
    for i, word in enumerate(words):
        if word.endswith(_PLACE_SUFFIX) and named(word):
            place = word
        elif (i + 1 < len(words) and words[i + 1] in _PLACE_SUFFIX and len(word) >= 2
              and re.fullmatch(r"[\u4e00-\u9fff]+", word) and named(word)):
            place = word + words[i + 1]
        else:
            continue
        own = proper_part(place)
        if (len(own) >= 2 and own != place and not GENERIC_PLACE.match(own) and not _ASKING.search(own)
                and (freq.get(own) or 0) < COMMON_WORD):
            out.append(place)
    return list(dict.fromkeys(out))


def unread_place(q: Question, ranked: Ranked) -> str | None:
    """A place a Chinese question names (北京朝阳区 → 朝阳区) whose own name (朝阳) no read article writes, in its text
    or title: the first such, or None."""
    if q.script == "en" or q.multi:
        return None
    owners = range(len(ranked.pool))
    text = "\n".join("\n".join(ranked.pool[i].units.norm) + "\n" + normalize(ranked.pool[i].article.title) for i in owners)
    return next((p for p in asked_places(written_question(q.text)) if proper_part(p) not in text), None)


# a day the question names without a year (推迟到7月16日, July 16)
_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")


def later_day(q: Question, text: str, dates: Sequence[str]) -> str | None:
    """A day the question names without a year (为啥推迟到7月16日才开？) that the read articles never mention and that
    falls after every read article's date in its year: a report cannot tell of it (6月16日's meeting is the one it
    reports). The day as the question says it, or None."""
    norm = written_question(q.text)
    if _YEAR.search(norm):
        return None
    days = [(int(m), int(d), f"{m}月{d}日") for m, d in _DAY.findall(norm)]
    if q.script == "en":
        days += [(int(m), int(d), f"{m}月{d}日") for m, d in (re.match(r"(\d+)月(\d+)日", x).groups() for x in english_dates(q.text))]
    dated = [d for d in dates if re.match(r"\d{4}-\d{2}-\d{2}", d)]
    if not days or not dated or len(dated) != len(dates):
        return None
    for month, dd, said in days:
        if said in text or f"{month}月{dd}号" in text:
            continue
        if all(f"{month:02d}-{dd:02d}" > d[5:10] for d in dated):
            return said
    return None

