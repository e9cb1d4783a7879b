"""The candidate pool of a question: the articles retrieval ranks best, read whole, with each unit's retrieval
rank (the rank of the retrieved chunk that holds it; a unit only found by reading its article whole ranks a few
places below that article's best chunk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from rag.answering.slots import Slots, article_slots
from rag.answering.units import ArticleUnits, article_units
from rag.ingest.articles import Article
from rag.records import Hit

READ_RANK_OFFSET = 3  # a unit found by reading its article whole ranks this far below the article's best chunk
ABSENT_RANK = 30  # rank given to an article retrieval did not return (training pools hold the gold article)


@dataclass(frozen=True)
class PoolArticle:
    units: ArticleUnits
    slots: Slots
    ranks: tuple[float, ...]  # per unit
    article_rank: int  # 0 = the best retrieved article

    @property
    def article(self) -> Article:
        return self.units.article


def unit_ranks(au: ArticleUnits, hits: Sequence[Hit], best: int) -> tuple[float, ...]:
    """Each unit's rank: the best rank of a retrieved chunk overlapping its first span, else `best` + READ_RANK_OFFSET."""
    aid = au.article.id
    chunks = [(r, h.chunk) for r, h in enumerate(hits) if h.chunk.article_id == aid]
    out = []
    for u in au.units:
        p, a, b = u.spans[0]
        rank = next((r for r, c in chunks if c.paragraph == p and c.start < b and a < c.end), best + READ_RANK_OFFSET)
        out.append(float(rank))
    return tuple(out)


def article_order(hits: Sequence[Hit]) -> list[str]:
    return list(dict.fromkeys(h.chunk.article_id for h in hits))


def build_pool(hits: Sequence[Hit], articles: Mapping[str, Article], read: Iterable[str]) -> list[PoolArticle]:
    """The articles `read` (ids, in order), each with its units, slots and unit ranks from `hits`."""
    order = article_order(hits)
    best = {aid: next(r for r, h in enumerate(hits) if h.chunk.article_id == aid) for aid in order}
    pool = []
    for aid in dict.fromkeys(read):
        article = articles.get(aid)
        if article is None:
            continue
        au = article_units(article)
        if not au.units:
            continue
        art_rank = order.index(aid) if aid in order else ABSENT_RANK
        pool.append(PoolArticle(au, article_slots(au), unit_ranks(au, hits, best.get(aid, ABSENT_RANK)), art_rank))
    return pool
