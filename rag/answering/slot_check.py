"""The typed slot check after the model: does the chosen answer hold a filler of the slot the question asks?

The answerability model (rag.answering.refusal) judges a question by how much of it the best article holds; an
article that names the topic passes it even when it never gives the asked-for thing (a population, a prize, the
winner, someone's university). This check reads the slot off the question and looks for a filler in the chosen
units and the sentences beside them:

- 哪+classifier+head noun (哪所大学, 哪个支部, 哪家酒店; English "which university"): a name ending in that head
  (data/slot_heads.tsv), other than one the question already names — in a span naming the role the question asks
  its holder of (第一名是哪个支部, 哪个支部拿了第一名) when the article names that role;
- 多少/几+measure word (多少人, 多少个行政村): a number with that measure, and the counted noun (行政村) in the text;
  English "how many X" with X's measure (rag/lang/data/count_nouns_en.tsv: books → 本);
- 多少钱: an amount of money; 电话/手机号/phone: a phone number;
- 多少 without a measure (常住人口是多少, 财政收入是多少): a number, and the word asked about (常住人口) in the text;
- 谁/叫什么名字 (English who): a person's name (an organisation also fills 谁), and the role asked about (冠军);
- 哪天/几号 (English what date): a date; 什么时候/何时/何日 (English when): a date, a clock time or a time word
  (近日, 期间: the `when` list of data/slot_heads.tsv); 哪里 (English where): a place or an organisation;
- 为什么/为何/目的 (English why): a purpose or cause clause (为了…, 旨在…, 由于…: the `purpose`/`cause` lists);
- 哪里人/籍贯 (English where … from): a place said as someone's origin (四川成都人，, 籍贯…: the `origin` list);
- 谁的+noun (谁的宣讲): a person or organisation, and the noun (宣讲) in the text.

A date, time, place or reason must sit in a span naming the asked-for action when the article names it.
When the chosen unit holds no filler but another of its article's best units or a neighbour does, that unit is
quoted with it or instead (`filler_row`); only when none does is the question refused.

No filler → the answer is a refusal that says what is missing (`slot_refusal`), in the asker's language and script.
Every filler comes from the question-independent annotations of rag.answering.slots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.absent import absent_focus
from rag.answering.model import Ranked
from rag.answering.pool import PoolArticle
from rag.answering.postags import is_verb, tag
from rag.answering.premise import premise_gap, segments_naming
from rag.answering.question import LIGHT_VERBS, QUESTION_WORDS, Question
from rag.answering.slots import GENERIC_PLACE, GENERIC_TAIL, name_start, slot_words
from rag.answering.units import Span
from rag.lang.display import to_script
from rag.lang.script import has_han, normalize
from rag.lang.wordlists import alternation
from rag.lang.words import jieba_tokenizer, tokens
from rag.records import Answer

_CLASSIFIER = r"(?:一)?(?:个|所|家|座|位|条|间|支|级)?"
_NEAR_SENTENCES = 1  # sentences each side of a chosen unit that count as near it
_RUNNERS_UP = 3  # the article's best-scored units, which count as near the chosen one
SWAP_TOP = 5  # the article's best-scored units a slot filler may be taken from instead of the chosen unit
NEIGHBOURS = 1  # sentences each side of the chosen units whose units may give the filler instead
# A reason is said in so many ways (受…影响, 使…化为泡影, a cause in the headline) that its absence refuses nothing:
# a why question only takes the unit with a purpose or cause clause (filler_row). Refusing for want of one cost
# CRUD qa_dev 3 more false refusals (9 -> 12 of 295) and refused no more unanswerable questions there.
CHOICE_ONLY = frozenset({"why"})
# Slots whose filler must sit beside the asked-for action for the question to count as answered. A date asked
# less precisely (什么时候) is answered by the day of the whole event (田志凯什么时候致辞 ← the meeting's 6月16日),
# so `when` only prefers the unit naming the action (filler_row), and is refused only with no time near at all.
EVENT_BOUND = frozenset({"date", "place"})
_CLAUSE_END = "，,。；;：:、“”（）()《》！？!? \n"


@lru_cache(maxsize=1)
def _pos_tokenizer():
    """jieba's part-of-speech tagger over the package's own jieba tokenizer (its HMM tags unknown names: 李丰 nr)."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba_tokenizer())


