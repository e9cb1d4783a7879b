"""The contracts between stages, as Protocols: what retrieval offers the answerers (`Retriever`, `Corpus`),
and what an answerer (`Answerer`) and a summarizer (`Summarizer`) offer the chat, the CLI and the API.

`Answerer` is also the base class of the answerers: `stream` is the one method an answerer implements
(its drafts as they grow, then the Answer, always last), and `answer` is derived from it, so streaming
and non-streaming are one code path."""

from __future__ import annotations

from typing import Collection, Iterator, Mapping, Protocol, Sequence

from rag.config import Config
from rag.ingest.articles import Article
from rag.records import Answer, AskRequest, Filter, Hit, Summary, TopicMatch


class Retriever(Protocol):
    def search(self, query: str, k: int = 10, article_ids: Collection[str] | None = None,
               filter: Filter | None = None) -> list[Hit]:
        """The best chunks for `query`, best first (restricted to `article_ids` when given, and to the articles
        the filter admits, inside the index)."""
        ...

    def search_articles(self, query: str, k: int = 10, filter: Filter | None = None) -> list[tuple[str, float]]:
        """The best articles for `query` with their scores, best first."""
        ...


class Corpus(Protocol):
    """What one request reads: the articles and the retriever over their index (one snapshot of both)."""

    @property
    def articles(self) -> Mapping[str, Article]: ...

    @property
    def retriever(self) -> Retriever: ...


class Answerer(Protocol):
    """Answers questions from a corpus. Implement `stream`; `answer` is derived."""

    def stream(self, request: AskRequest, corpus: Corpus) -> Iterator[str | Answer]:
        """Drafts as they grow (str, unverified; only a model writes them), then the Answer, always last."""
        ...

    def answer(self, request: AskRequest, corpus: Corpus) -> Answer:
        *_drafts, final = self.stream(request, corpus)
        assert isinstance(final, Answer)
        return final


class Summarizer(Protocol):
    """Cited summaries: one article's, one line per article for the overview, a topic's matching articles
    summarised together, and their events as a timeline."""

    def summarize(self, article: Article) -> Summary: ...

    def overview(self, articles: Sequence[Article], language: str = "zh") -> Summary: ...

    def topic(self, match: TopicMatch) -> Summary: ...

    def timeline(self, match: TopicMatch) -> Summary: ...


class ChatContext(Corpus, Protocol):
    """What the chat routes a message through (an engine's view of one snapshot): the corpus, its
    answerer, summaries by article id, and the configuration (the date anchor relative dates count from)."""

    @property
    def answerer(self) -> Answerer: ...

    @property
    def config(self) -> Config: ...

    def summarize(self, article_id: str) -> Summary: ...

    def overview(self, article_ids: Sequence[str] | None = None, language: str = "zh") -> Summary:
        """One cited line per article (these, or all)."""
        ...

    def summarize_topic(self, topic: str, language: str = "zh", filter: Filter = Filter()) -> Summary:
        """The articles about `topic` (within `filter`'s dates and outlets) summarised together."""
        ...

    def timeline(self, topic: str, language: str = "zh", filter: Filter = Filter()) -> Summary: ...
