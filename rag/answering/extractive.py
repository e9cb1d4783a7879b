"""Extractive cited answers: the articles' own sentences that answer a question, no language model.

The pipeline: retrieve chunks, split them into the paragraph's sentences, score each sentence by how
much of the question's content it covers (jieba words weighted by IDF), by its retrieval rank and by
whether it holds the kind of thing asked for (a name, a number, a date, a place); answer with the best
one or two quotes, or one per article for "which articles/places" questions; refuse when the evidence
is weak. Every citation quotes the cleaned paragraph verbatim: a whole sentence, or (for a long
sentence) a run of its whole clauses, which the answer marks with an ellipsis.

Answers are shown in the question's script (OpenCC); `original` keeps them in the articles' own. An
English question gets an English lead line naming the article, then the Chinese evidence; pinyin names
in it ("Shima town") are matched to the Chinese text when pypinyin is installed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Iterator, Mapping, Sequence

from rag.config import Config
from rag.ingest.articles import Article
from rag.lang.glossary import glossary, glossary_words
from rag.lang.pinyin import pinyin_index, romanised_names
from rag.lang.script import has_han, normalize, script_of, to_script
from rag.lang.sentences import split_sentences
from rag.lang.words import idf, stop_words, tokens

# ---- tuning (measured on ../shared/eval/dev_qa.jsonl and CRUD qa_dev; see bench/bench_answer.py) --------
# config.k retrieved chunks compete for an answer (3, 5 and 10 measure the same on CRUD qa_dev: the best
# articles are read whole anyway).
MULTI_CHUNKS = 40  # "which articles ..." questions look wider
SCAN_ARTICLES = 2  # the best-ranked articles are read whole: the answer may sit in a chunk ranked lower
SCAN_RANK_OFFSET = 3  # a sentence found by reading ranks this far below its article's best chunk
SCAN_SENTENCES = 400  # at most this many sentences of one article are read
CUE_BONUS = 0.25  # the sentence holds what the question asks for (a name for 谁, a number for 多少 ...)
CUE_BONUS_CROSS = 0.4  # ... for an English question, where the cue is most of what we can check
CUE_CHECK = 40  # candidates checked for the cue, best first
RANK_WEIGHT = 0.3  # weight of the retrieval-rank prior, 1/(1+rank)**RANK_DECAY
RANK_DECAY = 0.5
PARTIAL_MATCH = 0.5  # a long word whose bigrams are mostly present counts this much (× their share)
CONTEXT_CREDIT = 0.5  # a question word found in the article but not in the quote counts this much
FOLLOW_UP_WEIGHT = 0.3  # words of the previous question, for ranking a follow-up's sentences
LENGTH_SOFT = 60  # quotes longer than this lose a little score, so short evidence wins ties
LENGTH_PENALTY = 0.1  # score lost per LENGTH_SOFT characters beyond LENGTH_SOFT
SPLIT_ABOVE = 70  # a longer sentence may also be quoted as a run of its whole clauses ...
CLAUSE_RUN = 70  # ... of at most this many characters
PARTIAL_PENALTY = 0.05  # a clause run is preferred only when it is clearly shorter evidence
ANSWER_BUDGET = 200  # a second quote joins only while the answer stays within this many characters
SECOND_GAIN = 0.2  # ... and only when it covers this much more of the question than the first
SECOND_LOOK = 8  # ... looking this far down the ranking for it
SECOND_MARGIN = 0.2  # ... or when it scores within this much of the first
REFUSE_BELOW = 0.5  # evidence (mix of sentence and article coverage) below this is a refusal
FOCUS_MISSING = 0.8  # evidence is scaled by this when the article lacks the word the question asks about
MULTI_MIN_COVERAGE = 0.6  # an article joins a multi-article answer when its sentence covers this much
MULTI_MAX_ARTICLES = 8
MULTI_CROSS_RANK = 5  # ... or, for a question sharing no words with the articles, when retrieval ranks it this high


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
        }


# ---- checking a question (the one place: CLI, chat page and API all come through here) -----------------

# Questions are a sentence or two; anything longer is a pasted document. The cap keeps a request cheap
# (jieba, the embedder and BM25 all scale with it) and is named in the message.
MAX_QUESTION_CHARS = 2000
NO_WORDS = "这条消息里没有可以查找的文字，请用文字提问。There are no words to search for: please ask in words."


class QuestionError(ValueError):
    """A question that cannot be asked as given; the message says what was wrong and what is allowed."""


# Control characters (C0/C1 minus whitespace), lone surrogates (from JSON "\ud800": they cannot be
# encoded and would crash printing), and invisible format characters that only hide or reorder text
# (zero-width spaces, bidi overrides, BOM). Joiners inside emoji (U+200D) go too: search ignores emoji.
_INVISIBLE_CHARS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff]"
)
_ANY_SPACE = re.compile(r"\s+")


def clean_question(text: object) -> str:
    """The question as the pipeline reads it: invisible and control characters removed, whitespace
    collapsed. Raises QuestionError for a non-string or for more than MAX_QUESTION_CHARS characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise QuestionError(f"the question must be text, not {type(text).__name__}")
    if len(text) > 50 * MAX_QUESTION_CHARS:  # refuse a huge paste before spending time cleaning it
        raise QuestionError(_too_long(len(text)))
    cleaned = _ANY_SPACE.sub(" ", _INVISIBLE_CHARS.sub("", text)).strip()
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(_too_long(len(cleaned)))
    return cleaned


