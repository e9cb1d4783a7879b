"""An article in one short line that says who did what (and when), cut verbatim from its best sentences as the
summary model scores them. Used by the corpus overview (≤ 60 characters) and timelines (≤ 80).

A line is a run of whole clauses of one sentence. Of the runs short enough, one that says who did what
(rag.answering.roles: "2月25日,陕西三原县渠岸镇组织召开2024年镇村干部大会") beats one whose action has no subject
("会上印发《…》", "…书记郑素秀说"), which beats one without an action (who attended, a slogan). Within a tier the
summary model's sentence and clause scores decide, with bonuses for a run that starts at its sentence's subject,
names a person, place or organisation, says when, and shares the words of the article's title and lead (its
main event), and costs for one that starts mid-subject or mid-list ("双方村(社区)党组织书记共计60余人,…" after
"…党政领导班子成员,相关部门负责人,") or opens on a link word ("随后,"). Runs the editorial rules drop
(preambles, slogans, attendance) are never taken.

A timeline asks for a line about a topic (`terms`): then only a run that says who did what, from its sentence's
subject or a clause with its own, and holds the topic in its main clause (up to the end of its first clause with
an action; an item of a long list does not count) is taken."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from rag.answering.clauses import Sentence, Span
from rag.answering.cues import start_patterns
from rag.answering.roles import (ClauseRoles, RunRoles, combine, is_subject, twin_frame_only, twin_link_only,
                                 twin_roles)
from rag.answering.elision import GAP
from rag.answering.selection import Scored, article_tau, best_run, clause_runs
from rag.answering.topics import text_bigrams
from rag.lang.script import search_twin
from rag.lang.sentences import CLOSERS_INNER, OPENERS
from rag.lang.words import jieba_tokenizer

HEADLINE_CHARS = 60
SENTENCES_TRIED = 6  # the best-scored sentences a headline may come from (and the lead)
TIER_WEIGHT = 100.0  # who did what > an action alone > no action, whatever the scores
MODEL_WEIGHT = 20.0  # × the sentence's model score
RANK_COST = 8.0  # per place down the model's sentence ranking
SUBJECT_BONUS = 12.0  # a run that starts at its sentence's subject (its first kept clause past a time or a link)
NAMED_BONUS = 10.0  # who did what, the who a named person, place or organisation
WHEN_BONUS = 6.0  # a run that says when (6月25日, 近日)
EVENT_WEIGHT = 20.0  # × the share of the title's character bigrams the run holds (half that for the lead's)
FRAGMENT_COST = 40.0  # a run that starts after a kept clause with no action (not a time or a link word)
LINK_COST = 15.0  # a run that opens with a link word alone ("随后,")
GAP_COST = 10.0  # a line of two pieces joined by "…" (headline_pieces)


def lead_span(scored: Scored) -> tuple[int, int, int] | None:
    """The article's lead sentence (paragraph from 1, start, end), if it has one."""
    ix = scored.ix
    if ix is None or not ix.frame:
        return None
    s = ix.frame[ix.lead_sentence]
    return s.paragraph, s.start, s.end


def lead_text(scored: Scored, whole_paragraph: bool = False) -> str:
    """The article's lead sentence, or its whole paragraph (the Simplified twin)."""
    span = lead_span(scored)
    if span is None or scored.ix is None:
        return ""
    para = scored.ix.paragraphs[span[0] - 1]
    return para if whole_paragraph else para[span[1]:span[2]]


def coverage(grams: frozenset[str], of: frozenset[str]) -> float:
    return len(grams & of) / len(of) if of else 0.0


def listed(text: str, at: int, end: int) -> bool:
    """Whether text[at:end] is an item of a list of three or more (an enumeration of sectors, of complaints): a
    mention in passing, not what the clause is about."""
    if not ((at > 0 and text[at - 1] == "、") or text[end:end + 1] == "、"):
        return False
    left = max(text.rfind(m, 0, at) for m in "，,；;。：:")
    right = min((i for i in (text.find(m, end) for m in "，,；;。：:") if i >= 0), default=len(text))
    return text.count("、", left + 1, right) >= 2


