"""Chat-model backends: one small interface, `ChatModel.stream(messages, max_tokens, timeout)`, with
`complete` derived, chosen by `Config.llm` from the name → class table BACKENDS: "transformers:MODEL" (a
local chat model by hub id, folder, or GGUF file, on CPU or GPU) or "openai:MODEL" (any OpenAI-compatible
server at `Config.llm_url`: vLLM, Ollama, llama.cpp, `transformers serve`)."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from rag.config import Config

Messages = list[dict[str, str]]

class LLMError(Exception):
    """The backend failed: it timed out, could not be reached or loaded, or replied with something unusable."""


# ---- backends -------------------------------------------------------------------------------------------


class ChatModel:
    """A chat model: `stream` is the one method a backend implements."""

    backend = ""

    def __init__(self, model: str, config: Config):
        self.model = model
        self.config = config

    @property
    def name(self) -> str:
        """The configured spec, "backend:model"."""
        return f"{self.backend}:{self.model}"

    @property
    def label(self) -> str:
        """A short name for people: a local path shows as its last part."""
        return Path(self.model).name if ("/" in self.model and Path(self.model).expanduser().exists()) else self.model

    def stream(self, messages: Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        """Pieces of the reply as they are generated; raises LLMError (never hangs past `timeout` seconds)."""
        raise NotImplementedError

    def complete(self, messages: Messages, max_tokens: int, timeout: float) -> str:
        """The whole reply."""
        return "".join(self.stream(messages, max_tokens, timeout))

    def load(self) -> None:
        """Get ready to answer (load weights, check the server); a no-op where there is nothing to do."""


@dataclass(frozen=True)
class ModelRef:
    """Where a transformers model comes from: a hub id or folder, and a GGUF file inside it if any."""

    path: str
    gguf_file: str | None = None

    @classmethod
    def parse(cls, spec: str) -> "ModelRef":
        """"org/name", "/models/qwen", "/models/x.Q4.gguf" or "org/repo:file.gguf"."""
        if spec.lower().endswith(".gguf"):
            p = Path(spec).expanduser()
            if p.is_file():
                return cls(str(p.parent), p.name)
            repo, sep, file = spec.rpartition(":")
            if sep and repo:
                return cls(repo, file)
            return cls(str(p.parent), p.name)
        return cls(spec)


_LOAD_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _load_transformers(ref: ModelRef) -> tuple[Any, Any, threading.Lock]:
    """(model, tokenizer, generation lock), loaded once per process per model."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {"gguf_file": ref.gguf_file} if ref.gguf_file else {}
    tokenizer = AutoTokenizer.from_pretrained(ref.path, **kwargs)
    if tokenizer.chat_template is None:
        raise LLMError(f"{ref.path} has no chat template: use an instruction-tuned (chat) model")
    if torch.cuda.is_available():
        model = AutoModelForCausalLM.from_pretrained(ref.path, dtype="auto", device_map="auto", **kwargs)
    else:
        # float32 on CPU: bfloat16 matmuls are slower than float32 on most CPUs without AMX.
        model = AutoModelForCausalLM.from_pretrained(ref.path, dtype=torch.float32, **kwargs)
    model.eval()
    return model, tokenizer, threading.Lock()


