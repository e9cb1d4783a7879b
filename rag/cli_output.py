"""What the command line prints: answers, summaries and the chat's other replies, as text or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rag.filter_flags import show_date

if TYPE_CHECKING:  # `rag --help` imports nothing heavy
    from rag.engine import Engine
    from rag.records import Filter


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def print_reply(obj: dict) -> None:
    text = obj.get("answer", obj.get("summary", ""))
    print(text)
    for c in obj.get("citations", []):
        meta = ", ".join(x for x in (c.get("source"), show_date(c.get("date"))) if x)
        print(f"[{c['n']}] {c['title']} ({meta}) ¶{c['paragraph']}: {c['quote']}")
    if obj.get("scope"):
        print(f"searched: {obj['scope']}")
    if obj.get("note"):
        print(f"note: {obj['note']}")


def not_a_question(message: str) -> bool:
    """A summary, overview, topic-summary or timeline request (总结第1篇, 这些文章讲了什么, 按时间顺序…), which the
    chat routes to the summarizer rather than the answerer."""
    from rag.answering.topic_request import topic_request
    from rag.chat import summary_request

    return summary_request(message) is not None or topic_request(message) is not None


def print_chat_reply(engine: "Engine", message: str, f: "Filter") -> int:
    """`rag ask` with a request the chat does not answer as a question: the chat's own reply (one code path)."""
    from rag.chat import respond

    reply, _ = respond(engine, message, filter=f)
    obj = reply.to_json()
    if "clarification" in obj:
        print(obj["clarification"])
        for i, c in enumerate(obj["candidates"], start=1):
            print(f"{i}. {c['title']} ({c['article_id']})")
        return 0
    if obj.get("title") and "summary" in obj:
        print(obj["title"])
    print_reply(obj)
    return 0


def print_summary(obj: dict, as_json: bool) -> int:
    if as_json:
        print_json(obj)
    else:
        print(obj["title"])
        print_reply(obj)
    return 0
