"""What the Milvus backend (rag.index.milvus) stands on: the connection, the three collections and their
schema, filter expressions, the encoding of our BM25 tokens, and the single-writer lease.

Collections (prefix `rag_`):
- `chunks`: one row per chunk, keyed by a content hash (`chunk_key`: article, paragraph, offsets, text, title,
  date, source: same key, same row), with the article id, paragraph, offsets, date (a day number, INT32),
  source, text, dense vector, and our jieba tokens joined into `tokens`, which a BM25 function turns into the
  sparse vector searched by lexical search; `gen_from`/`gen_to` say which committed generations see it.
- `meta`: the `header` row (the committed generation and the manifest: embedder, dim, chunking, counts), one
  row per article and generation (its manifest entry), and the `lease` row of the writer.
- `words`: the vocabulary an English question needs (pinyin spellings of Han words, glossary words present).

milvus-lite (3.2) has no `whitespace` tokenizer, only `standard` (\\w+, lower-cased) and `jieba`: tokens are
written so that both split them alike (`encode_tokens`), `standard` on milvus-lite and `whitespace` on Milvus.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from rag.index.backend import WriterBusy

if TYPE_CHECKING:  # pymilvus is imported only when a Milvus index is used
    from pymilvus import MilvusClient

INF = 2**62  # gen_to of a live row
IN_BATCH = 200  # values per `x in [...]` expression
MAX_RESULTS = 16_384  # Milvus' largest search limit and query window
BM25_K1, BM25_B = 1.2, 0.5  # rag.index.lexical.LexicalIndex's
_NONWORD = re.compile(r"\W", re.UNICODE)

# pymilvus' query iterator warns on every use against milvus-lite (which returns no session timestamp)
logging.getLogger("pymilvus.client.iterator.query_iterator").addFilter(lambda r: "mvccTs" not in r.getMessage())


def chunk_key(article_id: str, paragraph: int, start: int, end: int, text: str, title: str, date: str | None,
              source: str | None) -> str:
    """A chunk's stable key: a hash of everything its row holds but the vector and tokens, which follow from
    it (with the embedder and tokenizer the manifest fixes). Same key, same row: it is never rewritten."""
    raw = "\x1f".join(map(str, (article_id, paragraph, start, end, text, title, date or "", source or "")))
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=16).hexdigest()


def encode_tokens(tokens: Iterable[str]) -> str:
    """Our tokens as one string that Milvus' whitespace tokenizer and milvus-lite's `standard` one (\\w+,
    lower-cased) split into the same terms: each token lower-cased, its non-word characters made '_'."""
    out = []
    for t in tokens:
        t = _NONWORD.sub("_", t.strip().lower())
        if t.strip("_"):
            out.append(t)
    return " ".join(out)


def lit(s: str) -> str:
    """A string literal for a filter expression (milvus-lite has no expression templates)."""
    return json.dumps(s, ensure_ascii=False)


def in_list(field: str, values: Sequence[str]) -> str:
    return f"{field} in [{', '.join(lit(v) for v in values)}]"


def batches(seq: Sequence, n: int = IN_BATCH):
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def visible(c: int) -> str:
    """The rows generation c sees."""
    return f"gen_from <= {c} and gen_to > {c}"


# -- the connection ---------------------------------------------------------------------------------------------

_CLIENTS: dict[str, "MilvusClient"] = {}
_CLIENTS_LOCK = threading.Lock()


def connect(uri: str) -> "MilvusClient":
    """One MilvusClient per URI in this process (an embedded milvus-lite file can be opened by one process
    only, and once). A path ending .db is embedded milvus-lite; anything else a server's URI."""
    from pymilvus import MilvusClient

    key = os.path.abspath(uri) if is_local(uri) else uri
    with _CLIENTS_LOCK:
        if key in _CLIENTS:
            return _CLIENTS[key]
        try:
            if is_local(uri):
                Path(key).parent.mkdir(parents=True, exist_ok=True)
                client = MilvusClient(key)
            else:
                client = MilvusClient(uri=uri, timeout=10)
            client.get_server_version()
        except Exception as exc:  # pymilvus raises its own exception types, with long messages
            if is_local(uri) and _lock_held(key):
                raise ConnectionError(
                    f"{uri} is open in another process (milvus-lite allows one process per file); run "
                    f"`milvus-lite server --data-dir {uri} --host 127.0.0.1 --port 19530` and use "
                    "--index-uri http://127.0.0.1:19530 in every process") from None
            text = str(getattr(exc, "message", "") or exc).strip()
            first = text.splitlines()[0][:200] if text else type(exc).__name__
            raise ConnectionError(f"cannot reach the Milvus index at {uri} ({first})") from None
        _CLIENTS[key] = client
        return client


