"""Resources mounted as an upstream API: the gateway forwards the lookup to the owner's system
on loopback (a small HTTP server in the test), keeps only the granted fields, masks, records,
and refuses hosts an operator did not list."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.utils import timezone

from jingchu.core.identifiers import make_id_number
from jingchu.sharing.choices import CallResult, MountKind
from jingchu.sharing.models import DataResource, ExchangeCall, ResourceField
from jingchu.sharing.tests import test_gateway
from jingchu.sharing.tests.test_gateway import _lookup

gw = test_gateway.gw  # the gateway fixture: a client, a grant, two persons
RECORDS: dict[str, dict[str, Any]] = {}
SEEN: list[dict[str, Any]] = []


class Owner(BaseHTTPRequestHandler):
    """The owner's system: the lookup contract of docs/gateway.md."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        SEEN.append(body | {"request_id": self.headers.get("X-Jingchu-Request-Id")})
        if body["key"] == "broken":
            self._send(500, b"{}")
        elif body["key"] in RECORDS:
            self._send(200, json.dumps({"record": RECORDS[body["key"]]}).encode())
        else:
            self._send(404, b"{}")

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def owner_system(settings: Any) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), Owner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_address[1]}"
    settings.GATEWAY_UPSTREAM_HOSTS = [host]
    SEEN.clear()
    yield f"http://{host}/lookup"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_resource(gw: dict[str, Any], owner_system: str) -> DataResource:
    resource = gw["resource"]
    DataResource.objects.filter(pk=resource.pk).update(mount_kind=MountKind.API,
                                                       mount_target=owner_system)
    ResourceField.objects.filter(resource=resource, name="phone").update(mask="phone")
    RECORDS[gw["number"]] = {"name": "李明", "gender": "male", "phone": "13912345678",
                             "address": "湖北省武汉市江岸区沿江大道88号", "secret": "x"}
    resource.refresh_from_db()
    return resource


@pytest.mark.django_db
def test_an_upstream_record_is_served_with_the_granted_fields_masked(
        gw: dict[str, Any], api_resource: DataResource) -> None:
    response = _lookup(gw, {"key": gw["number"], "fields": ["name", "phone"]})
    assert response.status_code == 200, response.content
    assert response.json()["record"] == {"name": "李明", "phone": "139****5678"}
    assert SEEN[0]["fields"] == ["name", "phone"] and SEEN[0]["request_id"]
    call = ExchangeCall.objects.get()
    assert call.result == CallResult.OK
    assert call.subject_index == gw["citizen"].person.id_number_index


@pytest.mark.django_db
def test_refusals_are_decided_before_the_owner_is_called(
        gw: dict[str, Any], api_resource: DataResource) -> None:
    response = _lookup(gw, {"key": gw["number"], "fields": ["education"]})
    assert response.json()["code"] == "fields_not_granted"
    assert SEEN == []


@pytest.mark.django_db
def test_unknown_records_and_upstream_failures(gw: dict[str, Any],
                                               api_resource: DataResource) -> None:
    unknown = make_id_number("420102", dt.date(2000, 1, 1), 77, True)
    assert _lookup(gw, {"key": unknown}).status_code == 404
    RECORDS["broken-marker"] = {}
    DataResource.objects.filter(pk=api_resource.pk).update(subject_kind="")
    response = _lookup(gw, {"key": "broken"})
    assert response.status_code == 502
    assert response.json()["code"] == "upstream_error"
    last = ExchangeCall.objects.order_by("-id").first()
    assert last is not None and last.result == CallResult.UPSTREAM_ERROR


@pytest.mark.django_db
def test_a_host_not_listed_is_never_called(gw: dict[str, Any], api_resource: DataResource,
                                           settings: Any) -> None:
    settings.GATEWAY_UPSTREAM_HOSTS = []
    response = _lookup(gw, {"key": gw["number"]})
    assert response.status_code == 502 and SEEN == []
    assert timezone.now()  # the call is still recorded
    assert ExchangeCall.objects.get().result == CallResult.UPSTREAM_ERROR
