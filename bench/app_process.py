"""The app as a subprocess for the benchmarks that start it: a free port, waiting until it listens, stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(proc: subprocess.Popen, url: str, timeout: float, poll: float = 0.5, log: Path | None = None) -> None:
    """Until `url`'s API info answers; an exited app (with the tail of its `log`) or the timeout is an error."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = f":\n{log.read_text()[-2000:]}" if log else ""
            raise RuntimeError(f"the app exited with {proc.returncode}{tail}")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(poll)
    raise RuntimeError(f"the app was not ready after {timeout:.0f} s")


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    """Terminate, and kill what does not end within `timeout` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
