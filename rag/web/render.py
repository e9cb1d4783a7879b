"""The chat page's HTML, rendered from the pipeline's records: pure functions, unit-tested without a browser.

Everything shown that came from an article, an upload or a user is escaped here with `html.escape`; Gradio's
own sanitizer is a second line, not the first. Chat messages go through markdown, so no fragment meant for the
chat holds a blank line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence
from urllib.parse import urlparse

from rag.config import Config
from rag.ingest.articles import Article
from rag.records import Answer, Citation, ModelSummary, Reply, Summary, reply_kind
from rag.shelf import ALL_OUTLETS, ShelfEntry, ShelfPage

if TYPE_CHECKING:  # the index (numpy and all) is not loaded to render a page
    from rag.index.pipeline import IngestReport
    from rag.indexer import FileState

_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
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


def link_citations(text: str, turn: int, citations: Sequence[Citation]) -> str:
    """Escape `text` and turn each `[n]` that names a citation into a chip linking to its source."""
    titles = {c.n: c.title for c in citations}
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
    """ISO date or date-time as people read it: 2024-02-27 or 2024-02-27 16:56; a year-less day (from a dateline,
    --07-27) as 07-27 (year not given)."""
    if not date:
        return None
    if str(date).startswith("--"):
        return f"{str(date)[2:]} (year not given)"
    day, _, time = str(date).partition("T")
    return f"{day} {time[:5]}" if time else day


def _meta(c: Citation | Article) -> str:
    """'outlet · date' for a citation or article; the date is always said (`undated` when there is none)."""
    return " · ".join(esc(x) for x in (c.source, show_date(c.date) or "undated") if x)


def render_scope(reply: Reply) -> str:
    """The filter an answer kept to (its dates and outlets), shown on every answer that had one."""
    if not isinstance(reply, Answer) or not reply.scope:
        return ""
    return f'<div class="rag-scope">Filtered: {esc(reply.scope)}</div>'


Carried = Mapping[str, Sequence[str]]  # article id → the other outlets that carried its story


def _also(article_id: str, carried: Carried | None) -> str:
    outlets = (carried or {}).get(article_id) or ()
    return f' <span class="rag-also">also carried by {esc("、".join(outlets))}</span>' if outlets else ""


def _chips(citations: Sequence[Citation], turn: int, lead: str = "", carried: Carried | None = None) -> str:
    """Under a reply, one line per cited article: its [n] chips, title, outlet, date and paragraphs, and the other
    outlets that carried the same story."""
    by_article: dict[str, list[Citation]] = {}
    for c in citations:
        by_article.setdefault(c.article_id, []).append(c)
    lines = []
    for cites in by_article.values():
        first = cites[0]
        links = "".join(cite_link(turn, c.n, c.title) for c in cites)
        paragraphs = ", ".join(f"¶{esc(p)}" for p in dict.fromkeys(c.paragraph for c in cites))
        meta = _meta(first)
        lines.append(
            f'<span class="rag-chip">{links} {esc(first.title)}{f" ({meta})" if meta else ""} {paragraphs}'
            f'{_also(first.article_id, carried)}</span>'
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


def render_reply(reply: Reply, turn: int, text: str | None = None, carried: Carried | None = None) -> str:
    """The assistant's chat bubble; `text` is a streamed prefix of the reply's text when given; `carried`: the
    other outlets that carried each cited article's story.

    The complete bubble carries the class `rag-done` (chips and notes only appear then)."""
    kind = reply_kind(reply)
    full = reply_text(reply)
    partial = text is not None and text != full
    cites = reply_citations(reply)
    body = _one_line(link_citations(text if text is not None else full, turn, cites))
    if isinstance(reply, Summary):
        head = f'<span class="rag-badge">Summary · {esc(reply.title)}</span>'
        tail = _chips(cites, turn, carried=carried) + _note(reply)
    elif isinstance(reply, Answer) and reply.refused:
        head = '<span class="rag-badge">⚠ Not in the articles</span>'
        tail = render_scope(reply) + _chips(cites, turn, lead="Closest passages (not an answer): ", carried=carried) + _note(reply)
    elif isinstance(reply, Answer):
        head = ""
        tail = render_scope(reply) + _chips(cites, turn, carried=carried) + _original(reply, turn) + _note(reply)
    else:  # a Clarification
        head = ""
        items = "".join(f"<li>{esc(o)}</li>" for o in reply.options)
        tail = f"<ul>{items}</ul>" if items else ""
    done = "" if partial else " rag-done"
    return f'<div class="rag-reply rag-{kind}{done}">{head}{body}{"" if partial else tail}</div>'


def _original(reply: Answer, turn: int) -> str:
    original = reply.original
    if not original or original == reply.answer:
        return ""
    # shown once, folded: the answer above is what the asker reads; this is how the articles write it
    linked = _one_line(link_citations(original, turn, reply_citations(reply)))
    return f'<details class="rag-original"><summary>In the articles’ script</summary>{linked}</details>'


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


def highlight(paragraph: str, marks: Sequence[tuple[int, str, int | None, int | None]], turn: int) -> str:
    """The paragraph, escaped, with each cited sentence in a <mark> whose id the [n] chips link to.

    `marks`: (n, quote, start, end) per citation of this paragraph. A quote that is no longer in the
    paragraph (the article changed since) is shown after it, still marked."""
    placed: list[tuple[int, int, int]] = []
    missing: list[tuple[int, str]] = []
    for n, quote, start, end in marks:
        span = quote_span(paragraph, quote, start, end)
        if span is None or any(a < span[1] and span[0] < b for a, b, _ in placed):
            missing.append((n, quote))
        else:
            placed.append((span[0], span[1], n))
    out, pos = [], 0
    for a, b, n in sorted(placed):
        out.append(f'{esc(paragraph[pos:a])}<mark id="{source_id(turn, n)}">{esc(paragraph[a:b])}</mark>')
        pos = b
    out.append(esc(paragraph[pos:]))
    for n, quote in missing:
        out.append(f'<br><mark id="{source_id(turn, n)}">{esc(quote)}</mark>')
    return "".join(out)


def render_source(cites: Sequence[Citation], turn: int, articles: Mapping[str, Article],
                  carried: Carried | None = None) -> str:
    """One card per cited paragraph: title, outlet, date, paragraph number, the cited sentences marked, and the
    other outlets that carried the story."""
    c = cites[0]
    article = articles.get(c.article_id)
    paragraph = ""
    if article is not None and 1 <= c.paragraph <= len(article.paragraphs):
        paragraph = article.paragraph(c.paragraph)
    meta = [m for m in (_meta(c), f"¶{esc(c.paragraph)}") if m]
    url = safe_url(c.url)
    if url:
        meta.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">original page</a>')
    if also := _also(c.article_id, carried):
        meta.append(also.strip())
    numbers = "".join(f"[{esc(x.n)}]" for x in cites)
    marks = [(x.n, x.quote, x.start, x.end) for x in cites]
    return (
        f'<div class="rag-source" data-article="{esc(c.article_id)}" data-paragraph="{esc(c.paragraph)}">'
        f'<div class="rag-source-head"><span class="rag-n">{numbers}</span>{esc(c.title)}</div>'
        f'<div class="rag-meta">{" · ".join(meta)}</div>'
        f'<blockquote class="rag-para">{highlight(paragraph, marks, turn)}</blockquote>'
        f"</div>"
    )


def render_sources(reply: Reply, turn: int, asked: str, articles: Mapping[str, Article],
                   carried: Carried | None = None) -> str:
    """The sources of one reply, as the body of one turn's section in the sources panel."""
    cites = reply_citations(reply)
    if not cites:
        if reply_kind(reply) != "refusal":
            return ""
        return (
            f'<div class="rag-turn-title">No sources for “{esc(asked)}”</div>'
            '<div class="rag-sources-empty">The articles do not answer it, so nothing is cited.</div>'
        )
    by_paragraph: dict[tuple[str, int], list[Citation]] = {}
    for c in cites:  # citations of the same paragraph share one card
        by_paragraph.setdefault((c.article_id, c.paragraph), []).append(c)
    label = "Closest passages for" if reply_kind(reply) == "refusal" else "Sources for"
    cards = "".join(render_source(group, turn, articles, carried) for group in by_paragraph.values())
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


