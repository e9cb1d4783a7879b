"""What slot a question asks to fill (rag.answering.slot_check checks the chosen answer for a filler of it).

`asked_slot` reads the slot off the question: 哪+classifier+head noun (哪所大学: the `head` lists of
data/slot_heads.tsv, English "which university"), 多少/几+measure word (多少人) and English "how many X"
(rag/lang/data/count_nouns_en.tsv), 多少钱, a length (大桥有多长), a phone number, a person (谁/叫什么名字/who), a date (哪天) or time
(什么时候/when), a place (哪里/where), a reason (为什么/why), an origin (哪里人), 谁的+noun, and the asked-for
actions a date or place must sit beside. See slot_check's note for what fills each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.answering.postags import is_verb, pos_tokenizer, tag
from rag.answering.question import LIGHT_VERBS, QUESTION_WORDS, Question, written_question
from rag.answering.slots import slot_words, without_classifier
from rag.lang.glossary import count_nouns
from rag.lang.script import has_han
from rag.lang.wordlists import alternation
from rag.lang.words import jieba_tokenizer, tokens

_CLASSIFIER = r"(?:一)?(?:个|所|家|座|位|条|间|支|级)?"


@lru_cache(maxsize=1)
def _heads() -> tuple[re.Pattern, dict[str, tuple[str, ...]], re.Pattern]:
    """The 哪+classifier+head pattern, English word → Chinese heads, and the English "which …" pattern."""
    lists = slot_words()
    zh = re.compile(rf"哪{_CLASSIFIER}({alternation(lists['head'])})")
    english: dict[str, tuple[str, ...]] = {}
    for name, words in lists.items():
        if name.startswith("en:"):
            for word in words:
                english[word] = tuple(name[3:].split(","))
    en = re.compile(rf"\bwhich ({alternation(english)})\b", re.I)
    return zh, english, en


def _kin_heads(head: str) -> tuple[str, ...]:
    """A Chinese head and the heads of names of its kind (哪所学校: a name ending in 学校, 小学, 中学 …; the
    `kin:` lists of data/slot_heads.tsv)."""
    return (head, *slot_words().get(f"kin:{head}", ()))


@dataclass(frozen=True)
class Asked:
    """The slot a question asks to fill and what would fill it."""

    kind: str  # absent | head | count | amount | money | phone | person | date | when | why | origin | place | length | role
    heads: tuple[str, ...] = ()  # a name must end in one of these (head)
    measure: str | None = None  # a number must carry this measure (count)
    anchor: str | None = None  # a word of the question that must be in the text read (counted noun, focus, role)
    phrase: str = ""  # how the question asks it, for the refusal (是哪所大学, which university)
    names_only: bool = False  # a person's name, not an organisation (叫什么名字)
    events: tuple[str, ...] = ()  # the asked-for actions, rarest first (复评, 召开): a date or place must sit in a span naming the first the article names
    counted: tuple[str, ...] = ()  # the Chinese nouns an English count asks of (how many villages → 村): a number must count one


_COUNT = re.compile(r"(?:多少|(?<![这那哪])几)(?:万元|亿元|万人|平方米|公里|公斤|小时|分钟|个月|[个件位名家项次人天年岁元台辆架艘座所只条批场户吨米秒周倍期届])"
                    r"([\u4e00-\u9fff]{2,8})")
_PHONE_ASKED = re.compile(r"电话|手机号|\b(?:tele)?phone\b", re.I)  # 联系方式/邮箱/网址 may be answered otherwise
_NAME_ASKED = re.compile(r"叫什么|名字|姓名|\bname\b", re.I)
_HOW_MANY = re.compile(r"多少|几")
_EN_COUNT = re.compile(r"\bhow (many|much)\b|\bnumber of\b|\bpopulation\b", re.I)
# A date asked for in so many words; 什么时候/何时/when may be answered by 出发前, 会后, 近期: not checked.
_DATE_ASKED = re.compile(r"哪天|哪一天|几号|几月|哪个月|日期|哪一日|什么日子|哪年|哪一年|"
                         r"\b(what|which) (date|day|year)\b|\bon what date\b", re.I)
# A time asked for less precisely: a date, a clock time or a time word answers it.
_WHEN_ASKED = re.compile(r"什么时候|何时|何日|什么时间|\bwhen\b", re.I)
# 为什么/为何 asks why unless a noun follows (被鉴定为什么价值: 为 + 什么价值); 目的/原因 when the question ends
# asking it (目的是什么？), not when it asks a thing inside the purpose (目的是为了促进什么经济的发展)
_WHY_ASKED = re.compile(r"(?:为什么|为何)(?P<after>[\u4e00-\u9fff]{0,4})|(?:目的|原因|用意)(?:是|为|在于)?(?:什么|何在)?[？?]?$|"
                        r"\bwhy\b|\bpurpose\b|\breason\b", re.I)
_ORIGIN_ASKED = re.compile(r"哪里人|哪儿人|什么地方人|籍贯|祖籍|原籍|老家在哪|\bwhere\b.*\b(?:from|born)\b|\bhometown\b", re.I)
_WHOSE = re.compile(r"谁的([\u4e00-\u9fff]{2,6})")
# A place said as someone's origin: the place right before 人 at the end of a clause (四川成都人，).
# Tags of jieba's part-of-speech model that name a person, an organisation, a place.


def _anchor(word: str | None) -> str | None:
    """A word worth requiring in the text: two or more Han characters, not a question or light word."""
    if not word or len(word) < 2 or not has_han(word) or word in QUESTION_WORDS or word in LIGHT_VERBS:
        return None
    return word


def _counted_noun(norm: str) -> str | None:
    """The noun a 多少+measure question counts (多少个行政村 → 行政村); None when a verb follows (多少人参加)."""
    m = _COUNT.search(norm)
    if not m:
        return None
    for tok in tokens(m.group(1)):
        if len(tok) >= 2 and has_han(tok) and tok not in QUESTION_WORDS:
            return None if is_verb(tok) or tag(tok) == "vn" else tok
        if tok not in ("的", "之"):
            return None
    return None


def _why_asked(text: str) -> bool:
    """Whether the question asks why (or for a purpose), not a thing after 为 (被鉴定为什么价值)."""
    m = _WHY_ASKED.search(text.strip())
    if not m:
        return False
    after = list(pos_tokenizer().cut(m.group("after"))) if m.group("after") else []
    return not (after and after[0].flag in ("n", "ng", "nz"))


_ROLE_FLAGS = ("n", "nz", "m")  # jieba tags of a role the asked name holds (第一名 m, 冠军 n, 负责人 n)
_ASPECT = frozenset({"了", "过", "着"})


def _head_role(norm: str, m: re.Match) -> str | None:
    """The role a 哪+head question asks the holder of: the noun right before 是 (第一名是哪个支部) or the head noun
    of the object of the verb right after the head (哪个支部拿了第一名); None otherwise (最后是: an adverb holds no
    role)."""
    before = norm[: m.start()]
    words = list(pos_tokenizer().cut(before[:-1]))[-1:] if before.endswith("是") else []
    clause = re.split(r"[，,。？?！!；;]", norm[m.end():])[0]
    after = [w for w in pos_tokenizer().cut(clause) if w.word not in _ASPECT]
    if len(after) >= 2 and after[0].flag.startswith("v"):
        words += after[-1:]  # the object's head noun ends it (获得了城投集团擂台赛第一名 → 第一名)
    for w in words:
        if len(w.word) >= 2 and w.flag in _ROLE_FLAGS and w.word not in QUESTION_WORDS and has_han(w.word):
            return w.word
    return None


def asked_slot(q: Question) -> Asked | None:
    """The slot `q` asks to fill, when it is one this check reads; None for passages, lists and other kinds."""
    if q.multi:
        return None
    norm = written_question(q.text)
    zh_head, english, en_head = _heads()
    m = zh_head.search(norm) if q.script != "en" else None
    if m:
        role = _head_role(norm, m)
        return Asked("head", _kin_heads(m.group(1)), phrase="是" + m.group(0), events=(role,) if role else ())
    m = en_head.search(q.text) if q.script == "en" else None
    if m:
        return Asked("head", english[m.group(1).lower()], phrase=m.group(0).lower())
    if _LENGTH_ASKED.search(q.text if q.script == "en" else norm):
        # how long a bridge, road or tunnel is (大桥有多长, how long is the bridge): a length (1.2公里, 800米), not
        # the date it was visited nor any other number
        return Asked("length", phrase="how long it is" if q.script == "en" else "长度")
    if q.atype in ("duration", "number") and _term_asked(q):
        # how long an agreement, a term or a plan runs (协议有效期是几年, 为期几年, 任期多长): a length of time
        # (三年, 五年), not the year it was signed (2022年); asked of two parties too (两个街道的协议)
        return Asked("duration", phrase="how long it runs" if q.script == "en" else "期限")
    if _ROLE_ASKED.search(q.text if q.script == "en" else norm):
        # the part someone plays (担任什么角色, 以什么身份, what role): the unit saying it (作为…轮值街道, 担任…), never refused
        return Asked("role", phrase="what role" if q.script == "en" else "角色")
    counted_role = _COUNTED_ROLE.search(norm) if q.script != "en" else None
    if counted_role and counted_role.group(2) in slot_words().get("role_noun", ()):
        # how many of a role (每场有几个评委): the role must be said with the count (评审团 is not 评委)
        role, measure = counted_role.group(2), counted_role.group(1) or q.measure or "个"
        return Asked("count", measure=measure, anchor=role, phrase=f"{role}有多少{measure}")
    if q.enum and not (q.measure and q.script != "en" and counted_heads(norm, ending=True)):
        return None  # (有几个村和社区？ reads as a list too, but asks how many there are: a count, checked below)
    # (a Cantonese bare classifier points: 條片叫咩名 asks the name of that 片, a word too short to require)
    focus = _anchor(without_classifier(q.focus[0])) if q.focus and q.script != "en" else None
    if q.atype in ("number", "money", "percent") and q.script != "en" and _HOW_MANY.search(norm):
        if q.measure:
            noun = _anchor(_counted_noun(norm))
            heads = counted_heads(norm)
            said = noun or "和".join(heads)
            return Asked("count", measure=q.measure, anchor=noun, phrase=f"{said}有多少{q.measure}", counted=heads)
        if focus and not is_verb(focus):
            anchor = None if focus in slot_words().get("slot_noun", ()) else focus
            return Asked("amount", anchor=anchor, phrase=f"{focus}是多少")
        if q.atype == "money":  # 多少钱 (总投资多少钱, 花了多少钱): an amount of money, not any number (6个单位)
            return Asked("money", phrase="金额")
        return None
    if q.atype == "phone" and _PHONE_ASKED.search(q.text if q.script == "en" else norm):
        return Asked("phone", phrase="the phone number" if q.script == "en" else "联系电话")
    if q.atype in ("number", "money", "percent") and _EN_COUNT.search(q.text):
        # "how many books" counts in the measure word of its noun (rag/lang/data/count_nouns_en.tsv), as 多少本 does
        if q.measure:
            return Asked("count", measure=q.measure, phrase="the number asked for", counted=counted_nouns(q.text))
        if q.atype == "money":  # how much (prize) money: an amount of money, not any number (6 units)
            return Asked("money", phrase="the amount of money asked for")
        return Asked("amount", phrase="the number asked for")
    if _ORIGIN_ASKED.search(q.text if q.script == "en" else norm):
        return Asked("origin", phrase="where they are from" if q.script == "en" else "籍贯（是哪里人）")
    whose = _WHOSE.search(norm) if q.script != "en" else None
    if whose:  # 谁的宣讲: a person or a body (谁的利益: 原创者) whose 宣讲 the text names
        noun = next((_anchor(t) for t in tokens(whose.group(1)) if len(t) >= 2), None)
        return Asked("person", anchor=noun, phrase=f"是谁的{noun or ''}")
    if q.atype in ("person", "speaker") and "谁的" not in norm:
        names_only = bool(_NAME_ASKED.search(norm))
        # the role asked about (冠军是谁, 党委书记叫什么): it must be in the text; 姓名/名字 itself is no role
        # (an adverb before 是谁 — 已经是谁, 最终是谁 — is no role either)
        role = focus if focus and not is_verb(focus) and tag(focus) != "d" and not _NAME_ASKED.search(focus) else None
        if q.script == "en":
            return Asked("person", phrase="who", names_only=names_only)
        asked_role = _WHICH_ROLE.search(norm)
        if role is None and asked_role and asked_role.group(1) in slot_words().get("role_noun", ()):
            role = asked_role.group(1)  # 哪位导演拍的: 导演 must be said
        who = re.search(r"谁", norm)
        if role is None and who:  # a rank after 谁+verb (谁获得了第一名 → 第一名; not 谁主持了会议)
            role = _head_role(norm, who)
            role = role if role in slot_words().get("rank", ()) else None
        phrase = (f"{role}叫什么名字" if role else "姓名") if names_only else f"{role or ''}是谁"
        rank = (role,) if role in slot_words().get("rank", ()) else ()  # its holder is named with it (擂台赛第一名将代表…: not)
        return Asked("person", anchor=role, phrase=phrase, names_only=names_only, events=rank)
    weight = dict(q.terms)
    events = tuple(sorted((w for w in dict.fromkeys(q.predicates + q.focus) if _anchor(w) and is_verb(w)),
                          key=lambda w: -weight.get(w, 0.0))) if q.script != "en" else ()
    if q.atype in ("date", "year") and _DATE_ASKED.search(norm):
        return Asked("date", phrase="when" if q.script == "en" else "具体日期", events=events)
    if q.atype in ("date", "year", "time") and _WHEN_ASKED.search(q.text if q.script == "en" else norm):
        return Asked("when", phrase="when" if q.script == "en" else "时间", events=events)
    if q.atype in ("purpose", "cause") and _why_asked(q.text if q.script == "en" else norm):
        return Asked("why", phrase="why" if q.script == "en" else "原因或目的", events=events)
    if q.atype == "place":
        return Asked("place", phrase="where" if q.script == "en" else "具体地点", events=events)
    if q.atype == "duration" and _RUNNING_TIME.search(q.text if q.script == "en" else norm):
        # how long a video, a show or a meeting is (视频有多长): its running time (5分钟), which articles rarely give;
        # not any 多久 (在多长时间内要求释放: CRUD qa_dev's 一周 sits outside the chosen units)
        return Asked("duration", phrase="how long" if q.script == "en" else "时长")
    return None


@lru_cache(maxsize=1)
def _zh_counted() -> re.Pattern:
    """多少个/几个 + head nouns (data/slot_heads.tsv `head`), joined by 和/与/及/、/或."""
    heads = alternation(slot_words()["head"])
    return re.compile(rf"(?:多少|几)个((?:{heads})(?:(?:以及|和|与|及|、|或)(?:{heads}))*)")


def counted_heads(norm: str, ending: bool = False) -> tuple[str, ...]:
    """The places or bodies a Chinese question counts with 多少个/几个 (多少个村和社区 → 村, 社区; 几个村 → 村): head
    nouns of data/slot_heads.tsv, each a word of its own (多少个村民 counts villagers: jieba knows 村民); ()
    otherwise. With `ending`, only when they end the question (有几个社区？, not 有几个社区的书记发了言)."""
    m = _zh_counted().search(norm)
    if not m or (ending and not re.fullmatch(r"[呢啊呀吗]?[？?。！!]*", norm[m.end():].strip())):
        return ()
    freq = jieba_tokenizer().FREQ
    heads = [h for h in re.split(r"以及|和|与|及|、|或", m.group(1)) if h]
    after = norm[m.end(): m.end() + 1]
    if after and freq.get(heads[-1] + after):  # the last head runs on into a longer word (村民, 区县)
        return ()
    return tuple(dict.fromkeys(heads))


# the words after "how many" its counted nouns are read from (as rag.lang.glossary.english_measure reads them)
_EN_COUNTED = re.compile(r"\bhow many ((?:[a-z'-]+ ){0,2}[a-z'-]+)", re.I)


def counted_nouns(text: str) -> tuple[str, ...]:
    """The Chinese head nouns of what an English question counts ("how many villages and communities" → 村, 社区):
    the bare count nouns (rag/lang/data/count_nouns_en.tsv) right after "how many" and after an "and"/"or" that
    follows one, each by its `en:` list of data/slot_heads.tsv (singular). A noun with a word before it names a
    kind its article may say otherwise ("how many working groups": 13个工作专班, no 集团), and "how many community
    projects" counts projects, which no list names: both ()."""
    m = _EN_COUNTED.search(text)
    if not m:
        return ()
    english, table = _heads()[1], count_nouns()
    out: list[str] = []
    words = [w.lower() for w in m.group(1).split()]
    for i, word in enumerate(words):
        if i % 2 and word in ("and", "or"):
            continue
        if i % 2 or word not in table:
            break
        for single in (re.sub(r"ies$", "y", word), re.sub(r"(?<=[sxh])es$", "", word), re.sub(r"s$", "", word)):
            if single in english:
                out += english[single]
                break
    return tuple(dict.fromkeys(out))


