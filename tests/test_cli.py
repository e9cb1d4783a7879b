"""The command line as a user meets it: real files, real exit codes, messages instead of tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEEDS


def rag(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_articles_json_lists_every_seed():
    out = rag("articles", "--corpus", str(SEEDS), "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert sorted(r["id"] for r in rows) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for row in rows:
        assert set(row) == {"shelf", "id", "title", "date", "source", "url", "paragraphs", "chars", "place",
                            "title_derived", "also_carried_by", "same_story", "listed_under"}
        assert row["paragraphs"] > 0 and row["chars"] > 0
    assert [r["shelf"] for r in rows] == [1, 2, 3, 4, 5]


def test_show_json_numbers_paragraphs_in_order():
    out = rag("show", "004_7e177a0353be72cf", "--corpus", str(SEEDS), "--json")
    assert out.returncode == 0, out.stderr
    art = json.loads(out.stdout)
    assert art["id"] == "004_7e177a0353be72cf" and isinstance(art["paragraphs"], list) and art["paragraphs"]


def test_unknown_id_is_a_message_not_a_traceback():
    out = rag("show", "../../etc/passwd", "--corpus", str(SEEDS))
    assert out.returncode == 2
    assert "no article matches" in out.stderr and "Traceback" not in out.stderr


def test_missing_eval_file_and_bad_arguments(tmp_path):
    out = rag("eval", str(tmp_path / "nope.jsonl"))
    assert out.returncode == 2 and "no such file" in out.stderr
    out = rag("ask", "--corpus", str(SEEDS), "--index", str(tmp_path / "ix"))
    assert out.returncode == 2 and "QUESTION" in out.stderr
    out = rag("serve", "--auth", "nopassword")
    assert out.returncode == 2 and "USER:PASSWORD" in out.stderr


def test_help_imports_nothing_heavy():
    code = "import sys; from rag.cli import build_parser; build_parser(); " \
           "print(sorted(m for m in ('torch','transformers','gradio','faiss','jieba') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


# ---- date and outlet filters (issue #17) ---------------------------------------------------------------


def test_malformed_filters_are_one_line_errors_before_anything_loads(tmp_path):
    for args, said in ((("ask", "党建", "--since", "2023-13-01"), "--since: not a date: '2023-13-01'"),
                       (("search", "党建", "--until", "June"), "--until: not a date: 'June'"),
                       (("ask", "党建", "--since", "2023-07-01", "--until", "2023-06-01"), "is after --until"),
                       (("summarize", "004_7e177a0353be72cf", "--since", "2023"), "choose the articles of --all"),
                       (("ask", "党建", "--date-anchor", "someday"), "date_anchor must be")):
        out = rag(*args, "--corpus", str(SEEDS), "--index", str(tmp_path / "never-built"))
        assert out.returncode == 2 and said in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert not (tmp_path / "never-built").exists()


def test_ask_search_and_summarize_keep_to_the_filters(seed_config, seed_engine):
    where = ("--corpus", str(seed_config.corpus[0]), "--index", str(seed_config.index_dir), "--quiet")
    out = rag("ask", "6月份的活动", "--json", *where)  # the question's own dates
    answer = json.loads(out.stdout)
    assert sorted({c["article_id"][:3] for c in answer["citations"]}) == ["000", "001", "002"]
    assert answer["filter"] == {"since": "--06-01", "until": "--07-02", "sources": []} and answer["scope"]
    out = rag("ask", "渠岸镇党委书记是谁？", "--since", "2023-06", "--until", "2023-06", *where)
    assert out.returncode == 0 and "没有提供" in out.stdout and "searched: 2023年6月1日至6月30日" in out.stdout
    out = rag("search", "党建", "--source", "大眾日報", "--json", *where)
    rows = json.loads(out.stdout)
    assert rows and {r["article_id"][:3] for r in rows} == {"003"} and rows[0]["source"] == "大眾日報"
    out = rag("search", "党建", "--since", "2024", "--k", "3", *where)
    assert out.returncode == 0 and "(2024-02-27 16:56)" in out.stdout and "searched: 2024年1月1日以来" in out.stderr
    out = rag("summarize", "--all", "--since", "06-01", "--until=--06-30", "--json", *where)
    summary = json.loads(out.stdout)
    assert sorted({c["article_id"][:3] for c in summary["citations"]}) == ["000", "001", "002"]



def test_topic_summary_and_timeline_keep_to_the_filters_and_the_topics_own_year(seed_config, seed_engine):
    """Issue #20: `summarize --about` and `timeline` read only the articles within --since/--until/--source and a
    year or outlet the topic names, say the range, and refuse naming it when no article there is about the topic."""
    where = ("--corpus", str(seed_config.corpus[0]), "--index", str(seed_config.index_dir), "--quiet")
    out = rag("summarize", "--about", "党建", "--since", "2024", "--json", *where)
    summary = json.loads(out.stdout)
    assert out.returncode == 0 and {c["article_id"][:3] for c in summary["citations"]} == {"004"}
    assert "筛选：2024年1月1日以来" in summary["note"] and summary["title"].startswith("关于“党建”")
    out = rag("summarize", "--about", "2023年党建", "--json", *where)  # the topic's own year
    summary = json.loads(out.stdout)
    assert {c["article_id"][:3] for c in summary["citations"]} == {"000", "002"} and "2023年" not in summary["title"]
    out = rag("timeline", "党建", "--source", "荆楚网", "--json", *where)
    timeline = json.loads(out.stdout)
    assert {c["article_id"][:3] for c in timeline["citations"]} == {"002"} and "筛选：荆楚网" in timeline["note"]
    out = rag("timeline", "睦邻", "--since", "2024-01", *where)
    assert out.returncode == 0 and "检索范围内没有关于“睦邻”的报道：2024年1月1日以来" in out.stdout
    out = rag("summarize", "--about", "党建", "--until", "June", *where)
    assert out.returncode == 2 and "--until: not a date: 'June'" in out.stderr

def test_every_printed_citation_says_its_date(seed_config, seed_engine):
    out = rag("ask", "6月份有哪些党建活动？", "--corpus", str(seed_config.corpus[0]), "--index", str(seed_config.index_dir))
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("[")]
    # three June articles: a line each, one or two cited pieces (001's long lead: its opening … its event)
    assert 3 <= len(lines) <= 6 and len({ln.split(" (")[0].split("] ", 1)[1] for ln in lines}) == 3 and all(any(d in ln for d in ("(2023-06-27)", "2023-06-18)", "(06-26 (year not given))"))
                                   for ln in lines), lines


def test_ask_routes_summary_and_overview_requests_as_the_chat_does(seed_config, seed_engine):
    """`rag ask` given what the chat treats as a request, not a question, prints the chat's reply: the overview
    (a cited line per article), an article's summary, a clarification; `--json` keeps the answer contract."""
    where = ("--corpus", str(seed_config.corpus[0]), "--index", str(seed_config.index_dir), "--quiet")
    out = rag("ask", "这些文章讲了什么？", *where)
    cited = {ln.split(" ", 1)[0] for ln in out.stdout.splitlines() if ln.startswith("[")}
    assert out.returncode == 0 and len(cited) >= 5, out.stdout
    out = rag("ask", "总结一下第一篇", *where)
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and lines[0] and not lines[0].startswith("[") and any(ln.startswith("[1]") for ln in lines)
    out = rag("ask", "这些文章讲了什么？", "--json", *where)
    assert "answer" in json.loads(out.stdout)