def _tagged(text: str, tags: Sequence[str], qnorm: str) -> bool:
    """True when `text` holds a word of two or more characters tagged with one of `tags` that the question lacks.
    A two-character dictionary word tagged as a person (惠民) is a word before it is a name: only names the
    tagger found itself (李丰), longer ones (麦卡锡) and transliterations count as people."""
    freq = jieba_tokenizer().FREQ
    for w in _pos_tokenizer().cut(text):
        if len(w.word) < 2 or not w.flag.startswith(tuple(tags)) or w.word in qnorm:
            continue
        if w.flag == "nr" and len(w.word) == 2 and freq.get(w.word):
            continue
        return True
    return False


def _same_measure(found: str, asked: str) -> bool:
    """A number counted in `found` answers a question asking 多少+`asked` (多少个: any; 多少人 ← 576名)."""
    if asked == "个" or found.endswith(asked):
        return True
    groups = slot_words()
    return any(found in words and asked in words for name, words in groups.items() if name in ("people", "units"))


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

    kind: str  # absent | head | count | amount | money | phone | person | date | when | why | origin | place
    heads: tuple[str, ...] = ()  # a name must end in one of these (head)
    measure: str | None = None  # a number must carry this measure (count)
    anchor: str | None = None  # a word of the question that must be in the text read (counted noun, focus, role)
    phrase: str = ""  # how the question asks it, for the refusal (是哪所大学, which university)
    names_only: bool = False  # a person's name, not an organisation (叫什么名字)
    events: tuple[str, ...] = ()  # the asked-for actions, rarest first (复评, 召开): a date or place must sit in a span naming the first the article names


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
_ORIGIN_PLACE_END = re.compile(r"人(?=[，,。；;、）)]|$)")
# Tags of jieba's part-of-speech model that name a person, an organisation, a place.
_PERSON_TAGS = ("nr",)
_NAME_TAGS = ("nr", "nt", "nz")
_PLACE_TAGS = ("ns", "nt")


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
    after = list(_pos_tokenizer().cut(m.group("after"))) if m.group("after") else []
    return not (after and after[0].flag in ("n", "ng", "nz"))


_ROLE_FLAGS = ("n", "nz", "m")  # jieba tags of a role the asked name holds (第一名 m, 冠军 n, 负责人 n)
_ASPECT = frozenset({"了", "过", "着"})


def _head_role(norm: str, m: re.Match) -> str | None:
    """The role a 哪+head question asks the holder of: the noun right before 是 (第一名是哪个支部) or the head noun
    of the object of the verb right after the head (哪个支部拿了第一名); None otherwise (最后是: an adverb holds no
    role)."""
    before = norm[: m.start()]
    words = list(_pos_tokenizer().cut(before[:-1]))[-1:] if before.endswith("是") else []
    clause = re.split(r"[，,。？?！!；;]", norm[m.end():])[0]
    after = [w for w in _pos_tokenizer().cut(clause) if w.word not in _ASPECT]
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
    norm = normalize(q.text)
    zh_head, english, en_head = _heads()
    m = zh_head.search(norm) if q.script != "en" else None
    if m:
        role = _head_role(norm, m)
        return Asked("head", _kin_heads(m.group(1)), phrase="是" + m.group(0), events=(role,) if role else ())
    m = en_head.search(q.text) if q.script == "en" else None
    if m:
        return Asked("head", english[m.group(1).lower()], phrase=m.group(0).lower())
    if q.enum:
        return None
    focus = _anchor(q.focus[0]) if q.focus and q.script != "en" else None
    if q.atype in ("number", "money", "percent") and q.script != "en" and _HOW_MANY.search(norm):
        if q.measure:
            noun = _anchor(_counted_noun(norm))
            return Asked("count", measure=q.measure, anchor=noun, phrase=f"{noun or ''}有多少{q.measure}")
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
            return Asked("count", measure=q.measure, phrase="the number asked for")
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
    return None


