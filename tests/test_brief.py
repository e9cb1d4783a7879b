"""'Download this conversation' (issue #16, export): a cited brief in Markdown and self-contained HTML; each
answer carries its footnotes: outlet, date, paragraph and the quoted sentence."""

from __future__ import annotations

from pathlib import Path

from rag.ingest.articles import Article
from rag.web import app as ui
from rag.web.brief import brief_html, brief_markdown
from tests.fakes import lexical_engine

EVIL = "<script>alert(1)</script>"
ARTICLE = Article("art1", f"石马镇结对共建{EVIL}", ("第一段。", "六月二十五日，两镇签约。参加者六十余人。"),
                  date="2023-06-25", source="绵阳日报")


def conversation(tmp_path):
    app = ui.ChatApp(lexical_engine({ARTICLE.id: ARTICLE}, tmp_path), max_upload_mb=1)
    *_, (_b, history, conv, sections, _p, transcript) = app.chat("参加者有多少人？", [], None, [], 3)
    *_, (_b, history, conv, sections, _p, transcript) = app.chat("总结第1篇", history, conv, sections, 3, transcript)
    return app, transcript


def test_the_brief_in_markdown_has_footnotes_with_outlet_date_paragraph_and_quote(tmp_path):
    _app, transcript = conversation(tmp_path)
    assert [t["kind"] for t in transcript] == ["answer", "summary"]
    md = brief_markdown(transcript)
    assert "## 1. 参加者有多少人？" in md and "## 2. 总结第1篇" in md
    assert "[^1-1]" in md.split("\n[^1-1]:")[0]  # the marker in the answer ...
    line = next(ln for ln in md.splitlines() if ln.startswith("[^1-1]:"))  # ... and its footnote
    assert "绵阳日报" in line and "2023-06-25" in line and "¶2" in line and "“参加者六十余人。”" in line


def test_the_brief_in_html_is_self_contained_and_escaped(tmp_path):
    _app, transcript = conversation(tmp_path)
    page = brief_html(transcript)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "&lt;script&gt;" in page  # the hostile title is text
    assert "src=" not in page and "http" not in page  # nothing fetched
    assert 'href="#fn-1-1"' in page and 'id="fn-1-1"' in page and "<blockquote>参加者六十余人。</blockquote>" in page
    assert "绵阳日报" in page and "¶2" in page


def test_download_writes_both_files(tmp_path):
    app, transcript = conversation(tmp_path)
    md, page = app.download(transcript)
    assert md["visible"] and page["visible"]
    assert Path(md["value"]).read_text(encoding="utf-8") == brief_markdown(transcript)
    assert Path(page["value"]).name == "conversation.html"
    hidden, _ = app.download([])
    assert hidden["visible"] is False
