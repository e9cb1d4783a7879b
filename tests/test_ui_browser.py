"""The chat page in a real headless Chromium (Debian's, driven by Playwright) against `rag serve`.

The server runs the real pipeline over a private copy of the bundled corpus. Screenshots of each
state go to tests/artifacts/; with RAG_UPDATE_DOCS=1 the main ones are also copied to docs/.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_ui_api import Server, free_port, private_corpus_and_index, server_env

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS = ROOT / "docs"
UPLOAD_LIMIT_MB = 1
WAIT_MS = 60_000

# A made-up article that is not in the corpus: after its upload, a question about it must cite it.
NEW_ARTICLE = """青禾镇举办第三届荷花文化节
2024-07-12 10:30 来源：青禾日报
7月12日，青禾镇第三届荷花文化节在镇文化广场开幕。本届文化节为期十天，共吸引游客两万三千人次，带动农产品销售收入约160万元。
青禾镇党委书记李春明在开幕式上表示，荷花产业已成为全镇乡村振兴的重要抓手，明年将新增荷塘300亩。
文化节期间还举办了荷花摄影展、非遗手工艺市集和农特产品展销会。
"""

QUESTIONS = [  # (script, question, article that answers it) from the bundled corpus
    ("hans", "石马镇和小枧镇开展的是什么行动？", "000_049c7ef42d054db3"),
    ("hant", "渠岸鎮2024年要做好多少件為民辦實事？", "004_7e177a0353be72cf"),
    ("en", "Which library hosted the Qingshan district meeting?", "002_e44c29edbf155723"),
]


def shot(page, name: str, docs: bool = False) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    if docs and os.environ.get("RAG_UPDATE_DOCS") == "1":
        from PIL import Image

        # 256 colours without dithering keep text crisp at a third of the size.
        DOCS.mkdir(exist_ok=True)
        image = Image.open(path).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        image.save(DOCS / name, optimize=True)
    return path


@pytest.fixture(scope="module")
def server(seed_engine, seed_config, tmp_path_factory):
    """`rag serve` on a free port over private copies of the corpus and index, 1 MB upload limit."""
    tmp = tmp_path_factory.mktemp("ui_browser")
    corpus, index = private_corpus_and_index(tmp, seed_config)
    port = free_port()
    cmd = [sys.executable, "-m", "rag", "serve", "--corpus", str(corpus), "--index", str(index),
           "--port", str(port), "--max-upload-mb", str(UPLOAD_LIMIT_MB)]
    srv = Server(cmd, server_env(), port, tmp / "server.log").wait_ready()
    srv.corpus = corpus
    yield srv
    srv.stop()
    assert "Traceback" not in srv.output(), srv.output()[-3000:]


@pytest.fixture
def requests_seen() -> list[str]:
    return []


@pytest.fixture
def page(browser, server, requests_seen):
    """A fresh visitor (own session) with the page loaded; every request it makes is recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 950}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.on("request", lambda r: requests_seen.append(r.url))
    pg.goto(server.url)
    pg.wait_for_selector("#rag-input textarea")
    yield pg
    context.close()


def replies(page):
    return page.locator("#rag-chat .rag-reply.rag-done")


def ask(page, text: str):
    """Type a message, send it, and return the locator of the completed reply."""
    before = replies(page).count()
    page.fill("#rag-input textarea", text)
    page.click("#rag-send")
    page.wait_for_function(
        "n => document.querySelectorAll('#rag-chat .rag-reply.rag-done').length > n", arg=before
    )
    return replies(page).nth(before)


def visible_in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 80) <= view["height"]


def test_cited_answers_in_simplified_traditional_and_english(page):
    from rag.lang.script import script_of

    for script, question, article_id in QUESTIONS:
        reply = ask(page, question)
        assert "rag-answer" in reply.get_attribute("class"), reply.inner_text()
        assert reply.locator("a.rag-cite").count() >= 1
        text = reply.inner_text()
        assert script_of(text.split("\n")[0]) == script or script == "en", text
        # The newest sources section is the open one; its first card is this answer's first citation.
        card = page.locator("#rag-sources .rag-turn").first.locator(".rag-source").first
        assert card.get_attribute("data-article") == article_id
        assert card.locator("mark").first.inner_text().strip()
    shot(page, "chat-answer.png", docs=True)