def _too_long(n: int) -> str:
    return f"question too long ({n} characters; the limit is {MAX_QUESTION_CHARS}): ask about one thing at a time"


def has_words(text: str) -> bool:
    """True when there is something to search for: a letter, a digit or a Han character (not only
    punctuation, symbols or emoji)."""
    return any(ch.isalnum() or unicodedata.category(ch) == "Lo" for ch in text)


# ---- the question -------------------------------------------------------------------------------------

# Words that shape a question but never appear in its answer, and English function words (data/stopwords.tsv).
_QUESTION_WORDS = stop_words("question")
_EN_STOP = stop_words("english")
_PRONOUN = re.compile(r"他们|她们|它们|他|她|它|其|该|这个|那个|这位|那位|此|\b(they|them|their|it|its|he|she|his|her)\b", re.I)
_NOT_PRONOUN = re.compile(r"其他|其它|其中|其实|因此|此外|如此|彼此|此前|此次")

_CUES = {
    "person": re.compile(r"谁|哪位|叫什么|名字|\bwho(m|se)?\b", re.I),
    "number": re.compile(r"多少|几[个件位名家项次人天年岁]?|数量|金额|\bhow (many|much)\b|\bnumber of\b", re.I),
    "date": re.compile(r"何时|什么时候|哪天|哪一天|哪年|哪一年|几月|几号|日期|\bwhen\b|\bwhat (date|day|year|time)\b", re.I),
    "place": re.compile(r"哪里|哪儿|在哪|何地|何处|什么地方|哪个(城市|地方|省|国家|地区)|\bwhere\b", re.I),
    "source": re.compile(r"哪家(报|媒体|网站)|哪个媒体|来源|出处|\b(newspaper|outlet|source|published)\b", re.I),
}
_MULTI = re.compile(
    r"哪些(文章|报道|新闻|稿件|篇|地方|地区|城市|镇|街道|区|县|单位)|哪几(篇|个地方|个地区|个城市)|"
    r"(所有|全部|各篇|每篇)(的)?文章|\b(which|what) (articles|stories|reports|places|towns|cities|districts)\b|"
    r"\bin which articles\b",
    re.I,
)

# The unit a 多少/几 question counts in (多少家 → 家): a number in that unit answers it best.
_MEASURE = re.compile(r"(?:多少|几)(万元|亿元|万人|平方米|公里|公斤|小时|分钟|个月|[个件位名家项次人天年岁元台辆架艘座所只条批场户吨米秒周倍期届])")
_NUM = r"[0-9０-９一二两三四五六七八九十百千万亿]+(?:[.．][0-9]+)?(?:余|多)?"
# A count: digits that are not part of a date or a time, or a Chinese numeral with a measure word.
_NUMBER = re.compile(
    r"(?<![0-9０-９.．])[0-9０-９]+(?:[.．][0-9]+)?(?![0-9０-９.．]|\s*[年月日时点号:：/-])|"
    r"[一二两三四五六七八九十百千万亿]+(个|件|人|名|家|项|次|位|万|亿|元|岁|天|批|场|条|座|所|户|辆|吨)"
)
_DATE = re.compile(r"[0-9０-９一二三四五六七八九十]+(月|日|号)|[0-9０-９]{4}年|[上下]午|今年|去年|近日|当天|日前")
_TITLE_NAME = re.compile(
    r"(书记|部长|主任|镇长|主席|局长|市长|县长|区长|经理|董事长|教授|记者|委员|大使|总统|总理|发言人|院士|院长|校长|"
    r"负责人|主持人|专家|所长|队长|组长|处长|科长|厅长|省长|秘书长|总裁|首席|创始人|演员|导演|运动员)"
    r"[\u4e00-\u9fff·]{2,4}"
)
_SAYS = re.compile(r"(^|[，,。：:“”\s])[\u4e00-\u9fff]{2,3}(说|表示|介绍|指出|强调|称|认为|透露)")
_PLACE = re.compile(r"[省市县区镇乡村街道馆园厦场]|举行|举办|召开")


