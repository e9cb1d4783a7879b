"""The training data of the extractive answerer's model (bench/train_answer.py): one Example per question, with
the features of every unit of its pool, cached in .rag/answer-train/<set>.pkl. The pool holds the READ_MAX best
retrieved articles (the answerer reads the `read_articles` best of them, a number train_answer.py chooses by
cross-validation: `Example.reading`) plus the answering article when retrieval missed it."""

from __future__ import annotations

import pickle
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.crud_data import SHARED, WORK, load_crud, load_qa  # noqa: E402
from rag.answering.model import featurize, with_article_features  # noqa: E402
from rag.answering.prepare import articles_to_read, prepare  # noqa: E402
from rag.answering.question import analyze  # noqa: E402
from rag.evaluate import covers, read_jsonl  # noqa: E402

CACHE = WORK / "answer-train5"  # pools of READ_MAX articles (the cache of 2-article pools was answer-train)
K = 5  # config.k
READ_MAX = 5  # pools hold this many of the best retrieved articles; the model reads 2 … READ_MAX of them
UNANSWERABLE_CRUD_WEIGHT = 0.5
OFF_TOPIC_EVERY = 3  # one weak question in this many is also asked without its article (an off-topic question)
SET_WEIGHT = {"weak": 0.5, "weak_unans": 0.5, "weak_offtopic": 0.5}  # a weak question counts half a real one

@dataclass
class Example:
    qid: str
    set: str
    question: str
    keys: list
    gold: list
    group: str
    english: bool
    multi: bool
    atype: str
    X: np.ndarray
    owner: np.ndarray
    unit: np.ndarray
    labels: np.ndarray  # 1 covers the keys, 0 not, -1 unlabelled
    chars: np.ndarray
    texts: list  # each row's unit text as quoted (article's script)
    aids: list  # each pool article's id
    infer: np.ndarray  # rows of the articles the answerer would read (not the added gold)
    weight: float = 1.0
    extra: dict = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    def reading(self, n: int) -> "Example":
        """This question as an answerer reading the `n` best retrieved articles sees it (a focus or multi-article
        question reads its articles whatever `n` is), its rows with the article-level features of those articles
        (rag.answering.model.with_article_features; the cache holds the unit features only)."""
        read = self.extra["read"][:n] if self.extra.get("limited") else self.extra["read"]
        infer = np.where(np.isin(self.owner, [i for i, a in enumerate(self.aids) if a in read]))[0]
        return replace(self, infer=infer, X=with_article_features(self.X, self.owner, infer))


def _example(rec: dict, set_name: str, hits, articles, previous=None, focus=()) -> Example:
    gold = [a for a in rec.get("articles") or [] if a in articles]
    q0_multi = analyze(rec["question"]).multi
    read = articles_to_read(hits, focus, q0_multi, READ_MAX)
    topic = []
    if not gold and (rec.get("crud_unanswerable") or rec.get("topic")):  # the article it was asked about
        src = rec.get("topic") or rec["id"].rsplit("-", 1)[0]
        topic = [src] if src in articles else []
    pool_ids = list(dict.fromkeys(read + gold + topic))
    q, pool = prepare(rec["question"], hits, articles, pool_ids, previous)
    X, owner, unit = featurize(q, pool)
    keys = rec.get("keys") or []
    texts, labels, chars = [], [], []
    for o, u in zip(owner, unit):
        pa = pool[o]
        un = pa.units.units[u]
        text = "".join(pa.article.paragraph(p)[a:b] for p, a, b in un.spans)
        texts.append(text)
        chars.append(un.chars)
        labels.append((1 if covers(text, keys) else 0) if keys and gold else -1)
    aids = [pa.article.id for pa in pool]
    infer = np.where(np.isin(owner, [i for i, a in enumerate(aids) if a in read]))[0]
    weight = SET_WEIGHT.get(set_name, UNANSWERABLE_CRUD_WEIGHT if (topic and not gold) else 1.0)
    return Example(rec["id"], set_name, rec["question"], keys, gold, (gold or topic or [rec["id"]])[0],
                   q.script == "en", q.multi, q.atype, X, owner, unit, np.array(labels, np.int8), np.array(chars),
                   texts, aids, infer, weight,
                   {"q": q, "read": read, "limited": not focus and not q0_multi, "scores": _article_scores(hits)})


def _article_scores(hits) -> dict:
    """Each retrieved article's best hit score."""
    out: dict = {}
    for h in hits:
        out.setdefault(h.chunk.article_id, float(h.score))
    return out


