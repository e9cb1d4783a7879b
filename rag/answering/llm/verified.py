"""A verified draft as shown: its supported sentences, each citation renumbered to one per quoted source
sentence, in the script of the answer's language."""

from __future__ import annotations

from typing import Callable, Sequence

from rag.answering import verify
from rag.answering.llm.prompts import Source
from rag.lang.display import to_script
from rag.records import Citation


def render_verified(
    checked: Sequence[verify.Sentence], source_of: Callable[[int], Source], language: str
) -> tuple[str, list[Citation], list[dict]]:
    """(text, citations, per-sentence records): the supported sentences with markers renumbered to one
    citation per quoted source sentence, in the script of `language`."""
    citations: list[Citation] = []
    index: dict[tuple[str, int, int], int] = {}
    rendered: list[str] = []
    records: list[dict] = []
    for c in checked:
        numbers = list(dict.fromkeys(cite(source_of(n), c.text, citations, index).n for n in c.citations)) if c.supported else []
        if c.supported:
            rendered.append(c.text + "".join(f"[{m}]" for m in numbers))
        records.append({**c.to_json(), "citations": numbers})
    text = ("" if language != "en" else " ").join(rendered)
    return (to_script(text, language) if language != "en" else text), citations, records


def cite(source: Source, sentence: str, citations: list[Citation], index: dict) -> Citation:
    """The citation for the source sentence that best matches `sentence` (shared when quoted twice)."""
    a, b, quote = verify.best_quote(sentence, source.text)
    start, end = source.start + a, source.start + b
    key = (source.article.id, source.paragraph, start)
    if key not in index:
        art = source.article
        citations.append(Citation(len(citations) + 1, art.id, art.title, art.date, art.source, art.url, source.paragraph, quote, start, end))
        index[key] = len(citations) - 1
    return citations[index[key]]
