"""Read RSS 2.0, RSS 1.0 (RDF), Atom, sitemaps and sitemap indexes into one list of items.

XML is parsed by lxml (already installed for trafilatura) with a hardened parser: no DTD, no
entity expansion, no network, no huge trees, so a hostile feed cannot expand or fetch anything.
Broken XML is read in lxml's recovery mode when that still yields items (a warning says so, as
feedparser's "bozo" flag does); XML that yields nothing is a `FeedError` for that source.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

MAX_ITEMS = 50_000  # a sitemap holds at most 50,000 URLs (sitemaps.org)


class FeedError(Exception):
    """A feed or sitemap that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class FeedItem:
    """One article a feed or sitemap lists."""

    key: str  # what identifies it across polls: its link (without fragment), else its guid
    link: str
    title: str | None = None
    published: dt.date | None = None
    stamp: str | None = None  # when the feed says it last changed (Atom updated, sitemap lastmod)


@dataclass(frozen=True)
class ParsedFeed:
    kind: str  # rss | atom | rdf | sitemap | sitemapindex
    items: tuple[FeedItem, ...] = ()
    children: tuple[FeedItem, ...] = ()  # a sitemap index's sitemaps (link + lastmod)
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True, recover=recover,
    )


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in el if _local(c) == name)


def _text(el: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in _children(el, name):
            value = "".join(child.itertext()).strip()
            if value:
                return value
    return None


def parse_date(value: str | None) -> dt.date | None:
    """An RSS (RFC 822) or ISO 8601 date; None when there is none or it cannot be read."""
    if not value:
        return None
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.date() if parsed is not None else None


def _web_link(base: str, value: str | None) -> str | None:
    if not value:
        return None
    link = urljoin(base, value.strip()).split("#", 1)[0]
    return link if urlsplit(link).scheme in ("http", "https") else None


def _item(base: str, link: str | None, guid: str | None, title: str | None, published: str | None,
          stamp: str | None) -> FeedItem | None:
    web = _web_link(base, link) or _web_link(base, guid)
    if web is None:
        return None
    return FeedItem(key=web, link=web, title=title, published=parse_date(published), stamp=stamp or published)


def _rss_items(base: str, container: etree._Element) -> Iterator[FeedItem]:
    for el in _children(container, "item"):
        about = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        published = _text(el, "pubdate", "date", "published")
        item = _item(base, _text(el, "link") or about, _text(el, "guid"), _text(el, "title"), published,
                     _text(el, "updated", "modified"))
        if item is not None:
            yield item


def _atom_link(el: etree._Element) -> str | None:
    fallback = None
    for link in _children(el, "link"):
        rel = link.get("rel", "alternate")
        if rel == "alternate" and link.get("href"):
            return link.get("href")
        fallback = fallback or link.get("href")
    return fallback


def _atom_items(base: str, root: etree._Element) -> Iterator[FeedItem]:
    for el in _children(root, "entry"):
        item = _item(base, _atom_link(el), _text(el, "id"), _text(el, "title"), _text(el, "published", "updated"),
                     _text(el, "updated"))
        if item is not None:
            yield item


def _sitemap_items(base: str, root: etree._Element, entry: str) -> Iterator[FeedItem]:
    for el in _children(root, entry):
        news = next(_children(el, "news"), None)
        title = _text(news, "title") if news is not None else None
        published = _text(news, "publication_date") if news is not None else None
        lastmod = _text(el, "lastmod")
        item = _item(base, _text(el, "loc"), None, title, published or lastmod, lastmod)
        if item is not None:
            yield item


def _bounded(items: Iterator[FeedItem]) -> tuple[FeedItem, ...]:
    out: dict[str, FeedItem] = {}
    for item in items:
        out.setdefault(item.key, item)  # a feed listing one link twice gives one item
        if len(out) >= MAX_ITEMS:
            break
    return tuple(out.values())


def _read(root: etree._Element, base: str, warnings: tuple[str, ...]) -> ParsedFeed:
    kind = _local(root)
    if kind == "rss":
        channel = next(_children(root, "channel"), root)
        return ParsedFeed("rss", _bounded(_rss_items(base, channel)), warnings=warnings)
    if kind == "rdf":
        channel = next(_children(root, "channel"), None)
        items = _bounded(_rss_items(base, root)) or (_bounded(_rss_items(base, channel)) if channel is not None else ())
        return ParsedFeed("rdf", items, warnings=warnings)
    if kind == "feed":
        return ParsedFeed("atom", _bounded(_atom_items(base, root)), warnings=warnings)
    if kind == "urlset":
        return ParsedFeed("sitemap", _bounded(_sitemap_items(base, root, "url")), warnings=warnings)
    if kind == "sitemapindex":
        return ParsedFeed("sitemapindex", children=_bounded(_sitemap_items(base, root, "sitemap")), warnings=warnings)
    raise FeedError(f"not a feed or sitemap (the document is <{kind or '?'}>); check the URL")


def parse_feed(body: bytes, base: str) -> ParsedFeed:
    """The items of a feed or sitemap document fetched from `base` (links are made absolute)."""
    if not body.strip():
        raise FeedError("empty document; the feed may be down")
    try:
        root = etree.fromstring(body, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        problem = f"malformed XML ({exc.msg})"
        try:
            root = etree.fromstring(body, _parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise FeedError(f"{problem}; nothing could be read, ask the outlet or drop the source") from None
        parsed = _read(root, base, (f"{problem}; read what could be recovered",))
        if not parsed.items and not parsed.children:
            raise FeedError(f"{problem}; nothing could be read, ask the outlet or drop the source") from None
        return parsed
    if root is None:
        raise FeedError("no XML document; check the URL")
    return _read(root, base, ())
