"""Open311 GeoReport v2 documents: the field mapping from the hotline's records, and their
XML (the standard's required format) and JSON renderings.

JSON follows the standard's examples: a list of objects where the XML has a root element of
repeated children. Absent values are `null` in JSON and empty elements in XML.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from jingchu.core.masking import mask_id_number, mask_phone
from jingchu.hotline.choices import TicketStatus
from jingchu.hotline.models import Category, Ticket

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the shape of this endpoint last changed (the discovery document's changeset).
CHANGESET = "2026-11-30T00:00:00+08:00"
LOCAL = ZoneInfo("Asia/Shanghai")
CLOSED = frozenset({TicketStatus.CLOSED, TicketStatus.MERGED})
DESCRIPTION_LIMIT = 4000  # the standard's limit on `description`
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
# The element each list's items get in XML.
ITEM_TAGS = {
    "services": "service", "service_requests": "request", "errors": "error",
    "attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
}
# Phone numbers (mobile and landline) and citizen ID numbers a caller may have typed into the
# text; they are masked wherever the text is published.
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


# --- XML and JSON ----------------------------------------------------------------------------


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, data: Any) -> bytes:
    """`data` under the element `root`, UTF-8 with the declaration the standard asks for."""
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return HttpResponse(body, content_type=JSON_TYPE, status=status)
    return HttpResponse(to_xml(root, data), content_type=XML_TYPE, status=status)


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The standard's error array; `code` is the HTTP status."""
    data = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", data, status)


# --- values ------------------------------------------------------------------------------


def w3(moment: datetime | None) -> str | None:
    """A w3 date and time with the China Standard Time offset, e.g. 2026-01-05T09:30:00+08:00."""
    if moment is None:
        return None
    return moment.astimezone(LOCAL).isoformat(timespec="seconds")


def scrub(text: str) -> str:
    """Published text with the phone and ID numbers a caller may have written masked."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0).replace("-", "")), text)


def _coordinate(value: Decimal | None) -> float | None:
    # Three decimals (about 100 m): where the matter is, not which door the caller lives at.
    return None if value is None else round(float(value), 3)


# --- documents -----------------------------------------------------------------------------


def discovery(url: str) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": _("Dial 12345, the government service hotline."),
        "key_service": _("API keys are issued by the supervisors of a 12345 hotline centre."),
        "endpoints": [{
            "specification": SPECIFICATION, "url": url, "changeset": CHANGESET,
            "type": "production", "formats": ["text/xml", "application/json"],
        }],
    }


def service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code, "service_name": category.name,
        "description": category.description, "metadata": bool(category.attributes),
        "type": "realtime", "keywords": category.keywords, "group": category.group,
    }


def _attribute(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "variable": True, "code": spec["code"], "datatype": spec["datatype"],
        "required": bool(spec.get("required")),
        "datatype_description": spec.get("datatype_description") or None,
        "order": spec.get("order"), "description": spec.get("description", ""),
        "values": [{"key": v["key"], "name": v["name"]} for v in spec.get("values", [])],
    }


def definition(category: Category) -> dict[str, Any]:
    specs = sorted(category.attributes or [], key=lambda a: int(a.get("order") or 0))
    return {"service_code": category.code, "attributes": [_attribute(a) for a in specs]}


def _status_notes(ticket: Ticket) -> str | None:
    if ticket.status not in CLOSED:
        return None
    if ticket.reply:
        return scrub(ticket.reply)
    if ticket.status == TicketStatus.MERGED:
        return _("Duplicate request: it follows the earlier request on the same matter.")
    return None


def _updated(ticket: Ticket) -> datetime:
    if ticket.status in CLOSED and ticket.closed_at is not None:
        return ticket.closed_at
    moments = [ticket.created_at, ticket.dispatched_at, ticket.signed_at, ticket.replied_at,
               ticket.callback_at, ticket.closed_at, getattr(ticket, "last_event", None)]
    return max(m for m in moments if m is not None)


def service_request(ticket: Ticket) -> dict[str, Any]:
    """One request as the public sees it: never who called, nor their phone or e-mail; the
    location as the matched region and rounded coordinates."""
    category, organization = ticket.category, ticket.organization
    return {
        "service_request_id": ticket.number,
        "status": "closed" if ticket.status in CLOSED else "open",
        "status_notes": _status_notes(ticket),
        "service_name": category.name if category else None,
        "service_code": category.code if category else None,
        "description": scrub(ticket.content)[:DESCRIPTION_LIMIT],
        "agency_responsible": organization.name if organization else None,
        "service_notice": None,
        "requested_datetime": w3(ticket.created_at),
        "updated_datetime": w3(_updated(ticket)),
        "expected_datetime": w3(ticket.deadline),
        "address": ticket.region.name if ticket.region else None,
        "address_id": None,
        "zipcode": None,
        "lat": _coordinate(ticket.latitude),
        "long": _coordinate(ticket.longitude),
        "media_url": None,
    }


def created(ticket: Ticket) -> dict[str, Any]:
    """The answer to POST: the request's id at once (type realtime) and its token."""
    return {
        "service_request_id": ticket.number, "token": str(ticket.token),
        "service_notice": _("Received by %(centre)s; it will be passed to the department "
                            "responsible.") % {"centre": ticket.centre.name},
        "account_id": None,
    }


def token(ticket: Ticket) -> dict[str, Any]:
    return {"service_request_id": ticket.number, "token": str(ticket.token)}
