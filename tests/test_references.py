"""One reference resolver for the command line, the API and the chat (issue #16, item 4): a full id (any length),
an id's start, a shelf number (`#3`, 第3篇: counted from 1 in shelf order, and said so), words of a title; an
ambiguous reference is answered with its candidates."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rag.chat import respond
from rag.ingest.articles import Article
from rag.references import describe, resolve_reference
from rag.web import app as ui
from tests.conftest import ROOT, SEEDS
from tests.fakes import lexical_engine

Q = "003_149da1c9ea8086b3"  # the Qingdao article, third id, fourth on the shelf
SHELF_3 = "002_e44c29edbf155723"


@pytest.mark.parametrize("reference,ids,how", [
    (Q, (Q,), "id"),
    ("003", (Q,), "prefix"),
    ("003_149D", (Q,), "prefix"),
    ("#3", (SHELF_3,), "shelf"),
    ("第3篇", (SHELF_3,), "shelf"),
    ("3", (SHELF_3,), "shelf"),  # starts no id: a shelf number
    ("last", ("004_7e177a0353be72cf",), "shelf"),
    ("青岛", (Q,), "words"),
    ("summarize the Qingdao article", (Q,), "words"),
    ("nothing-like-this", (), "none"),
])
def test_references_on_the_bundled_shelf(seed_articles, reference, ids, how):
    found = resolve_reference(reference, list(seed_articles.values()))
    assert (found.ids, found.how) == (ids, how)


def test_an_ambiguous_reference_lists_its_candidates_in_one_line(seed_articles):
    shelf = list(seed_articles.values())
    found = resolve_reference("0", shelf)
    assert found.article_id is None and len(found.ids) == 5
    line = describe(found, "0", shelf)
    assert "\n" not in line and "fits 5 articles" in line and Q in line and "“比出精氣神" in line
    assert "shelf number" in describe(resolve_reference("zzz", shelf), "zzz", shelf)


def short_id_engine(tmp_path):
    articles = [Article(i, t, (p,), date="2024-03-01", source="测试日报") for i, t, p in (
        ("a1", "白沙镇修通进村公路", "3月1日，白沙镇修通了三条进村公路，总长十二公里。"),
        ("a10", "黑石村建成文化礼堂", "3月1日，黑石村文化礼堂建成，可容纳三百人。"),
    )]
    return lexical_engine({a.id: a for a in articles}, tmp_path)


def test_a_short_id_is_summarised_from_the_chat_api_and_shelf_button(tmp_path):
    engine = short_id_engine(tmp_path)
    reply, _ = respond(engine, "/summarize a1")
    assert reply.article_id == "a1"  # an exact id of two characters (not a prefix of a10)
    app = ui.ChatApp(engine, max_upload_mb=1)
    assert app.api.summarize("a1")["article_id"] == "a1"
    *_, (history, _c, _s, _p, transcript) = app.summarize_to_chat("a1", [], None, [], 3)
    assert "rag-summary" in history[-1]["content"] and transcript[-1]["reply"]["article_id"] == "a1"


def test_a_shelf_number_in_the_chat_says_which_article_it_is(seed_articles, tmp_path):
    engine = lexical_engine(seed_articles, tmp_path)
    reply, _ = respond(engine, "总结第3篇")
    assert reply.article_id == SHELF_3
    assert "第3篇是书架" in reply.note and "#3" in reply.note
    reply, _ = respond(engine, "summarize article 3")
    assert reply.article_id == SHELF_3 and "#3 on the shelf" in reply.note
    reply, _ = respond(engine, "/summarize 003")  # an id's start is no shelf number: no note
    assert reply.article_id == Q and not (reply.note or "").count("shelf")


def test_the_api_resolves_like_the_chat(seed_articles, tmp_path):
    import gradio as gr

    app = ui.ChatApp(lexical_engine(seed_articles, tmp_path), max_upload_mb=1)
    assert app.api.summarize("003")["article_id"] == Q
    assert app.api.summarize("#3")["article_id"] == SHELF_3
    with pytest.raises(gr.Error, match="fits 5 articles"):
        app.api.summarize("0")


def rag(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args, "--corpus", str(SEEDS)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_rag_show_resolves_a_prefix_a_shelf_number_and_words_and_lists_candidates():
    for reference, wanted in (("003", Q), ("#3", SHELF_3), ("青岛", Q)):
        out = rag("show", reference, "--json")
        assert out.returncode == 0, out.stderr
        assert f'"id": "{wanted}"' in out.stdout
    out = rag("show", "0")
    assert out.returncode == 2 and "fits 5 articles" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_rag_articles_shows_shelf_numbers():
    out = rag("articles")
    lines = out.stdout.strip().splitlines()
    assert out.returncode == 0 and "shelf number" in lines[0]
    assert lines[3].startswith(f"3\t{SHELF_3}\t")


@pytest.mark.slow
def test_rag_summarize_resolves_an_id_start(seed_config):
    out = subprocess.run([sys.executable, "-m", "rag", "summarize", "003", "--json", "--quiet", "--corpus",
                          str(seed_config.corpus[0]), "--index", str(seed_config.index_dir)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert f'"article_id": "{Q}"' in out.stdout
