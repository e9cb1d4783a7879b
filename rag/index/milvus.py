"""The `milvus` index backend: the index in Milvus (a cluster or standalone server, `--index-uri
http://HOST:19530`), or in milvus-lite (embedded: a path ending .db; or `milvus-lite server`), shared by every
app replica. Needs the optional extra: pip install -e '.[milvus]'.

Visibility (a killed ingest stays invisible; collections and schema: rag.index.milvus_store): every row carries
`gen_from`/`gen_to`, and generation C sees a row iff gen_from <= C < gen_to. A writer writes generation
G = C + 1: new chunks get gen_from = G (a chunk the article already had keeps its row: keys are content
hashes); at commit, the chunks an article lost, and its old manifest row, get gen_to = G; then the one `header`
row is flipped to committed = G. That single-row write is the commit point: before it, readers (pinned to C)
see exactly the old state, after it exactly the new one. The next writer rolls back what an unfinished
generation left (rows with gen_from > C deleted, gen_to > C reset) and deletes rows no generation from C - 1
on sees. An instance reads the generation it was opened at; `latest()` moves on (replicas poll it).
"""

from __future__ import annotations

import json
import re
import time
from typing import Callable, Collection, Sequence

import numpy as np
import pymilvus  # noqa: F401 - the optional extra: missing, this module fails to import (a one-line error upstream)

from rag.config import Config, ConfigError
from rag.index.backend import (
    EMPTY_IDS,
    NO_MONTH_DAY,
    UNDATED,
    ArticleChunks,
    CandidateSet,
    ChunkTable,
    Found,
    IndexBackend,
    Pool,
    Where,
    day_number,
    month_day,
)
from rag.index.manifest import check_manifest, new_header
from rag.index.milvus_store import (
    INF,
    MAX_RESULTS,
    Collections,
    Lease,
    batches,
    chunk_key,
    connect,
    disconnect,
    encode_tokens,
    in_list,
    lit,
    visible,
)
from rag.ingest.chunks import Chunk

HEADER_TTL = 1.0  # seconds `latest()` trusts the header it read last
CHUNK_FIELDS = ["article_id", "paragraph", "start", "end", "text"]


