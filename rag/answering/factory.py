"""The one place that chooses how questions are answered and articles summarised: from the config, once,
when the engine opens. Without a model: the extractive answerer and summarizer. With `--llm`: the model
drafts, the verifier decides, and the extractive ones are the fallback."""

from __future__ import annotations

from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.summaries import ExtractiveSummarizer
from rag.answering.summary_cache import GuardedSummaries
from rag.config import Config
from rag.contracts import Answerer, Summarizer


def make_answerer(config: Config) -> Answerer:
    extractive = ExtractiveAnswerer(config)
    if config.llm == "extractive":
        return extractive
    from rag.answering.llm.answerer import ModelAnswerer
    from rag.answering.llm.backends import make_llm

    return ModelAnswerer(config, make_llm(config), fallback=extractive)


def make_summarizer(config: Config, cache: GuardedSummaries | None) -> Summarizer:
    extractive = ExtractiveSummarizer(cache)
    if config.llm == "extractive":
        return extractive
    from rag.answering.llm.backends import make_llm
    from rag.answering.llm.summarizer import ModelSummarizer

    return ModelSummarizer(config, make_llm(config), cache, fallback=extractive)
