"""HTTP server: JSON errors everywhere, security headers, CORS, local docs, the page, and `rasid serve`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rasid.cli import app as cli_app
from tests.web.conftest import TOKEN


def test_unknown_routes_and_methods_are_json(api: TestClient) -> None:
    response = api.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "no such resource: /api/nothing-here"}}
    response = api.delete("/api/events")
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405
    response = api.put("/api/check", json={})
    assert response.status_code == 405


def test_unexpected_errors_are_500_without_details(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasid.stories import stored
    from rasid.web.app import create_app

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(stored, "stored_alignment", broken)
    with TestClient(create_app(str(sample_store)), raise_server_exceptions=False) as client:
        response = client.get("/api/stories/1")
    assert response.status_code == 500
    assert response.json()["error"]["status"] == 500
    assert "secret" not in response.text and "Traceback" not in response.text


def test_security_headers_on_every_response(api: TestClient) -> None:
    for url in ("/api/meta", "/nope", "/docs", "/openapi.json"):
        headers = api.get(url).headers
        assert headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy
        assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_no_cors_unless_configured(api: TestClient, sample_store: Path) -> None:
    from rasid.web.app import create_app

    origin = {"Origin": "https://analyst.example"}
    assert "access-control-allow-origin" not in api.get("/api/meta", headers=origin).headers
    with TestClient(create_app(str(sample_store), cors_origins=["https://analyst.example"])) as client:
        allowed = client.get("/api/meta", headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://analyst.example"
        other = client.get("/api/meta", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_docs_and_schema_are_served_locally(api: TestClient) -> None:
    page = api.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "http://" not in page.text and "https://" not in page.text and "<script>" not in page.text
    for src in ("/docs/init.js", "/static/vendor/swagger-ui-dist/swagger-ui.css"):
        assert src in page.text
    assert "openapi.json" in api.get("/docs/init.js").text
    schema = api.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/events", "/api/events/{event_id}/review", "/collections/events/items", "/api/check",
                 "/api/articles", "/api/search", "/api/stories/{story_id}", "/api/timeline"):  # fmt: skip
        assert path in paths
    assert "redoc" not in json.dumps(paths)


def test_the_page_is_served_at_the_root(sample_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasid.web import app as web_app

    (tmp_path / "index.html").write_text("<!doctype html><title>راصد</title>", encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log(1)", encoding="utf-8")
    monkeypatch.setattr(web_app, "STATIC_DIR", tmp_path)
    with TestClient(web_app.create_app(str(sample_store))) as client:
        page = client.get("/")
        assert page.status_code == 200 and "راصد" in page.text
        assert page.headers["content-type"].startswith("text/html")
        assert client.get("/static/app.js").status_code == 200
        assert client.get("/static/missing.js").status_code == 404
        assert client.get("/static/../conftest.py").status_code == 404


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 5.0) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()


def test_rasid_serve_runs_answers_and_stops_on_ctrl_c(sample_store: Path, tmp_path: Path) -> None:
    port = _free_port()
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "rasid.cli", "serve", "--db", str(sample_store), "--port", str(port),
               "--token-file", str(token_file)]  # fmt: skip
    env = {**os.environ, "RASID_TOKEN": ""}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, kind, body = _get(base + "/api/meta", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "rasid serve did not start"
                time.sleep(0.2)
        assert status == 200 and kind == "application/json"
        meta = json.loads(body)
        assert meta["articles"] == 26 and meta["read_only"] is False
        status, kind, body = _get(base + "/")
        if (Path(__file__).resolve().parents[2] / "rasid/web/static/index.html").is_file():
            assert status == 200 and kind.startswith("text/html")
        else:
            assert status == 404 and json.loads(body)["error"]["status"] == 404
        _concurrent_reads(base)
        with pytest.raises(OSError):  # only on localhost
            socket.create_connection(("127.0.0.2", port), timeout=1).close()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"stopped" in out


def _concurrent_reads(base: str) -> None:
    """Many requests at once, on the server's worker threads, each with its own SQLite connection."""
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/api/events?limit=50", "/api/events/points", "/api/timeline", "/api/search?q=%D8%AD%D9%84%D8%A8",
             "/api/stories/1", "/collections/events/items?limit=20", "/api/articles/3", "/api/entities"]  # fmt: skip
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda p: _get(base + p, timeout=20), paths * 4))
    assert [r[0] for r in results] == [200] * len(results)
    pages = [r[2] for p, r in zip(paths * 4, results, strict=True) if p.startswith("/api/events?")]
    assert len(pages) == 4 and len(set(pages)) == 1  # the same answer whichever thread gave it


def test_each_worker_thread_has_its_own_connection(sample_store: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from rasid.web.context import Server

    server = Server(db=str(sample_store))
    here = server.rasid()
    assert server.rasid() is here
    with ThreadPoolExecutor(2) as pool:
        other = pool.submit(server.rasid).result()
        assert other is not here
        assert pool.submit(lambda: server.rasid().store.count_articles()).result() == 26


def test_serve_refuses_a_missing_db_and_a_busy_port(sample_store: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output and "Traceback" not in result.output
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli_app, ["serve", "--db", str(sample_store), "--port", str(port)])
    assert result.exit_code == 1
    assert "already in use" in result.output and len(result.output.strip().splitlines()) == 1


def test_serve_token_file_must_hold_a_token(sample_store: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    short = tmp_path / "short"
    short.write_text("abc", encoding="utf-8")
    for path, words in ((empty, "empty"), (short, "shorter"), (tmp_path / "missing", "cannot read")):
        result = CliRunner().invoke(cli_app, ["serve", "--db", str(sample_store), "--token-file", str(path)])
        assert result.exit_code == 1 and words in result.output
