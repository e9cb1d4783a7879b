"""Mutation checks for docs/robustness.md: switch one protection off in a private copy and run its tests there.

    .venv/bin/python scripts/mutate.py scripts/mutations_19.json [NAME ...]

Each mutation is {"name", "file", "old", "new", "tests": [pytest node ids]}: a fresh copy of the repository
(without .venv, .rag, .git) gets one textual edit (`old` must occur exactly once in `file`), and
`python -m pytest -q TESTS` runs inside the copy with this project's venv (`-m` puts the copy first on
sys.path; each run checks that `rag` came from the copy). A mutation is verified when its tests fail.
The outcome of each run (pytest's last line) is printed and written to the JSON given with --out.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".venv", ".rag", ".git", "__pycache__", "*.egg-info", ".pytest_cache")


def run(mutation: dict, python: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="mutant-") as tmp:
        copy = Path(tmp) / "repo"
        shutil.copytree(ROOT, copy, ignore=SKIP)
        target = copy / mutation["file"]
        source = target.read_text(encoding="utf-8")
        if source.count(mutation["old"]) != 1:
            return {**mutation, "outcome": f"edit matched {source.count(mutation['old'])} times", "failed": None}
        target.write_text(source.replace(mutation["old"], mutation["new"]), encoding="utf-8")
        check = subprocess.run([python, "-c", "import rag, sys; print(rag.__file__)"], cwd=copy,
                               capture_output=True, text=True)
        if not check.stdout.startswith(str(copy)):
            return {**mutation, "outcome": f"rag imported from {check.stdout.strip()}", "failed": None}
        proc = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *mutation["tests"]],
                              cwd=copy, capture_output=True, text=True)
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        return {**mutation, "outcome": lines[-1] if lines else proc.stderr[-300:], "failed": proc.returncode != 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutations", type=Path)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    mutations = json.loads(args.mutations.read_text(encoding="utf-8"))
    chosen = [m for m in mutations if not args.names or m["name"] in args.names]
    results = []
    for m in chosen:
        result = run(m, sys.executable)
        results.append(result)
        verdict = {True: "verified (tests failed)", False: "NOT verified (tests passed)", None: "not run"}[result["failed"]]
        print(f"{m['name']}: {verdict}: {result['outcome']}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r["failed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
