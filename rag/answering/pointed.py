"""A question pointing at articles by the places they are about and asking what they say (湖北那篇讲了什么？,
四川那两篇说的啥, 绵阳和成都那两篇讲了什么): one cited line per article, its overview line (rag.answering.overview
article_headline). A province points at the articles naming it or a city of it (data/provinces.tsv); the count
said (那两篇) must be the count found, and 那篇 one article — else it is no such question (None), and answered as
any other. Patterns: data/pointed.tsv (point, about, split, numbers, measure, count, outlet)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping, Sequence

from rag.answering.candidates import article_text
from rag.answering.compose import chinese_date
from rag.answering.english import provinces
from rag.answering.overview import article_headline
from rag.answering.units import article_units
from rag.answering.selection import shown_pieces
from rag.ingest.articles import Article
from rag.lang.display import to_script
from rag.lang.script import normalize, script_of
from rag.lang.sentences import split_sentences
from rag.lang.wordlists import alternation, read_rows
from rag.records import Answer, Citation


MAX_NUMBERS = 6  # numbers a which-numbers answer quotes, in the article's order
MIN_LINE = 12  # the shortest unit quoted for a number: no shorter than this (75周年 → 2024年是新中国成立75周年)


@lru_cache(maxsize=1)
def _outlet() -> re.Pattern:
    """`rest` asking which outlet carried the article (data/pointed.tsv `outlet`)."""
    return re.compile("|".join(f"(?:{r[1]})" for r in read_rows("rag.answering", "data/pointed.tsv", 2, 3) if r[0] == "outlet"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    rows = read_rows("rag.answering", "data/pointed.tsv", 2, 3)
    point = next(r[1] for r in rows if r[0] == "point")
    about = "|".join(f"(?:{r[1]})" for r in rows if r[0] == "about")
    numbers = "|".join(f"(?:{r[1]})" for r in rows if r[0] == "numbers")
    split = alternation(r[1] for r in rows if r[0] == "split")
    measure = alternation(w for r in rows if r[0] == "measure" for w in r[1].split())
    counted = rf"(?<![\d.])\d+(?:\.\d+)?(?:余|多)?(?:{measure})"
    return re.compile(point), re.compile(about), re.compile(split), re.compile(numbers), re.compile(counted)


@lru_cache(maxsize=1)
def _counts() -> dict[str, int]:
    """Count word → how many articles it says (两 → 2: 四川那两篇), data/pointed.tsv `count`."""
    return {r[1]: int(r[2]) for r in read_rows("rag.answering", "data/pointed.tsv", 2, 3) if r[0] == "count"}


def pointed_ids(question: str, articles: Sequence[Article]) -> list[str]:
    """The articles a question points at by places and asks what they say (湖北那篇讲了什么 → the Qingshan article,
    which names 武汉), in the order the places are named; [] when it is no such question, a place points at none,
    or the count it says (那两篇; 那篇: one) is not the count found."""
    point, about, split, numbers, _ = _patterns()
    m = point.match(normalize(question).strip())
    if not m or not (about.match(m.group("rest")) or numbers.match(m.group("rest")) or _outlet().match(m.group("rest"))):
        return []
    table = provinces()
    found: list[str] = []
    for place in (p.strip() for p in split.split(m.group("places"))):
        if len(place) < 2:
            return []
        words = (place, *table.get(place, ())) if not place.isascii() else (place,)
        having = [a.id for a in articles if any(w in article_text(a) for w in words)]
        if not having:
            return []
        found += [i for i in having if i not in found]
    n = m.group("n")
    wanted = _counts().get(n, 1) if n != "几" else len(found)
    return found if len(found) == wanted and (n or len(found) == 1) else []


def pointed_answer(question: str, articles: Mapping[str, Article]) -> Answer | None:
    """What the articles the question points at say: one cited overview line each (with its title when there are
    several), in the question's script; None when the question points at none (pointed_ids)."""
    ids = pointed_ids(question, list(articles.values()))
    if not ids:
        return None
    point, _, _, numbers, _ = _patterns()
    rest = point.match(normalize(question).strip()).group("rest")
    if numbers.match(rest):
        return _numbers_answer(question, articles[ids[0]]) if len(ids) == 1 else None
    outlet = bool(_outlet().match(rest))
    if outlet and not any(articles[aid].source for aid in ids):
        return _no_outlet(question, [articles[aid] for aid in ids])
    lines, citations = [], []
    for aid in ids:
        article = articles[aid]
        pieces = article_headline(article)
        if not pieces:
            return None
        cited = [Citation(len(citations) + k, aid, article.title, article.date, article.source, article.url, p,
                          article.paragraph(p)[a:b], a, b) for k, (p, a, b) in enumerate(pieces, start=1)]
        citations += cited
        bounds = {b for c in cited for span in split_sentences(article.paragraph(c.paragraph)) for b in span}
        line = shown_pieces([c.quote for c in cited])
        if cited[0].start not in bounds:  # a clause of a longer sentence (6月16日,…联合召开…联席会): said so
            line = "…" + line
        if cited[-1].end not in bounds:
            line = line.rstrip("。") + "…"
        line += "".join(f"[{c.n}]" for c in cited)
        if outlet:  # where it came from: its credits (outlet, date), the line saying what it reports beside them
            lines.append(_credits(article) + line)
        else:
            lines.append(f"《{article.title}》：{line}" if len(ids) > 1 else line)
    original = "\n".join(lines)
    script = script_of(question)
    shown = to_script(original, script)
    short = articles[ids[0]].source if outlet and len(ids) == 1 else None
    return Answer(question, shown, False, citations, original=original if shown != original else None, short=short)


