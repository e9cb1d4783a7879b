"""Asking a file of questions (`rag ask --batch`, `rag eval`): each line answered in order, a line that
`follows` an earlier one asked in that line's conversation, as the chat would."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Iterator, Sequence

if TYPE_CHECKING:
    from rag.engine import Engine
    from rag.records import Filter


def ask_records(engine: Engine, records: Sequence[dict], strict: bool = False,
                filter: Filter | None = None) -> Iterator[tuple[dict, dict]]:
    """(record, answer JSON) for each record in order, each answered within `filter`. A record with
    `"follows": ID` is asked in the conversation of the earlier record with that id (its articles, question and
    short answer carry over, as in the chat); an unknown id is asked on its own, with a warning. A question that cannot be
    asked gives {"error": …} (raised instead when `strict`)."""
    from rag.answering.question import QuestionError
    from rag.chat import Conversation, answer_turn
    from rag.records import Filter

    filter = filter or Filter()
    conversations: dict[str, Conversation] = {}
    for rec in records:
        parent = rec.get("follows")
        if parent and parent not in conversations:
            print(f"warning: {rec.get('id') or 'line'} follows {parent!r}, which is not an earlier line: asked on its own",
                  file=sys.stderr)
        conversation = conversations.get(parent) if parent else None
        try:
            answer = engine.ask(rec["question"], conversation, filter=filter)
            obj = answer.to_json()
            if rec.get("id") is not None:
                conversations[rec["id"]] = (conversation or Conversation()).add(answer_turn(rec["question"], answer))
        except QuestionError as exc:
            if strict:
                raise
            obj = {"question": rec["question"][:200], "error": str(exc)}
        obj["id"] = rec.get("id")
        yield rec, obj
