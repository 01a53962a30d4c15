"""Resources mounted as an upstream API: the gateway forwards the lookup to the owner's system.

The owner's system answers one lookup contract (documented in docs/gateway.md):

    POST {mount target}    {"key": "...", "fields": ["name", ...]}
    200 {"record": {...}}  the record       404   no such record

The gateway sends only the fields the grant allows, keeps only those of the answer, and masks
and records as for any resource. Only hosts an operator listed in
JINGCHU_GATEWAY_UPSTREAM_HOSTS are called, so that registering a resource cannot make the
platform reach arbitrary addresses on its network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from jingchu.core.crypto import blind_index
from jingchu.core.errors import ActionError
from jingchu.core.identifiers import IdentifierError, validate_id_number, validate_uscc
from jingchu.sharing.choices import SubjectKind
from jingchu.sharing.gateway_rows import MountedResource

MAX_ANSWER = 64 * 1024
KEY_MAX = 64


class UpstreamError(Exception):
    """The owner's system did not answer the lookup contract."""


def allowed(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.netloc.lower()
    return parts.scheme in {"http", "https"} and host in settings.GATEWAY_UPSTREAM_HOSTS


def valid_key(resource: MountedResource, key: str) -> str:
    try:
        if resource.subject_kind == SubjectKind.PERSON:
            return validate_id_number(key)
        if resource.subject_kind == SubjectKind.LEGAL_ENTITY:
            return validate_uscc(key)
    except IdentifierError as exc:
        raise ActionError("bad_key", exc.message, {"reason": exc.code}) from None
    if len(key) > KEY_MAX:
        raise ActionError("bad_key", _("The key is too long."), {})
    return key


def subject_index(resource: MountedResource, key: str) -> str:
    if resource.subject_kind == SubjectKind.PERSON:
        return blind_index(key)
    if resource.subject_kind == SubjectKind.LEGAL_ENTITY:
        return key.upper()
    return ""


def lookup(resource: MountedResource, key: str, fields: list[str], request_id: str
           ) -> dict[str, Any] | None:
    """The record from the owner's system, with exactly `fields` (absent ones as None)."""
    url = resource.mount_target
    if not allowed(url):
        raise UpstreamError("host not allowed")
    body = json.dumps({"key": key, "fields": fields}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Jingchu-Request-Id": request_id})
    try:
        # http(s) to a host an operator listed only: `allowed` checked the scheme and host.
        timeout = settings.GATEWAY_UPSTREAM_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            raw = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise UpstreamError(f"status {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise UpstreamError(str(exc)) from None
    return _record(raw, fields)


def _record(raw: bytes, fields: list[str]) -> dict[str, Any]:
    if len(raw) > MAX_ANSWER:
        raise UpstreamError("answer too large")
    try:
        record = json.loads(raw)["record"]
    except (ValueError, KeyError, TypeError):
        raise UpstreamError("not the lookup contract") from None
    if not isinstance(record, dict):
        raise UpstreamError("not the lookup contract")
    return {name: record.get(name) for name in fields}
