"""Ingest throughput of a 100,000-record JSONL through the server's background ingest, beside the embedder's own
rate on the same passages (issue #19).

    python bench/bench_throughput.py                       # 100,000 records, 300 s of the ingest measured
    python bench/bench_throughput.py --seconds 900 --records 100000
    python bench/bench_throughput.py --all                 # the whole file (about an hour on 2 cores)

Makes a JSONL of `--records` short made-up notices (~180 bytes each, one passage each, every one different:
the shape of the adversarial run's 18 MB file) in a temporary folder, then, in this order:
1. the embedder alone (rag.index.embedders, `Config.workers` threads) on the passages of a sample of records;
2. `Engine.serve` over a fresh index with that file in the corpus: the background ingest (reading the file,
   chunking, embedding in turns with the journal, committing every Config.commit_seconds) for `--seconds`
   (or to the end with --all): passages embedded and articles committed per second, from the start;
3. the embedder alone again (the machine is shared: the two runs bracket the ingest).
The ratio ingest/embedder says what the pipeline costs beyond embedding; the time for the whole file follows
from the ingest's rate. Writes bench/results_throughput.json with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results_throughput.json"
TOWNS = "东湖 西岭 南塘 北坡 中和 长乐 永安 太平 新民 兴隆 青石 白沙 红旗 金桥 银河 平安".split()
THINGS = "体检 义诊 培训 招聘 讲座 演出 比赛 展览 集市 募捐".split()


def record(i: int) -> str:
    town, thing = TOWNS[i % len(TOWNS)], THINGS[(i // len(TOWNS)) % len(THINGS)]
    return json.dumps({"id": f"n{i:06d}", "title": f"{town}镇{thing}通告第{i}号",
                       "text": f"{town}镇第{i}号通告：本月{i % 28 + 1}日在镇文化站举办{thing}活动，"
                               f"名额{i % 300 + 20}个，请于{i % 12 + 1}月前报名。"}, ensure_ascii=False)


def embedder_alone(passages: list[str]) -> float:
    from rag.config import Config
    from rag.index.embedders import make_embedder

    embedder = make_embedder(Config())
    embedder.embed_passages(passages[:32])  # (loads the model)
    t0 = time.monotonic()
    embedder.embed_passages(passages)
    return len(passages) / (time.monotonic() - t0)


def sample_passages(path: Path, n: int) -> list[str]:
    from rag.config import Config
    from rag.index.inputs import passage_input
    from rag.ingest.articles import load_jsonl_text
    from rag.ingest.chunks import chunk_article

    with open(path, encoding="utf-8") as f:
        head = "".join(line for _, line in zip(range(n), f))
    articles, _ = load_jsonl_text(head, path)
    return [passage_input(a.title, c.text) for a in articles for c in chunk_article(a, Config().chunk_chars)]


def background_ingest(corpus: Path, index: Path, seconds: float | None) -> dict:
    from rag.config import Config
    from rag.engine import Engine

    config = Config(corpus=(corpus,), index_dir=index)
    t0 = time.monotonic()
    engine = Engine.serve(config, log=lambda _m: None, wait_s=0)
    samples = []
    while True:
        time.sleep(2)
        status = engine.ingest_status()
        jobs = status["jobs"]
        elapsed = time.monotonic() - t0
        samples.append({"s": round(elapsed, 1), "loading": status["loading"], "articles": status["articles"],
                        "done": sum(j["done"] for j in jobs), "total": sum(j["total"] for j in jobs)})
        if (seconds is not None and elapsed >= seconds) or (not status["indexing"] and not status["loading"]):
            break
    engine.indexer.stop()
    last = samples[-1]
    first_job = next((s for s in samples if s["total"]), last)
    return {"seconds": last["s"], "read_and_chunked_after_s": first_job["s"], "passages_embedded": last["done"],
            "passages_total": last["total"], "articles_committed": last["articles"],
            "embedded_per_s": round(last["done"] / last["s"], 1), "committed_per_s": round(last["articles"] / last["s"], 1),
            "finished": last["done"] == last["total"] and last["total"] > 0, "samples": samples[:: max(1, len(samples) // 40)]}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--seconds", type=float, default=300.0, help="how long the background ingest is measured")
    p.add_argument("--all", action="store_true", help="measure the ingest to the end of the file")
    p.add_argument("--sample", type=int, default=2000, help="records the embedder-alone runs embed")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-throughput-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        path = corpus / "notices.jsonl"
        path.write_text("\n".join(record(i) for i in range(args.records)) + "\n", encoding="utf-8")
        passages = sample_passages(path, args.sample)
        before = embedder_alone(passages)
        ingest = background_ingest(corpus, work / "index", None if args.all else args.seconds)
        after = embedder_alone(passages)
        size = path.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    embedder = statistics.mean([before, after])
    result = {
        "benchmark": "background ingest of a 100k-record JSONL vs the embedder alone",
        "setup": {"records": args.records, "file_mb": round(size / 1048576, 1), "measured_s": ingest["seconds"],
                  "embedder_sample_passages": len(passages), "workers": os.cpu_count(),
                  "machine": f"{platform.machine()}, {os.cpu_count()} CPUs (shared), Python {platform.python_version()}",
                  "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "embedder_alone_passages_per_s": {"before": round(before, 1), "after": round(after, 1), "mean": round(embedder, 1)},
        "ingest": ingest,
        "ingest_over_embedder": round(ingest["embedded_per_s"] / embedder, 3),
        "estimated_whole_file_s": round(ingest["passages_total"] / max(ingest["embedded_per_s"], 1e-9)) if ingest["passages_total"] else None,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"embedder alone {embedder:.1f} passages/s; background ingest {ingest['embedded_per_s']} embedded/s, "
          f"{ingest['committed_per_s']} committed/s over {ingest['seconds']} s (×{result['ingest_over_embedder']}); "
          f"whole file ~{result['estimated_whole_file_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