def click_citation(page, chip):
    """Click an [n] chip; return the <mark> it points to once shown and flashed."""
    target = chip.get_attribute("href").lstrip("#")
    chip.click()
    mark = page.locator(f"#{target}")  # the cited sentence, highlighted inside its paragraph's card
    mark.wait_for(state="visible")
    page.wait_for_function(
        "id => { const m = document.getElementById(id); return m.classList.contains('rag-flash')"
        " && m.closest('.rag-source').classList.contains('rag-flash'); }",
        arg=target,
    )
    return mark


def test_clicking_a_citation_shows_its_highlighted_source(page):
    first = ask(page, "Who is the Party secretary of Shima town?")
    reply = ask(page, "渠岸镇党委书记是谁？")
    page.click("#rag-tab-articles-button")  # the sources panel is now hidden behind another tab
    mark = click_citation(page, reply.locator("a.rag-cite").first)
    assert mark.evaluate("el => el.tagName") == "MARK" and visible_in_viewport(page, mark)
    card = page.locator(".rag-source", has=mark)
    assert mark.inner_text().strip() and mark.inner_text().strip() in card.locator(".rag-para").inner_text()
    assert "¶" in card.locator(".rag-meta").inner_text()
    assert len(page.context.pages) == 1 and "#" not in page.url  # no navigation, no new tab
    shot(page, "sources.png", docs=True)
    # A citation of an earlier turn unfolds that turn's sources.
    old = click_citation(page, first.locator("a.rag-cite").first)
    assert visible_in_viewport(page, old)
    assert old.evaluate("el => el.closest('details').open") is True


def test_summary_from_the_chat_and_from_the_shelf(page, seed_engine):
    reply = ask(page, "总结一下渠岸镇镇村干部大会那篇文章")
    assert "rag-summary" in reply.get_attribute("class"), reply.inner_text()
    assert reply.locator("a.rag-cite").count() >= 1

    page.click("#rag-tab-articles-button")
    title = seed_engine.articles["002_e44c29edbf155723"].title
    page.locator("#rag-shelf [role=gridcell]", has_text=title).first.click()
    article = page.locator("#rag-article .rag-article")
    article.wait_for()
    assert article.get_attribute("data-article") == "002_e44c29edbf155723"
    assert article.locator(".rag-pn").first.inner_text().strip() == "¶1"
    before = replies(page).count()
    page.click("#rag-summarize")
    page.wait_for_function("n => document.querySelectorAll('#rag-chat .rag-reply.rag-done').length > n", arg=before)
    summary = replies(page).nth(before)
    assert "rag-summary" in summary.get_attribute("class") and title in summary.inner_text()
    cards = page.locator("#rag-sources .rag-turn").first.locator(".rag-source")
    assert cards.count() >= 1 and cards.first.get_attribute("data-article") == "002_e44c29edbf155723"
    page.click("#rag-tab-articles-button")
    shot(page, "shelf-summary.png", docs=True)


def test_upload_a_new_article_then_ask_about_it(page, server, tmp_path):
    new = tmp_path / "qinghe_lotus.txt"
    new.write_text(NEW_ARTICLE, encoding="utf-8")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(bytes(range(256)) * 8)  # binary noise with a text name
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4\n")
    page.click("#rag-tab-upload-button")
    page.set_input_files("#rag-files input[type=file]", [str(new), str(broken), str(slides)])
    page.locator("#rag-files", has_text="slides").wait_for()  # the name shows as "slides" + ".pdf"
    page.click("#rag-add")
    page.locator("#rag-upload-status .rag-ok").wait_for()  # (each file's state shows while it is indexed)
    status = page.locator("#rag-upload-status .rag-report")
    text = status.inner_text()
    assert "Added 1 article" in text and "青禾镇举办第三届荷花文化节" in text, text
    assert "broken.txt" in text and "slides.pdf" in text and "unsupported file type .pdf" in text
    assert "Traceback" not in text
    # Uploads land in the served app's data folder (beside its index), never in a corpus folder.
    uploads = server.corpus.parent / "articles"
    assert (uploads / new.name).exists() and not (server.corpus / new.name).exists()
    assert not (ROOT / "corpus" / new.name).exists()

    reply = ask(page, "青禾镇荷花文化节吸引了多少游客？")
    assert "rag-answer" in reply.get_attribute("class"), reply.inner_text()
    assert "两万三千" in reply.inner_text()
    card = page.locator("#rag-sources .rag-turn").first.locator(".rag-source").first
    assert "青禾镇" in card.inner_text()
    page.click("#rag-tab-upload-button")
    shot(page, "upload.png", docs=True)  # the upload's report beside the answer that cites it
    page.click("#rag-tab-articles-button")
    assert page.locator("#rag-shelf [role=gridcell]", has_text="青禾镇举办第三届荷花文化节").count() == 1


