"""An article's sentences and their clauses as exact spans, with leading datelines and bylines trimmed
("新华社北京8月11日电 ", "（记者 张三）", "【环球时报综合报道】"): what a summary is cut from, and the sentence
frame of the shared unit features. Sentences come from the one splitter (rag.lang.sentences); a sentence
keeps its raw start too, so that a unit starting at the dateline still finds its sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rag.lang.sentences import split_clauses, split_sentences

Span = tuple[int, int, int]  # (paragraph numbered from 1, start, end): article.paragraph(p)[start:end]

# Datelines and bylines at the start of a sentence (trimmed; the rest stays a verbatim substring).
LEADING = [
    # outlet + place + date + 电/讯/报道: 新华社北京8月11日电 / 中国青年报客户端北京8月9日电 / 参考消息网8月4日报道
    re.compile(r"^(?!据|当地时间)[^，。；,\s（(“]{0,24}?\d{1,2}月\d{1,2}日(电|讯|报道|消息)(?![，,、])\s*"),
    re.compile(r"^(新华社|中新社|中新网|人民网|央视网|央广网|光明网|海外网|环球网|人民日报|经济日报|新京报|澎湃新闻|本报|本网)[^，。；,（(]{0,24}?(电|讯)\s*"),
    re.compile(r"^[^，。；,\s（(“]{0,24}?讯\s*"),
    re.compile(r"^【[^】]{0,30}】\s*"),
    re.compile(r"^[（(][^）)]{0,40}(记者|通讯员|编辑|报道|作者|供图)[^）)]{0,40}[）)]\s*"),
    re.compile(r"^[（(][\u4e00-\u9fff·、\s]{2,14}[）)]\s*"),  # (刘畅) after a dateline
    re.compile(r"^[^，。；,\s]{0,12}?(记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}((\s+|、)(记者|通讯员)?\s*[\u4e00-\u9fff·]{2,4})*(\s+|(?=\d))"),
    re.compile(r"^(记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}\s+"),
    re.compile(r"^[^，。；,“]{0,16}?(记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}\s*(摄|供图)\s*"),  # a photo credit glued to a sentence
    re.compile(r"^(\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*\d{1,2}:\d{2}(:\d{2})?)[，,\s]*(正文[:：])?\s*"),
    re.compile(r"^正文[:：]\s*"),
]
MIN_CHARS = 6  # a trimmed sentence shorter than this is a fragment
MAX_SENTENCES = 400  # sentences of one article read (a pasted book is read in part)


def trim_lead(text: str, start: int, end: int) -> int:
    """The start of the sentence text[start:end] once a leading dateline or byline is dropped."""
    changed = True
    while changed:
        changed = False
        for pattern in LEADING:
            m = pattern.match(text[start:end])  # (^ anchors at the slice's start)
            if m and m.end() > 0 and end - start - m.end() > MIN_CHARS:
                start, changed = start + m.end(), True
                while start < end and text[start].isspace():
                    start += 1
    return start


@dataclass(frozen=True)
class Sentence:
    """A sentence (dateline trimmed) and its clauses, as offsets in paragraph `paragraph` (from 1)."""

    paragraph: int
    start: int
    end: int
    raw_start: int  # where the splitter put its start (before the dateline)
    index: int  # in the article, from 0 (fragments counted)
    clauses: tuple[tuple[int, int], ...]  # (start, end) of each clause; the last one ends at `end`

    @property
    def span(self) -> Span:
        return (self.paragraph, self.start, self.end)

    def run(self, i: int, j: int) -> tuple[int, int]:
        """Offsets of the clause run i..j (inclusive); it ends at the sentence's end when j is the last clause."""
        return self.clauses[i][0], (self.end if j == len(self.clauses) - 1 else self.clauses[j][1])


def sentence_frame(paragraphs: Sequence[str]) -> list[Sentence]:
    """Every sentence of the paragraphs, fragments included, in article order."""
    out: list[Sentence] = []
    for p, para in enumerate(paragraphs, start=1):
        for a, b in split_sentences(para):
            if len(out) >= MAX_SENTENCES:
                return out
            start = trim_lead(para, a, b)
            clauses = tuple(split_clauses(para, start, b)) or ((start, b),)
            out.append(Sentence(p, start, b, a, len(out), clauses))
    return out


def article_sentences(paragraphs: Sequence[str], min_chars: int = MIN_CHARS) -> list[Sentence]:
    """The sentences of min_chars or more (datelines trimmed), in article order."""
    return [s for s in sentence_frame(paragraphs) if s.end - s.start >= min_chars]
