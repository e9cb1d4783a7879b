"""A question as the answerers read it: cleaned and checked (`clean_question`, the one place every way in
comes through), and analysed (`analyze`): its content words with IDF weights, the kind of answer it asks for,
whether it asks across articles, the word it asks about, whether it follows up on the previous question."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from rag.answering.asked_act import LIGHT_VERBS, asked_compounds, asked_predicates, closing_verb, verb_focus
from rag.answering.asks import ASKS, SECOND_ASK
from rag.answering.role_verbs import as_verbs, ends_with_role
from rag.lang.glossary import chinese_of, english_measure, respelt
from rag.lang.script import has_han, normalize, script_of
from rag.lang.wordlists import read_rows
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
# ---- answer types ----------------------------------------------------------------------------------------
# The first pattern that matches a question (search form) names the kind of answer it asks for: its slot.
_ORG_NOUN = (r"公司|企业|集团|机构|单位|部门|学校|大学|学院|医院|银行|组织|支部|党委|机关|平台|媒体|协会|政府|法院|"
             r"品牌|网站|电视台|团队|球队|俱乐部|基金|委员会|局|委|院|中心|小组")
_PLACE_NOUN = r"省|市|城市|国家|地区|县|区|镇|乡|街道|社区|村|地方|地点|场所|场馆|港口|机场|景区|州"
ATYPES: tuple[tuple[str, re.Pattern], ...] = (
    ("phone", re.compile(r"电话|手机号|联系方式|邮箱|网址|\bphone\b|\be-?mail\b|\bwebsite\b|\bcontact\b", re.I)),
    # who wrote the article (its byline), and where or when it was published: answered from the article's credits
    ("author", re.compile(r"(是)?谁(写|撰写|采写|执笔)的|作者|撰稿人|(哪|那)(位|个|名)记者|记者是谁|"
                          r"\bwho (wrote|authored|reported)\b|\bauthor|\bbyline\b|\bwriter of\b", re.I)),
    ("source", re.compile(r"哪家(报|媒体|网站)|哪个(媒体|网站)|来源|出处|\b(newspaper|outlet|source)s?\b|\bpublished\b|"
                          r"(报道|文章|新闻|稿件|消息|这篇|那篇|本文)[^，。？?]{0,8}(哪天|哪一天|什么时候|何时|几号|什么日期|哪个日期)"
                          r"(发布|发表|刊登|刊发|登出|发出|发稿)", re.I)),
    ("speaker", re.compile(r"(是)?谁(说|讲|提出|表示|指出|强调)的?|出自谁|\bwho said\b|\bwho\b[\w\s-]{0,30}?\b(?:is|was|were|are|gets|got) quoted\b", re.I)),
    ("title", re.compile(r"(什么|哪个|何种)(职务|职位|身份|头衔|职称|级别)|担任(什么|何|哪)|任(什么|何)职|是什么(官|职)|"
                         r"\bwhat(?:'s|’s| is| was) (his|her|their)(?: job| official)? (job|title|position|role|post)\b|\bwhat position\b", re.I)),
    ("person", re.compile(r"(书记|部长|主任|镇长|主席|局长|市长|县长|区长|经理|董事长|总裁|教授|负责人|所长|队长|院长|校长|发言人|"
                          r"主持人|创始人)(分别|各自|都)?(是|叫|的名字是)?(什么|谁)|谁|哪[几一两二三四五六七八九十]?位|哪[几一两二三四五六七八九十]?个人|哪些人|哪[几两二三四五六七八九十]名|什么人|叫什么名字|名字是|姓名|哪名|"
                          r"\bwho(m|se)?\b|\bwhat is the name\b|\bwhich ([a-z]+ )?(people|persons|officials|leaders|speakers)\b", re.I)),
    ("age", re.compile(r"多大年纪|多少岁|几岁|年龄|多大了|\bhow old\b|\bage\b", re.I)),
    ("year", re.compile(r"哪年|哪一年|哪个年份|\bwhat year\b|\bwhich year\b|\bin what year\b", re.I)),
    ("time", re.compile(r"几点钟|(?<![哪这那有了])几点(?=[开举召到结起]|$|[？?])|什么时间段|上午还是下午|\bwhat time\b|\btime of day\b", re.I)),
    ("date", re.compile(r"哪天|哪一天|何时|什么时候|什么时间|几月|几号|哪个月|日期|什么日子|哪一日|"
                        # (not "when" + a gerund: "mention when praising…" asks what, not the date)
                        r"\bwhen\b(?!\s+(?!during\b|morning\b|evening\b)[a-z]+ing\b)|\bwhat (date|day|year|month)s?\b|\bon what dates?\b|\bwhich (day|date|year|month)s?\b", re.I)),
    ("duration", re.compile(r"(视频|短片|影片|电影|节目|演出|会议|直播|讲座|仪式|典礼)[^，,。？?]{0,8}有?多长(?!的)|多长时间|多久|几天|几年|多少天|多少年|几个月|多少个月|多少小时|几小时|持续(多|几)|\bhow long\b", re.I)),
    ("percent", re.compile(r"百分之|比例|占比|增速|增幅|降幅|同比|环比|百分点|(增长|下降|上升|提高|降低|减少|增加)了?(多少|几)"
                           r"(?!(万|亿|元|人|家|个|件|辆|吨))|率是多少|率为多少|\bpercent(age)?\b|\bshare of\b", re.I)),
    ("money", re.compile(r"多少钱|金额|多少(万|亿)?元|价格|费用|资金|投资|收入|营收|利润|成本|预算|总额|资产|市值|罚款|补贴|奖金|"
                         r"奖励多少|工资|薪|经费|拨款|\bhow much money\b|\bcost\b|\bprice\b|\binvestment\b|\bprize money\b|\bbudget\b|"
                         r"\bfund(?:s|ing)?\b|\bspend(?:ing)?\b|\bexpenditure\b|\bsubsid(?:y|ies)\b", re.I)),
    ("number", re.compile(r"(哪些|什么|几个|那些)(数字|数据)|\b(which|what) (numbers|figures)\b|多少|(?<![这哪])几(?=[个件位名家项次人天年岁元台辆架艘座所只条批场户吨种类部篇万千百期届])|几[多]|数量|数目|规模|总数|"
                          r"\bhow (many|much)\b|\bnumber of\b|\bpopulation\b|\bwhich edition\b", re.I)),
    ("place", re.compile(rf"哪里|哪儿|在哪(?![些个种位家一])|何地|(?<!如)何处|什么地方|什么地点|哪(个|些|座)?({_PLACE_NOUN})(?!(的|机构|部门|单位))|"
                         r"来自哪|\bwhere\b|\bwhich (city|town|district|province|county|village|street|place|venue)\b", re.I)),
    ("org", re.compile(rf"哪(个|家|所|些|一)?({_ORG_NOUN})|什么(机构|单位|部门|公司|企业|组织)|由谁|"
                       r"\bwhich (company|organi[sz]ation|agency|department|university|school|unit|branch|library)\b", re.I)),
    ("purpose", re.compile(r"目的|为了什么|意图|旨在|为什么要|为何要|是为了|用意|想达到|\bwhy\b|\bpurpose\b|\baim\b", re.I)),
    ("cause", re.compile(r"为什么|为何|原因|怎么会|由于什么|因为什么|导致|造成|\bcause\b|\breason\b", re.I)),
    ("manner", re.compile(r"如何|怎样|怎么|什么方式|什么方法|什么措施|哪些措施|通过什么|采取了?什么|\bhow\b", re.I)),
    ("definition", re.compile(r"^什么是|是什么意思|指的是什么|是指什么|是什么(东西|概念)|\bwhat is an?\b", re.I)),
    ("yesno", re.compile(r"是否|有没有|能否|可否|吗[？?]?$|^(is|are|was|were|did|does|do|has|have|can)\b", re.I)),
    ("entity", re.compile(r"什么|哪(个|些|种|项|类|款|部|篇|条|份|次|期)|\bwhat\b|\bwhich\b", re.I)),
)
ATYPE_NAMES = tuple(name for name, _ in ATYPES) + ("unknown",)
TYPED = frozenset({"person", "speaker", "title", "org", "place", "date", "year", "time", "duration", "age", "percent", "money",
                   "number", "purpose", "cause", "manner", "phone"})
# What each kind of answer used to be called (the slot checks of earlier versions and their tests).
_CUE_OF = {"person": "person", "speaker": "person", "number": "number", "money": "number", "percent": "number",
           "age": "number", "duration": "number", "date": "date", "year": "date", "time": "date", "place": "place", "source": "source"}

MULTI = re.compile(
    r"哪些(文章|报道|新闻|稿件|篇|地方|地区|城市|镇|街道|县)|哪几(篇|个地方|个地区|个城市|场|次活动)|这几(篇|场|次|个活动|项活动)|"
    r"(所有|全部|各篇|每篇|几篇)(的)?(文章|报道)|\b(which|what) (?:(?:two|three|four|both|several|\d) )?(articles|stories|reports|places|towns|cities|districts)\b|"
    r"\bin which articles\b|\bwhich of (the|these|those) (articles|stories|reports|events)\b|\beach (article|event|story)\b",
    re.I,
)
# An enumeration asked for: 哪些方面, 分别是什么, 哪“三高”, 几个方面 …
ENUM = re.compile(r"哪“|分别|哪些|哪几|哪[两二三四五六七八九十]+(位|名|个|家|项|件|场|条|种)|有几|几点|几个方面|几方面|包括什么|包括哪|都有什么|都是什么|[一二三四五六七八九十两](个|项|大|方面|条|点)|"
                  r"“[^”]{1,6}”(分别|是什么|指什么)|\bwhat are the\b|\blist\b|\bwhich (areas|aspects|measures)\b|"
                  r"\bwhich (two|three|four|five|six|seven|eight|nine|ten|[0-9]+)\b|\bwho were the\b", re.I)
# A count of the ask's subject (两个街道创新实施了什么工作机制？): the things counted do what is asked, no list is asked
# for; a count before 是/有/包括什么 (三大任务是什么) is the list asked
_COUNTED_SUBJECT = re.compile(r"[一二三四五六七八九十两](?:个|项|大|方面|条|点)(?=[^，,。？?；;！!]{0,12}?[^是有括，,。？?；;！!]什么)")
QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{2,80})[”\"」』’]|(?<![a-z])'([^']{2,80})'(?![a-z])")
# The unit a 多少/几 question counts in (多少家 → 家): a number in that unit answers it best. 这几场/哪几家 point at
# things (these events, which companies): no count asked.
MEASURE = re.compile(r"(?:多少|(?<![这那哪])几)(万元|亿元|万人|平方米|公里|公斤|小时|分钟|个月|[个件位名家项次人天年岁元台辆架艘座所只条批场户吨米秒周倍期届])")
# A token that only frames the question (几篇, 哪条, 这次, 哪些方面, 分别是): never content.
_FRAME_TOKEN = re.compile(r"^[几哪这那][个篇条次场项位些种家所点]|什么|多少|^分别$")
# Asks for the figures an article or list gives (哪些数字, which numbers): 数字 frames the ask, it is no content
FIGURES_ASKED = re.compile(r"(哪些|什么|几个|那些)(数字|数据)|\b(which|what) (numbers|figures)\b", re.I)
_FIGURE_WORDS = frozenset({"数字", "数据", "numbers", "figures"})
# A count of the things asked for (哪两位, 哪三个人, 哪两名干部): after 哪 it frames the ask, it is no content
_COUNTED = re.compile(r"^[两二三四五六七八九十0-9]+(位|名|个|家|项|件|篇|场|次|人|条|种)$")
def written_forms(norm: str) -> str:
    """A question (search form) with its spoken forms written out (咋办 → 怎么办, 啥 → 什么, 遇着 → 遇到), from
    rag/lang/data/colloquial.tsv: the question words then say what is asked, the verbs meet the article's."""
    table, pattern = _colloquial()
    return pattern.sub(lambda m: table[m.group()], norm) if table else norm


