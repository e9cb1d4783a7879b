"""Datelines: the head of a news lead that says who filed it, where and when — `新华社成都7月27日电（记者 王君宝）`,
`本报北京7月26日电`, `中新网丽水7月24日电(邵燕飞)`, `湖北日报讯（记者 王某）`, `央视网消息：` — read into metadata
(outlet, place, month and day, reporters) and cut from the body, which then starts with the news itself.

Words (the dateline marks 电/讯/消息, `本报` and the other outlets that mean "this paper", outlet endings) come from
rag/ingest/data/cleaning_words.tsv and are matched on the Simplified twin of a text; what is returned (the outlet,
place and names, the rest of the paragraph) is cut from the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.cleaning.credits import authors_in, clean_outlet
from rag.ingest.cleaning.wordlists import alternation, simplified_start, words
from rag.lang.script import HAN

MAX_DATELINE_CHARS = 64  # a dateline with its bracketed credit is shorter than this

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # same length: spans stay valid
_OWN = alternation("own_outlet")
_MARK = alternation("dateline_mark")
_SUFFIX = alternation("outlet_suffix")
_DATELINE_RE = re.compile(
    rf"^[【\[]?\s*据?\s*(?P<outlet>{_OWN}|[{HAN}A-Za-z·]{{1,12}}?(?:{_SUFFIX}))(?:客户端)?"
    rf"(?:(?P<place>[{HAN}]{{1,8}}?)?\s*(?P<month>\d{{1,2}})\s*月\s*(?P<day>\d{{1,2}})\s*日\s*(?P<dated>{_MARK})"
    rf"|(?P<undated>{_MARK}))"
    r"\s*[】\]]?"
    r"(?:\s*[（(](?P<credit>[^()（）]{0,40})[)）])?"
    r"[\s:：，,]*"
)
# Undated marks stand before a bracket, a colon, a space or the end (`湖北日报讯（…）`, `央视网消息：`), never
# inside a word (`…网讯息`); a dated `电` may be followed by the lead at once.
_UNDATED_END_RE = re.compile(r"[\s（(【:：]|$")


@dataclass(frozen=True)
class Dateline:
    """What a dateline says. `outlet` is None for `本报…` (the paper itself); `month`/`day` None when undated."""

    text: str  # the dateline as written
    outlet: str | None
    place: str | None
    month: int | None
    day: int | None
    author: str | None

    @property
    def date(self) -> str | None:
        """The day as a year-less ISO date (`--07-27`), or None."""
        if self.month and self.day and 1 <= self.month <= 12 and 1 <= self.day <= 31:
            return f"--{self.month:02d}-{self.day:02d}"
        return None


def parse_dateline(text: str) -> tuple[Dateline | None, str]:
    """(dateline, the rest) when `text` opens with a dateline; else (None, text)."""
    twin = simplified_start(text, MAX_DATELINE_CHARS).translate(_DIGITS)
    m = _DATELINE_RE.match(twin)
    if not m:
        return None, text
    if m.group("undated") and not _UNDATED_END_RE.match(twin, m.end("undated")):
        return None, text
    outlet_twin = m.group("outlet")
    outlet = None if outlet_twin in words("own_outlet") else clean_outlet(text[m.start("outlet"):m.end("outlet")])
    place = text[m.start("place"):m.end("place")] if m.group("place") else None
    credit = text[m.start("credit"):m.end("credit")] if m.group("credit") else None
    dateline = Dateline(
        text=text[: m.end()].strip(),
        outlet=outlet,
        place=place,
        month=int(m.group("month")) if m.group("month") else None,
        day=int(m.group("day")) if m.group("day") else None,
        author=authors_in(credit) if credit else None,
    )
    return dateline, text[m.end():].lstrip()


def is_dateline_line(line: str) -> bool:
    """A line that is a dateline and nothing else (a plain-text file may put it on a line of its own)."""
    dateline, rest = parse_dateline(line)
    return dateline is not None and not rest.strip()
