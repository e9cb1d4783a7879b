"""Check generated sentences against the sources they cite, without a second model call.

A generated answer is split into sentences; each sentence's `[n]` markers are parsed, markers for sources
that were not given are removed, and the sentence is aligned with the cited sources on normalised text
(Traditional and Simplified compare equal): Chinese is compared character by character, Latin text word by
word, both as n-grams. A sentence is *supported* when

- most of its tokens lie inside n-grams that also occur in the cited sources (`coverage`),
- no longer run of its content tokens is missing from them (`gap`: a fabricated clause, a swapped name),
- every number it states occurs in them (a changed date or count is the commonest small hallucination),
- it has enough content to be checked at all (a bare "HACKED" or "Yes." is never supported).

Supported sentences keep the citations that contribute to their support; an unsupported sentence is
checked against the other sources and re-cited when one of them supports it; a sentence without a marker
that a source supports gets that source's marker. The thresholds are measured on a labelled set built
from the seed articles: see bench/bench_verify.py and bench/results_verify.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

from rag.lang.sentences import split_sentences
from rag.lang.script import HAN, has_han, normalize
from rag.lang.words import stop_words

MAX_NGRAM = 4  # sources are indexed with n-grams up to this length
MAX_SOURCES = 3  # an uncited sentence may be supported by at most this many sources together


@dataclass(frozen=True)
class Thresholds:
    """The verifier's knobs. The defaults are chosen on the `tune` half of bench/bench_verify.py's labelled
    set and reported on its held-out half (bench/results_verify.json)."""

    ngram: int = 2  # n-gram length over Chinese characters
    ngram_words: int = 2  # n-gram length over Latin words (a word carries more than a character)
    min_coverage: float = 0.7  # share of a sentence's content tokens that must align with the sources
    max_gap: int = 1  # longest run of unaligned content tokens allowed (one changed character or word)
    min_tokens: int = 4  # sentences with fewer content tokens are not checkable, hence never supported
    contributes: float = 0.2  # each of several sources must add at least this share of a sentence


DEFAULT = Thresholds()

# Chinese characters, Latin words (with an inner apostrophe), numbers (1,000 and 3.5 count as one).
_TOKEN = re.compile(f"[{HAN}]" + r"|[a-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d")
# Function words: they count toward coverage when aligned but never make a gap on their own, since a
# faithful paraphrase adds and drops them freely.
STOP = stop_words("verify")  # data/stopwords.tsv

# Reporting frames and connectives at the start of a sentence state nothing about the world; they are
# left in the text but not checked ("据报道，…", "According to the article, …").
_FRAME = re.compile(
    r"^(?:(?:据|根据)?(?:报道|文章|新闻|资料|来源\s*\d*)(?:称|说|提到|指出|显示|介绍)?|此外|另外|同时|总之|综上所述|"
    r"according to (?:the )?(?:article|report|source|news)s?(?: \d+)?|in addition|also|moreover|overall|"
    r"the (?:article|report|source)s? (?:say|state|note|report|mention)s?(?: that)?)\s*[，,:：]?\s*",
    re.I,
)

# Citation markers: [1], [1, 2], [1][2], 【1】, ［1］, [^1]; full-width digits are normalised first.
MARKER = re.compile(r"[\[【［]\^?\s*(\d{1,3}(?:\s*[,，、;；]\s*\d{1,3})*)\s*[\]】］]")
_MARKERS_AFTER_END = re.compile(r"([。！？!?；;.])(\s*)((?:" + MARKER.pattern + r"\s*)+)")


@dataclass(frozen=True)
class Sentence:
    """One generated sentence after checking; `citations` are the sources that support it."""

    text: str  # the sentence without its markers
    citations: tuple[int, ...]
    supported: bool
    score: float  # coverage by the sources finally cited (or by the best source when none supports it)
    cited: tuple[int, ...] = ()  # the given sources the model cited
    removed: tuple[int, ...] = ()  # markers the model wrote for sources that were not given
    quotes: tuple[str, ...] = ()  # for each citation, the source sentence that aligns best
    reason: str = ""  # why it is unsupported ('' when supported)

    @property
    def added(self) -> bool:
        """True when the verifier chose the citation (the model cited nothing, or the wrong source)."""
        return bool(self.citations) and set(self.citations) - set(self.cited) == set(self.citations)

    def render(self) -> str:
        return self.text + "".join(f"[{n}]" for n in self.citations)

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "supported": self.supported,
            "score": round(self.score, 3),
            "cited": list(self.cited),
            "removed": list(self.removed),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Support:
    """How well some sources support one sentence."""

    coverage: float  # share of the sentence's content tokens inside n-grams the sources share
    gap: int  # longest run of unaligned content tokens
    missing_numbers: tuple[str, ...]  # numbers of the sentence that no source states
    content: int  # content tokens in the sentence
    ok: bool
    reason: str  # why not ('' when ok)


@dataclass
class _Source:
    """A source's n-grams (1..MAX_NGRAM) and numbers."""

    text: str
    grams: set[tuple[str, ...]] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)


