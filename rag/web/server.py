"""Serving the chat page: the theme, the launch options and `serve`, which opens the engine and launches
the server with nothing reaching the network (no analytics, no share link, system fonts only).

The page's stylesheet and the script in its <head> are files beside this module (rag/web/static/).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from importlib.resources import files
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

from rag.config import Config
from rag.engine import Engine
from rag.web.app import build_app
from rag.web.guard import LoginPageGuard, LoginThrottle, UploadQuota

log = logging.getLogger(__name__)

# System fonts only: Gradio's default theme would fetch web fonts; CJK fonts come from the OS.
FONTS = ["system-ui", "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"]
MONO_FONTS = ["ui-monospace", "Noto Sans Mono", "DejaVu Sans Mono", "monospace"]


def static_text(name: str) -> str:
    """A file of rag/web/static: style.css (the page's stylesheet); head.html (the script that shows a
    citation's source on a click: the chat is sanitized markdown whose links would open a new tab, and the
    source may sit in a hidden tab or a collapsed older turn)."""
    return files("rag.web").joinpath("static", name).read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """Gradio's default look with system fonts, so the page fetches no web fonts."""
    return gr.themes.Default(font=FONTS, font_mono=MONO_FONTS)


def cleanup_schedule(config: Config) -> tuple[int, int]:
    """Gradio's delete_cache (every, age): its copies of uploads older than Config.upload_tmp_seconds are
    deleted, looked for every tenth of that (at most every 5 minutes), and all of them when the server stops;
    the upload handler deletes its own as soon as the file is stored."""
    age = int(config.upload_tmp_seconds)
    return max(1, min(300, age // 10)), age


def upload_temp_dir(config: Config) -> Path:
    """This app's own folder for Gradio's uploads: GRADIO_TEMP_DIR when set, else Config.upload_temp_dir
    (beside the index), never the machine-wide one other Gradio apps share (and would serve)."""
    chosen = os.environ.get("GRADIO_TEMP_DIR")
    return Path(chosen) if chosen else config.upload_temp_dir


def launch_options(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth: tuple[str, str] | None = None,
    max_upload_mb: int = 20,
    share: bool = False,
    upload_dir: Path | None = None,
    upload_quota_mb: int = 500,
) -> dict:
    """Keyword arguments for `Blocks.launch`: local only, no share link, no monitoring, no history; the upload
    size limit in bytes (the same MiB the engine checks); login attempts throttled; Gradio's upload folder
    bounded by the quota."""
    middleware = [Middleware(LoginPageGuard), Middleware(LoginThrottle)]
    if upload_dir is not None:
        middleware.append(Middleware(UploadQuota, folder=str(upload_dir), quota=int(upload_quota_mb) * 1024 * 1024))
    return dict(
        server_name=host,
        server_port=port,
        auth=auth,
        share=share,
        max_file_size=int(max_upload_mb) * 1024 * 1024,
        theme=theme(),
        css=static_text("style.css"),
        head=static_text("head.html"),
        ssr_mode=False,
        enable_monitoring=False,
        run_history=False,
        footer_links=["api"],
        show_error=False,
        inbrowser=False,
        app_kwargs={"middleware": middleware},
    )


def warm_up(engine: Engine) -> None:
    """Answer one throwaway question so lazy loading happens before a user asks."""
    try:
        engine.ask("warm-up")
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first answer
        log.warning("warm-up failed", exc_info=True)


def configure_logging() -> None:
    """The app's own log (the `rag` loggers) on stderr, one line a record: a request the user can fix is one
    `refused: …` line; only a real fault (`log.exception`) comes with its traceback."""
    logger = logging.getLogger("rag")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def serve(config: Config, share: bool = False) -> None:
    """Serve the chat until stopped, at once: the engine answers from the last complete index and brings the
    rest of the corpus in behind (rag.engine.Engine.serve); uploads land in this app's own temporary folder,
    cleaned on a schedule and bounded by the quota. Where and how it listens comes from the config: host, port,
    auth, max_upload_mb, upload_quota_mb."""
    configure_logging()
    temp = upload_temp_dir(config)
    temp.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(temp)  # (read by Gradio whenever it stores an upload)
    engine = Engine.serve(config)
    # The first answer loads the tokenizer dictionary and the embedding model (~4 s on 2 cores): do it
    # while the page loads rather than on the first user's question.
    threading.Thread(target=warm_up, args=(engine,), name="rag-warm-up", daemon=True).start()
    if config.llm != "extractive":
        from rag.answering.llm.backends import preload

        preload(config, log=lambda m: print(m, file=sys.stderr, flush=True))  # load the model before the first question
    host, port = config.host, config.port
    app = build_app(engine, max_upload_mb=config.max_upload_mb, delete_cache=cleanup_schedule(config))
    try:
        app.launch(**launch_options(host, port, config.auth, config.max_upload_mb, share, temp, config.upload_quota_mb),
                   prevent_thread_lock=True, quiet=True)
    except OSError as exc:  # a busy port: say which setting moves it
        raise OSError(f"cannot listen on {host}:{port} ({exc}); choose another with --port or RAG_PORT") from None
    everywhere = host in ("0.0.0.0", "::")
    url = f"http://{'127.0.0.1' if everywhere else host}:{port}/"
    print(
        f"serving {len(engine.articles)} articles at {url}"
        + (" (indexing the rest in the background)" if engine.behind else "")
        + (" (listening on all interfaces)" if everywhere else "")
        + (" (login required)" if config.auth else "")
        + (f"; public link: {app.share_url}" if app.share_url else "")
        + "; press Ctrl+C to stop",
        file=sys.stderr,
        flush=True,
    )
    app.block_thread()
