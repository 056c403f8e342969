"""The follower against a real local server and a real SQLite database: new items within one poll, nothing
stored twice, failures reported per source or item and retried, changed pages kept as versions."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rasid.store import open_store
from rasid.watch.fetch import Fetcher, FetchSettings
from rasid.watch.follower import Follower, RoundReport, Source, StoredItem, WatchSettings
from tests.watch.conftest import REPORTS, FixtureServer, Route, page, rss

DAY = "Sun, 02 Aug 2015 09:00:00 GMT"
LATER = "Mon, 03 Aug 2015 09:00:00 GMT"


class Run:
    """A follower over `sources` with its problems and stored items collected."""

    def __init__(self, db: Path | str, pipeline: Any, sources: list[Source], **settings: Any) -> None:
        self.store = open_store(str(db), busy_timeout=settings.pop("busy_timeout", None))
        self.problems: list[str] = []
        self.stored: list[StoredItem] = []
        fetch = FetchSettings(timeout=settings.pop("timeout", 2.0), per_host_delay=0.0, backoff=0.01,
                              retries=settings.pop("retries", 1), max_bytes=settings.pop("max_bytes", 1024 * 1024))
        self.follower = Follower(
            self.store, pipeline, Fetcher(fetch), sources, settings=WatchSettings(settle=0.0, **settings),
            on_stored=self.stored.append, on_problem=self.problems.append,
        )

    def poll(self) -> RoundReport:
        return self.follower.poll()

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.store.query(sql, params)


def publish(server: FixtureServer, n: int, *, feed: str = "/feed.xml", date: str = DAY, etag: str | None = None) -> None:
    """Pages /news/0 … /news/n-1 and a feed listing them."""
    for i in range(n):
        server.add(f"/news/{i}", page(*REPORTS[i]))
    headers = {"Content-Type": "application/rss+xml"} | ({"ETag": etag} if etag else {})
    server.add(feed, Route(200, rss(server.base, [(f"/news/{i}", REPORTS[i][0], date) for i in range(n)]), headers))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "watch.db"


def test_new_items_stored_once_and_feed_polled_conditionally(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 2, etag='"r1"')
    run = Run(db, pipeline, [Source(server.base + "/feed.xml", "عنب بلدي")])
    first = run.poll()
    assert (first.new_items, first.stored, first.errors) == (2, 2, 0), run.problems
    assert sorted(s.link for s in run.stored) == [server.base + "/news/0", server.base + "/news/1"]
    assert {r[0] for r in run.rows("SELECT source FROM articles")} == {"عنب بلدي"}
    assert run.rows("SELECT count(*) FROM story_articles") == [(2,)]  # grouped after the round
    second = run.poll()  # the server answers 304 to the ETag it gave
    assert (second.new_items, second.stored) == (0, 0)
    assert server.requests("/feed.xml")[-1].headers.get("if-none-match") == '"r1"'
    # A feed that repeats old items next to a new one: only the new one is fetched and stored.
    publish(server, 3)
    third = run.poll()
    assert (third.new_items, third.stored) == (1, 1)
    assert [len(server.requests(f"/news/{i}")) for i in range(3)] == [1, 1, 1]
    assert run.rows("SELECT count(*) FROM articles") == [(3,)]


def test_item_errors_retried_next_round_until_it_recovers(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 2)
    server.add("/news/1", Route(500, b"down"))
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    first = run.poll()
    assert (first.stored, first.errors) == (1, 1)
    assert any("/news/1: HTTP 500" in p and "tried again next round" in p for p in run.problems)
    assert len(server.requests("/news/1")) == 2  # one retry within the round, then given up for the round
    server.add("/news/1", page(*REPORTS[1]))
    second = run.poll()
    assert (second.stored, second.errors) == (1, 0)
    assert run.rows("SELECT status, count(*) FROM watch_items GROUP BY status") == [("stored", 2)]


def test_missing_page_given_up_after_max_attempts(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    server.add("/news/0", Route(503, b""))
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")], max_attempts=2, retries=0)
    run.poll()
    run.poll()
    run.poll()
    assert len(server.requests("/news/0")) == 2
    assert run.rows("SELECT status, attempts FROM watch_items") == [("failed", 2)]


def test_bad_sources_are_reported_and_the_others_still_read(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    server.add("/broken.xml", b"<<<this is not xml", "application/xml")
    server.add("/slow.xml", Route(200, b"<rss/>", delay=1.5))
    sources = [Source(server.base + p) for p in ("/broken.xml", "/gone.xml", "/slow.xml", "/feed.xml")]
    run = Run(db, pipeline, sources, timeout=0.3, retries=0)
    report = run.poll()
    assert report.stored == 1 and report.errors == 3 and report.sources == 4
    assert any("/broken.xml: malformed XML" in p for p in run.problems)
    assert any("/gone.xml: HTTP 404" in p for p in run.problems)
    assert any("/slow.xml: no answer within" in p for p in run.problems)
    assert run.rows("SELECT status FROM watch_sources WHERE url = ?", server.base + "/broken.xml") == [("error",)]


def test_refused_items_big_page_redirect_loop_and_robots(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 4)
    server.add("/news/0", Route(200, b"x" * (2 * 1024 * 1024), {"Content-Type": "text/html"}))
    server.add("/news/1", Route(302, b"", {"Location": "/news/1"}))
    server.add("/robots.txt", b"User-agent: *\nDisallow: /news/2\n", "text/plain")
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    started = time.monotonic()
    report = run.poll()
    assert time.monotonic() - started < 15
    assert report.stored == 1 and report.errors == 3
    status = dict(run.rows("SELECT link, status FROM watch_items"))
    assert status[server.base + "/news/3"] == "stored"
    assert {status[server.base + f"/news/{i}"] for i in range(3)} == {"failed"}
    assert not server.requests("/news/2")  # never fetched
    assert any("larger than" in p for p in run.problems) and any("redirect loop" in p for p in run.problems)


def test_changed_page_is_stored_as_a_new_version(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    assert run.poll().stored == 1
    old_id = run.stored[0].article_id
    # Listed again with the same date: not fetched again.
    run.poll()
    assert len(server.requests("/news/0")) == 1
    # Updated: a new date in the feed and a corrected toll on the page.
    title, body = REPORTS[0]
    server.add("/news/0", page(title, body.replace("مدنيين اثنين", "ثلاثة مدنيين")))
    publish_feed_only(server, date=LATER)
    report = run.poll()
    assert report.stored == 1
    newest = run.stored[-1]
    assert newest.previous_article_id == old_id and newest.article_id != old_id
    item_id = newest.item_id
    assert run.follower.state.versions(item_id) == [(old_id, None), (newest.article_id, old_id)]
    assert run.rows("SELECT article_id FROM watch_items WHERE id = ?", item_id) == [(newest.article_id,)]
    assert run.store.load_document(newest.article_id).meta["watch"]["previous"] == old_id


def publish_feed_only(server: FixtureServer, *, date: str) -> None:
    server.add("/feed.xml", Route(200, rss(server.base, [("/news/0", REPORTS[0][0], date)]),
                                  {"Content-Type": "application/rss+xml"}))


def test_same_article_in_two_feeds_is_stored_once(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    publish(server, 1, feed="/other.xml")
    server.add("/copy/0", page(*REPORTS[0]))  # the same report under another link
    server.add("/third.xml", Route(200, rss(server.base, [("/copy/0", "x", DAY)]), {"Content-Type": "text/xml"}))
    run = Run(db, pipeline, [Source(server.base + p) for p in ("/feed.xml", "/other.xml", "/third.xml")])
    report = run.poll()
    assert report.stored == 1 and report.unchanged == 1
    assert len(server.requests("/news/0")) == 1
    assert run.rows("SELECT count(*) FROM articles") == [(1,)]
    assert sorted(r[0] for r in run.rows("SELECT status FROM watch_items")) == ["duplicate", "stored"]


def test_sitemap_index_followed_to_changed_sitemaps(server: FixtureServer, db: Path, pipeline: Any) -> None:
    server.add("/news/0", page(*REPORTS[0]))
    server.add("/news/1", page(*REPORTS[1]))
    ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
    server.add("/sitemap.xml", f"<sitemapindex {ns}><sitemap><loc>/s1.xml</loc><lastmod>2024-01-01</lastmod></sitemap>"
               "</sitemapindex>".encode(), "application/xml")
    server.add("/s1.xml", f"<urlset {ns}><url><loc>/news/0</loc></url><url><loc>/news/1</loc></url></urlset>".encode(),
               "application/xml")
    run = Run(db, pipeline, [Source(server.base + "/sitemap.xml")])
    assert run.poll().stored == 2
    run.poll()
    assert len(server.requests("/s1.xml")) == 1  # its lastmod did not change: not read again


def test_folder_source_picks_up_new_files(tmp_path: Path, db: Path, pipeline: Any) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "a.txt").write_text("\n".join(REPORTS[0]), encoding="utf-8")
    run = Run(db, pipeline, [Source(str(folder), "سانا")])
    assert run.poll().stored == 1
    (folder / "b.txt").write_text("\n".join(REPORTS[1]), encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    report = run.poll()
    assert (report.new_items, report.stored) == (1, 1)
    assert run.poll().stored == 0
    assert run.rows("SELECT count(*) FROM articles WHERE source = ?", "الوكالة العربية السورية للأنباء") == [(2,)]


def test_folder_file_still_being_written_waits(tmp_path: Path, db: Path, pipeline: Any) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    path = folder / "a.txt"
    path.write_text("\n".join(REPORTS[0]), encoding="utf-8")
    run = Run(db, pipeline, [Source(str(folder))])
    run.follower.settings.settle = 30.0
    assert run.poll().new_items == 0
    old = time.time() - 60
    os.utime(path, (old, old))
    assert run.poll().stored == 1


def test_database_busy_with_another_writer_waits_then_goes_on(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    other = sqlite3.connect(db, timeout=5, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(1.0)
        other.execute("COMMIT")
        released.set()

    threading.Thread(target=release, daemon=True).start()
    started = time.monotonic()
    report = run.poll()
    assert released.is_set() and time.monotonic() - started >= 0.9
    assert report.stored == 1 and report.errors == 0
    other.close()


def test_database_locked_past_the_timeout_costs_one_round(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")], busy_timeout=0.3)
    other = sqlite3.connect(db, timeout=5, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    rounds: list[RoundReport] = []
    run.follower.run(1.0, once=True, on_round=rounds.append)
    assert rounds[0].errors == 1 and any("locked by another writer" in p for p in run.problems)
    other.execute("COMMIT")
    other.close()
    assert run.poll().stored == 1


def test_restart_resumes_from_the_database(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 2)
    server.add("/news/1", Route(500, b""))
    first = Run(db, pipeline, [Source(server.base + "/feed.xml")], retries=0)
    first.poll()
    first.store.close()
    server.add("/news/1", page(*REPORTS[1]))
    again = Run(db, pipeline, [Source(server.base + "/feed.xml")], retries=0)
    report = again.poll()
    assert (report.new_items, report.stored) == (0, 1)
    assert len(server.requests("/news/0")) == 1
    assert again.rows("SELECT count(*) FROM articles") == [(2,)]


def test_sqlite_and_postgresql_keep_the_same_state(server: FixtureServer, db_location: str, pipeline: Any) -> None:
    """The watch tables and their SQL are portable: the same rounds give the same state on both servers."""
    publish(server, 2)
    server.add("/news/1", Route(500, b""))
    run = Run(db_location, pipeline, [Source(server.base + "/feed.xml")], retries=0)
    assert run.poll().stored == 1
    run.store.close()
    server.add("/news/1", page(*REPORTS[1]))
    title, body = REPORTS[0]
    server.add("/news/0", page(title, body.replace("خمسة", "ستة")))
    server.add("/feed.xml", Route(200, rss(server.base, [("/news/0", title, LATER), ("/news/1", REPORTS[1][0], DAY)]),
                                  {"Content-Type": "application/rss+xml"}))
    again = Run(db_location, pipeline, [Source(server.base + "/feed.xml")], retries=0)
    report = again.poll()
    assert (report.new_items, report.stored) == (0, 2)
    assert again.rows("SELECT status, count(*) FROM watch_items GROUP BY status") == [("stored", 2)]
    assert again.rows("SELECT count(*) FROM watch_versions WHERE previous_article_id IS NOT NULL") == [(1,)]
    assert again.rows("SELECT count(*) FROM articles") == [(3,)]
    again.store.close()


def test_a_feed_robots_txt_disallows_is_not_fetched(server: FixtureServer, db: Path, pipeline: Any) -> None:
    publish(server, 1)
    server.add("/robots.txt", b"User-agent: Rasid\nDisallow: /feed.xml\n", "text/plain")
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    report = run.poll()
    assert (report.errors, report.stored) == (1, 0)
    assert not server.requests("/feed.xml") and any("robots.txt" in p for p in run.problems)


def test_arabic_slugs_in_links_are_fetched(server: FixtureServer, db: Path, pipeline: Any) -> None:
    from urllib.parse import quote

    slug = "/archives/قصف-على-ريف-إدلب"
    server.add(quote(slug), page(*REPORTS[0]))
    server.add("/feed.xml", Route(200, rss(server.base, [(slug, REPORTS[0][0], DAY)]), {"Content-Type": "text/xml"}))
    run = Run(db, pipeline, [Source(server.base + "/feed.xml")])
    assert run.poll().stored == 1, run.problems
    assert run.rows("SELECT link FROM watch_items") == [(server.base + slug,)]