def _near_spans(pa: PoolArticle, spans: Sequence[Span]) -> list[Span]:
    """The chosen spans and the whole sentences that touch them or stand next to them."""
    sents = pa.units.sentences
    touched = [i for i, s in enumerate(sents) if any(p == s.paragraph and a < s.end and s.start < b for p, a, b in spans)]
    if not touched:
        return list(spans)
    lo, hi = max(0, min(touched) - _NEAR_SENTENCES), min(len(sents) - 1, max(touched) + _NEAR_SENTENCES)
    return list(spans) + [sents[i].span for i in range(lo, hi + 1)]


def _fresh(pa: PoolArticle, kinds: Sequence[str], spans: Sequence[Span], qnorm: str) -> list[Span]:
    """Fillers of `kinds` inside `spans` that the question does not already name."""
    norm, out = pa.units.norm, []
    for kind in kinds:
        for p, a, b in pa.slots.spans.get(kind, ()):
            if any(p == x and y <= a and b <= z for x, y, z in spans) and norm[p - 1][a:b] not in qnorm:
                out.append((p, a, b))
    return out


def _head_names(pa: PoolArticle, spans: Sequence[Span], heads: Sequence[str], qnorm: str) -> list[str]:
    """Names in `spans` ending in one of `heads` (…大学, …党支部) that the question does not name."""
    from rag.answering.postags import word_tags

    tags, out = word_tags(), []
    for p, a, b in spans:
        para = pa.units.norm[p - 1]
        for head in heads:
            for m in re.finditer(re.escape(head), para[a:b]):
                end = a + m.end()
                start = end - len(head)
                clause = start
                while clause > max(a, start - 14) and para[clause - 1] not in _CLAUSE_END:
                    clause -= 1
                name = para[name_start(para, clause, start, tags) : end]
                proper = name[: -len(head)]
                if (len(proper) >= (1 if len(head) == 1 else 2) and not GENERIC_PLACE.match(proper)
                        and not GENERIC_TAIL.search(proper) and name not in qnorm):
                    out.append(name)
    return out


def unfilled(q: Question, ranked: Ranked, rows: Sequence[int]) -> Asked | None:
    """The slot `q` asks that neither the chosen `rows` nor the sentences next to them fill; None when filled
    (or when the question asks nothing this check reads). A thing or year asked about that the read articles
    never mention (rag.answering.absent), or an event or title they never report (rag.answering.premise), leaves
    it unfilled too."""
    missing = absent_focus(q, ranked, rows) or premise_gap(q, ranked, rows)
    if missing:
        return Asked("absent", phrase=missing)
    asked = asked_slot(q)
    if asked is None or not len(rows) or asked.kind in CHOICE_ONLY:
        return None
    qnorm = normalize(q.text)
    by_article: dict[int, list[Span]] = {}
    for r in rows:
        by_article.setdefault(int(ranked.owner[r]), []).extend(ranked.unit_of(int(r)).spans)
    for i, spans in by_article.items():
        pa = ranked.pool[i]
        # the runners-up of the same article count too: the ranker may have put the filler one unit down
        top = ranked.order(np.where(ranked.owner == i)[0])[:_RUNNERS_UP]
        near = _near_spans(pa, spans) + [s for r in top for s in ranked.unit_of(int(r)).spans]
        text = "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in near)
        if asked.anchor and asked.anchor not in text:
            continue
        # a date or place is the date or place of the asked-for action when the article names that action
        # (青岛市级复评将在哪天举行: 7月6日 is another event's date); when it never does, any filler counts
        event = next((w for w in asked.events if w in pa.units.text), None)  # the rarest the article names
        if event and _event_bound(asked):  # a rank's holder: named right beside the rank
            near = segments_naming(pa, near, event) if asked.kind == "person" else [
                s for s in near if _names_event(pa, s, event, asked.kind)]
            text = "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in near)
        if near and _filled(asked, pa, near, qnorm, text):
            return None
    return asked


def _event_bound(asked: Asked) -> bool:
    """Whether the filler must sit in a span naming the asked-for action or role: a date or a place, and a
    head name asked as the holder of a role (第一名是哪个支部: the branch named with 第一名, not another contest's
    winner)."""
    return asked.kind in EVENT_BOUND or (asked.kind in ("head", "person") and bool(asked.events))


