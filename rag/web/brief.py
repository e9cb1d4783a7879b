""""Download this conversation": the chat as a cited brief, in Markdown and as one self-contained HTML file (its
style inline, nothing fetched). Each answer or summary carries its footnotes: for every [n], the article's title,
outlet, date, paragraph and the quoted sentence, verbatim.

The brief is made from the transcript the page keeps (`transcript_entry`: what was asked and the reply's JSON,
the same object as the API's), so it says exactly what the chat said. Pure functions.
"""

from __future__ import annotations

import html
import re
from typing import Mapping, Sequence

from rag.records import Reply, reply_kind
from rag.web.render import show_date

_MARKER = re.compile(r"\[(\d{1,3})\]")


def transcript_entry(asked: str, reply: Reply, carried: Mapping[str, Sequence[str]] | None = None) -> dict:
    """One exchange as the brief needs it: the question, the reply's kind and JSON, and the other outlets that
    carried each cited story."""
    return {"asked": asked, "kind": reply_kind(reply), "reply": reply.to_json(),
            "carried": {k: list(v) for k, v in (carried or {}).items() if v}}


def _text(entry: dict) -> str:
    reply = entry["reply"]
    return reply.get("answer") or reply.get("summary") or reply.get("clarification") or ""


def _heading(entry: dict) -> str:
    if entry["kind"] == "summary":
        return f"Summary: {entry['reply'].get('title', '')}"
    if entry["kind"] == "refusal":
        return "Not in the articles"
    return ""


def _footnote_line(c: dict, carried: Mapping[str, Sequence[str]]) -> str:
    """'Title — outlet, date, ¶3: “quoted sentence”' (also carried by …)."""
    where = ", ".join(x for x in (c.get("source"), show_date(c.get("date")), f"¶{c['paragraph']}") if x)
    also = carried.get(c["article_id"]) or []
    return (f"{c['title']} — {where}: “{c['quote']}”"
            + (f" (also carried by {'、'.join(also)})" if also else ""))


def brief_markdown(transcript: Sequence[dict], title: str = "News chat: cited brief") -> str:
    """The conversation as Markdown: each question, the reply with footnote markers, its footnotes."""
    out = [f"# {title}", ""]
    for t, entry in enumerate(transcript, start=1):
        reply, citations = entry["reply"], entry["reply"].get("citations") or []
        out += [f"## {t}. {entry['asked']}", ""]
        if heading := _heading(entry):
            out += [f"*{heading}*", ""]
        numbers = {c["n"] for c in citations}
        body = _MARKER.sub(lambda m: f"[^{t}-{m.group(1)}]" if int(m.group(1)) in numbers else m.group(0), _text(entry))
        out += [body, ""]
        for c in reply.get("candidates") or []:
            out.append(f"- {c.get('title', '')} ({c.get('article_id', '')})")
        if reply.get("candidates"):
            out.append("")
        for c in citations:
            out.append(f"[^{t}-{c['n']}]: {_footnote_line(c, entry.get('carried') or {})}")
        if citations:
            out.append("")
        if reply.get("note"):
            out += [f"> {reply['note']}", ""]
    return "\n".join(out).rstrip() + "\n"


_STYLE = """body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:46rem;
margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f2328}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem;
border-top:1px solid #d0d7de;padding-top:1rem}.kind{color:#6e7781;font-style:italic}sup a{text-decoration:none}
ol.notes{font-size:.9rem;color:#424a53}ol.notes blockquote{margin:.2rem 0 .6rem;padding-left:.7rem;
border-left:3px solid #f2cc60;background:#fff8c5}.note{font-size:.85rem;color:#6e7781}"""


def brief_html(transcript: Sequence[dict], title: str = "News chat: cited brief") -> str:
    """The conversation as one self-contained HTML page (inline style, no scripts, nothing fetched); every text
    from an article or a user is escaped."""
    esc = html.escape
    parts = [f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{esc(title)}</title>'
             f"<style>{_STYLE}</style></head><body><h1>{esc(title)}</h1>"]
    for t, entry in enumerate(transcript, start=1):
        reply, citations = entry["reply"], entry["reply"].get("citations") or []
        numbers = {c["n"] for c in citations}
        parts.append(f'<section id="turn-{t}"><h2>{t}. {esc(entry["asked"])}</h2>')
        if heading := _heading(entry):
            parts.append(f'<div class="kind">{esc(heading)}</div>')
        text, pos, body = _text(entry), 0, []
        for m in _MARKER.finditer(text):
            if int(m.group(1)) in numbers:
                body += [esc(text[pos:m.start()]), f'<sup><a href="#fn-{t}-{m.group(1)}">[{m.group(1)}]</a></sup>']
                pos = m.end()
        body.append(esc(text[pos:]))
        parts.append(f"<p>{''.join(body)}</p>")
        if reply.get("candidates"):
            items = "".join(f"<li>{esc(c.get('title', ''))} ({esc(c.get('article_id', ''))})</li>" for c in reply["candidates"])
            parts.append(f"<ul>{items}</ul>")
        if citations:
            carried = entry.get("carried") or {}
            items = []
            for c in citations:
                line = _footnote_line(c, carried)
                head, _, _quote = line.partition(": “")
                also = carried.get(c["article_id"]) or []
                items.append(
                    f'<li id="fn-{t}-{esc(str(c["n"]))}" value="{esc(str(c["n"]))}">{esc(head)}'
                    f"<blockquote>{esc(c['quote'])}</blockquote>"
                    + (f'<span class="note">also carried by {esc("、".join(also))}</span>' if also else "")
                    + "</li>"
                )
            parts.append(f'<ol class="notes">{"".join(items)}</ol>')
        if reply.get("note"):
            parts.append(f'<p class="note">{esc(reply["note"])}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)