def holds(text: str, terms: Sequence[tuple[str, float]], share: float, key: str | None = None) -> bool:
    """Whether text holds at least `share` of the terms' weight (terms in the Simplified search form; `a|b`: either
    counts), a term counted only where it is not an item of a long list. `key`: the text's search twin, when known."""
    key = search_twin(text) if key is None else key
    total = sum(w for _, w in terms) or 1.0
    found = 0.0
    for t, w in terms:
        found += w if any(_unlisted(key, alt) for alt in t.split("|")) else 0.0
    return found / total >= share


def _unlisted(key: str, term: str) -> bool:
    """Whether `key` holds `term` somewhere it is not an item of a long list."""
    at = key.find(term)
    while at >= 0 and listed(key, at, at + len(term)):
        at = key.find(term, at + 1)
    return at >= 0


@lru_cache(maxsize=4096)
def paragraph_key(text: str) -> str:
    return search_twin(text)


@dataclass(frozen=True)
class Bigrams:
    """A paragraph's character bigrams as `text_bigrams` reads them (letters and digits, punctuation skipped), with
    where each starts and ends, so that those of any span are a slice."""

    starts: list[int]
    ends: list[int]
    grams: list[str]

    @classmethod
    def of(cls, key: str) -> "Bigrams":
        at = [i for i, ch in enumerate(key) if ch.isalnum()]
        return cls(at[:-1], [i + 1 for i in at[1:]], [key[i] + key[j] for i, j in zip(at, at[1:])])

    def within(self, start: int, end: int) -> frozenset[str]:
        return frozenset(self.grams[bisect_left(self.starts, start):bisect_right(self.ends, end)])


@lru_cache(maxsize=4096)
def paragraph_bigrams(key: str) -> Bigrams:
    return Bigrams.of(key)


def independent(roles: ClauseRoles) -> bool:
    """A clause with its own subject before its action ("…孙宇代表镇政府与各村签定安全生产目标责任书"): a run
    may start there though its sentence started earlier."""
    return roles.subject_at is not None and roles.action_at is not None and roles.subject_at < roles.action_at


@dataclass(frozen=True)
class Clauses:
    """One candidate sentence's clauses as a headline reads them."""

    sentence: Sentence
    text: str  # its paragraph (the Simplified twin)
    keep: np.ndarray  # clause keep scores (< 0: dropped by the editorial rules)
    roles: list[ClauseRoles]
    framing: list[bool]  # only says when, or only links
    dated: list[bool]
    key: str  # the paragraph's search twin (same offsets)

    @classmethod
    def of(cls, sentence: Sentence, text: str, keep: np.ndarray) -> "Clauses":
        parts = [text[x:y] for x, y in sentence.clauses]
        dates = start_patterns()["start_time"]
        return cls(sentence, text, keep, [twin_roles(p) for p in parts], [twin_frame_only(p) for p in parts],
                   [bool(dates.search(p)) for p in parts], paragraph_key(text))

    def main_end(self, a: int, b: int) -> int:
        """Where the main clause of the run a..b ends: the end of its first clause with an action."""
        for c in range(a, b + 1):
            if self.roles[c].action_at is not None:
                return self.sentence.clauses[c][1] if c < b else self.sentence.run(a, b)[1]
        return self.sentence.run(a, b)[1]


def headline(scored: Scored, max_chars: int = HEADLINE_CHARS, terms: Sequence[tuple[str, float]] = (),
             share: float = 0.75) -> Span | None:
    """The best verbatim run of at most max_chars characters, or the best sentence's run when none is that short.
    With `terms`, only a run about them (see the module's doc), or None."""
    line = _best_line(scored, max_chars, terms, share, joined=False)
    return line[0] if line else None


