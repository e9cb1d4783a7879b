"""What someone said: a question that asks for a person's words (田志凯说了什么？ What did Tian Zhikai say …?) is
answered with the speech attributed to them, not with the sentence that only introduces them.

Two gaps the unit ranker leaves (it scores units on the question's words, and the name is in the introducing
sentence): the chosen unit is the sentence naming the speaker (…田志凯围绕…致辞。) while what they said is the next
sentence, opening with 他/她 and a speech verb (他指出，…); or the chosen unit is a clause run cut right after the speech
verb (…陶胜旺表示), the words themselves left out. A "what about X?" / 那X呢？ follow-up to such a question asks the
same. When the words open an enumeration (一要…二要…三要…), the answer is the whole run. Patterns are data (data/said.tsv); the speech verbs are names.tsv `say`."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from rag.answering.model import Ranked
from rag.answering.names import name_words
from rag.answering.question import Question
from rag.answering.slots import person_names
from rag.answering.units import ArticleUnits, Unit, continues_speaker
from rag.lang.script import normalize
from rag.lang.speech import with_speech_verbs
from rag.lang.wordlists import read_rows

SAID_BUDGET = 240  # the most characters of a speech answer (the introducing sentence and what was said)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    kinds: dict[str, list[str]] = {}
    for kind, pattern in read_rows("rag.answering", "data/said.tsv", 2, 2):
        kinds.setdefault(kind, []).append(with_speech_verbs(pattern))
    return {k: re.compile("|".join(f"(?:{p})" for p in v), re.I) for k, v in kinds.items()}


def asks_said(question: str, previous: str | None = None) -> bool:
    """Whether `question` asks what someone said, itself or as a "what about X?" follow-up to `previous` that did."""
    text = normalize(question)
    if _patterns()["ask"].search(text):
        return True
    return bool(previous) and bool(_patterns()["about"].search(text)) and bool(_patterns()["ask"].search(normalize(previous)))


def _ends_with_speech_verb(au: ArticleUnits, unit: Unit) -> bool:
    p, _a, b = unit.spans[-1]
    head = au.norm[p - 1][:b].rstrip("，,：:、 ")
    return head.endswith(name_words()["say"])


def _sentence_at(au: ArticleUnits, p: int, offset: int) -> int | None:
    """The index of the sentence of paragraph p that holds `offset` (its end included)."""
    for s in au.sentences:
        if s.paragraph == p and s.start <= offset <= s.end:
            return s.index
    return None


def _covers(u: Unit, unit: Unit) -> bool:
    return all(any(q == p and c <= a and b <= d for q, c, d in u.spans) for p, a, b in unit.spans)


def cut_speech(au: ArticleUnits, unit: Unit, candidates: Sequence[Unit]) -> Unit | None:
    """When `unit` is a clause run cut right after a speech verb (…陶胜旺表示) with the words themselves later in
    its sentence: the clause run or sentence from `unit`'s start that goes on past it (the longest within
    SAID_BUDGET); else None. Such a unit says nothing but who spoke, whatever was asked."""
    p, start, end = unit.spans[-1]
    if len(unit.spans) != 1 or not _ends_with_speech_verb(au, unit):
        return None
    i = _sentence_at(au, p, end)
    if i is None or end >= au.sentences[i].end - 1:
        return None
    s_end = au.sentences[i].end
    longer = [u for u in candidates if len(u.spans) == 1 and u.spans[0][0] == p and u.spans[0][1] == start
              and end < u.spans[0][2] <= s_end and u.chars <= SAID_BUDGET]
    return max(longer, key=lambda u: u.chars) if longer else None


def quoted_before(unit: Unit, candidates: Sequence[Unit]) -> Unit | None:
    """When `unit` is the line after a quotation that names its speaker by title (“我们组建…。”…支部书记张翠玉为观众
    展示了…): the quotation with that line (the `quote` unit ending with it, within SAID_BUDGET), else None.
    What a person said is the quotation their line closes."""
    if len(unit.spans) != 1:
        return None
    quotes = [u for u in candidates if u.kind == "quote" and u.spans[-1][::2] == unit.spans[0][::2]
              and u.chars > unit.chars and _covers(u, unit) and u.chars <= SAID_BUDGET]
    return min(quotes, key=lambda u: u.chars) if quotes else None


def said_unit(au: ArticleUnits, unit: Unit, candidates: Sequence[Unit]) -> Unit | None:
    """The unit of `candidates` (the same article's) that gives what the speaker of `unit` said, or None when
    `unit` already does: cut_speech's, the quotation `unit` closes (quoted_before), or `unit` with the sentences after it that continue its speaker (他指出，…；
    要…；要…): of the units holding `unit` whole and going on into that sentence, the one reaching furthest
    within SAID_BUDGET (the shortest of those)."""
    cut = cut_speech(au, unit, candidates)
    if cut is not None:
        return cut
    before = quoted_before(unit, candidates)
    if before is not None:
        return before
    p, _start, end = unit.spans[-1]
    i = _sentence_at(au, p, end)
    if i is None or i + 1 >= len(au.sentences) or end < au.sentences[i].end - 1:
        return None
    nxt = au.sentences[i + 1]
    if nxt.paragraph != p or not continues_speaker(au, nxt):
        return None
    joined = [u for u in candidates if _covers(u, unit) and u.chars <= SAID_BUDGET
              and any(q == p and c <= nxt.start < d for q, c, d in u.spans)]
    if not joined:
        return None
    return min(joined, key=lambda u: (-max(d for q, _c, d in u.spans if q == p), u.chars))


def whole_run(unit: Unit, candidates: Sequence[Unit]) -> Unit | None:
    """When `unit` (what a speaker said) holds the first item of an enumeration run (他表示，一要…；二要…；三要…) or
    the first sentences of a parallel list: the shortest enumeration unit of `candidates` that starts where `unit`
    starts and holds it whole, the run through its last item; else None. What someone said that is a list is the
    whole list, not its first item."""
    first = unit.spans[0]
    runs = [u for u in candidates if u.kind == "enum" and u.spans[0][:2] == first[:2] and u.chars > unit.chars
            and _covers(u, unit)]
    return min(runs, key=lambda u: u.chars) if runs else None


def said_rows(ranked: Ranked, rows: Sequence[int], said: bool, speakers: Sequence[str] = (),
              verbs: Sequence[str] = ()) -> list[int]:
    """`rows` with each chosen unit that only introduces a speaker replaced by the unit that gives their words:
    said_unit's when the question asks what someone said (`said`), then the whole enumeration run when those words
    open one (whole_run), else cut_speech's; a replacement that overlaps another chosen unit takes its place.
    When the question says whose words it asks (`speakers`: the person a 她/she stands for, a name it writes)
    and some of those units name them, the units naming someone else go (What did she say …? after a question
    that named 张翠玉: her quotation, not the one before it by 郑素秀). When it says how they said it (`verbs`:
    强调 for stress) and no unit kept says so, the best-scored unit that does (naming them) is read instead."""
    out: list[int] = []
    for r in rows:
        row = _said_row(ranked, r, said)
        out = [o for o in out if not ranked.unit_of(o).overlaps(ranked.unit_of(row))]
        out.append(row)
    if said and speakers:
        theirs = [o for o in out if any(s in _with_speaker(ranked, o) for s in speakers)]
        if not theirs:  # none of the chosen units is theirs: the best-scored unit that names them, read as said
            naming = [int(x) for x in range(len(ranked.scores)) if any(s in _with_speaker(ranked, int(x)) for s in speakers)]
            theirs = [_said_row(ranked, max(naming, key=lambda x: ranked.scores[x]), said)] if naming else []
        out = theirs or out
    if said and verbs and not any(v in ranked.unit_of(o).text for o in out for v in verbs):
        saying = [int(x) for x in range(len(ranked.scores)) if any(v in ranked.unit_of(int(x)).text for v in verbs)
                  and (not speakers or any(s in ranked.unit_of(int(x)).text for s in speakers))]
        if saying:
            out = [_said_row(ranked, max(saying, key=lambda x: ranked.scores[x]), said)]
    return sorted(dict.fromkeys(out), key=lambda x: ranked.unit_of(x).spans[0])


def _said_row(ranked: Ranked, r: int, said: bool) -> int:
    """The row of the unit that gives what the speaker of row `r`'s unit said (said_rows), or `r`."""
    owner = int(ranked.owner[r])
    au = ranked.article_of(r).units
    same = [int(x) for x in range(len(ranked.scores)) if int(ranked.owner[x]) == owner]
    units = [ranked.unit_of(x) for x in same]
    better = (said_unit if said else cut_speech)(au, ranked.unit_of(r), units)
    if said:
        better = whole_run(better or ranked.unit_of(r), units) or better
    return next((x for x in same if ranked.unit_of(x) is better), r) if better is not None else r


def speech_verbs(q: Question) -> tuple[str, ...]:
    """The question's words that say how something was said (强调, 指出: data/said.tsv `verb`)."""
    return tuple(t for t, _ in q.terms if _patterns()["verb"].fullmatch(t))


def named_persons(q: Question, ranked: Ranked) -> tuple[str, ...]:
    """The question's words that are persons its articles name (王刚 in 王刚说了什么？, What did Wang Gang say?)."""
    persons = {p for pa in ranked.pool for p in person_names(pa.units.text)}
    return tuple(t for t, _ in q.terms if t in persons)


def _with_speaker(ranked: Ranked, row: int) -> str:
    """A unit's text with the speaker line after it (a quotation's …郑素秀说。), where its speaker is named."""
    unit = ranked.unit_of(row)
    line = ranked.article_of(row).units.speaker_after(unit)
    return unit.text + (line.text if line is not None else "")
