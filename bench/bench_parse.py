"""Parsing speed: articles per second for the CRUD JSONL files and the seed pages.

Each input is loaded with `rag.ingest.articles.load_file` (read, decode, JSON, clean) several times; the
median run is reported, in wall-clock and in CPU time (the CPU figure is the one to compare across
runs on a shared machine). Writes bench/results_parse.json and prints a table.

    python bench/bench_parse.py [--runs 5] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.ingest.articles import load_file  # noqa: E402


def time_load(paths: list[Path], runs: int) -> dict:
    """Median wall and CPU seconds to load `paths`, and the article count."""
    walls, cpus, count, skipped = [], [], 0, 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        count = skipped = 0
        for path in paths:
            articles, skips = load_file(path)
            count += len(articles)
            skipped += len(skips)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return {
        "articles": count,
        "skipped": skipped,
        "runs": runs,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "articles_per_s_wall": round(count / wall, 1),
        "articles_per_s_cpu": round(count / cpu, 1),
        "bytes": sum(p.stat().st_size for p in paths),
    }


def import_seconds() -> float:
    """Cold start: seconds for a fresh interpreter to import rag.ingest.articles (trafilatura is not imported)."""
    code = "import time; t = time.perf_counter(); import rag.ingest.articles; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip()), 3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_parse.json")
    args = parser.parse_args()

    crud = args.shared / "crud"
    inputs = {
        "crud/articles.jsonl": [crud / "articles.jsonl"],
        "crud/distractors.jsonl": [crud / "distractors.jsonl"],
        "crud (both)": [crud / "articles.jsonl", crud / "distractors.jsonl"],
        "seeds (txt)": sorted((ROOT / "corpus").glob("*.txt")),
    }
    missing = [str(p) for paths in inputs.values() for p in paths if not p.exists()]
    if missing:
        print(f"missing input: {', '.join(missing)}", file=sys.stderr)
        return 1
    results = {name: time_load(paths, args.runs if name != "seeds (txt)" else max(args.runs, 20))
               for name, paths in inputs.items()}
    report = {
        "what": "rag.ingest.articles.load_file: read + decode + parse + clean, median of runs",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "import_rag_articles_s": import_seconds(),
        "results": results,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    print(f"{'input':<24}{'articles':>9}{'skipped':>8}{'wall s':>9}{'cpu s':>8}{'art/s (wall)':>14}{'art/s (cpu)':>13}")
    for name, r in results.items():
        print(f"{name:<24}{r['articles']:>9}{r['skipped']:>8}{r['wall_s']:>9.2f}{r['cpu_s']:>8.2f}"
              f"{r['articles_per_s_wall']:>14.0f}{r['articles_per_s_cpu']:>13.0f}")
    print(f"cold import of rag.ingest.articles: {report['import_rag_articles_s']} s; written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
