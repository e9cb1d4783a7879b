"""Answer units of one article: the pieces of text an answer may quote, each as exact spans of its paragraphs.

A span is (paragraph numbered from 1, start, end) with `article.paragraph(p)[start:end]` the quoted text;
a unit is one or more spans in article order. Kinds:

- `sent`: a whole sentence (rag.lang.sentences, the one splitter);
- `run`: a run of whole clauses of a longer sentence (clauses are cut at ，：；, outside quotes and brackets);
- `item`: one segment of a 、-list whose segments are themselves clauses (区委党校党支部和…签署“…”项目);
- `enum`: an enumeration, from the sentence holding its first item (一是/一要/第一/首先/（一）/1.) to the end of
  its last item, across paragraphs when the items are paragraphs; `enumh`: the head clause of each item;
- `enum` also: sentences after "；" that open alike with 要 (他指出，…要…；要…；要…), and the clause run
  holding an open 、-list of at least three items (在A、B、C等方面…); a sentence opening with 他/她 is read with the
  sentence before it, which names who is meant;
- `quote`: a quotation with the line naming its speaker (“…。”某某说。), `quote1`: one quoted sentence and the
  speaker line, `quoterun`: a short clause run of a long quotation and the speaker line.

Everything here is question-independent and cached per article (`article_units`); the search form of each
paragraph (Simplified, half-width, lower-case) is kept alongside, with the same offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.answering.cues import words as cue_words
from rag.answering.names import name_words
from rag.ingest.articles import Article
from rag.lang.script import normalize
from rag.lang.sentences import split_clauses as clause_spans
from rag.lang.sentences import split_sentences
from rag.lang.wordlists import alternation

Span = tuple[int, int, int]  # (paragraph from 1, start, end)

RUN_MAX_CLAUSES = 5  # a clause run holds at most this many clauses ...
RUN_MAX_CHARS = 100  # ... and this many characters
ITEM_MIN_CHARS = 8  # a 、-segment shorter than this is a word in a list, not an item
ENUM_MAX_ITEMS = 12
ENUM_MAX_CHARS = 600
INTRO_MAX_CHARS = 40  # a sentence this short before an enumeration is read with it
QUOTE_RUN_CHARS = 60  # a clause run of a long quotation, quoted with its speaker line
MAX_SENTENCES = 400  # sentences of one article read (a pasted book is read in part)


_ORD = "一二三四五六七八九十"
# An item's marker at the start of a sentence or clause (matched at a clause's offset: no ^).
ENUM_MARK = re.compile(
    rf"(?:[{_ORD}](?:是|要|抓|建|强|提|加|在|为|着|来|靠|看)|第[{_ORD}](?:[，,、是]|条|项|方面|步|阶段)?|"
    rf"[（(][{_ORD}][）)]|[{_ORD}]、|\d{{1,2}}[、.．)]|首先|其次|再次|然后|最后|此外)"
)
_ORD_VALUE = {c: i + 1 for i, c in enumerate(_ORD)}
_SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3, "然后": 3}
# A short line naming the speaker of the quotation before it: “…。”某某说。 / 某某表示。
_BRACKETED = re.compile(r"（[^（）]*）|\([^()]*\)|“[^“”]*”|《[^《》]*》")
LIST_MIN_ITEMS = 3  # an open 、-list (A、B、C等…) of at least this many items is an enumeration
SPEAKER_LINE = re.compile(r"^[^“”\"。！？]{1,45}?(说|表示|介绍|指出|强调|称|认为|透露|坦言|告诉记者|感慨|回忆)[道]?[。！]?$")


@lru_cache(maxsize=1)
def _titled() -> re.Pattern:
    """A sentence that opens by naming someone by title (…支部书记黄俊德将以…): after a quotation, its speaker."""
    return re.compile(rf"^[^“”\"。！？，,]{{0,30}}?(?:{alternation(name_words()['title'])})[\u4e00-\u9fff]{{2,3}}")


@lru_cache(maxsize=1)
def _pronoun_opening() -> tuple[re.Pattern, re.Pattern]:
    """A sentence that opens with a pronoun (他指出，…): it needs the sentence before it, which names who is meant;
    and one that opens with a pronoun and a speech verb (他要求，…): it continues its speaker's sentence (matched
    at the sentence's offset: no ^; data/unit_cues.tsv `speaker_pronoun`, `pronoun_adverb`, `continues`)."""
    head = f"(?:{alternation(cue_words('speaker_pronoun'))})(?:{alternation(cue_words('pronoun_adverb'))})?"
    return re.compile(head + r"[\u4e00-\u9fff]"), re.compile(head + f"(?:{alternation(cue_words('continues'))})")