def _term_asked(q: Question) -> bool:
    """Whether the question asks the term something runs for: a `term` word of data/slot_heads.tsv (有效期, 期限,
    任期) in a Chinese question, an English one (valid, term, agreement) after "how long" / "how many years"."""
    if q.script == "en":
        m = re.search(r"\bhow (?:long|many years)\b(.*)", q.text, re.I)
        return bool(m) and any(re.search(rf"\b{w}\b", m.group(1), re.I) for w in slot_words().get("term_en", ()))
    norm = written_question(q.text)
    return any(w in norm for w in slot_words().get("term", ()))


# A length asked of a built work or a river: Chinese 多长/长度/全长 right after its noun (大桥有多长, 大桥的长度; not
# 《一路向前》有多长, a video), English "how long is the … bridge", "the length of"
# The part someone plays (brief H12, tuned on fresh14_qa p14 担任咩角色): 担任/扮演/充当 什么角色, 以什么身份, what role
_COUNTED_ROLE = re.compile(r"(?:多少|几)(个|名|位)?([\u4e00-\u9fff]{2,3}?)[呢啊呀吗]?[？?。！!]*$")
_WHICH_ROLE = re.compile(r"(?:哪|哪一|什么|的)(?:位|个|名)?([\u4e00-\u9fff]{2,3}?)(?:拍|导|执导|编|演|担任|是谁|叫什么|[？?])")
_ROLE_ASKED = re.compile(r"(?:担任|扮演|充当|担当|是|作为|以|当)了?(?:一个)?(?:什么|哪种|何种|怎样的|哪个|啥)(?:样的)?(?:角色|身份)|"
                         r"(?:角色|身份)(?:是|为)(?:什么|啥)|\b(?:what|which) role\b|\bin what capacity\b", re.I)
