"""Which article a reference means, decided in one place for the command line (`rag show`, `rag summarize`), the
API (`/summarize`) and the chat (`/summarize 003`, `总结第3篇`, `概括一下青岛那篇`).

A reference is, tried in this order:

1. a full article id (`003_149da1c9ea8086b3`, any length: `a1`);
2. a shelf number, written as one: `#3`, `第3篇`, `article 3`, `the 3rd`, `third`, `last`, `最后一篇`. Shelf
   numbers count from 1 in shelf order: the order of the articles as loaded (corpus files in sorted order, JSONL
   records in file order, then uploads), the `#` column of `rag articles` and of the page's shelf;
3. the start of an id (`003`, `004_7e`); one that starts several ids fits them all (ambiguous);
4. a bare number (`3`) that starts no id, or several: a shelf number;
5. words of a title, or of the text (a place: 青岛, 渠岸镇), Latin words read as pinyin (`qingdao`).

A reference that fits several articles is answered with them (`Resolution.ids`, best first), never a guess; one that
fits none with nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.answering.candidates import article_text
from rag.answering.english import latin_names
from rag.ingest.articles import Article
from rag.ingest.formats import clip
from rag.lang.pinyin import pinyin_index
from rag.lang.script import has_han, normalize
from rag.lang.words import tokens

MAX_CANDIDATES = 8  # articles offered for an ambiguous reference
PINYIN_BODY_LIMIT = 50  # Latin words are matched as pinyin against whole texts on shelves this small, else titles

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ORDINAL = re.compile(
    r"第\s*([0-9]+|[一二两三四五六七八九十]+)\s*(篇|个|条|则)?|"
    r"\b([0-9]+)(st|nd|rd|th)\b|\b(article|story|number|no\.?|#)\s*([0-9]+)\b|#\s*([0-9]+)\b|"
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\b|最后一篇",
    re.I,
)
_EN_ORDINALS = {w: i for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split(), 1)}
_ID_LIKE = re.compile(r"[\w.\-]+")
_ID_WORD = re.compile(r"[0-9a-z_\-]{3,}")


@dataclass(frozen=True)
class Resolution:
    """What a reference fits: one id (resolved), several (ambiguous: ask which), or none.

    `how`: "id", "shelf", "prefix", "words" or "none"; `shelf`: the shelf number when the reference was one."""

    ids: tuple[str, ...]
    how: str
    shelf: int | None = None

    @property
    def article_id(self) -> str | None:
        return self.ids[0] if len(self.ids) == 1 else None


def _chinese_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text)


def ordinal(reference: str) -> int | None:
    """1-based position named in the reference (第3篇, 3rd, article 3, #3, third); -1 for 'last'."""
    m = _ORDINAL.search(reference)
    if not m:
        return None
    if m.group(1):
        return _chinese_number(m.group(1))
    for g in (3, 6, 7):
        if m.group(g):
            return int(m.group(g))
    word = (m.group(8) or "").lower()
    if word == "last" or m.group(0) == "最后一篇":
        return -1
    return _EN_ORDINALS.get(word)


def by_id_or_number(reference: str, articles: Sequence[Article], in_message: bool = False) -> Resolution | None:
    """Steps 1-4 (an id, a shelf number, an id's start); None when the reference is none of them.

    The whole reference is taken as an id or its start; in a message (`in_message`, the chat's: `summarize
    003 please`), so are its words of three characters or more that start with a digit or are six characters
    long (ordinary words never pass for ids)."""
    ids = [a.id for a in articles]
    ref = reference.strip()
    if not ref or not ids:
        return None
    exact = [i for i in ids if i == ref] or [i for i in ids if i.casefold() == ref.casefold()]
    if exact:
        return Resolution((exact[0],), "id")
    n = ordinal(ref)
    if n == -1:
        return Resolution((ids[-1],), "shelf", len(ids))
    if n is not None and 1 <= n <= len(ids):
        return Resolution((ids[n - 1],), "shelf", n)
    # (an ordinal past the shelf may belong to a title, 第二十一期 …: the words decide)
    lowered = ref.lower()
    whole = bool(_ID_LIKE.fullmatch(lowered))
    candidates = [lowered] if whole else _ID_WORD.findall(lowered) if in_message else []
    for word in candidates:
        exact = [i for i in ids if i.lower() == word]
        if exact:
            return Resolution((exact[0],), "id")
        prefixed = [i for i in ids if i.lower().startswith(word)]
        if not prefixed or not whole and not (word[0].isdigit() or len(word) >= 6):
            continue  # (in a message, ordinary words never pass for ids)
        if len(prefixed) > 1 and word.isdigit() and 1 <= int(word) <= len(ids):
            continue  # `3` starting several ids is a shelf number
        return Resolution(tuple(prefixed[:MAX_CANDIDATES]), "prefix")
    if ref.isdigit() and 1 <= int(ref) <= len(ids):
        return Resolution((ids[int(ref) - 1],), "shelf", int(ref))
    return None


def by_words(words: str, articles: Sequence[Article]) -> Resolution:
    """Step 5: articles scored by how much the words appear in their title (most) and text; those within half of
    the best score, best first. Latin words are also read as pinyin ("qingdao" → 青岛)."""
    norm = normalize(words)
    han_words = [w for w in dict.fromkeys(tokens(words)) if len(w) >= 2 and has_han(w)]
    names = latin_names(words, capitalised=False)
    scored = []
    for a in articles:
        title = normalize(a.title)
        text = article_text(a)
        score = 10.0 if len(norm) >= 2 and has_han(norm) and norm in title else 0.0
        spelt = pinyin_index(text if len(articles) <= PINYIN_BODY_LIMIT else title) if names else {}
        for w in han_words + [w for name in names for w in spelt.get(name, ())]:
            score += 3.0 * (w in title) + min(text.count(w), 5) / 5
        if not score and len(norm) >= 2 and norm.lower() in title.lower():
            score = 10.0  # a Latin or mixed title fragment
        if score:
            scored.append((a.id, score))
    scored.sort(key=lambda t: -t[1])
    if not scored:
        return Resolution((), "none")
    top = scored[0][1]
    return Resolution(tuple(aid for aid, s in scored if s >= top / 2)[:MAX_CANDIDATES], "words")


def resolve_reference(reference: str, articles: Sequence[Article]) -> Resolution:
    """The article(s) a reference (a whole argument: `rag show REF`, the API's `/summarize`) may mean."""
    found = by_id_or_number(reference, articles)
    if found is not None:
        return found
    return by_words(reference, articles) if reference.strip() else Resolution((), "none")


def describe(resolution: Resolution, reference: str, articles: Sequence[Article]) -> str:
    """Why a reference did not name one article, in one line: the candidates, or what a reference can be."""
    titles = {a.id: a.title for a in articles}
    reference = clip(reference)  # (a pasted page is not echoed whole)
    if resolution.ids:
        listed = "; ".join(f"{i} “{titles.get(i, '')}”" for i in resolution.ids)
        return f"{reference!r} fits {len(resolution.ids)} articles: {listed}. Give one of these ids"
    return (f"no article matches {reference!r}: give its id, the start of its id, its shelf number (#3, "
            f"counted from 1 as `rag articles` lists them; {len(articles)} on the shelf) or words of its title")
