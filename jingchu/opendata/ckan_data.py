"""CKAN's shapes of the portal's objects (package, resource, organization, group, datastore
fields) and the parsing of CKAN's parameters, for jingchu.opendata.ckan."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import uuid
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from jingchu.core.errors import NotFound
from jingchu.core.models import Organization
from jingchu.opendata import queries
from jingchu.opendata.choices import LICENCE_URLS, MEDIA_TYPES, DownloadFormat, Licence, Topic
from jingchu.opendata.models import OpenDataset, OpenDatasetTopic

FQ_KEYS = {"organization": "organization", "owner_org": "organization", "groups": "groups",
           "tags": "tags", "license_id": "license_id", "res_format": "res_format",
           "name": "name", "update_frequency": "update_frequency"}
# Filters CKAN clients add that mean "public datasets", which is all this API answers.
FQ_IGNORED = {"capacity", "dataset_type", "state", "+state", "+capacity", "+dataset_type"}
DATASTORE_TYPES = {"string": "text", "integer": "int", "decimal": "numeric", "date": "date",
                   "datetime": "timestamp", "boolean": "bool"}


class CkanError(Exception):
    """An error in CKAN's envelope: HTTP status, CKAN's __type, and a message or the
    validation errors by field."""

    def __init__(self, status: int, kind: str, message: str | dict[str, Any]) -> None:
        super().__init__(str(message))
        self.status, self.kind, self.message = status, kind, message

    def error(self) -> dict[str, Any]:
        if isinstance(self.message, dict):
            return {"__type": self.kind} | self.message
        return {"__type": self.kind, "message": self.message}


def as_bool(raw: Any) -> bool:
    return raw is True or str(raw).strip().lower() in ("true", "1", "yes", "on")


def as_int(params: dict[str, Any], key: str, default: int, low: int,
           high: int | None) -> int:
    raw = params.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except (TypeError, ValueError) as exc:
        raise CkanError(409, "Validation Error", {key: ["Invalid integer"]}) from exc
    if value < low:
        raise CkanError(409, "Validation Error", {key: [f"Must be at least {low}"]})
    return value if high is None else min(value, high)


def parse_list(raw: Any, key: str) -> list[str]:
    """A list parameter: a JSON list, a list, or comma-separated text."""
    if raw in (None, "", []):
        return []
    if isinstance(raw, str) and raw.strip().startswith("["):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise CkanError(409, "Validation Error", {key: ["Cannot parse JSON"]}) from exc
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list):
        raise CkanError(409, "Validation Error", {key: ["Not a list"]})
    return [str(item).strip() for item in raw if str(item).strip()]


def parse_fq(raw: Any) -> dict[str, list[str]]:
    """Solr's filter query as CKAN clients write it: `key:value` terms (values may be quoted),
    ANDed; repeated keys OR their values."""
    filters: dict[str, list[str]] = {}
    try:
        terms = shlex.split(str(raw or ""))
    except ValueError as exc:
        raise CkanError(409, "Search Query Error", f"Search Query Error: {exc}") from exc
    for term in terms:
        key, sep, value = term.partition(":")
        key = key.lstrip("+")
        if key in FQ_IGNORED or f"+{key}" in FQ_IGNORED:
            continue
        if not sep or key not in FQ_KEYS:
            raise CkanError(409, "Search Query Error",
                            f"Search Query Error: unsupported filter {term!r}")
        filters.setdefault(FQ_KEYS[key], []).append(value.strip('"'))
    return filters


def _time(value: dt.datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC with microseconds."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def org_dict(org: Organization, count: int | None = None) -> dict[str, Any]:
    out = {"id": str(org.uid), "name": queries.org_slug(org), "title": org.name,
           "display_name": org.name, "description": "", "type": "organization",
           "is_organization": True, "state": "active", "approval_status": "approved",
           "image_url": "", "created": None}
    if count is not None:
        out["package_count"] = count
    return out


def organization_dicts(sort: Any) -> list[dict[str, Any]]:
    """The organizations with published datasets, with their counts."""
    orgs = (Organization.objects.filter(open_datasets__in=queries.published())
            .annotate(n=Count("open_datasets", distinct=True)))
    items = [org_dict(o, o.n) for o in orgs]
    words = str(sort or "name asc").split()
    key = {"name": "name", "title": "title", "package_count": "package_count"}.get(
        words[0] if words else "name", "name")
    items.sort(key=lambda i: i[key], reverse=len(words) > 1 and words[1].lower() == "desc")
    return items


def group_dicts() -> list[dict[str, Any]]:
    counts = dict(OpenDatasetTopic.objects.filter(dataset__in=queries.published())
                  .values_list("topic").annotate(n=Count("dataset", distinct=True)))
    return [{"id": value, "name": value, "title": str(label), "display_name": str(label),
             "description": "", "type": "group", "is_organization": False, "state": "active",
             "approval_status": "approved", "image_url": "", "package_count": counts.get(value, 0)}
            for value, label in Topic.choices]


def resource_id(ds: OpenDataset, fmt: str) -> str:
    """The CSV resource's id is the dataset's datastore id; the others derive from it."""
    if fmt == DownloadFormat.CSV:
        return str(ds.datastore_uid)
    return str(uuid.uuid5(ds.datastore_uid, fmt))


def _resources(request: HttpRequest, ds: OpenDataset) -> list[dict[str, Any]]:
    out = []
    for position, fmt in enumerate(ds.formats):
        url = request.build_absolute_uri(reverse("opendata:download",
                                                 kwargs={"name": ds.name, "fmt": fmt}))
        out.append({
            "id": resource_id(ds, fmt), "package_id": str(ds.uid), "position": position,
            "name": f"{ds.title} ({fmt.upper()})", "description": "", "url": url,
            "format": DownloadFormat(fmt).label, "mimetype": MEDIA_TYPES[fmt],
            "datastore_active": fmt == DownloadFormat.CSV, "state": "active",
            "size": ds.byte_size if fmt == DownloadFormat.PARQUET else None,
            "hash": f"sm3:{ds.checksum}" if fmt == DownloadFormat.PARQUET else "",
            "created": _time(ds.published_at), "last_modified": _time(ds.modified_at),
            "url_type": None})
    return out


def package_dict(request: HttpRequest, ds: OpenDataset) -> dict[str, Any]:
    topics = dict(Topic.choices)
    resources = _resources(request, ds)
    page = request.build_absolute_uri(reverse("opendata:dataset", kwargs={"name": ds.name}))
    return {
        "id": str(ds.uid), "name": ds.name, "title": ds.title, "notes": ds.notes,
        "type": "dataset", "state": "active", "private": False, "isopen": True,
        "license_id": ds.licence, "license_title": str(Licence(ds.licence).label),
        "license_url": LICENCE_URLS.get(ds.licence) or None,
        "url": page, "version": f"v{ds.version.number}" if ds.version else None,
        "author": None, "maintainer": ds.owner.name,
        "metadata_created": _time(ds.published_at), "metadata_modified": _time(ds.modified_at),
        "owner_org": str(ds.owner.uid), "organization": org_dict(ds.owner),
        "groups": [{"id": t, "name": t, "title": str(topics.get(t, t)),
                    "display_name": str(topics.get(t, t))} for t in ds.topic_values],
        "tags": [{"name": t, "display_name": t, "state": "active", "vocabulary_id": None}
                 for t in ds.tag_names],
        "num_tags": len(ds.tag_names), "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": "update_frequency", "value": ds.update_frequency},
                   {"key": "sm3", "value": ds.checksum}],
    }


def published_by_ref(ref: Any) -> OpenDataset:
    if not ref:
        raise CkanError(409, "Validation Error", {"id": ["Missing value"]})
    try:
        ds = queries.by_ref(ref)
    except NotFound as exc:
        raise CkanError(404, "Not Found Error", "Not found") from exc
    if not ds.is_published:
        raise CkanError(404, "Not Found Error", "Not found")
    return ds


UUID_TEXT = re.compile(r"^[0-9a-fA-F-]{32,36}$")


def resource_dataset(ref: Any) -> OpenDataset:
    """The published dataset whose datastore resource is `ref` (also its name or id, as CKAN
    accepts resource aliases)."""
    if not ref:
        raise CkanError(409, "Validation Error", {"resource_id": ["Missing value"]})
    text = str(ref)
    found = None
    if UUID_TEXT.match(text):
        try:
            found = queries.published().filter(datastore_uid=uuid.UUID(text)).first()
        except ValueError:
            found = None
    if found is None:
        try:
            found = published_by_ref(text)
        except CkanError as exc:
            raise CkanError(404, "Not Found Error",
                            f"Not found: Resource \"{text}\" was not found.") from exc
    return found


def fields_out(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": f["name"], "type": DATASTORE_TYPES.get(f.get("type", "string"), "text"),
             "info": {"label": f.get("label", ""), "notes": f.get("description", "")}}
            for f in fields]
