"""“Shorter please” / “more detail” after a one-article summary (a newcomer's third trial got “Not in the
articles” for both): the summary's first sentence, or the whole paragraphs its sentences are quoted from — verbatim
and cited either way, in the script the summary was shown in. The phrases are rows of rag/lang/data/small_talk.tsv
(kinds `shorter` and `longer`)."""

from __future__ import annotations

import re
from dataclasses import replace

from rag.contracts import ChatContext
from rag.lang.display import to_script
from rag.lang.script import has_han, script_of
from rag.records import Citation, Clarification, Summary, Turn

RESIZE_KINDS = ("shorter", "longer")
_FIRST = re.compile(r"^(.*?\[\d+\](?:\[\d+\])*)", re.S)  # the first sentence with its markers
_MARK = re.compile(r"\[(\d+)\]")


def _say(zh: str, en: str, message: str) -> str:
    script = script_of(message)
    return en if script == "en" else to_script(zh, script)


def resized_summary(engine: ChatContext, kind: str, last: Turn | None, message: str) -> Summary | Clarification:
    """The last reply's summary made shorter (`kind` "shorter") or longer ("longer"); a Clarification saying how
    to ask for one when the last reply was no one-article summary."""
    if last is None or last.kind != "summary" or len(last.article_ids) != 1 or last.article_ids[0] not in engine.articles:
        return Clarification(_say("请先要一篇文章的摘要（如“总结第1篇”），再说“短一点”或“详细一点”。",
                                  "Ask for one article's summary first (“summarize article 1”), then “shorter” or "
                                  "“more detail”.", message))
    script = script_of(last.message) if has_han(last.message) else "en"  # as the summary was shown
    summary = engine.summarize(last.article_ids[0])
    if kind == "shorter":
        m = _FIRST.match(summary.summary)
        if m is None:
            return summary.in_script(script)
        kept = {int(n) for n in _MARK.findall(m.group(1))}
        note = _say("摘要的第一句。", "The summary's first sentence.", message)
        return replace(summary, summary=m.group(1), citations=[c for c in summary.citations if c.n in kept],
                       note=note).in_script(script)
    article = engine.articles[last.article_ids[0]]
    paragraphs = sorted({c.paragraph for c in summary.citations})
    citations = [Citation(n, article.id, article.title, article.date, article.source, article.url, p,
                          article.paragraph(p), 0, len(article.paragraph(p)))
                 for n, p in enumerate(paragraphs, 1)]
    text = "\n".join(f"{c.quote}[{c.n}]" for c in citations)
    note = _say("摘要所引句子所在的整段原文；全文请在“Articles”标签页打开。",
                "The whole paragraphs the summary quotes; open the article in the Articles tab to read all of it.",
                message)
    return replace(summary, summary=text, citations=citations, note=note, original=None).in_script(script)