def _credits(article: Article) -> str:
    """《title》（outlet，2024年2月27日）： — 未注明来源 for an article that names no outlet."""
    meta = "，".join(x for x in (article.source or "未注明来源", chinese_date(article.date)) if x)
    return f"《{article.title}》（{meta}）："


def _no_outlet(question: str, pointed: Sequence[Article]) -> Answer:
    """The refusal of an outlet question about articles none of which names its outlet."""
    text = "、".join(f"《{a.title}》" for a in pointed) + "没有注明来源（哪家媒体的报道）。"
    closest = [{"article_id": a.id, "title": a.title} for a in pointed]
    return Answer(question, to_script(text, script_of(question)), True, [], closest=closest,
                  note="the article pointed at names no outlet")


def _numbers_answer(question: str, article: Article) -> Answer | None:
    """渠岸镇那篇报道里提到了哪些数字: the counts the article gives (13个, 10件, 75周年: a number with a measure word,
    data/pointed.tsv `measure`; never a date), each in the shortest unit of MIN_LINE characters or more that
    holds it, in the article's order, one cited line each; None when it gives none."""
    counted = _patterns()[4]
    units = [u for u in article_units(article).units if len(u.spans) == 1 and u.chars >= MIN_LINE]
    chosen: list = []
    for number in dict.fromkeys(m.group(0) for m in counted.finditer(article_units(article).text)):
        having = [u for u in units if counted.search(u.text) and number in [m.group(0) for m in counted.finditer(u.text)]]
        if having:
            best = min(having, key=lambda u: (u.chars, u.spans))
            if best not in chosen:
                chosen.append(best)
        if len(chosen) >= MAX_NUMBERS:
            break
    if not chosen:
        return None
    lines, citations = [], []
    for u in sorted(chosen, key=lambda u: u.spans):
        p, a, b = u.spans[0]
        para = article.paragraph(p)
        c = Citation(len(citations) + 1, article.id, article.title, article.date, article.source, article.url, p, para[a:b], a, b)
        citations.append(c)
        bounds = {x for span in split_sentences(para) for x in span}
        lines.append(("" if a in bounds else "…") + c.quote + ("" if b in bounds else "…") + f"[{c.n}]")
    original = "\n".join(lines)
    shown = to_script(original, script_of(question))
    return Answer(question, shown, False, citations, original=original if shown != original else None)
