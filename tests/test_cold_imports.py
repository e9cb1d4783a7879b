"""Cold start: the command-line paths import nothing heavy they do not use (issue #7, bench/bench_cold.py).

`rag ask` (which builds its index first when there is none) runs in a fresh interpreter over a one-article
corpus; afterwards none of torch, transformers, sentence_transformers or gradio may be in sys.modules, and
neither jieba.analyse / jieba.posseg (their tables took ~1 s of a cold `rag ask`). Once the index exists,
`rag ask` does not import bm25s or scipy either (only building the BM25 index needs them; ~0.25 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "sentence_transformers", "gradio", "gradio_client", "jieba.analyse", "jieba.posseg",
         "pymilvus", "milvus_lite")  # (the Milvus backend's libraries: only ever imported when it is chosen)
BUILD_ONLY = ("bm25s", "scipy")  # imported to build the keyword index, not to search it

SCRIPT = """
import json, sys
from rag.cli import main
code = main(sys.argv[1:])
print("MODULES=" + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {h.split(".")[0] for h in %r})))
sys.exit(code)
""" % (HEAVY + BUILD_ONLY,)


def _run(args: list[str], tmp_path: Path) -> tuple[int, set[str], str]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)},
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("MODULES=")), "MODULES=[]")
    return proc.returncode, set(json.loads(line[len("MODULES="):])), proc.stdout + proc.stderr


def test_ask_and_ingest_import_nothing_heavy(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "001.txt").write_text(
        "石马镇签订合作协议\n\n2024年3月1日，石马镇与小枧镇签订了乡村振兴合作协议，双方将共建产业园。\n", encoding="utf-8"
    )
    args = ["ask", "石马镇签了什么协议？", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--quiet"]
    code, modules, output = _run(args, tmp_path)
    assert code == 0, output
    assert "协议" in output
    heavy = {m for m in modules if m in HEAVY or m.split(".")[0] in {"torch", "transformers", "sentence_transformers",
                                                                      "gradio", "gradio_client", "pymilvus", "milvus_lite"}}
    assert not heavy, f"`rag ask` imported {sorted(heavy)}"
    # the index exists now: a second question searches it without bm25s or scipy
    code, modules, output = _run(args, tmp_path)
    assert code == 0, output
    assert not {m.split(".")[0] for m in modules} & set(BUILD_ONLY), f"`rag ask` imported {sorted(modules)}"
