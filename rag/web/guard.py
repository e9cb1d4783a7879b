"""ASGI middleware in front of the Gradio app: what Gradio's own login and upload routes leave open.

- `LoginPageGuard`: behind a login (`--auth`), Gradio's page route answers anonymous visitors with its login
  page, and that page still carries the app's whole API description (`window.gradio_api_info`), which
  `/gradio_api/info` refuses to the same visitor. It is blanked out of any HTML page that says a login is
  required.
- `LoginThrottle`: repeated wrong passwords from one address are slowed down (429, waits that double).
- `UploadQuota`: the upload route, open to anyone without a login, may not store more than a quota.
"""

from __future__ import annotations

import re
import time
from typing import Any, Awaitable, Callable

from rag.uploads import folder_bytes

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_API_INFO = re.compile(rb"window\.gradio_api_info\s*=\s*.*?;</script>", re.S)
_LOGIN_PAGE = b'"auth_required":true'
_BLANK = b"window.gradio_api_info = null;</script>"


def without_api_info(body: bytes) -> bytes:
    """The login page without the API description; any other page unchanged."""
    if _LOGIN_PAGE not in body:
        return body
    return _API_INFO.sub(lambda _m: _BLANK, body)


class LoginPageGuard:
    """Buffers HTML responses to GET requests and passes them through `without_api_info`."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def guarded_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    start = None
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = without_api_info(b"".join(chunks))
            kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
            kept.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": kept})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, guarded_send)


async def _reply(send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = text.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


class LoginThrottle:
    """Slows down password guessing on Gradio's login route: after FREE_FAILURES wrong passwords from one client
    address, each further attempt must wait 1, 2, 4 … seconds (at most MAX_WAIT) after the last failure, or it is
    answered 429 with Retry-After, the right password included; a successful login clears the count."""

    FREE_FAILURES = 5
    MAX_WAIT = 300.0
    FORGET_AFTER = 3600.0  # seconds after which a client's failures no longer count

    def __init__(self, app: ASGIApp, clock: Callable[[], float] | None = None):
        self.app = app
        self.clock = clock or time.monotonic
        self.failures: dict[str, tuple[int, float]] = {}  # client address → (failures, time of the last)

    def wait_left(self, client: str) -> float:
        count, last = self.failures.get(client, (0, 0.0))
        if count < self.FREE_FAILURES or self.clock() - last > self.FORGET_AFTER:
            return 0.0
        wait = min(self.MAX_WAIT, 2.0 ** (count - self.FREE_FAILURES))
        return max(0.0, last + wait - self.clock())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope.get("type") != "http" or scope.get("method") != "POST" or not path.rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        left = self.wait_left(client)
        if left > 0:
            await _reply(send, 429, f"Too many failed logins: try again in {left:.0f} s.",
                         [(b"retry-after", str(max(1, round(left))).encode())])
            return
        status = 0

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message.get("status", 0))
            await send(message)

        await self.app(scope, receive, watched_send)
        if status == 200:
            self.failures.pop(client, None)
        elif 400 <= status < 500:
            count, last = self.failures.get(client, (0, 0.0))
            if self.clock() - last > self.FORGET_AFTER:
                count = 0
            self.failures[client] = (count + 1, self.clock())
            if len(self.failures) > 10_000:  # bounded memory: the oldest entries go
                for key in sorted(self.failures, key=lambda k: self.failures[k][1])[:1000]:
                    del self.failures[key]


class UploadQuota:
    """Bounds what Gradio's upload route may store: a request must say its length (411 otherwise), and one that
    would take the upload folder past `quota` bytes is refused (413) before a byte is written. With the per-file
    limit (Gradio's max_file_size) and the scheduled clean-up (delete_cache), no client can fill the disk."""

    def __init__(self, app: ASGIApp, folder: str, quota: int):
        self.app, self.folder, self.quota = app, folder, int(quota)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope.get("type") != "http" or scope.get("method") != "POST" or not path.rstrip("/").endswith("/upload"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode("latin-1").strip()
        if not length.isdigit():
            await _reply(send, 411, "Uploads must give their length (Content-Length).")
            return
        used = folder_bytes(self.folder)
        if used + int(length) > self.quota:
            mb = 1024 * 1024
            await _reply(send, 413, f"The server's upload space is full ({used / mb:.0f} of {self.quota / mb:.0f} MB); "
                                    "try again later.")
            return
        await self.app(scope, receive, send)