@dataclass(frozen=True)
class Question:
    """What the scorer needs to know about a question."""

    text: str
    script: str  # 'hans' | 'hant' | 'en'
    terms: tuple[tuple[str, float], ...]  # normalised content words and their weights
    cues: frozenset[str]  # kinds of answer asked for: person, number, date, place, source
    multi: bool  # asks over several articles ("哪些文章 ...", "which places ...")
    measure: str | None = None  # the unit of a 多少/几 question (多少家 → 家)
    focus: tuple[str, ...] = ()  # the word the question asks about (多少常住人口 → 常住人口; 财政收入是多少 → 财政收入)
    pinyin: bool = False  # an English question whose terms are the Han words its pinyin names spell

    @property
    def lexical(self) -> bool:
        """True when word overlap with the articles means something: a Chinese question, or pinyin names."""
        return bool(self.terms) and (self.script != "en" or self.pinyin)


_WH = stop_words("wh")
_LINK = stop_words("link")


def _focus(toks: Sequence[str]) -> tuple[str, ...]:
    """The content word next to the question word: after it (多少股份), or before it (收入是多少)."""
    for i, tok in enumerate(toks):
        if tok not in _WH:
            continue
        after = [t for t in toks[i + 1 :] if t not in _LINK and has_han(t)][:2]
        if after and len(after[0]) == 1 and after[0] not in _QUESTION_WORDS:
            # A measure word (多少家酒店): the noun after it is asked about; alone (多少人) it names nothing.
            return (after[1],) if len(after) > 1 and len(after[1]) >= 2 and after[1] not in _QUESTION_WORDS else ()
        if after and after[0] not in _QUESTION_WORDS:
            return (after[0],) if len(after[0]) >= 2 else ()
        before = [t for t in toks[:i] if t not in _LINK and has_han(t)]
        if before and before[-1] not in _QUESTION_WORDS and len(before[-1]) >= 2:
            return (before[-1],)
        return ()
    return ()


def analyze(question: str) -> Question:
    """Content words, answer-type cues and multi-article intent of a question."""
    script = script_of(question)
    weights, median = idf()
    seen: dict[str, float] = {}
    # jieba keeps an aspect particle on a verb (签了, 去过): the verb alone is what an article says.
    toks = [t[:-1] if len(t) == 2 and t[-1] in "了过着" and has_han(t[0]) else t for t in tokens(question)]
    for tok in toks:
        if tok in _QUESTION_WORDS or tok in _EN_STOP:
            continue
        if len(tok) == 1 and not tok.isdigit() and not has_han(tok):
            continue
        weight = weights.get(tok, median)
        if len(tok) == 1:
            weight *= 0.5  # a lone character (镇, 签) says less than a word
        seen[tok] = max(seen.get(tok, 0.0), weight)
    norm = normalize(question)
    cues = frozenset(name for name, pattern in _CUES.items() if pattern.search(norm))
    measure = _MEASURE.search(norm)
    return Question(
        question, script, tuple(seen.items()), cues, bool(_MULTI.search(norm)), measure.group(1) if measure else None, _focus(toks)
    )


def latin_names(text: str, capitalised: bool = True) -> list[str]:
    """Latin words that may be pinyin names, lower-cased (capitalised ones only, unless told otherwise)."""
    names = romanised_names(text) if capitalised else [w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)]
    return [w for w in dict.fromkeys(names) if w not in _EN_STOP]


def pinyin_terms(q: Question, texts: Iterable[str]) -> Question:
    """An English question with the Han words its pinyin names spell in `texts` as its terms."""
    names = latin_names(q.text)
    if q.script != "en" or not names:
        return q
    weights, median = idf()
    counts: dict[str, dict[str, int]] = {}  # name → Han word spelt so → occurrences in the texts
    for text in texts:
        index = pinyin_index(text)
        for name in names:
            for word in index.get(name, ()):
                counts.setdefault(name, {})[word] = counts.get(name, {}).get(word, 0) + text.count(word)
    found: dict[str, float] = {}
    for spelt in counts.values():
        # A polyphonic spelling matches several words ("qingshan": 青山, and 清单 read qing-shan): the one
        # the articles use most is the name meant, the others keep a share
        total = sum(spelt.values()) or 1
        for word, n in spelt.items():
            found[word] = max(found.get(word, 0.0), weights.get(word, median) * n / total)
    if not found:
        return q
    return replace(q, terms=tuple(found.items()), pinyin=True)


