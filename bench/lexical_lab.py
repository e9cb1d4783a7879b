"""BM25 variants on the whole CRUD index (no embeddings needed): documents, title, k1/b, tokenizer.

    python bench/lexical_lab.py
Tokens are cached in .rag/lexlab-tokens.pkl so variants cost only the BM25 build.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.fusion_lab import metrics  # noqa: E402
from rag.chunks import chunk_articles  # noqa: E402
from rag.lexical import LexicalIndex, STOPWORDS, _jieba, tokenize  # noqa: E402
from rag.text import normalize  # noqa: E402


def plain_tokens(text: str) -> list[str]:
    return [w for w in _jieba().lcut(normalize(text)) if w.strip() and any(c.isalnum() for c in w) and w not in STOPWORDS]


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    cache = WORK / f"lexlab-tokens-{size}.pkl"
    arts = load_crud(2000)
    chunks = chunk_articles(arts, size)
    qs = answerable(load_qa("qa_dev"))
    if cache.exists():
        data = pickle.loads(cache.read_bytes())
    else:
        t0 = time.time()
        data = {
            "search": [tokenize(c.text) for c in chunks],
            "plain": [plain_tokens(c.text) for c in chunks],
            "title_search": {a.id: tokenize(a.title) for a in arts},
            "title_plain": {a.id: plain_tokens(a.title) for a in arts},
        }
        cache.write_bytes(pickle.dumps(data))
        print(f"tokenised in {time.time() - t0:.0f}s", file=sys.stderr)
    aids = [a.id for a in arts]
    apos = {a: i for i, a in enumerate(aids)}
    owner = np.array([apos[c.article_id] for c in chunks])
    gold = [set(q["articles"]) for q in qs]

    def run(name, docs, level, qtok, k1=1.2, b=0.75):
        lex = LexicalIndex.from_tokens(docs, k1=k1, b=b)
        ranked = []
        for q in qtok:
            s = lex.scores(q)
            if level == "chunk":
                A = np.zeros(len(aids), np.float32)
                np.maximum.at(A, owner, s)
            else:
                A = s
            ranked.append([aids[i] for i in np.argsort(-A)[:20]])
        print(f"{name:40s} {metrics(ranked, gold)}", flush=True)

    for tk in ("search", "plain"):
        qtok = [tokenize(q["question"]) if tk == "search" else plain_tokens(q["question"]) for q in qs]
        ct, tt = data[tk], data[f"title_{tk}"]
        run(f"{tk} chunk", ct, "chunk", qtok)
        run(f"{tk} chunk+title", [tt[c.article_id] + t for c, t in zip(chunks, ct)], "chunk", qtok)
        run(f"{tk} chunk+title x2", [tt[c.article_id] * 2 + t for c, t in zip(chunks, ct)], "chunk", qtok)
        art_docs = [list(tt[a]) for a in aids]
        for c, t in zip(chunks, ct):
            art_docs[apos[c.article_id]].extend(t)
        run(f"{tk} article(title+text)", art_docs, "article", qtok)
        if tk == "search":
            for k1, b in ((0.9, 0.4), (1.2, 0.5), (1.5, 0.75), (1.2, 0.9), (2.0, 0.75)):
                run(f"{tk} chunk+title k1={k1} b={b}", [tt[c.article_id] + t for c, t in zip(chunks, ct)], "chunk", qtok, k1, b)
                run(f"{tk} article k1={k1} b={b}", art_docs, "article", qtok, k1, b)


if __name__ == "__main__":
    main()
