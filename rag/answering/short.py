"""The short answer (`Answer.short`): the span of the chosen unit that fills the question's slot — a name for
谁, a number in the asked-for measure for 多少家, a date for 哪天, a place, an organisation, a name ending in the
asked-for noun for 什么机制, the title before the named person for 什么职务 — verbatim from the article; None when
the answer is a passage or a list. The English "Answer:" line (rag.answering.compose) shows the same span.

A unit often holds several fillers of the asked type (营收1492.08亿元…净利润375.48亿元; 新沟桥街道、红钢城街道在青山区
图书馆召开). Each is read with its own context — the words from the previous filler of its kind up to it and on to
the end of its clause — and the one whose context holds most of the question's words (weighted by IDF, a word that
every filler's context holds counts little) is taken; a filler right after the question's own words before the
question word (提高到多少岁 ← 提高到30岁) or, for a place, after 在/于 goes first. Candidate fillers come from the
question-independent annotations of rag.answering.slots."""

from __future__ import annotations

import re

from rag.answering.pool import PoolArticle
from rag.answering.premise import asked_role_place, ties_role
from rag.answering.postags import is_verb, tag
from rag.answering.qfeatures import SLOT_FILLERS, anchor_positions, distance
from rag.answering.question import Question
from rag.answering.slots import GENERIC_TAIL, NUM, slot_words
from rag.answering.units import Span, Unit
from rag.lang.script import HAN, normalize
from rag.lang.sentences import STOPS
from rag.lang.words import tokens

SHORT_TYPES = frozenset({"person", "speaker", "title", "org", "place", "date", "year", "time", "duration", "age", "percent",
                         "money", "number", "source", "entity"})
_CLAUSE_START = re.compile(r"[，,。：:；;“”（）()]")
_CLAUSE_END = "，,。：:；;！？!?（）()\n"
# the question's words right before its question word (提高到多少, 上调至多少, 党工委书记是谁), as the text may say
# them right before the filler (提高到30岁, 党工委书记田志凯)
_CUE = re.compile(f"([{HAN}]{{2,3}})(?:了|是)?(?=多少|几|谁|哪)")
_COUNT = re.compile(rf"(?:{NUM})(?:多|余)?(?:万|亿)?")
_ARTICLE_LIKE = re.compile(r"^一[个项次位家种名件场]$")  # 一个 is "a", seldom the count asked for
# What a place or organisation answers a 哪个+noun question ends with, when the noun is not a suffix itself
_HEAD_SUFFIX = {"省份": "省", "城市": "市", "国家": "国", "地区": "区", "县城": "县", "机构": "", "单位": ""}
_ENTITY_MAX = 10  # a name ending in the asked-for noun (对话伙伴机制) is at most this long
_COUNTS = frozenset({"number", "money", "percent", "age", "duration"})
# a count starts with a digit or a numeral (万亿元 is no amount), and a year is no duration (2024年)
_NOT_A_COUNT = re.compile(r"^[万亿千百]|^[0-9]{4}年")
# words a name ending in the asked-for noun does not reach back over (建立对话伙伴机制 → 对话伙伴机制)
_BREAK_WORDS = frozenset("和 与 及 在 于 对 将 把 从 被 向 的 了 是 为 由 并 等 让 使 给 以 到 至 同 跟 一种 一个 一项 这 那 其 该 各".split())
_GENERIC_HEADS = frozenset({"内容", "问题", "情况", "方面", "东西", "事情", "意思", "作用", "影响", "意义", "样", "工作"})


def _inside(span: Span, unit: Unit) -> bool:
    return any(p == span[0] and a <= span[1] and span[2] <= b for p, a, b in unit.spans)


def _title_before(pa: PoolArticle, unit: Unit, names: list[str]) -> Span | None:
    """The title phrase right before a person the question names (集团党委委员、工会主席 in …工会主席郭健说)."""
    for p, a, b in unit.spans:
        para = pa.units.norm[p - 1]
        for name in names:
            i = para.find(name, a, b)
            if i > a:
                start = max((m.end() for m in _CLAUSE_START.finditer(para, a, i)), default=a)
                if i - start >= 2:
                    return (p, start, i)
    return None


def _bounds(unit: Unit, s: Span) -> tuple[int, int]:
    for p, a, b in unit.spans:
        if p == s[0] and a <= s[1] and s[2] <= b:
            return a, b
    return s[1], s[2]


