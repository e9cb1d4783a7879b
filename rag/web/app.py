"""The web chat: a Gradio app over one shared `Engine`.

Layout: the chat on the left; on the right, tabs for the sources of the answers, the article shelf,
uploads and settings. `ChatApp` holds the event handlers (they render with rag.web.render); `build_app`
wires them to the page. rag.web.server launches it.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Iterable, Sequence

import gradio as gr

from rag.answering.question import QuestionError
from rag.chat import Conversation
from rag.config import Config
from rag.engine import Engine
from rag.records import Filter
from rag.scope.filters import FilterError
from rag.web.api import ApiEndpoints
from rag.shelf import ALL_OUTLETS, SORTS, ShelfQuery, query_shelf
from rag.web.brief import brief_html, brief_markdown, transcript_entry
from rag.web.render import (
    SHELF_HEADERS,
    outlet_choices,
    render_article,
    render_draft,
    render_error,
    indexing_line,
    render_upload_states,
    render_reply,
    render_sources,
    render_sources_panel,
    render_user,
    reply_citations,
    reply_text,
    settings_markdown,
    shelf_choices,
    shelf_counts,
    shelf_rows,
    stream_prefixes,
)

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
# Requests Gradio lets in at once. They mostly wait: the engine's lanes (rag.workload) bound the work, quick
# answers apart from expensive ones, so a few heavy requests never hold every slot.
CHAT_CONCURRENCY = 32
# Upload handlers at once: each places its files and then only watches the background ingest.
UPLOAD_CONCURRENCY = 8
UPLOAD_POLL_SECONDS = 0.5

# Example questions for the bundled corpus, shown when its articles are loaded; one per script, and a
# summary request. Any other corpus gets the generic examples below.
BUNDLED_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("简体", "石马镇和小枧镇开展的是什么行动？"),
    ("繁體", "渠岸鎮2024年要做好多少件為民辦實事？"),
    ("English", "Which library hosted the Qingshan district meeting?"),
    ("摘要", "总结一下渠岸镇镇村干部大会那篇文章"),
)
BUNDLED_IDS = frozenset({"000_049c7ef42d054db3", "002_e44c29edbf155723", "004_7e177a0353be72cf"})
GENERIC_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("简体", "这些文章主要讲了什么？"),
    ("繁體", "這些文章提到了哪些會議？"),
    ("English", "What are these articles about?"),
)

CAPABILITIES = (
    "Ask about the articles on the shelf in 简体中文, 繁體中文 or English: answers quote them and cite "
    "article, paragraph and sentence; click a [n] to see the source. Ask “summarize …” for a cited "
    "summary. **It only knows these articles**: it says so rather than guess, and it does not browse "
    "the web or remember anything between visits."
)


def examples_for(article_ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The bundled corpus's example questions when it is loaded, generic ones otherwise."""
    return BUNDLED_EXAMPLES if BUNDLED_IDS <= set(article_ids) else GENERIC_EXAMPLES


def _user_bubble(text: str) -> dict:
    return {"role": "user", "content": render_user(text)}


def _bot_bubble(content: str) -> dict:
    return {"role": "assistant", "content": content}


