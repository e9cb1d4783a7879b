"""One writer at a time for an index folder: an inter-process lock (filelock: flock on Linux, so the kernel
releases it when its holder dies, kill -9 included), a hidden file in the folder that no generation, digest or
clean-up touches. Who holds it is written next to it, for the message a second writer gets."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from rag.index.backend import WriterBusy


class WriterLock:
    """`acquire(wait)` waits for the holder (saying so once) or raises WriterBusy; `release()` lets go."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        self.folder = folder
        self.path = folder / ".writer.lock"
        self._owner = folder / ".writer.lock.owner"
        self._lock: FileLock | None = None

    def acquire(self, wait: bool = True, say: Callable[[str], None] | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.path)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            holder = self.holder()
            busy = f"another ingest ({holder}) is writing the index at {self.folder}"
            if not wait:
                raise WriterBusy(f"{busy}; try again when it has finished (without --no-wait, ingest waits for it)") from None
            if say:
                say(f"{busy}: waiting for it to finish")
            lock.acquire()
        self._lock = lock
        try:
            self._owner.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                               "since": time.strftime("%Y-%m-%d %H:%M:%S")}), encoding="utf-8")
        except OSError:
            pass  # only for messages

    def holder(self) -> str:
        """'pid N on HOST since TIME', as far as the holder wrote it."""
        try:
            info = json.loads(self._owner.read_text(encoding="utf-8"))
            return f"pid {info['pid']} on {info['host']} since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    @property
    def held(self) -> bool:
        return self._lock is not None

    def release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.release()
