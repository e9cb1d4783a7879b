"""The patterns time expressions are found with, built once from the word lists (rag.lang.when.words) and
matched on a question's search twin (half-width, Simplified, lower case, same length)."""

from __future__ import annotations

import re

from rag.lang.when.words import alt, alternation, values, words

_RANGE_CONNECTORS = alternation("range_connector")
CN_NUM = "[一二两三四五六七八九十]{1,3}"
_YEAR4 = r"(?<!\d)(?:19|20)\d{2}(?!\d)|[〇零一二三四五六七八九]{4}"
_CN_YEAR = (
    rf"(?:(?P<y>{_YEAR4})\s*年(?!版)"
    r"|(?P<y2>(?<!\d)\d{2})年(?=\s*(?:\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|上半年|下半年|第?[一二三四1-4]季度|[qQ][1-4]|前\d{1,2}个?月))"
    rf"|(?P<ry>{alternation('cn_relative_year')}))"
)
_CN_MONTH = (r"(?P<m>(?<![\d.])(?:1[0-2]|0?[1-9])(?!\d)|(?<![一二三四五六七八九十两个第几数多每前后上下本这])"
             r"(?:十[一二]|[一二三四五六七八九十]))\s*月(?!份?[之以]?[前后]?\s*[个])")
CN_DAY_NUM = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
_CN_DAY = (
    rf"(?P<d>{CN_DAY_NUM})(?!\d)\s*(?:[日号]\s*)?"
    rf"(?:(?:至|到|-|~|～|—|–|－)\s*(?P<d2>{CN_DAY_NUM})(?!\d)\s*)?[日号]"
)
# 初/中 only where they end the expression (初步, 中国 are words of their own)
_CN_PART = r"(?P<part>上中旬|中下旬|上旬|中旬|下旬|初(?![步次期级中])|底|末|中(?=$|[\s,，。?？!！的时前后期])|份)"
CN_ABSOLUTE = re.compile(
    rf"(?:{_CN_YEAR}\s*(?:的\s*)?)?"
    rf"(?:{_CN_MONTH}\s*(?:{_CN_DAY}|{_CN_PART})?"
    rf"|(?P<half>{alternation('cn_half')})"
    rf"|第?(?P<q>[一二三四1-4])季度|(?<![a-z])q(?P<q2>[1-4])(?!\d)"
    rf"|前(?P<firstn>1[0-2]|[1-9]|{CN_NUM})个?月)"
)
CN_YEAR_ONLY = re.compile(_CN_YEAR)
CN_MONTH_RANGE = re.compile(
    rf"(?:{_CN_YEAR}\s*)?(?P<m>(?<!\d)(?:1[0-2]|0?[1-9])|{CN_NUM})\s*(?:月份?)?\s*(?:-|~|～|—|–|－|至|到)\s*"
    rf"(?P<mb>(?:1[0-2]|0?[1-9])(?!\d)|{CN_NUM})\s*月份?(?!\s*\d{{1,2}}\s*[日号])"
)
CN_RELATIVE_MONTH = re.compile(
    rf"(?P<rm>{alternation('cn_relative_month')})(?:\s*(?:{_CN_DAY}|{_CN_PART.replace('|份', '')}))?"
)
CN_RELATIVE_WEEK = re.compile(rf"(?P<rw>{alternation('cn_relative_week')})")
CN_RELATIVE_DAY = re.compile(rf"(?P<rd>{alternation('cn_relative_day')})")
CN_ROLLING = re.compile(
    rf"(?:(?:最近|近|过去|这)\s*(?P<n>\d{{1,3}}|[一二两三四五六七八九十几]{{1,3}})\s*(?P<unit>{alternation('cn_unit')})"
    rf"|前\s*(?P<n2>\d{{1,2}}|[一二两三四五六七八九十几]{{1,3}})\s*(?P<unit2>天|日))(?:来|以来|之内|以内|内|里)?"
)
CN_VAGUE = re.compile(rf"(?P<vague>{alternation('cn_vague_recent')})")
CN_RECENCY = re.compile(rf"(?P<recency>{alternation('cn_recency')})")