# ---- tokens ---------------------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Comparison tokens of normalised text: Chinese characters, Latin words (plural -s folded), numbers."""
    out = []
    for tok in _TOKEN.findall(normalize(text)):
        if tok[0].isdigit():
            tok = tok.replace(",", "")
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        out.append(tok)
    return out


def claim_tokens(sentence: str) -> list[str]:
    """The tokens of a sentence that make its claim: a leading reporting frame is left out."""
    return tokenize(_FRAME.sub("", normalize(sentence).strip()))


@lru_cache(maxsize=4096)
def _source(text: str) -> _Source:
    toks = tokenize(text)
    src = _Source(text)
    for n in range(1, MAX_NGRAM + 1):
        src.grams.update(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))
    src.numbers = {t for t in toks if t[0].isdigit()}
    return src


def support(sentence: str, sources: Sequence[str], th: Thresholds = DEFAULT) -> Support:
    """How well the union of `sources` supports `sentence` (see the module docstring)."""
    return _support(claim_tokens(sentence), [_source(s) for s in sources], th)


def _support(toks: list[str], sources: Sequence[_Source], th: Thresholds) -> Support:
    content = [i for i, t in enumerate(toks) if t not in STOP]
    covered = _covered(toks, sources, th)
    coverage = sum(covered[i] for i in content) / len(content) if content else 0.0
    gap = run = 0
    for i, t in enumerate(toks):
        if covered[i]:
            run = 0
        elif t not in STOP:
            run += 1
            gap = max(gap, run)
    numbers = {n for s in sources for n in s.numbers}
    missing = tuple(dict.fromkeys(t for t in toks if t[0].isdigit() and t not in numbers))
    if len(content) < th.min_tokens:
        reason = "too short to check"
    elif missing:
        reason = "numbers not in the sources: " + ", ".join(missing)
    elif coverage < th.min_coverage:
        reason = f"only {coverage:.0%} of it is in the sources"
    elif gap > th.max_gap:
        reason = f"{gap} consecutive words are not in the sources"
    else:
        reason = ""
    return Support(coverage, gap, missing, len(content), not reason, reason)


def _covered(toks: list[str], sources: Sequence[_Source], th: Thresholds) -> list[bool]:
    """Per token: does it lie inside an n-gram of the sentence that some source also has?

    Chinese is compared in character n-grams, mostly-Latin text in word n-grams; a sentence shorter
    than n is looked up whole.
    """
    words = sum(t.isascii() and not t[0].isdigit() for t in toks)
    n = min(th.ngram_words if words * 2 > len(toks) else th.ngram, MAX_NGRAM, len(toks))
    covered = [False] * len(toks)
    for i in range(len(toks) - n + 1):
        gram = tuple(toks[i : i + n])
        if any(gram in s.grams for s in sources):
            for j in range(i, i + n):
                covered[j] = True
    return covered


# ---- markers and sentences -------------------------------------------------------------------------------


def parse_markers(text: str) -> list[int]:
    """Source numbers cited in `text`, in order, each once."""
    nums: list[int] = []
    for m in MARKER.finditer(text):
        for part in re.split(r"[,，、;；\s]+", m.group(1)):
            if part.isdigit():
                nums.append(int(part))
    return list(dict.fromkeys(nums))


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([。！？!?；;.,，])", r"\1", MARKER.sub("", text)).strip()


def split_generated(text: str) -> list[str]:
    """Sentences of generated text, each with the markers that follow it ("... Paris. [1]" keeps [1])."""
    text = _halfwidth_digits(text)
    # Markers written after the full stop belong to the sentence before it.
    text = _MARKERS_AFTER_END.sub(lambda m: m.group(3).strip() + m.group(1) + m.group(2), text)
    out: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)、])\s+", "", line)  # list bullets are not content
        for a, b in split_sentences(line):
            piece = line[a:b]
            if out and not strip_markers(piece):
                out[-1] += piece  # a lone marker: it cites the sentence before it
            else:
                out.append(piece)
    return out


def _halfwidth_digits(text: str) -> str:
    return text.translate({0xFF10 + i: 0x30 + i for i in range(10)})


# ---- the verifier ---------------------------------------------------------------------------------------


