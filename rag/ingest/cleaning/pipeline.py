"""The cleaning pipeline: one decoded document in, a title, body paragraphs and metadata out.

Text-level repairs first (`preclean`), then the page head (chrome, date and credit lines, the headline),
the tail (link lists, widgets), the body's own chrome and credits, and finally paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.chrome import (
    cut_page_furniture,
    drop_inline_boilerplate,
    is_breadcrumb,
    is_caption_line,
    is_link_item,
    is_nav_line,
    is_spam_line,
    is_tail_marker,
    is_widget_line,
    link_item_date,
    remove_caption_tags,
)
from rag.ingest.cleaning.credits import credit_of_line, strip_leading_credit, strip_trailing_credits
from rag.ingest.cleaning.datelines import Dateline, parse_dateline
from rag.ingest.cleaning.dates import date_of_line, partial_date
from rag.ingest.cleaning.mojibake import repair_gbk_shift
from rag.ingest.cleaning.paragraphs import DEFAULT_MAX_PARAGRAPH_CHARS, join_broken_lines, split_paragraphs
from rag.ingest.cleaning.text import COMPARE_DROP, SENT_END, compare_key, normalize_whitespace, strip_pinyin_glosses
from rag.ingest.cleaning.titles import clean_title, derive_title, looks_like_headline
from rag.lang.script import HAN

_WORDISH_RE = re.compile(f"[{HAN}A-Za-z]")
_LIST_MARK_RE = re.compile(r"^[-•*]\s+")
_BODY_TEXT_RE = re.compile(f"[{SENT_END}，,；;]")  # a line of the body, not a headline or a label


@dataclass(frozen=True)
class Cleaned:
    """One cleaned document: headline, body paragraphs (cited from 1) and metadata."""

    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None
    source: str | None = None
    author: str | None = None
    title_derived: bool = False
    place: str | None = None  # where the story was filed, from its dateline (`新华社成都7月27日电` → 成都)


class _Meta:
    """Metadata gathered while cleaning: the first value found for each field wins."""

    def __init__(self, **values: str | None) -> None:
        self.values: dict[str, str | None] = {k: v or None for k, v in values.items()}

    def offer(self, **values: str | None) -> None:
        for key, value in values.items():
            held = self.values.get(key)
            if value and (not held or key == "date" and held.startswith("--") and not value.startswith("--")):
                self.values[key] = value  # (a full date wins over a dateline's year-less day)

    def __getitem__(self, key: str) -> str | None:
        return self.values.get(key)

    def offer_dateline(self, dateline: Dateline) -> None:
        """A dateline's outlet, place, day (year-less: `--07-27`, when no full date is known) and reporters."""
        self.offer(source=dateline.outlet, place=dateline.place, date=dateline.date, author=dateline.author)


def preclean(text: str) -> str:
    """Text-level repairs and removals that do not depend on lines."""
    text = normalize_whitespace(text)
    text = repair_gbk_shift(text)
    text = strip_pinyin_glosses(text)
    text = remove_caption_tags(text)
    text = drop_inline_boilerplate(text)
    return cut_page_furniture(text)


def clean_article(
    text: str,
    *,
    title: str | None = None,
    date: str | None = None,
    source: str | None = None,
    author: str | None = None,
    max_paragraph_chars: int = DEFAULT_MAX_PARAGRAPH_CHARS,
) -> Cleaned | None:
    """Clean one document; None when nothing of an article is left (empty or only boilerplate).

    `date`: ISO 8601, or year-less `--MM-DD` (a header that gave no year): a full date found while cleaning
    wins over a year-less one; an article with no full date gets its year-less day (a header's, its
    dateline's, or the day its lead opens with), completed where the article writes its year (`partial_date`)."""
    meta = _Meta(date=date, source=source, author=author, place=None)
    lines = [ln for ln in preclean(text).split("\n") if ln]
    title = clean_title(strip_pinyin_glosses(title)) if title else None
    head_title, body = _split_head(lines, meta, have_title=bool(title))
    title = title or head_title
    body = _cut_tail(body, meta, title or "")
    body = _body_lines(body, meta, title or "")
    if body:
        last, src, auth = strip_trailing_credits(body[-1])
        meta.offer(source=src, author=auth)
        body[-1:] = [last] if last else []
    if title and body:
        body[0] = _strip_title_prefix(body[0], title)  # the headline repeated at the top of the page text
        body = [ln for ln in body if ln]
    if body:
        first, src, auth = strip_leading_credit(body[0])
        meta.offer(source=src, author=auth)
        body[0] = first
    body = join_broken_lines(body)
    if body:  # `新华社成都7月27日电（记者 王君宝）7月27日，…`: the dateline is metadata, the lead starts after it
        dateline, lead = parse_dateline(body[0])
        if dateline is not None and len(lead) >= 10:
            meta.offer_dateline(dateline)
            body[0] = lead
    paragraphs = tuple(p for ln in body for p in split_paragraphs(ln, max_paragraph_chars))
    if sum(len(p) for p in paragraphs) < 10 or not any(_WORDISH_RE.search(p) for p in paragraphs):
        return None
    derived = not title
    if derived:
        title = derive_title(paragraphs)
    date = meta["date"]
    if not date or date.startswith("--"):
        date = partial_date(paragraphs, date)
    return Cleaned(title, paragraphs, date, meta["source"], meta["author"], derived, meta["place"])


