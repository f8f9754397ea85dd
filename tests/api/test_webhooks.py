"""Events feed and webhook deliveries, verified with the standardwebhooks
package against a receiver on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from kleinkasso import clock
from kleinkasso.api.webhooks import relay_webhooks, retry_delay, sign
from kleinkasso.daily import daily_run
from tests.api.conftest import NOW, SECOND, Api, item


class Receiver:
    """Record every request and return 500 for the first one."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.fail_next = True


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["content-length"])
            body = self.rfile.read(length)
            state.requests.append(
                ({k.lower(): v for k, v in self.headers.items()}, body)
            )
            status = 500 if state.fail_next else 204
            state.fail_next = False
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_retried_with_same_id(
    api: Api, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    state, url = receiver
    with api.client() as client:
        created = client.post("/v1/webhook-endpoints", json={"url": url})
        secret = created.json()["secret"]
        client.post("/v1/open-items", json={"items": [item("R1")]})
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
        events = client.get("/v1/events").json()["events"]
    assert created.status_code == 201
    assert [e["type"] for e in events] == [
        "case.opened",
        "message.sent",
        "message.sent",
    ]
    now = clock.now_utc()
    first = relay_webhooks(api.engine, now)
    too_early = relay_webhooks(api.engine, now + timedelta(seconds=5))
    second = relay_webhooks(api.engine, now + retry_delay(1))
    assert (first.sent, first.retried) == (2, 1)
    assert too_early.sent == 0
    assert (second.sent, second.retried) == (1, 0)
    ids = [headers["webhook-id"] for headers, _ in state.requests]
    assert len(ids) == 4
    assert ids[0] == ids[3]
    assert len(set(ids)) == 3
    verifier = Webhook(secret)
    for headers, body in state.requests:
        assert verifier.verify(body, headers)["id"] in {e["id"] for e in events}


def test_tampered_webhook_fails_verification() -> None:
    secret = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    now = int(clock.now_utc().timestamp())
    body = b'{"type": "case.paid"}'
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign(secret, "msg_1", now, body),
    }
    assert Webhook(secret).verify(body, headers) == {"type": "case.paid"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"paid", b"open"), headers)


def test_events_feed_pages_by_cursor(api: Api, tmp_path: Path) -> None:
    with api.client() as client:
        client.post(
            "/v1/open-items",
            json={"items": [item("R1", customer="K1"), item("R2", customer="K2")]},
        )
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
        page = client.get("/v1/events", params={"limit": 2}).json()
        rest = client.get("/v1/events", params={"after": page["next_cursor"]}).json()
        empty = client.get("/v1/events", params={"after": rest["next_cursor"]}).json()
    assert len(page["events"]) == 2
    assert rest["events"]
    assert int(rest["events"][0]["id"]) > int(page["events"][-1]["id"])
    assert empty == {"events": [], "next_cursor": rest["next_cursor"]}


def test_endpoint_rejects_bad_url(api: Api) -> None:
    with api.client() as client:
        response = client.post("/v1/webhook-endpoints", json={"url": "ftp://x"})
        listed = client.get("/v1/webhook-endpoints").json()
    assert response.status_code == 422
    assert listed == {"endpoints": []}


def test_rotated_secret_signs_with_both(
    api: Api, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    state, url = receiver
    state.fail_next = False
    with api.client() as client:
        created = client.post("/v1/webhook-endpoints", json={"url": url}).json()
        rotated = client.post(
            f"/v1/webhook-endpoints/{created['id']}/rotate-secret"
        ).json()
        client.post("/v1/open-items", json={"items": [item("R1")]})
        daily_run(api.engine, date(2026, 11, 16), tmp_path, NOW)
    with api.client(SECOND) as other:
        foreign = other.post(f"/v1/webhook-endpoints/{created['id']}/rotate-secret")
    report = relay_webhooks(api.engine, clock.now_utc())
    headers, body = state.requests[0]
    assert report.sent == 3
    assert rotated["secret"] != created["secret"]
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(rotated["secret"]).verify(body, headers)
    assert Webhook(created["secret"]).verify(body, headers)
    assert foreign.status_code == 404
