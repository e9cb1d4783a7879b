"""Extractive cited summaries: per article (3–5 of its own sentences) and a corpus overview.

No language model: sentences are ranked by centrality (similarity to the rest of the article, jieba words
weighted by IDF) with a bias toward the lead, chosen greedily within a length budget while skipping
near-duplicates and boilerplate, and shown in article order, each cited to its paragraph. Summaries are
cached by article content hash in the index folder, so asking again is instant and survives re-ingest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from rag.answering.quoting import inert_markers
from rag.answering.summary_cache import GuardedSummaries
from rag.contracts import Summarizer
from rag.ingest.articles import Article
from rag.lang.sentences import split_sentences
from rag.lang.words import idf, stop_words, tokens
from rag.records import Citation, Summary

# Bump when the algorithm changes: cached summaries made by an older version are recomputed.
ALGORITHM = "extractive-2"

# ---- tuning (measured on CRUD summaries_dev; see bench/bench_answer.py) ---------------------------------
BUDGET = 240  # target characters (references are ~200; a little longer scores best on dev ROUGE-L)
MAX_CHARS = 300
MIN_SENTENCES = 3
MAX_SENTENCES = 5
LEAD_WEIGHT = 1.0  # how much the lead counts against centrality
LEAD_DECAY = 0.5  # position prior 1 / (1 + position) ** LEAD_DECAY
REDUNDANT = 0.55  # cosine above which a sentence repeats one already chosen
MIN_CHARS = 8  # shorter sentences are fragments (captions, datelines)
LONG_CHARS = 160  # longer sentences are used only when nothing shorter fits
TITLE_WEIGHT = 1.0  # similarity to the headline (a human summary of the article)

# Datelines and bylines at the start of a sentence: trimmed from the quote (which stays a verbatim substring).
_LEADING = [
    re.compile(r"^(新华社|中新社|中新网|人民网|央视网|央广网|光明网|海外网|环球网|人民日报|经济日报|新京报|澎湃新闻|本报)[^，。；]{0,24}?(电|讯)\s*"),
    re.compile(r"^[^，。；\s]{0,16}讯\s*"),
    re.compile(r"^【[^】]{0,30}】\s*"),
    re.compile(r"^[（(][^）)]{0,40}(记者|通讯员|编辑|报道)[^）)]{0,40}[）)]\s*"),
    re.compile(r"^(记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}\s+"),
]
# Sentences that are page furniture rather than news.
_BOILERPLATE = re.compile(
    r"责任编辑|原标题|^来源[:：]|来源[:：][^，。]{0,20}$|编辑[:：]|版权|联系电话|免责声明|转载|扫码|扫描二维码|"
    r"点击(查看|进入|阅读)|关注(我们|公众号)|^图片来源|^摄影|^文/图|^资料图|^（?完）?$|^\(?完\)?$|"
    r"如遇作品内容|本网联系|本文(来源|转自)|^图[:：]"
)


@dataclass(frozen=True)
class Unit:
    """A summary candidate: a sentence (datelines trimmed) with its place in the article."""

    paragraph: int  # numbered from 1
    start: int
    end: int
    text: str
    position: int  # sentence index in the article


def trim_lead(text: str, start: int) -> tuple[str, int]:
    """Drop a leading dateline/byline ("新华社北京8月11日电", "（记者 …）") from a sentence."""
    changed = True
    while changed:
        changed = False
        for pattern in _LEADING:
            m = pattern.match(text)
            if m and m.end() < len(text) - MIN_CHARS:
                text, start, changed = text[m.end():], start + m.end(), True
    return text, start


def is_boilerplate(text: str) -> bool:
    return bool(_BOILERPLATE.search(text))


def units(article: Article) -> list[Unit]:
    """Candidate sentences of an article, boilerplate and fragments left out."""
    out: list[Unit] = []
    position = 0
    for p, para in enumerate(article.paragraphs, start=1):
        for a, b in split_sentences(para):
            text, start = trim_lead(para[a:b], a)
            position += 1
            if len(text) < MIN_CHARS or is_boilerplate(text):
                continue
            out.append(Unit(p, start, b, text, position - 1))
    return out


def _vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """IDF-weighted bag of content words per sentence, L2-normalised."""
    weights, median = idf()
    question_words = stop_words("question")
    out = []
    for text in texts:
        vec: dict[str, float] = {}
        for tok in tokens(text):
            if len(tok) < 2 or tok in question_words:
                continue
            vec[tok] = vec.get(tok, 0.0) + weights.get(tok, median)
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({k: v / norm for k, v in vec.items()})
    return out


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _centrality(vecs: list[dict[str, float]]) -> list[float]:
    """Similarity of each sentence to the article as a whole (the sum of the others): cos(v, total - v),
    from v·total, |v|² and |total|², so the work is linear in the article's length (building `total - v`
    for each sentence made it quadratic: 49 s for a 1.25 MB article)."""
    total: dict[str, float] = {}
    for v in vecs:
        for k, x in v.items():
            total[k] = total.get(k, 0.0) + x
    total_sq = sum(x * x for x in total.values())
    out = []
    for v in vecs:
        dot = sum(x * total[k] for k, x in v.items())
        own = sum(x * x for x in v.values())
        rest_sq = total_sq - 2 * dot + own  # |total - v|²
        out.append((dot - own) / (math.sqrt(rest_sq) if rest_sq > 1e-9 else 1.0))
    return out


def rank_units(article: Article) -> list[tuple[Unit, float, dict]]:
    """Candidates with their score (centrality × lead prior), best first."""
    cands = units(article)
    if not cands:
        return []
    vecs = _vectors([u.text for u in cands])
    title = _vectors([article.title])[0] if not article.title_derived else {}
    central = _centrality(vecs)
    top = max(central) or 1.0
    scored = []
    for u, v, c in zip(cands, vecs, central):
        lead = 1.0 / (1 + u.position) ** LEAD_DECAY
        score = c / top + LEAD_WEIGHT * lead + TITLE_WEIGHT * _cos(v, title)
        if len(u.text) > LONG_CHARS:
            score *= LONG_CHARS / len(u.text)
        scored.append((u, score, v))
    scored.sort(key=lambda t: -t[1])
    return scored


def select(article: Article) -> list[Unit]:
    """3–5 sentences within the budget, no near-duplicates, in article order."""
    chosen: list[tuple[Unit, dict]] = []
    length = 0
    for unit, _score, vec in rank_units(article):
        if len(chosen) >= MAX_SENTENCES:
            break
        if any(_cos(vec, v) > REDUNDANT for _, v in chosen):
            continue
        if length + len(unit.text) > (MAX_CHARS if len(chosen) < MIN_SENTENCES else BUDGET):
            continue
        chosen.append((unit, vec))
        length += len(unit.text)
        if length >= BUDGET and len(chosen) >= MIN_SENTENCES:
            break
    return sorted((u for u, _ in chosen), key=lambda u: u.position)


def _citation(n: int, article: Article, unit: Unit) -> Citation:
    return Citation(n, article.id, article.title, article.date, article.source, article.url, unit.paragraph, unit.text, unit.start, unit.end)


def summarize_article(article: Article) -> Summary:
    """A 3–5 sentence cited summary of one article, from its own sentences."""
    chosen = select(article)
    citations = [_citation(i, article, u) for i, u in enumerate(chosen, start=1)]
    text = "".join(f"{inert_markers(c.quote)}[{c.n}]" for c in citations)  # the article's own "[9]" cites nothing
    note = None if citations else "the article has no sentences to summarise"
    return Summary(article.id, article.title, text, citations, note=note)


# ---- the corpus overview -------------------------------------------------------------------------------

OVERVIEW_LIMIT = 100  # articles listed; a larger corpus gets a note saying how many were left out


def overview(articles: Sequence[Article], summarize: Callable[[Article], Summary] | None = None) -> Summary:
    """One cited line per article: its title and the summary's most central sentence."""
    lines: list[str] = []
    citations: list[Citation] = []
    shown = sorted(articles, key=lambda a: a.id)[:OVERVIEW_LIMIT]
    for article in shown:
        summary = (summarize or summarize_article)(article)
        first = _overview_sentence(article, summary)
        if first is None:
            lines.append(f"《{article.title}》")
            continue
        c = Citation(len(citations) + 1, **{k: v for k, v in first.to_json().items() if k != "n"})
        citations.append(c)
        lines.append(f"《{inert_markers(article.title)}》：{inert_markers(c.quote)}[{c.n}]")
    note = None
    if len(articles) > len(shown):
        note = f"showing {len(shown)} of {len(articles)} articles"
    title = f"{len(articles)} 篇文章概览" if articles else "没有文章"
    return Summary(None, title, "\n".join(lines), citations, note=note)


def _overview_sentence(article: Article, summary: Summary) -> Citation | None:
    """The summary sentence that best stands for the article: the best-ranked one that it chose."""
    if not summary.citations:
        return None
    best = {(u.paragraph, u.start): i for i, (u, _s, _v) in enumerate(rank_units(article))}
    return min(summary.citations, key=lambda c: best.get((c.paragraph, c.start), len(best)))


class ExtractiveSummarizer(Summarizer):
    """The extractive summaries, cached by content hash when given a cache."""

    backend = "extractive"

    def __init__(self, cache: GuardedSummaries | None = None):
        self.cache = cache

    def summarize(self, article: Article) -> Summary:
        if self.cache is None:
            return summarize_article(article)
        return self.cache.get_or_make(article, summarize_article, ALGORITHM)

    def overview(self, articles: Sequence[Article]) -> Summary:
        return overview(articles, self.summarize)
