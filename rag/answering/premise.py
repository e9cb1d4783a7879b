"""False premises: an event, a job title or a count the question takes for granted that the read articles never
report (issue #15). The answerability model and the typed slot check (rag.answering.slot_check) pass a question
whose article names its topic and holds a filler of the asked kind, even when the asked event is another one:
名单是哪天公布的 answered with the date of a contest (no 公布 anywhere), 区委书记提出了哪些要求 with the speech of
a 区委常委, "why did Wang Gang step down" with the purpose of a meeting he chaired. Checks, over the whole text
and title of the article(s) the chosen units come from (data/premise.tsv, Simplified, matched on search-form text):

- the event: the asked-for action of a Chinese question (its verbs, not light ones: 公布, 担任, 邀请) or an English
  event phrase (step down, open, announce → their Chinese words) of which the read article says no form;
- the title: a job title the question attaches to someone (区委书记, 镇长, 董事长; English mayor, curator →
  their Chinese titles) that the read article never writes (区委常委 is not 区委书记);
- the venue: a place a Chinese question says its event was held at (放在成都市文化馆举行, 在青山区图书馆召开: the
  `venue` verbs and `venue_tail` endings) that the read article never writes, neither whole nor without its
  leading towns and districts (成都市文化馆 → 文化馆): another article's venue.

Each returns how a refusal names what is missing (公布, 区委书记, "step down"), or None.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Callable, Sequence

from rag.answering.english import named_words
from rag.answering.model import Ranked
from rag.answering.pool import PoolArticle
from rag.answering.postags import pos_tokenizer
from rag.answering.units import Span
from rag.answering.question import Question, synonyms, written_question
from rag.answering.slots import proper_part, surnamed_persons
from rag.lang.script import normalize
from rag.lang.sentences import FULL_STRETCH
from rag.lang.speech import speech_verbs
from rag.lang.wordlists import read_rows


# the kinds of answer that are a detail of an event: its date, time, place, purpose or cause
EVENT_SLOTS = frozenset({"date", "year", "time", "place", "purpose", "cause"})


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, ...]], tuple[tuple[re.Pattern, tuple[str, ...]], ...], tuple[str, ...],
                      tuple[tuple[re.Pattern, tuple[str, ...]], ...]]:
    """Chinese verb → its forms; English event patterns with their Chinese words; job titles (longest first);
    English job titles with the Chinese titles they stand for."""
    verbs: dict[str, tuple[str, ...]] = {}
    english, titles, english_titles = [], [], []
    for row in read_rows("rag.answering", "data/premise.tsv", 2, 3):
        kind, word, forms = row[0], row[1], tuple(row[2].split()) if len(row) > 2 else ()
        if kind == "verb":
            verbs[word] = forms
        elif kind == "en":
            english.append((re.compile(word, re.I), forms))
        elif kind == "title":
            titles.append(word)
        elif kind == "title_en":
            english_titles.append((re.compile(word, re.I), forms))
        elif kind not in ("rank", "venue", "venue_tail", "venue_en", "winner"):  # (rank, winner: _ranks; venue: _venue)
            raise ValueError(f"data/premise.tsv: unknown kind {kind!r}")
    return verbs, tuple(english), tuple(sorted(titles, key=len, reverse=True)), tuple(english_titles)


def job_titles() -> tuple[str, ...]:
    """The job titles of data/premise.tsv (区委书记, 镇长 …), longest first."""
    return _table()[2]


def english_titles() -> tuple[tuple[re.Pattern, tuple[str, ...]], ...]:
    """The English job titles of data/premise.tsv (title_en) with the Chinese titles each stands for."""
    return _table()[3]


def verb_forms(verb: str) -> tuple[str, ...]:
    """The verb and the words an article may report its event with (公布 → 发布, 宣布 …; 举办 → 召开, 举行)."""
    return (verb, *_table()[0].get(verb, ()), *synonyms(verb))


def event_verbs(q: Question) -> list[str]:
    """The asked-for actions of a Chinese question that data/premise.tsv lists as events (公布, 担任, 邀请), in the
    order the question says them."""
    if q.script == "en":
        return []
    norm = written_question(q.text)
    return sorted((w for w in dict.fromkeys(q.predicates + q.focus) if w in _table()[0]), key=norm.find)


# an English question about the article itself (when was the Qingshan article published?)
_THE_ARTICLE = re.compile(r"\b(?:article|report|story|piece|news item)\b", re.I)


def missing_event(q: Question, text: str) -> str | None:
    """The asked-for event the read text (search form) never reports, as a refusal names it, or None. Only a
    question asking a detail of an event (when, where, why: EVENT_SLOTS) is checked: 担任什么职务 asks a title,
    哪家报纸发表了 the article's own source."""
    if q.atype not in EVENT_SLOTS:
        return None
    if q.script == "en":
        if _THE_ARTICLE.search(q.text):
            return None  # when was the article published: its date, not an event it reports
        for pattern, forms in _table()[1]:
            m = pattern.search(q.text)
            if m and not any(f in text for f in forms):
                return m.group(0)
        return None
    for verb in event_verbs(q):
        if not any(f in text for f in verb_forms(verb)):
            return verb
    return None