def long_article(paragraphs: int = 60) -> str:
    """A made-up article long enough that indexing it takes several seconds (the load benchmark's)."""
    from bench.bench_load import new_article

    return new_article(paragraphs)


def test_another_user_is_answered_while_an_upload_is_indexed(browser, server, tmp_path):
    """Uploads are serialised apart from the chat, and a snapshot swap means no half-built index."""
    big = tmp_path / "changhe_water.txt"
    big.write_text(long_article(), encoding="utf-8")
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        pg = context.new_page()
        pg.set_default_timeout(WAIT_MS * 3)
        pg.goto(server.url)
        pg.wait_for_selector("#rag-input textarea")
        pages.append(pg)
    uploader, asker = pages
    uploader.click("#rag-tab-upload-button")
    uploader.set_input_files("#rag-files input[type=file]", [str(big)])
    uploader.locator("#rag-files", has_text="changhe_water").wait_for()
    uploader.click("#rag-add")
    uploader.get_by_text("embedding").first.wait_for()  # indexing is under way
    reply = ask(asker, "渠岸镇党委书记是谁？")
    during = uploader.locator("#rag-upload-status .rag-ok").count() == 0
    assert "rag-answer" in reply.get_attribute("class") and reply.locator("a.rag-cite").count() >= 1
    uploader.locator("#rag-upload-status .rag-ok").wait_for()
    assert "长河县水利建设三年行动全面铺开" in uploader.locator("#rag-upload-status").inner_text()
    reply = ask(asker, "长河县三年内将投入多少水利资金？")
    assert "四点二亿" in reply.inner_text(), reply.inner_text()
    for pg in pages:
        pg.context.close()
    assert during, "the other user's answer only came after indexing finished"


