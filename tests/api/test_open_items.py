"""The batch, item and snapshot routes over HTTP on a real server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from kleinkasso.api.operations import claim_key, request_digest
from kleinkasso.daily import daily_run
from kleinkasso.store.check import check_invariants
from kleinkasso.store.schema import outbox
from tests.api.conftest import FIRST, NOW, SECOND, Api, item


def test_missing_key_is_401(api: Api) -> None:
    import httpx

    for headers in ({}, {"Authorization": "Bearer kk_wrong"}, {"Authorization": "x"}):
        response = httpx.get(f"{api.base_url}/v1/cases", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 401


def test_read_key_cannot_write(api: Api) -> None:
    with api.client("reader") as client:
        response = client.post("/v1/open-items", json={"items": [item("R1")]})
        assert response.status_code == 403
        assert client.get("/v1/cases").status_code == 200


def test_batch_reports_each_item(api: Api) -> None:
    items = [
        item("R1"),
        item("R2", amount_cents=1.5),
        item("R1"),
        item("R3", due_date="27.08.2026", disputed="no"),
    ]
    with api.client() as client:
        response = client.post("/v1/open-items", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["item_ref"] for r in results] == ["R1", "R2", "R1", "R3"]
    assert [r["status"] for r in results] == [
        "created",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert results[1]["errors"][0]["field"] == "amount_cents"
    assert results[1]["errors"][0]["value"] == "1.5"
    assert {e["field"] for e in results[3]["errors"]} == {"due_date", "disputed"}


def test_batch_amendment_and_repeat(api: Api) -> None:
    with api.client() as client:
        client.post("/v1/open-items", json={"items": [item("R1"), item("R2")]})
        again = client.post(
            "/v1/open-items",
            json={"items": [item("R1"), item("R2", amount_cents=500)]},
        ).json()["results"]
        stored = client.get("/v1/open-items/R2").json()
    assert [r["status"] for r in again] == ["unchanged", "amended"]
    assert stored["amount_cents"] == 500
    assert stored["state"] == "waiting"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"items": 3}', b'{"items": [1, "x"]}'],
    ids=["text", "array", "items-number", "items-not-objects"],
)
def test_unusable_batch_is_422_or_rejected(api: Api, body: bytes) -> None:
    with api.client() as client:
        response = client.post(
            "/v1/open-items",
            content=body,
            headers={"content-type": "application/json"},
        )
    if body.startswith(b'{"items": ['):
        assert response.status_code == 200
        assert all(r["status"] == "rejected" for r in response.json()["results"])
    else:
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"


def test_too_many_items_is_422(api: Api) -> None:
    with api.client() as client:
        response = client.post(
            "/v1/open-items", json={"items": [{"item_ref": "x"}] * 10_001}
        )
    assert response.status_code == 422
    assert "10000" in response.json()["detail"]


def test_body_too_large_is_413(api: Api) -> None:
    with api.client() as client:
        response = client.post(
            "/v1/open-items",
            content=b" " * (16 * 1024 * 1024 + 1),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_ten_thousand_items_twice(api: Api) -> None:
    items = [item(f"B{n:05d}", customer=f"K{n % 3000}") for n in range(10_000)]
    with api.client() as client:
        first = client.post("/v1/open-items", json={"items": items})
        second = client.post("/v1/open-items", json={"items": items})
    assert first.status_code == 200
    assert second.status_code == 200
    assert {r["status"] for r in first.json()["results"]} == {"created"}
    assert {r["status"] for r in second.json()["results"]} == {"unchanged"}
    assert [r["item_ref"] for r in second.json()["results"]] == [
        i["item_ref"] for i in items
    ]


def test_idempotency_key_replays(api: Api) -> None:
    headers = {"Idempotency-Key": "batch-1"}
    with api.client() as client:
        first = client.post(
            "/v1/open-items", json={"items": [item("R1")]}, headers=headers
        )
        replay = client.post(
            "/v1/open-items", json={"items": [item("R1")]}, headers=headers
        )
        other = client.post(
            "/v1/open-items", json={"items": [item("R2")]}, headers=headers
        )
    assert first.json()["results"][0]["status"] == "created"
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422


def test_idempotency_key_in_flight_is_409(api: Api) -> None:
    body = b'{"items": []}'
    digest = request_digest("POST", "/v1/open-items", body)
    claim_key(api.engine, FIRST, "busy", digest, NOW.replace(year=2100))
    with api.client() as client:
        response = client.post(
            "/v1/open-items",
            content=body,
            headers={"Idempotency-Key": "busy", "content-type": "application/json"},
        )
    assert response.status_code == 409


def test_creditors_never_mix(api: Api, tmp_path: Path) -> None:
    with api.client(FIRST) as first, api.client(SECOND) as second:
        first.post("/v1/open-items", json={"items": [item("ONLY-A")]})
        foreign = second.get("/v1/open-items/ONLY-A")
        missing = second.get("/v1/open-items/NOPE-A")
        patched = second.patch("/v1/open-items/ONLY-A", json={"status": "cancelled"})
        own = second.post("/v1/open-items", json={"items": [item("ONLY-A")]})
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
        cases_a = first.get("/v1/cases", params={"as_of": "2026-11-16"}).json()
        cases_b = second.get("/v1/cases", params={"as_of": "2026-11-16"}).json()
        case_a = cases_a["cases"][0]["case_ref"]
        foreign_case = second.get(f"/v1/cases/{case_a}")
        events_b = second.get("/v1/events").json()["events"]
    assert foreign.status_code == 404
    assert missing.status_code == 404
    assert foreign.json()["detail"].replace("ONLY", "NOPE") == missing.json()["detail"]
    assert patched.status_code == 404
    assert own.json()["results"][0]["status"] == "created"
    assert [c["case_ref"][:2] for c in cases_a["cases"]] == ["SW"]
    assert [c["case_ref"][:2] for c in cases_b["cases"]] == ["ZL"]
    assert foreign_case.status_code == 404
    assert all(e["case_ref"].startswith("ZL") for e in events_b if e["case_ref"])


def test_paid_directly_closes_case(api: Api, tmp_path: Path) -> None:
    with api.client() as client:
        client.post(
            "/v1/open-items", json={"items": [item("R1"), item("R2", amount_cents=250)]}
        )
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
        first = client.get("/v1/open-items/R1").json()
        assert first["state"] == "handed_over", first["reason"]
        case_ref = first["case_ref"]
        one = client.patch("/v1/open-items/R1", json={"status": "paid_directly"})
        still_open = client.get(f"/v1/cases/{case_ref}").json()
        two = client.patch("/v1/open-items/R2", json={"status": "cancelled"})
        closed = client.get(f"/v1/cases/{case_ref}").json()
        kinds = [e["type"] for e in client.get("/v1/events").json()["events"]]
    assert one.json()["state"] == "settled"
    assert still_open["status"] == "open"
    assert still_open["principal_cents"] == 250
    assert two.json()["state"] == "cancelled"
    assert closed["status"] == "closed"
    assert closed["open_cents"] == 0
    assert kinds.count("case.opened") == 1
    assert kinds.count("item.settled") == 2
    assert kinds.count("case.closed") == 1
    assert check_invariants(api.engine) == []


def test_patch_amends_and_rejects(api: Api) -> None:
    with api.client() as client:
        client.post("/v1/open-items", json={"items": [item("R1")]})
        amended = client.patch("/v1/open-items/R1", json={"amount_cents": 123})
        invalid = client.patch("/v1/open-items/R1", json={"due_date": "gestern"})
        mixed = client.patch(
            "/v1/open-items/R1", json={"status": "cancelled", "amount_cents": 1}
        )
    assert amended.status_code == 200
    assert amended.json()["amount_cents"] == 123
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "due_date"
    assert mixed.status_code == 422


def test_snapshot_new_changed_gone(api: Api) -> None:
    with api.client() as client:
        client.post(
            "/v1/open-items",
            json={"items": [item("S1"), item("S2"), item("S3"), item("S4")]},
        )
        response = client.post(
            "/v1/open-items/snapshot",
            params={"gone": "cancelled"},
            json={
                "items": [
                    item("S1"),
                    item("S2", amount_cents=100),
                    item("S4", due_date="bad"),
                    item("S5"),
                ]
            },
        )
        gone = client.get("/v1/open-items/S3").json()
        kept = client.get("/v1/open-items/S4").json()
    body = response.json()
    assert [r["status"] for r in body["results"]] == [
        "unchanged",
        "amended",
        "rejected",
        "created",
    ]
    assert body["gone"] == [{"item_ref": "S3", "status": "cancelled"}]
    assert gone["state"] == "cancelled"
    assert kept["state"] == "waiting"


def test_snapshot_as_csv(api: Api) -> None:
    # The creditor's own column names and encoding, as in its configuration.
    text = (
        "Belegnummer;Kundennummer;name;street;postal_code;city;Fällig am;Betrag\n"
        "C1;K1;Erika Muster;Weg 1;10115;Berlin;27.08.2026;7,99\n"
    )
    with api.client() as client:
        client.post("/v1/open-items", json={"items": [item("OLD")]})
        response = client.post(
            "/v1/open-items/snapshot",
            content=text.encode("cp1252"),
            headers={"content-type": "text/csv"},
        )
        old = client.get("/v1/open-items/OLD").json()
    assert response.status_code == 200, response.text
    assert response.json()["results"] == [{"item_ref": "C1", "status": "created"}]
    assert old["state"] == "settled"


def test_dispute_stops_collection(api: Api, tmp_path: Path) -> None:
    with api.client() as client:
        client.post("/v1/open-items", json={"items": [item("R1")]})
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
        # Queue a demand that has not left yet, as a later run would.
        with api.engine.begin() as conn:
            conn.execute(sa.update(outbox).values(status="pending"))
        case_ref = client.get("/v1/open-items/R1").json()["case_ref"]
        amended = client.patch("/v1/open-items/R1", json={"disputed": True})
        detail = client.get(f"/v1/cases/{case_ref}").json()
        events = client.get("/v1/events").json()["events"]
    with api.engine.connect() as conn:
        pending = conn.execute(
            sa.select(sa.func.count()).where(outbox.c.status == "pending")
        ).scalar_one()
    assert amended.status_code == 200
    assert detail["status"] == "disputed"
    assert pending == 0
    assert events[-1]["type"] == "case.disputed"
    assert events[-1]["case_ref"] == case_ref
