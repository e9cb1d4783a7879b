"""The typed slot check after the model: does the chosen answer hold a filler of the slot the question asks?

The answerability model (rag.answering.refusal) judges a question by how much of it the best article holds; an
article that names the topic passes it even when it never gives the asked-for thing (a population, a prize, the
winner, someone's university). This check reads the slot off the question and looks for a filler in the chosen
units and the sentences beside them. The slot is read off the question by rag.answering.asked_slot:

- 哪+classifier+head noun (哪所大学, 哪个支部, 哪家酒店; English "which university"): a name ending in that head
  (data/slot_heads.tsv), other than one the question already names — in a span naming the role the question asks
  its holder of (第一名是哪个支部, 哪个支部拿了第一名) when the article names that role;
- 多少/几+measure word (多少人, 多少个行政村): a number with that measure, and the counted noun (行政村) in the text;
  多少个/几个 + places or bodies of the `head` list (多少个村和社区, 有几个社区？ — a list-like ask that ends the
  question counts too): a number that counts one of them, as for English below;
  English "how many X" with X's measure (rag/lang/data/count_nouns_en.tsv: books → 本), and when X is a place or
  body (villages, communities, companies → 村, 社区, 企业: the `en:` lists) a number that counts it: X's noun right
  after it (74个社区) or, with none after it, before it in its clause — never a number of people (60余人);
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
from typing import Sequence

import numpy as np

from rag.answering.absent import absent_focus
from rag.answering.model import Ranked
from rag.answering.pool import PoolArticle
from rag.answering.asked_slot import Asked, asked_slot
from rag.answering.postags import pos_tokenizer
from rag.answering.premise import premise_gap, segments_naming
from rag.answering.question import Question, written_question
from rag.answering.slots import GENERIC_PLACE, GENERIC_TAIL, name_start, slot_words
from rag.answering.units import Span
from rag.lang.display import to_script
from rag.lang.script import has_han
from rag.lang.words import jieba_tokenizer
from rag.records import Answer

_NEAR_SENTENCES = 1  # sentences each side of a chosen unit that count as near it
_RUNNERS_UP = 3  # the article's best-scored units, which count as near the chosen one
SWAP_TOP = 5  # the article's best-scored units a slot filler may be taken from instead of the chosen unit
NEIGHBOURS = 1  # sentences each side of the chosen units whose units may give the filler instead
# A reason is said in so many ways (受…影响, 使…化为泡影, a cause in the headline) that its absence refuses nothing:
# a why question only takes the unit with a purpose or cause clause (filler_row). Refusing for want of one cost
# CRUD qa_dev 3 more false refusals (9 -> 12 of 295) and refused no more unanswerable questions there.
# A role (担任什么角色) is said as freely (作为…, 担任…, 牵头, 轮值): it only chooses the unit saying one (brief H12).
CHOICE_ONLY = frozenset({"why", "role"})
# Slots whose filler must sit beside the asked-for action for the question to count as answered. A date asked
# less precisely (什么时候) is answered by the day of the whole event (田志凯什么时候致辞 ← the meeting's 6月16日),
# so `when` only prefers the unit naming the action (filler_row), and is refused only with no time near at all.
EVENT_BOUND = frozenset({"date", "place"})
_CLAUSE_END = "，,。；;：:、“”（）()《》！？!? \n"


def _tagged(text: str, tags: Sequence[str], qnorm: str) -> bool:
    """True when `text` holds a word of two or more characters tagged with one of `tags` that the question lacks.
    A two-character dictionary word tagged as a person (惠民) is a word before it is a name: only names the
    tagger found itself (李丰), longer ones (麦卡锡) and transliterations count as people."""
    freq = jieba_tokenizer().FREQ
    for w in pos_tokenizer().cut(text):
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


_ORIGIN_PLACE_END = re.compile(r"人(?=[，,。；;、）)]|$)")
_PERSON_TAGS = ("nr",)
_NAME_TAGS = ("nr", "nt", "nz")
_PLACE_TAGS = ("ns", "nt")


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
    slot = _typed_unfilled(q, ranked, rows)
    late = None if slot is not None else premise_gap(q, ranked, rows, late=True)
    return Asked("absent", phrase=late) if late else slot


def _typed_unfilled(q: Question, ranked: Ranked, rows: Sequence[int]) -> Asked | None:
    """The typed slot `q` asks that neither the chosen `rows` nor the sentences next to them fill, or None."""
    asked = asked_slot(q)
    if asked is None or not len(rows) or asked.kind in CHOICE_ONLY:
        return None
    qnorm = written_question(q.text)
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
                   and (ordinal or not pa.units.norm[s[0] - 1][: s[1]].endswith("第"))
                   and not _counts_other(pa, s, asked.anchor) and counts_asked(pa, s, asked.counted)
                   for s in _fresh(pa, ("number",), near, qnorm))
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
    if asked.kind == "role":  # 作为2022年睦邻党建轮值街道，…; 担任…; 以…身份; 轮值/牵头 (English: as, serves as)
        return bool(_ROLE_SAID.search(text))
    if asked.kind == "length":  # a number in a unit of length (1.2公里, 800余米, 3 km)
        return bool(_LENGTH.search(text))
    if asked.kind == "duration":  # a year (2024年) is no length of time
        dated = [d for kind in ("year", "date") for d in pa.slots.spans.get(kind, ())]
        return any(not any(p == x and y <= a < z for x, y, z in dated) for p, a, b in _fresh(pa, ("duration",), near, qnorm))
    return True


_LENGTH = re.compile(r"[0-9０-９.一二三四五六七八九十百千万两]+\s*(?:余|多)?\s*(?:公里|千米|米|英里)|"
                     r"\d[\d,.]*\s*(?:km|kilomet(?:re|er)s?|met(?:re|er)s?|miles?|m)\b", re.I)
_ROLE_SAID = re.compile(r"作为[^，,。；;：:]{2,30}[，,]|担任|扮演|充当|身份|轮值|牵头|\b(?:as|serves as|acted as) (?:the|a|an)\b", re.I)
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{1,10}")
_CLAUSE_START = re.compile(r"[^，,。；;：:！!？?\n]*$")


def _counts_other(pa: PoolArticle, span: Span, noun: str | None) -> bool:
    """Whether the number at `span` counts something else than the asked noun: the noun (or its last two
    characters) is neither in the number itself (0.3个百分点), in the words right after it (15个先进集体, 15个集体)
    nor earlier in its clause (表彰先进集体15个): 13个工作专班 and 三个年 count no 先进集体."""
    if not noun:
        return False
    p, a, b = span
    para = pa.units.norm[p - 1]
    m = _HAN_RUN.match(para, b)
    after = m.group() if m else ""
    before = _CLAUSE_START.search(para[:a]).group()
    return not any(w in after or w in before or w in para[a:b] for w in (noun, noun[-2:]))  # 0.3个百分点: in it


def counts_asked(pa: PoolArticle, span: Span, nouns: Sequence[str]) -> bool:
    """Whether the number at `span` counts one of the places or bodies a count asks of (how many villages and
    communities, 多少个村和社区 → 村, 社区): the words right after it name one (74个社区的需求项目), or, when none follow, its
    clause before it does (社区12个); never a number of people (村(社区)党组织书记共计60余人 counts the
    secretaries, not the villages). 13个工作专班 counts task forces though its clause speaks of 乡村振兴, and
    5楼会议室 a floor. True when the question names no such noun."""
    if not nouns:
        return True
    measure = pa.slots.measures.get(span, "")
    if measure in slot_words().get("people", ()):
        return False  # (the counted nouns are places and bodies: data/slot_heads.tsv's en: and head lists)
    p, a, b = span
    para = pa.units.norm[p - 1]
    m = _HAN_RUN.match(para, b)
    said = para[a:b] + (m.group() if m else _CLAUSE_START.search(para[:a]).group())
    return any(noun in said for noun in nouns)


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
    qnorm = written_question(q.text)
    # the chosen units answer when one holds a filler (beside the asked-for action, for a slot bound to it)
    bound = _event_bound(asked) or asked.kind in CHOICE_ONLY
    before = _antecedent_row(asked, q, ranked, int(rows[0]), qnorm, scores) if (
        asked.kind == "person" and _leans_back(ranked, int(rows[0]), qnorm)) else None
    if before is not None:  # who 他 is, or who did what the unit opens with: named in a sentence before
        return before
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


ANTECEDENT_BACK = 3  # sentences before the chosen unit in which a who-question's agent is looked for
# a clause whose subject is a pronoun (他在…, 我们要…): the person it stands for is named in an earlier sentence
_PRONOUN_CLAUSE = re.compile(r"(?:^|[，,。；;：:])(?:此前|此后|同时|随后|当时|目前|此外|另外|而)?[，,]?"
                             r"(?:他们|她们|我们|他|她|我)(?![们国家乡人])")
_QUOTATION = re.compile(r"[“\"「][^“”\"「」]*(?:[”\"」]|$)")
_ASKED_VERB = re.compile(r"谁(?:被|还|也|曾|将|又|最先|首先)?([\u4e00-\u9fff]{2})")


def _leans_back(ranked: Ranked, row: int, qnorm: str) -> bool:
    """Whether the chosen unit `row` of a who-question names its agent only by a pronoun outside a quotation
    (他在…负有责任, 我们要…) or not at all (要求参与政变的军人…: the unit opens with the asked verb, its subject in a sentence before)."""
    pa, unit = ranked.article_of(row), ranked.unit_of(row)
    p, a, _b = unit.spans[0]
    if pa.units.norm[p - 1][:a].rstrip()[-1:] not in ("", "。", "！", "？", "!", "?", "”"):
        return False  # a clause inside a sentence: its subject is in the sentence's own earlier clauses
    text = _unit_text(pa, unit.spans)
    verb = _ASKED_VERB.search(qnorm)
    # a pronoun inside a quotation is the speaker's (“…我们感到震撼…”张福杰说), named beside it
    return bool(_PRONOUN_CLAUSE.search(_QUOTATION.sub("", text))) or bool(verb and text.startswith(verb.group(1)))


def _antecedent_row(asked: Asked, q: Question, ranked: Ranked, row: int, qnorm: str, scores: np.ndarray) -> int | None:
    """The best-scored unit of the nearest of the ANTECEDENT_BACK sentences before the chosen unit `row` (the
    lead, the title) that names a person or organisation: who the chosen unit's pronoun or elided subject is."""
    owner, sentence = ranked.owner[row], ranked.unit_of(row).sentence
    mine = np.where(ranked.owner == owner)[0]
    for back in range(1, ANTECEDENT_BACK + 1):
        found = [int(r) for r in mine if ranked.unit_of(int(r)).sentence == sentence - back
                 and ranked.unit_of(int(r)).sentences == 1 and _holds_filler(asked, q, ranked, int(r), qnorm, False)]
        if found:
            return max(found, key=lambda r: (ranked.unit_of(r).chars, scores[r]))  # the whole sentence
    return None


_EN_MISSING = {"head": "say {phrase}", "count": "give the number asked for", "amount": "give the number asked for",
               "person": "say who", "date": "give the date", "place": "say where", "when": "say when",
               "why": "say why", "origin": "say where they are from",
               "money": "give the amount of money asked for", "phone": "give the phone number",
               "duration": "say {phrase}", "length": "say {phrase}"}  # how long it runs (an agreement's term), how long (a video)


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