def _named_heads(pa: PoolArticle, unit: Unit, head: str, qnorm: str) -> list[Span]:
    """Names in the unit that end in the asked-for noun (什么机制 → 对话伙伴机制): the words of its clause right before
    the noun back to the first verb or linking word, not named by the question."""
    out = []
    for p, a, b in unit.spans:
        para = pa.units.norm[p - 1]
        i = para.find(head, a, b)
        while i >= 0:
            end = i + len(head)
            start = max((m.end() for m in _CLAUSE_START.finditer(para, a, i)), default=a)
            kept = ""
            for word in reversed(tokens(para[start:i])):
                if is_verb(word) or word in _BREAK_WORDS or not re.fullmatch(f"[{HAN}]+", word) or len(kept) + len(word) > _ENTITY_MAX:
                    break
                kept = word + kept
            name = para[i - len(kept) : end]
            if kept and name not in qnorm:
                out.append((p, i - len(kept), end))
            i = para.find(head, end, b)
    return out


def _measures() -> tuple[str, ...]:
    return slot_words().get("measure", ())


def _asked_heads(q: Question) -> tuple[str, ...]:
    """What a name answering a 哪个+noun / "which noun" question ends with (the `en:` lists of data/slot_heads.tsv)."""
    if q.head:
        ends = _HEAD_SUFFIX.get(q.head, q.head)
        return (ends,) if ends else ()
    if q.script != "en":
        return ()
    m = re.search(r"\bwhich ([a-z]+)", q.text.lower())
    return tuple(h for name, words in slot_words().items() if name.startswith("en:") and m and m.group(1) in words
                 for h in name[3:].split(","))


def _extend(para: str, s: Span, qnorm: str) -> Span:
    """A count in the measure word the question asks in (多少批次 → 14批次 not 14批, 多少吉瓦时 → 400吉瓦时, 多少人口
    → 1.65亿人口; the `measure` list of data/slot_heads.tsv), and 第几次 → 第14次."""
    p, a, b = s
    m = _COUNT.match(para, a)
    if m and m.end() <= b:
        for word in _measures():
            if f"多少{word}" in qnorm and para.startswith(word, m.end()):
                b = max(b, m.end() + len(word))
    if a > 0 and para[a - 1] == "第" and "第几" in qnorm:
        a -= 1
    return (p, a, b)


def _choose(q: Question, pa: PoolArticle, unit: Unit, fresh: list[Span], kinds: dict[Span, list[Span]]) -> Span:
    """The filler whose context holds most of the question (see the module docstring)."""
    norm = pa.units.norm
    qnorm = normalize(q.text)
    terms = [(t, w) for t, w in q.terms if len(t) >= 2 or t.isdigit()]
    contexts = {}
    for s in fresh:
        p, a, b = s
        para = norm[p - 1]
        lo, hi = _bounds(unit, s)
        before = max([x[2] for x in kinds[s] if x[0] == p and x[2] <= a], default=lo)
        after = next((x[1] for x in kinds[s] if x[0] == p and x[1] >= b), hi)
        stop = next((i for i in range(b, min(after, hi)) if para[i] in _CLAUSE_END), min(after, hi))
        clause = max((m.end() for m in _CLAUSE_START.finditer(para, max(lo, before), a)), default=max(lo, before))
        contexts[s] = (para[clause:a] + " " + para[b:stop], para[max(lo, before) : clause])
    holding = {t: sum(t in "".join(c) for c in contexts.values()) for t, _ in terms}
    near = set(q.near) | set(q.focus)
    cues = [m.group(1) for m in _CUE.finditer(qnorm)]
    anchors = anchor_positions(norm, [t for t, _ in terms])

    def score(s: Span) -> tuple:
        p, a, b = s
        para = norm[p - 1]
        cue = any(para[max(0, a - len(c)) : a] == c or para[max(0, a - len(c) + 1) : a] == c[1:] for c in cues)
        located = q.atype in ("place", "org") and a > 0 and para[a - 1] in "在于"
        # the thing the question counts right after the count (114家企业 for "how many enterprises")
        # (a place name there says where, not what: 6个锦江区…单位)
        counted = q.atype in _COUNTS and any(para.startswith(t, b) and tag(t) not in ("v", "ns") for t, _ in terms)
        own, farther = contexts[s]
        # the filler's own clause counts fully, the clauses back to the previous filler of its kind half; the
        # words next to the question word (净利润是多少, 成绩是多少) say what is asked and count twice
        words = sum(w / holding[t] * (2.0 if t in near else 1.0) * (1.0 if t in own else 0.5)
                    for t, w in terms if t in own or t in farther)
        return (cue or located, counted, round(words, 3), -distance([s], anchors), b - a)

    return max(fresh, key=score)


