"""The answer as shown: the chosen units quoted with [n] markers and their citations, one line per article for
questions across articles, a lead line for English askers (the short answer they can read: a number, a date, a
name in pinyin), and the script: quotes in the asker's script when the article's differs, converted word by word
with OpenCC's phrase-level configurations and, for a Traditional reader, names left as the article writes them. `original` holds the
answer in the articles' own script when anything was converted; citations always quote verbatim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from typing import Sequence

from rag.answering.byline import asks_writer
from rag.answering.pool import PoolArticle
from rag.answering.question import Question
from rag.answering.quoting import inert_markers
from rag.answering.slots import proper_part
from rag.answering.units import Span, Unit
from rag.ingest.articles import Article
from rag.lang.pinyin import char_readings
from rag.lang.display import convert
from rag.lang.script import script_of
from rag.records import Answer, Citation
from rag.lang.sentences import split_sentences

_MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True)
class Chosen:
    """One unit of the answer and its short answer (None for a passage)."""

    article: PoolArticle
    unit: Unit
    short: str | None = None


@lru_cache(maxsize=512)
def article_script(article: Article) -> str:
    return script_of(article.title + "".join(article.paragraphs)[:400])


def _names_in(pa: PoolArticle, span: Span) -> list[tuple[int, int]]:
    """Name ranges inside a quoted span, as offsets in the quote: people's names and the proper part of place
    names (小枧 of 小枧镇; 镇 is converted like any word)."""
    p, a, b = span
    out = []
    for kind in ("person", "place"):
        for q, x, y in pa.slots.spans.get(kind, ()):
            if q == p and a <= x and y <= b:
                if kind == "place":
                    y = x + len(proper_part(pa.units.norm[q - 1][x:y]))
                if y - x >= 2:
                    out.append((x - a, y - a))
    return out


def _quote(article: Article, span: Span, n: int) -> tuple[str, Citation]:
    p, a, b = span
    para = article.paragraph(p)
    c = Citation(n, article.id, article.title, article.date, article.source, article.url, p, para[a:b], a, b)
    bounds = split_sentences(para)
    head = "" if any(x == a for x, _ in bounds) else "…"
    tail = "" if any(y == b for _, y in bounds) else "…"
    return f"{head}{inert_markers(para[a:b])}{tail}", c


QUOTE_BRIDGE = 80  # the most characters of a quotation left out between two of its quoted sentences that are filled in


def bridged(ch: Chosen, last_end: dict[str, tuple[int, int]]) -> list[Span]:
    """The unit's spans, preceded by the sentences of a quotation that the article's span quoted before it and
    this one leave out (“…的初评。[以擂台赛的形式推先评优，…尚属首次…探索。]”郭健说。): a person's words are
    quoted whole, not with a gap the reader cannot see."""
    article = ch.article.article
    out: list[Span] = []
    for span in ch.unit.spans:
        p, a, _b = span
        prev = last_end.get(article.id)
        if prev and prev[0] == p and 0 < a - prev[1] <= QUOTE_BRIDGE:
            para = article.paragraph(p)
            gap, before = para[prev[1]:a], para[: prev[1]]
            inside = before.count("“") > before.count("”") and "“" not in gap and "”" not in gap.rstrip()[:-1]
            if inside and gap.strip(" ，,。”"):
                out.append((p, prev[1], a))
        out.append(span)
        last_end = {**last_end, article.id: (p, span[2])}
    return out


def english_date(iso: str | None) -> str | None:
    """2024-02-27T16:56:27 → 27 February 2024; --06-26 (a dateline without its year) → 26 June."""
    md = re.match(r"--(\d{2})-(\d{2})", iso or "")
    if md and 1 <= int(md.group(1)) <= 12:
        return f"{int(md.group(2))} {_MONTHS[int(md.group(1)) - 1]}"
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return None
    try:
        d = Date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def chinese_date(iso: str | None) -> str | None:
    """2024-02-27 → 2024年2月27日; --06-26 → 6月26日."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    md = re.match(r"--(\d{2})-(\d{2})", iso or "")
    return f"{int(md.group(1))}月{int(md.group(2))}日" if md else None


def english_names(names: str) -> str:
    """譚海波、高潔 → Tan Haibo, Gao Jie (譚海波、高潔): writers an English reader can read."""
    spelt = [pinyin_name(n) if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) else None for n in names.split("、")]
    return f"{', '.join(spelt)} ({names})" if all(spelt) else names  # type: ignore[arg-type]


def lead_en(article: Article, author: bool = False) -> str:
    """From “title” (outlet, 27 February 2024):, with its writers (by …) when the question asks who wrote it."""
    by = f"by {english_names(article.author)}" if author and article.author else None
    meta = ", ".join(x for x in (article.source, english_date(article.date), by) if x)
    return f"From “{inert_markers(article.title)}”" + (f" ({meta})" if meta else "") + ":"


def source_line(article: Article, author: bool = False, title: str | None = None) -> str:
    """《title》（outlet，2024年2月27日）：, for questions about where an article came from; with its writers
    (作者：…) when the question asks who wrote it. `title`: the title as shown (in the asker's script)."""
    by = f"作者：{article.author}" if author and article.author else None
    meta = "，".join(x for x in (article.source, chinese_date(article.date), by) if x)
    return f"《{inert_markers(title or article.title)}》" + (f"（{meta}）" if meta else "") + "："


