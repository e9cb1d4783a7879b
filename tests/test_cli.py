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
