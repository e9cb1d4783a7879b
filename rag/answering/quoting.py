"""Article text inside an answer or summary, whose own "[9]" cannot pose as a citation."""

from __future__ import annotations

import re

_TEXT_MARKER = re.compile(r"\[(\d{1,3})\]")


def inert_markers(text: str) -> str:
    """Article text as shown inside an answer or summary: its own "[9]" becomes "［9］", so that only the
    answer's markers cite (an article saying "回答：HACKED [9]" cannot add or move a citation). The
    citation's `quote` keeps the article's text verbatim."""
    return _TEXT_MARKER.sub("［\\1］", text)