def short_answer(q: Question, pa: PoolArticle, unit: Unit) -> str | None:
    """The span of `unit` that answers a typed question, verbatim; None for passages and lists."""
    if q.multi or q.enum or q.atype not in SHORT_TYPES:
        return None
    article = pa.article
    if q.atype == "source":
        return article.source
    qnorm = normalize(q.text)
    norm = pa.units.norm
    if q.atype == "title":  # the person the question names, as the unit names them (郭健 of 郭健在…)
        people = [norm[s[0] - 1][s[1] : s[2]] for s in pa.slots.within("person", unit)]
        span = _title_before(pa, unit, [n for n in people if n in qnorm])
        return article.paragraph(span[0])[span[1] : span[2]] if span else None
    if q.atype == "entity":
        if not q.head or len(q.head) < 2 or q.head in _GENERIC_HEADS:
            return None
        found = {s: [] for s in _named_heads(pa, unit, q.head, qnorm)}
        if not found:
            return None
        return _pick(q, pa, unit, list(found), {s: list(found) for s in found})
    fillers = SLOT_FILLERS.get(q.atype, ())
    heads = _asked_heads(q) if q.atype in ("place", "org") else ()
    if q.atype == "org" and heads:
        fillers = ("org", "place")  # which library: 青山区图书馆 is annotated as a place
    if q.atype in ("person", "speaker") and not any(pa.slots.within(k, unit) for k in fillers):
        fillers = ("org",)  # 谁 asks for whoever acted: an office or a body (武汉市交通运输局发布公告)
    kinds: dict[Span, list[Span]] = {}  # a filler → the fillers of its kind in the unit
    first_kind: set[Span] = set()  # fillers of the slot's own kind (org for 哪个机构), not a stand-in
    for kind in fillers:
        within = pa.slots.within(kind, unit)
        for s in within:
            # a name pattern can run into the verb after it (伦敦举办: 办 ends office names): the verb is no part of it
            p, a, b = s
            cut = (p, a, b - 2) if b - a > 3 and is_verb(norm[p - 1][b - 2 : b]) else s
            kinds.setdefault(cut, within)
            if kind == fillers[0]:
                first_kind.add(cut)
    fresh = [s for s in kinds if norm[s[0] - 1][s[1] : s[2]] not in qnorm]
    fresh = [s for s in fresh if not _NOT_A_COUNT.match(norm[s[0] - 1][s[1] : s[2]])] if q.atype in _COUNTS else fresh
    if q.measure:
        fresh = [s for s in fresh if pa.slots.measures.get(s, "").endswith(q.measure)] or fresh
    if heads:  # 哪个区 → a name ending in 区; 哪个城市 → in 市; which library → in 图书馆
        ended = [s for s in fresh if head_name(norm[s[0] - 1][s[1] : s[2]], heads)]
        # or a longer name cut after the head (which county: 陕西三原县渠岸镇 → 陕西三原县)
        if not ended:
            for s in fresh:
                cut = _cut_at_head(norm[s[0] - 1], s, heads, qnorm)
                if cut:
                    kinds.setdefault(cut, kinds[s])
                    ended.append(cut)
        fresh = ended or [s for s in fresh if s in first_kind or q.atype == "place"]
    if q.atype in _COUNTS:  # 一个 is "a" (一步一个脚印), seldom the count asked for, unless it counts what is asked
        terms = [t for t, _ in q.terms if len(t) >= 2]
        fresh = [s for s in fresh if not _ARTICLE_LIKE.match(norm[s[0] - 1][s[1] : s[2]])
                 or any(norm[s[0] - 1].startswith(t, s[2]) for t in terms)]
    if q.atype == "speaker":
        fresh = fresh[-1:]  # the speaker line follows the quotation
    if not fresh:
        return None
    return _pick(q, pa, unit, fresh, kinds)


def head_name(name: str, heads: tuple[str, ...]) -> bool:
    """A name ending in one of `heads` whose part before it is no group (南京市有关学校 is none)."""
    return any(h and name.endswith(h) and not GENERIC_TAIL.search(name[: -len(h)]) for h in heads)


