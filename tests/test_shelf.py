"""The shelf (issue #16, item 5): every article, one entry per story (near-duplicates "also carried by"),
searchable, filterable by outlet, sortable by date, paged for thousands, with counts."""

from __future__ import annotations

from rag.ingest.articles import Article
from rag.ingest.duplicates import group_near_duplicates
from rag.shelf import ShelfQuery, query_shelf, shelf_entries
from rag.web import render
from tests.stories import PARAGRAPHS

OUTLETS = ["新华社", "人民日报", "中新网", None]
PLACES = ["青岛", "成都", "武汉", "西安", "杭州", "南宁", "兰州"]


def many(n: int = 2500) -> list[Article]:
    """n distinct made-up articles: four outlets (one unnamed), dated over a year, every 500th undated."""
    out = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        date = None if i % 500 == 7 else f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
        text = f"{place}第{i}号新闻：{i}日，{place}市第{i * 7}届文化节开幕，共有{i * 13}名市民参加，活动持续{i % 9 + 1}天。"
        out.append(Article(f"n{i:05d}", f"{place}第{i}届文化节开幕", (text,), date=date, source=OUTLETS[i % 4]))
    return out


def test_thousands_of_articles_page_search_filter_sort_and_count():
    articles = many()
    entries = shelf_entries(articles, group_near_duplicates(articles))
    first = query_shelf(entries)
    assert [e.number for e in first.entries] == list(range(1, 11)) and first.pages == 250
    assert first.counts() == "Showing 1–10 of 2,500 stories · 2,500 stories, 3 outlets on the shelf"
    last = query_shelf(entries, ShelfQuery(page=999))
    assert last.page == 250 and [e.number for e in last.entries][-1] == 2500
    found = query_shelf(entries, ShelfQuery(text="青岛 1001"))
    assert [e.article.title for e in found.entries] == ["青岛第1001届文化节开幕"]
    assert found.counts().startswith("Showing 1–1 of 1 matching story")
    xinhua = query_shelf(entries, ShelfQuery(outlet="新华社", per_page=50))
    assert xinhua.matched == 625 and all(e.article.source == "新华社" for e in xinhua.entries)
    assert ("新华社", 625) in xinhua.outlets and ("(no outlet)", 625) in xinhua.outlets
    newest = query_shelf(entries, ShelfQuery(sort="newest")).entries
    assert newest[0].article.date == "2023-12-28" and all(e.article.date for e in newest)
    oldest = query_shelf(entries, ShelfQuery(sort="oldest", page=250)).entries
    assert oldest[-1].article.date is None  # undated last
    assert query_shelf(entries, ShelfQuery(sort="oldest")).entries[0].article.date == "2023-01-01"


def test_a_republished_story_is_one_entry_also_carried_by_the_other_outlet():
    wire = Article("w", "锦溪县三座新水厂投入运行", PARAGRAPHS, date="--07-27", source="新华社", place="成都")
    copy = Article("c", "锦溪三座新水厂同日通水", PARAGRAPHS + ("当天，不少村民来到水厂参观。",), date="2023-07-28",
                   source="川江日报")
    other = Article("o", "梅岭镇举办山地自行车赛", ("7月29日，梅岭镇首届山地自行车赛开赛，二百六十名选手参加。",),
                    source="梅岭晚报")
    entries = shelf_entries([wire, copy, other], group_near_duplicates([wire, copy, other]))
    page = query_shelf(entries)
    assert [e.article.id for e in page.entries] == ["w", "o"] and page.stories == 2 and page.articles == 3
    assert page.counts() == "Showing 1–2 of 2 stories · 2 stories, 3 articles, 2 outlets on the shelf"
    assert entries[0].also_carried_by == ("川江日报",) and entries[1].lead == "w"
    assert query_shelf(entries, ShelfQuery(outlet="川江日报")).entries[0].article.id == "w"  # found under its lead
    rows = render.shelf_rows(page.entries)
    assert rows[0] == [1, "锦溪县三座新水厂投入运行", "07-27 (year not given)", "新华社 · also carried by 川江日报"]
    row = entries[0].row()
    assert row["shelf"] == 1 and row["also_carried_by"] == ["川江日报"] and row["place"] == "成都"
    assert entries[1].row()["listed_under"] == "w"