def continues_speaker(au: "ArticleUnits", s: "Sentence") -> bool:
    """Whether sentence `s` opens with a pronoun and a speech verb (他指出，…): it continues its speaker's sentence."""
    return bool(_pronoun_opening()[1].match(au.norm[s.paragraph - 1], s.start, s.end))


def parallel_mark() -> tuple[str, ...]:
    """Item markers after "；" that repeat through a sentence: parallel demands (…；要…；要…)."""
    return cue_words("parallel_mark")


@lru_cache(maxsize=1)
def _then_now() -> tuple[re.Pattern, re.Pattern]:
    return (re.compile(alternation(cue_words("then"))), re.compile(alternation(cue_words("now"))))


def splits_then_now(clauses: list[str], i: int, j: int) -> bool:
    """True when clauses i..j (texts of one sentence, search form) cut a then/now pair in two: 以前觉得…就行了，
    现在有本领恐慌 says one thing (data/unit_cues.tsv `then`, `now`)."""
    then, now = _then_now()

    def pair(k: int) -> bool:  # clause k opens with `then`, clause k+1 with `now`
        return 0 <= k and k + 1 < len(clauses) and bool(then.match(clauses[k])) and bool(now.match(clauses[k + 1]))

    return pair(j) or pair(i - 1)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article with its clauses (offsets in its paragraph)."""

    paragraph: int  # from 1
    start: int
    end: int
    index: int  # in the article, from 0
    clauses: tuple[tuple[int, int], ...]

    @property
    def span(self) -> Span:
        return (self.paragraph, self.start, self.end)


@dataclass(frozen=True)
class Unit:
    kind: str
    spans: tuple[Span, ...]
    text: str  # the spans' text joined (search form), what features and keys are checked on
    sentence: int  # index of its first sentence
    sentences: int  # how many sentences it touches
    clauses: int  # clauses it holds (items for an enumeration)

    @property
    def chars(self) -> int:
        return sum(b - a for _, a, b in self.spans)

    def overlaps(self, other: "Unit") -> bool:
        return any(p == q and a < d and c < b for p, a, b in self.spans for q, c, d in other.spans)


@dataclass(frozen=True)
class ArticleUnits:
    """An article's sentences, units and the search form of its paragraphs (same offsets as the article's)."""

    article: Article
    norm: tuple[str, ...]  # normalize(paragraph), or the paragraph itself when normalising changed its length
    sentences: tuple[Sentence, ...]
    units: tuple[Unit, ...]
    text: str  # title and paragraphs in search form, for article-level matching
    speakers: tuple[Unit, ...] = ()  # lines that only name the speaker of the quotation before them (no units)

    def speaker_after(self, unit: Unit) -> Unit | None:
        """The speaker line right after `unit` when `unit` ends its quotation (…探索。” → 郭健说。)."""
        p, _, end = unit.spans[-1]
        for line in self.speakers:
            q, start, _ = line.spans[0]
            if q == p and 0 <= start - end <= 1 and self.norm[p - 1][:end].rstrip().endswith(("”", '"', "」")):
                return line
        return None

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i]
        return self.norm[s.paragraph - 1][s.start : s.end]


def split_clauses(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Clause spans of text[start:end] (rag.lang.sentences.split_clauses); the whole sentence if it has none."""
    return tuple(clause_spans(text, start, end)) or ((start, end),)


def _search_form(paragraph: str) -> str:
    n = normalize(paragraph)
    return n if len(n) == len(paragraph) else paragraph.lower()


