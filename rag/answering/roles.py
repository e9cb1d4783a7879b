"""Who did what in a clause run, so that a one-line headline (rag.answering.headlines) says who did what rather
than list who attended ("石马镇、小枧镇党政领导班子成员,相关部门负责人…共计60余人"), lean on the sentence before
("会上印发《…》") or only announce a speaker ("波兰军方称").

- an action is a word of the cue lists of what happened, was decided, asked, said or chaired (data/unit_cues.tsv:
  event, outcome, demand, speech, chair; the verbs of the preamble rules' purpose_verb: 做好, 落实, which jieba's
  dictionary tags as no verb; an idiom ending on one, 切实做好, stays unread: counting those lowered
  summaries_dev's figures), or a verb of jieba's dictionary (the answerer's table,
  rag.answering.postags.word_tags) that is not a light verb (light_verb: 相关, 共计, 包括, 是 report no action)
  and not a job title (data/names.tsv: 镇长, which jieba's dictionary tags as a verb); attending (attend: 参加,
  出席) is not an action;
- a subject is a noun before the action (not the meeting itself, meeting_word: "会议强调…" says who stressed it
  elsewhere, and such lines share less with an editor's summary on summaries_dev): a common noun of jieba's
  dictionary (postags.dictionary_words: the one table this module adds, ~14 MB), a word not in it (names often), a job title; a named actor is a person, place
  or organisation (nr, ns, nt in the summary features' table, features.word_tags), a job title (书记王刚), or a
  word of three or more characters ending like an organisation or a place (统计局, 渠岸镇: actor_suffix) or of
  two or more ending like people (运动员, 警方: person_suffix);
- a run says nothing by itself when it only names a speaker (…表示 / …称: the editorial rules' attribution) or
  ends on a clause that only frames another (…以来, …之际: subordinate_end).

Text is read in its Simplified twin (same offsets). One jieba pass per clause; results cached by text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rag.answering.cues import alt, cue_patterns, editorial_patterns, start_patterns, twin, words
from rag.answering.features import word_tags as name_tags
from rag.answering.names import name_words
from rag.answering.postags import dictionary_words, word_tags
from rag.lang.words import jieba_tokenizer

NAMED_TAGS = ("nr", "ns", "nt")
ACTION_LISTS = ("event", "outcome", "demand", "speech", "chair")


@dataclass(frozen=True)
class ClauseRoles:
    """Offsets (in the clause) of its first subject noun, first named actor and first action; None: none."""

    subject_at: int | None
    named_at: int | None
    action_at: int | None


@dataclass(frozen=True)
class RunRoles:
    action: bool  # the run reports an action
    who_did_what: bool  # ... with a subject before it, and says something by itself
    named: bool  # ... and that subject is a named actor

    @property
    def tier(self) -> int:
        """2: who did what; 1: an action without its subject (or a bare attribution); 0: no action (a list of
        names, a title, a slogan)."""
        return 2 if self.who_did_what else 1 if self.action else 0


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, str]  # word → tag, for verbs (v, vn, …), places, organisations, adverbs (postags.word_tags)
    names: dict[str, str]  # word → tag, for names, places, organisations, numerals, times (features.word_tags)
    nouns: frozenset[str]  # common nouns
    actions: frozenset[str]
    not_actions: frozenset[str]
    meeting: frozenset[str]  # the meeting itself (会议): no subject
    titles: frozenset[str]
    org_suffixes: tuple[str, ...]
    people_suffixes: tuple[str, ...]


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    """The tables the summary features and the answerer already hold, and jieba's common nouns."""
    titles = frozenset(name_words()["title"])
    return Lexicon(word_tags(), name_tags(), dictionary_words(("n", "ng")),
                   frozenset(w for name in ACTION_LISTS for w in words(name))
                   | (frozenset(words("purpose_verb")) - frozenset(words("purpose_adverb"))),
                   frozenset(words("light_verb")) | frozenset(words("attend")) | titles,
                   frozenset(words("meeting_word")), titles,
                   tuple(words("actor_suffix")), tuple(words("person_suffix")))


