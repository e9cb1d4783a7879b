"""News outlets: which outlets an article's credit names, and which a question asks about (大众日报, 人民网,
新华社, Xinhua), from `data/outlets.tsv`.

    >>> idx = build_index(["新华社", "人民网－安徽频道", "大眾日報", "楚天都市报极目新闻", None])
    >>> [(m.text, sorted(m.outlets), m.present) for m in find_outlets("新华网怎么报道青岛的？", idx)]
    [('新华网', ['新华社', '新华网'], True)]
    >>> sorted(idx.outlets_of("楚天都市报极目新闻"))
    ['极目新闻', '楚天都市报']

Article side: `Article.source` is a raw credit (`人民网－安徽频道`, `文/北京青年报`, `湖北发布、湖北日报`).
`outlets_of(source)` finds the outlet names it contains (longest first), each mapped to its canonical name
(`大眾日報` → 大众日报, `中国青年报客户端` → 中国青年报).

Question side: canonical names, aliases and English names, longest first, with guards (`新华社区` is a
community). A name stands for a group of canonical outlets (新华社 with 新华网; 人民日报 and 人民网 apart).
Outlets the corpus never credits are found too (`present=False`), so that `路透社怎么报道…` is refused rather
than answered from other outlets; so are unknown outlet-like names before a reporting verb (`XX晚报报道`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

from rag.lang.script import search_twin
from rag.lang.wordlists import read_rows

CREDIT_SPLIT = r"[、，,/／&＆|｜\s]+|[－—–-]+|[·•]+"
CREDIT_PREFIX = r"^(?:文并摄|文/图|文|图|摄|来源)[/:：]?"


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, tuple[str, ...]]]:
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, name, *vals in read_rows("rag.lang", "data/outlets.tsv", 2, 3):  # kind<TAB>name[<TAB>values]
        table.setdefault(kind, {})[name] = tuple(v for v in (vals[0] if vals else "").split("|") if v)
    return table


def _names(kind: str) -> tuple[str, ...]:
    return tuple(_table().get(kind, {}))


@lru_cache(maxsize=1)
def _unknown_outlet() -> re.Pattern:
    suffixes = "|".join(_names("suffix"))
    verbs = "|".join(_names("report_verb"))
    return re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,8}}(?:{suffixes}))(?=(?:{verbs}))")


# Characters that cannot be inside an outlet name: an unknown name starts after the last of them.
_NAME_BREAKS = re.compile(r".*[的了是在和与跟对把被从据自请问么何些有关于吗呢哪个这那说给将让向称]")


@dataclass(frozen=True)
class OutletIndex:
    """What a corpus credits: findable name → canonical outlet, and canonical outlet → articles crediting it."""

    names: Mapping[str, str]
    counts: Mapping[str, int]
    order: tuple[str, ...]  # names, longest first

    def canonical(self, name: str) -> str:
        key = search_twin(name.strip())
        return self.names.get(key, key)

    def outlets_of(self, source: str | None) -> frozenset[str]:
        """The canonical outlets a raw `Article.source` names (empty when none)."""
        if not source:
            return frozenset()
        return frozenset(self.names[n] for _, _, n in _scan(search_twin(source), self.order, guards=False))

    def present(self, outlet: str) -> bool:
        return self.counts.get(outlet, 0) > 0

    def group(self, name: str) -> frozenset[str]:
        """The canonical outlets a name asked about stands for (新华网 → 新华社, 新华网)."""
        key = search_twin(name.strip())
        groups = _table().get("group", {})
        canonical = self.names.get(key, key)
        return frozenset(groups.get(key) or groups.get(canonical) or (canonical,))


def _scan(text: str, order: Iterable[str], guards: bool) -> list[tuple[int, int, str]]:
    """Leftmost-longest non-overlapping occurrences of the names in `text`."""
    hits: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for name in order:  # longest first
        start = 0
        while (i := text.find(name, start)) >= 0:
            start = i + 1
            j = i + len(name)
            if any(taken[i:j]) or (guards and not _boundaries_ok(text, i, j, name)):
                continue
            hits.append((i, j, name))
            for k in range(i, j):
                taken[k] = True
    return sorted(hits)


def _boundaries_ok(text: str, i: int, j: int, name: str) -> bool:
    if name.isascii():
        if (i > 0 and text[i - 1].isalnum()) or (j < len(text) and text[j].isalnum()):
            return False
        rest = text[j:].lstrip()
        return not any(rest.startswith(w) for w in _names("en_follow_guard"))
    follow = _table().get("follow_guard", {}).get(name[-1], ())
    return not (j < len(text) and text[j] in follow)


def credit_names(source: str) -> list[str]:
    """Outlet-like names in a raw credit (`文/北京青年报` → 北京青年报; `湖北发布、湖北日报` → both)."""
    out = []
    not_outlets, tails = set(_names("not_outlet")), _names("credit_tail")
    for token in re.split(CREDIT_SPLIT, search_twin(source)):
        token = re.sub(CREDIT_PREFIX, "", token.strip("()（）[]【】@\"“”'"))
        for tail in tails:
            if token.endswith(tail) and len(token) > len(tail) + 1:
                token = token[: -len(tail)]
                break
        if not token or token in not_outlets or re.search(r"\d", token):
            continue
        if len(re.findall(r"[\u4e00-\u9fff]", token)) < 2 or len(token) > 12:
            continue
        if token.endswith("日报社"):  # 潍坊日报社 → 潍坊日报
            token = token[:-1]
        if token.endswith(_names("not_ending")) or not token.endswith(_names("suffix") + _names("credit_suffix")):
            continue
        out.append(token)
    return out


def build_index(sources: Iterable[str | None]) -> OutletIndex:
    """The index over a corpus's `Article.source` values: the listed names plus outlet-like credits."""
    names: dict[str, str] = {}
    for canonical, aliases in _table()["alias"].items():
        names[canonical] = canonical
        for alias in aliases:
            names[search_twin(alias)] = canonical
    raw = [s for s in sources if s]
    listed = [n for n in names if len(n) >= 3 and not n.isascii()]
    for s in raw:
        for token in credit_names(s):
            if token not in names and not any(n in token for n in listed):
                names[token] = token
    for n in _names("not_outlet"):
        names.pop(n, None)
    order = tuple(sorted(names, key=lambda n: (-len(n), n)))
    counts: Counter[str] = Counter()
    for s in raw:
        counts.update(frozenset(names[n] for _, _, n in _scan(search_twin(s), order, guards=False)))
    return OutletIndex(names=dict(names), counts=dict(counts), order=order)