@lru_cache(maxsize=512)
def article_units(article: Article) -> ArticleUnits:
    """Sentences and answer units of an article (cached: they depend on the article only)."""
    norm = tuple(_search_form(p) for p in article.paragraphs)
    sentences: list[Sentence] = []
    for p, para in enumerate(article.paragraphs, start=1):
        for a, b in split_sentences(para):
            if len(sentences) >= MAX_SENTENCES:
                break
            sentences.append(Sentence(p, a, b, len(sentences), split_clauses(para, a, b)))
    builder = _Builder(article, norm)
    for s in sentences:
        builder.sentence_units(s)
    builder.enumerations(sentences)
    builder.parallel_lists(sentences)
    builder.quotations(sentences)
    builder.continuations(sentences)
    text = normalize(article.title + "\n" + "\n".join(article.paragraphs))
    units = tuple(u for u in builder.units if u.spans not in builder.bare_speaker)
    speakers = tuple(u for u in builder.units if u.spans in builder.bare_speaker)
    return ArticleUnits(article, norm, tuple(sentences), units, text, speakers)


class _Builder:
    def __init__(self, article: Article, norm: tuple[str, ...]):
        self.article, self.norm = article, norm
        self.units: list[Unit] = []
        self.seen: dict[tuple[Span, ...], int] = {}  # spans → their unit's position in `units`
        # a line that only names the speaker of the quotation before it (…书记郑素秀说。): never an answer alone,
        # the quotation's units carry it
        self.bare_speaker: set[tuple[Span, ...]] = set()

    def add(self, kind: str, spans, sentence: int, sentences: int, clauses: int) -> None:
        """A unit of these spans, unless one is there already; an enumeration takes over a sentence or clause run
        of the same spans (it is read as the list it is)."""
        spans = tuple(_merge(spans))
        if sum(b - a for _, a, b in spans) < 4:
            return
        text = "".join(self.norm[p - 1][a:b] for p, a, b in spans)
        if spans in self.seen:
            i = self.seen[spans]
            if kind == "enum" and self.units[i].kind in ("sent", "run"):
                self.units[i] = Unit(kind, spans, text, sentence, sentences, clauses)
            return
        self.seen[spans] = len(self.units)
        self.units.append(Unit(kind, spans, text, sentence, sentences, clauses))

    def sentence_units(self, s: Sentence) -> None:
        p, para = s.paragraph, self.article.paragraph(s.paragraph)
        n = len(s.clauses)
        self.add("sent", [s.span], s.index, 1, n)
        texts = [self.norm[p - 1][x:y] for x, y in s.clauses]
        for i in range(n):
            for j in range(i, min(n, i + RUN_MAX_CLAUSES)):
                if i == 0 and j == n - 1:
                    continue
                a, b = s.clauses[i][0], (s.end if j == n - 1 else s.clauses[j][1])
                if b - a > RUN_MAX_CHARS:
                    break
                if not splits_then_now(texts, i, j):
                    self.add("run", [(p, a, b)], s.index, 1, j - i + 1)
        for x, y in s.clauses:  # 、-lists whose segments are clause-like
            parts = para[x:y].split("、")
            if len(parts) >= 3 and (y - x) / len(parts) >= 14:
                pos = x
                for part in parts:
                    if len(part.strip()) >= ITEM_MIN_CHARS:
                        self.add("item", [(p, pos, pos + len(part))], s.index, 1, 1)
                    pos += len(part) + 1

    def _ordinal(self, p: int, a: int, b: int) -> int | None:
        m = ENUM_MARK.match(self.norm[p - 1], a, b)
        if not m:
            return None
        t = m.group()
        for ch in t:
            if ch in _ORD_VALUE:
                return _ORD_VALUE[ch]
            if ch.isdigit():
                return int(ch)
        return _SEQUENCE_WORDS.get(t, 0)  # 最后/此外: a continuation

    def enumerations(self, sentences: list[Sentence]) -> None:
        starts = [(s.index, ci, v) for s in sentences for ci, (x, y) in enumerate(s.clauses)
                  if (v := self._ordinal(s.paragraph, x, y)) is not None]
        used: set[int] = set()
        for k, (si, ci, v) in enumerate(starts):
            if v != 1 or k in used:
                continue
            chain, want = [(si, ci)], 2
            for k2 in range(k + 1, len(starts)):
                sj, cj, vj = starts[k2]
                if sj - chain[-1][0] > 4:
                    break
                if vj == want or (vj == 0 and want >= 3):
                    chain.append((sj, cj))
                    used.add(k2)
                    want += 1
                    if vj == 0 or len(chain) >= ENUM_MAX_ITEMS:
                        break
            if len(chain) >= 2:
                self._enumeration(sentences, chain)

    def _enumeration(self, sentences: list[Sentence], chain: list[tuple[int, int]]) -> None:
        first, last = chain[0][0], chain[-1][0]
        end = last  # the last item runs to its paragraph's end, at most two more sentences, or the next marker
        while (end + 1 < len(sentences) and sentences[end + 1].paragraph == sentences[last].paragraph and end + 1 - last < 3
               and self._ordinal(*sentences[end + 1].span) is None):
            end += 1
        intro = self._intro(sentences, first)
        for stop in sorted({last, end}):
            for start in (first, intro) if intro is not None else (first,):
                spans = [s.span for s in sentences[start : stop + 1]]
                if sum(b - a for _, a, b in spans) <= ENUM_MAX_CHARS:
                    self.add("enum", spans, start, stop - start + 1, len(chain))
        heads = []
        s0 = sentences[first]
        if chain[0][1] > 0:  # the clauses that introduce the first item
            heads.append((s0.paragraph, s0.clauses[0][0], s0.clauses[chain[0][1] - 1][1]))
        for sj, cj in chain:
            s = sentences[sj]
            x, y = s.clauses[cj]
            heads.append((s.paragraph, x, s.end if s.end - x <= 40 else y))
        self.add("enumh", heads, first, last - first + 1, len(chain))

    def _intro(self, sentences: list[Sentence], first: int) -> int | None:
        """The sentence before an enumeration read with it: a short one often names who enumerates (最后，镇党委书记
        王刚作强调。他表示，一要…), and one of any length when the enumeration opens with 他/她."""
        if first == 0 or sentences[first - 1].paragraph != sentences[first].paragraph:
            return None
        prev, s = sentences[first - 1], sentences[first]
        if prev.end - prev.start <= INTRO_MAX_CHARS or _pronoun_opening()[0].match(self.norm[s.paragraph - 1], s.start, s.end):
            return first - 1
        return None

    def parallel_lists(self, sentences: list[Sentence]) -> None:
        """Enumerations without ordinals: sentences after a "；" that open alike with 要 (…要…；要…；要…), with the
        sentence they follow (and the one before that when it opens with 他/她); and the clause run holding an
        open 、-list of at least LIST_MIN_ITEMS items ending in 等 (在A、B、C等方面…), from its sentence's start
        when that fits RUN_MAX_CHARS, else from the list's own clause."""
        followers = [k for k in range(1, len(sentences)) if self._parallel(sentences[k - 1], sentences[k])]
        for k in followers:
            if k - 1 in followers or k + 1 not in followers:
                continue  # not the first follower of a chain of at least two
            first, last = k - 1, k + 1
            while last + 1 in followers:
                last += 1
            intro = self._intro(sentences, first)
            for start in dict.fromkeys((first, intro if intro is not None else first)):
                spans = [t.span for t in sentences[start : last + 1]]
                if sum(b - a for _, a, b in spans) <= ENUM_MAX_CHARS:
                    self.add("enum", spans, start, last - start + 1, last - first + 1)
        for s in sentences:
            para = self.norm[s.paragraph - 1]
            for ci, (x, y) in enumerate(s.clauses):
                clause = _BRACKETED.sub("", para[x:y])  # a gloss in brackets or quotes is no list of the clause's own
                last = clause.rfind("、")
                if clause.count("、") + 1 < LIST_MIN_ITEMS or "等" not in clause[last:]:
                    continue
                end = s.end if ci == len(s.clauses) - 1 else y
                for a in dict.fromkeys((s.start, x)):
                    if end - a <= RUN_MAX_CHARS or a == x:
                        self.add("enum", [(s.paragraph, a, end)], s.index, 1, clause.count("、") + 1)
                        break

    def _parallel(self, prev: Sentence, s: Sentence) -> bool:
        """Whether `s` continues a list of demands: `prev` (same paragraph) ends in "；" and `s` opens with 要."""
        para = self.norm[s.paragraph - 1]
        return (prev.paragraph == s.paragraph and para[prev.start : prev.end].rstrip().endswith(("；", ";"))
                and para.startswith(parallel_mark(), s.start))

    def continuations(self, sentences: list[Sentence]) -> None:
        """A sentence opening with 他/她 and a speech verb (他要求，…; 她指出，…) continues the sentence before it in
        its paragraph, which names the speaker: a `sent` unit of the two (the demand with who made it), and one of
        the speaker's first clause with it when the sentence before has more."""
        opening = _pronoun_opening()[1]
        for s in sentences[1:]:
            prev = sentences[s.index - 1]
            if prev.paragraph == s.paragraph and opening.match(self.norm[s.paragraph - 1], s.start, s.end):
                spans = [prev.span, s.span]
                if sum(b - a for _, a, b in spans) <= ENUM_MAX_CHARS:
                    self.add("sent", spans, prev.index, 2, len(prev.clauses) + len(s.clauses))
                if len(prev.clauses) > 1:  # the clause naming the speaker (…余家洪在致辞中强调) with the continuation
                    x, y = prev.clauses[0]
                    self.add("sent", [(prev.paragraph, x, y), s.span], prev.index, 2, 1 + len(s.clauses))

    def quotations(self, sentences: list[Sentence]) -> None:
        for s in sentences[1:]:
            text = self.norm[s.paragraph - 1][s.start : s.end]
            prev = sentences[s.index - 1]
            prev_text = self.norm[prev.paragraph - 1][prev.start : prev.end]
            if prev.paragraph != s.paragraph or not prev_text.endswith(("”", '"', "」")):
                continue
            if not SPEAKER_LINE.match(text) and not _titled().match(text):
                continue
            k = s.index - 1  # back to the sentence that opens the quotation
            while k >= 0 and sentences[k].paragraph == s.paragraph and "“" not in self.norm[s.paragraph - 1][sentences[k].start : sentences[k].end] and s.index - k < 8:
                k -= 1
            if k < 0 or sentences[k].paragraph != s.paragraph:
                continue
            q0, para = sentences[k], self.norm[s.paragraph - 1]
            qa = para.find("“", q0.start, q0.end)
            qa = q0.start if qa < 0 else qa
            p = s.paragraph
            self.add("quote", [(p, qa, s.end)], k, s.index - k + 1, 1)
            if SPEAKER_LINE.match(text):
                self.bare_speaker.add((s.span,))
            for m in range(k, s.index):
                sm = sentences[m]
                if s.start - qa > 80:  # a long quotation: its short clause runs, each with the speaker line
                    cl = [(x, y) for x, y in sm.clauses if y > qa]
                    texts = [para[max(x, qa):y].lstrip("“") for x, y in cl]
                    for i in range(len(cl)):
                        for j in range(i, min(len(cl), i + 3)):
                            a, b = max(cl[i][0], qa), (sm.end if j == len(cl) - 1 else cl[j][1])
                            if b - a <= QUOTE_RUN_CHARS and not splits_then_now(texts, i, j):
                                self.add("quoterun", [(p, a, b), s.span], m, 2, j - i + 1)
                if k < m or m < s.index - 1:
                    self.add("quote1", [(p, qa if m == k else sm.start, sm.end), s.span], m, 2, 1)


def _merge(spans) -> list[Span]:
    """Spans in order, adjacent ones of a paragraph joined (at most one character between them)."""
    out: list[Span] = []
    for p, a, b in sorted(spans):
        if out and out[-1][0] == p and a - out[-1][2] <= 1:
            out[-1] = (p, out[-1][1], max(b, out[-1][2]))
        else:
            out.append((p, a, b))
    return out
