"""The page in a real headless Chromium (Debian's `chromium`, driven by Playwright) against `rasid serve`
over the bundled sample: map, evidence, timeline brushing, story contradictions, claim check, search,
review, language switch and hostile article text. Nothing may be fetched from outside 127.0.0.1.

Screenshots go to the pytest tmp folder `browser-shots*` (and to $RASID_SCREENSHOT_DIR when set).
Set RASID_SKIP_BROWSER=1 to skip these tests explicitly; a missing /usr/bin/chromium fails them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.web import browser_support
from tests.web.browser_support import (
    Browser,
    OfflineGuard,
    PageSession,
    Server,
    first_int,
    iso_dates,
    launch_browser,
    open_context,
    require_chromium,
    shot,
    start_server,
)
from tests.web.conftest import copy_store

HOSTILE_WORD = "زمردستان"  # a made-up place word, so search finds only the hostile report
HOSTILE_REPORT = (
    "قصف مدفعي على حي الميدان في حلب\n"
    "قالت مصادر محلية إن قذائف مدفعية سقطت على حي الميدان في مدينة حلب صباح اليوم، ما أسفر عن مقتل "
    "أربعة مدنيين <script>window.__pwned=1</script> وإصابة ستة آخرين قرب سوق " + HOSTILE_WORD + ".\n"
    "وأضافت المصادر أن القصف استمر ساعتين على الأحياء السكنية "
    '<img src="x" onerror="window.__pwned=1"> قبل أن يتوقف بعد الظهر.\n'
    "ونشر ناشطون صوراً للدمار في الحي "
    '<a href="javascript:window.__pwned=1">اضغط هنا</a> وطالبوا بوقف القصف على المدنيين.\n'
)


@pytest.fixture(scope="module")
def server(sample_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_chromium()
    folder = tmp_path_factory.mktemp("browser-server")
    db = copy_store(sample_store, folder / "sample.db")  # reviews and posted articles go to this copy
    srv = start_server(db, folder, token=secrets.token_urlsafe(24))
    try:
        yield srv
    finally:
        srv.stop()
    assert "Traceback" not in srv.output(), srv.output()[-3000:]


@pytest.fixture(scope="module")
def browser(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    shots = tmp_path_factory.mktemp("browser-shots")
    b = launch_browser(shots)
    try:
        yield b
    finally:
        b.close()
    print(f"browser screenshots in {shots}")


@pytest.fixture
def session(browser: Browser) -> Iterator[PageSession]:
    blocked_before = len(browser.guard.blocked)
    with open_context(browser) as s:
        yield s
        assert not s.errors, f"uncaught script errors in the page: {s.errors}"
    blocked = browser.guard.blocked[blocked_before:]
    assert not blocked, f"the page tried to reach outside 127.0.0.1: {blocked[:5]}"


def load(server: Server, s: PageSession, query: str = "") -> Any:
    page = s.page
    page.goto(server.url("/" + query))
    page.wait_for_selector("[data-testid=event-item]")
    page.wait_for_selector("#map .leaflet-marker-icon")
    return page


def listed_count(page: Any) -> int:
    return first_int(page.locator("[data-testid=event-count]").inner_text())


def wait_count_change(page: Any, before: int, timeout_ms: int = 15_000) -> int:
    page.wait_for_function(
        """([before]) => {
            const el = document.querySelector('[data-testid=event-count]');
            const digits = (el ? el.textContent : '').replace(/[٠-٩]/g, d => '٠١٢٣٤٥٦٧٨٩'.indexOf(d));
            const m = digits.match(/\\d[\\d,٬]*/);
            return m && Number(m[0].replace(/[,٬]/g, '')) !== before;
        }""",
        arg=[before],
        timeout=timeout_ms,
    )
    return listed_count(page)


def evidence_texts(server: Server) -> set[str]:
    """Every evidence sentence of every event the API lists (reportable or not)."""
    texts: set[str] = set()
    data = server.get_json("/api/events?all=true&limit=1000")
    for item in data["items"]:
        ev = item.get("evidence") or {}
        for part in [ev, *item.get("more_evidence", [])]:
            if part.get("text"):
                texts.add(" ".join(part["text"].split()))
    return texts


def open_first_event(page: Any, index: int = 0, *, evidence: bool = True) -> Any:
    """Click row `index` of the event list; wait for the panel (and the highlighted evidence)."""
    page.locator("[data-testid=event-item]").nth(index).click()
    panel = page.locator("[data-testid=event-panel]")
    panel.wait_for(state="visible")
    if evidence:
        page.wait_for_selector("[data-testid=evidence] mark")
    else:
        panel.locator("[data-testid=story-link], [data-testid=review-status]").first.wait_for()
    return panel


def show_tab(page: Any, testid: str, tab: str) -> None:
    """The side panel shows one tab at a time: bring up the one holding `testid`."""
    if not page.locator(f"[data-testid={testid}]").is_visible():
        page.locator(f"[data-tab={tab}]").click()
    page.locator(f"[data-testid={testid}]").wait_for(state="visible")


def test_missing_chromium_fails_unless_skipping_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser_support, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("RASID_SKIP_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="apt-get install"):
        require_chromium()
    monkeypatch.setenv("RASID_SKIP_BROWSER", "1")
    with pytest.raises(pytest.skip.Exception):
        require_chromium()


def test_offline_guard_blocks_and_records_outside_requests(browser: Browser) -> None:
    guard = OfflineGuard()
    context = browser.browser.new_context()
    try:
        context.route("**/*", guard.handle)
        page = context.new_page()
        page.goto("about:blank")
        outcome = page.evaluate(
            "() => fetch('http://rasid-offline-check.invalid/x.js').then(() => 'fetched', () => 'failed')"
        )
    finally:
        context.close()
    assert outcome == "failed"
    assert guard.blocked == ["http://rasid-offline-check.invalid/x.js"]


def test_page_loads_offline_with_markers_and_basemap(server: Server, browser: Browser, session: PageSession) -> None:
    page = load(server, session)
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    markers = page.locator("#map .leaflet-marker-icon").count()
    assert markers > 0
    # the basemap (vendored outlines) is drawn as SVG paths or on a canvas
    assert page.locator("#map path, #map canvas").count() > 0
    expected = server.get_json("/api/events?limit=1")["count"]
    assert listed_count(page) == expected
    assert page.locator("[data-testid=timeline]").evaluate("el => el.tagName.toLowerCase()") == "svg"
    shot(browser, page, "web-map-ar")


def test_clicking_a_marker_shows_the_evidence_sentence_in_the_article(
    server: Server, browser: Browser, session: PageSession
) -> None:
    page = load(server, session)
    single = page.locator("#map .leaflet-marker-icon:not(.marker-cluster)")
    for _ in range(6):  # a cluster zooms in when clicked; stop at the first single marker
        if single.count():
            break
        page.locator("#map .marker-cluster").first.click()
        page.wait_for_timeout(600)
    assert single.count(), "no single marker after zooming into clusters"
    single.first.click(force=True)
    page.locator("[data-testid=event-panel]").wait_for(state="visible")
    mark = page.locator("[data-testid=evidence] mark").first
    mark.wait_for()
    marked = " ".join(mark.inner_text().split())
    assert marked and marked in evidence_texts(server)
    whole = page.locator("[data-testid=evidence]").inner_text()
    assert len(whole) > len(marked), "the evidence is shown inside the article text"


def test_list_row_opens_event_panel(server: Server, browser: Browser, session: PageSession) -> None:
    page = load(server, session)
    panel = open_first_event(page)
    marked = " ".join(page.locator("[data-testid=evidence] mark").first.inner_text().split())
    assert marked in evidence_texts(server)
    assert panel.locator("[data-testid=story-link]").count() >= 1
    shot(browser, page, "web-event-ar")


def test_brushing_the_timeline_filters_the_list(server: Server, session: PageSession) -> None:
    page = load(server, session)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/api/events" in r.url else None)
    before = listed_count(page)
    box = page.locator("[data-testid=timeline]").bounding_box()
    assert box and box["width"] > 100
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.05, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    page.mouse.up()
    after = wait_count_change(page, before)
    assert 0 < after < before
    ranged = [parse_qs(urlsplit(u).query) for u in requests]
    ranged = [q for q in ranged if "since" in q and "until" in q]
    assert ranged, f"brushing sent no since/until to /api/events: {requests}"
    since, until = ranged[-1]["since"][0], ranged[-1]["until"][0]
    assert since <= until
    assert server.get_json(f"/api/events?since={since}&until={until}&limit=1")["count"] == after
    page.wait_for_function(
        "([n]) => document.querySelectorAll('[data-testid=event-item]').length === Math.min(n, 100) "
        "|| document.querySelectorAll('[data-testid=event-item]').length > 0",
        arg=[after],
    )
    dates = iso_dates(page.locator("[data-testid=event-list]").inner_text())
    assert dates, "the list shows the events' dates"
    assert all(since <= d <= until for d in dates), (since, until, dates)


def _contradicted(story: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in story.get("facts", []) if f.get("status") == "contradicted"]


def _holder_names(holder: str) -> list[str]:
    """A holder as the page may show it: the whole chain or its outlet part ("أورينت نت ← مصادر")."""
    return [holder, holder.split("←")[0].strip()]


def test_story_view_shows_a_contradicted_fact_with_both_holders(
    server: Server, browser: Browser, session: PageSession
) -> None:
    page = load(server, session)
    rows = page.locator("[data-testid=event-item]")
    story: dict[str, Any] | None = None
    for i in range(min(rows.count(), 20)):
        open_first_event(page, i, evidence=False)
        link = page.locator("a[data-testid=story-link]").first  # a plain span when the event is in no story
        if not link.count():
            continue
        with page.expect_response(lambda r: re.search(r"/api/stories/\d+$", urlsplit(r.url).path) is not None) as resp:
            link.click()
        candidate = resp.value.json()
        if _contradicted(candidate):
            story = candidate
            break
    assert story is not None, "no event in the list opened a story with a contradicted fact"
    view = page.locator("[data-testid=story-view]")
    view.wait_for(state="visible")
    facts = _contradicted(story)
    shown = page.locator("[data-testid=contradiction]")
    shown.first.wait_for()
    assert shown.count() == len(facts)
    texts = [shown.nth(i).inner_text() for i in range(shown.count())]
    both = False
    for fact in facts:
        values = fact["values"]
        for a in values:
            for b in values:
                if a is b:
                    continue
                for ha in a["holders"]:
                    for hb in b["holders"]:
                        names_a, names_b = _holder_names(ha), _holder_names(hb)
                        if names_a[1] == names_b[1]:
                            continue
                        both = both or any(
                            any(n in t for n in names_a) and any(n in t for n in names_b) for t in texts
                        )
    assert both, f"no contradiction lists holders of two values: {texts}"
    view.scroll_into_view_if_needed()
    shot(browser, page, "web-story-ar")


def test_claim_check_shows_verdict_and_passages(server: Server, session: PageSession) -> None:
    page = load(server, session)
    show_tab(page, "claim-input", "claim")
    page.locator("[data-testid=claim-input]").fill("قتل الطيران الروسي ثلاثة عشر مدنيا في سوق مدينة بنش")
    page.locator("[data-testid=claim-submit]").click()
    verdict = page.locator("[data-testid=claim-verdict]")
    verdict.wait_for(state="visible", timeout=60_000)
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=claim-verdict]').textContent || '').trim().length > 0",
        timeout=60_000,
    )
    page.locator("[data-testid=claim-passage]").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid=claim-passage]").count() >= 1
    assert "بنش" in page.locator("[data-testid=claim-passage]").all_inner_texts()[0] or any(
        "بنش" in t for t in page.locator("[data-testid=claim-passage]").all_inner_texts()
    )


def test_search_shows_highlighted_results(server: Server, session: PageSession) -> None:
    page = load(server, session)
    box = page.locator("[data-testid=search-input]")
    box.fill("باب النيرب")
    box.press("Enter")
    results = page.locator("[data-testid=search-results]")
    results.locator("mark").first.wait_for()
    assert "النيرب" in results.inner_text()
    expected = server.get_json("/api/search?q=" + quote("باب النيرب") + "&limit=1")
    assert expected["items"], "the API finds the phrase too"


def test_language_switch_to_english(server: Server, browser: Browser, session: PageSession) -> None:
    page = load(server, session)
    open_first_event(page)
    arabic_ui = page.locator("body").inner_text()
    page.locator("[data-testid=lang-toggle]").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("html").get_attribute("dir") == "ltr"
    english_ui = page.locator("body").inner_text()
    assert english_ui != arabic_ui
    assert re.search(r"\b(Events|events|Search|Timeline|Map)\b", english_ui), english_ui[:500]
    page.wait_for_timeout(300)
    shot(browser, page, "web-event-en")
    page.locator("[data-testid=lang-toggle]").click()
    page.wait_for_function("() => document.documentElement.lang === 'ar' && document.dir === 'rtl'")


def test_type_filter_narrows_map_and_list(server: Server, session: PageSession) -> None:
    page = load(server, session)
    before = listed_count(page)
    types = server.get_json("/api/meta")["event_types"]
    counts = {t: server.get_json("/api/events?limit=1&type=" + quote(t))["count"] for t in types}
    chosen = min((t for t in types if 0 < counts[t] < before), key=lambda t: counts[t])
    page.locator("[data-testid=filter-type]").select_option(chosen)
    after = wait_count_change(page, before)
    assert after == counts[chosen]
    assert "type=" in page.url, "the URL keeps the filter"
    rows = page.locator("[data-testid=event-item]")
    assert 0 < rows.count() <= after


def test_review_with_a_wrong_token_is_refused_and_shown(server: Server, session: PageSession) -> None:
    page = load(server, session)
    page.locator("[data-testid=token-input]").fill("not-the-token")
    page.locator("[data-testid=token-input]").press("Enter")
    open_first_event(page, 1)
    reject = page.locator("[data-testid=review-reject]")
    reject.wait_for(state="visible")
    with page.expect_response(lambda r: r.request.method == "POST" and "/review" in r.url) as resp:
        reject.click()
    assert resp.value.status in (401, 403)
    event_id = urlsplit(resp.value.url).path.split("/")[-2]
    message = page.locator("[data-testid=message]")
    message.wait_for(state="visible")
    assert str(resp.value.status) in message.inner_text()
    assert server.get_json(f"/api/events/{quote(event_id)}")["review"] is None


def test_review_with_token_confirms_an_event(server: Server, session: PageSession) -> None:
    page = load(server, session)
    page.locator("[data-testid=token-input]").fill(server.token)
    page.locator("[data-testid=token-input]").press("Enter")
    open_first_event(page)
    confirm = page.locator("[data-testid=review-confirm]")
    confirm.wait_for(state="visible")
    with page.expect_response(lambda r: r.request.method == "POST" and "/review" in r.url) as resp:
        confirm.click()
    assert resp.value.status == 200, resp.value.text()
    event_id = urlsplit(resp.value.url).path.split("/")[-2]
    status = page.locator("[data-testid=review-status]")
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=review-status]') || {}).textContent?.trim().length > 0"
    )
    assert status.inner_text().strip()
    record = server.get_json(f"/api/events/{quote(event_id)}")
    assert record["review"]["status"] == "confirmed"
    assert record["reviews"], "the history holds the review"
    reviewed = server.get_json("/api/events?reviewed=true&limit=10")
    assert event_id in [item["id"] for item in reviewed["items"]]


def test_hostile_article_text_runs_nothing(server: Server, session: PageSession) -> None:
    stored = server.post_json(
        "/api/articles",
        {
            "text": HOSTILE_REPORT,
            "title": "قصف مدفعي على حي الميدان في حلب <script>window.__pwned=1</script>",
            "source": "أورينت نت",
            "published": "2024-12-01",
            "url": "javascript:window.__pwned=1",
        },
    )
    assert stored["stored"], stored
    article_id = stored["stored"][0]
    page = session.page
    page.goto(server.url("/"))
    page.wait_for_selector("[data-testid=event-item]")
    box = page.locator("[data-testid=search-input]")
    box.fill(HOSTILE_WORD)
    box.press("Enter")
    results = page.locator("[data-testid=search-results]")
    results.locator("mark").first.wait_for()
    events = server.get_json(f"/api/events?article={article_id}&all=true")["items"]
    assert events, "the hostile report yields an event to open"
    page.goto(server.url("/?ev=" + quote(events[0]["id"])))  # the page opens the event named in the URL
    page.wait_for_selector("[data-testid=evidence] mark")
    article_text = page.locator("[data-testid=evidence]").inner_text()
    assert "<script>window.__pwned=1</script>" in article_text
    assert 'onerror="window.__pwned=1"' in article_text
    page.wait_for_timeout(300)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.locator("[data-testid=evidence] img, [data-testid=search-results] img").count() == 0


def test_bench_page_timing_reads_a_loaded_page(server: Server, tmp_path: Path) -> None:
    from rasid.web.loadcheck import page_load_seconds

    # a thread of its own: this module's Playwright already runs an event loop in the main thread
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(page_load_seconds, server.base_url, screenshot=str(tmp_path / "page.png")).result()
    assert 0 < result["first_load_s"] < 60
    assert result["points_response_s"] is not None and result["points_response_s"] <= result["first_load_s"]
    assert result["marker_icons"] > 0
    assert (tmp_path / "page.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_all_events_filter_lists_non_incidents_and_says_why(server: Server, session: PageSession) -> None:
    page = load(server, session)
    before = listed_count(page)
    everything = server.get_json("/api/events?all=true&limit=1000")
    special = [item for item in everything["items"] if item.get("special")]
    assert special and everything["count"] > before
    page.locator("[data-testid=filter-all]").select_option("true")
    assert wait_count_change(page, before) == everything["count"]
    assert "all=true" in page.url
    row = page.locator(f"[data-testid=event-item][data-id='{special[0]['id']}']")
    if row.count() == 0:  # not on the list's first page: open it by its link instead
        page.goto(server.url(f"/?all=true&ev={special[0]['id']}"))
    else:
        row.click()
    panel = page.locator("[data-testid=event-panel]")
    panel.wait_for(state="visible")
    i18n = server.get_json("/static/i18n.json")["ar"]
    reason = special[0]["special"][0].split(":")[0]
    expected = i18n.get(f"special_{reason}", reason)
    page.wait_for_function(
        "([label, reason]) => { const p = document.querySelector('[data-testid=event-panel]');"
        " return p && p.textContent.includes(label) && p.textContent.includes(reason); }",
        arg=[i18n["special"], expected],
        timeout=15_000,
    )


def test_changes_panel_shows_what_changed_since(server: Server, session: PageSession) -> None:
    # A correction made now (a toll set to 99) is the newest change; the panel lists it first.
    event = server.get_json("/api/events?limit=1")["items"][0]
    server.post_json(f"/api/events/{quote(event['id'])}/review", {"action": "correct", "changes": {"killed": 99}})
    newest = server.get_json("/api/changes?order=desc&limit=1")["items"][0]
    assert (newest["kind"], newest["event"], newest["after"]["fatalities"]) == ("event_changed", event["id"], 99)
    page = load(server, session)
    show_tab(page, "changes-list", "changes")
    first = page.locator("[data-testid=change-item]").first
    first.wait_for()
    assert first.get_attribute("data-kind") == "event_changed"
    assert "99" in first.inner_text()
    assert page.locator("[data-testid=change-item]").count() > 1  # the analysis of the sample, below it
    first.locator("a").click()  # opens the event
    page.locator("[data-testid=event-panel]").wait_for(state="visible")
    page.wait_for_function("() => new URLSearchParams(location.search).get('ev') !== null")
    assert parse_qs(urlsplit(page.url).query)["ev"] == [event["id"]]