def glossary_terms(q: Question, texts: Iterable[str]) -> Question:
    """An English question's terms plus the Chinese words (found in `texts`) that its news words translate to."""
    if q.script != "en" or not q.terms:
        return q
    weights, median = idf()
    wanted = glossary_words(q.text)
    joined = "\n".join(texts)
    have = dict(q.terms)
    for han in sorted(wanted):
        if han in joined and han not in have:
            # the place or person named says which article (every sentence of it earns the name's context
            # credit); these say which sentence: at half weight the name's sentence won over the answer's
            # (bench/english_qa.jsonl key coverage 0.50 at 0.5, 0.64 at 1.0 and 1.5)
            have[han] = weights.get(han, median)
    return replace(q, terms=tuple(have.items()))


# Words an English question uses that name nothing it asks about: an English article may contain any of them.
_EN_GENERIC = stop_words("generic_en")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


# A name in an English question: a run of capitalised words ("World Cup", "Qingdao City Investment Group");
# all-capital acronyms are not taken for names
_EN_NAME_RUN = re.compile(r"[A-Z][a-z][\w'-]*(?:[ \t]+[A-Z][a-z][\w'-]*)*")


def unmet_english(q: Question, texts: Iterable[str], previous: str | None = None) -> str | None:
    """What an English question names that `texts` never mention ("Mars"), "" when none of its words (nor,
    for a follow-up, of the `previous` question) meets them at all, None when they meet the question.

    Cross-lingual dense retrieval ranks *some* article first for any question (20 of 20 off-topic English
    questions were answered from the bundled corpus before this check). A word meets the articles through
    its pinyin spelling (Shima → 石马), a news word's Chinese (rag.lang.glossary), or itself (English articles); every
    name must meet them by one of its words, and a question without names by one of its content words.
    """
    texts = list(texts)
    joined = "\n".join(texts)

    def meets(word: str, name: bool = False) -> bool:
        word = re.sub(r"'s$", "", word.lower())
        return (any(han in joined for han in glossary().get(word, ()))
                or re.search(rf"\b{re.escape(word)}\b", joined) is not None
                # pinyin for names only: a common word spells some Han pair too (yuan: 与安)
                or (name and any(word.replace("'", "") in pinyin_index(text) for text in texts)))

    met = False
    for run in _EN_NAME_RUN.finditer(q.text):
        # the question's first word is capitalised as a sentence's is: it names nothing by that
        name = [w for w in run.group().split()[1 if run.start() == 0 else 0 :] if w.lower() not in _EN_STOP]
        if all(w.lower() in glossary() for w in name):
            continue  # a capitalised news word ("the Party secretary") names nothing: it counts as a word below
        if not any(meets(w, name=True) for w in name):
            return " ".join(name)
        met = True
    if met:
        return None
    words = _EN_WORD.findall(q.text + " " + (previous or ""))
    content = [w for w in words if len(w) >= 3 and w.lower() not in _EN_STOP | _EN_GENERIC]
    return None if any(meets(w) for w in content) else ""


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one: a pronoun, or almost no content of its own."""
    if _PRONOUN.search(_NOT_PRONOUN.sub("", question)):
        return True
    q = analyze(question)
    return q.lexical and sum(len(t) for t, _ in q.terms) <= 2


# ---- candidate sentences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A candidate quote: a whole sentence, or a run of whole clauses of a long one, with its rank."""

    article_id: str
    paragraph: int
    start: int
    end: int
    text: str
    rank: float  # rank of the retrieved chunk that held it (0 = best); articles scanned whole rank lower
    sentence: str  # the whole sentence it belongs to (== text unless it is a clause run)

    @property
    def partial(self) -> bool:
        return self.text != self.sentence


# Clause boundaries inside a long sentence: Chinese/ASCII commas and colons (not a comma between digits).
_CLAUSE_END = re.compile(r"[，：:]|,(?!\d)")


@lru_cache(maxsize=8192)
def _sentence_spans(paragraph: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(paragraph))