def missing_title(q: Question, text: str) -> str | None:
    """A job title the question names (区委书记) that the read text never writes, or None."""
    if q.script == "en":
        for pattern, forms in _table()[3]:
            m = pattern.search(q.text)
            if m and not any(f in text for f in forms):
                return m.group(0)
        return None
    norm = written_question(q.text)
    for title in _table()[2]:
        if title in norm:
            return None if title in text else title
    return None


@lru_cache(maxsize=4)
def _ranks(kind: str = "rank") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How a question asks a place in a ranking (第几名, 名次; kind 'winner': 冠军, 获胜) and the words a sentence
    gives one with (第一名, 冠军)."""
    asks, gives = [], []
    for row in read_rows("rag.answering", "data/premise.tsv", 2, 3):
        if row[0] == kind:
            asks.append(row[1])
            gives += row[2].split() if len(row) > 2 else []
    return tuple(asks), tuple(dict.fromkeys(gives))


def _people(norm: str, text: str) -> list[str]:
    """The persons a Chinese question names (jieba's nr words that start with a surname) that `text` writes."""
    return list(dict.fromkeys(w for w in surnamed_persons(norm) if w in text))


def wrong_holder(q: Question, text: str) -> str | None:
    """A job title the question gives its one named person (王仕军…以石马镇党委书记的身份) that the read text
    writes, but never in a stretch between punctuation with that person (主讲人王仕军教授; 镇党委书记魏爱军): the
    person and title (王仕军 党委书记), or None."""
    norm = written_question(q.text)
    if q.script == "en":
        return None
    title = next((t for t in _table()[2] if t in norm), None)
    if not title or title not in text:
        return None  # (a title never written: missing_title)
    people = _people(norm, text)
    if len(people) != 1:
        return None
    person = people[0]
    stretches = [m.group() for m in _SEGMENT.finditer(text) if person in m.group()]
    return None if any(title in s for s in stretches) else f"{person} {title}"


def missing_rank(q: Question, text: str) -> str | None:
    """A place in a ranking the question asks of its one named person (郑素秀…拿了第几名) that no sentence of the
    read text naming that person gives (第一名, 冠军): the person and the ask (郑素秀 第几名), or None."""
    norm = written_question(q.text)
    asks, gives = _ranks()
    ask = next((a for a in asks if a in norm), None)
    if q.script == "en" or not ask:
        return None
    people = _people(norm, text)
    if len(people) != 1:
        return None
    said = [m.group() for m in FULL_STRETCH.finditer(text) if people[0] in m.group()]
    return None if any(g in s for s in said for g in gives) else f"{people[0]} {ask}"


_ASKS_WHO = re.compile(r"谁|哪")
_DATE = re.compile(r"\d{1,2}月\d{1,2}[日号]")


def missing_winner(q: Question, text: str) -> str | None:
    """A winner the question asks of its event (7月11日崂山区国企那场擂台比武…哪个党支部拿了冠军) that no paragraph of
    the read text writing one of the question's dates or places (7月11日, 崂山区) gives (冠军, 获胜): the text names
    only another event's winner (获胜的姜山税务所党支部), or none. The ask (冠军), or None; a question with no date
    or place the text writes is not checked."""
    if q.script == "en":
        return None
    norm = written_question(q.text)
    asks, gives = _ranks("winner")
    ask = next((a for a in asks if a in norm), None)
    if not ask or not _ASKS_WHO.search(norm):
        return None
    anchors = [d for d in _DATE.findall(norm) if d in text]
    anchors += [w.word for w in pos_tokenizer().cut(norm) if w.flag in ("ns", "nt") and len(w.word) >= 2
                and w.word in text and w.word not in anchors]
    if not anchors:
        return None
    paragraphs = [p for p in text.split("\n") if any(a in p for a in anchors)]
    return None if any(g in p for p in paragraphs for g in gives) else ask


# what someone is asked to have said (商俊成强调了哪三点): the article must give that speech to that person
_YES_NO = re.compile(r"吗\s*[？?]?\s*$|是不是|是否")


def missing_speaker(q: Question, text: str) -> str | None:
    """A person the question has say something (小枧镇提名镇长商俊成在签约仪式上强调了哪三点？) whom the read text names
    but never has say it: every sentence with that speech verb gives it to someone else (陈胡立强调), none to a
    pronoun. The person and verb (商俊成强调), or None."""
    norm = written_question(q.text)
    # an act asked yes-or-no (决定是孙宇宣读的吗？) is answered by who did it (王海星), not refused
    acts = () if _YES_NO.search(norm) else speech_verbs("act")
    verbs = (*speech_verbs("premise"), *acts)
    if q.script == "en" or not any(v in norm for v in verbs):
        return None  # (jieba's tagger is loaded only for a question that has someone say something)
    words = [(w.word, w.flag) for w in pos_tokenizer().cut(norm)]
    for i, (word, _) in enumerate(words):
        if word not in verbs:
            continue
        name = None
        for before, flag in reversed(words[:i]):  # the nearest name before the verb, in its clause
            if not re.search(r"[\u4e00-\u9fff]", before):
                break
            if flag == "nr" and len(before) >= 2:
                name = before
                break
        if not name or name not in text:
            continue
        said = [m.group() for m in FULL_STRETCH.finditer(text) if word in m.group()]
        # 他要求… after 孙宇…: a pronoun may stand for the person
        if said and not any(name in sentence or re.search("[他她]", sentence[: sentence.find(word)]) for sentence in said):
            return f"{name}{word}"
    return None


@lru_cache(maxsize=1)
def _venue() -> re.Pattern:
    """A place a question holds its event at: 在/放在/选在/于 + a name ending in a `venue_tail` + a `venue` verb;
    never a place it asks (在哪个文化馆举办, 在什么会场召开)."""
    rows = read_rows("rag.answering", "data/premise.tsv", 2, 3)
    verbs = "|".join(re.escape(r[1]) for r in rows if r[0] == "venue")
    tails = "|".join(re.escape(r[1]) for r in sorted(rows, key=lambda r: -len(r[1])) if r[0] == "venue_tail")
    return re.compile(rf"(?:放在|选在|定在|在|于)((?:(?![在于哪何么])[\u4e00-\u9fff0-9]){{1,12}}(?:{tails}))(?:的)?(?:{verbs})")


# the towns and districts before a venue's own name (成都市文化馆 → 文化馆, 石马镇人民政府 → 人民政府)
_LEADING_PLACES = re.compile(r"^(?:[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|镇|乡|街道))+")


def missing_venue(q: Question, text: str) -> str | None:
    """A place the Chinese question says its event was held at (在成都市文化馆举行) that the read text never writes,
    whole or without its leading towns and districts (文化馆), or None."""
    if q.script == "en":
        return _missing_venue_en(q.text, text)
    for m in _venue().finditer(written_question(q.text)):
        venue = m.group(1)
        core = _LEADING_PLACES.sub("", venue)
        if venue not in text and not (len(core) >= 2 and core in text):
            return venue
    return None


@lru_cache(maxsize=1)
def _venue_en() -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    nouns = {r[1]: tuple(r[2].split()) for r in read_rows("rag.answering", "data/premise.tsv", 2, 3) if r[0] == "venue_en"}
    held = r"\b(?:held|hosted|staged|convened|organi[sz]ed|signed|opened|took place|happened|happen|hold|host)"
    return re.compile(rf"{held}\s+(?:at|in|inside)\s+(?:the\s+)?((?:[A-Z][\w'-]*\s+){{0,3}}({'|'.join(nouns)}))\b",
                      re.I), nouns


def _missing_venue_en(question: str, text: str) -> str | None:
    """A place an English question holds its event at (held at Wuhan University) whose kind (university: data/
    premise.tsv venue_en) the read text never writes in any of its Chinese words (大学), as the question says it."""
    pattern, nouns = _venue_en()
    for m in pattern.finditer(question):
        if not any(w in text for w in nouns[m.group(2).lower()]):
            return m.group(1)
    return None


@lru_cache(maxsize=1)
def _acts() -> tuple[dict[str, tuple[str, ...]], tuple[tuple[re.Pattern, tuple[str, ...]], ...]]:
    """Acts a who-question asks of a person (data/asked_acts.tsv; the speech_verbs.tsv `act` verbs too): Chinese
    act → the words an article reports it with; English act patterns with those Chinese words."""
    acts: dict[str, tuple[str, ...]] = {v: () for v in speech_verbs("act")}
    english = []
    for row in read_rows("rag.answering", "data/asked_acts.tsv", 2, 3):
        forms = tuple(row[2].split()) if len(row) > 2 else ()
        if row[0] == "act":
            acts[row[1]] = forms
        elif row[0] == "act_en":
            english.append((re.compile(row[1], re.I), forms))
        else:
            raise ValueError(f"data/asked_acts.tsv: unknown kind {row[0]!r}")
    return acts, tuple(english)


def missing_act(q: Question, text: str) -> str | None:
    """The act a who-question asks of a person (主持会议的是谁 → 主持, 谁宣读了文件, who chaired / signed / read out:
    data/asked_acts.tsv) that the read text (search form) reports in no form (brief P12): that article has no one do
    it, and a person doing something else there is no answer. The act as asked (主持, “chaired”), or None; a
    yes-or-no question is not checked (rule 'speaker' reads who did it)."""
    if q.atype != "person" or _YES_NO.search(written_question(q.text)):
        return None
    acts, english = _acts()
    if q.script == "en":
        m = next(((m, forms) for pattern, forms in english if (m := pattern.search(q.text))), None)
        return m[0].group(0) if m and not any(f in text for f in m[1]) else None
    for act in dict.fromkeys(q.focus + q.predicates):
        if act in acts and not any(f in text for f in (*acts[act], *verb_forms(act))):
            return act
    return None


RULES: dict[str, Callable[[Question, str], str | None]] = {"event": missing_event, "title": missing_title,
                                                           "speaker": missing_speaker, "holder": wrong_holder,
                                                           "rank": missing_rank, "venue": missing_venue,
                                                           "act": missing_act}
# checked only after the typed slot check found its slot filled (its "没有说明第一名是谁" names the gap better)
LATE_RULES: dict[str, Callable[[Question, str], str | None]] = {"winner": missing_winner}


def read_text(ranked: Ranked, rows: Sequence[int]) -> str:
    """The search-form text and titles of the articles the chosen rows come from."""
    owners = sorted({int(ranked.owner[r]) for r in rows})
    return "\n".join("\n".join(ranked.pool[i].units.norm) + "\n" + normalize(ranked.pool[i].article.title) for i in owners)


def premise_gap(q: Question, ranked: Ranked, rows: Sequence[int], late: bool = False) -> str | None:
    """What the question takes for granted that the read article(s) never report (an event, a title, a title held
    at the asked place), quoted as a refusal names it (“公布”, “step down”); None when nothing is missing. `late`:
    the LATE_RULES only (asked after the typed slot check)."""
    if q.multi or not len(rows):
        return None
    text = read_text(ranked, rows)
    if late:
        missing = next((m for rule in LATE_RULES.values() if (m := rule(q, text))), None)
        return f"“{missing}”" if missing else None
    for rule in RULES.values():
        missing = rule(q, text)
        if missing:
            return f"“{missing}”"
    missing = role_elsewhere(q, ranked, rows)
    return f"“{missing}”" if missing else None


# a place of a Chinese question just before the job title held there (绵阳市市长, 小枧镇党委书记, 青山区委书记)
_PLACE_SUFFIX = "省|市|县|区|镇|乡|街道|村|社区"
_ROLE_TAIL = "(?:的)?(?:党委|党工委|人民政府|政府)?(?:副|代)?$"  # what may stand between a place and its title
# a place's own characters: never the question's 谁/是/哪/问 (谁是小枧镇党委书记 asks at 小枧镇, not at 谁是小枧镇)
_ZH_PLACE_ROLE = re.compile(rf"((?:(?![谁是哪问])[\u4e00-\u9fff]){{2,8}}?(?:{_PLACE_SUFFIX})){_ROLE_TAIL}")
_EN_OF = r"\s+(?:of|in|for)\s+(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})"


def asked_role_place(q: Question, texts: Sequence[str]) -> tuple[str, str, tuple[str, ...]] | None:
    """The place a question holds a job title at and that title: (the place's proper part as the texts write it,
    the title as asked, the titles an article may write it with); None when the question ties no title to a place.
    Chinese: the place written before the title (绵阳市市长 → 绵阳, 市长); English: "the mayor of Mianyang" → the
    Han word the texts spell Mianyang with, and the Chinese titles of `mayor` (data/premise.tsv title_en)."""
    if q.script == "en":
        for pattern, forms in _table()[3]:
            m = re.search(f"(?:{pattern.pattern}){_EN_OF}", q.text, re.I)
            if m:
                words = named_words(replace(q, text=m.group(m.lastindex)), texts)
                return (words[0], m.group(0).split()[0], forms) if len(words) == 1 else None
        return None
    norm = written_question(q.text)
    for title in _table()[2]:
        i = norm.find(title)
        m = _ZH_PLACE_ROLE.search(norm[:i]) if i > 0 else None
        if m:
            return proper_part(m.group(1)), title, (title,)
    return None


def ties_role(before: str, place: str, forms: Sequence[str]) -> bool:
    """Whether `before` (search form: a clause up to a person's name) ties one of the titles `forms` to the place
    whose proper part is `place` (asked_role_place's): the title written right after that place (小枧镇党委书记陈胡立,
    not 小枧镇三星社区党委书记顾仕松, whose title is the neighbourhood's)."""
    tied = re.compile(rf"{re.escape(place)}(?:{_PLACE_SUFFIX}){_ROLE_TAIL}")
    for title in forms:
        i = before.find(title)
        while i > 0:
            if tied.search(before[:i]):
                return True
            i = before.find(title, i + 1)
    return False


def role_elsewhere(q: Question, ranked: Ranked, rows: Sequence[int]) -> str | None:
    """A job title the question holds at a place (the mayor of Mianyang, 小枧镇党委书记) that the read article writes
    only at other places: every stretch between punctuation that holds the title names another place (石马镇…镇长
    黄充与小枧镇…提名镇长商俊成) and none names the asked one. A stretch with the title and no place (镇党委书记王刚)
    may be the asked place's, and passes. The place and title (绵阳 mayor), or None."""
    owners = sorted({int(ranked.owner[r]) for r in rows})
    pas = [ranked.pool[i] for i in owners]
    asked = asked_role_place(q, [pa.units.text for pa in pas])
    if asked is None:
        return None
    place, title, forms = asked
    if not place or not any(place in pa.units.text for pa in pas):
        return None  # a place the articles never name: another check's (the question's words)
    if q.script != "en":
        people = _people(written_question(q.text), "\n".join("\n".join(pa.units.norm) for pa in pas))
        if len(people) == 1 and _held_elsewhere(pas, place, forms, people[0]):
            return f"{place} {title} {people[0]}"  # 红钢城街道党工委书记田志凯: he holds it at 新沟桥街道
    return f"{place} {title}" if _held_elsewhere(pas, place, forms) else None


_SEGMENT = re.compile(r"[^，,。；;！!？?“”\n]+")  # a stretch between punctuation, inside a quotation too


def _held_elsewhere(pas: Sequence[PoolArticle], place: str, forms: Sequence[str], who: str = "") -> bool:
    """Whether the title (any of `forms`) is written, with `who` where given, only at places other than `place`:
    some stretch between punctuation holds it, every such stretch names another proper place and none the asked
    one. A stretch with the title and no place may be the asked place's (镇党委书记王刚): False."""
    held = False
    for pa in pas:
        places = pa.slots.spans.get("place", ())
        for p, para in enumerate(pa.units.norm, start=1):
            for m in _SEGMENT.finditer(para):
                if who not in m.group() or not any(f in m.group() for f in forms):
                    continue
                if place in m.group():
                    return False
                named = [para[a:b] for q_, a, b in places if q_ == p and m.start() <= a and b <= m.end()]
                if not any(proper_part(x) for x in named if place not in x):
                    return False
                held = True
    return held


def segments_naming(pa: PoolArticle, spans: Sequence[Span], word: str) -> list[Span]:
    """The stretches between punctuation marks that name `word` (the role 第一名, 党委书记 whose holder is asked),
    in the article's sentences touching `spans`: 擂台赛第一名将代表城投集团参加…初评 names no holder, though its
    quotation's speaker follows."""
    units, out = pa.units, []
    for i, s in enumerate(units.sentences):
        if word in units.sentence_text(i) and any(p == s.paragraph and a < s.end and s.start < b for p, a, b in spans):
            para = units.norm[s.paragraph - 1]
            out += [(s.paragraph, m.start(), m.end()) for m in _SEGMENT.finditer(para, s.start, s.end) if word in m.group()]
    return out
