"""Article summaries written by a language model: map (each piece of the article summarised with its
paragraph numbers), reduce (the partial summaries combined), then every sentence verified against the
article's paragraphs and cited to the one it came from. Cached per content hash under the model's key; a
failure gives the fallback summarizer's (extractive) summary with a note, and is not cached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rag.answering import verify
from rag.answering.llm.backends import ChatModel, LLMError
from rag.answering.llm.prompts import PIECE_CHARS, Source, map_messages, pieces_of, reduce_messages
from rag.answering.llm.topics import model_timeline, model_topic
from rag.answering.llm.verified import render_verified
from rag.answering.summary_cache import GuardedSummaries
from rag.config import Config
from rag.contracts import Summarizer
from rag.ingest.articles import Article
from rag.lang.script import script_of
from rag.records import ModelSummary, Summary, TopicMatch

MAP_TOKENS = 160  # new tokens for one piece's summary
REDUCE_TOKENS = 256  # new tokens for the combined summary
REDUCE_FANIN = 6  # partial summaries combined per reduce call (more are combined in rounds)
PROMPT_VERSION = "p1"  # part of the summary cache key: a prompt change recomputes cached summaries


class ModelSummarizer(Summarizer):
    """Per-article summaries (map-reduce over pieces), topic summaries (over groups of articles) and timelines by
    the model, every sentence verified; the overview (one line per article) is the fallback's."""

    def __init__(self, config: Config, llm: ChatModel, cache: GuardedSummaries | None, fallback: Summarizer,
                 max_tokens: tuple[int, int] = (MAP_TOKENS, REDUCE_TOKENS), piece_chars: int = PIECE_CHARS):
        self.config, self.llm, self.cache, self.fallback = config, llm, cache, fallback
        self.max_tokens, self.piece_chars = max_tokens, piece_chars

    def overview(self, articles: Sequence[Article], language: str = "zh") -> Summary:
        return self.fallback.overview(articles, language)

    def topic(self, match: TopicMatch) -> Summary:
        """The matching articles summarised group by group by the model, each sentence verified."""
        return model_topic(match, self.llm, self.config.llm_timeout)

    def timeline(self, match: TopicMatch) -> Summary:
        """The timeline's events in the model's verified words (each event's own line where it has none)."""
        return model_timeline(match, self.llm, self.config.llm_timeout)

    def summarize(self, article: Article) -> Summary:
        """A cited summary written by the model, verified against the article's paragraphs."""
        llm, cache = self.llm, self.cache
        key = cache_key(llm)
        if cache is not None:
            cached = cache.get(article, key)
            if cached is not None:
                return _rehydrate(cached, article, llm)
        result = map_reduce(article, llm, self.config.llm_timeout, self.max_tokens, self.piece_chars)
        if isinstance(result, Failed):
            base = self.fallback.summarize(article)
            fields = {k: getattr(base, k) for k in Summary.__dataclass_fields__}
            fields["note"] = f"{result.why}; showing the extractive summary"
            return ModelSummary(**fields, sentences=[c.to_json() for c in result.sentences])
        if cache is not None:
            cache.get_or_make(article, lambda _a: result, key)
        return result


def cache_key(llm: ChatModel) -> str:
    """The SummaryCache backend key: backend, model and prompt version (a change recomputes)."""
    return f"llm:{llm.name}:{PROMPT_VERSION}"


@dataclass(frozen=True)
class Failed:
    """Why the model's summary is not used, and its sentences' verdicts when it got that far."""

    why: str
    sentences: tuple[verify.Sentence, ...] = ()


def map_reduce(
    article: Article,
    llm: ChatModel,
    timeout: float,
    max_tokens: tuple[int, int] = (MAP_TOKENS, REDUCE_TOKENS),
    piece_chars: int = PIECE_CHARS,
) -> ModelSummary | Failed:
    """The verified summary, or why there is none.

    Map: each piece of the article (whole paragraphs, at most `piece_chars`) is summarized with its
    paragraph numbers; reduce: the partial summaries are combined, REDUCE_FANIN at a time, until one is
    left. A one-piece article takes a single call. `timeout` applies to each call."""
    language = script_of(article.title + "".join(article.paragraphs[:3]))
    pieces = pieces_of(article, piece_chars)
    who = f"{llm.backend}:{llm.label}"
    if not pieces:
        return Failed("the article has no text to summarize")
    try:
        if len(pieces) == 1:
            draft = llm.complete(map_messages(article, pieces[0], 1, 1, language, final=True), max_tokens[1], timeout)
        else:
            partials = [
                llm.complete(map_messages(article, piece, i, len(pieces), language, final=False), max_tokens[0], timeout)
                for i, piece in enumerate(pieces, start=1)
            ]
            while len(partials) > 1:
                partials = [
                    llm.complete(reduce_messages(article, partials[i : i + REDUCE_FANIN], language), max_tokens[1], timeout)
                    for i in range(0, len(partials), REDUCE_FANIN)
                ]
            draft = partials[0]
    except LLMError as exc:
        return Failed(f"{who} failed: {exc}")
    return compose_summary(article, draft, llm, language)


def compose_summary(article: Article, draft: str, llm: ChatModel, language: str) -> ModelSummary | Failed:
    """Verify each sentence of the draft against the article's paragraphs and cite the ones it came from."""
    paragraphs = {p: text for p, text in enumerate(article.paragraphs, start=1)}
    checked = verify.verify(draft, paragraphs)
    if not any(c.supported for c in checked):
        return Failed(f"{llm.backend}:{llm.label} wrote nothing that could be verified against the article", tuple(checked))
    text, citations, records = render_verified(
        checked, lambda p: Source(p, article, p, 0, len(paragraphs[p]), paragraphs[p]), language
    )
    dropped = sum(not c.supported for c in checked)
    note = f"{dropped} sentence{'s' * (dropped > 1)} the article does not support left out" if dropped else None
    return ModelSummary(article_id=article.id, title=article.title, summary=text, citations=citations,
                      backend=llm.backend, note=note, model=llm.label, sentences=records)


def _rehydrate(cached: Summary, article: Article, llm: ChatModel) -> ModelSummary:
    """A cached summary as an ModelSummary; its sentences' verdicts are recomputed (cheap, deterministic)."""
    sources = {c.n: article.paragraph(c.paragraph) for c in cached.citations if 1 <= c.paragraph <= len(article.paragraphs)}
    records = [c.to_json() for c in verify.verify(cached.summary, sources)]
    fields = {k: getattr(cached, k) for k in Summary.__dataclass_fields__}
    return ModelSummary(**{**fields, "backend": llm.backend}, model=llm.label, sentences=records)