@lru_cache(maxsize=8192)
def _clause_runs(sentence: str) -> tuple[tuple[int, int], ...]:
    """Runs of whole clauses of a long sentence, each at most CLAUSE_RUN characters (offsets in the sentence)."""
    if len(sentence) <= SPLIT_ABOVE:
        return ()
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(sentence) if m.end() < len(sentence)] + [len(sentence)]
    runs = []
    for i in range(len(bounds) - 1):
        j = i + 1
        while j + 1 < len(bounds) and bounds[j + 1] - bounds[i] <= CLAUSE_RUN:
            j += 1
        a, b = bounds[i], bounds[j]
        # A run ends before its trailing comma; leading spaces are not quoted.
        while b > a and sentence[b - 1] in "，,：: ":
            b -= 1
        while a < b and sentence[a].isspace():
            a += 1
        if b - a >= 4 and (a, b) != (0, len(sentence)):
            runs.append((a, b))
    return tuple(dict.fromkeys(runs))


@lru_cache(maxsize=4096)
def article_text(article: Article) -> str:
    """The article's title and text in search form (normalised), for article-level matching."""
    return normalize(article.title + "\n" + "\n".join(article.paragraphs))




@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    return normalize(text)


def _units(aid: str, p: int, para: str, a: int, b: int, rank: float) -> list[Sentence]:
    """A sentence and, when it is long, its clause runs."""
    text = para[a:b]
    out = [Sentence(aid, p, a, b, text, rank, text)]
    for x, y in _clause_runs(text):
        out.append(Sentence(aid, p, a + x, a + y, text[x:y], rank, text))
    return out


def candidates(hits: Sequence, articles: Mapping[str, Article], scan: Iterable[str] = ()) -> list[Sentence]:
    """Sentences of the retrieved chunks (at their rank), plus every sentence of the `scan` articles."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Sentence] = []
    best_rank: dict[str, int] = {}
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        article = articles.get(chunk.article_id)
        if article is None or not 1 <= chunk.paragraph <= len(article.paragraphs):
            continue  # a stale index entry: never cite what the corpus no longer holds
        best_rank.setdefault(chunk.article_id, rank)
        para = article.paragraph(chunk.paragraph)
        for a, b in _sentence_spans(para):
            if b <= chunk.start or a >= chunk.end or (chunk.article_id, chunk.paragraph, a) in seen:
                continue
            seen.add((chunk.article_id, chunk.paragraph, a))
            out += _units(chunk.article_id, chunk.paragraph, para, a, b, rank)
    for aid in scan:
        article = articles.get(aid)
        if article is None:
            continue
        rank = best_rank.get(aid, len(hits)) + SCAN_RANK_OFFSET
        count = 0
        for p, para in enumerate(article.paragraphs, start=1):
            for a, b in _sentence_spans(para):
                count += 1
                if (aid, p, a) in seen or count > SCAN_SENTENCES:
                    continue
                seen.add((aid, p, a))
                out += _units(aid, p, para, a, b, rank)
    return out


# ---- scoring ------------------------------------------------------------------------------------------


def _term_match(term: str, text: str) -> float:
    """1 when the word is in the text; partial credit when most of a longer Chinese word's bigrams are."""
    if term in text:
        return 1.0
    if len(term) >= 3 and has_han(term):
        grams = [term[i : i + 2] for i in range(len(term) - 1)]
        share = sum(g in text for g in grams) / len(grams)
        return PARTIAL_MATCH * share if share >= 0.5 else 0.0
    return 0.0


def coverage(q: Question, text_norm: str, context_norm: str | None = None) -> float:
    """Weighted share of the question's content words found in normalised text.

    With `context_norm` (the whole article), a word found only in the context earns CONTEXT_CREDIT: a
    sentence need not repeat the article's subject (渠岸镇) to answer a question about it.
    """
    total = sum(w for _, w in q.terms)
    if not total:
        return 0.0
    got = 0.0
    for t, w in q.terms:
        m = _term_match(t, text_norm)
        if context_norm is not None and m < 1.0:
            m = max(m, CONTEXT_CREDIT * _term_match(t, context_norm))
        got += w * m
    return got / total


def _has_person(text: str) -> bool:
    """A name introduced the way news introduces people: after a title, or before 说/表示 ..."""
    return bool(_TITLE_NAME.search(text) or _SAYS.search(text))