def _strip_title_prefix(line: str, title: str) -> str:
    """`line` without a leading copy of `title` (punctuation and spaces may differ); "" if it is only that."""
    key = compare_key(title)
    if len(key) < 6:
        return "" if compare_key(line) == key else line
    matched = 0
    for i, ch in enumerate(line):
        if matched == len(key):
            return line[i:].lstrip(" ,，:：") if compare_key(line[i:]) else ""
        if not COMPARE_DROP.fullmatch(ch):
            if ch.lower() != key[matched]:
                return line
            matched += 1
    return "" if matched == len(key) else line


def _split_head(lines: list[str], meta: _Meta, have_title: bool) -> tuple[str | None, list[str]]:
    """Skip the page head (spam, menus, breadcrumbs, date and byline lines); find the headline."""
    title = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_spam_line(line) or is_nav_line(line) or is_breadcrumb(line) or is_caption_line(line):
            i += 1
            continue
        # Share bars, tickers and link lists above the article are chrome too (not an end: the article follows).
        if is_tail_marker(line) or is_widget_line(line) or is_link_item(line):
            i += 1
            continue
        if d := date_of_line(line):
            meta.offer(date=d)
            i += 1
            continue
        if (credit := credit_of_line(line)) is not None:
            meta.offer(source=credit.source, author=credit.author)
            i += 1
            continue
        dateline, rest = parse_dateline(line)
        if dateline is not None and not rest:  # a dateline on a line of its own is no headline
            meta.offer_dateline(dateline)
            i += 1
            continue
        if title is None and not have_title and looks_like_headline(line) and _menu_run(lines, i) < 3:
            title = clean_title(line)
            i += 1
            continue
        break
    return title, lines[i:]


def _menu_run(lines: list[str], i: int) -> int:
    """How many short, unpunctuated lines start at i (a run of them is a menu, not a headline)."""
    n = 0
    while i + n < len(lines) and len(lines[i + n]) <= 8 and not re.search(f"[{SENT_END}，,]", lines[i + n]):
        n += 1
    return n


def _cut_tail(lines: list[str], meta: _Meta, title: str) -> list[str]:
    """Cut the link lists and widgets after the article (reading a date off a link to itself)."""
    for i, line in enumerate(lines):
        run = i + 1 < len(lines) and is_link_item(line) and is_link_item(lines[i + 1])
        if i > 0 and (is_tail_marker(line) or is_widget_line(line) or run):
            for rest in lines[i:]:
                meta.offer(date=link_item_date(rest, title) if title else None)
            return lines[:i]
    return lines


def _body_lines(lines: list[str], meta: _Meta, title: str) -> list[str]:
    """The body's lines without chrome, captions, credits and date lines. A line that is only a date dates the
    article while no body text (a line with sentence punctuation, not a copy of the headline) has come before
    it; after that it is a date the story mentions (`2024年6月12日` above a later section), dropped but not the
    article's date."""
    kept: list[str] = []
    opening = True
    for line in lines:
        if (ln := _body_line(line, meta, opening)) is not None:
            kept.append(ln)
            opening = opening and not _BODY_TEXT_RE.search(_strip_title_prefix(ln, title) if title else ln)
    return kept


def _body_line(line: str, meta: _Meta, opening: bool) -> str | None:
    """A body line, or None for chrome, captions, credits and date lines inside the body (credits feed metadata,
    a date line the date while `opening`)."""
    if is_spam_line(line) or is_caption_line(line) or is_widget_line(line) or is_breadcrumb(line):
        return None
    if (credit := credit_of_line(line)) is not None:
        meta.offer(source=credit.source, author=credit.author)
        return None
    if d := date_of_line(line):
        if opening:
            meta.offer(date=d)
        return None
    return _LIST_MARK_RE.sub("", line) or None