_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def is_action(word: str) -> bool:
    lex = _lexicon()
    return word in lex.actions or (lex.verbs.get(word) == "v" and len(word) >= 2 and word not in lex.not_actions)


def is_named(word: str) -> bool:
    lex = _lexicon()
    return (lex.names.get(word, "").startswith(NAMED_TAGS) or word in lex.titles
            or (len(word) >= 3 and word.endswith(lex.org_suffixes)) or (len(word) >= 2 and word.endswith(lex.people_suffixes)))


def is_subject(word: str) -> bool:
    lex = _lexicon()
    if word in lex.meeting:
        return False
    if word in lex.nouns or lex.names.get(word, "").startswith("n") or is_named(word):
        return True
    if word in lex.verbs or word in lex.names:
        return False
    return bool(_HAN_WORD.match(word)) and not jieba_tokenizer().FREQ.get(word)


def clause_roles(text: str) -> ClauseRoles:
    """Where the clause's first subject noun, named actor and action are (the clause in either script)."""
    return twin_roles(twin(text))


@lru_cache(maxsize=16384)
def twin_roles(text: str) -> ClauseRoles:
    """`clause_roles` of a clause already in its Simplified twin (a paragraph twin's slice)."""
    subject = named = action = None
    for word, start, _ in jieba_tokenizer().tokenize(text):
        if action is None and is_action(word):
            action = start
            break
        if named is None and is_named(word):
            named = start
        if subject is None and is_subject(word):
            subject = start
    return ClauseRoles(subject, named, action)


@lru_cache(maxsize=1)
def _subordinate() -> re.Pattern:
    return re.compile(rf"(?:{alt('subordinate_end')})[，,：:；;。]?$")


@lru_cache(maxsize=16384)
def says_nothing(text: str) -> bool:
    """A run that only names a speaker (…书记郑素秀说) or ends on a framing clause (…自启动报名以来)."""
    t = twin(text).strip()
    return bool(editorial_patterns()["attribution"].match(t) or _subordinate().search(t))


def combine(clauses: Sequence[ClauseRoles], text: str = "") -> RunRoles:
    """The roles of a run of clauses, in order (`text`: the run, checked for saying nothing by itself): who did
    what when a subject comes before the run's first action (in an earlier clause, or earlier in the same one)."""
    subject = named = False
    for c in clauses:
        subject = subject or c.subject_at is not None
        named = named or c.named_at is not None
        if c.action_at is not None:
            ok = subject and not (text and says_nothing(text))
            return RunRoles(True, ok, ok and named)
    return RunRoles(False, False, False)


def frame_only(text: str) -> bool:
    """A clause that only says when or links to what came before (6月25日 / 近日 / 2023年7月28日上午 / 随后 /
    此外): a run may start after it."""
    return twin_frame_only(twin(text))


@lru_cache(maxsize=16384)
def twin_frame_only(text: str) -> bool:
    """`frame_only` of a clause already in its Simplified twin."""
    rest = text
    for pattern in (cue_patterns()["date"], start_patterns()["start_pronoun"], start_patterns()["start_time"]):
        rest = pattern.sub("", rest)
    return sum(ch.isalnum() for ch in rest) <= 2


def link_only(text: str) -> bool:
    """A clause that only links to what came before (随后 / 此外 / 同时): a line need not open with it."""
    return twin_link_only(twin(text))


@lru_cache(maxsize=16384)
def twin_link_only(text: str) -> bool:
    """`link_only` of a clause already in its Simplified twin."""
    rest = start_patterns()["start_pronoun"].sub("", text)
    return rest != text and sum(ch.isalnum() for ch in rest) <= 2


def run_roles(text: str) -> RunRoles:
    """The roles of a text read as one clause."""
    return combine([clause_roles(text)], text)