@lru_cache(maxsize=256)
def written_question(text: str) -> str:
    """`written_forms` of a question's search form, computed once per question text (the slot, premise and absent
    checks and the ask split each read it)."""
    return written_forms(normalize(text))


@lru_cache(maxsize=1)
def _colloquial() -> tuple[dict[str, str], re.Pattern]:
    table = dict(read_rows("rag.lang", "data/colloquial.tsv", 2, 2))
    return table, re.compile("|".join(re.escape(w) for w in sorted(table, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for (row,) in read_rows("rag.lang", "data/news_verbs.tsv", 1, 1):
        group = tuple(row.split())
        for w in group:
            table[w] = tuple(x for x in group if x != w)
    return table


def synonyms(word: str) -> tuple[str, ...]:
    """The other words an article may use for a news verb (颁奖 → 颁发, 表彰, 授予; 举办 → 召开, 举行), from
    rag/lang/data/news_verbs.tsv; empty for other words."""
    return _synonym_table().get(word, ())


SYNONYM_SHARE = 0.5  # the weight of a question verb's synonym beside the verb's own, in a question across articles


_MONTH = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?")


@dataclass(frozen=True)
class Question:
    """What the answerer needs to know about a question."""

    text: str
    script: str  # 'hans' | 'hant' | 'en'
    terms: tuple[tuple[str, float], ...]  # normalised content words and their weights
    atype: str  # the kind of answer asked for (ATYPE_NAMES)
    multi: bool  # asks over several articles ("哪些文章 ...", "which of the articles ...")
    measure: str | None = None  # the unit of a 多少/几 question (多少家 → 家)
    focus: tuple[str, ...] = ()  # the word the question asks about (多少常住人口 → 常住人口; 财政收入是多少 → 财政收入)
    head: str | None = None  # the noun right after the question word, even one character (什么会 → 会, 哪所大学 → 大学)
    predicates: tuple[str, ...] = ()  # the asked-for action (签署, 召开, 主持), not light verbs
    quoted: tuple[str, ...] = ()  # text the question quotes (“把视听上的冲击变成行动上的自觉”)
    enum: bool = False  # asks for a list (分别, 哪些方面, 哪“三高”)
    near: tuple[str, ...] = ()  # content words right beside the question word (以什么姿态奋勇前行 → 姿态, 奋勇, 前行)
    abbreviation: tuple[int, str] | None = None  # a numbered abbreviation asked about (“三高” → (3, 高))
    pinyin: bool = False  # an English question whose terms are the Han words its pinyin names spell

    @property
    def lexical(self) -> bool:
        """True when word overlap with the articles means something: a Chinese question, or pinyin names."""
        return bool(self.terms) and (self.script != "en" or self.pinyin)

    @property
    def cues(self) -> frozenset[str]:
        """The coarse kind of answer: person, number, date, place or source (empty for other kinds)."""
        return frozenset({_CUE_OF[self.atype]} if self.atype in _CUE_OF else ())

    @property
    def predicate_terms(self) -> tuple[tuple[str, float], ...]:
        return tuple((t, w) for t, w in self.terms if t in self.predicates)

    @property
    def topic_terms(self) -> tuple[tuple[str, float], ...]:
        return tuple((t, w) for t, w in self.terms if t not in self.predicates)


_WH = stop_words("wh")
_LINK = stop_words("link")
_WH_HEAD = re.compile(r"(?:什么|哪(?:个|所|家|位|些|种|项|条|次|篇|一)?)(?:样的?)?([\u4e00-\u9fff]{1,4})")


def _focus(toks: Sequence[str]) -> tuple[str, ...]:
    """The content word next to the question word: after it (多少股份), or before it (收入是多少). A 在 right
    after it opens where the thing happened (谁在会上总结的: 会上 is no role asked about): the words after it are
    no focus."""
    for i, tok in enumerate(toks):
        if tok not in _WH:
            continue
        adjunct = toks[i + 1 : i + 2] == ["在"]
        after = [] if adjunct else [t for t in toks[i + 1 :] if t not in _LINK and has_han(t)][:2]
        if tok == "哪" and after and _COUNTED.match(after[0]):
            # 哪两位, 哪三个人, 哪两名干部: the count frames the ask; the noun after it, if any, is asked about
            return (after[1],) if len(after) > 1 and len(after[1]) >= 2 and after[1] not in QUESTION_WORDS else ()
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


def _head(norm: str) -> str | None:
    """The noun a 什么/哪个 question asks for (什么会 → 会, 哪所大学 → 大学, 什么项目 → 项目)."""
    m = _WH_HEAD.search(norm)
    if not m:
        return None
    words = [t for t in tokens(m.group(1)) if t not in ("的", "是", "了", "在")]
    if not words or (words[0] in QUESTION_WORDS and len(words[0]) > 1):
        return None
    return words[0]


NEAR_WINDOW = 3  # words each side of the question word that say what is asked
_ABBREVIATION = re.compile(r"[“\"]?([一二三四五六七八九十两])([\u4e00-\u9fff])[”\"]")
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}


def _near(toks: Sequence[str], content: set[str]) -> tuple[str, ...]:
    """The content words within NEAR_WINDOW words of the first question word."""
    for i, tok in enumerate(toks):
        if tok in _WH or _FRAME_TOKEN.search(tok):
            window = toks[max(0, i - NEAR_WINDOW) : i + NEAR_WINDOW + 1]
            return tuple(dict.fromkeys(t for t in window if t in content))
    return ()


def atype_of(norm: str, quoted: Sequence[str] = ()) -> str:
    """The kind of answer a question (search form) asks for; of a question with two asks, the first's (the
    answer holds both, and the first names the thing the second asks about)."""
    if quoted and "谁" in norm and any(len(q) >= 6 for q in quoted):
        return "speaker"  # “…”是谁说的
    second = SECOND_ASK.search(norm)
    if second and ASKS.search(norm[: second.start()]):
        first = atype_of(norm[: second.start()], quoted)
        if first != "unknown":
            return first
    if _EN_WHERE.match(norm):
        return "place"  # the question word asks, not a noun of a name inside it (Where … the Investment Promotion Bureau …)
    if _titled_thing().search(norm):
        return "entity"  # 那个故事叫什么名字, "what was the campaign called": a title, not a person
    for name, pattern in ATYPES:
        if pattern.search(norm):
            return name
    return "person" if ends_with_role(norm) else "unknown"  # 渠岸镇干部大会 主持人: the role noun is the ask


@lru_cache(maxsize=1)
def _report_part() -> re.Pattern:  # 环节, 内容, segment: what a "which articles" question frames its ask with
    return re.compile("|".join(p for n, p in read_rows("rag.answering", "data/spread_cues.tsv", 2, 2) if n == "report_part"), re.I)


@lru_cache(maxsize=1)
def _titled_thing() -> re.Pattern:
    """A question asking the name of a thing that is no person (data/titled_things.tsv)."""
    rows = read_rows("rag.answering", "data/titled_things.tsv", 2, 2)
    zh = "|".join(n for s, n in rows if s == "zh")
    en = "|".join(n for s, n in rows if s == "en")
    return re.compile(rf"(?:{zh})(?:的)?(?:叫(?:做)?什么(?:名字)?|的?名字(?:叫|是)什么|的?名称(?:是|叫)什么)|"
                      rf"\b(?:{en})\b[^?？]{{0,40}}\b(?:called|named)\b|\bname of (?:the|that|this|their|its) (?:{en})\b", re.I)


_EN_WHERE = re.compile(r"\s*(?:and |so |then )?where\b(?![^?]*\b(?:how (?:much|many)|when|who)\b)", re.I)


_LATIN_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*")
_HAN_RUNS = re.compile(r"[\u4e00-\u9fff]+")
_HAN_ASKS = re.compile(r"谁|誰|什么|什麼|哪|多少|几|幾|吗|嗎|呢|怎|是否|为何|為何|[，。？！：；]")
EN_WORDS_WITH_NAMES = 3  # an English sentence of this many words or more, with Chinese names in it, is English
NAME_RUN_MAX = 6  # … when each Chinese run is at most this long


def question_script(question: str) -> str:
    """The question's script (rag.lang.script.script_of), except that an English sentence naming Chinese words
    (According to 陶胜旺, what did the 12345 mechanism change…?) is English: it opens with a Latin word, has
    EN_WORDS_WITH_NAMES English words, and its Chinese runs are short and ask nothing (no 谁, 吗, no Chinese
    punctuation). 渠岸镇 cadre meeting 是谁主持的 stays Chinese."""
    script = script_of(question)
    text = question.strip()
    if script == "en" or not text[:1].isascii() or not text[:1].isalpha():
        return script
    runs = _HAN_RUNS.findall(text)
    if (len(_LATIN_WORDS.findall(text)) >= EN_WORDS_WITH_NAMES and all(len(r) <= NAME_RUN_MAX for r in runs)
            and not any(_HAN_ASKS.search(r) for r in runs) and not re.search(r"[，。？！：；]", text)):
        return "en"
    return script


def analyze(question: str) -> Question:
    """Content words with their weights, the kind of answer asked for, and what else shapes the question."""
    from rag.answering.postags import is_verb

    script = question_script(question)
    if script == "en":
        question = respelt(question)  # a slip for a glossary word is read as that word (sigining → signing)
    weights, median = idf()
    norm = written_forms(normalize(question))
    # 6月份 → 6月: an article says 6月16日, never 月份
    toks = [t for t in tokens(_MONTH.sub(lambda m: f" {m.group(1)}月 ", norm))]
    # jieba keeps an aspect particle on a verb (签了, 去过): the verb alone is what an article says.
    toks = [t[:-1] if len(t) == 2 and t[-1] in "了过着" and has_han(t[0]) else t for t in toks]
    toks = [p for t in toks for p in _verb_split(t)]
    toks = [v for t in toks for v in as_verbs(t)]  # 主持人是谁 asks who chaired it (rag.answering.role_verbs)
    whole = toks  # the question's words before a verb-object word is cut: the focus asked about (主持会议的是谁)
    toks = asked_compounds(toks)  # 主持会议的是谁: 主持, 会议 (rag.answering.asked_act)
    seen: dict[str, float] = {}
    predicates: list[str] = []
    figures = bool(FIGURES_ASKED.search(norm))
    for i, tok in enumerate(toks):
        if tok in QUESTION_WORDS or tok in EN_STOP or _FRAME_TOKEN.search(tok) or (figures and tok in _FIGURE_WORDS):
            continue
        if i and toks[i - 1] == "哪" and _COUNTED.match(tok):
            continue
        if len(tok) == 1 and not tok.isdigit() and not has_han(tok):
            continue
        if script != "en" and tok.isascii() and tok.isalpha() and chinese_of(tok.lower()):
            # an English news word in a Chinese question (渠岸镇 cadre meeting 是谁主持的) asks for what an
            # article writes in Chinese: its glossary words (干部; 会议 大会), not the English word
            for han in chinese_of(tok.lower()):
                seen[han] = max(seen.get(han, 0.0), weights.get(han, median))
            continue
        weight = weights.get(tok, median)
        if len(tok) == 1:
            weight *= 0.5  # a lone character (镇, 签) says less than a word
        seen[tok] = max(seen.get(tok, 0.0), weight)
        if has_han(tok) and tok not in LIGHT_VERBS and is_verb(tok):
            predicates.append(tok)
    seen = _without_preamble(norm, seen)
    multi = bool(MULTI.search(norm))
    if multi:  # which articles report an award: one that says 颁发荣誉证书 reports it too; 环节 frames the ask
        seen = {t: w for t, w in seen.items() if not _report_part().fullmatch(t)} or seen  # (哪几篇…有颁奖的环节)
        for t, w in list(seen.items()):
            for other in synonyms(t):
                seen.setdefault(other, w * SYNONYM_SHARE)
    asking = _asking(norm)  # a list named in the preamble (说是…两个街道…) is not asked for
    cleft = _cleft_verb(toks)  # 是由谁指导的: the verb before the closing 的 is asked for, even a verbal noun (指导)
    if cleft and cleft in seen and cleft not in predicates:
        predicates.append(cleft)
    closing = closing_verb(toks)  # 协议什么时候到期: the word closing the ask after its question word is asked for
    if closing and closing in seen and closing not in predicates:
        predicates.append(closing)
    predicates = asked_predicates(norm, predicates)
    for m in _MONTH.finditer(norm):
        month = f"{m.group(1)}月"
        if month not in seen:
            seen[month] = median
    quoted = tuple(m.group(1) or m.group(2) for m in QUOTED.finditer(norm))
    measure = MEASURE.search(norm)
    measure = measure.group(1) if measure else english_measure(norm) if script == "en" else None
    abbreviation = _ABBREVIATION.search(norm)
    return Question(
        question, script, tuple(seen.items()), atype_of(norm, quoted), multi,
        measure, verb_focus(_focus(whole), toks), _head(norm), tuple(dict.fromkeys(predicates)), quoted,
        # "which articles …" asks for a list of articles, not for a list inside one
        not multi and (bool(ENUM.search(_COUNTED_SUBJECT.sub(" ", asking))) or abbreviation is not None), _near(toks, set(seen)),
        (_NUMERALS[abbreviation.group(1)], abbreviation.group(2)) if abbreviation else None,
    )


def _verb_split(tok: str) -> list[str]:
    """A word jieba's dictionary lacks that it guessed from a noun and the verb after it (两个镇签合作协议:
    镇签) is the noun and the verb (镇, 签: an article writes 签署); a guessed name (黄充, 陈胡立) stays whole."""
    from rag.answering.names import name_words
    from rag.answering.postags import is_verb, tag
    from rag.lang.words import jieba_tokenizer

    tokenizer = jieba_tokenizer()
    if not (2 <= len(tok) <= 3 and has_han(tok)) or tokenizer.FREQ.get(tok):
        return [tok]
    pieces = tokenizer.lcut(tok, HMM=False)
    if (len(pieces) < 2 or len(pieces[-1]) != 1 or not is_verb(pieces[-1]) or pieces[0][0] in name_words()["surname"]
            or (tag(pieces[0]) or "n")[0] != "n"):  # a noun before the verb (直联: 直 an adverb, one word)
        return [tok]
    return pieces


_HEARSAY = stop_words("hearsay")
_PREAMBLE = stop_words("preamble")
_CLAUSE_CUT = re.compile(r"[，,；;：:。！!]")
PREAMBLE_SHARE = 0.5  # the weight kept by a word of a preamble clause that the asking clause does not repeat


def preamble_clauses(norm: str) -> list[str]:
    """The clauses of a question (search form) that only tell where the asker heard of it, before the asking
    clause (我在看青山区的新闻，说是…在搞睦邻党建，去年是红钢城轮值，那去年他们创新实施的是什么工作机制？): a
    question whose first clause holds a hearsay word (data/stopwords.tsv `hearsay`: 新闻, 听说, 说是 …) tells its
    story up to the first clause with a question word or its last clause."""
    clauses = [c for c in _CLAUSE_CUT.split(norm) if c.strip()]
    if len(clauses) < 2 or not any(h in clauses[0] for h in _HEARSAY):
        return []
    out = []
    for c in clauses[:-1]:  # the story goes on up to the asking clause
        if any(t in _WH for t in tokens(c)):
            break
        out.append(c)
    return out


def _asking(norm: str) -> str:
    """The question without its preamble clauses."""
    for c in preamble_clauses(norm):
        norm = norm.replace(c, " ", 1)
    return norm


def _without_preamble(norm: str, seen: dict[str, float]) -> dict[str, float]:
    """Term weights with the preamble's own words (看, 说, 新闻) dropped and its other words (the place, the
    event it recalls) kept at PREAMBLE_SHARE, unless the asking clauses repeat them: the ask outweighs the
    story of how the asker came to it."""
    preamble = preamble_clauses(norm)
    if not preamble:
        return seen
    asked = {t[:-1] if len(t) == 2 and t[-1] in "了过着" else t for t in tokens(_asking(norm))}
    words = {t for c in preamble for t in tokens(c)}
    out = {}
    for t, w in seen.items():
        if t in asked or t not in words:
            out[t] = w
        elif t not in _PREAMBLE:
            out[t] = w * PREAMBLE_SHARE
    return out


def _cleft_verb(toks: Sequence[str]) -> str | None:
    """The verb of a 是…的 / 由…的 question (是由哪些单位指导的 → 指导; 是在哪里举办的 → 举办): the word before
    a closing 的, a word of two characters or more that jieba's dictionary does not tag otherwise than a verb (or
    leaves untagged) and no light verb."""
    from rag.answering.postags import tag

    words = [t for t in toks if has_han(t) or t.isalnum()]
    if len(words) < 2 or words[-1] != "的" or not any(w in ("是", "由") or w.startswith(("是", "由")) for w in words[:-2]):
        return None
    verb = words[-2]
    return verb if len(verb) >= 2 and tag(verb) in (None, "v", "vn") and verb not in LIGHT_VERBS else None
