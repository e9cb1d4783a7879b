"""Cleaning rules for scraped Chinese news: what is article text, what is page debris, what is metadata.

Each rule is a small function or a named pattern so that it can be tested on a real excerpt; the rules are
grouped by family:

- `text`: character classes, whitespace, pinyin glosses, the comparison key
- `mojibake`: GBK text decoded one byte off
- `dates`: dates in any notation, date lines, dates completed from a URL
- `credits`: names, outlets, role words, credit lines and blocks, datelines
- `headers`: the header line of a JSONL record
- `chrome`: menus, breadcrumbs, widgets, spam, link lists, captions, boilerplate
- `titles`: headlines, derived titles, `原标题：`
- `paragraphs`: paragraph splitting and joining
- `wordlists`: the rules' word lists (rag/ingest/data/cleaning_words.tsv, in Simplified only) and the
  Simplified twin of a text that they are matched on
- `pipeline`: `clean_article`, which turns one decoded document (plain text, text extracted from HTML, or
  the `text` of a JSONL record) into a title, numbered-from-1 body paragraphs and metadata (date, source,
  author).

Text that stays in the body is kept verbatim apart from whitespace: answers quote it, so words are
matched on a converted twin of the text and what is kept is cut from the text itself.
"""

from rag.ingest.cleaning.pipeline import Cleaned, clean_article

__all__ = ["Cleaned", "clean_article"]