def cue_score(q: Question, text: str) -> float:
    """How well the text holds what the question asks for, in [0, 1] (the best of its cues)."""
    text = _norm(text)
    best = 0.0
    for cue in q.cues:
        if cue == "number" and _NUMBER.search(text):
            exact = q.measure is None or re.search(_NUM + re.escape(q.measure), text)
            best = max(best, 1.0 if exact else 0.5)
        elif (cue == "date" and _DATE.search(text)) or (cue == "place" and _PLACE.search(text)):
            best = max(best, 1.0)
        elif cue == "person" and _has_person(text):
            best = max(best, 1.0)
    return best


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    coverage: float  # of the question's words, in this quote (words of its article count a little)
    sentence_coverage: float  # ... in its whole sentence alone
    article_coverage: float  # ... anywhere in its article (title included)
    cue: bool
    score: float


def _score(q: Question, s: Sentence, articles: Mapping[str, Article], extra: Question | None) -> Scored:
    norm = _norm(s.text)
    art = article_text(articles[s.article_id]) if q.lexical else ""
    cov = coverage(q, norm, art) if q.lexical else 0.0
    sent_cov = coverage(q, _norm(s.sentence)) if q.lexical else 0.0
    art_cov = coverage(q, art) if q.lexical else 0.0
    score = cov + RANK_WEIGHT / (1 + s.rank) ** RANK_DECAY
    if extra is not None and extra.lexical:
        score += FOLLOW_UP_WEIGHT * coverage(extra, norm)  # a follow-up leans on the question before it
    score -= LENGTH_PENALTY * max(0, len(s.text) - LENGTH_SOFT) / LENGTH_SOFT
    if s.partial:
        score -= PARTIAL_PENALTY
    return Scored(s, cov, sent_cov, art_cov, False, score)


def _with_cue(q: Question, s: Scored) -> Scored:
    cue = cue_score(q, s.sentence.text) if q.cues else 0.0
    if not cue:
        return s
    bonus = CUE_BONUS if q.lexical else CUE_BONUS_CROSS
    return Scored(s.sentence, s.coverage, s.sentence_coverage, s.article_coverage, cue >= 1.0, s.score + bonus * cue)


def rank(q: Question, cands: Sequence[Sentence], articles: Mapping[str, Article], extra: Question | None = None) -> list[Scored]:
    """Candidates best first; the (slower) answer-type cue is checked for the leading ones only."""
    scored = sorted((_score(q, s, articles, extra) for s in cands), key=lambda s: -s.score)
    head = [_with_cue(q, s) for s in scored[:CUE_CHECK]]
    return sorted(head, key=lambda s: -s.score) + scored[CUE_CHECK:]


def evidence(best: Scored, q: Question, article_text: str = "") -> float:
    """How well the best quote's sentence and its article support an answer, in [0, 1]."""
    if not q.lexical:
        return 1.0  # no shared script: retrieval (cross-lingual dense) is all we have
    value = 0.5 * best.sentence_coverage + 0.5 * best.article_coverage
    if q.focus and not any(_term_match(f, article_text) for f in q.focus):
        value *= FOCUS_MISSING  # the article never mentions what is asked about (常住人口, 财政收入)
    return value


# ---- composing the answer -----------------------------------------------------------------------------


def _citation(n: int, s: Sentence, article: Article) -> Citation:
    return Citation(n, s.article_id, article.title, article.date, article.source, article.url, s.paragraph, s.text, s.start, s.end)


def _lead(article: Article) -> str:
    """English lead line naming an article: From “title” (outlet, date):"""
    meta = ", ".join(x for x in (article.source, article.date) if x)
    return f"From “{inert_markers(article.title)}”" + (f" ({meta})" if meta else "") + ":"


def _source_line(article: Article) -> str:
    """Chinese lead naming the outlet, for questions about where an article came from."""
    meta = "，".join(x for x in (article.source, article.date) if x)
    return f"《{inert_markers(article.title)}》" + (f"（{meta}）" if meta else "") + "："


def _overlaps(a: Sentence, b: Sentence) -> bool:
    return a.article_id == b.article_id and a.paragraph == b.paragraph and a.start < b.end and b.start < a.end


