"""The records every stage hands on: what a request asks (`AskRequest`), what retrieval finds (`Hit`), and what
a reply is (`Answer`, `Summary`, `Clarification`, each citing `Citation`s), with their JSON forms (the CLI's and
the API's)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from rag.ingest.articles import Article
from rag.ingest.chunks import Chunk
from rag.lang.display import convert, to_script
from rag.lang.script import script_of


@dataclass(frozen=True)
class Filter:
    """Which articles a search may return: dated within [since, until] (inclusive; None: open) and, when
    `sources` is not empty, from one of these outlets. Applied inside the index, never after the top-k.

    Dates are ISO: "2023-06-25" (a day), or year-less "--06-25" (ISO 8601's form for a day of any year).
    A year-less filter (both ends year-less, e.g. "--06-01".."--06-30" for 6月份) matches that window in any
    year; an article whose own date is year-less ("--06-26": its page never says the year) matches a
    year-less filter, never a dated one; an undated article matches no date filter."""

    since: str | None = None
    until: str | None = None
    sources: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.since or self.until or self.sources)


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation: the message, the kind of reply ('answer' | 'refusal' | 'summary' |
    'overview' | 'clarification'), the articles the reply cited, and for an answer its short answer (the span
    that answered: 陶胜旺, “12345”工作机制; None for a passage) — what a follow-up's 他/她/这 points at."""

    message: str
    kind: str
    article_ids: tuple[str, ...] = ()
    short: str | None = None


@dataclass(frozen=True)
class AskRequest:
    """One question as the answerer receives it.

    `focus`: article ids a follow-up stays on (retrieval is restricted to them and they are read whole).
    `previous`: the question before a follow-up; its words help rank sentences, never decide to answer.
    `previous_answer`: the turn that answered `previous` (its short answer and cited articles), when the
    caller has a conversation: a follow-up's 他/她/这/this refers to that short answer (never asked again).
    `k`: sources to use (None: the configured number).
    `filter`: explicit date and outlet limits (CLI flags, API fields, the page's filter bar)."""

    question: str
    focus: tuple[str, ...] = ()
    previous: str | None = None
    k: int | None = None
    filter: Filter = Filter()
    previous_answer: Turn | None = None

    @classmethod
    def following(cls, question: str, turn: Turn, k: int | None = None, filter: Filter = Filter()) -> "AskRequest":
        """A follow-up to `turn`: on its articles, with its question and its answer."""
        return cls(question, turn.article_ids, turn.message, k, filter, turn)


@dataclass(frozen=True)
class TopicMatch:
    """The articles about a topic, most relevant first (rag.answering.topics.match_topic), for a topic summary
    or a timeline; `language` is the reply's ("zh" or "en") for its labels."""

    topic: str
    articles: tuple[Article, ...]
    scores: tuple[float, ...]
    language: str = "zh"


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk: its fused score and its ranks among the dense and lexical candidates."""

    chunk: Chunk
    score: float
    dense_rank: int | None  # 0-based rank among dense candidates, None when not among them
    lexical_rank: int | None

    @property
    def article_id(self) -> str:
        return self.chunk.article_id


@dataclass
class Citation:
    """One cited sentence: `quote == articles[article_id].paragraph(paragraph)[start:end]`."""

    n: int
    article_id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    paragraph: int  # numbered from 1
    quote: str
    start: int
    end: int

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """A cited answer; `answer` carries `[n]` markers that index `citations`."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation] = field(default_factory=list)
    id: str | None = None
    original: str | None = None  # the answer in the articles' own script, when `answer` was converted
    closest: list[dict] = field(default_factory=list)  # {article_id, title} for refusals
    backend: str = "extractive"
    model: str | None = None
    note: str | None = None
    verified: bool | None = None
    filter: Filter = Filter()  # the dates and outlets it was answered within (a question's or the user's)
    scope: str | None = None  # that filter as the reply names it (`2023年6月1日至6月30日 · 新华社/新华网`)
    short: str | None = None  # the answer span itself (13个工作专班, 张晓敏, 6月25日); None for a passage or a list

    @property
    def article_ids(self) -> list[str]:
        """Cited articles in citation order, each once."""
        return list(dict.fromkeys(c.article_id for c in self.citations))

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "original": self.original,
            "closest": list(self.closest),
            "backend": self.backend,
            "model": self.model,
            "note": self.note,
            "verified": self.verified,
            "filter": {"since": self.filter.since, "until": self.filter.until, "sources": list(self.filter.sources)}
            if self.filter else None,
            "scope": self.scope,
            "short": self.short,
        }


