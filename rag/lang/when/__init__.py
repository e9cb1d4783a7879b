"""Time in news questions: `6月25日`, `2023年上半年`, `上周`, `最近一周`, `最新`, `June 25`, `last week`, in
Simplified, Traditional and English, → date ranges (year-less where the year is not certain), a recency
wish and the role the dates play (`parse`); the question without them (`strip`); how a range or an
article's date reads in an answer (`describe_range`, `describe_date`). Word lists: data/time_words.tsv."""

from rag.lang.when.parse import parse, strip
from rag.lang.when.ranges import DateRange, Span, TimeQuery, corpus_span_of, describe_date, describe_range, iso_day, month_day, recency_weight

__all__ = ["DateRange", "Span", "TimeQuery", "corpus_span_of", "describe_date", "describe_range", "iso_day",
           "month_day", "parse", "recency_weight", "strip"]