class MilvusBackend(IndexBackend):
    name = "milvus"

    def __init__(self, config: Config, _shared: tuple | None = None):
        super().__init__(config)
        self.uri = str(config.index_uri)
        # URI#NAME: this index's collections are NAME_chunks, NAME_meta, NAME_words (several indexes, one Milvus)
        address, _, name = self.uri.partition("#")
        if _shared is None:
            client = connect(address)
            self.store = Collections(client, _collection_prefix(name))
            self.store.load()
            self.lease = Lease(client, self.store.meta)
        else:
            self.store, self.lease = _shared
        self.client = self.store.client
        self._committed, self._header = self._read_header()
        self._checked = time.monotonic()
        self._articles: dict[str, dict] | None = None
        self._writing = False

    # -- the committed state --------------------------------------------------------------------------------
    def _read_header(self) -> tuple[int, dict]:
        if not self.store.exist():
            return 0, {}
        rows = self.client.get(self.store.meta, ids=["header"], output_fields=["body"])
        if not rows:
            return 0, {}
        header = json.loads(rows[0]["body"])
        return int(header["committed"]), header

    @property
    def where(self) -> str:
        return self.uri

    @property
    def manifest(self) -> dict:
        if not self._header:
            return {}
        return {**self._header["manifest"], "data": str(self._committed)}

    def articles(self) -> dict[str, dict]:
        if self._articles is None:
            self._articles = {}
            if self._committed:
                for r in self._iterate(self.store.meta, f'kind == "article" and {visible(self._committed)}',
                                       ["article_id", "body"]):
                    self._articles[r["article_id"]] = json.loads(r["body"])
        return self._articles

    def title(self, article_id: str) -> str:
        if self._articles is not None:
            return self._articles.get(article_id, {}).get("title", "")
        rows = self.client.query(self.store.meta, output_fields=["body"],
                                 filter=f'kind == "article" and article_id == {lit(article_id)} and {visible(self._committed)}')
        return json.loads(rows[0]["body"]).get("title", "") if rows else ""

    def sources(self) -> set[str]:
        return {e["source"] for e in self.articles().values() if e.get("source")}

    def latest(self) -> "MilvusBackend":
        if self._writing or time.monotonic() - self._checked < HEADER_TTL:
            return self
        self._checked = time.monotonic()
        committed, _ = self._read_header()
        if committed == self._committed:
            return self
        return MilvusBackend(self.config, (self.store, self.lease))

    # -- searching ------------------------------------------------------------------------------------------
    def _expr(self, where: Where | None) -> str:
        parts = [visible(self._committed)]
        if where:
            rule = where.dates()
            if rule is not None and rule.yearless:  # the day of the year, dated or year-less articles alike
                window = (f"monthday >= {rule.lo} and monthday <= {rule.hi}" if rule.lo <= rule.hi
                          else f"(monthday >= {rule.lo} or monthday <= {rule.hi})")
                parts += [f"monthday != {NO_MONTH_DAY}", window]
            elif rule is not None:  # an article without a full date is outside any dated bound
                parts.append(f"date != {UNDATED}")
                if rule.lo is not None:
                    parts.append(f"date >= {rule.lo}")
                if rule.hi is not None:
                    parts.append(f"date <= {rule.hi}")
            if where.filter.sources:
                parts.append(in_list("source", sorted(where.filter.sources)))
            if where.article_ids is not None:
                parts.append(in_list("article_id", sorted(where.article_ids)))
        return " and ".join(parts)

    def dense_search(self, qvec: np.ndarray, k: int, where: Where | None = None) -> Found:
        if not self._committed or k <= 0 or (where is not None and where.empty()):
            return Found.none()
        vec = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        res = self.client.search(self.store.chunks, data=[vec], anns_field="vec", limit=min(k, MAX_RESULTS),
                                 filter=self._expr(where), output_fields=["article_id"],
                                 search_params={"metric_type": "IP"})
        return _found(res[0], lambda d: d)

    def lexical_search(self, tokens: Sequence[str], k: int, where: Where | None = None) -> Found:
        text = encode_tokens(tokens)
        if not text or not self._committed or k <= 0 or (where is not None and where.empty()):
            return Found.none()
        res = self.client.search(self.store.chunks, data=[text], anns_field="sparse", limit=min(k, MAX_RESULTS),
                                 filter=self._expr(where), output_fields=["article_id"],
                                 search_params={"metric_type": "BM25"})
        # milvus-lite returns BM25 scores as negative distances, Milvus as positive scores
        return _found(res[0], abs)

    def fetch(self, keys: Sequence | None = None, article_ids: Collection[str] | None = None,
              vectors: bool = False) -> ChunkTable:
        fields = CHUNK_FIELDS + (["vec"] if vectors else [])
        rows: list[dict] = []
        if not self._committed:
            pass
        elif keys is not None:
            wanted = list(dict.fromkeys(str(k) for k in keys))
            found = {}
            for b in batches(wanted):
                for r in self.client.query(self.store.chunks, filter=f"{in_list('pk', b)} and {visible(self._committed)}",
                                           output_fields=fields):
                    found[r["pk"]] = r
            rows = [found[k] for k in wanted if k in found]
        else:
            order = {a: i for i, a in enumerate(dict.fromkeys(article_ids or ()))}
            for b in batches(list(order)):
                rows += self._iterate(self.store.chunks, f"{in_list('article_id', b)} and {visible(self._committed)}",
                                      ["pk", *fields])
            rows.sort(key=lambda r: (order[r["article_id"]], r["paragraph"], r["start"]))
        chunks = [Chunk(r["article_id"], int(r["paragraph"]), int(r["start"]), int(r["end"]), r["text"]) for r in rows]
        vecs = None
        if vectors:
            vecs = np.array([r["vec"] for r in rows], dtype=np.float32).reshape(len(rows), -1)
        return ChunkTable(np.array([r["pk"] for r in rows], dtype=object), chunks, vecs)

    def candidates(self, qvec: np.ndarray | None, tokens: Sequence[str] | None, pool: int, where: Where,
                   whole_articles: bool) -> CandidateSet:
        """On milvus-lite (an exact FLAT index), a search limited to the candidate articles returns every one of
        their chunks with its cosine, computed by the engine: the candidates' vectors never travel (fetching
        them took ~1 s a question). Elsewhere (an approximate index, which may leave out rows a filtered search
        admits), the generic way: fetch the candidates and their vectors."""
        if not (self.store.lite and whole_articles and qvec is not None):
            return super().candidates(qvec, tokens, pool, where, whole_articles)
        t = {"dense": 0.0, "lexical": 0.0}
        clock = time.perf_counter()
        dense = self.dense_search(qvec, pool, where)
        t["dense"] = _ms(clock)
        clock = time.perf_counter()
        lexical = self.lexical_search(tokens, pool, where) if tokens else Found.none()
        t["lexical"] = _ms(clock)
        ids = list(dict.fromkeys([*dense.article_ids, *lexical.article_ids]))
        if not ids:
            return CandidateSet(Pool([], EMPTY_IDS, []), EMPTY_IDS, EMPTY_IDS, EMPTY_IDS, None, None, t)
        clock = time.perf_counter()
        own = Where(where.filter, frozenset(ids))
        vec = np.asarray(qvec, dtype=np.float32).reshape(-1).tolist()
        rows = self.client.search(self.store.chunks, data=[vec], anns_field="vec", limit=MAX_RESULTS,
                                  filter=self._expr(own), output_fields=["pk", *CHUNK_FIELDS],
                                  search_params={"metric_type": "IP"})[0]
        number = {a: i for i, a in enumerate(ids)}
        rows = sorted(rows, key=lambda h: (number[_field(h, "article_id")], _field(h, "paragraph"), _field(h, "start")))
        chunks = [Chunk(_field(h, "article_id"), int(_field(h, "paragraph")), int(_field(h, "start")),
                        int(_field(h, "end")), _field(h, "text")) for h in rows]
        keys = [_field(h, "pk") for h in rows]
        local = {k: i for i, k in enumerate(keys)}
        cosines = np.array([float(h["distance"]) for h in rows], dtype=np.float32)
        t["dense"] += _ms(clock)
        clock = time.perf_counter()
        lex = np.zeros(len(rows), dtype=np.float64)
        if len(lexical):
            scored = self.lexical_search(tokens, len(rows), own)
            for key, score in zip(scored.keys.tolist(), scored.scores.tolist()):
                if key in local:
                    lex[local[key]] = score
        t["lexical"] += _ms(clock)
        pool_ = Pool(chunks, np.array([number[c.article_id] for c in chunks], dtype=np.int64), ids)
        return CandidateSet(pool_, np.arange(len(rows), dtype=np.int64),
                            np.array([local[k] for k in dense.keys.tolist() if k in local], dtype=np.int64),
                            np.array([local[k] for k in lexical.keys.tolist() if k in local], dtype=np.int64),
                            cosines, lex if tokens is not None else None, t)

    def _iterate(self, collection: str, expr: str, fields: list[str]) -> list[dict]:
        """Every row matching expr (an iterator: a plain query is capped at MAX_RESULTS)."""
        out: list[dict] = []
        it = self.client.query_iterator(collection, batch_size=1000, filter=expr, output_fields=fields)
        try:
            while batch := it.next():
                out.extend(batch)
        finally:
            it.close()
        return out

    def query_tokens(self, query: str) -> list[str]:
        from rag.index.lexical import query_tokens

        return query_tokens(query, self._spellings, self._known)

    def _spellings(self, names: list[str]) -> dict[str, list[str]]:
        """pinyin → the index's Han words spelt so, for every part of these romanised names."""
        parts = sorted({n[i:j] for n in names for i in range(len(n)) for j in range(i + 2, len(n) + 1)})
        out: dict[str, list[str]] = {}
        if not self.client.has_collection(self.store.words):
            return out
        for b in batches(parts):
            for r in self.client.query(self.store.words, filter=in_list("spelling", b), output_fields=["spelling", "word"]):
                out.setdefault(r["spelling"], []).append(r["word"])
        return out

    def _known(self, words: list[str]) -> set[str]:
        if not words or not self.client.has_collection(self.store.words):
            return set()
        rows = self.client.query(self.store.words, filter=in_list("pk", [f"w:{w}" for w in words]), output_fields=["word"])
        return {r["word"] for r in rows}

    # -- writing ----------------------------------------------------------------------------------------------
    def begin(self, embedder_id: str, dim: int, rebuild: bool = False, wait: bool = True,
              say: Callable[[str], None] | None = None) -> None:
        self.store.create_meta()
        self.lease.take(wait, say, self.uri)
        self._writing = True
        try:
            self._committed, self._header = self._read_header()
            self._articles = None
            if self._header and not rebuild:
                check_manifest(self._header["manifest"], self.uri, embedder_id, dim, self.config)
            self.store.create_chunks(int(dim))  # (anew when the dimension changed: only a rebuild gets here so)
            if not self.lease.clean:  # the last writer did not finish: undo what it left
                self._rollback_above(self._committed)
            for coll in (self.store.chunks, self.store.meta):
                self.client.delete(coll, filter=f"gen_to <= {self._committed - 1}")  # no reader sees them
            self._embedder = (embedder_id, int(dim))
            self._rebuild = rebuild
            self._gen = self._committed + 1
            self._old: dict[str, set[str]] = {}  # article → its chunk keys live in the committed generation
            self._new: dict[str, set[str]] = {}  # article → its chunk keys in the generation being written
            self._entries: dict[str, dict] = {}  # article → its new manifest entry
            self._deleted: set[str] = set()
            self._words: set[str] = set()
            self._dirty = False  # written since the last commit
        except BaseException:
            self._writing = False
            self.lease.release()
            raise

    def _rollback_above(self, c: int) -> None:
        """Undo what an unfinished generation (> c) left: its rows, and its marks on older rows."""
        for coll in (self.store.chunks, self.store.meta):
            self.client.delete(coll, filter=f"gen_from > {c}")
            pks = [r["pk"] for r in self._iterate(coll, f"gen_to > {c} and gen_to < {INF}", ["pk"])]
            self._set_gen_to(coll, pks, INF)

    def _set_gen_to(self, coll: str, pks: Sequence[str], gen: int) -> None:
        for b in batches(list(pks), 500):
            self.client.upsert(coll, [{"pk": p, "gen_to": gen} for p in b], partial_update=True)

    def _load_old(self, article_ids: Collection[str]) -> None:
        """The chunk keys these articles have in the committed generation (on first touch in this write)."""
        todo = sorted(set(article_ids) - set(self._old))
        for a in todo:
            self._old[a], self._new[a] = set(), set()
        known = [a for a in todo if a in self.articles()]
        for b in batches(known):
            for r in self._iterate(self.store.chunks, f"{in_list('article_id', b)} and {visible(self._committed)}",
                                   ["pk", "article_id"]):
                self._old[r["article_id"]].add(r["pk"])

    def upsert(self, part: ArticleChunks) -> None:
        self._check_writing()
        self._dirty = True
        self.lease.renew()
        aid, date, source = part.article_id, part.entry.get("date"), part.entry.get("source")
        self._load_old([aid])
        self._deleted.discard(aid)
        new, rows = set(), []
        for chunk, vec, toks in zip(part.chunks, part.vectors, part.tokens):
            key = chunk_key(aid, chunk.paragraph, chunk.start, chunk.end, chunk.text, part.title, date, source)
            new.add(key)
            if key in self._old[aid] or key in self._new[aid]:
                continue  # the chunk is there already: its row stays
            rows.append({"pk": key, "article_id": aid, "paragraph": chunk.paragraph, "start": chunk.start,
                         "end": chunk.end, "date": day_number(date), "monthday": month_day(date),
                         "source": source or "", "text": chunk.text,
                         "tokens": encode_tokens(part.title_tokens + toks), "vec": np.asarray(vec, np.float32).tolist(),
                         "gen_from": self._gen, "gen_to": INF})
            self._words.update(toks)
        for key in self._new[aid] - new - self._old[aid]:  # written earlier in this generation, gone now
            self.client.delete(self.store.chunks, ids=[key])
        for b in batches(rows, 256):
            self.client.upsert(self.store.chunks, b)
        self._new[aid] = new
        self._words.update(part.title_tokens)
        self._entries[aid] = dict(part.entry)

    def delete(self, article_ids: Collection[str]) -> None:
        self._check_writing()
        self._dirty = True
        ids = list(article_ids)
        self._load_old(ids)
        for a in ids:
            fresh = self._new[a] - self._old[a]  # written in this generation: never visible, simply removed
            for b in batches(sorted(fresh)):
                self.client.delete(self.store.chunks, ids=b)
            self._new[a] = set()
            self._entries.pop(a, None)
            self._deleted.add(a)

    def commit(self, final: bool = True, say: Callable[[str], None] | None = None) -> None:
        self._check_writing()
        say = say or (lambda _m: None)
        try:
            g = self._gen
            previous = self.articles()
            if self._rebuild:  # every article not written again goes
                self.delete([a for a in previous if a not in self._entries])
                self._rebuild = False
            say("retiring replaced chunks")
            touched = sorted(set(self._old) | self._deleted)
            retire = [k for a in self._old for k in self._old[a] - self._new[a]]
            self._set_gen_to(self.store.chunks, retire, g)
            old_rows = [f"a:{a}.{previous[a]['gen']}" for a in touched if a in previous and "gen" in previous[a]]
            self._set_gen_to(self.store.meta, old_rows, g)
            entries = [{"pk": f"a:{a}.{g}", "kind": "article", "article_id": a, "vec": [0.0, 0.0], "gen_from": g,
                        "gen_to": INF, "body": json.dumps({**e, "gen": g}, ensure_ascii=False, sort_keys=True)}
                       for a, e in self._entries.items()]
            for b in batches(entries, 500):
                self.client.upsert(self.store.meta, b)
            say("adding words to the vocabulary")
            self._write_words()
            if self.store.lite:
                # milvus-lite rebuilds the BM25 and vector index of its memtable on every search: one flush per
                # commit keeps searches fast. (Milvus seals segments itself; no flush needed for visibility.)
                self.client.flush(self.store.chunks)
            counts = self._counts(previous, retire)
            header = {"committed": g, "committed_at": time.time(),
                      "manifest": new_header(*self._embedder, self.config, counts)}
            self.lease.check()  # a writer whose lease was taken over commits nothing
            say("swapping the new index in")
            self.client.upsert(self.store.meta, [{"pk": "header", "kind": "header", "article_id": "",
                                                  "vec": [0.0, 0.0], "body": json.dumps(header, ensure_ascii=False),
                                                  "gen_from": 0, "gen_to": INF}])  # the commit point
            self._committed, self._header, self._articles = g, header, None
            self._gen = g + 1
            self._old, self._new, self._entries, self._deleted, self._words = {}, {}, {}, set(), set()
            self._dirty = False
        except BaseException:
            self.abort()
            raise
        if final:
            self._writing = False
            self.lease.release()

    def _counts(self, previous: dict[str, dict], retired: list[str]) -> dict:
        articles = (set(previous) - self._deleted) | set(self._entries)
        added = sum(len(self._new[a] - self._old[a]) for a in self._new)
        chunks = int(self._header.get("manifest", {}).get("counts", {}).get("chunks", 0)) if self._header else 0
        return {"articles": len(articles), "chunks": chunks + added - len(retired)}

    def _write_words(self) -> None:
        """What an English question looks up: the pinyin spellings of new Han words, and the glossary's words."""
        from rag.lang.glossary import glossary
        from rag.lang.pinyin import pinyin_map

        if not self._words:
            return
        rows = [{"pk": f"p:{spelling}:{w}", "spelling": spelling, "word": w, "vec": [0.0, 0.0]}
                for spelling, words in pinyin_map(sorted(self._words)).items() for w in words]
        chinese = {w for words in glossary().values() for w in words}
        rows += [{"pk": f"w:{w}", "spelling": "", "word": w, "vec": [0.0, 0.0]} for w in sorted(self._words & chinese)]
        for b in batches(rows, 1000):
            self.client.upsert(self.store.words, b)

    def abort(self) -> None:
        if self._writing:
            try:
                if self._dirty:
                    self._rollback_above(self._committed)
            finally:
                self._writing = False
                self.lease.release()

    def _check_writing(self) -> None:
        if not self._writing:
            raise RuntimeError("begin() first: the index is written under its writer lease")

    def close(self) -> None:
        disconnect(self.uri.partition("#")[0])


def _collection_prefix(name: str) -> str:
    if not name:
        return "rag"
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", name):
        raise ConfigError(f"index_uri: the index name after # must be letters, digits and _, not {name!r}")
    return name


def _field(hit: dict, name: str):
    """A search hit's field (pymilvus puts output fields under "entity"; the primary key is also "id")."""
    if name in hit:
        return hit[name]
    entity = hit.get("entity") or {}
    return entity.get(name, hit.get("id") if name == "pk" else None)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def _found(hits: list[dict], score: Callable[[float], float]) -> Found:
    return Found(np.array([h["pk"] if "pk" in h else h["id"] for h in hits], dtype=object),
                 np.array([score(float(h["distance"])) for h in hits], dtype=np.float32),
                 [h["entity"]["article_id"] if "entity" in h else h["article_id"] for h in hits])