def _cut_at_head(para: str, s: Span, heads: tuple[str, ...], qnorm: str) -> Span | None:
    """The part of the name `s` up to the first of `heads` inside it, when that part is no name the question gives."""
    p, a, b = s
    for i in range(a + 2, b):
        for head in heads:
            if head and para.startswith(head, i) and i + len(head) < b and para[a : i + len(head)] not in qnorm:
                return (p, a, i + len(head))
    return None


def _pick(q: Question, pa: PoolArticle, unit: Unit, fresh: list[Span], kinds: dict[Span, list[Span]]) -> str:
    best = _choose(q, pa, unit, sorted(fresh), kinds)
    if q.atype in _COUNTS:
        best = _extend(pa.units.norm[best[0] - 1], best, normalize(q.text))
    return pa.article.paragraph(best[0])[best[1] : best[2]]


_ROLE_CLAUSE_END = STOPS + "，,"
_ROLE_TYPES = frozenset({"person", "speaker", "org", "place"})  # a name that fills a role of the asked action


def _role_fit(q: Question, pa: PoolArticle, unit: Unit, short: str,
              asked: tuple[str, str, tuple[str, ...]] | None = None) -> tuple[bool, bool, float]:
    """How well the filler `short` of `unit` fills the asked role: (of the slot's own kind — a person's name for
    谁, not an office standing in —, its clause ties the title the question holds at a place to that place
    (`asked`: premise.asked_role_place; 小枧镇党委书记陈胡立 over 小枧镇三星社区党委书记顾仕松), IDF weight of the
    question's verbs in the filler's clause). The span read runs from the comma or sentence mark before the filler
    to the end of its sentence: the predicate of a subject follows it (程汉萍从…三个方面，对…表示肯定);
    parentheses and 、 do not end it."""
    own = q.atype not in ("person", "speaker")
    for p, a, b in unit.spans:
        para = pa.article.paragraph(p)
        i = para.find(short, a, b)
        if i < 0:
            continue
        if not own:
            own = any(s[0] == p and s[1] <= i and i + len(short) <= s[2] for s in pa.slots.within("person", unit))
        norm = pa.units.norm[p - 1]
        lo = max((k + 1 for k in range(i) if norm[k] in _ROLE_CLAUSE_END), default=0)
        hi = next((k for k in range(i + len(short), len(norm)) if norm[k] in STOPS), len(norm))
        clause = norm[lo:hi]
        tied = asked is not None and ties_role(norm[lo:i], asked[0], asked[2])
        return own, tied, sum(w for t, w in q.terms if len(t) >= 2 and t in clause and is_verb(t))
    return own, False, 0.0


def role_shorts(q: Question, items: list[tuple[PoolArticle, Unit, str | None]]) -> list[str | None]:
    """One short answer per article among its chosen units' (`items`, in order): the filler that fills the asked
    role — the person over an office standing in for one (会议由…张晓敏主持 over 党支部), then the one whose clause
    holds more of the question's verbs (顾仕松…作分享发言 over 黄充…签署, for "who gave the sharing speeches");
    otherwise the first unit's, chosen within its unit by its context (rag.answering.short._choose).
    None for an article whose best filler's clause holds none of the question's verbs when another chosen unit of it
    does (…负责人介绍了… is who introduced it, not the next unit's 程汉萍)."""
    out: list[str | None] = [s for _, _, s in items]
    if q.atype not in _ROLE_TYPES:  # a count or a date is read in its own clause (同比下降了多少: not the next unit's)
        return out
    groups: dict[str, list[int]] = {}
    for i, (pa, _, _) in enumerate(items):
        groups.setdefault(pa.article.id, []).append(i)
    verbs = [t for t, _ in q.terms if len(t) >= 2 and is_verb(t)]
    asked = asked_role_place(q, [pa.units.text for pa, _, _ in items]) if q.script != "en" else None
    for rows in groups.values():
        given = [i for i in rows if out[i]]
        if len(rows) < 2 or not given:
            continue
        fits = {i: _role_fit(q, items[i][0], items[i][1], out[i], asked) for i in given}
        # the question's other words do not move it (镇党委书记王刚 beside a longer clause naming the town again)
        best = max(given, key=lambda i: (fits[i], -i))
        other_verb = any(any(v in items[i][1].text for v in verbs) for i in rows if i != best)
        for i in rows:
            if i != best:
                out[i] = None
        if not fits[best][2] and other_verb and q.atype in ("person", "speaker"):
            out[best] = None
    return out
