"""Safety of the HTTP server: the write token, the request-size bound and the security headers.

- Writes need `Authorization: Bearer <token>`, compared in constant time (`hmac.compare_digest`).
  A server started without a token is read-only: every write is 403.
- A request body larger than `max_body` bytes is refused with 413 before it is read: by its
  Content-Length, or, for a body sent in chunks, as soon as the bytes received pass the bound.
- Every response says `X-Content-Type-Options: nosniff` and carries a Content-Security-Policy that
  lets the page load only the server's own scripts, styles, images and data (no CDN, no inline script).
"""

from __future__ import annotations

import hmac

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasid.web.context import ApiError, dumps, server

# Leaflet positions map tiles and markers with inline style attributes and draws icons from data:
# URIs; Swagger UI does the same. Scripts come only from this server, never inline.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


async def require_token(request: Request) -> None:
    """Allow a write only with the configured token (403 on a read-only server, 401 otherwise)."""
    token = server(request).token
    if not token:
        raise ApiError(403, "this server is read-only: start `rasid serve` with --token-file (or RASID_TOKEN) to allow writes")
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "this write needs the header Authorization: Bearer <token>", challenge)
    if not hmac.compare_digest(value.strip().encode("utf-8"), token.encode("utf-8")):
        raise ApiError(401, "wrong token", challenge)


class SafetyMiddleware:
    """Adds the security headers to every response and bounds the size of request bodies."""

    def __init__(self, app: ASGIApp, *, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(send_with_headers)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    # An HTTPException: FastAPI passes it on while reading a body (other errors there become 400).
                    raise HTTPException(413, self._message())
            return message

        try:
            await self.app(scope, bounded_receive, send_with_headers)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._too_large(send_with_headers)

    def _message(self) -> str:
        return f"the request body is larger than {self.max_body:,} bytes"

    async def _too_large(self, send: Send) -> None:
        body = dumps({"error": {"status": 413, "message": self._message()}}).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
