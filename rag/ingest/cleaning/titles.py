"""Titles: headlines cleaned of aggregator decorations, lines that can be a headline, a title derived from
the lead when there is none, and the `原标题：` headline glued to a republished body.

Words are matched on the Simplified twin of a text (`wordlists.simplified`); titles are cut from the text
itself.
"""

from __future__ import annotations

import re
from typing import Iterable

from rag.ingest.cleaning.chrome import is_nav_line, is_spam_line
from rag.ingest.cleaning.credits import credit_of_line
from rag.ingest.cleaning.dates import date_of_line
from rag.ingest.cleaning.text import SENT_END, normalize_whitespace
from rag.ingest.cleaning.wordlists import alternation, remove, simplified, split
from rag.lang.script import han_count
from rag.lang.sentences import CLOSERS, sentences

# ---------------------------------------------------------------------------------------------------
# Headlines

_TITLE_SUFFIX_WORDS = alternation("title_decoration")  # `…|天天即时看`
_TITLE_SUFFIX_RE = re.compile(rf"\s*(?:[|｜丨_\-—]|\s)\s*(?:{_TITLE_SUFFIX_WORDS}){{2,5}}[!！:：]?\s*$")
_TITLE_PREFIX_RE = re.compile(rf"^(?:【\s*(?:{_TITLE_SUFFIX_WORDS}){{2,5}}\s*】|(?:{_TITLE_SUFFIX_WORDS}){{2,5}}\s*[!！:：])\s*")
MAX_TITLE_CHARS = 80


def clean_title(title: str) -> str:
    """A headline without aggregator decorations (`…發展|天天即時看` → `…發展`) or surrounding space."""
    title = normalize_whitespace(title).replace("\n", " ").strip()
    twin = simplified(title)
    for _ in range(2):
        stripped, stripped_twin = remove(_TITLE_PREFIX_RE, *remove(_TITLE_SUFFIX_RE, title, twin))
        if len(stripped.strip()) < 4:
            break
        title, twin = stripped.strip(), stripped_twin.strip()
    return title


def looks_like_headline(line: str) -> bool:
    """A line that can be a headline: short, not a sentence of the body, not a date or a credit."""
    if not line or len(line) > MAX_TITLE_CHARS or han_count(line) < 4:
        return False
    if line.endswith(("。", "；", ";", "，", ",", "：", ":")):
        return False
    if date_of_line(line) or credit_of_line(line) or is_spam_line(line) or is_nav_line(line):
        return False
    # A headline is one sentence: a full stop inside means it is body text.
    return line.count("。") == 0


_PURPOSE_RE = re.compile(f"^(?:{alternation('purpose')})")
_LEAD_TIME_RE = re.compile(
    r"^(?:(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚间|晚|早|凌晨|中午)?|当地时间[^，,]{0,12}|近日|日前|近期|连日来)[，,]?\s*"
)
_DATELINE_RE = re.compile(r"^[^，,。]{0,24}?(?:\d{1,2}月\d{1,2}日)?(?:电|讯|消息)[\s:：]*(?:[(（][^()（）]{0,40}[)）])?\s*")
_HAS_DATELINE_RE = re.compile(r"\d月\d{1,2}日电|(?:讯|消息)[\s（(【:：]")
_CLAUSE_SPLIT_RE = re.compile(r"[，,；;：:]")
_SETTING_RE = re.compile(r"^(?:在|于|当)")
DERIVED_TITLE_CHARS = 30


def derive_title(paragraphs: Iterable[str], max_chars: int = DERIVED_TITLE_CHARS) -> str:
    """A short title made from the lead: its main clause, without purpose clauses, dates or datelines."""
    paragraphs = list(paragraphs)
    lead = [s for p in paragraphs[:2] for s in sentences(p)]
    for sentence in lead[:4]:
        text, twin = sentence, simplified(sentence)
        if _HAS_DATELINE_RE.search(twin[:40]) and (m := _DATELINE_RE.match(twin)):
            text, twin = text[m.end():], twin[m.end():]
        text = text.rstrip(SENT_END + CLOSERS)
        # (clause, its twin) pairs
        clauses = [(c.strip(), t.strip()) for c, t in split(_CLAUSE_SPLIT_RE, text, twin[: len(text)]) if c.strip()]
        if not clauses or _PURPOSE_RE.match(clauses[0][1]) and not any(_LEAD_TIME_RE.match(t) for _, t in clauses):
            continue  # a sentence that only says why: the event is in the next one
        if _PURPOSE_RE.match(clauses[0][1]):
            clauses = clauses[next(i for i, (_, t) in enumerate(clauses) if _LEAD_TIME_RE.match(t)):]
        for i, (clause, twin) in enumerate(clauses):
            if m := _LEAD_TIME_RE.match(twin):
                clause, twin = clause[m.end():].strip(), twin[m.end():].strip()
            if _SETTING_RE.match(twin) and i + 1 < len(clauses):
                continue  # `在…纪念馆`: where it happened; the event is in the next clause
            if han_count(clause) >= 6:
                return _shorten(clause, max_chars)
    first = lead[0] if lead else (paragraphs[0] if paragraphs else "")
    return _shorten(first.rstrip(SENT_END), max_chars)


def _shorten(text: str, max_chars: int) -> str:
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip("，,、 ") + "…"


# ---------------------------------------------------------------------------------------------------
# `原标题：` (original headline) glued to the body of a republished article

# `原标题：`: the label's three characters are converted on their own (bodies are long).
_ORIGINAL_TITLE_RE = re.compile(r"^\s*[(（]?\s*(?P<label>\S{3})\s*[:：]\s*")
_LEAD_START_RE = re.compile(
    # A byline's outlet cannot be told from the headline's last words (`…挂牌成立极目新闻记者`): the
    # boundary is the role word, so a headline may keep an outlet name but never loses its own words.
    r"\d{1,2}月\d{1,2}日|当地时间|近日|日前|近期|截至|据悉|据了解|(?:记者|通讯员)|本报讯|本报\S{0,4}电|"
    r"来源[:：]|【|[(（][^()（）]{0,6}?(?:记者|通讯员)"
)


def split_original_title(body: str, max_chars: int = 60) -> tuple[str | None, str]:
    """(headline, body) for a body that opens with `原标题：<headline>` glued to the lead; else (None, body).

    The headline ends where it is repeated, at a line break or sentence end, or where a lead visibly
    starts (a date, a dateline, a byline); with no such boundary in reach there is no headline.
    """
    m = _ORIGINAL_TITLE_RE.match(body)
    if not m or simplified(m.group("label")) != "原标题":
        return None, body
    rest = body[m.end():]
    window = rest[: max_chars + 1]
    ends = []
    for size in range(6, min(len(window), max_chars) // 2 + 1):  # the headline said twice
        if rest.startswith(rest[:size] * 2):
            ends.append(size)
            break
    if nl := re.search(r"[\n。]", window):
        ends.append(nl.start() + (1 if nl.group() == "。" else 0))
    if lead := _LEAD_START_RE.search(simplified(window), 6):
        ends.append(lead.start())
    end = min(ends) if ends else None
    if end is None or end < 6:
        return None, rest
    title = rest[:end].strip().rstrip("）)")
    return (title or None), rest[end:]
