"""POST each alert as JSON to a webhook: a timeout per try, retries with exponential backoff, and
failures returned as one line (never raised), so a dead endpoint never stops `rasid watch`. The payload
carries the alert's `id` (also in the `X-Rasid-Alert-Id` header): delivery is at least once, so a
receiver drops an id it has seen."""

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
        return self.send(payload)[0]

    def send(self, payload: dict[str, Any]) -> tuple[str | None, bool]:
        """(None, _) once the endpoint accepted `payload` (2xx); else (a one-line problem, whether it is
        worth sending again later: False when the endpoint refuses it, a 4xx other than 408/429)."""
        body = json.dumps(payload, ensure_ascii=False, default=str).encode()
        alert_id = payload.get("id")
        problem = ""
        later = True
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            status, problem = self._try(body, alert_id)
            if status is not None and 200 <= status < 300:
                return None, False
            if status is not None and 400 <= status < 500 and status not in (408, 429):
                later = False
                break  # the endpoint refuses this payload: trying again will not help
        return f"{self.url}: alert {alert_id} not delivered ({problem}) after {attempt + 1} tries", later

    def _try(self, body: bytes, alert_id: Any = None) -> tuple[int | None, str]:
        parts = urlsplit(self.url)
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = factory(parts.hostname or "", parts.port, timeout=self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            headers = {"Content-Type": "application/json; charset=utf-8"}
            if alert_id is not None:  # the same alert posted again (at least once) carries the same id
                headers["X-Rasid-Alert-Id"] = str(alert_id)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(65536)
            return response.status, f"HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            return None, " ".join(str(exc).split()) or type(exc).__name__
        finally:
            conn.close()