def _filled(asked: Asked, pa: PoolArticle, near: Sequence[Span], qnorm: str, text: str) -> bool:
    """Whether the spans `near` (their text: `text`) hold a filler of the asked slot."""
    if asked.kind == "head":
        return bool(_head_names(pa, near, asked.heads, qnorm))
    if asked.kind == "count" and not has_han(text):  # an English article: "40,000 books" carries no measure word
        return bool(_fresh(pa, ("number", "money", "percent"), near, qnorm))
    if asked.kind == "count":  # an ordinal (第一名: the winner) counts nothing, unless one is asked (第几次)
        ordinal = "第几" in qnorm or "第多少" in qnorm
        return any(_same_measure(pa.slots.measures.get(s, ""), asked.measure or "")
                   and (ordinal or not pa.units.norm[s[0] - 1][: s[1]].endswith("第")) for s in _fresh(pa, ("number",), near, qnorm))
    if asked.kind == "amount":
        return bool(_fresh(pa, ("number", "money", "percent"), near, qnorm))
    if asked.kind == "money":  # an English article's "$5 million" carries no Chinese currency word
        return bool(_fresh(pa, ("money",) if has_han(text) else ("number", "money"), near, qnorm))
    if asked.kind == "phone":
        return bool(_fresh(pa, ("phone",), near, qnorm))
    if asked.kind == "person":
        kinds = ("person",) if asked.names_only else ("person", "org")
        return bool(_fresh(pa, kinds, near, qnorm)) or _tagged(text, _PERSON_TAGS if asked.names_only else _NAME_TAGS, qnorm)
    if asked.kind == "date":
        return bool(_fresh(pa, ("date", "year", "time"), near, qnorm))
    if asked.kind == "when":
        return bool(_fresh(pa, ("date", "year", "time", "when"), near, qnorm))
    if asked.kind == "why":
        return bool(_fresh(pa, ("purpose", "cause"), near, qnorm))
    if asked.kind == "origin":
        return any(w in text for w in slot_words()["origin"]) or any(
            _ORIGIN_PLACE_END.match(pa.units.norm[p - 1], b) for p, a, b in _fresh(pa, ("place",), near, qnorm))
    if asked.kind == "place":
        return bool(_fresh(pa, ("place", "org"), near, qnorm)) or _tagged(text, _PLACE_TAGS, qnorm)
    return True


def _names_event(pa: PoolArticle, span: Span, event: str, kind: str) -> bool:
    """Whether `span` names the asked-for action; for a reason, the sentence after it counts too (a news lead
    gives the purpose, then the event: 为全面贯彻…部署。2月25日，…召开…)."""
    p, a, b = span
    if event in pa.units.norm[p - 1][a:b]:
        return True
    if kind != "why":
        return False
    sents = pa.units.sentences
    last = max((i for i, s in enumerate(sents) if s.paragraph == p and s.start < b and a < s.end), default=None)
    return last is not None and last + 1 < len(sents) and event in pa.units.sentence_text(last + 1)


def _unit_text(pa: PoolArticle, spans: Sequence[Span]) -> str:
    return "\n".join(pa.units.norm[p - 1][a:b] for p, a, b in spans)


def _holds_filler(asked: Asked, q: Question, ranked: Ranked, row: int, qnorm: str, events: bool = True) -> bool:
    """Whether the unit `row` itself holds a filler of the asked slot: the asked-for word (anchor) in it or in
    the sentences next to it, the asked-for action in it when its article names that action (with `events`)."""
    pa, unit = ranked.article_of(row), ranked.unit_of(row)
    text = _unit_text(pa, unit.spans)
    if asked.anchor and asked.anchor not in text and asked.anchor not in _unit_text(pa, _near_spans(pa, unit.spans)):
        return False
    event = next((w for w in asked.events if w in pa.units.text), None) if events else None
    if event and not any(_names_event(pa, s, event, asked.kind) for s in unit.spans):
        return False
    return _filled(asked, pa, unit.spans, qnorm, text)