def _pick_single(q: Question, ranked: list[Scored], articles: Mapping[str, Article]) -> list[Scored]:
    """The best quote, plus a second from the same article when it is nearly as good or adds what the first lacks."""
    best = ranked[0]
    for other in ranked[1:SECOND_LOOK]:
        o = other.sentence
        if o.article_id != best.sentence.article_id or _overlaps(o, best.sentence):
            continue
        if len(best.sentence.text) + len(o.text) > ANSWER_BUDGET:
            continue
        close = other.score >= best.score - SECOND_MARGIN
        fills_cue = bool(q.cues) and not best.cue and other.cue
        gain = 0.0
        if q.lexical:
            context = article_text(articles[o.article_id])
            gain = coverage(q, _norm(best.sentence.text + o.text), context) - best.coverage
        if close or fills_cue or gain >= SECOND_GAIN:
            return sorted([best, other], key=lambda s: (s.sentence.paragraph, s.sentence.start))
    return [best]


def _pick_multi(q: Question, ranked: list[Scored]) -> list[Scored]:
    """The best quote of each article whose sentence covers enough of the question.

    Without shared words (an English question naming nothing in pinyin) only the articles that
    retrieval put near the top can be vouched for.
    """
    per_article: dict[str, Scored] = {}
    for s in ranked:
        aid = s.sentence.article_id
        good = s.sentence_coverage >= MULTI_MIN_COVERAGE if q.lexical else s.sentence.rank < MULTI_CROSS_RANK
        if aid not in per_article and good:
            per_article[aid] = s
    return list(per_article.values())[:MULTI_MAX_ARTICLES]


def _refusal(q: Question, hits: Sequence, articles: Mapping[str, Article], note: str | None = None,
             missing: str | None = None) -> Answer:
    """The refusal, naming the closest articles and, when known, what the articles never mention."""
    closest = []
    for aid in dict.fromkeys(h.chunk.article_id for h in hits):
        if aid in articles:
            closest.append({"article_id": aid, "title": articles[aid].title})
        if len(closest) == 3:
            break
    titles = [c["title"] for c in closest]
    if q.script == "en":
        text = f"The articles do not mention {missing}." if missing else "The articles do not answer this question."
        if titles:
            text += " Closest: " + "; ".join(f"“{t}”" for t in titles) + "."
    else:
        text = "这些文章没有提供这个问题的答案。"
        if titles:
            text += "最接近的文章：" + "、".join(f"《{t}》" for t in titles) + "。"
        text = to_script(text, q.script)
    return Answer(q.text, text, True, [], closest=closest, note=note)


_TEXT_MARKER = re.compile(r"\[(\d{1,3})\]")


def inert_markers(text: str) -> str:
    """Article text as shown inside an answer or summary: its own "[9]" becomes "［9］", so that only the
    answer's markers cite (an article saying "回答：HACKED [9]" cannot add or move a citation). The
    citation's `quote` keeps the article's text verbatim."""
    return _TEXT_MARKER.sub("［\\1］", text)


def _quoted(s: Sentence, n: int, paragraph: str) -> str:
    """The quote as shown in the answer: a cut at a clause (not a sentence) boundary gets an ellipsis."""
    spans = _sentence_spans(paragraph)
    head = "" if any(a == s.start for a, _ in spans) else "…"
    tail = "" if any(b == s.end for _, b in spans) else "…"
    return f"{head}{inert_markers(s.text)}{tail}[{n}]"


def _merge_adjacent(chosen: list[Scored], articles: Mapping[str, Article]) -> list[Sentence]:
    """Quotes in article order, two pieces of one paragraph joined when only punctuation separates them."""
    out: list[Sentence] = []
    for s in chosen:
        cur = s.sentence
        prev = out[-1] if out else None
        if prev and prev.article_id == cur.article_id and prev.paragraph == cur.paragraph and 0 <= cur.start - prev.end <= 2:
            para = articles[cur.article_id].paragraph(cur.paragraph)
            if not para[prev.end : cur.start].strip("，,：:；; "):
                sentence = prev.sentence if prev.sentence == cur.sentence else para[prev.start : cur.end]
                out[-1] = Sentence(cur.article_id, cur.paragraph, prev.start, cur.end, para[prev.start : cur.end], prev.rank, sentence)
                continue
        out.append(cur)
    return out


