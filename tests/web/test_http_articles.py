"""HTTP: articles with annotations, search with highlights, entities, places, stories, claim check."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def walk(api: TestClient, url: str | None) -> list[dict[str, Any]]:
    """Every item of a paged list, following `next` to the end."""
    items: list[dict[str, Any]] = []
    while url:
        body = api.get(url).json()
        items += body["items"]
        url = body["next"]
    return items


def test_articles_paged_and_by_outlet(api: TestClient) -> None:
    everything = walk(api, "/api/articles?limit=4")
    assert len(everything) == 26
    assert [a["id"] for a in everything] == sorted({a["id"] for a in everything})
    orient = walk(api, "/api/articles?outlet=أورينت نت&limit=2")
    assert orient and len(orient) < 26 and all(a["source"] == "أورينت نت" for a in orient)
    assert api.get("/api/articles?limit=26").json()["next"] is None


def test_article_has_text_and_annotation_spans(api: TestClient) -> None:
    body = api.get("/api/articles/1").json()
    text = body["text"]
    assert body["id"] == 1 and body["title"] and text
    notes = body["annotations"]
    assert notes["entities"] and notes["events"] and notes["numbers"] and notes["dates"] is not None
    for span in notes["entities"] + notes["numbers"] + notes["dates"]:
        assert text[span["start"] : span["end"]] == span["text"]
    event = notes["events"][0]
    assert event["id"] == "1-0"
    start, end = event["spans"]["evidence"][0]
    assert 0 <= start < end <= len(text)


def test_unknown_article_and_bad_ids(api: TestClient) -> None:
    assert api.get("/api/articles/9999").status_code == 404
    assert api.get("/api/articles/abc").status_code == 400
    assert api.get("/api/articles?cursor=%%%").status_code == 400


def test_search_highlights_are_offsets_into_the_snippet(api: TestClient) -> None:
    body = api.get("/api/search?q=حلب&limit=3").json()
    assert body["items"] and body["next"]
    for hit in body["items"]:
        assert hit["score"] > 0 and hit["article"]["id"]
        assert hit["highlights"]
        for start, end in hit["highlights"]:
            assert "حلب" in hit["snippet"][start:end]
    scores = [h["score"] for h in body["items"]]
    assert scores == sorted(scores, reverse=True)


def test_search_pages_do_not_repeat(api: TestClient) -> None:
    paged = walk(api, "/api/search?q=حلب&limit=2")
    whole = api.get("/api/search?q=حلب&limit=100").json()["items"]
    assert [h["article"]["id"] for h in paged] == [h["article"]["id"] for h in whole]


def test_search_validation(api: TestClient) -> None:
    assert api.get("/api/search").status_code == 400
    assert api.get("/api/search?q=").status_code == 400
    assert api.get("/api/search?q=حلب&limit=101").status_code == 400
    assert api.get("/api/search?q=كلمةلاتوجد").json()["items"] == []


def test_entities_by_type_and_paged(api: TestClient) -> None:
    everything = walk(api, "/api/entities?limit=25")
    keys = [(e["type"], e["key"]) for e in everything]
    assert len(keys) == len(set(keys)) > 25
    counts = [e["mentions"] for e in everything]
    assert counts == sorted(counts, reverse=True)
    places = walk(api, "/api/entities?type=place&limit=50")
    assert places and all(e["type"] == "place" for e in places)
    aleppo = next(e for e in places if e["id"] == "gn-170063")
    assert aleppo["name"] == "حلب" and aleppo["linked"]
    assert api.get("/api/entities?type=weapon").status_code == 400


def test_places_in_a_bbox(api: TestClient) -> None:
    places = api.get("/api/places?bbox=37.0,36.1,37.3,36.3").json()["places"]
    assert places and any(p[0] == "gn-170063" for p in places)
    for _id, _ar, _en, lat, lon, _kind in places:
        assert 37.0 <= lon <= 37.3 and 36.1 <= lat <= 36.3
    assert len(api.get("/api/places?limit=10").json()["places"]) == 10
    assert api.get("/api/places?bbox=200,0,210,10").status_code == 400


def test_stories_paged_and_one_story(api: TestClient) -> None:
    stories = walk(api, "/api/stories?limit=3")
    assert len(stories) == len({s["id"] for s in stories}) >= 4
    story = api.get(f"/api/stories/{stories[0]['id']}").json()
    assert {"articles", "facts", "outlets"} <= set(story)
    assert api.get("/api/stories/99999").status_code == 404


def test_a_story_with_a_contradicted_fact_names_its_holders(api: TestClient) -> None:
    stories = walk(api, "/api/stories?limit=100")
    found = []
    for s in stories:
        facts = api.get(f"/api/stories/{s['id']}").json()["facts"]
        found += [f for f in facts if f["status"] == "contradicted"]
    assert found
    outlets = {c["outlet"] for c in found[0]["claims"]}
    assert len(outlets) >= 2


def test_check_a_claim(api: TestClient) -> None:
    response = api.post("/api/check", json={"claim": "قتل مدنيون في قصف على سوق بنش في ريف إدلب"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] in ("supported", "refuted", "conflicting", "not_enough_evidence")
    assert body["explanation_en"] and isinstance(body["evidence"], list)
    assert any(e["passage"] for e in body["evidence"])


@pytest.mark.parametrize(
    "payload, status",
    [({"claim": "Russian forces left Aleppo"}, 422), ({"claim": "   "}, 422), ({}, 422),
     ({"claim": "انسحبت القوات من حلب", "as_of": "2020-13-01"}, 422), ({"claim": "ا" * 2001}, 422),
     ({"claim": "انسحبت القوات من حلب", "limit": 0}, 422)],
)  # fmt: skip
def test_check_refuses_bad_claims(api: TestClient, payload: dict[str, Any], status: int) -> None:
    response = api.post("/api/check", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]


def test_check_with_broken_json_is_400(api: TestClient) -> None:
    response = api.post("/api/check", content=b'{"claim": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_check_is_bounded_in_time(sample_store: Any) -> None:
    from rasid.web.app import create_app

    with TestClient(create_app(str(sample_store), check_timeout=0.001)) as client:
        response = client.post("/api/check", json={"claim": "قتل مدنيون في قصف على سوق بنش في ريف إدلب"})
    assert response.status_code == 503
    assert response.json()["error"]["message"]


def test_contradictions_across_stories_name_both_holders(api: TestClient) -> None:
    found = walk(api, "/api/contradictions?limit=1")
    assert found
    for item in found:
        assert item["story"]["id"] and item["contradicted"]
        for fact in item["contradicted"]:
            values = fact["values"]
            assert len(values) >= 2 and all(v["holders"] for v in values)
    story = api.get(f"/api/stories/{found[0]['story']['id']}").json()
    assert [f["fact"] for f in story["facts"] if f["status"] == "contradicted"] == [
        f["fact"] for f in found[0]["contradicted"]
    ]
    assert api.get("/api/contradictions?limit=21").status_code == 400
    assert api.get("/api/contradictions?cursor=zzz").status_code == 400
