"""Fixtures of the HTTP API tests: one store of the bundled sample corpus per session, and clients.

Tests that write (posted articles, reviews) get their own copy of the store, so the read-only
tests see the sample exactly as analysed.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    # Starlette asks for its own fork of httpx; httpx itself (pinned) is what FastAPI's TestClient documents.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "test-token-0123456789abcdef"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample corpus analysed into a store, as `rasid analyze` does."""
    from rasid.api import Rasid
    from rasid.api.core import sample_corpus_path

    db = tmp_path_factory.mktemp("http") / "sample.db"
    with Rasid(db) as rasid:
        report = rasid.analyze([sample_corpus_path()])
    assert report.added and not report.errors
    return db


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a (WAL) database through SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture(scope="session")
def api(sample_store: Path) -> Iterator[TestClient]:
    """A client of a server with a token (reads only: use `writable_api` to write)."""
    from rasid.web.app import create_app

    with TestClient(create_app(str(sample_store), token=TOKEN)) as client:
        yield client


@pytest.fixture(scope="session")
def read_only_api(sample_store: Path) -> Iterator[TestClient]:
    """A client of a server started without a token."""
    from rasid.web.app import create_app

    with TestClient(create_app(str(sample_store), token=None)) as client:
        yield client


@pytest.fixture(scope="module")
def writable_api(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A client with the token over this module's own copy of the sample store (max body 64 KiB)."""
    from rasid.web.app import create_app

    db = copy_store(sample_store, tmp_path_factory.mktemp("write") / "copy.db")
    app = create_app(str(db), token=TOKEN, max_body=64 * 1024)
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client