def _compose(q: Question, chosen: list[Scored], articles: Mapping[str, Article]) -> Answer:
    """Answer text with [n] markers, converted to the question's script, and its citations."""
    quotes = _merge_adjacent(chosen, articles) if not q.multi else [s.sentence for s in chosen]
    citations: list[Citation] = []
    by_article: dict[str, list[str]] = {}
    for quote in quotes:
        c = _citation(len(citations) + 1, quote, articles[quote.article_id])
        citations.append(c)
        paragraph = articles[quote.article_id].paragraph(quote.paragraph)
        by_article.setdefault(quote.article_id, []).append(_quoted(quote, c.n, paragraph))
    several = len(by_article) > 1
    lines: list[str] = []
    if q.script == "en":
        if several:
            lines.append(f"From {len(by_article)} articles:")
            lines += [f"“{inert_markers(articles[a].title)}”: " + "".join(parts) for a, parts in by_article.items()]
        else:
            ((aid, parts),) = by_article.items()
            lines += [_lead(articles[aid]), "".join(parts)]
    elif several or q.multi:
        lines += [f"《{inert_markers(articles[a].title)}》：" + "".join(parts) for a, parts in by_article.items()]
    else:
        ((aid, parts),) = by_article.items()
        lead = _source_line(articles[aid]) if "source" in q.cues else ""
        lines.append(lead + "".join(parts))
    raw = "\n".join(lines)
    text = to_script(raw, q.script) if q.script != "en" else raw
    return Answer(q.text, text, False, citations, original=raw if text != raw else None)


def answer_question(
    question: str,
    retriever,
    articles: Mapping[str, Article],
    config: Config,
    focus: Sequence[str] = (),
    previous: str | None = None,
) -> Answer:
    """A short cited answer from the articles' own sentences, or a refusal naming the closest articles.

    `focus`: article ids a follow-up stays on (retrieval is restricted to them and they are read whole).
    `previous`: the question before a follow-up; its words help rank sentences, never decide to answer.
    """
    *_drafts, final = stream_question(question, retriever, articles, config, focus, previous)
    return final


def stream_question(
    question: str,
    retriever,
    articles: Mapping[str, Article],
    config: Config,
    focus: Sequence[str] = (),
    previous: str | None = None,
) -> Iterator[str | Answer]:
    """`answer_question` as it happens: a configured model's unverified draft as it grows (str), then the
    Answer (always the last item; the only one without a model)."""
    question = clean_question(question)
    if not question:
        yield Answer(question, "请输入一个问题。Please ask a question.", True, note="empty question")
    elif not has_words(question):
        yield Answer(question, NO_WORDS, True, note="no words in the question")
    elif config.llm != "extractive":
        # A configured model drafts the answer; rag.answering.llm verifies it and falls back to this path on failure.
        from rag.answering import llm

        yield from llm.stream_answer(question, retriever, articles, config, focus=focus, previous=previous)
    else:
        yield _extractive(question, retriever, articles, config, focus, previous)


def _extractive(question: str, retriever, articles: Mapping[str, Article], config: Config,
                focus: Sequence[str], previous: str | None) -> Answer:
    """The answer made of the articles' own sentences (the default, and every model's fallback)."""
    q = analyze(question)
    focus = [a for a in dict.fromkeys(focus) if a in articles]
    k = max(config.k, MULTI_CHUNKS) if q.multi else max(1, config.k)
    hits = [h for h in retriever.search(question, k=k, article_ids=focus or None) if h.chunk.article_id in articles]
    scan = focus or ([] if q.multi else list(dict.fromkeys(h.chunk.article_id for h in hits))[:SCAN_ARTICLES])
    cands = candidates(hits, articles, scan)
    if not cands:
        return _refusal(q, hits, articles, note="nothing retrieved")
    if q.script == "en":
        # Pinyin names ("Shima") become Han terms (石马); the retrieved articles that hold them are read whole.
        seen = list(dict.fromkeys(s.article_id for s in cands))
        q = pinyin_terms(q, (article_text(articles[a]) for a in seen))
        named = [a for a in seen if q.pinyin and any(t in article_text(articles[a]) for t, _ in q.terms)]
        if named and not focus:
            cands = candidates(hits, articles, list(dict.fromkeys(named + scan))[: SCAN_ARTICLES + 1])
        texts = [article_text(articles[a]) for a in dict.fromkeys(s.article_id for s in cands)]
        unmet = unmet_english(q, texts, previous)
        if unmet is not None:
            return _refusal(q, hits, articles, note="the articles never mention " + (unmet or "any word of the question"),
                            missing=unmet or None)
        if q.pinyin:
            q = glossary_terms(q, texts)
    ranked = rank(q, cands, articles, analyze(previous) if previous else None)
    if q.multi:
        chosen = _pick_multi(q, ranked)
        return _compose(q, chosen, articles) if chosen else _refusal(q, hits, articles)
    if evidence(ranked[0], q, article_text(articles[ranked[0].sentence.article_id])) < REFUSE_BELOW:
        return _refusal(q, hits, articles)
    return _compose(q, _pick_single(q, ranked, articles), articles)