_EN_MONTH = rf"(?P<mon>{alternation('en_month')})\.?"
_EN_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_EN_YEAR_OR_REL = rf"(?:(?P<y>(?:19|20)\d{{2}})|(?P<ry>{alternation('en_relative_year')})\s+year)"
EN_ABSOLUTE = re.compile(
    rf"\b(?:(?:the\s+)?(?P<part>{alternation('en_month_part')})[\s-]+)?{_EN_MONTH}(?![a-z])"
    rf"(?:\s+{_EN_DAY}(?:\s*(?:-|–|—|to|through)\s*(?P<d2>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?)?(?![\d:]))?"
    rf"(?:,?\s+(?:of\s+)?{_EN_YEAR_OR_REL})?(?![\d])"
)
EN_DAY_FIRST = re.compile(
    rf"\b(?:the\s+)?{_EN_DAY}(?:\s+of)?\s+{_EN_MONTH}(?![a-z])(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?(?!\d)"
)
EN_HALF = re.compile(
    rf"\b(?:the\s+)?(?P<h>first|second|1st|2nd)\s+half(?:\s+of)?(?:\s+(?:the\s+year|{_EN_YEAR_OR_REL}))?\b"
    r"|(?:\b(?P<hy>(?:19|20)\d{2})\s*)?(?<![a-z])h(?P<hn>[12])\b(?:\s*(?P<hy2>(?:19|20)\d{2})\b)?"
)
EN_QUARTER = re.compile(
    rf"\b(?:the\s+)?(?P<qo>{alternation('en_ordinal')})\s+quarter(?:\s+of)?(?:\s+(?:the\s+year|{_EN_YEAR_OR_REL}))?\b"
    r"|(?:\b(?P<qy>(?:19|20)\d{2})\s*)?(?<![a-z])q(?P<qn>[1-4])\b(?:\s*(?P<qy2>(?:19|20)\d{2})\b)?"
)
# a year alone, not an amount (`2023 yuan`, `2,023`)
EN_YEAR = re.compile(
    r"(?<![\d.,$¥€£-])\b(?P<y>(?:19|20)\d{2})\b(?![\d,.%]|\s*(?:yuan|rmb|dollars?|people|persons|households|"
    r"units|tons|tonnes|km|kilometers|meters|metres|mu|hectares|million|billion|times|cases|pieces)\b)"
)
ISO_DATE = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*(?P<sep>[-/.])\s*(?P<m>1[0-2]|0?[1-9])\s*(?P=sep)\s*"
                      r"(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])")
ISO_MONTH = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/](?P<m>1[0-2]|0?[1-9])(?![\d/-])")
EN_RELATIVE = re.compile(rf"\b(?P<rel>{alternation('en_relative')})\b")
EN_MONTH_REL_YEAR = re.compile(rf"\b{_EN_MONTH}(?![a-z])\s+(?:of\s+)?(?P<ry>{alternation('en_relative_year')})\s+year\b")
EN_ROLLING = re.compile(
    rf"\b(?:the\s+)?(?:past|last|previous)\s+(?P<n>\d{{1,3}}|{alternation('en_number')})\s+(?P<unit>day|week|month|year)s?\b"
    r"|\b(?:the\s+(?:past|last|previous)|past)\s+(?P<unit1>day|week|month|year)\b"
)
EN_VAGUE = re.compile(rf"\b(?P<vague>{alternation('en_vague_recent')})\b")
EN_RECENCY = re.compile(rf"\b(?P<recency>{alternation('en_recency')})\b")