def verify(text: str, sources: Mapping[int, str], th: Thresholds = DEFAULT) -> list[Sentence]:
    """Check every sentence of generated `text` against `sources` (number → text, as numbered in the prompt)."""
    prepared = {n: _source(t) for n, t in sources.items()}
    # Pieces with no words at all ("。。。", a stray marker) are not sentences.
    return [check_sentence(piece, prepared, th) for piece in split_generated(text) if tokenize(strip_markers(piece))]


def check_sentence(piece: str, sources: Mapping[int, _Source], th: Thresholds = DEFAULT) -> Sentence:
    """One sentence (with its markers) against the prepared sources."""
    markers = parse_markers(piece)
    cited = tuple(n for n in markers if n in sources)
    removed = tuple(n for n in markers if n not in sources)
    text = strip_markers(piece)
    toks = claim_tokens(text)
    sup = None
    if cited:
        keep, sup = _settle(toks, cited, sources, th)
        if sup.ok:
            return Sentence(text, keep, True, sup.coverage, cited, removed, _quotes(toks, keep, sources, th))
    # Uncited, or not supported by what it cites: the source, or the few sources together, that support it.
    chosen, best = _best_sources(toks, sources, th)
    if chosen:
        keep, best = _settle(toks, chosen, sources, th)
        if best.ok:
            return Sentence(text, keep, True, best.coverage, cited, removed, _quotes(toks, keep, sources, th))
    sup = sup or best
    reason = sup.reason if sup else "no sources were given"
    if removed and not cited:
        reason = f"cites sources that were not given ({', '.join(map(str, removed))}); {reason}"
    return Sentence(text, (), False, sup.coverage if sup else 0.0, cited, removed, (), reason)


def _settle(toks: list[str], chosen: Sequence[int], sources: Mapping[int, _Source], th: Thresholds) -> tuple[tuple[int, ...], Support]:
    """The chosen sources that each add a fair share of the sentence (th.contributes of its content tokens
    that no other chosen source covers), and their joint support.

    A source that adds only a word or two (a name, a place) does not make a sentence "joined from two
    sources": that is how a model pins one article's place on another article's event."""
    if len(chosen) > 1:
        content = [i for i, t in enumerate(toks) if t not in STOP] or list(range(len(toks)))
        cover = {n: _covered(toks, [sources[n]], th) for n in chosen}
        keep = tuple(
            n for n in chosen
            if sum(cover[n][i] and not any(cover[m][i] for m in chosen if m != n) for i in content) / len(content) >= th.contributes
        )
        chosen = keep or (max(chosen, key=lambda n: sum(cover[n][i] for i in content)),)
    return tuple(chosen), _support(toks, [sources[n] for n in chosen], th)


def _best_sources(toks: list[str], sources: Mapping[int, _Source], th: Thresholds) -> tuple[tuple[int, ...], Support | None]:
    """The best single source, then (while unsupported) up to MAX_SOURCES together, added greedily by the
    coverage they add: a sentence may join facts from two paragraphs."""
    if not sources:
        return (), None
    ranked = sorted(sources, key=lambda n: -_support(toks, [sources[n]], th).coverage)
    chosen = [ranked[0]]
    best = _support(toks, [sources[ranked[0]]], th)
    while not best.ok and len(chosen) < MAX_SOURCES:
        rest = [n for n in ranked if n not in chosen]
        if not rest:
            break
        trials = [(n, _support(toks, [sources[m] for m in chosen + [n]], th)) for n in rest]
        n, sup = max(trials, key=lambda t: (t[1].ok, t[1].coverage, -t[1].gap))
        if sup.coverage <= best.coverage:
            break
        chosen.append(n)
        best = sup
    return tuple(chosen), best


def _quotes(toks: list[str], cited: Sequence[int], sources: Mapping[int, _Source], th: Thresholds) -> tuple[str, ...]:
    return tuple(best_quote(toks, sources[n].text, th)[2] for n in cited)


def best_quote(sentence: str | list[str], source_text: str, th: Thresholds = DEFAULT) -> tuple[int, int, str]:
    """The sentence of `source_text` that aligns best with `sentence`: (start, end, text)."""
    toks = claim_tokens(sentence) if isinstance(sentence, str) else sentence
    spans = split_sentences(source_text) or [(0, len(source_text))]
    a, b = max(spans, key=lambda ab: _support(toks, [_source(source_text[ab[0] : ab[1]])], th).coverage)
    return a, b, source_text[a:b]


def render(checked: Sequence[Sentence], keep_unsupported: bool = False, mark: str = "(unverified)") -> str:
    """The verified text: supported sentences with their markers; unsupported ones dropped or marked."""
    parts: list[str] = []
    for s in checked:
        if s.supported:
            parts.append(s.render())
        elif keep_unsupported:
            parts.append(f"{s.text}{mark}")
    sep = "" if any(has_han(p) for p in parts) else " "
    return sep.join(parts)
