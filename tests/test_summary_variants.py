"""The summary variants bench/fit_summary.py --compare re-measures and the package does not ship
(bench/summary_variants.py): short bracketed asides left out as a cited gap keep every piece verbatim, quotes and
titles whole; in both scripts."""

from __future__ import annotations

import pytest

from bench.summary_variants import aside_cut, drop_asides, shipped_dated_picks
from rag.answering.elision import GAP
from rag.answering.selection import score_article
from rag.answering.summaries import dated_picks
from rag.answering.summary_model import DEFAULTS
from rag.ingest.articles import Article
from rag.lang.script import to_simplified, to_traditional


def shown(text: str, pieces) -> str:
    return GAP.join(text[a:b] for a, b in pieces)


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_a_short_aside_is_left_out_as_a_gap_between_verbatim_pieces(convert):
    for text, want in (("成都市文化馆（以下简称文化馆）举办活动，人数达到5人。", "成都市文化馆…举办活动，人数达到5人。"),
                       ("此次倒闭的银行为心脏地带三州银行(Heartland Tri-State Bank)。", "此次倒闭的银行为心脏地带三州银行"),
                       ("（记者 张三）今天召开会议。", "今天召开会议。"),  # an opening aside: the piece starts after it
                       ("苹果公司（Apple），华为和小米参加。", "苹果公司…华为和小米参加。")):  # its clause mark goes too
        text, want = convert(text), convert(want)
        pieces = drop_asides(text, [(0, len(text))])
        assert shown(text, pieces) == want
        assert all(0 <= a < b <= len(text) for a, b in pieces)


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_asides_inside_quotes_and_titles_and_long_brackets_stay(convert):
    for text in ("他说：“我们（指公司）今年会更好。”", "印发《县域商业三年行动计划（2023-2025年）》。",
                 "他们的报告（其中包括过去五年里全国各地的调查数据和大量的案例分析与专家意见汇总，以及各地的整改措施和落实情况）发布。",
                 "（图片）"):
        text = convert(text)
        assert drop_asides(text, [(0, len(text))]) == [(0, len(text))], text


def test_the_aside_cut_of_a_seed_shows_verbatim_pieces_at_their_shown_cost(seed_articles):
    article = seed_articles["000_049c7ef42d054db3"]  # 雙方村(社區)黨組織書記…
    cut = aside_cut(score_article(article), {})
    gaps = 0
    for pieces, length in zip(cut.pieces, cut.lengths):
        text = article.paragraph(pieces[0][0])
        assert all(0 <= a < b <= len(text) for _, a, b in pieces)  # offsets into the paragraph: verbatim
        assert length == sum(b - a for _, a, b in pieces) + len(GAP) * (len(pieces) - 1)
        between = [text[b:a] for (_, _, b), (_, a, _) in zip(pieces, pieces[1:])]
        assert not any("(社區)" in text[a:b] for _, a, b in pieces)
        gaps += any("(社區)" in t for t in between)
    assert gaps  # the aside is left out between two pieces


@pytest.mark.parametrize("convert", [to_simplified, to_traditional])
def test_the_shipped_row_before_d10b_said_a_bare_opening_day_twice(convert):
    """--compare olddateline re-measures the dateline as it was: 2023年7月26日，26日上午…; the package now shows
    2023年7月 before the same whole quote."""
    paragraphs = ("26日上午第二届中意中医药合作论坛在意大利米兰开幕，来自两国的120余名专家学者参加了论坛。",
                  "论坛上，双方签署了3项合作协议，内容涉及中医药教育、科研和临床服务。")
    article = Article("v", convert("论坛开幕"), tuple(convert(p) for p in paragraphs), date="2023-07-27")
    scored = score_article(article)
    (old, old_picks), (new, new_picks) = (f(article, scored, DEFAULTS) for f in (shipped_dated_picks, dated_picks))
    assert (old, new) == ("2023年7月26日，", "2023年7月") and old_picks == new_picks
    p, a, b = new_picks[0].shown[0]
    assert article.paragraph(p)[a:b].startswith(convert("26日上午"))
