"""Clause ties (rag.answering.ties): a summary never keeps a speech tail without the words it introduces or
closes (参加课程的退休教师李国华说。 with the quotation dropped), in either script and with “…” or 「…」 quotes;
pieces stay verbatim spans of their paragraphs."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag.answering.clauses import sentence_frame
from rag.answering.cues import twin
from rag.answering.selection import best_run, best_short_run, clause_runs
from rag.answering.summaries import summarize_article
from rag.answering.ties import NO_END, NO_START, clause_ties
from rag.ingest.articles import Article
from rag.lang.script import to_simplified, to_traditional

SCRIPTS = [to_simplified, to_traditional]


def frame(text: str):
    s = sentence_frame([text])[0]
    return s, [text[a:b] for a, b in s.clauses], clause_ties(s.clauses, twin(text))


@pytest.mark.parametrize("convert", SCRIPTS)
def test_a_speech_tail_is_tied_to_its_words_and_a_quotation_to_its_speaker(convert):
    s, texts, ties = frame(convert("参加课程的退休教师李国华说：“晚上有地方学习，还能和邻居交流，很方便。”"))
    assert len(texts) == 2 and list(ties) == [NO_END, NO_START]
    s, texts, ties = frame(convert("周晓梅介绍，夜间课堂每周三晚上开课，计划全年开设40期。"))
    assert list(ties) == [NO_END, 0, 0]  # indirect speech: the words may stand without the speaker
    s, texts, ties = frame(convert("“很方便”，李国华说。"))
    assert list(ties) == [0, NO_START]
    s, texts, ties = frame(convert("他写了一部小说，很受欢迎。"))  # 小说 is no speech verb
    assert list(ties) == [0, 0]


def test_corner_quotes_tie_the_same_as_curly_ones():
    _, _, ties = frame("退休教師李國華說：「晚上有地方學習，很方便。」")
    assert list(ties) == [NO_END, NO_START]


@pytest.mark.parametrize("convert", SCRIPTS)
def test_no_run_ends_at_a_speech_tail_even_when_its_words_score_low(convert):
    text = convert("社区还与区图书馆结对，新增图书1200册，参加课程的退休教师李国华说：“晚上有地方学习，还能和邻居交流，很方便。”")
    s, texts, ties = frame(text)
    keep = np.array([0.1, 0.1, 0.9, 0.0])  # the tail scores high, the quotation low
    untied = best_run(s, keep, 0.3, 4)
    assert text[untied[0]:untied[1]] == texts[2]  # without ties the tail alone is the best run
    a, b = best_run(s, keep, 0.3, 4, ties)
    assert not text[a:b].rstrip("：:").endswith(texts[2][-1])  # never the tail without its words
    assert b == s.end or not any(b == s.clauses[j][1] for j in np.flatnonzero(ties & NO_END))
    for i, j, _, x, y in clause_runs(s, keep, 0.3, 200, ties=ties):
        assert not ties[j] & NO_END and not ties[i] & NO_START
    short = best_short_run(s, keep, 0.3, 80, (s.start, s.end), 4, ties)
    assert short is None or text[short[0]:short[1]] != texts[2]


@pytest.mark.parametrize("convert", SCRIPTS)
def test_an_uploaded_article_summary_keeps_no_speech_tail_without_its_quotation(convert):
    paragraphs = tuple(convert(p) for p in (
        "2024年6月12日晚，柳湾社区党委在社区党群服务中心开设“红色书屋”夜间课堂，首期课程由社区党委书记周晓梅主讲，45名居民和党员参加。",
        "周晓梅介绍，夜间课堂每周三晚上开课，内容包括党史学习、法律常识和智能手机使用，计划全年开设40期。社区还与区图书馆结对，新增图书1200册，供居民免费借阅。",
        "参加课程的退休教师李国华说：“晚上有地方学习，还能和邻居交流，很方便。”"))
    article = Article("u", convert("柳湾社区开设“红色书屋”夜间课堂"), paragraphs, date="2024-06-12")
    summary = summarize_article(article)
    assert summary.citations
    for c in summary.citations:
        assert article.paragraph(c.paragraph)[c.start:c.end] == c.quote  # verbatim, offsets right
        assert not re.search(r"(说|說|表示|介绍|介紹|指出)[：:]?$", c.quote.strip()), c.quote
    assert not re.search(r"(说|說)。\[", summary.summary)


@pytest.mark.parametrize("convert", SCRIPTS)
def test_words_that_only_end_like_a_speech_verb_tie_nothing(convert):
    for text in ("其中40%用户已经更换了头像、昵称，新增用户100万。", "他写了一部小说，很受欢迎。", "有关部门已经做出回应，事故原因正在调查。"):
        assert not clause_ties(*frame_args(convert(text))).any(), text


def frame_args(text: str):
    s = sentence_frame([text])[0]
    return s.clauses, twin(text)


def test_the_bench_variant_as_shipped_before_cuts_without_ties():
    from bench.summary_variants import untied_cut
    from rag.answering.picks import runs
    from rag.answering.selection import score_article
    from rag.answering.summary_model import DEFAULTS

    text = "社区还与区图书馆结对，新增图书1200册。参加课程的退休教师李国华说：“晚上有地方学习，还能和邻居交流，很方便。”"
    article = Article("v", "柳湾社区夜间课堂", (text,), date="2024-06-12")
    scored = score_article(article)
    for cut in (runs(scored, DEFAULTS), untied_cut(scored, DEFAULTS)):
        assert cut.spans and all(0 <= a < b <= len(text) for _, a, b in cut.spans)
