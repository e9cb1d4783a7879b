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
