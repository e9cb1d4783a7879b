"""The web chat: a Gradio app over one shared `Engine`.

Layout: the chat on the left; on the right, tabs for the sources of the answers, the article shelf,
uploads and settings. Everything shown that came from an article, an upload or a user is escaped
here with `html.escape`; Gradio's own sanitizer is a second line, not the first.

Rendering functions (`render_*`, `shelf_rows`, `stream_prefixes`) are pure and unit-tested without a
browser; `build_app` wires them to Gradio events; `serve` opens the engine and launches the server
with nothing reaching the network (no analytics, no share link, system fonts only).
"""

from __future__ import annotations

import html
import logging
import re
import sys
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlparse

import gradio as gr
from starlette.middleware import Middleware

from rag.answering.question import QuestionError, clean_question
from rag.records import Answer, Citation, ModelSummary, Reply, Summary, reply_kind
from rag.config import Config
from rag.web.guard import LoginPageGuard

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
CHAT_CONCURRENCY = 4  # answers are cheap (one query embedding + search); uploads are serialised apart

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

# System fonts only: Gradio's default theme would fetch web fonts; CJK fonts come from the OS.
FONTS = ["system-ui", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
MONO_FONTS = ["ui-monospace", "Noto Sans Mono", "DejaVu Sans Mono", "monospace"]

CSS = """
#rag-header h1 { margin: 0 0 .2em 0; font-size: 1.5em; }
#rag-header p { margin: 0; }
..rag-reply, .rag-user { line-height: 1.6; }
a.rag-cite { display: inline-block; padding: 0 .3em; margin: 0 .05em; border-radius: .5em;
  background: #dbeafe; color: #1d4ed8 !important; font-size: .85em; font-weight: 600;
  text-decoration: none !important; cursor: pointer; vertical-align: baseline; }
a.rag-cite:hover { background: #bfdbfe; }
.rag-chips { margin-top: .5em; font-size: .85em; color: #4b5563; }
.rag-chips a.rag-cite { margin-right: .2em; }
.rag-chip { display: block; margin: .15em 0; }
.rag-refusal { border-left: 4px solid #d97706; background: #fffbeb; padding: .4em .7em; border-radius: 4px; }
.rag-refusal .rag-badge { color: #b45309; }
.rag-error { border-left: 4px solid #dc2626; background: #fef2f2; padding: .4em .7em; border-radius: 4px;
  color: #991b1b; }
.rag-summary .rag-badge, .rag-answer .rag-badge { color: #1d4ed8; }
.rag-draft { color: #6b7280; font-style: italic; }
.rag-draft .rag-badge { color: #6b7280; font-style: normal; }
.rag-clarification { border-left: 4px solid #6b7280; padding: .2em .7em; }
.rag-badge { font-weight: 700; font-size: .85em; display: block; margin-bottom: .2em; }
.rag-note { display: block; font-size: .8em; color: #6b7280; margin-top: .4em; }
.rag-original { font-size: .85em; color: #4b5563; margin-top: .4em; }
.rag-sources-empty { color: #6b7280; }
.rag-turn { margin-bottom: .8em; }
.rag-turn > summary { cursor: pointer; font-weight: 600; color: #374151; }
.rag-turn-title { font-weight: 600; color: #374151; margin: .2em 0 .4em 0; }
.rag-source { border: 1px solid #e5e7eb; border-radius: 6px; padding: .5em .7em; margin: .4em 0;
  transition: box-shadow .3s, border-color .3s; scroll-margin: 1em; }
.rag-source.rag-flash { border-color: #2563eb; box-shadow: 0 0 0 3px #93c5fd; }
.rag-source-head { font-weight: 600; }
.rag-n { color: #1d4ed8; margin-right: .3em; }
.rag-meta { font-size: .85em; color: #6b7280; margin: .15em 0 .3em 0; }
.rag-para { margin: 0; padding: .3em .6em; border-left: 3px solid #e5e7eb; font-size: .95em; color: #374151; }
.rag-para mark { background: #fde68a; color: inherit; padding: 0 .1em; scroll-margin: 4em; }
.rag-para mark.rag-flash { background: #fbbf24; }
.rag-article h3 { margin: 0 0 .2em 0; }
.rag-article p { margin: .3em 0; }
.rag-pn { display: inline-block; min-width: 2.4em; color: #6b7280; font-size: .85em; }
#rag-shelf table, #rag-shelf td, #rag-shelf th { font-family: var(--font); }
.rag-report ul { margin: .2em 0 .2em 1.2em; }
.rag-ok { border-left: 4px solid #16a34a; background: #f0fdf4; padding: .4em .7em; border-radius: 4px; }
"""

# Citation clicks are handled here rather than by the browser: the chat is sanitized markdown whose
# links would open a new tab, and the source may sit in a hidden tab or a collapsed older turn.
HEAD = """
<script>
(function () {
  function showSource(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    if (el.offsetParent === null) {
      var btn = document.getElementById('rag-tab-sources-button');
      if (btn) btn.click();
    }
    setTimeout(function () {
      var target = document.getElementById(id);
      if (!target) return;
      var box = target.closest('details');
      if (box) box.open = true;
      target.scrollIntoView({block: 'center'});
      document.querySelectorAll('.rag-flash').forEach(function (x) { x.classList.remove('rag-flash'); });
      var card = target.closest('.rag-source') || target;
      card.classList.add('rag-flash');
      target.classList.add('rag-flash');
      setTimeout(function () { card.classList.remove('rag-flash'); target.classList.remove('rag-flash'); }, 2500);
    }, 60);
    return true;
  }
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest ? ev.target.closest('a[href^="#rag-src-"]') : null;
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    showSource(a.getAttribute('href').slice(1));
  }, true);
})();
</script>
"""

_MARKER = re.compile(r"\[(\d{1,3})\]")


# ---- rendering (pure) -----------------------------------------------------------------------------


def esc(text: Any) -> str:
    """HTML-escape anything shown in the page (quotes too: values land inside attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def _one_line(fragment: str) -> str:
    """Chat messages go through markdown: a blank line would end the raw-HTML block and let markdown
    reinterpret article text, so newlines become <br>."""
    return fragment.replace("\r\n", "\n").replace("\n", "<br>")


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are rendered; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    parsed = urlparse(str(url).strip())
    return str(url).strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def source_id(turn: int, n: int) -> str:
    """DOM id of citation n's highlighted sentence in the sources panel, for chat turn `turn`."""
    return f"rag-src-{turn}-{n}"


def cite_link(turn: int, n: int, title: str = "") -> str:
    tip = f' title="{esc(title)}"' if title else ""
    return f'<a class="rag-cite" href="#{source_id(turn, n)}"{tip}>[{n}]</a>'


def link_citations(text: str, turn: int, citations: Sequence[Any]) -> str:
    """Escape `text` and turn each `[n]` that names a citation into a chip linking to its source."""
    titles = {int(c.n): c.title for c in citations}
    out: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in titles:
            continue
        out.append(esc(text[pos : m.start()]))
        out.append(cite_link(turn, n, titles[n]))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def show_date(date: str | None) -> str | None:
    """ISO date or date-time as people read it: 2024-02-27 or 2024-02-27 16:56."""
    if not date:
        return None
    day, _, time = str(date).partition("T")
    return f"{day} {time[:5]}" if time else day


def _meta(c: Any) -> str:
    """'outlet · date' for a citation or article, skipping what is unknown."""
    return " · ".join(esc(x) for x in (getattr(c, "source", None), show_date(getattr(c, "date", None))) if x)


def _chips(citations: Sequence[Any], turn: int, lead: str = "") -> str:
    """Under a reply, one line per cited article: its [n] chips, title, outlet, date and paragraphs."""
    by_article: dict[str, list[Any]] = {}
    for c in citations:
        by_article.setdefault(c.article_id, []).append(c)
    lines = []
    for cites in by_article.values():
        first = cites[0]
        links = "".join(cite_link(turn, int(c.n), c.title) for c in cites)
        paragraphs = ", ".join(f"¶{esc(p)}" for p in dict.fromkeys(c.paragraph for c in cites))
        meta = _meta(first)
        lines.append(
            f'<span class="rag-chip">{links} {esc(first.title)}{f" ({meta})" if meta else ""} {paragraphs}</span>'
        )
    return f'<div class="rag-chips">{lead}{"".join(lines)}</div>' if lines else ""


def reply_text(reply: Reply) -> str:
    """The main text of any reply (what gets streamed)."""
    if isinstance(reply, Summary):
        return reply.summary
    if isinstance(reply, Answer):
        return reply.answer
    return reply.text


def reply_citations(reply: Reply) -> list[Citation]:
    """Citations shown as sources: the answer's or summary's own (a refusal and a clarification have none)."""
    return list(reply.citations) if isinstance(reply, (Answer, Summary)) else []


def render_reply(reply: Reply, turn: int, text: str | None = None) -> str:
    """The assistant's chat bubble; `text` is a streamed prefix of the reply's text when given.

    The complete bubble carries the class `rag-done` (chips and notes only appear then)."""
    kind = reply_kind(reply)
    full = reply_text(reply)
    partial = text is not None and text != full
    cites = reply_citations(reply)
    body = _one_line(link_citations(text if text is not None else full, turn, cites))
    if kind == "summary":
        head = f'<span class="rag-badge">Summary · {esc(reply.title)}</span>'
        tail = _chips(cites, turn) + _note(reply)
    elif kind == "refusal":
        head = '<span class="rag-badge">⚠ Not in the articles</span>'
        tail = _chips(cites, turn, lead="Closest passages (not an answer): ") + _note(reply)
    elif kind == "answer":
        head = ""
        tail = _chips(cites, turn) + _original(reply, turn) + _note(reply)
    else:
        head = ""
        items = "".join(f"<li>{esc(o)}</li>" for o in reply.options)
        tail = f"<ul>{items}</ul>" if items else ""
    done = "" if partial else " rag-done"
    return f'<div class="rag-reply rag-{kind}{done}">{head}{body}{"" if partial else tail}</div>'


def _original(reply: Answer, turn: int) -> str:
    original = reply.original
    if not original or original == reply.answer:
        return ""
    linked = _one_line(link_citations(original, turn, reply_citations(reply)))
    return f'<div class="rag-original">In the articles’ script: {linked}</div>'


def _note(reply: Answer | Summary) -> str:
    """The small print under a reply: the backend's note, which model wrote it, whether it was checked."""
    parts = [esc(reply.note)] if reply.note else []
    if reply.backend != "extractive":
        model = reply.model if isinstance(reply, (Answer, ModelSummary)) else None
        parts.append(esc(f"written by {reply.backend}: {model or ''}".rstrip(": ")))
        if isinstance(reply, Answer) and reply.verified:
            parts.append("each sentence checked against the source it cites")
    return f'<span class="rag-note">{" · ".join(parts)}</span>' if parts else ""


def render_error(message: str) -> str:
    """An error as a chat/page message: one line naming what was wrong, never a traceback."""
    return f'<div class="rag-reply rag-error rag-done"><span class="rag-badge">⛔ Error</span>{_one_line(esc(message))}</div>'


def render_draft(text: str) -> str:
    """A language model's answer while it is being written: shown as a draft (no citations yet, not final)
    until the verified answer replaces it."""
    badge = '<span class="rag-badge">✎ Draft: being checked against the sources</span>'
    return f'<div class="rag-reply rag-draft">{badge}<div class="rag-text">{_one_line(esc(text))}</div></div>'


def quote_span(paragraph: str, quote: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Where the quote sits in the paragraph: its offsets when they hold, else a search; None if absent."""
    if start is not None and end is not None and 0 <= start < end <= len(paragraph):
        if not quote or paragraph[start:end] == quote:
            return start, end
    a = paragraph.find(quote) if quote else -1
    return (a, a + len(quote)) if a >= 0 else None


def highlight(paragraph: str, marks: Sequence[tuple[Any, str, int | None, int | None]], turn: int) -> str:
    """The paragraph, escaped, with each cited sentence in a <mark> whose id the [n] chips link to.

    `marks`: (n, quote, start, end) per citation of this paragraph. A quote that is no longer in the
    paragraph (the article changed since) is shown after it, still marked."""
    placed: list[tuple[int, int, int]] = []
    missing: list[tuple[int, str]] = []
    for n, quote, start, end in marks:
        span = quote_span(paragraph, quote, start, end)
        if span is None or any(a < span[1] and span[0] < b for a, b, _ in placed):
            missing.append((int(n), quote))
        else:
            placed.append((span[0], span[1], int(n)))
    out, pos = [], 0
    for a, b, n in sorted(placed):
        out.append(f'{esc(paragraph[pos:a])}<mark id="{source_id(turn, n)}">{esc(paragraph[a:b])}</mark>')
        pos = b
    out.append(esc(paragraph[pos:]))
    for n, quote in missing:
        out.append(f'<br><mark id="{source_id(turn, n)}">{esc(quote)}</mark>')
    return "".join(out)


def render_source(cites: Sequence[Any], turn: int, articles: Mapping[str, Any]) -> str:
    """One card per cited paragraph: title, outlet, date, paragraph number, the cited sentences marked."""
    c = cites[0]
    article = articles.get(c.article_id)
    paragraph = ""
    if article is not None and 1 <= int(c.paragraph) <= len(article.paragraphs):
        paragraph = article.paragraph(int(c.paragraph))
    meta = [m for m in (_meta(c), f"¶{esc(c.paragraph)}") if m]
    url = safe_url(getattr(c, "url", None))
    if url:
        meta.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">original page</a>')
    numbers = "".join(f"[{esc(x.n)}]" for x in cites)
    marks = [(x.n, x.quote, getattr(x, "start", None), getattr(x, "end", None)) for x in cites]
    return (
        f'<div class="rag-source" data-article="{esc(c.article_id)}" data-paragraph="{esc(c.paragraph)}">'
        f'<div class="rag-source-head"><span class="rag-n">{numbers}</span>{esc(c.title)}</div>'
        f'<div class="rag-meta">{" · ".join(meta)}</div>'
        f'<blockquote class="rag-para">{highlight(paragraph, marks, turn)}</blockquote>'
        f"</div>"
    )


def render_sources(reply: Any, turn: int, asked: str, articles: Mapping[str, Any]) -> str:
    """The sources of one reply, as the body of one turn's section in the sources panel."""
    cites = reply_citations(reply)
    if not cites:
        if reply_kind(reply) != "refusal":
            return ""
        return (
            f'<div class="rag-turn-title">No sources for “{esc(asked)}”</div>'
            '<div class="rag-sources-empty">The articles do not answer it, so nothing is cited.</div>'
        )
    by_paragraph: dict[tuple[str, int], list[Any]] = {}
    for c in cites:  # citations of the same paragraph share one card
        by_paragraph.setdefault((c.article_id, int(c.paragraph)), []).append(c)
    label = "Closest passages for" if reply_kind(reply) == "refusal" else "Sources for"
    cards = "".join(render_source(group, turn, articles) for group in by_paragraph.values())
    return f'<div class="rag-turn-title">{label} “{esc(asked)}”</div>{cards}'


def render_sources_panel(sections: Sequence[str]) -> str:
    """Newest turn open at the top, older turns folded (a citation click unfolds its turn)."""
    filled = [(i, s) for i, s in enumerate(sections) if s]
    if not filled:
        return '<div class="rag-sources-empty">Sources of the answers appear here: each cited paragraph, with the quoted sentence highlighted.</div>'
    newest_i, newest = filled[-1]
    parts = [f'<div class="rag-turn" id="rag-turn-{newest_i + 1}">{newest}</div>']
    for i, section in reversed(filled[:-1]):
        parts.append(f'<details class="rag-turn" id="rag-turn-{i + 1}"><summary>Earlier: turn {i + 1}</summary>{section}</details>')
    return "".join(parts)


def render_article(article: Any | None) -> str:
    """The cleaned text of one article with paragraph numbers, as shown on the shelf."""
    if article is None:
        return '<div class="rag-sources-empty">Pick an article above (or click a row) to read its cleaned text.</div>'
    meta = [x for x in (_meta(article), getattr(article, "author", None) and esc(article.author)) if x]
    meta.append(f"{len(article.paragraphs)} paragraphs · {article.chars} characters")
    url = safe_url(getattr(article, "url", None))
    if url:
        meta.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">original page</a>')
    derived = ' <span class="rag-note">(title made from the lead)</span>' if getattr(article, "title_derived", False) else ""
    paras = "".join(
        f'<p id="rag-art-p{n}"><span class="rag-pn">¶{n}</span>{esc(p)}</p>' for n, p in enumerate(article.paragraphs, start=1)
    )
    return (
        f'<div class="rag-article" data-article="{esc(article.id)}"><h3>{esc(article.title)}{derived}</h3>'
        f'<div class="rag-meta">{" · ".join(meta)}</div>{paras}</div>'
    )


SHELF_HEADERS = ["Title", "Date", "Outlet", "Characters"]


def shelf_rows(articles: Iterable[Any]) -> list[list[Any]]:
    """One row per article for the shelf table (Gradio escapes table cells itself)."""
    return [[a.title, show_date(a.date) or "", a.source or "", a.chars] for a in articles]


def article_for_row(row: Sequence[Any], articles: Iterable[Any]) -> str | None:
    """The id of the article a clicked shelf row shows (rows are matched by value, so sorting is safe)."""
    wanted = [str(x) for x in row]
    for a in articles:
        if [str(x) for x in shelf_rows([a])[0]] == wanted:
            return a.id
    return None


def shelf_choices(articles: Iterable[Any]) -> list[tuple[str, str]]:
    return [(f"{a.title} · {a.date or 'no date'}", a.id) for a in articles]


def stream_prefixes(text: str, pieces: int = 12) -> Iterator[str]:
    """Growing prefixes of `text` ending on a whole citation marker or a sentence, the last one whole.

    The extractive backend answers at once; streaming its text anyway keeps one code path for a
    generating backend."""
    if not text:
        yield text
        return
    cuts = sorted({m.end() for m in re.finditer(r"\]|[。！？!?；;，,\s]", text)} | {len(text)})
    step = max(1, len(cuts) // pieces)
    chosen = cuts[step - 1 :: step]
    if chosen[-1] != len(text):
        chosen.append(len(text))
    for cut in chosen:
        yield text[:cut]


def render_ingest_report(report: Any | None, problems: Sequence[tuple[str, str]], articles: Mapping[str, Any]) -> str:
    """What an upload did: articles added/changed/removed, and every skipped file with its reason."""
    parts: list[str] = []
    if report is not None:
        for label, ids in (("Added", report.added), ("Updated", report.changed), ("Removed", report.removed)):
            ids = list(ids)
            if ids:
                names = "".join(f"<li>{esc(_title_of(i, articles))}</li>" for i in ids)
                parts.append(f"<div>{label} {len(ids)} article{'s' if len(ids) != 1 else ''}:<ul>{names}</ul></div>")
        problems = list(problems) + [(s.origin, s.reason) for s in report.skipped]
        if not parts:
            parts.append("<div>No new or changed articles.</div>")
    ok = ""
    if parts:
        ok = f'<div class="rag-ok"><span class="rag-badge">✓ Indexed: answerable now</span>{"".join(parts)}</div>'
    skipped = ""
    if problems:
        items = "".join(f"<li><b>{esc(Path(str(o)).name)}</b>: {esc(r)}</li>" for o, r in problems)
        skipped = f'<div class="rag-error"><span class="rag-badge">Skipped {len(problems)}</span><ul>{items}</ul></div>'
    return f'<div class="rag-report">{ok}{skipped}</div>'


def _title_of(item: Any, articles: Mapping[str, Any]) -> str:
    """Report entries may be ids or articles; show the title when we know it."""
    if not isinstance(item, str) and hasattr(item, "title"):
        return item.title
    article = articles.get(str(item))
    return f"{article.title} ({item})" if article is not None else str(item)


def settings_markdown(config: Config, articles: int) -> str:
    lines = [
        f"- **Embedder:** `{config.embedder}`" + (f" at `{config.embedder_url}`" if config.embedder_url else ""),
        f"- **Reranker:** `{config.reranker}`" if config.reranker else "- **Reranker:** none",
        f"- **Answer backend:** `{config.llm}`" + (f" at `{config.llm_url}`" if config.llm_url else "")
        + (" (quotes sentences from the articles; no language model)" if config.llm == "extractive" else ""),
        f"- **Articles:** {articles} · **index:** `{config.index_dir}` · **uploads go to:** `{config.corpus[0]}`",
        f"- **Largest upload:** {config.max_upload_mb} MB",
    ]
    return "\n".join(lines)


def examples_for(article_ids: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The bundled corpus's example questions when it is loaded, generic ones otherwise."""
    return BUNDLED_EXAMPLES if BUNDLED_IDS <= set(article_ids) else GENERIC_EXAMPLES


# ---- the app --------------------------------------------------------------------------------------


SHOWN_MESSAGE_CHARS = 600  # a pasted document is shown cut, with its length, not echoed whole


def _user_bubble(text: str) -> dict:
    if len(text) > SHOWN_MESSAGE_CHARS:
        text = f"{text[:SHOWN_MESSAGE_CHARS]}… ({len(text)} characters)"
    return {"role": "user", "content": f'<div class="rag-user">{_one_line(esc(text))}</div>'}


def _bot_bubble(content: str) -> dict:
    return {"role": "assistant", "content": content}


class ChatApp:
    """Event handlers over one shared engine; per-user state lives in gr.State values."""

    def __init__(self, engine: Any, max_upload_mb: int, upload_root: Path | None = None):
        self.engine = engine
        self.max_upload_mb = max_upload_mb
        # Where the web server puts uploads: a path from the page outside it is refused (Gradio checks this
        # too; this keeps it true whatever Gradio does). None: any path (the command line, unit tests).
        self.upload_root = Path(upload_root).resolve() if upload_root else None

    # -- chat --
    def chat(self, message: str, history: list, conversation: Any, sections: list, k: int | None):
        """Stream one reply into the chat; the sources panel is filled when the reply is complete."""
        message = (message or "").strip()
        if not message:
            yield "", history or [], conversation, sections or [], render_sources_panel(sections or [])
            return
        yield from self._turn(message, message, history, conversation, sections, k)

    def summarize_to_chat(self, article_id: str | None, history: list, conversation: Any, sections: list, k: int | None):
        """The shelf's Summarize: the article's cited summary goes into the chat, as if asked there.

        It goes through the chat's own routing (`/summarize ID`), so "this article" follow-ups work."""
        article = self.engine.articles.get(article_id or "")
        if article is None:
            history = list(history or []) + [_bot_bubble(render_error("Pick an article on the shelf first."))]
            yield history, conversation, sections or [], render_sources_panel(sections or [])
            return
        shown = f"Summarize “{article.title}”"
        for _box, *rest in self._turn(f"/summarize {article.id}", shown, history, conversation, sections, k):
            yield tuple(rest)

    def _turn(self, message: str, shown: str, history: list, conversation: Any, sections: list, k: int | None):
        """One exchange: yields (textbox, history, conversation, sections, sources panel) as it streams."""
        history = list(history or [])
        sections = list(sections or [])
        history.append(_user_bubble(shown))
        yield "", history, conversation, sections, render_sources_panel(sections)
        turn = len(sections) + 1
        drafting = False  # a model's draft is on show (it streams tokens; the verified reply replaces it)
        try:
            for item in self.engine.respond_stream(message, conversation, k=int(k) if k else None):
                if not isinstance(item, str):
                    reply, conversation = item
                    continue
                if drafting:
                    history[-1] = _bot_bubble(render_draft(item))
                else:
                    history.append(_bot_bubble(render_draft(item)))
                    drafting = True
                yield "", history, conversation, sections, render_sources_panel(sections)
        except QuestionError as exc:  # the user's to fix (too long ...): the message says how, no traceback
            if drafting:
                history.pop()
            history.append(_bot_bubble(render_error(str(exc))))
            sections.append("")
            yield "", history, conversation, sections, render_sources_panel(sections)
            return
        except Exception as exc:  # noqa: BLE001 - shown as a message; the traceback goes to the log
            log.exception("chat failed")
            if drafting:
                history.pop()
            history.append(_bot_bubble(render_error(f"Could not answer: {exc}")))
            sections.append("")
            yield "", history, conversation, sections, render_sources_panel(sections)
            return
        if drafting:
            history.pop()
        history.append(_bot_bubble(""))
        for prefix in stream_prefixes(reply_text(reply)):
            history[-1] = _bot_bubble(render_reply(reply, turn, prefix))
            yield "", history, conversation, sections, render_sources_panel(sections)
        history[-1] = _bot_bubble(render_reply(reply, turn))
        sections.append(render_sources(reply, turn, shown, self.engine.articles))
        yield "", history, conversation, sections, render_sources_panel(sections)

    # -- shelf --
    def shelf(self):
        """Fresh shelf table, article picker and settings (the article count) after an upload."""
        articles = list(self.engine.articles.values())
        return (
            gr.update(value=shelf_rows(articles)),
            gr.update(choices=shelf_choices(articles)),
            settings_markdown(self.engine.config, len(articles)),
        )

    def open_article(self, article_id: str | None):
        return render_article(self.engine.articles.get(article_id or ""))

    def pick_row(self, evt: gr.SelectData):
        """A click on a shelf row opens that article."""
        article_id = article_for_row(evt.row_value or [], self.engine.articles.values())
        return gr.update(value=article_id) if article_id else gr.update()

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

    def upload(self, files: Sequence[Any] | None, progress: gr.Progress = gr.Progress()):
        """Clean and index uploads under the engine's lock; report what was added and what was skipped."""
        paths = [getattr(f, "name", f) for f in (files or [])]
        if not paths:
            return render_error("Choose one or more .txt, .md, .html or .jsonl files first."), *self.shelf()
        accepted, problems = self.check_uploads(paths)
        report = None
        if accepted:
            progress(0, desc="Cleaning and indexing…")

            def on_progress(done: int, total: int, message: str = "indexing") -> None:
                if total:
                    progress((done, total), desc=message, unit="chunks")
                else:  # a phase without a count ("reading the previous index")
                    progress(0, desc=message)

            try:
                report = self.engine.add_files(accepted, progress=on_progress)
            except Exception as exc:  # noqa: BLE001 - a message in the page, the traceback in the log
                log.exception("upload failed")
                problems.append((", ".join(p.name for p in accepted), f"could not be indexed: {exc}"))
        return render_ingest_report(report, problems, self.engine.articles), *self.shelf()

    # -- API (same JSON objects as the CLI's --json) --
    def api_ask(self, question: str) -> dict:
        """A cited answer to one question: the `rag ask --json` object."""
        try:
            if not clean_question(question):
                raise gr.Error("question is empty")
            return self.engine.ask(question).to_json()
        except QuestionError as exc:  # too long, not text: the client gets the reason, not a traceback
            raise gr.Error(str(exc)) from None

    def api_summarize(self, article_id: str) -> dict:
        """The cited summary of one article (`rag summarize ID --json`); 'all' gives the overview."""
        article_id = (article_id or "").strip()
        if article_id in ("all", "--all"):
            return self.engine.overview().to_json()
        if article_id not in self.engine.articles:
            raise gr.Error(f"no article with id {article_id!r} (see the articles endpoint)")
        return self.engine.summarize(article_id).to_json()

    def api_articles(self) -> list[dict]:
        """Every article's row (`rag articles --json`)."""
        return [a.row() for a in self.engine.articles.values()]


def _constant(value: str):
    def fill() -> str:
        return value

    return fill


def build_app(engine: Any, max_upload_mb: int | None = None) -> gr.Blocks:
    """The chat page over `engine` (launch it with `launch_options()`)."""
    config: Config = engine.config
    from gradio.utils import get_upload_folder

    ui = ChatApp(engine, max_upload_mb or config.max_upload_mb, upload_root=Path(get_upload_folder()))
    articles = list(engine.articles.values())
    private = {"api_visibility": "private"}
    with gr.Blocks(title="News chat · 新闻问答", analytics_enabled=False, fill_width=True) as app:
        conversation = gr.State(None)
        sections = gr.State([])
        with gr.Column(elem_id="rag-header"):
            gr.Markdown(f"# News chat · 新闻问答\n{CAPABILITIES}", elem_id="rag-capabilities")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=380):
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
                clear = gr.Button("New conversation", size="sm", variant="secondary", elem_id="rag-clear")
            with gr.Column(scale=4, min_width=340):
                with gr.Tabs(elem_id="rag-tabs") as tabs:
                    with gr.Tab("Sources", id="sources", elem_id="rag-tab-sources"):
                        sources = gr.HTML(render_sources_panel([]), elem_id="rag-sources", max_height=640)
                    with gr.Tab("Articles", id="articles", elem_id="rag-tab-articles"):
                        table = gr.Dataframe(
                            value=shelf_rows(articles),
                            headers=SHELF_HEADERS,
                            interactive=False,
                            elem_id="rag-shelf",
                            max_height=300,
                            wrap=True,
                            column_widths=["52%", "18%", "18%", "12%"],
                            datatype=["str", "str", "str", "number"],
                            show_search="search",
                        )
                        with gr.Row():
                            pick = gr.Dropdown(
                                choices=shelf_choices(articles), value=None, label="Open article",
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
                        settings = gr.Markdown(settings_markdown(config, len(articles)), elem_id="rag-settings")
                        k = gr.Slider(1, 20, value=config.k, step=1, label="Sources to use per answer (k)", elem_id="rag-k")

        # The API first, so its endpoints own the plain names; the page's events are private.
        gr.api(ui.api_ask, api_name="ask", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(ui.api_summarize, api_name="summarize", concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat")
        gr.api(ui.api_articles, api_name="articles", queue=False)
        chat_io = dict(
            inputs=[box, chatbot, conversation, sections, k],
            outputs=[box, chatbot, conversation, sections, sources],
            concurrency_limit=CHAT_CONCURRENCY,
            concurrency_id="chat",
            **private,
        )
        box.submit(ui.chat, **chat_io)
        send.click(ui.chat, **chat_io)
        for button, text in example_buttons:
            button.click(_constant(text), None, box, queue=False, **private).then(ui.chat, **chat_io)
        def new_conversation():
            return [], None, [], render_sources_panel([])

        reset = dict(outputs=[chatbot, conversation, sections, sources], queue=False, **private)
        clear.click(new_conversation, None, **reset)
        chatbot.clear(new_conversation, None, **reset)  # the chat's own trash button
        table.select(ui.pick_row, None, pick, **private)
        pick.change(ui.open_article, pick, article_view, **private)
        summarize.click(
            ui.summarize_to_chat, [pick, chatbot, conversation, sections, k], [chatbot, conversation, sections, sources],
            concurrency_limit=CHAT_CONCURRENCY, concurrency_id="chat", **private,
        ).then(lambda: gr.Tabs(selected="sources"), None, tabs, queue=False, **private)
        add.click(
            ui.upload, files, [upload_status, table, pick, settings],
            concurrency_limit=1, concurrency_id="ingest", **private,
        )
    app.queue(default_concurrency_limit=CHAT_CONCURRENCY)
    return app


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts, so the page fetches no web fonts."""
    return gr.themes.Default(font=FONTS, font_mono=MONO_FONTS)


def launch_options(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    max_upload_mb: int = 20,
    share: bool = False,
) -> dict:
    """Keyword arguments for `Blocks.launch`: local only, no share link, no monitoring, no history."""
    return dict(
        server_name=host,
        server_port=port,
        auth=auth,
        share=share,
        max_file_size=f"{int(max_upload_mb)}mb",
        theme=theme(),
        css=CSS,
        head=HEAD,
        ssr_mode=False,
        enable_monitoring=False,
        run_history=False,
        footer_links=["api"],
        show_error=False,
        inbrowser=False,
        app_kwargs={"middleware": [Middleware(LoginPageGuard)]},
    )


def warm_up(engine: Any) -> None:
    """Answer one throwaway question so lazy loading happens before a user asks."""
    try:
        engine.ask("warm-up")
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first answer
        log.warning("warm-up failed", exc_info=True)


def serve(config: Config, share: bool = False) -> None:
    """Open the engine (building the index with progress when missing), then serve the chat until stopped.
    Where and how it listens comes from the config: host, port, auth, max_upload_mb."""
    from rag.engine import Engine

    engine = Engine.open(config, progress=True)
    # The first answer loads the tokenizer dictionary and the embedding model (~4 s on 2 cores): do it
    # while the page loads rather than on the first user's question.
    threading.Thread(target=warm_up, args=(engine,), name="rag-warm-up", daemon=True).start()
    if config.llm != "extractive":
        from rag.answering.llm.backends import preload

        preload(config, log=lambda m: print(m, file=sys.stderr, flush=True))  # load the model before the first question
    host, port = config.host, config.port
    app = build_app(engine, max_upload_mb=config.max_upload_mb)
    try:
        app.launch(**launch_options(host, port, config.auth, config.max_upload_mb, share),
                   prevent_thread_lock=True, quiet=True)
    except OSError as exc:  # a busy port: say which setting moves it
        raise OSError(f"cannot listen on {host}:{port} ({exc}); choose another with --port or RAG_PORT") from None
    everywhere = host in ("0.0.0.0", "::")
    url = f"http://{'127.0.0.1' if everywhere else host}:{port}/"
    print(
        f"serving {len(engine.articles)} articles at {url}"
        + (" (listening on all interfaces)" if everywhere else "")
        + (" (login required)" if config.auth else "")
        + (f"; public link: {app.share_url}" if app.share_url else "")
        + "; press Ctrl+C to stop",
        file=sys.stderr,
        flush=True,
    )
    app.block_thread()