_LENGTH_ASKED = re.compile(
    r"(?:桥|路|隧道|铁路|公路|高速|大道|街|河|江|渠|线|管道|跑道|栈道|绿道|堤)(?:的)?(?:有|是)?(?:多长|多少米|多少公里|多少千米)|"
    r"(?:桥|路|隧道|铁路|公路|高速|大道|街|河|江|渠|线|管道|跑道|栈道|绿道|堤)(?:的)?(?:总长度|长度|全长|总长)|"
    r"\bhow long (?:is|was|will be) (?:the|that|this|its)\b[^?,.;]{0,60}?\b(?:bridge|road|tunnel|railway|highway|expressway|"
    r"street|river|canal|line|pipeline|runway|trail|dam|wall)s?\b(?! (?:project|construction|works?) (?:take|last))|"
    r"\b(?:the|its) (?:total )?length of\b|\bhow many (?:kilometres|kilometers|km|metres|meters|miles) long\b", re.I)
_RUNNING_TIME = re.compile(r"(视频|短片|影片|电影|节目|演出|会议|直播|讲座|仪式|典礼)[^，,。？?]{0,8}有?多长|"
                           # how long someone spoke (王仕军教授讲了多长时间, 宣讲了多久): the talk's running time
                           r"(?:讲|说|发言|讲话|宣讲|致辞|演讲|讲课|授课|报告)了?(?:有)?(?:多长时间|多久|几个小时|几分钟|多少分钟)|"
                           r"\bhow long (?:is|was) (?:the|that|its|(?:\w+ ){0,2}\w+'s) (?:video|film|show|programme|program|speech|ceremony|talk|lecture)\b|"
                           r"\bhow long did [^?]{1,60}? (?:speak|talk|lecture|present|give (?:his|her|the) (?:talk|speech|lecture))\b", re.I)