def disconnect(uri: str) -> None:
    """Close this process's client for a URI (and let go of an embedded file, which close() alone does not)."""
    key = os.path.abspath(uri) if is_local(uri) else uri
    with _CLIENTS_LOCK:
        client = _CLIENTS.pop(key, None)
    if client is None:
        return
    client.close()
    if is_local(uri):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(key)


def is_local(uri: str) -> bool:
    return uri.endswith(".db")


def is_lite(client) -> bool:
    return "milvus_lite" in str(client.get_server_version()).lower().replace("-", "_")


def _lock_held(path: str) -> bool:
    """Whether another process holds milvus-lite's flock on {path}/LOCK."""
    import fcntl

    lock = os.path.join(path, "LOCK")
    if not os.path.exists(lock):
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


# -- the collections ------------------------------------------------------------------------------------------


class Collections:
    """The names, and their creation with the schema above."""

    def __init__(self, client, prefix: str = "rag"):
        self.client = client
        self.chunks, self.meta, self.words = f"{prefix}_chunks", f"{prefix}_meta", f"{prefix}_words"
        self.lite = is_lite(client)

    def exist(self) -> bool:
        return self.client.has_collection(self.chunks) and self.client.has_collection(self.meta)

    def dim(self) -> int | None:
        if not self.client.has_collection(self.chunks):
            return None
        fields = {f["name"]: f for f in self.client.describe_collection(self.chunks)["fields"]}
        return int(fields["vec"]["params"]["dim"])

    def create_chunks(self, dim: int) -> None:
        """Create the chunks collection if missing, anew when its vectors have another dimension (only ever
        reached by a rebuild, under the lease)."""
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        c = self.client
        if self.dim() not in (None, dim):
            c.drop_collection(self.chunks)
        if not c.has_collection(self.chunks):
            analyzer = {"tokenizer": "standard"} if self.lite else {"tokenizer": "whitespace"}
            s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=64)
            s.add_field("article_id", DataType.VARCHAR, max_length=1024)
            s.add_field("paragraph", DataType.INT32)
            s.add_field("start", DataType.INT32)
            s.add_field("end", DataType.INT32)
            s.add_field("date", DataType.INT32)  # days since 1970-01-01; rag.index.backend.UNDATED when none
            s.add_field("monthday", DataType.INT32)  # MMDD, also of a year-less date; NO_MONTH_DAY when none
            s.add_field("source", DataType.VARCHAR, max_length=1024)
            s.add_field("text", DataType.VARCHAR, max_length=65535)
            s.add_field("tokens", DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params=analyzer)
            s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            s.add_field("vec", DataType.FLOAT_VECTOR, dim=dim)
            s.add_field("gen_from", DataType.INT64)
            s.add_field("gen_to", DataType.INT64)
            s.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                    input_field_names=["tokens"], output_field_names=["sparse"]))
            ip = c.prepare_index_params()
            # milvus-lite: FLAT (exact, as FAISS below its graph threshold); its HNSW found 45 % of the true
            # top 10 at ef 128 (/work notes). Milvus: AUTOINDEX (its own HNSW/DiskANN choice).
            ip.add_index("vec", index_type="FLAT" if self.lite else "AUTOINDEX", metric_type="IP")
            bm25 = {"bm25_k1": BM25_K1, "bm25_b": BM25_B}
            # pymilvus sends index params as separate keys, which Milvus reads; milvus-lite 3.2 reads only a
            # JSON-encoded "params" key (and otherwise silently uses k1 1.5, b 0.75): each gets its own form
            ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"params": bm25} if self.lite else bm25)
            for f in ("article_id", "date", "monthday", "source", "gen_from", "gen_to"):
                ip.add_index(f, index_type="INVERTED")
            c.create_collection(self.chunks, schema=s, index_params=ip, consistency_level="Strong")
        self.load()

    def create_meta(self) -> None:
        """Create the meta and words collections if missing (the lease lives in meta)."""
        from pymilvus import DataType, MilvusClient

        c = self.client
        for name, key_fields in ((self.meta, ("kind", "article_id", "body")), (self.words, ("spelling", "word"))):
            if c.has_collection(name):
                continue
            s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            s.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1100)
            for f in key_fields:
                s.add_field(f, DataType.VARCHAR, max_length=65535 if f == "body" else 1024)
            if name == self.meta:
                s.add_field("gen_from", DataType.INT64)
                s.add_field("gen_to", DataType.INT64)
            s.add_field("vec", DataType.FLOAT_VECTOR, dim=2)  # (Milvus wants a vector field in every collection)
            ip = c.prepare_index_params()
            ip.add_index("vec", index_type="FLAT", metric_type="L2")
            c.create_collection(name, schema=s, index_params=ip, consistency_level="Strong")
        self.load()

    def load(self) -> None:
        for name in (self.chunks, self.meta, self.words):
            if self.client.has_collection(name):
                self.client.load_collection(name)  # a reopened milvus-lite file starts with them released


