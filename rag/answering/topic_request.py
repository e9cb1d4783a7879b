"""Recognising a request for a topic summary (总结一下关于党建共建的报道, summarize the coverage of …) or a timeline
(按时间顺序梳理…, timeline of …), and the topic it names. Request words: data/topic_words.tsv."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.lang.script import normalize
from rag.lang.wordlists import read_word_lists
from rag.lang.words import jieba_tokenizer

_ORDINAL = re.compile(r"第\s*[0-9一二两三四五六七八九十]+\s*篇")
# a hyphen between letters stays (party-building is one glossary word)
_PUNCT = re.compile(r"(?:[\s,.!?;:，。！？；：、“”\"'《》（）()\[\]【】…—]|(?<![A-Za-z])-|-(?![A-Za-z]))+")


@dataclass(frozen=True)
class TopicRequest:
    kind: str  # "topic" | "timeline"
    topic: str  # what the articles are to be about (search form)


def _lists() -> dict[str, tuple[str, ...]]:
    return read_word_lists("rag.answering", "data/topic_words.tsv")


@lru_cache(maxsize=None)
def _pattern(name: str) -> re.Pattern:
    words = sorted(_lists()[name], key=len, reverse=True)
    latin = [re.escape(w) for w in words if w.isascii()]
    han = [re.escape(w) for w in words if not w.isascii()]
    parts = ([rf"\b(?:{'|'.join(latin)})\b"] if latin else []) + ([f"(?:{'|'.join(han)})"] if han else [])
    return re.compile("|".join(parts))


def topic_of(message: str) -> str:
    """The message without its request words and punctuation: phrases of three or more characters are cut
    wherever they stand, shorter request words only when jieba reads them as words (的 stays in 目的)."""
    fillers = set(_lists()["filler"])
    long = [re.escape(w) for w in sorted(fillers, key=len, reverse=True) if len(w) >= 3 and not w.isascii()]
    text = normalize(message)
    if long:
        text = re.sub("|".join(long), " ", text)
    kept = [w for w in jieba_tokenizer().lcut(_PUNCT.sub(" ", text)) if w.strip() and w not in fillers]
    out = ""
    for w in kept:  # Latin words keep a space between them; Chinese words join
        out += (" " if out and out[-1].isascii() and out[-1].isalnum() and w[0].isascii() and w[0].isalnum() else "") + w
    return out


def topic_request(message: str) -> TopicRequest | None:
    """A topic-summary or timeline request with its topic (empty: a timeline of every article); None for anything
    else (one article, the overview, a question)."""
    text = normalize(message)
    single = bool(_pattern("single").search(text) or _ORDINAL.search(text))
    if _pattern("timeline").search(text):
        kind = "timeline"
    elif ((_pattern("summary").search(text) or (_pattern("weak").search(text) and _pattern("about").search(text)))
          and _pattern("coverage").search(text) and not single):
        kind = "topic"
    else:
        return None
    topic = topic_of(message)
    if not topic and kind == "timeline":  # 把这些活动按时间先后排一下, put the events in chronological order: all
        return TopicRequest(kind, "")
    return TopicRequest(kind, topic) if topic else None