class TransformersChat(ChatModel):
    """A local chat model through transformers, with the model's own chat template; streams tokens."""

    backend = "transformers"

    def __init__(self, model: str, config: Config):
        super().__init__(model, config)
        self.ref = ModelRef.parse(model)

    def load(self):
        try:
            with _LOAD_LOCK:
                return _load_transformers(self.ref)
        except LLMError:
            raise
        except ImportError as exc:
            raise LLMError(f"the transformers backend needs torch and transformers (pip install 'rag[hf]'): {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - any loading failure becomes one clear message
            raise LLMError(f"could not load {self.model}: {type(exc).__name__}: {exc}") from exc

    def stream(self, messages: Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        import queue

        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        deadline = time.monotonic() + timeout
        model, tokenizer, lock = self.load()
        if not lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise LLMError(f"timed out after {timeout:g}s waiting for the model (busy with another request)")
        stop = threading.Event()
        failure: list[BaseException] = []

        class _Stop(StoppingCriteria):
            """Ends generation when the reader has gone or the deadline has passed."""

            def __call__(self, input_ids, scores, **kwargs):
                done = stop.is_set() or time.monotonic() > deadline
                return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)

        try:
            inputs = tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            ).to(model.device)
            # Poll the streamer so that a slow token never blocks past the deadline.
            streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=0.2)

            def generate():
                try:
                    with torch.inference_mode():
                        model.generate(
                            **inputs,
                            max_new_tokens=max_tokens,
                            do_sample=False,
                            streamer=streamer,
                            stopping_criteria=StoppingCriteriaList([_Stop()]),
                            pad_token_id=tokenizer.eos_token_id if tokenizer.pad_token_id is None else tokenizer.pad_token_id,
                        )
                except BaseException as exc:  # noqa: BLE001 - handed to the reader
                    failure.append(exc)
                    streamer.end()
                finally:
                    lock.release()

            # Not a daemon: at exit Python waits for it (it stops at its next token), rather than torch aborting.
            worker = threading.Thread(target=generate, name="rag-llm-generate", daemon=False)
            worker.start()
        except BaseException:
            lock.release()
            raise
        try:
            pieces = iter(streamer)
            while True:
                try:
                    piece = next(pieces)
                except StopIteration:
                    break
                except queue.Empty:
                    if time.monotonic() > deadline:
                        raise LLMError(f"timed out after {timeout:g}s") from None
                    continue
                if time.monotonic() > deadline:
                    raise LLMError(f"timed out after {timeout:g}s")
                if piece:
                    yield piece
            if failure:
                raise LLMError(f"generation failed: {type(failure[0]).__name__}: {failure[0]}")
            if time.monotonic() > deadline:  # cut short by the deadline check inside generate()
                raise LLMError(f"timed out after {timeout:g}s")
        finally:
            stop.set()  # the generating thread stops at its next token and releases the model


def chat_completions_url(base: str) -> str:
    """The chat completions endpoint of an OpenAI-compatible base URL ("http://host:8000" gains /v1)."""
    base = base.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if re.fullmatch(r"https?://[^/]+", base):
        base += "/v1"
    return base + "/chat/completions"