@dataclass
class ModelAnswer(Answer):
    """An Answer written by a language model, with the verifier's verdict on every generated sentence."""

    sentences: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**super().to_json(), "sentences": list(self.sentences)}


def _quotes_in(text: str, citations: list[Citation], script: str) -> list[tuple[int, int]]:
    """The ranges of `text` that quote an article already written in `script`: a reader of that script sees them
    verbatim (小枧鎮 in a Traditional article stays 小枧鎮, never 小梘鎮); only other-script text is converted."""
    keep = []
    for c in citations:
        if not c.quote or script_of(c.quote) != script:
            continue
        for piece in c.quote.split("…"):
            piece = piece.strip()
            start = text.find(piece) if len(piece) >= 2 else -1
            while start >= 0:
                keep.append((start, start + len(piece)))
                start = text.find(piece, start + len(piece))
    return keep


@dataclass
class Summary:
    """A cited summary; `summary` carries `[n]` markers that index `citations`."""

    article_id: str | None  # None for the corpus overview
    title: str
    summary: str
    citations: list[Citation] = field(default_factory=list)
    backend: str = "extractive"
    note: str | None = None
    original: str | None = None  # the summary in the articles' own script, when `summary` was converted

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(c.article_id for c in self.citations))

    def in_script(self, script: str) -> "Summary":
        """A copy shown in another script ('hans'/'hant'); quotes in citations stay verbatim."""
        if script not in ("hans", "hant"):
            return self
        text = convert(self.summary, script, _quotes_in(self.summary, self.citations, script))
        if text == self.summary:
            return self
        title = self.title if script_of(self.title) == script else to_script(self.title, script)
        return replace(self, summary=text, title=title, original=self.summary)

    def to_json(self) -> dict:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "summary": self.summary,
            "citations": [c.to_json() for c in self.citations],
            "backend": self.backend,
            "note": self.note,
            "original": self.original,
        }

    @classmethod
    def from_json(cls, obj: dict) -> "Summary":
        return cls(
            obj.get("article_id"),
            obj.get("title", ""),
            obj.get("summary", ""),
            [Citation(**c) for c in obj.get("citations", [])],
            obj.get("backend", "extractive"),
            obj.get("note"),
        )


@dataclass
class ModelSummary(Summary):
    """A Summary written by a language model, with its name and the verifier's verdict on every sentence."""

    model: str | None = None
    sentences: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {**super().to_json(), "model": self.model, "sentences": list(self.sentences)}


@dataclass
class Clarification:
    """A question back to the user: which of these articles did you mean?"""

    text: str
    candidates: list[dict] = field(default_factory=list)  # {article_id, title}, numbered from 1 in `options`

    @property
    def options(self) -> list[str]:
        return [f"{i}. {c['title']} ({c['article_id']})" for i, c in enumerate(self.candidates, start=1)]

    def to_json(self) -> dict:
        return {"clarification": self.text, "candidates": list(self.candidates)}


Reply = Answer | Summary | Clarification


def reply_kind(reply: Reply) -> str:
    """'answer', 'refusal', 'summary' or 'clarification'."""
    if isinstance(reply, Answer):
        return "refusal" if reply.refused else "answer"
    if isinstance(reply, Summary):
        return "summary"
    return "clarification"