def test_oversized_upload_is_a_message(page, tmp_path):
    big = tmp_path / "huge.txt"
    big.write_text("新闻。" * (UPLOAD_LIMIT_MB * 1024 * 1024 // 3 + 10), encoding="utf-8")
    page.click("#rag-tab-upload-button")
    page.set_input_files("#rag-files input[type=file]", [str(big)])
    toast = page.get_by_text("exceed the maximum allowed size")
    toast.wait_for()
    assert "huge.txt" in page.locator("body").inner_text()
    shot(page, "upload-error.png")


def field(page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def test_the_filter_bar_limits_the_answers_and_each_answer_says_so(page):
    field(page, "rag-since").fill("2023-06-01")
    field(page, "rag-until").fill("2023-06-30")
    reply = ask(page, "有哪些党建活动？")
    assert "rag-answer" in reply.get_attribute("class") and "Filtered: 2023年6月1日至6月30日" in reply.inner_text()
    cards = page.locator("#rag-sources .rag-turn").first.locator(".rag-source")
    cited = {cards.nth(i).get_attribute("data-article")[:3] for i in range(cards.count())}
    assert cited == {"000", "002"}  # June 2023's; 001 gives no year, 004 is February 2024's
    assert "2023-06" in cards.first.locator(".rag-meta").inner_text()  # every source says its date
    reply = ask(page, "渠岸镇党委书记是谁？")  # answered from 004 without the filter
    assert "rag-refusal" in reply.get_attribute("class") and "2023年6月1日至6月30日" in reply.inner_text()
    field(page, "rag-since").fill("2023-13-01")
    reply = ask(page, "有哪些党建活动？")
    assert "rag-error" in reply.get_attribute("class") and "not a date: '2023-13-01'" in reply.inner_text()
    field(page, "rag-since").fill("")
    field(page, "rag-until").fill("")
    outlets = page.locator("#rag-outlets input").first
    outlets.click()
    outlets.fill("大众日报")
    page.locator("[role=option]", has_text="大众日报").first.click()
    reply = ask(page, "青岛的党建")
    assert "Filtered: 大众日报" in reply.inner_text()
    cards = page.locator("#rag-sources .rag-turn").first.locator(".rag-source")
    assert {cards.nth(i).get_attribute("data-article")[:3] for i in range(cards.count())} == {"003"}
    assert "undated" in cards.first.locator(".rag-meta").inner_text()
    shot(page, "filters.png")


def test_what_a_range_reports_from_the_filter_bar_or_the_message(page):
    """Found in a newcomer's trial: 只看2024年的报道，讲了什么？ asked which article was meant, and the overview
    ignored the filter bar."""
    field(page, "rag-since").fill("2023-01-01")
    field(page, "rag-until").fill("2023-12-31")
    reply = ask(page, "这些文章讲了什么？")
    assert "rag-answer" in reply.get_attribute("class") and "Filtered: 2023年1月1日至12月31日" in reply.inner_text()
    cards = page.locator("#rag-sources .rag-turn").first.locator(".rag-source")
    assert {cards.nth(i).get_attribute("data-article")[:3] for i in range(cards.count())} == {"000", "002"}
    field(page, "rag-since").fill("")
    field(page, "rag-until").fill("")
    reply = ask(page, "只看2024年的报道，讲了什么？")
    assert "rag-summary" in reply.get_attribute("class"), reply.inner_text()
    assert "渠岸镇" in reply.inner_text() and "筛选：2024年1月1日至12月31日" in reply.inner_text()
    shot(page, "range-summary.png")


def test_small_talk_and_a_follow_up_after_the_filter_bar_changes_outlet(page):
    """Found in a second newcomer's trial: "hi" got a refusal; after a question under From 2024-01-01, setting the
    outlet to 荆楚网 and asking 谁致辞了？ answered from the 2024 article of another outlet, saying "Filtered: 荆楚网"."""
    reply = ask(page, "hi")
    text = reply.inner_text()
    assert "rag-clarification" in reply.get_attribute("class") and "articles on the shelf" in text, text  # (5, or 6 after the upload test)
    assert "\n· ask for a summary" in text  # one line per thing it can do
    field(page, "rag-since").fill("2024-01-01")
    assert "张晓敏" in ask(page, "会议由谁主持？").inner_text()
    field(page, "rag-since").fill("")
    outlets = page.locator("#rag-outlets input").first
    outlets.click()
    outlets.fill("荆楚网")
    page.locator("[role=option]", has_text="荆楚网").first.click()
    reply = ask(page, "谁致辞了？")
    assert "田志凯" in reply.inner_text() and "Filtered: 荆楚网" in reply.inner_text(), reply.inner_text()
    cards = page.locator("#rag-sources .rag-turn").first.locator(".rag-source")
    assert {cards.nth(i).get_attribute("data-article")[:3] for i in range(cards.count())} == {"002"}
    shot(page, "follow-up-new-outlet.png")


def test_shorter_and_more_detail_after_a_summary_and_a_timeline_of_everything(page):
    """Found in a third newcomer's trial: "shorter please" and "more detail" after "summarise article 2" were
    refused as questions, and "Put the events in chronological order" gave a timeline of “put”."""
    summary = ask(page, "summarise article 2")
    assert "rag-summary" in summary.get_attribute("class"), summary.inner_text()
    shorter = ask(page, "shorter please")
    text = shorter.inner_text()
    assert "rag-summary" in shorter.get_attribute("class") and "The summary's first sentence." in text, text
    assert "[2]" not in text and "成都市文化館" in text
    longer = ask(page, "more detail")
    assert "rag-summary" in longer.get_attribute("class") and "whole paragraphs" in longer.inner_text()
    assert len(longer.inner_text()) > len(summary.inner_text())
    timeline = ask(page, "Put the events in chronological order")
    text = timeline.inner_text()
    assert "Timeline of all" in text and "put" not in text.split("\n")[0].lower(), text
    shot(page, "shorter-and-timeline.png")


def test_refusal_looks_different_from_an_answer(page):
    answer = ask(page, "渠岸镇党委书记是谁？")
    refusal = ask(page, "小米集团回购了多少股份？")
    assert "rag-refusal" in refusal.get_attribute("class"), refusal.inner_text()
    assert "Not in the articles" in refusal.inner_text()
    style = "el => getComputedStyle(el).backgroundColor + '|' + getComputedStyle(el).borderLeftColor"
    assert refusal.evaluate(style) != answer.evaluate(style)
    assert "No sources for" in page.locator("#rag-sources .rag-turn").first.inner_text()
    shot(page, "refusal.png", docs=True)
    page.click("#rag-clear")  # a new conversation empties the chat and the sources
    # (a refusal's own section also has .rag-sources-empty: wait for the chat itself to empty)
    page.wait_for_function("() => document.querySelectorAll('#rag-chat .rag-reply').length === 0")
    page.locator("#rag-sources .rag-sources-empty").wait_for()
    assert replies(page).count() == 0


def test_article_text_is_escaped_and_the_page_fetches_nothing_from_the_internet(page, requests_seen):
    page.evaluate("window.__xss = 0")
    ask(page, "<img src=x onerror='window.__xss=1'><script>window.__xss=2</script>渠岸镇党委书记是谁？")
    assert page.evaluate("window.__xss") == 0
    assert page.locator("#rag-chat .rag-user", has_text="<script>").count() == 1
    outside = [u for u in requests_seen if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert requests_seen and outside == []


def test_the_shelf_shows_every_bundled_article_without_scrolling(page):
    page.click("#rag-tab-articles-button")
    table = page.locator("#rag-shelf")
    rows = page.locator("#rag-shelf [role=row]:has([role=gridcell])")
    rows.nth(4).wait_for()
    # (a fresh page shows the shelf as it is now: with the articles earlier tests of this module uploaded)
    n = int(re.search(r"of (\d+) stor", page.locator("#rag-shelf-counts").inner_text()).group(1))
    assert 5 <= n <= 10 and rows.count() == n
    box = table.bounding_box()
    last = rows.nth(n - 1).bounding_box()
    assert last["y"] + last["height"] <= box["y"] + box["height"] + 1  # the last row is in view, unscrolled
    assert f"Showing 1–{n} of {n} stories" in page.locator("#rag-shelf-counts").inner_text()
    page.fill("#rag-shelf-search input, #rag-shelf-search textarea", "青岛")
    page.wait_for_function("() => document.querySelectorAll('#rag-shelf [role=row] [role=gridcell]').length === 4")
    assert "1 matching story" in page.locator("#rag-shelf-counts").inner_text()


def test_gbk_txt_and_the_same_story_as_html_are_one_entry_with_progress_and_a_cited_answer(page, server, tmp_path):
    """The newcomer's path: a GBK .txt without a headline (a dateline instead) and the same story as .html."""
    from tests.stories import HTML, TXT

    txt = tmp_path / "jinxi.txt"
    txt.write_bytes(TXT.encode("gbk"))
    html_page = tmp_path / "jinxi_page.html"
    html_page.write_text(HTML, encoding="utf-8")
    long = tmp_path / "changhe_long.txt"  # enough passages for the bar to be seen moving
    long.write_text(long_article(40), encoding="utf-8")
    page.click("#rag-tab-upload-button")
    page.set_input_files("#rag-files input[type=file]", [str(txt), str(html_page), str(long)])
    page.locator("#rag-files", has_text="jinxi_page").wait_for()
    page.click("#rag-add")
    seen = []
    done = page.locator("#rag-upload-status .rag-ok")
    going = page.locator("#rag-upload-status .rag-progress")
    for _ in range(1200):  # each file's state shown while it is indexed, every 0.1 s, until none is in progress
        if done.count() and not going.count():
            break
        seen.append(page.locator("#rag-tab-upload").inner_text())
        page.wait_for_timeout(100)
    done.wait_for()
    status = page.locator("#rag-upload-status .rag-report")
    percents = {float(p) for text in seen for p in re.findall(r"(\d+(?:\.\d+)?)\s*%", text)}
    assert any(0 < p < 100 for p in percents), seen[-5:]
    assert any("checking" in text for text in seen) or any("embedding" in text for text in seen), seen[-5:]
    report = status.inner_text()
    assert "Added 2 articles" in report and "already on the shelf" in report, report
    page.click("#rag-tab-articles-button")
    page.fill("#rag-shelf-search input, #rag-shelf-search textarea", "锦溪")
    page.wait_for_function("() => document.querySelectorAll('#rag-shelf [role=row] [role=gridcell]').length === 4")
    row = page.locator("#rag-shelf [role=row]:has([role=gridcell])").first.inner_text()
    assert "锦溪县三座新建水厂同时投入运行" in row and "新华社" in row and "07-27 (year not given)" in row
    assert "新华社成都" not in row  # the dateline is no title
    reply = ask(page, "锦溪县三座水厂日供水能力合计多少？")
    assert "rag-answer" in reply.get_attribute("class") and "四万二千吨" in reply.inner_text(), reply.inner_text()
    card = page.locator("#rag-sources .rag-turn").first.locator(".rag-source").first
    assert card.get_attribute("data-article") == "jinxi" and "新华社" in card.inner_text()
    # the conversation as a cited brief
    with page.expect_download() as download:
        page.click("#rag-download-md")
    brief = Path(download.value.path()).read_text(encoding="utf-8")
    assert "锦溪县三座水厂日供水能力合计多少" in brief and "新华社" in brief and "¶" in brief
    shot(page, "upload-dedupe.png")
