"""Text shown to people in their script: phrase-level OpenCC, word by word (rag.lang.display), for answers and for
summaries, overviews and timelines alike; real excerpts of the seeds."""

from __future__ import annotations

from rag.answering.summaries import summarize_article
from rag.lang.display import convert, to_script
from tests.seeds import QINGDAO, QUAN


def test_simplified_readers_get_zhe_not_zhu_and_traditional_readers_taiwan_forms(seed_articles):
    line = next(p for p in seed_articles[QINGDAO].paragraphs if "開展著" in p)
    shown = to_script(line, "hans")
    assert "开展着" in shown and "开展著" not in shown
    quan = next(p for p in seed_articles[QUAN].paragraphs if "为" in p)
    shown = to_script(quan, "hant")
    assert "為" in shown and "爲" not in shown
    assert to_script("余家洪指明了方向", "hans") == "余家洪指明了方向"  # 指明了 never 指明瞭
    assert convert("余家洪指明了方向", "hant", keep=[(0, 3)]).startswith("余家洪")  # a kept name is left alone


def test_a_summary_in_the_readers_script_converts_the_text_and_keeps_the_quotes(seed_articles):
    summary = summarize_article(seed_articles[QINGDAO])
    assert "開展著" in summary.summary
    shown = summary.in_script("hans")
    assert "开展着" in shown.summary and "著" not in shown.summary.replace("显著", "").replace("著名", "")
    assert [c.quote for c in shown.citations] == [c.quote for c in summary.citations]  # verbatim, original script
    assert shown.original == summary.summary


def test_a_traditional_reader_sees_a_traditional_articles_quotes_verbatim_in_the_overview(seed_articles):
    """The 石马镇 page is Traditional but writes 小枧鎮 (枧 has no Traditional form on that page): converting it again
    for a Traditional reader made 小梘鎮 in the overview and topic summaries; only other-script text is converted."""
    from rag.answering.overview import overview

    summary = overview(list(seed_articles.values()))
    shown = summary.in_script("hant")
    assert "小枧鎮" in shown.summary and "小梘鎮" not in shown.summary
    assert "陝西三原縣" in shown.summary  # the Simplified article's line is still converted for this reader
    simplified = summary.in_script("hans")
    assert "小枧镇" in simplified.summary