# -- the single writer ----------------------------------------------------------------------------------------


class Lease:
    """One writer at a time, best effort (Milvus has no compare-and-set): a `lease` row names the writer and
    when its lease ends; a writer renews it while it works, and checks it is still its own before each commit.
    A second writer waits until the lease ends, or until the holder is known dead (same host, pid gone)."""

    def __init__(self, client, meta: str, seconds: float = 60.0):
        self.client, self.meta, self.seconds = client, meta, seconds
        self.me = {"writer": uuid.uuid4().hex, "pid": os.getpid(), "host": socket.gethostname()}
        self.until = 0.0
        self.clean = True  # whether the writer before us released its lease (False: it died or ran out)

    def _read(self) -> dict | None:
        rows = self.client.get(self.meta, ids=["lease"], output_fields=["body"])
        return json.loads(rows[0]["body"]) if rows else None

    def _write(self, until: float) -> None:
        body = json.dumps({**self.me, "until": until})
        self.client.upsert(self.meta, [{"pk": "lease", "kind": "lease", "article_id": "", "body": body,
                                        "gen_from": 0, "gen_to": INF, "vec": [0.0, 0.0]}])
        self.until = until

    def _foreign(self, cur: dict | None) -> bool:
        """Held by another writer that is still alive (as far as can be told)."""
        if not cur or cur.get("writer") == self.me["writer"] or cur.get("until", 0) <= time.time():
            return False
        if cur.get("host") == self.me["host"] and cur.get("pid"):
            try:
                os.kill(int(cur["pid"]), 0)
            except ProcessLookupError:
                return False  # its process is gone: the lease is void
            except PermissionError:
                pass
        return True

    def take(self, wait: bool, say: Callable[[str], None] | None, where: str) -> None:
        told = False
        while True:
            cur = self._read()
            if not self._foreign(cur):
                self.clean = not cur or cur.get("until", 0) == 0
                self._write(time.time() + self.seconds)
                time.sleep(0.2)  # a writer that raced us has written by now: the last write wins, the other backs off
                cur = self._read()
                if cur and cur.get("writer") == self.me["writer"]:
                    return
            who = f"pid {cur.get('pid')} on {cur.get('host')}" if cur else "another process"
            busy = f"another ingest ({who}) is writing the index at {where}"
            if not wait:
                raise WriterBusy(f"{busy}; try again when it has finished (without --no-wait, ingest waits for it)")
            if say and not told:
                say(f"{busy}: waiting for it to finish")
                told = True
            time.sleep(1.0)

    def renew(self) -> None:
        """Extend the lease when half of it is gone; WriterBusy when another writer has taken it meanwhile."""
        if self.until - time.time() < self.seconds / 2:
            self.check()
            self._write(time.time() + self.seconds)

    def check(self) -> None:
        cur = self._read()
        if not cur or cur.get("writer") != self.me["writer"]:
            raise WriterBusy("another writer took over the index (this writer's lease ran out); nothing was committed")

    def release(self) -> None:
        try:
            cur = self._read()
            if cur and cur.get("writer") == self.me["writer"]:
                self._write(0.0)
        except Exception:  # noqa: BLE001 - a lease that cannot be released runs out by itself
            pass
