"""Open311 GeoReport v2, checked as the published spec (wiki.open311.org/GeoReport_v2) has it:
a plain HTTP client (`requests`) against the live test server, XML parsed with ElementTree.
Keys and the renderers are also tested directly."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.utils import timezone

from jingchu.core.errors import NotPermitted
from jingchu.core.models import AuditEvent
from jingchu.hotline.actions import config, intake
from jingchu.hotline.actions.open311_keys import do_create_key, do_revoke_key, do_use_key
from jingchu.hotline.choices import TicketStatus
from jingchu.hotline.models import Category, Open311Key, Ticket
from jingchu.hotline.open311 import render

SPEC = "http://wiki.open311.org/GeoReport_v2"
PHONE = "13912345678"
EMAIL = "wang.xh@example.com"
SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")


class Http:
    """A plain client of one live server that keeps every body it received."""

    def __init__(self, base: str) -> None:
        self.base = base + "/open311/v2/"
        self.bodies: list[str] = []

    def get(self, path: str, **params: str) -> requests.Response:
        return self._keep(requests.get(self.base + path, params=params, timeout=20))

    def post(self, path: str, data: Any) -> requests.Response:
        return self._keep(requests.post(self.base + path, data=data, timeout=20))

    def _keep(self, response: requests.Response) -> requests.Response:
        self.bodies.append(response.content.decode("utf-8"))
        return response


def _json(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def _xml(response: requests.Response, status: int = 200) -> ET.Element:
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own test server's answer


def _error(response: requests.Response, status: int) -> str:
    """The standard's error array, in the format of the path, with `status` in it."""
    if response.request.url and ".xml" in response.request.url:
        root = _xml(response, status)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        assert root.findtext("error/code") == str(status)
        return root.findtext("error/description") or ""
    body = _json(response, status)
    assert isinstance(body, list) and body[0]["code"] == status, body
    assert body[0]["description"]
    return str(body[0]["description"])


def _file(centre: Any, kind: str, code: str, text: str, **extra: Any) -> Ticket:
    return intake.do_file_ticket(None, channel="web", kind=kind, content=text,
                                 category=code, caller_name="王小红", caller_phone=PHONE,
                                 centre=centre, **extra)


