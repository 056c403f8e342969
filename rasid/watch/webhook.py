"""POST each alert as JSON to a webhook: a timeout per try, retries with exponential backoff, and
failures returned as one line (never raised), so a dead endpoint never stops `rasid watch`."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


class WebhookError(ValueError):
    """A webhook URL that cannot be used (not http(s), no host)."""


@dataclass
class Webhook:
    url: str
    timeout: float = 10.0  # seconds to connect and for the answer, per try
    retries: int = 3  # further tries after a failure (connection error, timeout, 5xx, 429)
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WebhookError(f"--webhook {self.url!r}: give an http:// or https:// URL")

    def post(self, payload: dict[str, Any]) -> str | None:
        """Send `payload`; None once the endpoint accepted it (2xx), else a one-line problem."""
        body = json.dumps(payload, ensure_ascii=False, default=str).encode()
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            status, problem = self._try(body)
            if status is not None and 200 <= status < 300:
                return None
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                break  # the endpoint refuses this payload: trying again will not help
        return f"{self.url}: alert {payload.get('id')} not delivered ({problem}) after {attempt + 1} tries"

    def _try(self, body: bytes) -> tuple[int | None, str]:
        parts = urlsplit(self.url)
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = factory(parts.hostname or "", parts.port, timeout=self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json; charset=utf-8"})
            response = conn.getresponse()
            response.read(65536)
            return response.status, f"HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            return None, " ".join(str(exc).split()) or type(exc).__name__
        finally:
            conn.close()
