"""The command line's filter flags (`--since`, `--until`, `--source`, `--date-anchor` on `rag search`, `ask`,
`summarize --all`/`--about` and `timeline`), read into a `rag.records.Filter` (rag.scope.filters), and how an article's date reads in a
terminal."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # (the command line imports little before it knows the command)
    from rag.ingest.articles import Article
    from rag.records import Filter

DATE_ANCHOR_HELP = ("the day relative dates count from: corpus (default: the newest article), today, or YYYY-MM-DD "
                    "(RAG_DATE_ANCHOR)")


def add_filter_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", help="only articles dated on or after: YYYY-MM-DD, YYYY-MM, YYYY, or MM-DD (any year)")
    p.add_argument("--until", help="only articles dated on or before (same forms)")
    p.add_argument("--source", action="append", help="only articles from this outlet (name or alias, e.g. 新华社, "
                                                     "Xinhua; repeatable or comma-separated)")
    p.add_argument("--date-anchor", help=DATE_ANCHOR_HELP)


def read_filter(args: argparse.Namespace, articles: Mapping[str, Article] | None = None) -> Filter:
    """The flags' filter, outlets read against `articles` when given (rag.scope.filters.FilterError, a one-line
    message, for a malformed date)."""
    from rag.scope.facts import facts_for
    from rag.scope.filters import explicit_filter

    return explicit_filter(args.since, args.until, args.source or (),
                           facts_for(articles) if articles is not None else None)


def show_date(iso: str | None) -> str:
    """An article's date for the terminal: `2023-06-27`, `06-26 (year not given)`, `undated`."""
    from rag.lang.when import describe_date

    return describe_date(iso, "en") if iso else "undated"
