"""Feed and sitemap parsing: every kind read into items; broken or hostile XML is a FeedError, never a crash."""

from __future__ import annotations

import datetime as dt

import pytest

from rasid.watch.feeds import FeedError, parse_date, parse_feed

BASE = "http://news.example/feed"


def test_rss_items_are_absolute_dated_and_unique() -> None:
    body = (
        "<rss version='2.0'><channel><item><title>قصف</title><link>/a/1#top</link>"
        "<pubDate>Mon, 03 Aug 2015 10:00:00 GMT</pubDate></item>"
        "<item><title>مكرر</title><link>http://news.example/a/1</link></item>"
        "<item><guid>http://news.example/a/2</guid></item><item><link>mailto:x@y</link></item></channel></rss>"
    ).encode()
    parsed = parse_feed(body, BASE)
    assert parsed.kind == "rss"
    assert [i.link for i in parsed.items] == ["http://news.example/a/1", "http://news.example/a/2"]
    assert parsed.items[0].published == dt.date(2015, 8, 3) and parsed.items[0].title == "قصف"


def test_atom_rdf_sitemap_and_index() -> None:
    atom = (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>tag:x</id><link rel='alternate' href='/b'/>"
            b"<updated>2016-01-02T08:00:00Z</updated></entry></feed>")
    parsed = parse_feed(atom, BASE)
    assert parsed.kind == "atom" and parsed.items[0].link == "http://news.example/b"
    assert parsed.items[0].stamp == "2016-01-02T08:00:00Z"
    rdf = (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/'>"
           b"<channel/><item rdf:about='http://news.example/c'><title>t</title></item></rdf:RDF>")
    assert parse_feed(rdf, BASE).items[0].link == "http://news.example/c"
    sitemap = ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
               "xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url><loc>http://news.example/d</loc>"
               "<lastmod>2024-03-01</lastmod><news:news><news:publication_date>2024-02-29</news:publication_date>"
               "<news:title>عنوان</news:title></news:news></url></urlset>").encode()
    item = parse_feed(sitemap, BASE).items[0]
    assert (item.link, item.published, item.title, item.stamp) == ("http://news.example/d", dt.date(2024, 2, 29), "عنوان", "2024-03-01")
    index = (b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap><loc>/s1.xml</loc>"
             b"<lastmod>2024-03-01</lastmod></sitemap></sitemapindex>")
    parsed = parse_feed(index, BASE)
    assert parsed.kind == "sitemapindex" and parsed.children[0].link == "http://news.example/s1.xml"


def test_malformed_xml_is_recovered_or_refused() -> None:
    partly = b"<rss><channel><item><title>x &bad; y</title><link>http://news.example/e</link></item><item><title>cut"
    parsed = parse_feed(partly, BASE)
    assert [i.link for i in parsed.items] == ["http://news.example/e"] and "malformed XML" in parsed.warnings[0]
    for broken in (b"<<< not xml at all", b"", b"<html><body>a page, not a feed</body></html>"):
        with pytest.raises(FeedError):
            parse_feed(broken, BASE)


def test_entities_are_not_expanded() -> None:
    bomb = (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
            b"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><rss><channel><item><title>&c;</title>"
            b"<link>http://news.example/f</link></item></channel></rss>")
    parsed = parse_feed(bomb, BASE)
    assert all(len(i.title or "") < 100 for i in parsed.items)
    external = (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                b"<rss><channel><item><title>&x;</title><link>http://news.example/g</link></item></channel></rss>")
    assert all("root:" not in (i.title or "") for i in parse_feed(external, BASE).items)


def test_dates() -> None:
    assert parse_date("Tue, 04 Aug 2015 23:10:00 +0300") == dt.date(2015, 8, 4)
    assert parse_date("2019-05-06T01:02:03+03:00") == dt.date(2019, 5, 6)
    assert parse_date("yesterday") is None and parse_date(None) is None
