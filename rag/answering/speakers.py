"""Every speaker of an event (List the speakers at the Qingshan joint meeting; 联席会上有哪些人发言？): the chosen
article's units in which a person speaks — the person named nearest before a speech verb in its sentence
(田志凯…致辞, 陶胜旺表示, 程汉萍…并指出; data/speakers.tsv `verb`) — one unit per speaker, in the article's order.
The host (刘芸主持) is no speaker: a later person stands between her and the verb. Trial3 t28 quoted only the
sentence naming the host and the first speaker."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.model import Ranked
from rag.answering.question import analyze
from rag.answering.slots import person_names
from rag.answering.units import ArticleUnits, Unit
from rag.lang.script import normalize
from rag.lang.speech import with_speech_verbs
from rag.lang.wordlists import read_rows

MIN_SPEAKERS = 1  # no person speaking in the article: the ranked answer stands (one is the list: 余家洪 of 锦江)
SPEECH_BUDGET = 240  # the most characters of one speaker's unit (as rag.answering.said's SAID_BUDGET)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    kinds: dict[str, list[str]] = {}
    for kind, pattern in read_rows("rag.answering", "data/speakers.tsv", 2, 2):
        kinds.setdefault(kind, []).append(with_speech_verbs(pattern))
    return {k: re.compile("|".join(f"(?:{p})" for p in v), re.I) for k, v in kinds.items()}


def asks_speakers(question: str) -> bool:
    """Whether `question` asks for every speaker of an event (list the speakers, who spoke, 哪些人发言); not a
    question asking something else about them, yes or no or what (Did Qingdao require the speakers in the contests
    to be…?, What did Qingdao require of the speakers at its contests?)."""
    return (bool(_patterns()["ask"].search(normalize(question))) and analyze(question).atype != "yesno"
            and not _WHAT.match(question))


_WHAT = re.compile(r"\s*what\b", re.I)  # an English question asking what of the speakers, not who they are


def speakers_in(au: ArticleUnits, unit: Unit, persons: Sequence[str]) -> list[str]:
    """The persons of `persons` who speak in `unit`: for each speech verb inside one of its spans, the person
    named nearest before it in its sentence (a span's clause may stand apart from its sentence's opening), in
    order, once each."""
    out: list[str] = []
    for p, a, b in unit.spans:
        paragraph = au.norm[p - 1]
        for verb in _patterns()["verb"].finditer(paragraph, a, b):
            opening = max(paragraph.rfind(end, 0, verb.start()) for end in "。！？!?；;") + 1
            before = paragraph[opening : verb.start()]
            named = [(before.rfind(person), person) for person in persons if person in before]
            if not named and before.lstrip().startswith(("他", "她")) and opening > 0:
                # 他表示 after 孙宇带领…: the person the sentence before names last
                earlier = max(paragraph.rfind(end, 0, opening - 1) for end in "。！？!?；;") + 1
                named = [(paragraph.rfind(person, earlier, opening), person) for person in persons
                         if paragraph.find(person, earlier, opening) >= 0]
            if named:
                out.append(max(named)[1])
    return list(dict.fromkeys(out))


def speaker_rows(ranked: Ranked, rows: Sequence[int]) -> tuple[list[int], list[str]] | None:
    """For a question asking every speaker, the rows of the chosen article's units in which each of its persons
    speaks (the first unit per speaker, its whole sentence, in the article's order) and the
    speakers, when it has MIN_SPEAKERS or more; else None."""
    if not len(rows):
        return None
    owner = ranked.owner[rows[0]]
    persons = person_names(ranked.article_of(int(rows[0])).units.text)
    mine = [int(r) for r in np.where(ranked.owner == owner)[0]]
    first: dict[str, int] = {}
    # the earliest unit in which they speak: of those starting there, one whole passage (fewest spans) of the fewest
    # sentences, the longest within SPEECH_BUDGET (the sentence with their words)
    fits = [r for r in mine if ranked.unit_of(r).chars <= SPEECH_BUDGET]
    for r in sorted(fits, key=lambda x: (ranked.unit_of(x).spans[0][:2], len(ranked.unit_of(x).spans), ranked.unit_of(x).sentences, -ranked.unit_of(x).chars)):
        for person in speakers_in(ranked.article_of(r).units, ranked.unit_of(r), persons):
            first.setdefault(person, r)
    if len(first) < MIN_SPEAKERS:
        return None
    out: list[int] = []
    for r in sorted(dict.fromkeys(first.values()), key=lambda x: ranked.unit_of(x).spans[0]):
        if not any(ranked.unit_of(o).overlaps(ranked.unit_of(r)) for o in out):
            out.append(r)
    return out, list(first)
