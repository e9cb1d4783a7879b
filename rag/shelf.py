"""The shelf: every article with its shelf number, one entry per story (near-duplicates grouped under the first,
"also carried by" the other outlets), searchable, filterable by outlet, sortable by date and paged.

Shelf numbers count from 1 in shelf order (the articles as loaded: corpus files sorted, JSONL records in file
order, then uploads); `#3` and `第3篇` mean the same article everywhere (rag.references). Pure functions: the
command line (`rag articles`), the API (`/articles`) and the page's shelf all read from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rag.ingest.articles import Article
from rag.ingest.duplicates import Groups, carried_by
from rag.lang.script import normalize

SORTS = {"shelf": "Shelf order", "newest": "Newest first", "oldest": "Oldest first", "title": "Title"}
PER_PAGE = 10
ALL_OUTLETS = ""
NO_OUTLET = "(no outlet)"


@dataclass(frozen=True)
class ShelfEntry:
    """One article on the shelf, with its number and the story's other carriers."""

    number: int  # shelf number, from 1
    article: Article
    also_carried_by: tuple[str, ...] = ()  # other outlets that carried the same story
    same_story: tuple[str, ...] = ()  # ids of the other articles of its near-duplicate group
    lead: str | None = None  # the article the story is listed under (None: this one)
    key: str = ""  # what a search matches: title, id, outlet, place, in search form

    @property
    def outlet(self) -> str:
        return self.article.source or NO_OUTLET

    def row(self) -> dict:
        """The `rag articles --json` row (and the API's `/articles`)."""
        a = self.article
        return {
            "shelf": self.number,
            **a.row(),
            "place": a.place,
            "title_derived": a.title_derived,
            "also_carried_by": list(self.also_carried_by),
            "same_story": list(self.same_story),
            "listed_under": self.lead,
        }


def shelf_entries(articles: Sequence[Article], groups: Groups) -> list[ShelfEntry]:
    """Every article, numbered in shelf order, with its near-duplicate group."""
    by_id = {a.id: a for a in articles}
    out = []
    for n, a in enumerate(articles, start=1):
        lead = groups.lead_of(a.id)
        key = normalize(" ".join(x for x in (a.title, a.id, a.source, a.place) if x))
        out.append(ShelfEntry(n, a, tuple(carried_by(a.id, groups, by_id)), groups.others(a.id),
                              None if lead == a.id else lead, key))
    return out


@dataclass(frozen=True)
class ShelfQuery:
    """What the shelf shows: a search (words of the title, an id, an outlet, a place; every word must match),
    one outlet or all, an order (`SORTS`), and a page of `per_page` stories."""

    text: str = ""
    outlet: str = ALL_OUTLETS
    sort: str = "shelf"
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class ShelfPage:
    entries: list[ShelfEntry]  # this page's stories
    matched: int  # stories that match the query
    stories: int  # stories on the shelf (near-duplicates counted once)
    articles: int  # articles on the shelf
    page: int
    pages: int
    outlets: list[tuple[str, int]]  # every outlet with its number of stories, most first
    per_page: int = PER_PAGE

    def counts(self) -> str:
        """'Showing 1–10 of 12 matching stories · 5,000 stories, 5,230 articles, 38 outlets on the shelf'."""
        per = max(1, len(self.entries))
        start = (self.page - 1) * self.per_page + 1 if self.entries else 0
        end = start + per - 1 if self.entries else 0
        grouped = f", {self.articles:,} articles" if self.articles != self.stories else ""
        which = "matching " if self.matched != self.stories else ""
        named = len([o for o, _ in self.outlets if o != NO_OUTLET])
        return (f"Showing {start:,}–{end:,} of {self.matched:,} {which}stor{'y' if self.matched == 1 else 'ies'} · "
                f"{self.stories:,} stor{'y' if self.stories == 1 else 'ies'}{grouped}, "
                f"{named:,} outlet{'s' if named != 1 else ''} on the shelf")


def _date_key(date: str | None) -> tuple[int, str]:
    """Dated articles by date; a year-less day (--07-27) after every dated one; undated last."""
    if not date:
        return (0, "")
    return (1, date) if date.startswith("--") else (2, date)


def query_shelf(entries: Sequence[ShelfEntry], query: ShelfQuery = ShelfQuery()) -> ShelfPage:
    """One page of the shelf: one entry per story (its lead), matching the query, in the asked order."""
    stories = [e for e in entries if e.lead is None]
    counts: dict[str, int] = {}
    for e in stories:
        counts[e.outlet] = counts.get(e.outlet, 0) + 1
    found = stories
    if query.outlet:
        found = [e for e in found if e.outlet == query.outlet or query.outlet in e.also_carried_by]
    words = normalize(query.text).split()
    if words:
        found = [e for e in found if all(w in e.key for w in words)]
    if query.sort == "newest":
        found = sorted(found, key=lambda e: _date_key(e.article.date), reverse=True)
        found = [e for e in found if e.article.date] + [e for e in found if not e.article.date]
    elif query.sort == "oldest":
        found = sorted(found, key=lambda e: (_date_key(e.article.date)[0] == 0, _date_key(e.article.date)))
    elif query.sort == "title":
        found = sorted(found, key=lambda e: normalize(e.article.title))
    per = max(1, query.per_page)
    pages = max(1, -(-len(found) // per))
    page = min(max(1, query.page), pages)
    outlets = sorted(counts.items(), key=lambda t: (-t[1], t[0]))
    return ShelfPage(found[(page - 1) * per : page * per], len(found), len(stories), len(entries), page, pages,
                     outlets, per)