class ChatApp:
    """Event handlers over one shared engine; per-user state lives in gr.State values."""

    def __init__(self, engine: Engine, max_upload_mb: int, upload_root: Path | None = None):
        self.engine = engine
        self.api = ApiEndpoints(engine)  # /ask, /summarize, /articles, /status
        self.max_upload_mb = max_upload_mb
        # Where the web server puts uploads: a path from the page outside it is refused (Gradio checks this
        # too; this keeps it true whatever Gradio does). None: any path (the command line, unit tests).
        self.upload_root = Path(upload_root).resolve() if upload_root else None

    # -- chat --
    def chat(self, message: str, history: list, conversation: Conversation | None, sections: list, k: int | None,
             transcript: list | None = None, since: str | None = None, until: str | None = None,
             outlets: Sequence[str] | None = None):
        """Stream one reply into the chat, within the filter bar's dates and outlets; the sources panel is
        filled when the reply is complete.

        Yields (textbox, history, conversation, sections, sources panel, transcript); the transcript (what was
        asked and each reply's JSON) is what "Download this conversation" is made from."""
        message = (message or "").strip()
        if not message:
            yield "", history or [], conversation, sections or [], render_sources_panel(sections or []), transcript or []
            return
        try:
            chosen = self.api.filter_of(since, until, outlets, ("From", "To", "Outlets"))
        except FilterError as exc:  # a date the user mistyped: said in the chat, nothing is asked
            history = list(history or []) + [_user_bubble(message), _bot_bubble(render_error(str(exc)))]
            sections = list(sections or []) + [""]
            yield message, history, conversation, sections, render_sources_panel(sections), transcript or []
            return
        yield from self._turn(message, message, history, conversation, sections, k, transcript, chosen)

    def summarize_to_chat(self, article_id: str | None, history: list, conversation: Conversation | None, sections: list,
                          k: int | None, transcript: list | None = None):
        """The shelf's Summarize: the article's cited summary goes into the chat, as if asked there.

        It goes through the chat's own routing (`/summarize ID`), so "this article" follow-ups work."""
        article = self.engine.articles.get(article_id or "")
        if article is None:
            history = list(history or []) + [_bot_bubble(render_error("Pick an article on the shelf first."))]
            yield history, conversation, sections or [], render_sources_panel(sections or []), transcript or []
            return
        shown = f"Summarize “{article.title}”"
        for _box, *rest in self._turn(f"/summarize {article.id}", shown, history, conversation, sections, k, transcript):
            yield tuple(rest)

    def _carried(self, reply) -> dict[str, tuple[str, ...]]:
        """The other outlets that carried each cited article's story."""
        cited = {c.article_id for c in reply_citations(reply)}
        return {e.article.id: e.also_carried_by for e in self.engine.shelf if e.article.id in cited and e.also_carried_by}

    def _turn(self, message: str, shown: str, history: list, conversation: Conversation | None, sections: list,
              k: int | None, transcript: list | None = None, chosen: Filter = Filter()):
        """One exchange: yields (textbox, history, conversation, sections, sources panel, transcript) as it streams."""
        history = list(history or [])
        sections = list(sections or [])
        transcript = list(transcript or [])
        history.append(_user_bubble(shown))
        yield "", history, conversation, sections, render_sources_panel(sections), transcript
        turn = len(sections) + 1
        drafting = False  # a model's draft is on show (it streams tokens; the verified reply replaces it)
        try:
            for item in self.engine.respond_stream(message, conversation, k=int(k) if k else None, filter=chosen):
                if not isinstance(item, str):
                    reply, conversation = item
                    continue
                if drafting:
                    history[-1] = _bot_bubble(render_draft(item))
                else:
                    history.append(_bot_bubble(render_draft(item)))
                    drafting = True
                yield "", history, conversation, sections, render_sources_panel(sections), transcript
        except QuestionError as exc:  # the user's to fix (too long ...): the message says how, no traceback
            log.info("refused: %s", exc)
            if drafting:
                history.pop()
            history.append(_bot_bubble(render_error(str(exc))))
            sections.append("")
            yield "", history, conversation, sections, render_sources_panel(sections), transcript
            return
        except Exception as exc:  # noqa: BLE001 - shown as a message; the traceback goes to the log
            log.exception("chat failed")
            if drafting:
                history.pop()
            history.append(_bot_bubble(render_error(f"Could not answer: {exc}")))
            sections.append("")
            yield "", history, conversation, sections, render_sources_panel(sections), transcript
            return
        if drafting:
            history.pop()
        history.append(_bot_bubble(""))
        for prefix in stream_prefixes(reply_text(reply)):
            history[-1] = _bot_bubble(render_reply(reply, turn, prefix))
            yield "", history, conversation, sections, render_sources_panel(sections), transcript
        carried = self._carried(reply)
        history[-1] = _bot_bubble(render_reply(reply, turn, carried=carried))
        sections.append(render_sources(reply, turn, shown, self.engine.articles, carried))
        transcript.append(transcript_entry(shown, reply, carried))
        yield "", history, conversation, sections, render_sources_panel(sections), transcript

    # -- shelf --
    def shelf_view(self, text: str = "", outlet: str | None = ALL_OUTLETS, sort: str | None = "shelf",
                   page: float | None = 1):
        """One page of the shelf (rag.shelf): table, counts, outlet filter, page number, article picker."""
        view = query_shelf(self.engine.shelf, ShelfQuery(text or "", outlet or ALL_OUTLETS, sort or "shelf",
                                                         int(page or 1)))
        return (
            gr.update(value=shelf_rows(view.entries)),
            shelf_counts(view),
            gr.update(choices=outlet_choices(view), value=outlet or ALL_OUTLETS),
            view.page,
            gr.update(choices=shelf_choices(view.entries)),
        )

    def shelf_first_page(self, text: str, outlet: str | None, sort: str | None):
        """A new search, outlet or order starts at page 1."""
        return self.shelf_view(text, outlet, sort, 1)

    def shelf_step(self, step: int):
        def turn(text: str, outlet: str | None, sort: str | None, page: float | None):
            return self.shelf_view(text, outlet, sort, int(page or 1) + step)

        return turn

    def settings(self) -> str:
        return settings_markdown(self.engine.config, len(self.engine.articles), self.indexing_line())

    def indexing_line(self) -> str:
        return indexing_line(self.engine.ingest_status())

    def page_state(self):
        """What a freshly loaded page shows: the shelf, the settings, the background ingest and the filter bar's
        outlets as they are now (not as they were when the server started)."""
        from rag.indexer import FileState

        jobs = [FileState(j["name"], j["state"], j["done"], j["total"], articles=j["articles"], reason=j["reason"])
                for j in self.engine.ingest_status()["jobs"] if j["state"] in ("queued", "embedding", "saving")]
        return (*self.shelf_view(), self.settings(), render_upload_states(jobs, self.engine.articles) if jobs else "",
                gr.update(choices=self.api.filter_outlets()))

    def open_article(self, article_id: str | None):
        return render_article(self.engine.articles.get(article_id or ""))

    def pick_row(self, evt: gr.SelectData):
        """A click on a shelf row opens that article (its first cell is its shelf number)."""
        row = evt.row_value or []
        shelf = self.engine.shelf
        try:
            number = int(row[0])
        except (IndexError, TypeError, ValueError):
            return gr.update()
        return gr.update(value=shelf[number - 1].article.id) if 1 <= number <= len(shelf) else gr.update()

    # -- download --
    def download(self, transcript: list | None):
        """The conversation as a cited brief: a Markdown file and a self-contained HTML file to download."""
        transcript = transcript or []
        if not transcript:
            return gr.update(value=None, visible=False), gr.update(value=None, visible=False)
        folder = Path(tempfile.mkdtemp(prefix="rag-brief-"))
        md, page = folder / "conversation.md", folder / "conversation.html"
        md.write_text(brief_markdown(transcript), encoding="utf-8")
        page.write_text(brief_html(transcript), encoding="utf-8")
        return gr.update(value=str(md), visible=True), gr.update(value=str(page), visible=True)

    # -- uploads --
    def check_uploads(self, paths: Sequence[str]) -> tuple[list[Path], list[tuple[str, str]]]:
        """Split uploads into files to ingest and (name, reason) problems found before reading them."""
        ok: list[Path] = []
        problems: list[tuple[str, str]] = []
        limit = self.max_upload_mb * 1024 * 1024
        for raw in paths:
            path = Path(raw)
            if self.upload_root and not path.resolve().is_relative_to(self.upload_root):
                problems.append((path.name, "not an uploaded file"))
            elif path.suffix.lower() not in UPLOAD_SUFFIXES:
                problems.append((path.name, f"unsupported file type {path.suffix or '(none)'}; use {', '.join(UPLOAD_SUFFIXES)}"))
            elif not path.is_file():
                problems.append((path.name, "the upload did not arrive; try again"))
            elif path.stat().st_size > limit:
                problems.append((path.name, f"{path.stat().st_size / 1048576:.1f} MB is over the {self.max_upload_mb} MB limit"))
            elif path.stat().st_size == 0:
                problems.append((path.name, "empty file"))
            else:
                ok.append(path)
        return ok, problems

    def upload_stream(self, files: Sequence[str] | None, text: str = "", outlet: str | None = ALL_OUTLETS,
                      sort: str | None = "shelf", page: float | None = 1):
        """Store uploads and follow them through the background ingest: yields (report, the shelf's outputs,
        settings) as each file goes from queued to embedding x/y to done, skipped or failed; the shelf (the same
        search, outlet, order and page) is sent again whenever the articles changed.

        `files`: the paths Gradio stored the uploads at (its File component gives paths, as str)."""
        from rag.indexer import FileState

        paths = [str(f) for f in (files or [])]
        if not paths:
            yield render_error("Choose one or more .txt, .md, .html or .jsonl files first."), *self.shelf_view(text, outlet, sort, page), self.settings()
            return
        accepted, problems = self.check_uploads(paths)
        states = [FileState(name, "skipped", reason=reason) for name, reason in problems]
        try:
            states += self.engine.submit_files(accepted)
        except Exception as exc:  # noqa: BLE001 - a message in the page, the traceback in the log
            log.exception("upload failed")
            states.append(FileState(", ".join(p.name for p in accepted), "failed", reason=f"could not be stored: {exc}"))
        finally:
            for path in accepted:  # stored in the uploads folder (or refused): the upload route's copy can go
                path.unlink(missing_ok=True)
        shown = None
        unchanged = (gr.update(),) * 5
        while True:
            articles = self.engine.articles
            shelf = self.shelf_view(text, outlet, sort, page) if articles is not shown else unchanged
            shown = articles
            finished = all(s.finished for s in states)
            yield render_upload_states(states, articles), *shelf, self.settings()
            if finished:
                return
            time.sleep(UPLOAD_POLL_SECONDS)

    def upload(self, files: Sequence[str] | None, text: str = "", outlet: str | None = ALL_OUTLETS,
               sort: str | None = "shelf", page: float | None = 1):
        """`upload_stream` to the end: the final (report, the shelf's outputs, settings)."""
        *_, last = self.upload_stream(files, text, outlet, sort, page)
        return (last[0], *self.shelf_view(text, outlet, sort, page), self.settings())

    def api_status(self) -> dict:
        """The background ingest: articles answerable now, each recent upload's state, the request lanes."""
        return self.engine.ingest_status()


