"""The middleware in front of Gradio (rag/web/guard.py), on a minimal ASGI app: login throttling and the
upload quota. The real server's behaviour is in tests/test_serve_first.py."""

from __future__ import annotations

import asyncio

from rag.web.guard import LoginThrottle, UploadQuota


class Login:
    """An ASGI app standing in for Gradio's /login: 200 for the right password, 400 otherwise."""

    def __init__(self):
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        body = (await receive()).get("body", b"")
        status = 200 if b"password=right" in body else 400
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def call(app, path: str, body: bytes = b"", client: str = "10.0.0.1", headers=None) -> int:
    sent = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "client": (client, 1234), "headers": headers or []}
    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def test_wrong_passwords_are_slowed_down_per_client_and_a_login_clears_them():
    now = [1000.0]
    inner = Login()
    guard = LoginThrottle(inner, clock=lambda: now[0])
    codes = [call(guard, "/login", b"password=wrong") for _ in range(8)]
    assert codes == [400] * 5 + [429] * 3 and inner.calls == 5  # refused without reaching Gradio
    assert call(guard, "/login", b"password=right") == 429  # the right password waits too
    assert call(guard, "/login", b"password=wrong", client="10.0.0.2") == 400  # another client is not held
    now[0] += 1.1  # the wait after the 5th failure: 1 s
    assert call(guard, "/login", b"password=wrong") == 400  # the 6th real failure: the wait doubles
    now[0] += 1.1
    assert call(guard, "/login", b"password=right") == 429
    now[0] += 1.0
    assert call(guard, "/login", b"password=right") == 200
    assert [call(guard, "/login", b"password=wrong") for _ in range(5)] == [400] * 5  # the count was cleared
    assert call(guard, "/config") == 400 and call(guard, "/gradio_api/info") == 400  # (other routes pass through)


def test_waits_are_bounded_and_forgotten():
    now = [0.0]
    guard = LoginThrottle(Login(), clock=lambda: now[0])
    for _ in range(40):
        now[0] += LoginThrottle.MAX_WAIT + 1
        call(guard, "/login/", b"password=wrong")
    assert guard.wait_left("10.0.0.1") <= LoginThrottle.MAX_WAIT
    now[0] += LoginThrottle.FORGET_AFTER + 1
    assert guard.wait_left("10.0.0.1") == 0


def test_the_upload_quota_refuses_before_a_byte_is_stored(tmp_path):
    stored = []

    async def upload_route(scope, receive, send):
        stored.append((await receive())["body"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"[]"})

    (tmp_path / "old").write_bytes(b"x" * 600)
    quota = UploadQuota(upload_route, folder=str(tmp_path), quota=1000)
    assert call(quota, "/gradio_api/upload", b"y" * 300, headers=[(b"content-length", b"300")]) == 200
    assert call(quota, "/gradio_api/upload", b"y" * 500, headers=[(b"content-length", b"500")]) == 413
    assert call(quota, "/gradio_api/upload", b"y" * 10) == 411  # no length: refused
    assert len(stored) == 1
