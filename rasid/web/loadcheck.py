"""`rasid bench api`: a bounded load check of the HTTP API on localhost.

The real app (`create_app`) runs in-process under uvicorn on a free 127.0.0.1 port; one client sends
requests one after another over a kept-alive connection (the latency a user of the page sees, not a
stress test) and times each from request to last byte:
  - `/api/events?limit=L` with varied filters (none, date windows, type, outlet, side, bbox,
    minimum confidence, all=true) and, every other request, the next page of the previous answer
    (keyset cursor);
  - `/api/events/points` and `/api/timeline` with the same kinds of filters, fewer times.
Only loopback addresses are contacted; the request count and the total time are bounded.
Optionally (`page=True`) it times the page's first full load in headless Chromium: from navigation
until every event point is loaded and the clusters are drawn.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Boxes (min_lon, min_lat, max_lon, max_lat) over places the corpora report from.
BOXES = ((35.5, 32.3, 42.4, 37.4), (36.9, 36.0, 37.4, 36.4), (42.5, 12.0, 54.0, 19.0), (34.8, 33.0, 36.7, 34.7))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db: str, *, token: str | None = None) -> Iterator[str]:
    """Run `create_app(db)` under uvicorn in a background thread; yields its base URL."""
    import uvicorn

    from rasid.web.app import create_app, tune_garbage_collector

    port = _free_port()
    tune_garbage_collector()  # as `rasid serve` does
    config = uvicorn.Config(create_app(db, token=token), host=HOST, port=port, log_level="warning",
                            access_log=False, lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="rasid-bench-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start on {HOST}:{port}")
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class _Client:
    """One kept-alive HTTP connection to the local server; `get` returns (status, body, seconds,
    CPU seconds of this process, server and client together: steadier than wall time on a busy machine)."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        if parts.hostname not in (HOST, "localhost"):
            raise ValueError(f"the load check only talks to localhost, not {base_url}")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes, float, float]:
        start, cpu = time.perf_counter(), time.process_time()
        self.conn.request("GET", path)
        resp = self.conn.getresponse()
        body = resp.read()
        return resp.status, body, time.perf_counter() - start, time.process_time() - cpu

    def close(self) -> None:
        self.conn.close()


def _filters(meta: dict[str, Any], rng: random.Random) -> dict[str, str]:
    """One random filter of the kinds the page sends."""
    kind = rng.choice(["none", "window", "type", "outlet", "side", "bbox", "confidence", "all"])
    out: dict[str, str] = {}
    if kind == "window" and meta.get("first_day") and meta.get("last_day"):
        first, last = dt.date.fromisoformat(meta["first_day"]), dt.date.fromisoformat(meta["last_day"])
        span = max((last - first).days, 1)
        start = first + dt.timedelta(days=rng.randrange(span))
        out["since"], out["until"] = start.isoformat(), (start + dt.timedelta(days=rng.choice([1, 7, 30, 90]))).isoformat()
    elif kind in ("type", "outlet", "side") and meta.get({"type": "event_types"}.get(kind, kind + "s")):
        out[kind] = rng.choice(meta[{"type": "event_types"}.get(kind, kind + "s")])
    elif kind == "bbox":
        out["bbox"] = ",".join(str(x) for x in rng.choice(BOXES))
    elif kind == "confidence":
        out["min_confidence"] = rng.choice(["0.5", "0.7", "0.9"])
    elif kind == "all":
        out["all"] = "true"
    return out


def _p95(sorted_ms: list[float]) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(0.95 * (len(sorted_ms) - 1)))]


def _summary(times: list[float], statuses: list[int], sizes: list[int], cpu: list[float] | None = None) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in times)
    if not ms:
        return {"requests": 0}
    cpu_ms = sorted(c * 1000 for c in cpu or [0.0])
    return {
        "requests": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(_p95(ms), 1),
        "max_ms": round(ms[-1], 1), "mean_ms": round(statistics.fmean(ms), 1),
        "cpu_p50_ms": round(statistics.median(cpu_ms), 1), "cpu_p95_ms": round(_p95(cpu_ms), 1),
        "errors": sum(1 for s in statuses if s >= 400), "median_bytes": int(statistics.median(sizes)),
    }  # fmt: skip


def _next_path(body: bytes) -> str | None:
    link = json.loads(body).get("next")
    if not link:
        return None
    parts = urlsplit(link)
    return parts.path + ("?" + parts.query if parts.query else "")