def filler_row(q: Question, ranked: Ranked, rows: Sequence[int], scores: np.ndarray, top: int = SWAP_TOP) -> int | None:
    """When none of the chosen `rows` holds a filler of the slot `q` asks (the university, the date, the number),
    the best-scored (by `scores`) unit of the first chosen unit's article that does: among that article's `top`
    best units and the units of the sentences next to the chosen ones. None when a chosen unit holds one, when the
    question asks no slot this check reads, or when no such unit is found."""
    asked = asked_slot(q)
    if asked is None or not len(rows):
        return None
    qnorm = normalize(q.text)
    # the chosen units answer when one holds a filler (beside the asked-for action, for a slot bound to it)
    bound = _event_bound(asked) or asked.kind in CHOICE_ONLY
    if any(_holds_filler(asked, q, ranked, int(r), qnorm, bound) for r in rows):
        return None
    owner = ranked.owner[int(rows[0])]
    mine = np.where(ranked.owner == owner)[0]
    mine = mine[np.argsort(-scores[mine], kind="stable")]
    chosen = [ranked.unit_of(int(r)) for r in rows]
    lo = min(u.sentence for u in chosen) - NEIGHBOURS
    hi = max(u.sentence + u.sentences - 1 for u in chosen) + NEIGHBOURS
    seen = {int(r) for r in rows}
    for rank, r in enumerate(mine):
        r = int(r)
        unit = ranked.unit_of(r)
        near = unit.sentence <= hi and lo <= unit.sentence + unit.sentences - 1
        if r in seen or not (rank < top or near):
            continue
        if _holds_filler(asked, q, ranked, r, qnorm):
            return r
    return None


_EN_MISSING = {"head": "say {phrase}", "count": "give the number asked for", "amount": "give the number asked for",
               "person": "say who", "date": "give the date", "place": "say where", "when": "say when",
               "why": "say why", "origin": "say where they are from",
               "money": "give the amount of money asked for", "phone": "give the phone number"}


def slot_refusal_text(q: Question, asked: Asked, title: str, mentioned: Sequence[str]) -> str:
    """What the refusal says: the article names the topic but not the slot asked for."""
    if asked.kind == "absent":
        if q.script == "en":
            verb = "says" if asked.phrase.startswith("when ") else "mentions"
            return f"“{title}” never {verb} {asked.phrase}."
        return f"《{title}》" + to_script(f"没有提到{asked.phrase}。", q.script)
    if q.script == "en":
        missing = _EN_MISSING[asked.kind].format(phrase=asked.phrase)
        if asked.kind == "person" and asked.names_only:
            missing = "give the name asked for"
        return f"“{title}” is about this but does not {missing}."
    named = "、".join(mentioned[:2])
    about = f"提到了{named}" if named else "谈到了这件事"
    # the title as the article writes it; the rest in the asker's script
    return f"《{title}》" + to_script(f"{about}，但没有说明{asked.phrase}。", q.script)


def mentioned_terms(q: Question, ranked: Ranked, rows: Sequence[int], asked: Asked) -> list[str]:
    """The question's weightiest words that the chosen units hold (what the article does name), in the
    article's own characters."""
    if not len(rows):
        return []
    pa = ranked.article_of(int(rows[0]))
    text = "\n".join(pa.units.norm[p - 1][a:b] for r in rows for p, a, b in ranked.unit_of(int(r)).spans)
    skip = set(asked.heads) | {asked.anchor, asked.measure}
    terms = sorted((t for t, _ in q.terms if len(t) >= 2 and has_han(t) and t in text and t not in skip),
                   key=lambda t: -dict(q.terms)[t])
    return [t for t in terms if not any(t != o and t in o for o in terms)][:2]


def slot_refusal(q: Question, ranked: Ranked, rows: Sequence[int], asked: Asked, closest: list[dict]) -> Answer:
    """The refusal of a question whose slot the chosen answer leaves empty."""
    pa = ranked.article_of(int(rows[0]))
    text = slot_refusal_text(q, asked, pa.article.title, mentioned_terms(q, ranked, rows, asked))
    titles = [c["title"] for c in closest]
    if titles and q.script == "en":
        text += " Closest: " + "; ".join(f"“{t}”" for t in titles) + "."
    elif titles:
        text += to_script("最接近的文章：", q.script) + "、".join(f"《{t}》" for t in titles) + "。"
    return Answer(q.text, text, True, [], closest=closest, note=f"slot check: no {asked.kind} filler")