def render_article(article: Article | None) -> str:
    """The cleaned text of one article with paragraph numbers, as shown on the shelf."""
    if article is None:
        return '<div class="rag-sources-empty">Pick an article above (or click a row) to read its cleaned text.</div>'
    meta = [x for x in (_meta(article), article.author and esc(article.author)) if x]
    meta.append(f"{len(article.paragraphs)} paragraphs · {article.chars} characters")
    url = safe_url(article.url)
    if url:
        meta.append(f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">original page</a>')
    derived = ' <span class="rag-note">(title made from the lead)</span>' if article.title_derived else ""
    paras = "".join(
        f'<p id="rag-art-p{n}"><span class="rag-pn">¶{n}</span>{esc(p)}</p>' for n, p in enumerate(article.paragraphs, start=1)
    )
    return (
        f'<div class="rag-article" data-article="{esc(article.id)}"><h3>{esc(article.title)}{derived}</h3>'
        f'<div class="rag-meta">{" · ".join(meta)}</div>{paras}</div>'
    )


SHELF_HEADERS = ["#", "Title", "Date", "Outlet"]


def _outlet_cell(entry: ShelfEntry) -> str:
    also = f" · also carried by {'、'.join(entry.also_carried_by)}" if entry.also_carried_by else ""
    return (entry.article.source or "") + also


def shelf_rows(entries: Iterable[ShelfEntry]) -> list[list[str | int]]:
    """One row per story for the shelf table: its shelf number (the `#3` of 第3篇), title, date and outlet, with
    the other outlets that carried it (Gradio escapes table cells itself)."""
    return [[e.number, e.article.title, show_date(e.article.date) or "", _outlet_cell(e)] for e in entries]


def shelf_choices(entries: Iterable[ShelfEntry]) -> list[tuple[str, str]]:
    return [(f"#{e.number} {e.article.title} · {show_date(e.article.date) or 'no date'}", e.article.id) for e in entries]


def outlet_choices(page: ShelfPage) -> list[tuple[str, str]]:
    """The outlet filter: all outlets, then each with its number of stories, most first."""
    return [("All outlets", ALL_OUTLETS)] + [
        (f"{name} ({count:,})", name) for name, count in page.outlets
    ]


def shelf_counts(page: ShelfPage) -> str:
    return f"{esc(page.counts())} · page {page.page:,} of {page.pages:,}"


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


def render_ingest_report(report: IngestReport | None, problems: Sequence[tuple[str, str]], articles: Mapping[str, Article]) -> str:
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


def render_upload_states(states: Sequence["FileState"], articles: Mapping[str, Article]) -> str:
    """Each uploaded file's state: in progress (queued, embedding x/y passages with a bar, saving), done (what it
    added: answerable now), skipped or failed (why), and what was left out of the files that were added."""
    going: list[str] = []
    done: list[str] = []
    problems: list[str] = []
    for s in states:
        name = f"<b>{esc(Path(s.name).name)}</b>"
        if s.state == "done":
            ids = list(s.added) + list(s.changed)
            titles = "".join(f"<li>{esc(_title_of(i, articles))}</li>" for i in ids[:20])
            more = f"<li>… and {len(ids) - 20} more</li>" if len(ids) > 20 else ""
            done.append(f'<li class="rag-file-done">{name}: {len(ids)} article{"s" if len(ids) != 1 else ""}'
                        f"<ul>{titles}{more}</ul></li>")
        elif s.state in ("skipped", "failed"):
            label = "" if s.state == "skipped" else "could not be indexed: "
            problems.append(f'<li class="rag-file-{s.state}">{name}: {label}{esc(s.reason or "")}</li>')
        elif s.state == "embedding":
            percent = 100 * s.done / s.total if s.total else 0
            going.append(f'<li class="rag-file-embedding">{name}: embedding {s.done:,}/{s.total:,} passages '
                         f'({percent:.0f} %) <progress max="{max(1, s.total)}" value="{s.done}"></progress></li>')
        else:
            going.append(f'<li class="rag-file-{esc(s.state)}">{name}: '
                         f'{"queued" if s.state == "queued" else "saving to the index"}</li>')
        problems += [f"<li><b>{esc(Path(str(k.origin)).name)}</b>: {esc(k.reason)}</li>" for k in s.skipped[:50]]
    parts = []
    if going:
        parts.append(f'<div class="rag-progress"><span class="rag-badge">Indexing in the background</span><ul>{"".join(going)}</ul></div>')
    if done:
        n = sum(len(s.added) + len(s.changed) for s in states if s.state == "done")
        added = sum(len(s.added) for s in states if s.state == "done")
        head = f"{'Added' if added or n == 0 else 'Updated'} {n} article{'s' if n != 1 else ''}"
        parts.append(f'<div class="rag-ok"><span class="rag-badge">✓ Indexed: answerable now</span><div>{head}:</div>'
                     f'<ul>{"".join(done)}</ul></div>')
    if problems:
        parts.append(f'<div class="rag-error"><span class="rag-badge">Skipped {len(problems)}</span><ul>{"".join(problems)}</ul></div>')
    return f'<div class="rag-report rag-uploads">{"".join(parts)}</div>'


def indexing_line(status: Mapping) -> str:
    """What the background ingest is doing (`Engine.ingest_status`), for Settings; "" when it is idle."""
    if not status["indexing"]:
        return ""
    jobs = [j for j in status["jobs"] if j["state"] not in ("done", "skipped", "failed")]
    done, total = sum(j["done"] for j in jobs), sum(j["total"] for j in jobs)
    return f"{len(jobs)} file{'s' if len(jobs) != 1 else ''} in the background ingest, {done:,}/{total:,} passages embedded"


def _title_of(article_id: str, articles: Mapping[str, Article]) -> str:
    """A report's article id, with its title when the article is on the shelf (a removed one is not)."""
    article = articles.get(article_id)
    return f"{article.title} ({article_id})" if article is not None else article_id


def settings_markdown(config: Config, articles: int, indexing: str = "") -> str:
    """The Settings tab; `indexing`: what the background ingest is doing, when it is."""
    lines = [
        f"- **Embedder:** `{config.embedder}`" + (f" at `{config.embedder_url}`" if config.embedder_url else ""),
        f"- **Reranker:** `{config.reranker}`" if config.reranker else "- **Reranker:** none",
        f"- **Answer backend:** `{config.llm}`" + (f" at `{config.llm_url}`" if config.llm_url else "")
        + (" (quotes sentences from the articles; no language model)" if config.llm == "extractive" else ""),
        f"- **Articles:** {articles} · **index:** "
        + (f"`{config.index_dir}`" if config.index_backend == "faiss" else f"{config.index_backend} at `{config.index_uri}`")
        + f" · **uploads go to:** `{config.uploads_dir}`",
        f"- **Largest upload:** {config.max_upload_mb} MB · **upload quota:** {config.upload_quota_mb} MB",
        f"- **Relative dates count from:** {'the newest article' if config.date_anchor == 'corpus' else config.date_anchor}",
    ]
    if indexing:
        lines.append(f"- **Indexing:** {indexing}")
    return "\n".join(lines)


SHOWN_MESSAGE_CHARS = 600  # a pasted document is shown cut, with its length, not echoed whole


def render_user(text: str) -> str:
    """The user's chat message, escaped; a long one cut, with its length."""
    if len(text) > SHOWN_MESSAGE_CHARS:
        text = f"{text[:SHOWN_MESSAGE_CHARS]}… ({len(text)} characters)"
    return f'<div class="rag-user">{_one_line(esc(text))}</div>'