# (name, pattern), every one tried on the whole question; the names say how a match becomes a range
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("cn_abs", CN_ABSOLUTE), ("cn_month_range", CN_MONTH_RANGE), ("cn_year", CN_YEAR_ONLY),
    ("cn_rel_month", CN_RELATIVE_MONTH), ("cn_rel_week", CN_RELATIVE_WEEK), ("cn_rel_day", CN_RELATIVE_DAY),
    ("cn_rolling", CN_ROLLING), ("cn_vague", CN_VAGUE), ("cn_recency", CN_RECENCY),
    ("iso_date", ISO_DATE), ("iso_month", ISO_MONTH),
    ("en_abs", EN_ABSOLUTE), ("en_day_first", EN_DAY_FIRST), ("en_month_rel_year", EN_MONTH_REL_YEAR),
    ("en_half", EN_HALF), ("en_quarter", EN_QUARTER), ("en_year", EN_YEAR), ("en_relative", EN_RELATIVE),
    ("en_rolling", EN_ROLLING), ("en_vague", EN_VAGUE), ("en_recency", EN_RECENCY),
)
RELATIVE_PATTERNS = frozenset({"cn_rel_month", "cn_rel_week", "cn_rel_day", "cn_rolling", "cn_vague", "en_relative",
                               "en_rolling", "en_vague"})
CN_DAY_ONLY = re.compile(rf"\s*(?P<d>{CN_DAY_NUM})(?!\d)\s*[日号]")
EN_DAY_ONLY = re.compile(r"\s*(?:the\s+)?(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<y>(?:19|20)\d{2}))?")
RANGE_GAP = re.compile(rf"\s*(?:{_RANGE_CONNECTORS})\s*")
LIST_GAP = re.compile(rf"\s*(?:{alternation('list_connector')})\s*")

# open ranges
CN_UNTIL_BEFORE = re.compile(rf"(?:{alternation('cn_until_before')})\s*$")
CN_SINCE_BEFORE = re.compile(rf"(?:{alternation('cn_since_before')})\s*$")
CN_SINCE_AFTER = re.compile(rf"\s*(?:{alternation('cn_since_after')})")
CN_UNTIL_AFTER = re.compile(rf"\s*(?:{alternation('cn_until_after')})(?!后|[0-9一二两三四五六七八九十]+\s*个)")
CN_UNTIL_INCLUSIVE_AFTER = re.compile(rf"\s*(?:{alternation('cn_until_inclusive_after')})")
CN_ALWAYS_SINCE = ("以来", "至今", "起")  # since-words that open even a relative date (上周以来)
EN_SINCE_BEFORE = re.compile(rf"\b(?:{alternation('en_since_before')})\s+(?:the\s+)?$")
EN_UNTIL_BEFORE = re.compile(rf"\b(?:{alternation('en_until_before')})\s+(?:the\s+)?$")
EN_UNTIL_INCLUSIVE_BEFORE = re.compile(rf"\b(?:{alternation('en_until_inclusive_before')})\s+(?:the\s+)?$")
EN_SINCE_AFTER = re.compile(rf"\s*(?:{alternation('en_since_after')})\b")

# stripping a time expression from the question
CN_STRIP_BEFORE = re.compile(rf"(?:{alternation('cn_strip_before')})\s*$")
EN_STRIP_BEFORE = re.compile(rf"\b(?:{alternation('en_strip_before')})\s+(?:the\s+)?$", re.IGNORECASE)

REPORT_WORDS_CN = words("cn_report")
REPORT_WORDS_EN = frozenset(words("en_report"))
PERIOD_WORDS_CN = words("cn_period")
PERIOD_WORDS_EN = frozenset(words("en_period"))
QUANTITY = re.compile("|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w)
                               for w in sorted(words("quantity"), key=len, reverse=True)))


def relative_values(name: str) -> dict[str, tuple[str, int]]:
    """`en_relative` words → (unit, offset)."""
    out = {}
    for word, value in values(name).items():
        unit, _, offset = value.partition(":")
        out[word] = (unit, int(offset))
    return out


