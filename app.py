"""Start the web chat over ./corpus: `python app.py`, then open http://127.0.0.1:7860.

Settings come from the environment: RAG_CORPUS, RAG_INDEX, RAG_EMBEDDER, RAG_LLM, RAG_K ... (see
rag/config.py), plus RAG_HOST (0.0.0.0 for all interfaces), RAG_PORT, RAG_AUTH (USER:PASSWORD) and
RAG_MAX_UPLOAD_MB. `rag serve --help` offers the same as flags.
"""

from __future__ import annotations

import os
import sys

from rag.config import Config


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        sys.exit(f"error: {name} must be a whole number, not {value!r}")
    return int(value)


def main() -> None:
    from rag.ui import serve

    user, _, password = os.environ.get("RAG_AUTH", "").partition(":")
    if os.environ.get("RAG_AUTH") and not (user and password):
        sys.exit("error: RAG_AUTH takes USER:PASSWORD")
    config = Config.from_env()
    try:
        serve(
            config,
            host=os.environ.get("RAG_HOST", "127.0.0.1"),
            port=_number("RAG_PORT", 7860),
            auth=(user, password) if user else None,
            max_upload_mb=_number("RAG_MAX_UPLOAD_MB", config.max_upload_mb),
        )
    except KeyboardInterrupt:
        pass
    except (OSError, ValueError, KeyError) as exc:  # a missing corpus, a busy port, a bad setting: one line
        sys.exit(f"error: {exc}")
    except Exception as exc:  # an index built with another embedder, an embedder that cannot load: one line
        from rag.embedders import EmbedderError
        from rag.index import IndexMismatch

        if isinstance(exc, (IndexMismatch, EmbedderError)):
            sys.exit(f"error: {exc}")
        raise


if __name__ == "__main__":
    main()