class OpenAIChat(ChatModel):
    """Any OpenAI-compatible chat server (vLLM, Ollama, llama.cpp, transformers serve), streamed over SSE."""

    backend = "openai"

    def __init__(self, model: str, config: Config):
        super().__init__(model, config)
        if not config.llm_url:
            raise ValueError(
                f"--llm openai:{model} needs --llm-url (or RAG_LLM_URL): e.g. http://localhost:8000/v1 (vLLM, "
                "transformers serve), http://localhost:11434/v1 (Ollama), https://api.openai.com/v1"
            )
        self.url = chat_completions_url(config.llm_url)
        self.api_key = config.llm_api_key

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream", "Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def stream(self, messages: Messages, max_tokens: int, timeout: float) -> Iterator[str]:
        import httpx

        deadline = time.monotonic() + timeout
        payload = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": 0, "stream": True}
        limits = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        try:
            with httpx.Client(timeout=limits) as client, client.stream("POST", self.url, json=payload, headers=self._headers()) as resp:
                if resp.status_code != 200:
                    body = resp.read().decode("utf-8", "replace")
                    raise LLMError(f"{self.url} answered HTTP {resp.status_code}: {_error_detail(body)}")
                if "text/event-stream" not in resp.headers.get("content-type", ""):
                    # A server that ignored stream=true: one JSON body.
                    yield _message_content(_json(resp.read().decode("utf-8", "replace")))
                    return
                finished = False
                for line in resp.iter_lines():
                    if time.monotonic() > deadline:
                        raise LLMError(f"timed out after {timeout:g}s")
                    piece, done = _sse_piece(line)
                    if piece:
                        yield piece
                    if done == "[DONE]":
                        return
                    finished = finished or bool(done)
                # Some servers (transformers serve) end with a finish_reason and no [DONE]; without either,
                # the stream was cut short.
                if not finished:
                    raise LLMError("the stream ended before the reply did (server closed the connection?)")
        except httpx.TimeoutException as exc:
            raise LLMError(f"timed out after {timeout:g}s ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"could not reach {self.url}: {type(exc).__name__}: {exc}") from exc

    def load(self) -> None:
        """Nothing to load: the server holds the model."""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise LLMError(f"malformed reply (not JSON): {text[:120]!r}") from exc


def _error_detail(body: str) -> str:
    try:
        obj = json.loads(body)
    except ValueError:
        return body[:200]
    if isinstance(obj, dict):
        err = obj.get("error", obj.get("detail", obj))
        if isinstance(err, dict):
            err = err.get("message", err)
        return str(err)[:200]
    return body[:200]


def _message_content(obj: Any) -> str:
    try:
        content = obj["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError(f"malformed reply (no choices[0].message.content): {str(obj)[:120]}") from exc
    if not isinstance(content, str):
        raise LLMError("malformed reply (content is not text)")
    return content


def _sse_piece(line: str) -> tuple[str, str | None]:
    """(text, end) for one server-sent-events line: end is "[DONE]", a finish_reason, or None."""
    line = line.strip()
    if not line.startswith("data:"):
        return "", None  # blank separators, ": keep-alive" comments, "event:" lines
    data = line[5:].strip()
    if data == "[DONE]":
        return "", "[DONE]"
    obj = _json(data)
    if isinstance(obj, dict) and obj.get("error"):
        raise LLMError(f"server error: {_error_detail(data)}")
    try:
        choices = obj["choices"]
        if not choices:
            return "", None  # a usage-only chunk
        delta = choices[0].get("delta") or {}
        content = delta.get("content") or ""
        finish = choices[0].get("finish_reason")
    except (KeyError, TypeError, AttributeError) as exc:
        raise LLMError(f"malformed stream chunk: {data[:120]}") from exc
    if not isinstance(content, str):
        raise LLMError("malformed stream chunk (content is not text)")
    return content, finish


BACKENDS: dict[str, type[ChatModel]] = {"transformers": TransformersChat, "openai": OpenAIChat}


def parse_spec(spec: str | None) -> tuple[str, str] | None:
    """("transformers" | "openai", model) for a Config.llm value; None for extractive. ValueError names bad specs."""
    spec = (spec or "extractive").strip()
    if spec == "extractive":
        return None
    backend, sep, model = spec.partition(":")
    if backend not in BACKENDS or not sep or not model.strip():
        raise ValueError(
            f"--llm {spec!r} is not a backend: use extractive, transformers:MODEL (hub id, folder or .gguf file) "
            "or openai:MODEL (with --llm-url)"
        )
    return backend, model.strip()


def make_llm(config: Config) -> ChatModel | None:
    """The configured chat model (one instance per backend, model, URL and key), or None for extractive."""
    parsed = parse_spec(config.llm)
    if parsed is None:
        return None
    return _make(parsed[0], parsed[1], config.llm_url, config.llm_api_key)


def check_config(config: Config) -> None:
    """Raise ValueError naming what is wrong with the --llm settings; loads and contacts nothing."""
    parsed = parse_spec(config.llm)
    if parsed and parsed[0] == "openai" and not config.llm_url:
        OpenAIChat(parsed[1], config)  # raises the message that says which flag is missing


def preload(config: Config, log: Callable[[str], None] = lambda _m: None) -> threading.Thread | None:
    """Load the configured model in the background (e.g. when `rag serve` starts), so that the first
    question does not wait for it; a failure is logged here and shows again as a note on answers."""
    model = make_llm(config)
    if model is None:
        return None

    def run():
        try:
            model.load()
        except LLMError as exc:
            log(f"warning: {exc}")

    thread = threading.Thread(target=run, name="rag-llm-preload", daemon=True)
    thread.start()
    return thread


@lru_cache(maxsize=8)
def _make(backend: str, model: str, url: str | None, key: str | None) -> ChatModel:
    return BACKENDS[backend](model, Config(llm=f"{backend}:{model}", llm_url=url, llm_api_key=key))
