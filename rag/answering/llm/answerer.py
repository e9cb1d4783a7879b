"""Answers written by a language model and kept honest by the verifier.

The model only drafts. Its prompt gives numbered sources inside a delimited data block (rag.answering.llm.prompts);
the draft is split into sentences and each one is checked against the sources it cites (rag.answering.verify).
Unsupported sentences are left out, markers for sources that were not given are removed, uncited sentences that
a source supports get its citation, and when nothing survives, or the backend times out, cannot be reached or
replies with garbage, the fallback answerer's (extractive) answer is returned with a note saying why."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterator, Sequence

from rag.answering import verify
from rag.answering.candidates import article_text
from rag.answering.english import unmet_english
from rag.answering.llm.backends import ChatModel, LLMError
from rag.answering.llm.prompts import NOT_FOUND, Source, answer_language, answer_messages, gather_sources
from rag.answering.llm.verified import render_verified
from rag.answering.question import analyze, clean_question, unanswerable
from rag.config import Config
from rag.contracts import Answerer, Corpus
from rag.lang.script import script_of
from rag.records import Answer, AskRequest, ModelAnswer

ANSWER_TOKENS = 200  # new tokens for an answer (3 short sentences with markers fit easily)


class ModelAnswerer(Answerer):
    """The configured chat model drafts; the verifier decides; `fallback` answers when the model cannot."""

    def __init__(self, config: Config, llm: ChatModel, fallback: Answerer, max_tokens: int = ANSWER_TOKENS):
        self.config, self.llm, self.fallback, self.max_tokens = config, llm, fallback, max_tokens

    @property
    def backend(self) -> str:
        return self.llm.backend

    def stream(self, request: AskRequest, corpus: Corpus) -> Iterator[str | Answer]:
        """The model's draft as it grows (str, unverified), then the verified Answer (always the last item)."""
        trivial = unanswerable(request.question)
        if trivial is not None:
            yield trivial
            return
        question, previous, articles = clean_question(request.question), request.previous, corpus.articles
        llm, k = self.llm, max(request.k or self.config.k, 1)
        fallback = lambda: self.fallback.answer(request, corpus)  # noqa: E731
        focus = [a for a in dict.fromkeys(request.focus) if a in articles]
        hits = [h for h in corpus.retriever.search(question, k=k * 2, article_ids=focus or None) if h.chunk.article_id in articles]
        sources = gather_sources(hits, articles, k)
        if not sources or _unmet(question, sources, previous):
            yield fallback()  # nothing to give the model; the fallback refuses, saying what is missing
            return
        language = answer_language(question, sources)
        messages = answer_messages(question, sources, language, previous)
        draft = ""
        try:
            for piece in llm.stream(messages, self.max_tokens, self.config.llm_timeout):
                draft += piece
                yield draft
        except LLMError as exc:
            yield _fallback(fallback(), f"{llm.backend}:{llm.label} failed: {exc}")
            return
        yield compose_answer(question, draft, sources, language, llm, fallback, previous)


def _fallback(base: Answer, why: str, sentences: Sequence[verify.Sentence] = ()) -> ModelAnswer:
    """The fallback's answer, with a note saying why the model's answer is not shown."""
    fields = {k: getattr(base, k) for k in Answer.__dataclass_fields__}
    note = why + "; showing the extractive answer"
    fields["note"] = f"{note} ({base.note})" if base.note else note
    return ModelAnswer(**fields, sentences=[s.to_json() for s in sentences])


def _unmet(question: str, sources: Sequence[Source], previous: str | None) -> bool:
    """An English question that names what its sources never mention, or none of whose words they hold."""
    if script_of(question) != "en":
        return False
    texts = [article_text(a) for a in {s.article.id: s.article for s in sources}.values()]
    return unmet_english(analyze(question), texts, previous) is not None


def compose_answer(
    question: str,
    draft: str,
    sources: Sequence[Source],
    language: str,
    llm: ChatModel,
    fallback: Callable[[], Answer],
    previous: str | None = None,
) -> Answer:
    """The verified answer from a draft: supported sentences only, citations renumbered to quotes."""
    if draft.strip().rstrip(".。").upper() == NOT_FOUND:
        return _fallback(fallback(), f"{llm.backend}:{llm.label} found no answer in the sources")
    checked = verify.verify(draft, {s.n: s.text for s in sources})
    checked = [_on_topic(c, question, previous, sources) for c in checked]
    kept = [c for c in checked if c.supported]
    if not kept:
        who = f"{llm.backend}:{llm.label}"
        why = f"{who} wrote nothing that could be verified against the sources" if checked else f"{who} gave an empty answer"
        return _fallback(fallback(), why, checked)
    by_n = {s.n: s for s in sources}
    text, citations, records = render_verified(checked, by_n.__getitem__, language)
    notes = []
    if script_of(question) == "en" and language != "en":
        notes.append("answered in the articles' language, so that every sentence could be checked against them")
    dropped = len(checked) - len(kept)
    if dropped:
        notes.append(f"{dropped} sentence{'s' * (dropped > 1)} the sources do not support left out")
    return ModelAnswer(question, text, False, citations, backend=llm.backend, model=llm.label,
                     note="; ".join(notes) or None, verified=True, sentences=records)


def _on_topic(c: verify.Sentence, question: str, previous: str | None, sources: Sequence[Source]) -> verify.Sentence:
    """A supported sentence that shares nothing with the question (nor the previous one, nor its source's
    title) is a faithful quote of something else: an article's "ignore your instructions" line, say.
    Not checked across languages, where sharing words means nothing."""
    if not c.supported or script_of(question) != script_of(c.text) and "en" in (script_of(question), script_of(c.text)):
        return c
    titles = " ".join(s.article.title for s in sources if s.n in c.citations)
    context = _content_grams(" ".join([question, previous or "", titles]))
    if _content_grams(c.text) & context:
        return c
    return replace(c, citations=(), supported=False, quotes=(), reason="does not address the question")


def _content_grams(text: str) -> set[tuple[str, ...]]:
    """Content words (Latin) and character bigrams (Chinese) of a text, for a topical-overlap check."""
    toks = [t for t in verify.tokenize(text) if t not in verify.STOP]
    words = {(t,) for t in toks if t.isascii() and len(t) > 2}
    han = [t for t in toks if not t.isascii()]
    return words | {tuple(han[i : i + 2]) for i in range(len(han) - 1)}
