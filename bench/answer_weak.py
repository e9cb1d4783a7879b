"""Weak training questions for the answer ranker, made from news articles the CRUD index does not hold
(distractors.jsonl lines WEAK_LINES: after the first 2,000, which the CRUD index reads).

Each question comes from one unit of one article with a key that occurs once in it and not in the question:

- enumeration: “<intro>，分别是什么？” from an enumeration unit (一是…二是…), keys = each item's first words;
- speaker: “<a clause of a quotation>”是谁说的？, key = the person in its speaker line;
- title: <name>担任什么职务？, key = the title before the name;
- purpose: <the main clause>的目的是什么？ from 为/为了…，<main clause>, key = the purpose clause's first words;
- number / date: the clause with its number (in its measure) or date asked for (多少 / 什么时候), key = that span.

And unanswerable ones, for the answerability model: a question about something the article names (a person,
an organisation, a place) asking for a kind of answer the article holds nowhere (an age, an amount of money, a
phone number, a population, a university), with the article as its topic.

    python bench/answer_weak.py      # writes .rag/answer-train5/weak.jsonl and weak_unanswerable.jsonl (never committed)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.answer_data import CACHE  # noqa: E402
from bench.crud_data import CRUD, WORK  # noqa: E402
from rag.answering.slots import article_slots  # noqa: E402
from rag.answering.units import article_units  # noqa: E402
from rag.ingest.articles import Article, load_corpus  # noqa: E402

WEAK_LINES = range(2000, 10000)
OUT = CACHE / "weak.jsonl"
OUT_UNANSWERABLE = CACHE / "weak_unanswerable.jsonl"
UNANSWERABLE_EVERY = 8  # one article in this many gets an unanswerable question
PER_ARTICLE = 3  # questions kept per article (the kinds dev questions need most come first) ...
PER_KIND = {"number": 1, "date": 1}  # ... and at most this many cloze questions of one article
TOTAL = {"number": 400, "date": 300, "title": 300}  # cloze kinds are common: a sample of them is kept
_MARK = re.compile(r"^(?:[一二三四五六七八九十](?:是|要|抓|建|强|提|加|在|为)|第[一二三四五六七八九十][，,、是]?|[（(][一二三四五六七八九十][）)]|[一二三四五六七八九十]、|\d{1,2}[、.．)]|首先|其次|再次|最后)")


def weak_articles() -> list[Article]:
    path = WORK / "weak-articles.jsonl"
    if not path.exists():
        with (CRUD / "distractors.jsonl").open(encoding="utf-8") as src:
            lines = [line for i, line in enumerate(src) if i in WEAK_LINES]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines), encoding="utf-8")
    return load_corpus([path]).articles


def _once(article_text: str, key: str) -> bool:
    return len(key) >= 2 and article_text.count(key) == 1


def questions(article: Article) -> list[dict]:
    au = article_units(article)
    slots = article_slots(au)
    text = "\n".join(au.norm)
    out: list[dict] = []

    def add(kind: str, question: str, keys: list[list[str]]):
        if all(_once(text, k[0]) and k[0] not in question for k in keys) and 8 <= len(question) <= 60:
            out.append({"kind": kind, "question": question, "keys": keys})

    for u in au.units:
        if u.kind == "enumh" and u.clauses >= 3:
            heads = [au.norm[p - 1][a:b] for p, a, b in u.spans]
            intro = heads[0] if not _MARK.match(heads[0]) else ""
            items = [_MARK.sub("", h) for h in heads if _MARK.match(h)]
            intro = re.split(r"[，,：:]", intro)[0] if intro else ""
            if intro and len(items) >= 3:
                add("enumeration", f"{intro}，分别是什么？", [[re.split(r"[，,。；;]", it)[0][:6]] for it in items[:4]])
        if u.kind in ("quote", "sent"):
            # a quotation and the person who says it (“…”某某说 / 某某表示：“…”), in one unit
            joined = "".join(au.norm[p - 1][a:b] for p, a, b in u.spans)
            quote = re.search(r"“([^“”]{12,})”", joined)
            people = [s for s in slots.within("person", u)
                      if re.match(r"(说|表示|指出|强调|介绍|称|认为)", au.norm[s[0] - 1][s[2] : s[2] + 2])]
            if quote and people:
                clause = max(re.split(r"[，,。！？；]", quote.group(1)), key=len)
                name = au.norm[people[-1][0] - 1][people[-1][1] : people[-1][2]]
                if 8 <= len(clause) <= 30:
                    add("speaker", f"“{clause}”是谁说的？", [[name]])
    for p, a, b in slots.spans["person"]:
        para = au.norm[p - 1]
        name = para[a:b]
        start = max([m.end() for m in re.finditer(r"[，,。：:；;“”（）()]", para[:a])], default=0)
        title = para[start:a]
        if 4 <= len(title) <= 20 and text.count(name) == 1:
            add("title", f"{name}担任什么职务？", [[title]])
    for s in au.sentences:
        sent = au.norm[s.paragraph - 1][s.start : s.end]
        m = re.match(r"(为了|为|旨在)([^，,。]{4,30})[，,](?:[^，,。]{0,30}[，,])?([^，,。]{6,40})[，,。]", sent)
        if m and re.search(r"召开|举办|举行|开展|启动|成立|发布|出台|印发|推出|组织|实施|建立|设立|制定|推进|打造", m.group(3)):
            main = re.sub(r"^(近日|日前|[0-9]{1,2}月[0-9]{1,2}日)[，,]?", "", m.group(3))
            add("purpose", f"{main}的目的是什么？", [[m.group(2)[:6]]])
        for kind, spans in (("number", slots.spans["number"]), ("date", slots.spans["date"])):
            for q, x, y in spans:
                if q != s.paragraph or not (s.start <= x and y <= s.end):
                    continue
                key = au.norm[q - 1][x:y]
                measure = slots.measures.get((q, x, y))
                if kind == "number" and (not measure or not re.search(r"[0-9]", key) or measure == "年"):
                    continue
                if kind == "date" and not re.search(r"[0-9]+月[0-9]+日", key):
                    continue
                clause = next(((ca, cb) for ca, cb in s.clauses if ca <= x and y <= cb), None)
                if clause is None:
                    continue
                ca, cb = clause
                para = au.norm[q - 1]
                ask = "多少" + measure if kind == "number" else "什么时候"
                question = (para[ca:x] + ask + para[y:cb]).strip("，,。 ") + "？"
                add(kind, question, [[key]])
    order = {"enumeration": 0, "speaker": 1, "purpose": 2, "title": 3, "number": 4, "date": 5}
    out.sort(key=lambda r: order[r["kind"]])
    kept, per_kind = [], {}
    for r in out:
        per_kind[r["kind"]] = per_kind.get(r["kind"], 0) + 1
        if per_kind[r["kind"]] <= PER_KIND.get(r["kind"], 2):
            kept.append(r)
    return kept[:PER_ARTICLE]


# (kind of answer the article must not hold, what the question names, template)
_UNANSWERABLE = [
    ("age", "person", "{x}今年多大年纪？"),
    ("money", "org", "{x}的总投资是多少？"),
    ("phone", "org", "{x}的联系电话是多少？"),
    ("population", "place", "{x}有多少常住人口？"),
    ("university", "person", "{x}毕业于哪所大学？"),
    ("money", "org", "{x}获得了多少奖金？"),
]


def unanswerable(article: Article, n: int) -> dict | None:
    """A question naming what the article names and asking what it never says (cycling through the templates)."""
    au = article_units(article)
    slots = article_slots(au)
    text = "\n".join(au.norm)
    absent = {"age": not slots.any("age"), "money": not slots.any("money"), "phone": not slots.any("phone"),
              "population": "人口" not in text, "university": "大学" not in text and "学院" not in text}
    kind, names, template = _UNANSWERABLE[n % len(_UNANSWERABLE)]
    spans = [s for s in slots.spans[names] if 3 <= s[2] - s[1] <= 12]
    if not absent[kind] or not spans:
        return None
    p, a, b = spans[0]
    return {"question": template.format(x=au.norm[p - 1][a:b]), "kind": f"no_{kind}"}


def main() -> int:
    arts = weak_articles()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with OUT.open("w", encoding="utf-8") as fh:
        for art in arts:
            for i, q in enumerate(questions(art)):
                if counts.get(q["kind"], 0) >= TOTAL.get(q["kind"], 10**9):
                    continue
                counts[q["kind"]] = counts.get(q["kind"], 0) + 1
                rec = {"id": f"{art.id}-w{i}", "question": q["question"], "articles": [art.id], "keys": q["keys"], "kind": q["kind"]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{sum(counts.values())} weak questions from {len(arts)} articles: {counts}")
    made = 0
    with OUT_UNANSWERABLE.open("w", encoding="utf-8") as fh:
        for n, art in enumerate(arts[::UNANSWERABLE_EVERY]):
            q = unanswerable(art, n)
            if q:
                made += 1
                rec = {"id": f"{art.id}-u", "question": q["question"], "articles": [], "keys": [], "topic": art.id, "kind": q["kind"]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{made} unanswerable questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
