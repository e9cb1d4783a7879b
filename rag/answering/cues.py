"""Cue patterns over text units, built from the word lists in data/unit_cues.tsv (Simplified Chinese, matched on
a paragraph's Simplified twin, `twin`): what the unit features count (`CUE_NAMES`, `cue_patterns`), how a unit
opens (`START_NAMES`, `start_patterns`), and the preamble and news patterns of the summary's editorial rules."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.ingest.cleaning.wordlists import simplified
from rag.lang.script import HAN
from rag.lang.speech import speech_verbs
from rag.lang.wordlists import alternation, read_word_lists

NUMBER = r"\d+(?:[.,]\d+)*"
CN_NUMBER = "一二三四五六七八九十两百千万亿"


def twin(text: str) -> str:
    """`text` in Simplified Chinese and half-width digits, as long as `text` (offsets unchanged)."""
    out = simplified(text)
    return out.translate(_FULLWIDTH) if any("\uff10" <= ch <= "\uff5a" or ch == "\uff05" for ch in out) else out


_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)} | {0xFF05: ord("%")}


def words(name: str) -> tuple[str, ...]:
    if name == "speech":  # the speech verbs are one language data file (rag/lang/data/speech_verbs.tsv, role `cue`)
        return speech_verbs("cue")
    return read_word_lists("rag.answering", "data/unit_cues.tsv")[name]


def alt(name: str) -> str:
    """A regex alternation of one list's words (no group), longest first."""
    return alternation(words(name))


# The counted cues, in feature order (each becomes `cue_<name>`).
CUE_NAMES = ("number", "quantity", "cn_quantity", "percent", "money", "date", "event_verb", "demand_verb",
             "speech_verb", "chair", "attend", "document", "slogan", "adverb_filler", "furniture", "question",
             "exclaim", "enum", "quote", "org", "place", "title_mark", "condolence_cta")
START_NAMES = ("start_purpose", "start_according", "start_pronoun", "start_said", "start_time", "start_background")


@lru_cache(maxsize=1)
def cue_patterns() -> dict[str, re.Pattern]:
    src = {
        "number": NUMBER,
        "quantity": rf"{NUMBER}\s*(?:多|余)?(?:万|亿|千|百)?(?:{alt('measure')})",
        "cn_quantity": rf"[{CN_NUMBER}]+(?:{alt('cn_measure')})",
        "percent": rf"\d+(?:\.\d+)?\s*[%％]|百分之|个百分点|(?:\d|[{CN_NUMBER}])成",
        "money": rf"(?:万|亿)?(?:{alt('currency')})",
        "date": rf"\d{{4}}年|\d{{1,2}}月\d{{1,2}}日|\d{{1,2}}月(?:份|底|初|中旬|下旬|上旬)?|\d{{1,2}}日|{alt('time_word')}|\d{{1,2}}时|\d{{1,2}}:\d{{2}}",
        "event_verb": alt("event"),
        "demand_verb": alt("demand"),
        "speech_verb": alt("speech"),
        "chair": alt("chair"),
        "attend": alt("attend"),
        "document": rf"《[^》]{{1,40}}》|{alt('document')}",
        "slogan": alt("slogan"),
        "adverb_filler": alt("filler"),
        "furniture": alt("furniture"),
        "question": r"[？?]",
        "exclaim": r"[！!]",
        "enum": r"、",
        "quote": r"“[^”]{0,200}”|「[^」]{0,200}」",
        "org": rf"[{HAN}]{{2,}}(?:{alt('org_suffix')})",
        "place": rf"[{HAN}]{{1,6}}(?:{alt('place_suffix')})",
        "title_mark": r"《",
        "condolence_cta": alt("advice"),
    }
    return {name: re.compile(src[name]) for name in CUE_NAMES}


@lru_cache(maxsize=1)
def start_patterns() -> dict[str, re.Pattern]:
    src = {
        "start_purpose": rf"(?:{alt('start_purpose')})",
        "start_according": rf"(?:{alt('start_according')}|在[^，,]{{0,30}}(?:下|中|上|时|后|前|之际))",
        "start_pronoun": rf"(?:{alt('start_pronoun')})",
        "start_said": rf"(?:{alt('start_said')}|[^，,。]{{1,12}}(?:{alt('speech')}|强调))",
        "start_time": rf"(?:\d{{4}}年|\d{{1,2}}月|\d{{1,2}}日|{alt('start_time')})",
        "start_background": rf"(?:{alt('start_background')})",
    }
    return {name: re.compile(src[name]) for name in START_NAMES}


@lru_cache(maxsize=1)
def preamble() -> re.Pattern:
    """A unit that opens with a purpose or basis and names no news: 为全面贯彻…部署 / 按照…要求."""
    return re.compile(rf"(?:{alt('preamble_head')})[^，,。]{{0,40}}(?:{alt('preamble_tail')})")


@lru_cache(maxsize=1)
def editorial_patterns() -> dict[str, re.Pattern]:
    """The editorial rules' patterns: a purpose/basis clause (`purpose`), a clause that continues it
    (`basis`), one that carries news (`news`, `actor`), slogans and attendance."""
    counted = "|".join(re.escape(w) for w in words("cn_measure") if w not in ("大", "年"))  # not 二十大, 一年
    return {
        "purpose": re.compile(
            rf"(?:为了?(?:{alt('purpose_adverb')})?(?:{alt('purpose_verb')})|{alt('basis')}|坚持以|"
            rf"以[^，,]{{0,30}}为(?:{alt('guide_role')}))"),
        "basis": re.compile(rf"(?:{alt('basis')}|在[^，,]{{0,30}}(?:领导|指导|部署|要求)下|{alt('basis_prefix')})"),
        "news": re.compile(rf"\d|[{CN_NUMBER}]+(?:{alt('cn_measure')})|{alt('news')}"),
        "actor": re.compile(rf"[{HAN}]{{2,}}(?:{alt('actor_suffix')})"),
        "hard": re.compile(  # hard news: a quantity, money, a share, a day, an event, a named document
            rf"{NUMBER}\s*(?:多|余)?(?:万|亿|千|百)?(?:{alt('measure')})|{NUMBER}\s*[%％]|\d{{1,2}}月\d{{1,2}}日|"
            rf"[{CN_NUMBER}]+(?:{counted})|《[^》]{{1,40}}》|{alt('event')}"),
        "slogan": re.compile(alt("slogan")),
        "attend": re.compile(alt("attend")),
        "outcome": re.compile(alt("outcome")),
        # a sentence that only names who spoke the quotation before it: 青岛市…书记郑素秀说。
        "quotation": re.compile(r"^[“「][^“”「」]*[”」][。！？!?]?$"),  # a sentence that is all quotation
        "attribution": re.compile(rf"^[^“”\"，,。！？]{{2,50}}(?:{alt('speech')}|强调)道?[。！!]?$"),
    }