def _constant(value: str):
    def fill() -> str:
        return value

    return fill


def build_app(engine: Engine, max_upload_mb: int | None = None, delete_cache: tuple[int, int] | None = None) -> gr.Blocks:
    """The chat page over `engine` (launch it with `launch_options()`); `delete_cache`: Gradio's (every, age) in
    seconds for deleting its copies of uploads."""
    config: Config = engine.config
    from gradio.utils import get_upload_folder

    ui = ChatApp(engine, max_upload_mb or config.max_upload_mb, upload_root=Path(get_upload_folder()))
    articles = list(engine.articles.values())
    first = query_shelf(engine.shelf)
    private = {"api_visibility": "private"}
    with gr.Blocks(title="News chat · 新闻问答", analytics_enabled=False, fill_width=True, delete_cache=delete_cache) as app:
        conversation = gr.State(None)
        sections = gr.State([])
        transcript = gr.State([])
        with gr.Column(elem_id="rag-header"):
            gr.Markdown(f"# News chat · 新闻问答\n{CAPABILITIES}", elem_id="rag-capabilities")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=380):
                with gr.Row(elem_id="rag-filters"):
                    since = gr.Textbox(label="From", placeholder="2023-06-01", max_lines=1, scale=2, min_width=120,
                                       elem_id="rag-since")
                    until = gr.Textbox(label="To", placeholder="2023-06-30", max_lines=1, scale=2, min_width=120,
                                       elem_id="rag-until")
                    outlets = gr.Dropdown(choices=ui.api.filter_outlets(), value=[], multiselect=True, label="Outlets",
                                          scale=3, min_width=160, elem_id="rag-outlets")
                chatbot = gr.Chatbot(
                    elem_id="rag-chat",
                    label="Chat",
                    show_label=False,
                    height=560,
                    buttons=[],
                    latex_delimiters=[],
                    feedback_options=None,
                    placeholder="Ask about the articles on the shelf (the Articles tab), or click an example below.",
                )
                with gr.Row():
                    box = gr.Textbox(
                        elem_id="rag-input",
                        show_label=False,
                        placeholder="Ask in 简体, 繁體 or English…  e.g. “summarize …” for a summary",
                        scale=6,
                        submit_btn=False,
                        lines=1,
                        max_lines=4,
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="rag-send")
                with gr.Row(elem_id="rag-examples"):
                    example_buttons = [
                        (gr.Button(f"{label}: {text}", size="sm", elem_classes=["rag-example"]), text)
                        for label, text in examples_for(engine.articles)
                    ]
                with gr.Row():
                    clear = gr.Button("New conversation", size="sm", variant="secondary", elem_id="rag-clear")
                    save_md = gr.DownloadButton("Download this conversation (Markdown)", size="sm", visible=False,
                                                elem_id="rag-download-md")
                    save_html = gr.DownloadButton("Download this conversation (HTML)", size="sm", visible=False,
                                                  elem_id="rag-download-html")
            with gr.Column(scale=4, min_width=340):
                with gr.Tabs(elem_id="rag-tabs") as tabs:
                    with gr.Tab("Sources", id="sources", elem_id="rag-tab-sources"):
                        sources = gr.HTML(render_sources_panel([]), elem_id="rag-sources", max_height=640)
                    with gr.Tab("Articles", id="articles", elem_id="rag-tab-articles"):
                        with gr.Row(equal_height=True):
                            shelf_search = gr.Textbox(
                                show_label=False, placeholder="Search titles, ids, outlets, places…", scale=3,
                                elem_id="rag-shelf-search", max_lines=1,
                            )
                            shelf_outlet = gr.Dropdown(
                                choices=outlet_choices(first), value=ALL_OUTLETS, show_label=False, scale=2,
                                elem_id="rag-shelf-outlet", filterable=True,
                            )
                            shelf_sort = gr.Dropdown(
                                choices=[(label, key) for key, label in SORTS.items()], value="shelf",
                                show_label=False, scale=2, elem_id="rag-shelf-sort",
                            )
                        shelf_info = gr.Markdown(shelf_counts(first), elem_id="rag-shelf-counts")
                        table = gr.Dataframe(
                            value=shelf_rows(first.entries),
                            headers=SHELF_HEADERS,
                            interactive=False,
                            elem_id="rag-shelf",
                            max_height=720,
                            wrap=True,
                            column_widths=["8%", "54%", "16%", "22%"],
                            datatype=["number", "str", "str", "str"],
                        )
                        with gr.Row(equal_height=True):
                            shelf_prev = gr.Button("◀ Previous", size="sm", elem_id="rag-shelf-prev", scale=1)
                            shelf_page = gr.Number(value=1, precision=0, minimum=1, show_label=False,
                                                   elem_id="rag-shelf-page", scale=1, min_width=80)
                            shelf_next = gr.Button("Next ▶", size="sm", elem_id="rag-shelf-next", scale=1)
                        gr.Markdown("`#` is the shelf number: “总结第3篇” and `/summarize #3` mean #3 here.",
                                    elem_id="rag-shelf-help")
                        with gr.Row():
                            pick = gr.Dropdown(
                                choices=shelf_choices(first.entries), value=None, label="Open article",
                                elem_id="rag-pick", scale=4,
                            )
                            summarize = gr.Button("Summarize", variant="primary", scale=1, elem_id="rag-summarize")
                        article_view = gr.HTML(render_article(None), elem_id="rag-article", max_height=420)
                    with gr.Tab("Add articles", id="upload", elem_id="rag-tab-upload"):
                        gr.Markdown(
                            f"Upload .txt, .md, .html or .jsonl files (at most {ui.max_upload_mb} MB each). "
                            "They are cleaned, indexed and answerable right after; anything skipped is listed with the reason."
                        )
                        files = gr.File(file_count="multiple", label="Files", elem_id="rag-files")
                        add = gr.Button("Add to the index", variant="primary", elem_id="rag-add")
                        upload_status = gr.HTML("", elem_id="rag-upload-status", min_height=90)
                    with gr.Tab("Settings", id="settings", elem_id="rag-tab-settings"):
                        settings = gr.Markdown(settings_markdown(config, len(articles), ui.indexing_line()),
                                               elem_id="rag-settings")
                        k = gr.Slider(1, 20, value=config.k, step=1, label="Sources to use per answer (k)", elem_id="rag-k")

        # The API first, so its endpoints own the plain names; the page's events are private.
        gr.api(ui.api.ask, api_name="ask", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(ui.api.summarize, api_name="summarize", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(ui.api.articles, api_name="articles", queue=False)
        gr.api(ui.api.status, api_name="status", queue=False)
        chat_io = dict(
            inputs=[box, chatbot, conversation, sections, k, transcript, since, until, outlets],
            outputs=[box, chatbot, conversation, sections, sources, transcript],
            concurrency_limit=CHAT_CONCURRENCY,
            concurrency_id="chat",
            **private,
        )
        downloads = dict(fn=ui.download, inputs=transcript, outputs=[save_md, save_html], queue=False, **private)
        box.submit(ui.chat, **chat_io).then(**downloads)
        send.click(ui.chat, **chat_io).then(**downloads)
        for button, text in example_buttons:
            button.click(_constant(text), None, box, queue=False, **private).then(ui.chat, **chat_io).then(**downloads)

        def new_conversation():
            return [], None, [], render_sources_panel([]), [], gr.update(visible=False), gr.update(visible=False)

        reset = dict(outputs=[chatbot, conversation, sections, sources, transcript, save_md, save_html], queue=False,
                     **private)
        clear.click(new_conversation, None, **reset)
        chatbot.clear(new_conversation, None, **reset)  # the chat's own trash button
        table.select(ui.pick_row, None, pick, **private)
        pick.change(ui.open_article, pick, article_view, **private)
        summarize.click(
            ui.summarize_to_chat, [pick, chatbot, conversation, sections, k, transcript],
            [chatbot, conversation, sections, sources, transcript],
            concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat", **private,
        ).then(lambda: gr.Tabs(selected="sources"), None, tabs, queue=False, **private).then(**downloads)
        shelf_query = [shelf_search, shelf_outlet, shelf_sort]
        shelf_out = [table, shelf_info, shelf_outlet, shelf_page, pick]
        shelf_io = dict(outputs=shelf_out, queue=False, **private)
        shelf_search.change(ui.shelf_first_page, shelf_query, **shelf_io)
        shelf_outlet.input(ui.shelf_first_page, shelf_query, **shelf_io)
        shelf_sort.input(ui.shelf_first_page, shelf_query, **shelf_io)
        shelf_page.submit(ui.shelf_view, [*shelf_query, shelf_page], **shelf_io)
        shelf_prev.click(ui.shelf_step(-1), [*shelf_query, shelf_page], **shelf_io)
        shelf_next.click(ui.shelf_step(1), [*shelf_query, shelf_page], **shelf_io)
        add.click(
            ui.upload_stream, [files, *shelf_query, shelf_page], [upload_status, *shelf_out, settings], api_name="upload",
            concurrency_limit=UPLOAD_CONCURRENCY, concurrency_id="ingest", **private,
        ).then(lambda: gr.update(choices=ui.api.filter_outlets()), None, outlets, queue=False, **private)
        # A page loaded after uploads (or while an ingest runs) shows the shelf as it is now, not as it was
        # when the server started.
        app.load(ui.page_state, None, [*shelf_out, settings, upload_status, outlets], queue=False, **private)
    app.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return app
