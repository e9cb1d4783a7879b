"""A question as the answerers read it: cleaned and checked (`clean_question`, the one place every way in
comes through), and analysed (`analyze`): its content words with IDF weights, the kind of answer it asks for,
whether it asks across articles, the word it asks about, whether it follows up on the previous question."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Sequence

from rag.lang.script import has_han, normalize, script_of
from rag.lang.words import idf, stop_words, tokens
from rag.records import Answer


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
        raise QuestionError(too_long_message(len(text)))
    cleaned = _ANY_SPACE.sub(" ", _INVISIBLE_CHARS.sub("", text)).strip()
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(too_long_message(len(cleaned)))
    return cleaned


def too_long_message(n: int) -> str:
    return f"question too long ({n} characters; the limit is {MAX_QUESTION_CHARS}): ask about one thing at a time"


def unanswerable(question: str) -> Answer | None:
    """The reply to a question with nothing to search for (empty, or only punctuation and emoji); None
    for a question to answer. Every answerer starts with it."""
    question = clean_question(question)
    if not question:
        return Answer(question, "请输入一个问题。Please ask a question.", True, note="empty question")
    if not has_words(question):
        return Answer(question, NO_WORDS, True, note="no words in the question")
    return None


def has_words(text: str) -> bool:
    """True when there is something to search for: a letter, a digit or a Han character (not only
    punctuation, symbols or emoji)."""
    return any(ch.isalnum() or unicodedata.category(ch) == "Lo" for ch in text)


# ---- the question -------------------------------------------------------------------------------------

# Words that shape a question but never appear in its answer, and English function words (data/stopwords.tsv).
QUESTION_WORDS = stop_words("question")
EN_STOP = stop_words("english")
_PRONOUN = re.compile(r"他们|她们|它们|他|她|它|其|该|这个|那个|这位|那位|此|\b(they|them|their|it|its|he|she|his|her)\b", re.I)
_NOT_PRONOUN = re.compile(r"其他|其它|其中|其实|因此|此外|如此|彼此|此前|此次")

CUES = {
    "person": re.compile(r"谁|哪位|叫什么|名字|\bwho(m|se)?\b", re.I),
    "number": re.compile(r"多少|几[个件位名家项次人天年岁]?|数量|金额|\bhow (many|much)\b|\bnumber of\b", re.I),
    "date": re.compile(r"何时|什么时候|哪天|哪一天|哪年|哪一年|几月|几号|日期|\bwhen\b|\bwhat (date|day|year|time)\b", re.I),
    "place": re.compile(r"哪里|哪儿|在哪|何地|何处|什么地方|哪个(城市|地方|省|国家|地区)|\bwhere\b", re.I),
    "source": re.compile(r"哪家(报|媒体|网站)|哪个媒体|来源|出处|\b(newspaper|outlet|source|published)\b", re.I),
}
MULTI = re.compile(
    r"哪些(文章|报道|新闻|稿件|篇|地方|地区|城市|镇|街道|区|县|单位)|哪几(篇|个地方|个地区|个城市)|"
    r"(所有|全部|各篇|每篇)(的)?文章|\b(which|what) (articles|stories|reports|places|towns|cities|districts)\b|"
    r"\bin which articles\b",
    re.I,
)

# The unit a 多少/几 question counts in (多少家 → 家): a number in that unit answers it best.
MEASURE = re.compile(r"(?:多少|几)(万元|亿元|万人|平方米|公里|公斤|小时|分钟|个月|[个件位名家项次人天年岁元台辆架艘座所只条批场户吨米秒周倍期届])")



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
        if after and len(after[0]) == 1 and after[0] not in QUESTION_WORDS:
            # A measure word (多少家酒店): the noun after it is asked about; alone (多少人) it names nothing.
            return (after[1],) if len(after) > 1 and len(after[1]) >= 2 and after[1] not in QUESTION_WORDS else ()
        if after and after[0] not in QUESTION_WORDS:
            return (after[0],) if len(after[0]) >= 2 else ()
        before = [t for t in toks[:i] if t not in _LINK and has_han(t)]
        if before and before[-1] not in QUESTION_WORDS and len(before[-1]) >= 2:
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
        if tok in QUESTION_WORDS or tok in EN_STOP:
            continue
        if len(tok) == 1 and not tok.isdigit() and not has_han(tok):
            continue
        weight = weights.get(tok, median)
        if len(tok) == 1:
            weight *= 0.5  # a lone character (镇, 签) says less than a word
        seen[tok] = max(seen.get(tok, 0.0), weight)
    norm = normalize(question)
    cues = frozenset(name for name, pattern in CUES.items() if pattern.search(norm))
    measure = MEASURE.search(norm)
    return Question(
        question, script, tuple(seen.items()), cues, bool(MULTI.search(norm)), measure.group(1) if measure else None, _focus(toks)
    )



def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one: a pronoun, or almost no content of its own."""
    if _PRONOUN.search(_NOT_PRONOUN.sub("", question)):
        return True
    q = analyze(question)
    return q.lexical and sum(len(t) for t, _ in q.terms) <= 2