MULTI_CATEGORY = {"categories": [{
    "code": "street-lights", "name": "路灯", "group": "城市管理",
    "department": "urban_management", "description": "路灯不亮、闪烁或白天常亮",
    "keywords": "路灯,照明", "attributes": [{
        "code": "faults", "datatype": "multivaluelist", "required": True,
        "description": "故障现象", "order": 1,
        "values": [{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"},
                   {"key": "day", "name": "白天常亮"}]}]}]}


# --- over HTTP ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_discovery_services_and_definitions(live_server: Any,
                                            hotline_world: dict[str, Any]) -> None:
    http = Http(live_server.url)
    doc = _json(http.get("discovery.json"))
    endpoint = doc["endpoints"][0]
    assert endpoint["specification"] == SPEC and endpoint["type"] == "production"
    assert endpoint["url"] == live_server.url + "/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = _xml(http.get("discovery.xml"))
    assert root.tag == "discovery" and root.findtext("endpoints/endpoint/specification") == SPEC
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == \
        ["text/xml", "application/json"]

    Category.objects.filter(code="tax").update(is_active=False)
    listed = {s["service_code"]: s for s in _json(http.get("services.json"))}
    assert set(listed) == set(Category.objects.filter(is_active=True)
                              .values_list("code", flat=True)) and "tax" not in listed
    assert listed["utilities"]["metadata"] is True and listed["utilities"]["type"] == "realtime"
    assert listed["market-food"]["metadata"] is False
    assert listed["market-food"]["service_name"] == "食品安全"
    assert listed["market-food"]["group"] == "市场监管"
    root = _xml(http.get("services.xml"))
    assert root.tag == "services" and len(root) == len(listed)
    assert {c.tag for s in root for c in s} == set(SERVICE_FIELDS)
    utilities = next(s for s in root if s.findtext("service_code") == "utilities")
    assert utilities.findtext("metadata") == "true" and utilities.findtext("type") == "realtime"

    definition = _json(http.get("services/utilities.json"))
    assert definition["service_code"] == "utilities"
    first = definition["attributes"][0]
    assert (first["code"], first["datatype"], first["required"], first["variable"],
            first["order"]) == ("utility", "singlevaluelist", True, True, 1)
    assert [v["key"] for v in first["values"]] == ["water", "power", "gas"]
    assert {"datatype_description", "description"} <= set(first)
    root = _xml(http.get("services/utilities.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "utilities"
    assert root.findtext("attributes/attribute/required") == "true"
    assert [v.findtext("name") for v in root.findall("attributes/attribute/values/value")][:3] \
        == ["供水", "供电", "燃气"]

    _error(http.get("services/no-such-service.json"), 404)
    _error(http.get("services/tax.xml"), 404)  # inactive
    assert _json(http.get("services.json", jurisdiction_id="420100"))
    _error(http.get("services.json", jurisdiction_id="999999"), 404)
    _error(http.get("services.xml", jurisdiction_id="wuhan.gov.cn"), 404)
    assert http.get("services.csv").status_code == 404
    assert http.get("nothing/here.json").status_code == 404
    refused = http.post("services.json", {"service_code": "utilities"})
    _error(refused, 405)
    assert "GET" in refused.headers["Allow"] and "POST" not in refused.headers["Allow"]


@pytest.mark.django_db(transaction=True)
def test_post_service_requests_with_a_key(live_server: Any, hotline_world: dict[str, Any],
                                          tmp_path: Path) -> None:
    http = Http(live_server.url)
    centre = hotline_world["centre"]
    key, raw = do_create_key(hotline_world["users"]["supervisor"], centre=centre,
                             name="city app")
    form = {"service_code": "utilities", "lat": "30.527654", "long": "114.351234",
            "address_string": "武汉市洪山区珞喻路1037号", "attribute[utility]": "water",
            "attribute[households]": "12",
            "description": "珞喻路1037号小区整栋楼停水两天，无人处理",
            "first_name": "小红", "last_name": "王", "phone": PHONE, "email": EMAIL,
            "device_id": "dev-1", "account_id": "acc-9", "media_url": "https://x.test/1.jpg"}
    # The key: missing, wrong, or for another jurisdiction.
    _error(http.post("requests.json", form), 403)
    _error(http.post("requests.xml", form), 403)
    _error(http.post("requests.json", {**form, "api_key": "o311_wrong"}), 403)
    _error(http.post("requests.json", {**form, "api_key": raw, "jurisdiction_id": "420000"}),
           403)
    # Bad input, in the order the standard lists its errors.
    signed = {**form, "api_key": raw}
    _error(http.post("requests.json", {**signed, "service_code": ""}), 400)
    _error(http.post("requests.json", {**signed, "service_code": "no-such-service"}), 404)
    _error(http.post("requests.xml", {**signed, "service_code": "no-such-service"}), 404)
    _error(http.post("requests.json", {**signed, "jurisdiction_id": "999999"}), 404)
    missing = {k: v for k, v in signed.items() if k != "attribute[utility]"}
    assert _error(http.post("requests.json", missing), 400).startswith("attribute[utility]: ")
    _error(http.post("requests.json", {**signed, "attribute[utility]": "steam"}), 400)
    _error(http.post("requests.json", {**signed, "attribute[colour]": "red"}), 400)
    no_place = {k: v for k, v in signed.items() if k not in ("lat", "long", "address_string")}
    _error(http.post("requests.json", no_place), 400)
    _error(http.post("requests.json", {**signed, "lat": "north"}), 400)
    assert _error(http.post("requests.json", {**signed, "phone": "12"}), 400).startswith("phone:")
    _error(http.post("requests.json", {**signed, "jingchu:kind": "gossip"}), 400)
    assert not Ticket.objects.exists()

    made = _json(http.post("requests.json", signed))
    assert len(made) == 1 and set(made[0]) >= {"service_request_id", "token"}
    ticket = Ticket.objects.get(number=made[0]["service_request_id"])
    assert str(ticket.token) == made[0]["token"]
    assert (ticket.channel, ticket.kind, ticket.status, ticket.centre) == \
        ("open311", "help", TicketStatus.RECEIVED, centre)
    assert ticket.category is not None and ticket.category.code == "utilities"
    assert ticket.attributes["utility"] == "water"
    assert (ticket.caller_name, ticket.caller_phone) == ("王小红", PHONE)
    assert ticket.title == form["description"][:30]
    assert AuditEvent.objects.filter(action="hotline.ticket.file",
                                     actor_label="open311:city app").count() == 1
    key.refresh_from_db()
    assert key.last_used_at is not None

    # A multivaluelist, in XML, with the kind extension.
    config.do_load_categories(None, _write(tmp_path, MULTI_CATEGORY))
    lights = {"api_key": raw, "service_code": "street-lights", "address_string": "武汉市洪山区",
              "attribute[faults][]": ["dark", "flicker"], "jingchu:kind": "complaint",
              "phone": PHONE}
    root = _xml(http.post("requests.xml", lights))
    assert root.tag == "service_requests" and root.findtext("request/token")
    second = Ticket.objects.get(number=root.findtext("request/service_request_id"))
    assert second.attributes["faults"] == ["dark", "flicker"] and second.kind == "complaint"
    assert second.content == second.title == "路灯"  # no description: the service's name

    # Reading it back, by token and by id.
    by_token = _json(http.get(f"tokens/{ticket.token}.json"))
    assert by_token == [{"service_request_id": ticket.number, "token": str(ticket.token)}]
    assert _xml(http.get(f"tokens/{ticket.token}.xml")).findtext("request/service_request_id") \
        == ticket.number
    _error(http.get("tokens/00000000-0000-0000-0000-000000000000.json"), 404)
    _error(http.get("tokens/nonsense.xml"), 404)
    one = _json(http.get(f"requests/{ticket.number}.json"))[0]
    assert set(one) == set(REQUEST_FIELDS)
    assert (one["status"], one["service_code"], one["service_name"]) == \
        ("open", "utilities", "水电气供应")
    assert one["description"] == form["description"]
    assert one["requested_datetime"].endswith("+08:00") and one["lat"] == 30.528
    root = _xml(http.get(f"requests/{ticket.number}.xml"))
    assert {c.tag for c in root.findall("request/*")} == set(REQUEST_FIELDS)
    _error(http.get("requests/420100-12345-20200101-000001.json"), 404)
    _error(http.get(f"requests/{ticket.number}.json", jurisdiction_id="420000"), 404)

    do_revoke_key(hotline_world["users"]["supervisor"], key)
    _error(http.post("requests.json", signed), 403)
    assert Ticket.objects.count() == 2
    _never_published(http, "王小红", EMAIL)


def _write(tmp_path: Path, spec: dict[str, Any]) -> Path:
    path = tmp_path / "categories.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return path


def _never_published(http: Http, *private: str) -> None:
    for body in http.bodies:
        for value in (PHONE, *private):
            assert value not in body, body[:300]


@pytest.mark.django_db(transaction=True)
def test_get_service_requests_filters(live_server: Any, hotline_world: dict[str, Any]) -> None:
    http = Http(live_server.url)
    now, wuhan = timezone.now(), hotline_world["centre"]
    amr = hotline_world["orgs"]["wh-scjg"]
    water = _file(wuhan, "help", "utilities", "我家停水了，电话13800001111",
                  attributes={"utility": "water"})
    closed = _file(wuhan, "complaint", "market-consumer", "超市卖过期牛奶")
    Ticket.objects.filter(pk=closed.pk).update(
        status=TicketStatus.CLOSED, organization=amr, reply="已责令超市下架并退款。",
        closed_at=now, deadline=now + timedelta(days=3), created_at=now - timedelta(days=2))
    old = _file(wuhan, "help", "urban-management", "路边占道经营")
    Ticket.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=120))
    report = _file(wuhan, "report", "market-food", "某饭店使用地沟油")
    merged = _file(wuhan, "help", "utilities", "同一小区停水", attributes={"utility": "water"})
    Ticket.objects.filter(pk=merged.pk).update(status=TicketStatus.MERGED, merged_into=water)

    default = _json(http.get("requests.json"))
    assert [r["service_request_id"] for r in default] == \
        [merged.number, water.number, closed.number]  # newest first, last 90 days
    assert all(set(r) == set(REQUEST_FIELDS) for r in default)
    assert "138****1111" in default[1]["description"]  # a number typed into the text is masked
    shown = {r["service_request_id"]: r for r in default}
    assert shown[closed.number]["status"] == "closed"
    assert shown[closed.number]["status_notes"] == "已责令超市下架并退款。"
    assert shown[closed.number]["agency_responsible"] == amr.name
    assert shown[closed.number]["expected_datetime"].endswith("+08:00")
    assert shown[merged.number]["status"] == "closed" and shown[merged.number]["status_notes"]
    assert shown[water.number]["status_notes"] is None

    assert _ids(http.get("requests.json", status="open")) == [water.number]
    assert _ids(http.get("requests.json", status="closed")) == [merged.number, closed.number]
    assert len(_ids(http.get("requests.json", status="open,closed"))) == 3
    assert _ids(http.get("requests.json", service_code="market-consumer,urban-management")) \
        == [closed.number]
    window = {"start_date": _w3(now - timedelta(days=125)),
              "end_date": _w3(now - timedelta(days=100))}
    assert _ids(http.get("requests.json", **window)) == [old.number]
    assert _ids(http.get("requests.json", start_date=_w3(now - timedelta(days=3)),
                         end_date=_w3(now - timedelta(days=1)))) == [closed.number]
    assert _ids(http.get("requests.json", service_request_id=f"{report.number},{old.number}")) \
        == [old.number]  # the ids override the dates; a report is never shown
    root = _xml(http.get("requests.xml", status="open"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    assert root.findtext("request/service_request_id") == water.number
    assert _ids(http.get("requests.json", jurisdiction_id="420000")) == []
    assert len(_ids(http.get("requests.json", jurisdiction_id="420100"))) == 3

    _error(http.get("requests.json", status="pending"), 400)
    _error(http.get("requests.json", start_date="yesterday"), 400)
    _error(http.get("requests.xml", start_date=_w3(now - timedelta(days=200)),
                    end_date=_w3(now)), 400)  # more than 90 days
    _error(http.get("requests.json", start_date=_w3(now), end_date=_w3(now - timedelta(1))),
           400)
    _error(http.get(f"requests/{report.number}.json"), 404)
    _error(http.get(f"tokens/{report.token}.json"), 404)
    assert report.number not in "".join(http.bodies)
    _never_published(http, "王小红")


def _ids(response: requests.Response) -> list[str]:
    return [r["service_request_id"] for r in _json(response)]


def _w3(moment: Any) -> str:
    return str(render.w3(moment))


# --- keys ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_keys_are_made_and_revoked_by_the_centres_supervisor(
        hotline_world: dict[str, Any]) -> None:
    users, centre = hotline_world["users"], hotline_world["centre"]
    key, raw = do_create_key(users["supervisor"], centre=centre, name="  城管通 ")
    assert raw.startswith("o311_") and len(raw) > 40 and key.name == "城管通"
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in json.dumps(list(AuditEvent.objects.values("details")), default=str)
    assert AuditEvent.objects.filter(action="hotline.open311_key.create",
                                     object_id=str(key.uid)).exists()
    for name in ("operator", "outsider", "amr_approver", "citizen"):
        with pytest.raises(NotPermitted):
            do_create_key(users[name], centre=centre, name="x")
        with pytest.raises(NotPermitted):
            do_revoke_key(users[name], key)
    with pytest.raises(NotPermitted):  # a supervisor of Wuhan's centre, not the province's
        do_create_key(users["supervisor"], centre=hotline_world["province_centre"], name="x")
    assert Open311Key.objects.count() == 1

    used = do_use_key(raw)
    assert used is not None and used.pk == key.pk and used.last_used_at is not None
    assert do_use_key("o311_not-a-key") is None and do_use_key("") is None
    revoked = do_revoke_key(users["supervisor"], key)
    assert revoked.is_active is False and do_use_key(raw) is None
    do_revoke_key(users["supervisor"], key)  # again: nothing changes
    assert AuditEvent.objects.filter(action="hotline.open311_key.revoke").count() == 1


# --- rendering ---------------------------------------------------------------------------


def test_xml_rendering_and_scrubbing() -> None:
    body = render.to_xml("errors", [{"code": 400, "description": "a < b & 武汉"},
                                    {"code": 404, "description": None}])
    root = ET.fromstring(body)  # noqa: S314 - made just above
    assert [e.findtext("description") for e in root] == ["a < b & 武汉", ""]
    assert render.to_xml("x", {"flag": True}).endswith(b"<x><flag>true</flag></x>")
    text = render.scrub("电话13912345678，座机027-88886666，身份证420102199001011236。")
    assert PHONE not in text and "88886666" not in text and "199001011236" not in text
    assert "139****5678" in text
    moment = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    assert render.w3(moment) == "2026-01-05T09:30:00+08:00" and render.w3(None) is None