def run_requests(base_url: str, *, n: int = 200, limit: int = 500, seed: int = 0,
                 max_seconds: float = 600.0) -> dict[str, Any]:  # fmt: skip
    """Time `n` event pages of `limit` items (and n/10 each of points and timeline) on a local server."""
    client = _Client(base_url)
    rng = random.Random(seed)
    deadline = time.monotonic() + max_seconds
    results: dict[str, tuple[list[float], list[int], list[int], list[float]]] = {}
    slowest: list[tuple[float, str]] = []
    try:
        status, body, _, _ = client.get("/api/meta")
        if status != 200:
            raise RuntimeError(f"/api/meta answered {status}: {body[:200]!r}")
        meta = json.loads(body)
        plan = [("events", n), ("points", max(1, n // 10)), ("timeline", max(1, n // 10))]
        for endpoint, count in plan:
            times, statuses, sizes, cpus = results.setdefault(endpoint, ([], [], [], []))
            following: str | None = None
            for _ in range(count):
                if time.monotonic() > deadline:
                    break
                if endpoint == "events":
                    path = following or f"/api/events?{urlencode({**_filters(meta, rng), 'limit': limit})}"
                else:
                    path = f"/api/{'events/points' if endpoint == 'points' else 'timeline'}?"
                    path += urlencode(_filters(meta, rng))
                status, body, seconds, cpu = client.get(path)
                times.append(seconds)
                cpus.append(cpu)
                slowest = sorted([*slowest, (seconds, path)], reverse=True)[:5]
                statuses.append(status)
                sizes.append(len(body))
                if endpoint == "events":
                    # every other request continues the previous answer with its cursor
                    following = _next_path(body) if status == 200 and following is None else None
        summary = {name: _summary(*rows) for name, rows in results.items()}
        return {
            "base_url": base_url, "events_in_db": meta.get("events"), "limit": limit, "endpoints": summary,
            "slowest": [{"ms": round(t * 1000, 1), "path": path} for t, path in slowest],
        }  # fmt: skip
    finally:
        client.close()


def page_load_seconds(base_url: str, *, timeout_s: float = 120.0, screenshot: str | None = None) -> dict[str, Any]:
    """Time the page's first load in headless Chromium until the points are in and clusters drawn."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda r: r.continue_() if urlsplit(r.request.url).hostname == HOST else r.abort())
            points: dict[str, Any] = {}
            page.on("response", lambda r: points.setdefault("at", time.perf_counter())
                    if "/api/events/points" in r.url else None)  # fmt: skip
            start = time.perf_counter()
            page.goto(base_url + "/", timeout=timeout_s * 1000)
            page.wait_for_selector("#map .leaflet-marker-icon", timeout=timeout_s * 1000)
            page.wait_for_selector("[data-testid=event-item]", timeout=timeout_s * 1000)
            drawn = time.perf_counter() - start
            clusters = page.locator("#map .marker-cluster").count()
            markers = page.locator("#map .leaflet-marker-icon").count()
            if screenshot:
                page.wait_for_timeout(300)  # let the cluster animation settle
                page.screenshot(path=screenshot)
            # the page still answers: a pan and a zoom are handled promptly
            t0 = time.perf_counter()
            page.mouse.move(640, 300)
            page.mouse.wheel(0, -300)
            page.wait_for_timeout(50)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(1)))")
            interaction = time.perf_counter() - t0
        finally:
            browser.close()
    return {
        "first_load_s": round(drawn, 2),
        "points_response_s": round(points["at"] - start, 2) if "at" in points else None,
        "clusters_drawn": clusters, "marker_icons": markers, "zoom_frame_s": round(interaction, 3),
    }  # fmt: skip


def run_loadcheck(db: str | Path, *, n: int = 200, limit: int = 500, seed: int = 0,
                  page: bool = False, screenshot: str | None = None,
                  max_seconds: float = 600.0) -> dict[str, Any]:  # fmt: skip
    """Start the server on `db`, run the requests (and the page timing), stop the server."""
    with serving(str(db)) as base_url:
        result = run_requests(base_url, n=n, limit=limit, seed=seed, max_seconds=max_seconds)
        if page:
            result["page"] = page_load_seconds(base_url, screenshot=screenshot)
    return result
