"""Script conversion and normalisation shared by search, answers and evaluation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=None)
def _converter(config: str):
    import opencc  # imported lazily: a few paths (e.g. `rag --help`) never need it

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC t2s); other text is unchanged."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Traditional Chinese (OpenCC s2t); other text is unchanged."""
    return _converter("s2t").convert(text) if text else text


def halfwidth(text: str) -> str:
    """Full-width ASCII letters, digits and punctuation → their half-width forms (NFKC-like, narrower)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    """Search/compare form: half-width, Simplified, lower-case Latin."""
    return to_simplified(halfwidth(unicodedata.normalize("NFC", text))).lower()


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def script_of(text: str) -> str:
    """'en' for text without Chinese, else 'hant' or 'hans' by which conversion changes it more."""
    han = "".join(_HAN.findall(text))
    if not han:
        return "en" if _LATIN_WORD.search(text) else "hans"
    to_s = sum(a != b for a, b in zip(han, to_simplified(han)))
    to_t = sum(a != b for a, b in zip(han, to_traditional(han)))
    # Text that Simplified conversion changes is Traditional; ties (shared characters) read as Simplified.
    return "hant" if to_s > to_t else "hans"


def to_script(text: str, script: str) -> str:
    """Render Chinese text in the given script ('hans', 'hant'); 'en' leaves it as it is."""
    if script == "hans":
        return to_simplified(text)
    if script == "hant":
        return to_traditional(text)
    return text


# A capitalised Latin word that may be a romanised Chinese name (Shima, Qingdao, Qu'an): a pinyin syllable
# break is kept in the match and dropped from the spelling; a possessive 's is left off.
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]+(?:'[aeo][a-z]*)?")


def romanised_names(text: str, min_len: int = 3) -> list[str]:
    """The capitalised Latin words of `text` as pinyin spellings (lower-cased, no apostrophe), in order."""
    names = (m.group().replace("'", "").lower() for m in _LATIN_NAME.finditer(text))
    return [n for n in names if len(n) >= min_len]


# Common news words of English questions → the Simplified words articles use for them. An English question
# meets Chinese text through its pinyin names and these words (a secretary, a library): BM25 searches them
# (rag.index.lexical), and an English question none of whose words meets its articles is refused (rag.answering.extractive).
GLOSSARY: dict[str, tuple[str, ...]] = {
    "secretary": ("书记",), "party": ("党委", "党组织"), "mayor": ("镇长", "市长", "县长", "区长"),
    "library": ("图书馆",), "museum": ("博物馆",), "school": ("学校",), "hospital": ("医院",),
    "meeting": ("会议", "大会"), "conference": ("会议", "大会"), "forum": ("论坛",), "festival": ("文化节", "节"),
    "agreement": ("协议",), "signed": ("签署", "签订"), "sign": ("签署", "签订"), "cooperation": ("合作",),
    "committee": ("委员会", "党委"), "government": ("政府",), "company": ("公司", "企业"), "companies": ("企业",),
    "farmers": ("农民",), "tourists": ("游客",), "visitors": ("游客",), "income": ("收入",), "revenue": ("收入",),
    "area": ("面积",), "population": ("人口",), "hosted": ("举办", "承办"), "held": ("举办", "举行", "召开"),
    "campaign": ("行动",), "activity": ("活动",), "activities": ("活动",), "project": ("项目",),
    "investment": ("投资",), "bridge": ("大桥",), "community": ("社区",), "cadres": ("干部",),
    "officials": ("干部", "官员"), "director": ("主任", "局长"), "chairman": ("主席", "董事长"),
    "minister": ("部长",), "police": ("警方", "公安"), "court": ("法院",), "typhoon": ("台风",),
    "flood": ("洪水", "防汛"), "rainfall": ("降雨", "降水"), "earthquake": ("地震",), "fire": ("火灾",),
    "died": ("死亡", "遇难"), "deaths": ("死亡", "遇难"), "injured": ("受伤",), "price": ("价格",),
    "sales": ("销售",), "exports": ("出口",), "imports": ("进口",), "growth": ("增长",), "training": ("培训",),
    "chaired": ("主持",), "presided": ("主持",), "fiscal": ("财政",), "shaanxi": ("陕西",),
    "speech": ("讲话",), "study": ("学习",), "volunteers": ("志愿者",), "students": ("学生",),
    "professor": ("教授",), "lecture": ("宣讲", "讲座", "报告"), "lectures": ("宣讲", "讲座"), "teacher": ("教师", "老师"),
    "award": ("获奖", "表彰"), "awards": ("获奖", "表彰"), "prize": ("奖项", "获奖"), "commendation": ("表彰",), "honoured": ("表彰",),
    "leader": ("组长", "负责人", "领导"), "leads": ("组长", "牵头"), "head": ("负责人", "部长", "主任"),
    "spring": ("春季", "春节"), "summer": ("夏季", "暑期"), "autumn": ("秋季",), "winter": ("冬季",),
    "villagers": ("村民",), "residents": ("居民",), "enterprises": ("企业",),
    "economy": ("经济",), "economic": ("经济",), "tourism": ("旅游",), "agriculture": ("农业",), "grain": ("粮食",),
    "environment": ("环境", "生态"), "pollution": ("污染",), "safety": ("安全",), "security": ("安全",),
    "video": ("视频",), "film": ("电影", "视频"), "book": ("图书",), "books": ("图书",), "report": ("报告",),
    "budget": ("预算",), "tax": ("税收", "税务"), "taxes": ("税收",), "loan": ("贷款",), "bank": ("银行",), "market": ("市场",),
    "vaccine": ("疫苗",), "epidemic": ("疫情",), "patients": ("患者", "病人"), "doctor": ("医生",), "doctors": ("医生",),
    "road": ("道路", "公路"), "railway": ("铁路",), "airport": ("机场",), "port": ("港口",), "station": ("车站",),
}


def glossary_words(text: str) -> list[str]:
    """The Chinese words GLOSSARY gives for the English words of `text`, in order, once each."""
    words = re.findall(r"[a-z]+", text.lower())
    return list(dict.fromkeys(han for w in words for han in GLOSSARY.get(w, ())))
