"""ASGI middleware in front of the Gradio app: what Gradio's own login leaves open.

Behind a login (`--auth`), Gradio's page route answers anonymous visitors with its login page, and that page
still carries the app's whole API description (`window.gradio_api_info`), which `/gradio_api/info` refuses to
the same visitor. This middleware blanks it out of any HTML page that says a login is required.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable

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