def build_set(name: str, records, retriever, articles, off_topic: bool = False) -> list[Example]:
    """Examples of one question file. `off_topic`: each question is asked of a corpus without its own article
    (retrieval finds related articles that do not answer it): an unanswerable question."""
    out, by_id = [], {r["id"]: r for r in records}
    t0 = time.perf_counter()
    for i, rec in enumerate(records):
        previous, focus = None, ()
        parent = by_id.get(rec.get("follows") or "")
        if parent:  # asked in its parent's conversation: the chat keeps to the parent's articles
            previous, focus = parent["question"], tuple(parent.get("articles") or ())
        multi = analyze(rec["question"]).multi
        if off_topic:
            own = set(rec.get("articles") or ())
            hits = [h for h in retriever.search(rec["question"], k=4 * K) if h.chunk.article_id not in own][:K]
            rec = {**rec, "articles": [], "keys": []}
        else:
            hits = retriever.search(rec["question"], k=40 if multi else K, article_ids=list(focus) or None)
        out.append(_example(rec, name, hits, articles, previous, focus))
        if i % 50 == 0:
            print(f"  {name}: {i}/{len(records)} {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    return out


def seeds():
    from bench.bench_answer import seed_engine

    engine = seed_engine()
    return engine.retriever, engine.articles


SEED_SETS = {
    "dev_qa": SHARED / "eval" / "dev_qa.jsonl", "dev2_qa": SHARED / "eval" / "dev2_qa.jsonl",
    "english": ROOT / "bench" / "english_qa.jsonl", "english_heldout": ROOT / "bench" / "english_qa_heldout.jsonl",
    "zh_offtopic": ROOT / "bench" / "chinese_unanswerable_qa.jsonl",
}


def build(rebuild: set[str]) -> dict[str, list[Example]]:
    """Every set's examples, each cached in .rag/answer-train/<set>.pkl ("all" in `rebuild` rebuilds all)."""
    from rag.config import Config

    CACHE.mkdir(parents=True, exist_ok=True)
    sets: dict[str, list[Example]] = {}
    todo = {}
    for name in [*SEED_SETS, "crud_dev", "weak", "weak_unans", "weak_offtopic"]:
        path = CACHE / f"{name}.pkl"
        if path.exists() and not ({"all", name} & rebuild):
            sets[name] = pickle.loads(path.read_bytes())
        else:
            todo[name] = path
    if any(n in SEED_SETS for n in todo):
        retriever, articles = seeds()
        for name in [n for n in todo if n in SEED_SETS]:
            sets[name] = build_set(name, read_jsonl(SEED_SETS[name]), retriever, articles)
    from bench.bench_answer import LexicalRetriever

    if "crud_dev" in todo:  # over the CRUD index the answerer is measured on (hybrid), BM25 until it is built
        from bench.bench_answer import CRUD_INDEX, crud_retriever
        from bench.crud_data import crud_paths

        crud = load_crud(2000)
        retriever, how = crud_retriever(crud, Config(corpus=tuple(crud_paths(2000)), index_dir=CRUD_INDEX), lexical=True)
        print(f"  crud_dev retrieval: {how}", file=sys.stderr)
        sets["crud_dev"] = build_set("crud_dev", load_qa("qa_dev"), retriever, {a.id: a for a in crud})
    weak_files = (("weak", "weak.jsonl"), ("weak_unans", "weak_unanswerable.jsonl"), ("weak_offtopic", "weak.jsonl"))
    if any(name in todo and (CACHE / file).exists() for name, file in weak_files):
        from bench.answer_weak import weak_articles

        records = {file: read_jsonl(CACHE / file) for _, file in weak_files if (CACHE / file).exists()}
        used = {a for recs in records.values() for r in recs for a in r["articles"] + [r.get("topic")]}
        weak = [a for a in weak_articles() if a.id in used]  # retrieval over the articles questions were made from
        retriever, by_id = LexicalRetriever(weak, Config()), {a.id: a for a in weak}
        for name, file in weak_files:
            if name in todo and file in records:
                recs = records[file][::OFF_TOPIC_EVERY] if name == "weak_offtopic" else records[file]
                sets[name] = build_set(name, recs, retriever, by_id, off_topic=name == "weak_offtopic")
    for name, path in todo.items():
        if name in sets:
            path.write_bytes(pickle.dumps(sets[name]))
    return sets


