"""Summaries across articles: which articles are about a topic (`match_topic`), and a cited summary of them
(`topic_summary`) that covers the articles without repeating what two of them both say, in date order,
naming the outlets. Hundreds of matching articles are grouped (rag.answering.clusters) and each group is
summarised: the whole-corpus summary a top-k chat cannot give.

Matching reads every article, not a top-k: an article matches when it holds most of the topic's words
(IDF-weighted; Simplified or Traditional spelling), and the retriever's best articles for the topic (dense and
BM25) are added when they hold at least half of them; an English topic is read through the glossary and pinyin.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np

from rag.answering.clusters import Group, cluster
from rag.answering.english import latin_names
from rag.answering.selection import Scored, article_tau, best_run, score_article, shown
from rag.answering.stories import also_carried, carriers, distinct_stories
from rag.contracts import Retriever
from rag.ingest.articles import Article
from rag.lang.glossary import chinese_of, glossary_words
from rag.lang.pinyin import pinyin_index
from rag.lang.script import has_han, normalize, to_traditional
from rag.lang.words import idf, stop_words, tokens
from rag.records import Citation, Summary, TopicMatch

COVERAGE = 0.75  # share of the topic's word weight an article must hold (all of it for one or two words)
RETRIEVED = 100  # the retriever's best articles considered
RETRIEVED_COVERAGE = 0.5  # ... and the share of the topic they must hold
LINES_ONE_GROUP = 8  # sentences of a summary of one group (few articles)
LINES_PER_GROUP = 4  # sentences per group when grouped
ARTICLES_READ_PER_GROUP = 5  # the most relevant articles of a group whose sentences are scored
REDUNDANT = 0.5  # share of a sentence's character bigrams found in a chosen one above which it repeats it
SENTENCES_PER_ARTICLE = 2  # candidate sentences of each article read


@lru_cache(maxsize=8192)
def _raw(article: Article) -> str:
    return (article.title + "\n" + "\n".join(article.paragraphs)).lower()


def topic_terms(topic: str, texts: Sequence[str] = ()) -> list[tuple[str, float]]:
    """The topic's content words with their IDF; an English topic's through the glossary and pinyin (in `texts`)."""
    weights, median = idf()
    stop = stop_words("search", "question")
    words = [w for w in dict.fromkeys(tokens(topic)) if w not in stop and (len(w) >= 2 or w.isdigit()) and has_han(w)]
    if not has_han(topic):
        words += glossary_words(topic)
        names = latin_names(topic, capitalised=False)
        for text in texts if names else ():
            index = pinyin_index(text)
            words += [w for name in names for w in index.get(name, ())]
        latin = [w for w in normalize(topic).split() if w.isascii() and w.isalnum() and len(w) >= 2 and w not in stop]
        words += [w for w in latin if w not in ("the", "of", "and")]
    return [(w, weights.get(w, median)) for w in dict.fromkeys(words)]


_LATIN_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PLAIN = ("the", "of", "and")


def topic_forms(topic: str, texts: Sequence[str] = ()) -> list[tuple[str, float, tuple[str, ...]]]:
    """The topic's terms as (term, IDF weight, forms any one of which counts). A Chinese topic: each content word
    (`topic_terms`), in Simplified and Traditional. An English topic: each English word once, its forms the
    glossary's Chinese words for it (signing: 签署, 签订 or 签约 — alternatives, not three terms an article must
    all hold; two words the glossary has hyphenated, party building, read as one: 党建), the Han words it spells
    in pinyin in `texts` (a place or a name), and the English word itself (English articles)."""
    if has_han(topic):
        return [(t, w, tuple(dict.fromkeys([t, to_traditional(t)]))) for t, w in topic_terms(topic, texts)]
    weights, median = idf()
    stop = stop_words("search", "question")
    words = [w for w in _LATIN_WORD.findall(normalize(topic).lower()) if w not in stop and w not in _PLAIN]
    units: list[str] = []
    i = 0
    while i < len(words):  # party building → party-building when the glossary has it
        pair = f"{words[i]}-{words[i + 1]}" if i + 1 < len(words) else ""
        if pair and chinese_of(pair):
            units.append(pair)
            i += 2
        else:
            units.append(words[i])
            i += 1
    indexes = [pinyin_index(t) for t in texts] if texts else []
    out: list[tuple[str, float, tuple[str, ...]]] = []
    for unit in dict.fromkeys(units):
        han = list(glossary_words(unit))
        if len(unit) >= 3 and unit.isalpha():
            han += [h for index in indexes for h in index.get(unit, ())]
        han = list(dict.fromkeys(han))
        if not han and len(unit) < 2:
            continue
        forms = tuple(dict.fromkeys([f for h in han for f in (h, to_traditional(h))] + [unit]))
        weight = (sum(weights.get(h, median) for h in han) / len(han)) if han else weights.get(unit, median)
        out.append((han[0] if han else unit, weight, forms))
    return out


def _coverage(terms: Sequence[tuple[str, float, tuple[str, ...]]], raw: str) -> tuple[float, float]:
    """(share of the terms' weight the text holds, a relevance score: weight × capped mentions)."""
    total = sum(w for _, w, _ in terms) or 1.0
    held, relevance = 0.0, 0.0
    for _, w, forms in terms:
        count = sum(raw.count(f) for f in forms)
        if count:
            held += w
            relevance += w * (1.0 + math.log(min(count, 8)))
    return held / total, relevance / total


def match_topic(topic: str, articles: Mapping[str, Article], retriever: Retriever | None, language: str = "zh") -> TopicMatch:
    """The articles about `topic`, most relevant first; every article, in shelf order, for an empty topic (a
    timeline of everything: 把这些活动按时间先后排一下, put the events in chronological order)."""
    if not topic.strip():
        return TopicMatch("", tuple(articles.values()), tuple(0.0 for _ in articles), language)
    retrieved: dict[str, float] = {}
    if retriever is not None and topic.strip():
        retrieved = {aid: s for aid, s in retriever.search_articles(topic, k=RETRIEVED) if aid in articles}
    forms = topic_forms(topic, [_raw(articles[a]) for a in list(retrieved)[:20]])
    need = 0.999 if len(forms) <= 2 else COVERAGE
    scored = {a.id: _coverage(forms, _raw(a)) if forms else (0.0, 0.0) for a in articles.values()}
    # a topic of one or two words that some article holds whole admits no retrieved article holding half of it
    # (党建联盟: 青岛's 党建联盟, not every article saying 党建 — a newcomer's third trial got all five)
    partial = need < 0.999 or not any(cover >= need for cover, _ in scored.values())
    found: list[tuple[float, Article]] = []
    for article in articles.values():
        cover, relevance = scored[article.id]
        title_hit = sum(w for t, w, fs in forms if any(f in article.title.lower() for f in fs)) / (sum(w for _, w, _ in forms) or 1)
        in_retrieved = article.id in retrieved
        if cover >= need or (in_retrieved and partial and (cover >= RETRIEVED_COVERAGE or not forms)):
            found.append((relevance + title_hit + (0.5 if in_retrieved else 0.0), article))
    found.sort(key=lambda t: (-t[0], t[1].id))
    return TopicMatch(topic, tuple(a for _, a in found), tuple(s for s, _ in found), language)


# ---- the summary ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    article: Article
    span: tuple[int, int, int]
    score: float
    also: tuple[str, ...] = ()  # other outlets that carried the same story

    @property
    def text(self) -> str:
        p, a, b = self.span
        return self.article.paragraph(p)[a:b]


def candidate_lines(article: Article, weight: float, terms: Sequence[tuple[str, ...]], per_article: int = SENTENCES_PER_ARTICLE,
                    also: tuple[str, ...] = ()) -> list[Line]:
    """An article's best sentences (cut to their clause runs) as summary lines, scored for the topic."""
    scored: Scored = score_article(article)
    ps, pk = scored.sentence_scores, scored.clause_scores
    if not len(ps):
        return []
    tau = article_tau(pk, 0.3)
    out = []
    for i in np.argsort(-ps, kind="stable")[:per_article * 2].tolist():
        if ps[i] < 0:
            continue
        s = scored.sentences[i]
        span = (s.paragraph, *best_run(s, pk[i], tau))
        text = normalize(article.paragraph(span[0])[span[1]:span[2]])
        on_topic = sum(any(f in text for f in forms) for forms in terms) / max(1, len(terms))
        out.append(Line(article, span, weight * float(ps[i]) * (0.1 + on_topic), also))
        if len(out) >= per_article:
            break
    return out


def text_bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text's letters and digits (Simplified, lower case; punctuation and spaces out)."""
    key = "".join(c for c in normalize(text) if c.isalnum())
    return frozenset(key[i:i + 2] for i in range(len(key) - 1))


def repeats(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sentences say the same: most of the shorter one's bigrams are in the other."""
    return bool(a and b) and len(a & b) / min(len(a), len(b)) > REDUNDANT


def pick_lines(lines: Sequence[Line], n: int) -> list[Line]:
    """Up to n lines, best first, skipping one that repeats a chosen line (character-bigram cosine) and a second
    line from an article already quoted while other articles have lines left.
    (Not a TF-IDF cosine: over a few short lines its vocabulary is a handful of shared bigrams, and unrelated
    lines that share one of them look alike.)"""
    if not lines:
        return []
    grams = [text_bigrams(l.text) for l in lines]
    order = sorted(range(len(lines)), key=lambda i: -lines[i].score)
    chosen: list[int] = []
    for second_pass in (False, True):
        for i in order:
            if len(chosen) >= n:
                break
            if i in chosen or (not second_pass and any(lines[j].article.id == lines[i].article.id for j in chosen)):
                continue
            if any(repeats(grams[i], grams[j]) for j in chosen):
                continue
            chosen.append(i)
    return [lines[i] for i in chosen]


def date_key(article: Article) -> tuple:
    """Dated articles by date, then year-less ones (--MM-DD) by day, then undated ones."""
    d = article.date or ""
    if d[:4].isdigit():
        return (0, d[:10], article.id)
    if d.startswith("--"):
        return (1, d[2:7], article.id)
    return (2, "", article.id)


def shown_date(article: Article, language: str) -> str:
    d = article.date or ""
    if d[:4].isdigit():
        return d[:10]
    if d.startswith("--"):
        return f"{d[2:7]}（年份不详）" if language == "zh" else f"{d[2:7]} (year not given)"
    return "日期不详" if language == "zh" else "undated"


def outlets(articles: Sequence[Article], language: str, most: int = 5) -> str:
    named = [a.source for a in articles if a.source]
    counts: dict[str, int] = {}
    for s in named:
        counts[s] = counts.get(s, 0) + 1
    top = sorted(counts, key=lambda s: (-counts[s], s))[:most]
    if not top:
        return "未注明来源" if language == "zh" else "outlets not named"
    more = len(counts) - len(top)
    if language == "zh":
        return "来源：" + "、".join(top) + (f" 等 {len(counts)} 家" if more else "")
    return "outlets: " + ", ".join(top) + (f" and {more} more" if more else "")


@dataclass(frozen=True)
class TopicGroup:
    """A group of the matching articles and the lines chosen to summarise it, in date order."""

    heading: str  # the group's head line: its central article's title, its size and outlets
    articles: tuple[Article, ...]
    lines: tuple[Line, ...]


def topic_title(match: TopicMatch) -> str:
    n = len(match.articles)
    return f"关于“{match.topic}”的报道（{n} 篇）" if match.language == "zh" else f"Coverage of “{match.topic}” ({n} article{'' if n == 1 else 's'})"


def nothing_found(match: TopicMatch, title: str) -> Summary:
    text = f"没有找到关于“{match.topic}”的报道。" if match.language == "zh" else f"No article is about “{match.topic}”."
    return Summary(None, title, text, [], note="no matching articles")


def topic_groups(match: TopicMatch) -> list[TopicGroup]:
    """The matching articles grouped (one group when they are few), each with its chosen lines."""
    zh = match.language == "zh"
    arts = list(match.articles)
    terms = [forms for _, _, forms in topic_forms(match.topic)]
    groups: list[Group] = cluster(arts)
    out = []
    for g in groups:
        members = [arts[i] for i in g.members]
        read = distinct_stories(members, ARTICLES_READ_PER_GROUP)  # members come in relevance order
        cands = [l for rank, (a, others) in enumerate(read)
                 for l in candidate_lines(a, 1.0 / math.sqrt(1 + rank), terms, also=carriers(a, others))]
        chosen = pick_lines(cands, LINES_PER_GROUP if len(groups) > 1 else min(LINES_ONE_GROUP, len(members)))
        where = outlets(members, match.language)
        if len(groups) == 1:
            heading = where
        elif zh:
            heading = f"【{arts[g.central].title}】等 {len(members)} 篇，{where}"
        else:
            heading = f"[{arts[g.central].title}] and related: {len(members)} articles, {where}"
        out.append(TopicGroup(heading, tuple(members), tuple(sorted(chosen, key=lambda l: date_key(l.article)))))
    return out


def topic_summary(match: TopicMatch) -> Summary:
    """A cited summary of the matching articles: group by group, each group's lines in date order."""
    title = topic_title(match)
    if not match.articles:
        return nothing_found(match, title)
    lines_out: list[str] = []
    citations: list[Citation] = []
    for group in topic_groups(match):
        lines_out.append(group.heading)
        for line in group.lines:
            n = len(citations) + 1
            p, a, b = line.span
            art = line.article
            citations.append(Citation(n, art.id, art.title, art.date, art.source, art.url, p, line.text, a, b))
            lines_out.append(f"{shown_date(art, match.language)} {shown(line.text)}[{n}]{also_carried(line.also, match.language)}")
    return Summary(None, title, "\n".join(lines_out), citations)
