"""Bounds on what one input can make (issue #19): metadata lengths, encodings and NULs, and the command line's
messages (a missing corpus, a pasted page as a query or id, no `[Errno None]`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import main
from rag.ingest.articles import (
    MAX_AUTHOR_CHARS,
    MAX_ID_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TITLE_CHARS,
    load_corpus,
    load_file,
)
from tests.conftest import SEEDS
from tests.fakes import lexical_engine

BODY = "渠岸镇召开镇村干部大会，部署今年的重点工作。会议要求各村抓好春耕生产和安全工作。"


def run_cli(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def records(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_long_metadata_is_cut_and_a_long_id_is_skipped_with_the_reason(tmp_path):
    huge = 100_000
    path = records(tmp_path, [
        {"id": "long-meta", "title": "标" * huge, "source": "源" * huge, "author": "作" * huge,
         "url": "https://example.com/" + "u" * huge, "text": BODY},
        {"id": "i" * huge, "title": "正常标题", "text": BODY},
    ])
    articles, skipped = load_file(path)
    (article,) = articles
    assert len(article.title) == MAX_TITLE_CHARS and article.title.endswith("…")
    assert article.source is None or len(article.source) <= MAX_SOURCE_CHARS
    assert article.author is None or len(article.author) <= MAX_AUTHOR_CHARS
    assert article.url is None  # a cut URL would lead nowhere
    (skip,) = skipped
    assert skip.origin.endswith("batch.jsonl:2") and f"ids have at most {MAX_ID_CHARS}" in skip.reason
    assert len(str(skip)) < 300  # the id is not echoed whole


def test_an_answer_and_a_summary_about_long_titles_stay_small(tmp_path):
    rows = [{"id": f"t{i}", "title": f"渠岸镇{i}" + "长" * 100_000, "text": BODY} for i in range(5)]
    articles = {a.id: a for a in load_file(records(tmp_path, rows))[0]}
    engine = lexical_engine(articles, tmp_path / "index")
    answer = engine.ask("渠岸镇召开了什么会议？").to_json()
    assert answer["citations"] and len(json.dumps(answer, ensure_ascii=False)) < 20_000  # was 5.3 MB
    summary = engine.overview().to_json()
    assert len(json.dumps(summary, ensure_ascii=False)) < 20_000


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_utf32_files_are_read_as_utf32(tmp_path, encoding):
    text = (SEEDS / "004_7e177a0353be72cf.txt").read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding == "utf-32-be":
        data = b"\x00\x00\xfe\xff" + data
    from rag.ingest.decode import decode_bytes

    assert decode_bytes(data)[1] == "utf-32"
    path = tmp_path / "utf32.txt"
    path.write_bytes(data)
    (article,), skipped = load_file(path)
    want = load_file(SEEDS / "004_7e177a0353be72cf.txt")[0][0]
    assert not skipped and article.title == want.title and article.paragraphs == want.paragraphs
    assert "\x00" not in article.title


def test_nul_characters_never_reach_an_article(tmp_path):
    """A NUL after the first 64 KB (the binary check looks at those only), and NULs escaped in JSON."""
    padding = "。".join(["渠岸镇召开会议"] * 10_000)  # > 64 KB of UTF-8 before the NUL
    (tmp_path / "late.txt").write_text(f"标题\n\n{padding}\n\n会议\x00要求\x00抓好春耕。", encoding="utf-8")
    (tmp_path / "escaped.jsonl").write_text(json.dumps(
        {"id": "n\u0000ul", "title": "标\u0000题", "source": "日\u0000报", "text": "会议\u0000要求抓好春耕生产和安全工作。"},
    ), encoding="utf-8")
    report = load_corpus([tmp_path])
    assert len(report.articles) == 2 and not report.skipped
    for article in report.articles:
        fields = [article.id, article.title, article.source or "", *article.paragraphs]
        assert not any("\x00" in f for f in fields), article
    assert any("会议要求抓好春耕" in p for a in report.articles for p in a.paragraphs)


def test_a_missing_corpus_is_named_as_missing(capsys, tmp_path):
    code, _, err = run_cli(["articles", "--corpus", str(tmp_path / "nonexistent")], capsys)
    assert code == 2 and "no such file or folder" in err and "unsupported" not in err
    articles, skipped = load_file(tmp_path / "nonexistent")
    assert not articles and skipped[0].reason == "no such file or folder"


def test_search_has_the_question_limit_and_ids_are_not_echoed_whole(capsys, tmp_path):
    where = ["--corpus", str(SEEDS), "--index", str(tmp_path / "ix")]
    code, _, err = run_cli(["search", "渠" * 39_000, *where], capsys)
    assert code == 2 and "too long (39000 characters; the limit is 2000)" in err
    assert not (tmp_path / "ix").exists()  # refused before the index was touched
    code, _, err = run_cli(["show", "x" * 39_000, "--corpus", str(SEEDS)], capsys)
    assert code == 2 and "no article matches" in err and len(err) < 400, err


def test_a_failed_save_says_why_without_errno_none(tmp_path, monkeypatch):
    from rag.config import Config
    from rag.engine import update_index
    from rag.index import pipeline
    from rag.ingest.articles import LoadReport

    def short_write(*_a, **_k):
        raise OSError("100 requested and 10 written")  # numpy's short write: no errno

    monkeypatch.setattr(pipeline, "ingest", short_write)
    with pytest.raises(OSError) as err:
        update_index(LoadReport([]), Config(index_dir=tmp_path / "ix"), embedder=None, progress=False)
    assert str(err.value).startswith("could not save the index") and "Errno" not in str(err.value)
    assert "previous index is unchanged" in str(err.value)