def headline_pieces(scored: Scored, max_chars: int = HEADLINE_CHARS) -> list[Span]:
    """The best line as its verbatim pieces (one, or two of one sentence shown joined by "…", see `joined_lines`),
    at most max_chars characters as shown; [] for an article without sentences."""
    return _best_line(scored, max_chars, (), 0.0, joined=True) or []


def _best_line(scored: Scored, max_chars: int, terms: Sequence[tuple[str, float]], share: float,
               joined: bool) -> list[Span] | None:
    ps, pk = scored.sentence_scores, scored.clause_scores
    order = [i for i in np.argsort(-ps, kind="stable")[:SENTENCES_TRIED].tolist() if ps[i] >= 0]
    lead = lead_span(scored)
    lead_i = next((i for i, s in enumerate(scored.sentences) if s.span == lead), None)
    if lead_i is not None and ps[lead_i] >= 0 and lead_i not in order:
        order.append(lead_i)
    tau = article_tau(pk, 0.3)
    title = text_bigrams(scored.ix.title) if scored.ix is not None else frozenset()
    lead_grams = text_bigrams(lead_text(scored))
    best: tuple[float, list[Span]] | None = None
    for rank, i in enumerate(order):
        c = Clauses.of(scored.sentences[i], scored.paragraphs[scored.sentences[i].paragraph - 1], pk[i])
        s = c.sentence
        base = MODEL_WEIGHT * float(ps[i]) - RANK_COST * rank
        kept = [k for k in range(len(s.clauses)) if c.keep[k] >= 0]

        def fits(pieces: list[tuple[int, int]], who: RunRoles, value: float, opening: float) -> float:
            grams = frozenset().union(*(paragraph_bigrams(c.key).within(x, y) for x, y in pieces))
            dated = any(c.dated[k] for k, (x, y) in enumerate(s.clauses) for a, b in pieces if x < b and a < y)
            return (opening + base + value + TIER_WEIGHT * who.tier + NAMED_BONUS * who.named + WHEN_BONUS * dated
                    + EVENT_WEIGHT * (coverage(grams, title) + 0.5 * coverage(grams, lead_grams)))

        for a, b, value, start, end in clause_runs(s, c.keep, tau, max_chars):
            fragment = a > 0 and c.keep[a - 1] >= 0 and c.roles[a - 1].action_at is None and not c.framing[a - 1]
            subject = all(c.framing[k] for k in kept if k < a)
            who: RunRoles = combine(c.roles[a:b + 1], c.text[start:end])
            if terms and not (who.tier == 2 and (subject or independent(c.roles[a])) and not fragment
                              and holds("", terms, share, c.key[start:c.main_end(a, b)])):
                continue
            opening = (SUBJECT_BONUS * subject - LINK_COST * twin_link_only(c.text[slice(*s.clauses[a])])
                       - FRAGMENT_COST * fragment)
            score = fits([(start, end)], who, value, opening)
            if best is None or score > best[0]:
                best = (score, [(s.paragraph, start, end)])
        if joined:
            for pieces, who, value in joined_lines(c, tau, max_chars):
                score = fits(pieces, who, value, SUBJECT_BONUS - GAP_COST)
                if best is None or score > best[0]:
                    best = (score, [(s.paragraph, x, y) for x, y in pieces])
    if best is not None:
        return best[1]
    if order and not terms:  # no run is short enough: the best sentence's own clause run, cut to max_chars
        s = scored.sentences[order[0]]
        start, end = best_run(s, pk[order[0]], tau)
        text = scored.paragraphs[s.paragraph - 1] if scored.paragraphs else ""
        return [(s.paragraph, *bounded(text, start, end, max_chars))]
    return None