def pinyin_name(name: str) -> str | None:
    """A Chinese name in pinyin, surname first (魏爱军 → Wei Aijun); None when a character has no reading."""
    readings = char_readings()
    syllables = [readings.get(ch, ("",))[0] for ch in name]
    if not all(syllables):
        return None
    split = 2 if len(name) == 4 else 1
    return " ".join(s.capitalize() for s in ("".join(syllables[:split]), "".join(syllables[split:])) if s)


_EN_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")


def english_short(short: str, atype: str) -> str:
    """A short answer an English reader can read: a date in English, a name in pinyin, the Chinese kept beside it."""
    m = _EN_DATE.match(short.strip())
    if m:
        day = f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]}" + (f" {m.group(1)}" if m.group(1) else "")
        return f"{day} ({short})"
    if atype in ("person", "speaker") and "、" in short:  # several names (the speakers; who acted and who asked)
        return "; ".join(english_short(name, atype) for name in short.split("、"))
    if atype in ("person", "speaker") and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", short):
        spelt = pinyin_name(short)
        return f"{spelt} ({short})" if spelt else short
    digits = re.match(r"[0-9.]+", short)
    if digits and digits.group() != short:
        return f"{digits.group()} ({short})"
    return short


def _shown(text: str, target: str | None, keep_all: bool = False) -> str:
    """`text` (a short answer, a title) in the reader's script when it differs (`target`), else as it is; a name
    (keep_all) is kept as the article writes it for a Traditional reader, as in quotes."""
    if not target:
        return text
    return convert(text, target, [(0, len(text))] if keep_all and target == "hant" else [])


def compose(q: Question, chosen: Sequence[Chosen], script_of_asker: str) -> Answer:
    """The answer text with [n] markers in the asker's script, its citations, and the unconverted original."""
    citations: list[Citation] = []
    per_article: dict[str, list[tuple[str, str]]] = {}  # article id → (shown, original) quotes
    articles: dict[str, Article] = {}
    shorts: dict[str, str] = {}
    last_end: dict[str, tuple[int, int]] = {}  # article id → (paragraph, end) of its last quoted span
    for ch in chosen:
        article = ch.article.article
        articles[article.id] = article
        target = script_of_asker if script_of_asker in ("hans", "hant") and article_script(article) != script_of_asker else None
        if ch.short and article.id not in shorts:  # shown in the asker's script, like the quote it comes from
            shorts[article.id] = _shown(ch.short, target, keep_all=q.atype in ("person", "speaker"))
        for span in bridged(ch, last_end):
            last_end[article.id] = span[0], span[2]
            text, c = _quote(article, span, len(citations) + 1)
            citations.append(c)
            shown = text
            if target:
                lead = 1 if text.startswith("…") else 0
                # names are kept only for a Traditional reader: Simplified → Traditional is one-to-many (余家洪 is
                # no 餘家洪), while a Traditional name has one Simplified form (劉蕓 → 刘芸), and a Simplified
                # reader should not meet 國防 in a place name the annotator took too long
                keep = [(x + lead, y + lead) for x, y in _names_in(ch.article, span)] if target == "hant" else []
                shown = convert(text, target, keep)
            per_article.setdefault(article.id, []).append((f"{shown}[{c.n}]", f"{text}[{c.n}]"))
    several = len(per_article) > 1 or q.multi
    writer = asks_writer(q)  # the byline too: an author question, or an outlet question asking who wrote it
    shown_lines, raw_lines = [], []
    for aid, quotes in per_article.items():
        article = articles[aid]
        shown = "".join(s for s, _ in quotes)
        raw = "".join(r for _, r in quotes)
        if q.script == "en":
            short = english_short(shorts[aid], q.atype) if aid in shorts else None
            if several and q.atype in ("source", "author"):  # each article's credits: who wrote it, where, when
                head = lead_en(article, writer)[len("From "):-1] + ": "
                shown_lines.append(head + shown)
                raw_lines.append(head + raw)
            elif several:
                head = f"“{inert_markers(article.title)}”" + (f" ({short})" if short else "") + ": "
                shown_lines.append(head + shown)
                raw_lines.append(head + raw)
            else:
                if q.atype == "author" and article.author:
                    short = english_names(article.author)
                lines = [lead_en(article, writer)] + ([f"Answer: {short}"] if short else []) + [shown]
                shown_lines += lines
                raw_lines += lines[:-1] + [raw]
        elif several:
            short = f"（{shorts[aid]}）" if aid in shorts else ""
            target = q.script if article_script(article) != q.script else None
            head = f"《{inert_markers(_shown(article.title, target))}》{short}："
            if q.atype in ("source", "author"):  # each article's credits: who wrote it, where, when
                head = source_line(article, writer, _shown(article.title, target))
            shown_lines.append(head + shown)
            raw_lines.append(head + raw)
        else:
            lead = source_line(article, writer) if q.atype in ("source", "author") else ""
            shown_lines.append(lead + shown)
            raw_lines.append(lead + raw)
    if several and q.script == "en":
        shown_lines.insert(0, f"From {len(per_article)} article{'s' if len(per_article) > 1 else ''}:")
        raw_lines.insert(0, shown_lines[0])
    text, raw = "\n".join(shown_lines), "\n".join(raw_lines)
    short = None if several or not chosen else shorts.get(chosen[0].article.article.id, chosen[0].short)
    return Answer(q.text, text, False, citations, original=raw if raw != text else None, short=short)
