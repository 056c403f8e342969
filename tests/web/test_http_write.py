"""HTTP writes: the token, posted articles (single, batch, HTML, all or nothing, size), reviews."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import TOKEN

REPORT = (
    "غارات على معرة النعمان\n"
    "قالت مصادر محلية إن طائرات حربية شنت صباح اليوم الأربعاء غارات على سوق مدينة معرة النعمان"
    " جنوب إدلب، ما أدى إلى مقتل خمسة مدنيين بينهم طفلان وإصابة عشرة آخرين بجروح.\n"
)
SECOND = (
    "اشتباكات في ريف حماة الشمالي\n"
    "دارت اشتباكات عنيفة مساء أمس الثلاثاء بين فصائل المعارضة وقوات النظام على أطراف بلدة كفرنبودة"
    " في ريف حماة الشمالي، وقتل فيها أربعة عناصر من قوات النظام بحسب ناشطين.\n"
)
HOSTILE = (
    "انفجار في مدينة الباب <script>alert('x')</script>\n"
    "قال ناشطون إن عبوة ناسفة انفجرت في سوق مدينة الباب شرق حلب صباح اليوم، ما أدى إلى مقتل ثلاثة مدنيين،"
    ' <a href="javascript:alert(1)">اضغط هنا</a> <img src=x onerror=alert(2)>.\n'
)
PAGE = (
    "<html><head><title>قصف على جسر الشغور</title><script>window.evil = 1</script></head><body>"
    "<nav>الرئيسية | أخبار | اتصل بنا</nav><article><h1>قصف على جسر الشغور</h1>"
    "<p>قالت مصادر محلية إن قوات النظام قصفت بالمدفعية الثقيلة صباح اليوم الخميس أحياء مدينة جسر الشغور"
    " غرب إدلب، ما أدى إلى مقتل مدنيين اثنين وإصابة ستة آخرين، بينهم امرأة وطفل.</p>"
    "<p>وأضافت المصادر أن القصف تسبب بدمار واسع في المنازل والمحال التجارية وسط المدينة.</p></article>"
    "<footer>جميع الحقوق محفوظة</footer></body></html>"
)


def events_count(api: TestClient) -> int:
    return int(api.get("/api/meta").json()["articles"])


def test_writes_need_the_token(writable_api: TestClient, read_only_api: TestClient) -> None:
    body = {"text": REPORT}
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong-token-0000000000"},
                    {"Authorization": f"Basic {TOKEN}"}, {"Authorization": f"Bearer {TOKEN}x"}):  # fmt: skip
        response = writable_api.post("/api/articles", json=body, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
    response = writable_api.post("/api/events/1-0/review", json={"action": "confirm"}, headers={"Authorization": ""})
    assert response.status_code == 401
    # A server without a token refuses every write, whatever is sent.
    for url, payload in (("/api/articles", body), ("/api/events/1-0/review", {"action": "confirm"})):
        response = read_only_api.post(url, json=payload, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 403
        assert "read-only" in response.json()["error"]["message"]


def test_post_one_article_is_analysed_stored_and_grouped(writable_api: TestClient) -> None:
    before = events_count(writable_api)
    response = writable_api.post("/api/articles", json={"text": REPORT, "source": "عنب بلدي", "published": "2019-05-22"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["stored"]) == 1 and body["duplicates"] == [] and len(body["stories"]) == 1
    article_id = body["stored"][0]
    assert events_count(writable_api) == before + 1
    article = writable_api.get(f"/api/articles/{article_id}").json()
    assert article["published"] == "2019-05-22" and "معرة النعمان" in article["text"]
    events = writable_api.get(f"/api/events?article={article_id}&all=true").json()["items"]
    assert events and events[0]["location"]["name"]
    # The same text again is a duplicate: nothing stored.
    again = writable_api.post("/api/articles", json={"text": REPORT}).json()
    assert again["stored"] == [] and again["duplicates"] == [{"index": 0, "article": article_id, "same_as_index": None}]


def test_post_a_batch_and_html(writable_api: TestClient) -> None:
    response = writable_api.post("/api/articles", json={"articles": [{"text": SECOND}, {"html": PAGE, "url": "https://example.org/a"}]})
    assert response.status_code == 200, response.text
    stored = response.json()["stored"]
    assert len(stored) == 2
    page = writable_api.get(f"/api/articles/{stored[1]}").json()
    assert "جسر الشغور" in page["text"] and "window.evil" not in page["text"] and "الرئيسية" not in page["text"]
    assert page["url"] == "https://example.org/a"


def test_a_bad_item_stores_nothing_of_the_batch(writable_api: TestClient) -> None:
    before = events_count(writable_api)
    fresh = SECOND.replace("أربعة", "ستة")
    bad = [{"text": fresh}, {"html": "<html><body><p>قصير</p></body></html>"}]
    response = writable_api.post("/api/articles", json={"articles": bad})
    assert response.status_code == 422
    assert "article 1" in response.json()["error"]["message"]
    assert events_count(writable_api) == before


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": ""}, {"text": "   "}, {"title": "بلا نص"}, {"text": REPORT, "html": PAGE}, {"text": 5},
     {"articles": []}, {"articles": [{"text": "نص"}] * 201}, {"text": REPORT, "published": "2019-02-30"}, []],
)  # fmt: skip
def test_missing_or_bad_fields_are_422(writable_api: TestClient, payload: Any) -> None:
    response = writable_api.post("/api/articles", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["status"] == 422


def test_broken_json_is_400(writable_api: TestClient) -> None:
    response = writable_api.post("/api/articles", content=b'{"text": "abc', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_oversized_bodies_are_413(writable_api: TestClient) -> None:
    big = json.dumps({"text": "قصف " * 20_000}).encode()  # over the fixture's 64 KiB
    response = writable_api.post("/api/articles", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413

    def chunks() -> Any:  # no Content-Length: the bound is applied while the body arrives
        for _ in range(20):
            yield b" " * 8192

    response = writable_api.post("/api/articles", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_markup_in_a_posted_article_comes_back_only_as_text(writable_api: TestClient) -> None:
    response = writable_api.post("/api/articles", json={"text": HOSTILE, "source": "ناشطون"})
    assert response.status_code == 200, response.text
    article_id = response.json()["stored"][0]
    reply = writable_api.get(f"/api/articles/{article_id}")
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert b"<" not in reply.content and b">" not in reply.content  # every < > & is a \\u escape
    body = reply.json()
    assert "<script>alert('x')</script>" in body["title"] + body["text"]
    assert 'href="javascript:alert(1)"' in body["text"]
    found = writable_api.get("/api/search?q=عبوة ناسفة الباب").json()["items"]
    assert any(hit["article"]["id"] == article_id for hit in found)
    assert b"<script" not in writable_api.get("/api/search?q=عبوة ناسفة الباب").content


def test_review_round_trip(writable_api: TestClient) -> None:
    event = writable_api.get("/api/events?article=1").json()["items"][0]
    event_id = event["id"]
    confirmed = writable_api.post(f"/api/events/{event_id}/review", json={"action": "confirm", "reviewer": "ليلى", "note": "مطابق"})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["review"]["status"] == "confirmed"
    corrected = writable_api.post(
        f"/api/events/{event_id}/review",
        json={"action": "correct", "changes": {"killed": 14, "date": "2019-09-15"}, "reviewer": "ليلى", "note": "الرقم الصحيح"},
    )
    assert corrected.status_code == 200, corrected.text
    record = corrected.json()
    assert record["review"]["status"] == "corrected" and record["killed"]["total"] == 14 and record["date"] == "2019-09-15"
    assert len(record["reviews"]) == 2
    again = writable_api.get(f"/api/events/{event_id}").json()
    assert again["killed"]["total"] == 14 and [r["reviewer"] for r in again["reviews"]] == ["ليلى", "ليلى"]
    reviewed = writable_api.get("/api/events?reviewed=true&limit=1000").json()["items"]
    assert [e["id"] for e in reviewed] == [event_id]
    listing = writable_api.get("/api/reviews").json()
    assert listing["count"] == 2 and {r["action"] for r in listing["items"]} == {"confirm", "correct"}
    lines = writable_api.get("/api/reviews?format=jsonl").text.splitlines()
    assert lines and all(json.loads(line) for line in lines)
    rejected = writable_api.post(f"/api/events/{event_id}/review", json={"action": "reject"})
    assert rejected.json()["review"]["status"] == "rejected"
    assert event_id not in {e["id"] for e in writable_api.get("/api/events?limit=1000").json()["items"]}
    assert event_id in {e["id"] for e in writable_api.get("/api/events?limit=1000&all=true").json()["items"]}


@pytest.mark.parametrize(
    "event_id, payload, status",
    [("999-0", {"action": "confirm"}, 404), ("bad", {"action": "confirm"}, 404), ("1-0", {"action": "approve"}, 422),
     ("1-0", {"action": "correct", "changes": {"colour": "red"}}, 422), ("1-0", {"action": "correct", "changes": {"date": "soon"}}, 422),
     ("1-0", {"action": "confirm", "changes": {"killed": 3}}, 422), ("1-0", {}, 422), ("1-0", {"action": "confirm", "note": "x" * 5000}, 422)],
)  # fmt: skip
def test_bad_reviews(writable_api: TestClient, event_id: str, payload: dict[str, Any], status: int) -> None:
    response = writable_api.post(f"/api/events/{event_id}/review", json=payload)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]
