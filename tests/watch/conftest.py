"""A real HTTP server on localhost serving feeds and pages written for these tests, and what it was asked."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

# Short reports written for these tests (not taken from any dataset).
REPORTS = [
    ("قصف على ريف إدلب الجنوبي",
     "قالت مصادر محلية إن طائرات حربية قصفت صباح اليوم الأحد بلدة كفرنبل في ريف إدلب الجنوبي، ما أدى إلى مقتل"
     " مدنيين اثنين وإصابة خمسة آخرين بجروح متفاوتة. وأضافت المصادر أن فرق الدفاع المدني عملت على انتشال المصابين"
     " من تحت الأنقاض ونقلهم إلى المستشفيات القريبة."),
    ("اشتباكات في ريف حلب الشمالي",
     "اندلعت اشتباكات عنيفة مساء أمس السبت بين فصائل المعارضة وقوات النظام على محور بلدة تل رفعت في ريف حلب"
     " الشمالي، وأفاد مراسل محلي بمقتل أربعة عناصر من قوات النظام. وتبادل الطرفان القصف المدفعي حتى ساعات الفجر."),
    ("انفجار عبوة ناسفة في مدينة درعا",
     "انفجرت عبوة ناسفة زرعها مجهولون بسيارة عسكرية على الطريق الواصل بين مدينة درعا وبلدة اليادودة، ما أسفر عن"
     " مقتل ضابط وإصابة عنصرين. ولم تتبن أي جهة التفجير حتى الآن، بحسب ما نقلت شبكات إخبارية محلية."),
    ("غارات روسية على ريف اللاذقية",
     "شنت الطائرات الحربية الروسية صباح اليوم عدة غارات جوية على مواقع في جبل الأكراد بريف اللاذقية الشمالي،"
     " دون ورود أنباء عن إصابات. وقال ناشطون إن الغارات تزامنت مع قصف صاروخي من مواقع قوات النظام في المنطقة."),
    ("مظاهرة في مدينة إدلب",
     "خرج مئات المتظاهرين بعد صلاة الجمعة في مدينة إدلب للمطالبة بالإفراج عن المعتقلين في سجون النظام، ورفع"
     " المحتجون لافتات تندد بالقصف المستمر على أرياف المحافظة. وجابت المظاهرة الشوارع الرئيسية دون حوادث."),
]


def page(title: str, body: str) -> bytes:
    """An outlet's article page: navigation and footer around the report."""
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(".") if s.strip())
    return (
        "<!DOCTYPE html><html lang='ar'><head><meta charset='utf-8'><title>" + title + "</title></head><body>"
        "<nav><a href='/'>الرئيسية</a> <a href='/news'>أخبار</a></nav>"
        "<article><h1>" + title + "</h1>" + paragraphs + "</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (path, title, pubDate)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><guid>{base}{p}</guid><pubDate>{d}</pubDate></item>"
        for p, t, d in items
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>{entries}</channel></rss>".encode()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None  # does everything itself


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    at: float


class FixtureServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with server.lock:
                    server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                    route = server.routes.get(self.path)
                if route is None:
                    route = Route(404, b"not here") if self.path != "/robots.txt" else Route(404, b"")
                if route.delay:
                    time.sleep(route.delay)
                if route.handler is not None:
                    route.handler(self)
                    return
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def add(self, path: str, route: Route | bytes, content_type: str = "text/html; charset=utf-8") -> None:
        if isinstance(route, bytes):
            route = Route(200, route, {"Content-Type": content_type})
        self.routes[path] = route

    def requests(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path == path]


def answer_ok(handler: BaseHTTPRequestHandler, status: int = 200) -> None:
    """An empty answer with `status`."""
    handler.send_response(status)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


class WebhookEndpoint:
    """A webhook endpoint on localhost that keeps every POST body and answers the n-th post (from 1)
    with `answer(handler, n, endpoint)` (default: 200). `got_first` is set when the first post comes
    in; `released` is an event an answer may wait on, set by `close`."""

    def __init__(
        self, answer: Callable[[BaseHTTPRequestHandler, int, WebhookEndpoint], None] | None = None
    ) -> None:
        self.bodies: list[bytes] = []
        self.got_first = threading.Event()
        self.released = threading.Event()
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with endpoint.lock:
                    endpoint.bodies.append(body)
                    n = len(endpoint.bodies)
                if n == 1:
                    endpoint.got_first.set()
                if answer is None:
                    answer_ok(self)
                else:
                    answer(self, n, endpoint)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    fixture = FixtureServer()
    fixture.thread.start()
    try:
        yield fixture
    finally:
        fixture.httpd.shutdown()
        fixture.httpd.server_close()


@pytest.fixture(scope="session")
def pipeline() -> Any:
    from rasid.stages import default_pipeline

    return default_pipeline()
