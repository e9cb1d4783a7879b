"""The app's API (Gradio's, for `gradio_client`): `/ask`, `/summarize` and `/articles`, returning the command
line's JSON objects (`rag ask --json`, `rag summarize --json`, `rag articles --json`).

Each endpoint is typed with the TypedDicts below, so `Client.view_api()` shows every field of what it returns.
(This module has no `from __future__ import annotations`: Gradio reads the endpoints' annotations as objects,
and a string annotation would be typed `Any`.)

A reference that names no article, or several, is the caller's to fix: it is refused with `gr.Error` in one
line (the candidates, or what a reference can be) and logged as one line, without a traceback.
"""

import logging
from typing import List, Optional, TypedDict

import gradio as gr

from rag.answering.question import QuestionError, clean_question
from rag.engine import Engine
from rag.records import Filter
from rag.references import describe, resolve_reference
from rag.scope.facts import facts_for
from rag.scope.filters import FilterError, explicit_filter

log = logging.getLogger(__name__)


class CitationJSON(TypedDict):
    """One cited sentence: `quote` is paragraph `paragraph` (from 1) of `article_id`, characters start:end."""

    n: int
    article_id: str
    title: str
    date: Optional[str]
    source: Optional[str]
    url: Optional[str]
    paragraph: int
    quote: str
    start: int
    end: int


class ArticleRefJSON(TypedDict):
    article_id: str
    title: str


class FilterJSON(TypedDict):
    """The dates (ISO; `--MM-DD` for a day of any year) and outlets an answer kept to."""

    since: Optional[str]
    until: Optional[str]
    sources: List[str]


class AnswerJSON(TypedDict):
    """`rag ask --json`: `answer` carries [n] markers that index `citations`. A model's answer also has
    `sentences` (the verifier's verdict on each sentence it wrote)."""

    id: Optional[str]
    question: str
    answer: str
    refused: bool
    citations: List[CitationJSON]
    original: Optional[str]
    closest: List[ArticleRefJSON]
    backend: str
    model: Optional[str]
    note: Optional[str]
    verified: Optional[bool]
    filter: Optional[FilterJSON]
    scope: Optional[str]


class SummaryJSON(TypedDict):
    """`rag summarize --json`: one article's cited summary, or the overview (`article_id` null)."""

    article_id: Optional[str]
    title: str
    summary: str
    citations: List[CitationJSON]
    backend: str
    note: Optional[str]
    original: Optional[str]


class ArticleRowJSON(TypedDict):
    """`rag articles --json`: one article with its shelf number (from 1: `#3`, 第3篇) and the other outlets
    that carried its story (`also_carried_by`; its group's other ids in `same_story`, the id it is listed
    under on the shelf in `listed_under`, null for the listed one)."""

    shelf: int
    id: str
    title: str
    date: Optional[str]
    source: Optional[str]
    url: Optional[str]
    paragraphs: int
    chars: int
    place: Optional[str]
    title_derived: bool
    also_carried_by: List[str]
    same_story: List[str]
    listed_under: Optional[str]


class JobJSON(TypedDict):
    """One upload (or a start's pending articles) in the background ingest."""

    name: str
    state: str  # queued | embedding | saving | done | skipped | failed
    done: int  # passages embedded (or found embedded)
    total: int  # passages to embed
    resumed: int  # of them, found embedded when the job started (a killed run's journal)
    articles: int
    added: int
    changed: int
    reason: Optional[str]  # skipped or failed: why
    skipped: List[List[str]]  # [where, why] for what of the file was left out


class LaneJSON(TypedDict):
    size: int
    running: int
    waiting: int
    served: int


class LanesJSON(TypedDict):
    """The request lanes (rag.workload) and how many requests were merged with an identical one in flight."""

    quick: LaneJSON
    heavy: LaneJSON
    merged: int


class StatusJSON(TypedDict):
    """The background ingest: articles answerable now, each recent job's state, the request lanes."""

    articles: int
    loading: bool
    error: Optional[str]
    indexing: bool
    jobs: List[JobJSON]
    lanes: LanesJSON


def user_error(message: str) -> gr.Error:
    """A request the caller can fix: logged as one line (no traceback), answered with `message`."""
    log.info("refused: %s", message)
    return gr.Error(message, print_exception=False)


class ApiEndpoints:
    """The endpoints over one shared engine."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def filter_outlets(self) -> List[str]:
        """The outlets the articles credit, the most credited first (the filter bar's choices)."""
        counts = facts_for(self.engine.articles).outlets.counts
        return sorted(counts, key=lambda o: (-counts[o], o))

    def filter_of(self, since: Optional[str], until: Optional[str], sources, names=("since", "until", "source")) -> Filter:
        """Dates and outlets as given (the page's filter bar, an API call) as a Filter; FilterError names a bad value."""
        return explicit_filter(since, until, sources or (), facts_for(self.engine.articles), names)

    def ask(self, question: str, since: str = "", until: str = "", source: str = "") -> AnswerJSON:
        """A cited answer to one question (`rag ask QUESTION --json`). Optional: `since`, `until` (YYYY-MM-DD,
        YYYY-MM, YYYY, or MM-DD for a day of any year) and `source` (outlets, comma-separated), as `rag ask
        --since/--until/--source`."""
        try:
            if not clean_question(question or ""):
                raise user_error("question is empty: ask something, e.g. 渠岸镇党委书记是谁？")
            return self.engine.ask(question, filter=self.filter_of(since, until, source)).to_json()
        except (QuestionError, FilterError) as exc:  # too long, not text, a bad date: the caller gets the reason
            raise user_error(str(exc)) from None

    def summarize(self, article: str, since: str = "", until: str = "", source: str = "") -> SummaryJSON:
        """The cited summary of one article (`rag summarize ARTICLE --json`): an id, the start of one, a shelf
        number (#3) or words of its title; 'all' gives the overview, of the articles within `since`, `until`
        and `source` when given (`rag summarize --all --since …`)."""
        article = (article or "").strip()
        if article in ("all", "--all"):
            try:
                chosen = self.filter_of(since, until, source)
            except FilterError as exc:
                raise user_error(str(exc)) from None
            if chosen:
                return self.engine.overview(facts_for(self.engine.articles).matching(chosen)).to_json()
            return self.engine.overview().to_json()
        view = self.engine.view()  # one snapshot: the id resolved is the article summarized
        shelf = list(view.articles.values())
        found = resolve_reference(article, shelf)
        if found.article_id is None:
            raise user_error(describe(found, article, shelf) + " (see the /articles endpoint)")
        return view.summarize(found.article_id).to_json()

    def articles(self) -> List[ArticleRowJSON]:
        """Every article on the shelf, in shelf order (`rag articles --json`)."""
        return [entry.row() for entry in self.engine.shelf]

    def status(self) -> StatusJSON:
        """The background ingest and the request lanes (`Engine.ingest_status`)."""
        return self.engine.ingest_status()
