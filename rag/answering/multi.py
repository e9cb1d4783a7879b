"""Questions across articles: when a question spreads over several articles, and one readable line per article
that holds evidence.

- "which articles …" (question.MULTI) asks to select articles: an article joins when its answerability reaches
  the fitted multi-article threshold, or half of it when its best unit says the question's news verb or a
  synonym of it (哪几篇报道里有颁奖 → …颁发了荣誉证书: rag/lang/data/news_verbs.tsv).
- "这几篇报道分别是哪天…", "each of the articles" asks something of every article (DISTRIBUTIVE): an article
  whose best unit holds a filler of the asked kind (a date for 哪天) joins at a lower answerability.
- "石马镇、锦江区和青山区的共建活动有什么共同点？" names places (or people, organisations) that each only one
  article holds and compares them (COMPARE or DISTRIBUTIVE): a question across those articles, though it never
  says "articles".
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Callable, Mapping, Sequence

import numpy as np

from rag.answering.asks import asks
from rag.answering.cues import alt
from rag.answering.english import english_terms, pinyin_terms
from rag.answering.model import AnswerModel, Ranked
from rag.answering.postags import is_verb
from rag.answering.periods import asked_period, event_day
from rag.answering.places import named_pairs, named_regions, pair_nouns, place_names
from rag.answering.qfeatures import SLOT_FILLERS, term_match
from rag.answering.question import Question, analyze, synonyms
from rag.answering.refusal import answerability
from rag.answering.titled import with_title
from rag.lang.glossary import glossary_words
from rag.lang.script import normalize
from rag.lang.wordlists import read_rows
from rag.lang.words import idf, stop_words, tokens


def _wording(name: str) -> re.Pattern:
    """One list of data/spread_cues.tsv as one pattern (its rows are alternatives)."""
    return re.compile("|".join(p for n, p in read_rows("rag.answering", "data/spread_cues.tsv", 2, 2) if n == name), re.I)


# Asks the same thing of every article: 这几篇/每篇/各地/分别 …, "each", "respectively".
DISTRIBUTIVE = _wording("distributive")
# Compares what the question names: 共同点, 异同, "in common".
COMPARE = _wording("compare")
# Asks what event (分别讲的是什么活动): each article's line says the event held, in a verb of `held` or a synonym.
EVENT = _wording("event")
HELD = tuple(p for n, p in read_rows("rag.answering", "data/spread_cues.tsv", 2, 2) if n == "held")
NAME_MIN_CHARS = 2  # a name that singles out an article: a word of two characters or more …
NAME_MIN_IDF_SHARE = 0.75  # … as rare as this share of the median word at least (石马 0.94, 锦江区 1.1; 活动 0.39)
DISTRIBUTIVE_FLOOR = 0.5  # share of the multi-article threshold an article needs when its best unit fills the slot
MIN_LINE = 12  # a per-article line shorter than this (a bare date) is shown in its clause
DATED_LINE = 120  # the longest line saying an article's event date for a question with a time condition
SHARED_ARTICLES = 3  # a comparison of at most this many articles quotes what they share ...
SHARED_UNITS = 12  # ... choosing among each article's best-ranked units that report an outcome


def spreads(question: str) -> bool:
    """True when the question may ask across articles without saying "which articles" (look wider first): it
    compares, distributes, or asks twice (Who wrote the Shima story, and which reporter covered the Qu'an
    meeting?: each ask may name its own article)."""
    norm = normalize(question)
    return bool(DISTRIBUTIVE.search(norm) or COMPARE.search(norm) or len(asks(norm)) >= 2)


def named_articles(q: Question, texts: Mapping[str, str], median: float) -> list[str]:
    """The articles (ids of `texts`, in its order) each singled out by a name of the question that no other of
    `texts` holds; empty unless the question names at least two such articles and compares or distributes, or
    asks twice with each ask singling out its own article (Who wrote the Shima-Xiaojian story, and which
    reporter covered the Qu'an town cadre meeting?)."""
    norm = normalize(q.text)
    if DISTRIBUTIVE.search(norm) or COMPARE.search(norm):
        named = _singled_out(q, texts, places=True)
        return named if len(named) >= 2 else []
    # English names are capitalised pinyin: the asks as written
    each = [_singled_out(analyze(text), texts) for text in asks(q.text if q.script == "en" else norm)]
    named = [aid for aid in texts if any(one == [aid] for one in each)]
    return named if len(named) >= 2 else []


def asked_article(q: Question, texts: Mapping[str, str]) -> str | None:
    """The one article of `texts` that an ask of a question asking twice singles out by a name, when no ask singles
    out another (When did Qingdao hold its contest, and who spoke about it? → the Qingdao article, which a search
    for the whole question may rank below articles where someone speaks): it is read, whatever its rank."""
    found = asks(q.text if q.script == "en" else normalize(q.text))
    if not found:
        return None
    each = [_singled_out(analyze(text), texts) for text in found]
    named = {aid for one in each for aid in one}
    return next(iter(named)) if len(named) == 1 else None


def single_article(q: Question, texts: Mapping[str, str]) -> str | None:
    """The one article of `texts` the question's names single out (石马镇小枧镇结对那次活动… → the article naming
    石马 and 小枧, no other of them), or None when they single out none or several."""
    named = _singled_out(q, texts)
    return named[0] if len(named) == 1 else None


def _singled_out(q: Question, texts: Mapping[str, str], places: bool = False) -> list[str]:
    """The articles of `texts` (in order) that a name of the question singles out: no other of them holds it; with
    `places` (a question asked of each or comparing), a city of data/provinces.tsv is a name whatever its weight
    and a province singles out every article of it (not for each of two asks: 锦江区和青岛那两篇…：锦江区…叫什么？
    青岛那边…又是谁？ — its first ask would single out both)."""
    english = q.script == "en"
    spelt: set[str] = set()
    if english:  # an English question names the articles in pinyin (Qingshan → 青山)
        # a capitalised pinyin name is a name however common its word is (Qingdao → 青岛)
        spelt = {term for term, _ in pinyin_terms(q, texts.values()).terms}
        q = english_terms(q, texts.values())
    weights, median = idf()
    owners: dict[str, str] = {}
    regions = dict((region[0], region) for region in named_regions(q)) if places else {}  # 四川: 绵阳, 成都
    cities = place_names() if places else frozenset()
    for term, weight in q.terms:
        if english:  # a pinyin spelling shares its weight among the words it spells (qingshan: 青山, 清单)
            weight = weights.get(term, weight)
        if term in regions:  # a province singles out every article of it (naming it or a city of it)
            for aid, text in texts.items():
                if any(w in text for w in regions[term]):
                    owners.setdefault(aid, term)
            continue
        # a city of data/provinces.tsv is a name however common its word is (成都 0.56 of the median)
        if len(term) < NAME_MIN_CHARS or (weight < NAME_MIN_IDF_SHARE * median and term not in spelt and term not in cities):
            continue
        having = [aid for aid, text in texts.items() if term in text]
        if len(having) == 1:
            owners.setdefault(having[0], term)
    return [aid for aid in texts if aid in owners]


_ARTICLES_ASKED = re.compile(r"哪(?:几|些|两|三)?(?:篇|则|条新闻)|哪些(?:文章|报道|报导|新闻|稿件)|有几篇")  # not 哪些城市


def region_articles(q: Question, search: Callable[[str], Sequence[str]], texts: Callable[[str], str]) -> list[str]:
    """For a question across articles naming a province (哪几篇报道是四川的？), the articles a search for the province
    and its cities finds that name one of them (绵阳石马镇 … though it never says 四川), in the order found: read
    beside those found for the question, whose words (四川) such an article may not hold. Only a question asking for
    articles (福建和广东分别有哪些城市… asks cities, of the articles found for it)."""
    regions = named_regions(q) if q.multi and _ARTICLES_ASKED.search(normalize(q.text)) else []
    if not regions:
        return []
    words = [w for region in regions for w in region]
    return [aid for aid in dict.fromkeys(search(" ".join(words))) if any(w in texts(aid) for w in words)]


def holds_filler(q: Question, ranked: Ranked, row: int, kinds: Sequence[str] | None = None) -> bool:
    """True when the unit of `row` holds a filler of the kind of answer asked for (a date for 哪天), or of
    one of `kinds` when given."""
    pa, unit = ranked.article_of(row), ranked.unit_of(row)
    return any(pa.slots.within(kind, unit) for kind in (SLOT_FILLERS.get(q.atype, ()) if kinds is None else kinds))


def _filler_kinds(q: Question) -> list[tuple[str, ...]]:
    """The filler kinds of the asked-for answer, first choice first: each alone, then all together."""
    kinds = SLOT_FILLERS.get(q.atype, ())
    return [(k,) for k in kinds] if len(kinds) > 1 else [kinds] if kinds else []


SPOKEN_HELD = ("开", "办")  # 在什么地方开的, 在哪办的: spoken for 召开/举办 when the question asks where


def news_verbs(q: Question) -> list[str]:
    """The question's news verbs that articles say in several ways (颁奖, 举办: rag/lang/data/news_verbs.tsv); a
    spoken 开/办 of a where question as 举办 (石马镇和新沟桥街道的活动分别是在什么地方开的)."""
    verbs = [t for t, _ in q.terms if synonyms(t)]
    if q.atype == "place" and any(t in SPOKEN_HELD for t, _ in q.terms) and not verbs:
        verbs.append(HELD[0])
    return verbs


def says_verb(text: str, verbs: Sequence[str]) -> bool:
    """Whether a unit's text says one of the verbs or a synonym of it (颁发 for 颁奖; 召开 for 举办)."""
    return any(w in text for v in verbs for w in (v, *synonyms(v)))


def verb_coverage(terms: Sequence[tuple[str, float]], text: str) -> float:
    """The share of the terms' weight that `text` holds (qfeatures.coverage), a news verb and its synonyms counted
    as one term held when the text says any of them: "held" glossed 举办, 举行, 召开 (or 哪些活动是6月举办的) asks
    for one act, which the Shima meeting says as 举行 and the Qingshan one as 召开."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for t, w in terms:
        key = min((t, *synonyms(t)))  # one key for a verb and its synonyms
        groups.setdefault(key, []).append((t, w))
    total = sum(max(w for _, w in g) for g in groups.values())
    if not total:
        return 0.0
    held = 0.0
    for key, g in groups.items():
        said = [key, *synonyms(key)] if synonyms(key) else [t for t, _ in g]
        held += max(w for _, w in g) * max(term_match(t, text) for t in said)
    return held / total


def phrases(q: Question) -> list[str]:
    """Two words the question says one after the other (a 的 between them left out) as one phrase: 小枧镇的党委书记
    → 小枧镇党委书记, the name and the role it names."""
    norm = normalize(q.text)
    terms = [t for t, _ in q.terms]
    return [a + b for a, b in zip(terms, terms[1:]) if re.search(re.escape(a) + "的?" + re.escape(b), norm)]


_EITHER = ("或者", "或是", "或")


def either_words(norm: str) -> tuple[str, ...]:
    """The two nouns a Chinese question offers as alternatives (在图书馆或者文化馆办的 → 图书馆, 文化馆): words of two or
    more characters right before and after 或者/或是/或; () without such a pair."""
    words = tokens(norm)
    for i, w in enumerate(words[1:-1], start=1):
        a, b = words[i - 1], words[i + 1]
        if w in _EITHER and len(a) >= 2 and len(b) >= 2 and not (is_verb(a) or is_verb(b)):
            return a, b
    return ()


def shared_rows(q: Question, ranked: Ranked, adjusted: np.ndarray, articles: Sequence[int] | None = None) -> dict[int, int]:
    """For a question comparing two or three articles (有什么共同点): pool index → the row of its line, the units
    reporting an outcome (签署, 颁发, 成立 …: `outcome` in data/unit_cues.tsv) that share the most words, weighed by
    rarity, with the other articles' lines (石马镇 签署共建合作协议 / 青山区 签订了睦邻共建协议); empty when the question
    compares nothing or no such units share a word beyond the question's own."""
    indices = list(range(len(ranked.pool)) if articles is None else articles)
    if not COMPARE.search(normalize(q.text)) or not 2 <= len(indices) <= SHARED_ARTICLES:
        return {}
    outcome, asked = _outcome(), {t for t, _ in q.terms}
    weights, median = idf()
    options = []
    for i in indices:
        mine = [int(r) for r in np.where(ranked.owner == i)[0] if outcome.search(ranked.unit_of(int(r)).text)]
        mine = sorted(mine, key=lambda r: -adjusted[r])[:SHARED_UNITS]
        found = [(r, _bag(ranked.unit_of(r).text, asked, weights, median)) for r in mine]
        if not found:
            return {}
        options.append(found)
    best, chosen = 0.0, {}
    for combo in itertools.product(*options):
        common = set.intersection(*(set(bag) for _, bag in combo))
        if common:
            score = sum(min(bag[w] for _, bag in combo) for w in common) / sum(sum(bag.values()) for _, bag in combo) ** 0.5
            if score > best:
                best, chosen = score, {i: r for i, (r, _) in zip(indices, combo)}
    return chosen


@lru_cache(maxsize=1)
def _outcome() -> re.Pattern:
    return re.compile(alt("outcome"))


def _bag(text: str, asked: set[str], weights: dict, median: float) -> dict[str, float]:
    """A unit's words of two characters or more, not stop words nor the question's own, with their IDF."""
    stop = stop_words("search")
    return {w: weights.get(w, median) for w in tokens(text) if len(w) >= 2 and w not in stop and w not in asked}


def _question_weight(q: Question, text: str) -> float:
    """The weight of the question's words (of two characters or more, or numbers) that `text` holds."""
    return sum(w for t, w in q.terms if (len(t) >= 2 or t.isdigit()) and t in text)


def _english_act(q: Question) -> tuple[str, ...]:
    """The rarest of an English question's terms that its glossary words gave (致辞 of 'speech'); none else."""
    if q.script != "en":
        return ()
    given = set(glossary_words(q.text))
    found = [(w, t) for t, w in q.terms if t in given]
    return (max(found)[1],) if found else ()


def widen(ranked: Ranked, row: int, adjusted: np.ndarray) -> int:
    """The row itself, or, when its unit is shorter than MIN_LINE (a bare date), the best-scoring unit of its
    article that contains it and is long enough to read: the line then says what happened that day."""
    unit = ranked.unit_of(row)
    if unit.chars >= MIN_LINE:
        return row
    mine = np.where(ranked.owner == ranked.owner[row])[0]
    around = [int(r) for r in mine if ranked.unit_of(int(r)).chars >= MIN_LINE and _contains(ranked.unit_of(int(r)), unit)]
    return max(around, key=lambda r: adjusted[r]) if around else row


def _contains(big, small) -> bool:
    return all(any(p == q and a <= c and d <= b for p, a, b in big.spans) for q, c, d in small.spans)


def per_article(q: Question, ranked: Ranked, model: AnswerModel, adjusted: np.ndarray, limit: int,
                articles: Sequence[int] | None = None, named: bool = False) -> list[int]:
    """The best unit of each pooled article (of `articles`, pool indices, when given) that answers its part of a
    question across articles, best first, at most `limit`: answerability at the multi-article threshold, or, for
    a question asked of every article, a unit holding the asked-for kind at DISTRIBUTIVE_FLOOR of it — at any
    answerability when the question singled the pooled articles out by name (`named`, rag.answering.multi
    named_articles): each answers its own part, and the other parts' words are not in it."""
    norm = normalize(q.text)
    # comparing a kind of answer (how many people came to the one, how many groups the other names) asks each
    # article for its own filler: as a question asked of every article, not for what the articles share
    typed_compare = bool(COMPARE.search(norm)) and bool(SLOT_FILLERS.get(q.atype))
    # which of the articles …, and in which town: a second ask of a kind asks it of every article the first selects;
    # not a date, which nearly every article gives (哪几篇…是6月份办的？各是几号？ would list July's and February's)
    found = asks(norm)
    selected_ask = (len(found) >= 2 and analyze(found[0]).multi and bool(SLOT_FILLERS.get(q.atype))
                    and "date" not in SLOT_FILLERS.get(q.atype, ()))
    distributive = bool(DISTRIBUTIVE.search(norm)) or typed_compare or selected_ask
    wanted = phrases(q)
    verbs = news_verbs(q)
    shared = {} if typed_compare else shared_rows(q, ranked, adjusted, articles)
    regions = named_regions(q)  # 哪几篇发生在四川: an article of the province (naming it or a city of it) joins
    # 哪几篇讲的是两个镇或者两个街道之间结对共建的: an article joins when a unit of it names two such places joined
    # (石马镇、小枧镇; 新沟桥街道与红钢城街道), and that unit is its line — not when the question named its articles
    # (石马镇和两个街道的活动分别…: the articles are given, their pair is no condition)
    pairs = () if named else pair_nouns(q.text)
    alternatives = either_words(norm)
    period = asked_period(q)  # 哪几篇的活动是在6月举行的: an article joins when its event date is in June
    rows = []
    for i in range(len(ranked.pool)) if articles is None else articles:
        mine = np.where(ranked.owner == i)[0]
        if not len(mine):
            continue
        if regions and not all(any(w in ranked.pool[i].units.text for w in region) for region in regions):
            continue  # not of the province named
        said, *day = event_day(ranked.pool[i].units.text, ranked.pool[i].article.date) if period else (None,)
        if period is not None and not period.meets(*day):
            continue  # its event is not in the period asked
        best = int(mine[np.argmax(adjusted[mine])])
        by_body = False  # the line answers who by a body that did the question's act
        acts_shared = False  # asked of every article, the line says the question's act (颁奖 → …颁发了荣誉证书)
        if distributive:  # asked of every article (这几篇分别在哪里): its line is its best unit that holds the kind
            for kinds in _filler_kinds(q):  # a place before an organisation for 哪里
                filled = [int(r) for r in mine if holds_filler(q, ranked, int(r), kinds)]
                if q.atype in ("person", "speaker"):  # who did it: a unit saying the question's verb first
                    # (由谁主持 → 会议由镇人大主席张晓敏主持, not 渠岸镇…王刚任组长); in English the rarest of its
                    # glossary words (who gave the opening speech → 致辞, before 会议)
                    acts = q.predicates or _english_act(q)
                    acting = [r for r in filled if any(v in ranked.unit_of(r).text for v in acts)]
                    if acts and not acting:  # 颁给了谁: a body may be who received it or did it (…为区政协、
                        # 区法院…6个…标兵单位颁发了荣誉证书), before a person who did something else
                        acting = [int(r) for r in mine if holds_filler(q, ranked, int(r), ("org",))
                                  and any(v in ranked.unit_of(int(r)).text for v in acts)]
                        by_body = bool(acting)
                    filled = acting or filled
                if q.atype == "place" and verbs:  # where it was held: a unit saying so (在成都市文化馆举办), in
                    # the question's verb or its synonym, before one naming a place in passing
                    filled = [r for r in filled if says_verb(ranked.unit_of(r).text, verbs)] or filled
                # a unit saying the question's phrase as one (小枧镇的党委书记 → 小枧镇党委书记陈胡立) before one
                # holding its words apart (小枧镇三星社区党委书记顾仕松)
                filled = [r for r in filled if any(ph in ranked.unit_of(r).text for ph in wanted)] or filled
                if filled:
                    best = max(filled, key=lambda r: adjusted[r])
                    break
            acting = [int(r) for r in mine if says_verb(ranked.unit_of(int(r)).text, verbs)]
            typed = [r for r in acting if holds_filler(q, ranked, r)] if SLOT_FILLERS.get(q.atype) else acting
            if acting and best not in acting and (typed or not holds_filler(q, ranked, best)):
                # 两篇都有颁奖表彰，各自表彰了哪些: each line the sentence of its own award (…颁发了荣誉证书), one
                # holding the kind asked for first; never over a unit holding it when none saying the act does
                # (分别是几月几号: the meeting's 6月16日, not …还签订了…协议)
                best = max(typed or acting, key=lambda r: adjusted[r])
            acts_shared = best in acting
        saying = [int(r) for r in mine if says_verb(ranked.unit_of(int(r)).text, verbs)] if not distributive else []
        held = [int(r) for r in mine if says_verb(ranked.unit_of(int(r)).text, HELD)] if (
            distributive and not verbs and EVENT.search(norm)) else []
        if held:  # 分别讲的是什么活动: the unit saying it was held (…结对共建签约仪式; …联合召开…联席会)
            best = max(held, key=lambda r: (_question_weight(q, ranked.unit_of(r).text), adjusted[r]))
        if saying:  # which articles report an award: its line is its best unit that says so (…颁发了荣誉证书)
            best = max(saying, key=lambda r: adjusted[r])
        best = shared.get(i, best)
        best = with_title(q, ranked, best, adjusted)  # what each thing is called: the unit quoting its name
        either = [int(r) for r in mine if any(w in ranked.unit_of(int(r)).text for w in alternatives)]
        if either and best not in either:  # 在图书馆或者文化馆办的: its line names the one it has, held
            # there first (…在青山区图书馆联合召开…, not …大山里的图书馆建设)
            best = max(either, key=lambda r: (says_verb(ranked.unit_of(r).text, HELD), adjusted[r]))
        if not (distributive and _filler_kinds(q)) and i not in shared and not held and not _question_weight(q, ranked.unit_of(best).text):
            # which articles are about X: a line sharing no word with the question (a bare 2022年 the model liked)
            # says nothing of X; the unit holding most of the question's words says why the article is listed
            best = max((int(r) for r in mine), key=lambda r: (_question_weight(q, ranked.unit_of(r).text), adjusted[r]))
        if regions and not any(w in ranked.unit_of(best).text for region in regions for w in region):
            # its line says where (…绵阳石马镇党委…), when one of its units does
            placed = [int(r) for r in mine if any(w in ranked.unit_of(int(r)).text for region in regions for w in region)]
            best = max(placed, key=lambda r: adjusted[r]) if placed else best
        if pairs:
            paired = [int(r) for r in mine if named_pairs(ranked.unit_of(int(r)).text, pairs)]
            if not paired:
                continue  # names no two such places together: not what the question asks for
            if best not in paired:
                best = max(paired, key=lambda r: (_question_weight(q, ranked.unit_of(r).text) > 0, adjusted[r]))
        dated = [int(r) for r in mine if said and said in ranked.unit_of(int(r)).text and MIN_LINE <= ranked.unit_of(int(r)).chars <= DATED_LINE]
        if dated:  # its line says the event's date (6月25日,石马镇、小枧镇…齐聚…; …6月16日,…联合召开…联席会)
            best = max(dated, key=lambda r: (says_verb(ranked.unit_of(r).text, HELD),
                                             ranked.unit_of(r).text.startswith(said), ranked.unit_of(r).chars))
        p = answerability(q, ranked, model, mine)
        floor = 0.0 if named else DISTRIBUTIVE_FLOOR * model.multi_threshold
        if ((bool(regions) or period is not None) and p >= floor) or (p >= model.multi_threshold or (distributive and p >= floor and (by_body or holds_filler(q, ranked, best)))
                or (p >= floor and (bool(saying) or acts_shared))):
            rows.append(widen(ranked, best, adjusted))
    return sorted(rows, key=lambda r: -ranked.scores[r])[:limit]


def venue_row(q: Question, ranked: Ranked, rows: Sequence[int], adjusted: np.ndarray) -> int | None:
    """Where one article's event was held (石马镇的活动是在什么地方举办的; 召开, 举行, 开的 as written: its synonyms): when
    no chosen unit says a verb of holding, the best-scoring unit of the chosen article that says one beside a place
    (…齐聚石马镇人民政府5楼会议室,举行…签约仪式), not a unit naming the place in passing; None otherwise."""
    if q.atype != "place" or q.multi or not len(rows) or not says_verb(" ".join(news_verbs(q)), HELD):
        return None

    def held_there(r: int) -> bool:
        return says_verb(ranked.unit_of(r).text, HELD) and holds_filler(q, ranked, r, ("place",))

    if any(says_verb(ranked.unit_of(int(r)).text, HELD) for r in rows):
        return None  # a chosen unit says it was held (…19日在伦敦举办: a place the slots may not know)
    owner = ranked.owner[rows[0]]
    return next((int(r) for r in np.argsort(-adjusted, kind="stable") if ranked.owner[r] == owner and held_there(int(r))), None)


def pair_row(q: Question, ranked: Ranked, row: int, adjusted: np.ndarray) -> int:
    """For a question asking two places of a kind (那个项目位于哪两个镇的交界处？), the unit of the chosen row's
    article naming two such places joined (…位于青义镇、石马镇交界) that holds most of the question's words (项目,
    交界), then scores best; the chosen row when it is such a unit holding as many, or when none names two."""
    pairs = pair_nouns(q.text, asked=True)
    if not pairs:
        return row
    mine = [int(r) for r in np.where(ranked.owner == ranked.owner[row])[0]]
    paired = [r for r in mine if named_pairs(ranked.unit_of(r).text, pairs)]
    if not paired:
        return row
    weight = {r: _question_weight(q, ranked.unit_of(r).text) for r in (*paired, row)}
    best = max(paired, key=lambda r: (weight[r], adjusted[r]))
    return row if row in paired and weight[row] >= weight[best] else best