def cut_points(c: Clauses, k: int) -> list[int]:
    """Where a line's second piece may start inside clause k: its start, or, outside quotes and brackets, after
    a closing quote or title mark or a 的 of its own (jieba's word) — a modifier ("…主办的“争当直联先锋”") left
    out — where a subject noun starts it ("锦江区…活动在成都市文化馆举办"; not "而…", "上接受采访")."""
    x, y = c.sentence.clauses[k]
    part = c.key[x:y]
    depth, level = 0, []
    for ch in part:  # the bracket depth after each character
        depth = depth + 1 if ch in OPENERS else max(0, depth - 1) if ch in CLOSERS_INNER else depth
        level.append(depth)
    cuts = [i + 1 for i, ch in enumerate(part[:-1]) if ch in CLOSERS_INNER and level[i] == 0]
    cuts += [e for w, b, e in jieba_tokenizer().tokenize(part) if w == "的" and e < len(part) and level[b] == 0]
    return sorted(x + i for i in {0, *cuts} if opens_on_subject(part[i:]))


def opens_on_subject(text: str) -> bool:
    """Whether text's first word (past an opening quote or title mark) is a subject noun."""
    words = jieba_tokenizer().tokenize(text.lstrip(OPENERS))
    first = next(iter(words), None)
    return first is not None and is_subject(first[0])


def joined_lines(c: Clauses, tau: float, max_chars: int) -> list[tuple[list[tuple[int, int]], RunRoles, float]]:
    """Lines of two verbatim pieces of one sentence too long to fit whole: its opening clauses that say when or
    who but report no action ("6月26日上午"), then, past what is left out, a run that says the action
    ("…锦江区机关党组织和社区党组织直联共建活动在成都市文化馆举办"), together who did what and at most max_chars
    characters with the "…" between them. Each with its roles and keep value."""
    s, out = c.sentence, []
    n = len(s.clauses)
    for p in range(n):
        if c.keep[p] < 0 or c.roles[p].action_at is not None:
            break
        if not any(c.dated[q] or c.roles[q].subject_at is not None for q in range(p + 1)):
            continue  # the opening must say when or who
        head = (s.clauses[0][0], s.clauses[p][1])
        head_value = sum((float(c.keep[q]) - tau) * (s.clauses[q][1] - s.clauses[q][0]) for q in range(p + 1))
        room = max_chars - (head[1] - head[0]) - len(GAP)
        for k in range(p + 1, n):
            if c.keep[k] < 0:
                continue
            for cut in cut_points(c, k):
                if cut == s.clauses[k][0] and k == p + 1:
                    continue  # no gap: a plain run
                value = head_value + (float(c.keep[k]) - tau) * (s.clauses[k][1] - cut)
                for b in range(k, n):
                    if b > k:
                        if c.keep[b] < 0:
                            break
                        value += (float(c.keep[b]) - tau) * (s.clauses[b][1] - s.clauses[b][0])
                    end = s.run(k, b)[1]
                    if end - cut > room:
                        break
                    if s.run(0, b)[1] - head[0] <= max_chars:
                        continue  # the whole run fits: no need to leave anything out
                    tail = c.roles[k] if cut == s.clauses[k][0] else twin_roles(c.key[cut:s.clauses[k][1]])
                    if tail.action_at is None:
                        continue
                    text = c.text[head[0]:head[1]] + GAP + c.text[cut:end]
                    who = combine(c.roles[:p + 1] + [tail] + c.roles[k + 1:b + 1], text)
                    mid = cut > s.clauses[k][0]  # a modifier left out: the piece must name its actor
                    if who.tier == 2 and independent(tail) and (not mid or tail.named_at is not None):
                        out.append(([head, (cut, end)], who, value))
    return out


BREAKS = "、，,；;：:（(《“ "  # where an over-long clause may be cut (before the mark)


def bounded(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """text[start:end] cut to at most max_chars characters: before the last list or clause mark that keeps at
    least half of them, else at max_chars (still a verbatim span)."""
    if end - start <= max_chars or not text:
        return start, min(end, start + max_chars)
    limit = start + max_chars
    cut = next((i for i in range(limit, start + max_chars // 2, -1) if text[i] in BREAKS), limit)
    while cut > start + 1 and text[cut - 1] in BREAKS:  # no mark left dangling at the end
        cut -= 1
    return start, cut