@dataclass(frozen=True)
class OutletMatch:
    start: int
    end: int
    text: str  # as written in the question
    outlets: frozenset[str]  # canonical outlets an article's source must name one of
    present: bool  # whether the corpus credits any of them (False: the question can only be refused)


def find_outlets(question: str, index: OutletIndex) -> list[OutletMatch]:
    """The outlets a question names, in order."""
    norm = search_twin(question)
    query_only = _names("query_only")
    order = tuple(sorted(set(index.order) | set(query_only), key=lambda n: (-len(n), n)))
    out: list[OutletMatch] = []
    for i, j, name in _scan(norm, order, guards=True):
        group = index.group(name)
        out.append(OutletMatch(i, j, question[i:j], group, any(index.present(o) for o in group)))
    not_outlets, endings = set(_names("not_outlet")), _names("not_ending")
    for m in _unknown_outlet().finditer(norm):
        start, end = m.start("name"), m.end("name")
        if cut := _NAME_BREAKS.match(norm, start, end):
            start = cut.end()
        name = norm[start:end]
        if (len(name) < 3 or name.endswith(endings) or name in not_outlets
                or any(start < o.end and o.start < end for o in out)):
            continue
        out.append(OutletMatch(start, end, question[start:end], frozenset({name}), index.present(name)))
    return sorted(out, key=lambda m: m.start)


def source_filter(matches: Iterable[OutletMatch]) -> frozenset[str]:
    """The union of the canonical outlets asked about (empty: no filter)."""
    return frozenset(o for m in matches for o in m.outlets)


def strip_outlets(question: str, matches: Iterable[OutletMatch]) -> str:
    """The question without the outlet names (and a 据 before them), for lexical search."""
    out = question
    for m in sorted(matches, key=lambda m: -m.start):
        start = m.start - 1 if m.start > 0 and out[m.start - 1] in "据據" else m.start
        out = out[:start] + out[m.end:]
    return re.sub(r"\s{2,}", " ", out).strip()
