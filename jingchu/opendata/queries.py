"""Reading open datasets from the database: lookups, the portal's search and its facets, the
staff's lists and the usage figures."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.errors import NotFound
from jingchu.core.models import Organization
from jingchu.opendata import permissions
from jingchu.opendata.choices import (
    XLSX_MAX_ROWS,
    DownloadFormat,
    Licence,
    OpenStatus,
    Topic,
    UpdateFrequency,
)
from jingchu.opendata.models import OpenDataset, OpenDatasetUsage

FACETS = ("organization", "groups", "license_id", "res_format", "update_frequency")


def _base() -> QuerySet[OpenDataset]:
    return (OpenDataset.objects.select_related("owner", "source", "version")
            .prefetch_related("tags", "topics"))


def by_ref(ref: Any) -> OpenDataset:
    """An open dataset by its name or its uid, in any state (callers check permissions)."""
    text = str(ref or "").strip()
    try:
        found = _base().filter(Q(name=text) | Q(uid=uuid.UUID(text))).first()
    except ValueError:
        found = _base().filter(name=text).first()
    if found is None:
        raise NotFound(_("No such open dataset."))
    return found


def published() -> QuerySet[OpenDataset]:
    return _base().filter(status=OpenStatus.PUBLISHED)


def org_slug(org: Organization) -> str:
    """An organization's CKAN name: its credit code in lower case (stable and unique)."""
    return org.uscc.lower()


@dataclass
class Search:
    """The portal's search: free text and facet filters (each a list of values, AND across
    facets, OR within one)."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)


def _format_filter(values: list[str]) -> Q:
    wanted = {v.lower() for v in values}
    if wanted - set(DownloadFormat.values):
        return Q(pk__in=[])
    if DownloadFormat.XLSX in wanted:
        return Q(row_count__lte=XLSX_MAX_ROWS)
    return Q()


def _facet_q(facet: str, values: list[str]) -> Q:
    if facet == "organization":
        return Q(owner__uscc__in=[v.upper() for v in values]) | Q(owner__uid__in=_uids(values))
    if facet == "groups":
        return Q(topics__topic__in=values)
    if facet == "tags":
        return Q(tags__tag__in=values)
    if facet == "license_id":
        return Q(licence__in=values)
    if facet == "update_frequency":
        return Q(update_frequency__in=values)
    if facet == "res_format":
        return _format_filter(values)
    if facet == "name":
        return Q(name__in=values)
    return Q(pk__in=[])


def _uids(values: list[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(value))
        except ValueError:
            continue
    return out


def search(spec: Search, base: QuerySet[OpenDataset] | None = None) -> QuerySet[OpenDataset]:
    qs = published() if base is None else base
    for word in spec.text.split():
        qs = qs.filter(Q(title__icontains=word) | Q(notes__icontains=word)
                       | Q(name__icontains=word) | Q(tags__tag__icontains=word))
    for facet, values in spec.filters.items():
        if values:
            qs = qs.filter(_facet_q(facet, values))
    return qs.distinct()


def facet_counts(qs: QuerySet[OpenDataset]) -> dict[str, list[dict[str, Any]]]:
    """For each facet, [{name, display_name, count}] over the datasets found, most first."""
    ids = list(qs.values_list("pk", flat=True))
    rows = OpenDataset.objects.filter(pk__in=ids)
    orgs = rows.values("owner__uscc", "owner__name").annotate(n=Count("pk", distinct=True))
    out: dict[str, list[dict[str, Any]]] = {
        "organization": [{"name": r["owner__uscc"].lower(), "display_name": r["owner__name"],
                          "count": r["n"]} for r in orgs],
        "groups": _counted(rows.values_list("topics__topic").annotate(n=Count("pk")),
                           dict(Topic.choices)),
        "license_id": _counted(rows.values_list("licence").annotate(n=Count("pk")),
                               dict(Licence.choices)),
        "update_frequency": _counted(rows.values_list("update_frequency").annotate(
            n=Count("pk")), dict(UpdateFrequency.choices)),
        "tags": _counted(rows.values_list("tags__tag").annotate(n=Count("pk")), {}),
    }
    xlsx = rows.filter(row_count__lte=XLSX_MAX_ROWS).count()
    out["res_format"] = [{"name": f.label, "display_name": f.label,
                          "count": xlsx if f == DownloadFormat.XLSX else len(ids)}
                         for f in DownloadFormat if len(ids)]
    for items in out.values():
        items.sort(key=lambda item: (-item["count"], item["name"]))
    return out


def _counted(pairs: Any, labels: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": value, "display_name": str(labels.get(value, value)), "count": n}
            for value, n in pairs if value]


# --- staff lists --------------------------------------------------------------------------------


def managed_by(user: Any) -> QuerySet[OpenDataset]:
    """"My open datasets": those of the user's steward organizations; everything for the
    province level."""
    if permissions.is_province_steward(user):
        return _base().order_by("-updated_at")
    return _base().filter(owner_id__in=permissions.steward_org_ids(user)).order_by("-updated_at")


def review_queue() -> QuerySet[OpenDataset]:
    return _base().filter(status=OpenStatus.SUBMITTED).order_by("submitted_at")


# --- usage ------------------------------------------------------------------------------------


def usage_days(dataset: OpenDataset, days: int = 30) -> list[dict[str, Any]]:
    """One entry per day of the last `days` days (zeros where nothing happened)."""
    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    rows = {u.day: u for u in OpenDatasetUsage.objects.filter(dataset=dataset, day__gte=first)}
    out = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = rows.get(day)
        out.append({"day": day.isoformat(), "views": row.views if row else 0,
                    "downloads": row.downloads if row else 0,
                    "api_calls": row.api_calls if row else 0})
    return out


def usage_totals(dataset: OpenDataset) -> dict[str, int]:
    sums = OpenDatasetUsage.objects.filter(dataset=dataset).aggregate(
        views=Sum("views"), api_calls=Sum("api_calls"), csv=Sum("downloads_csv"),
        json=Sum("downloads_json"), xlsx=Sum("downloads_xlsx"),
        parquet=Sum("downloads_parquet"))
    totals = {k: int(v or 0) for k, v in sums.items()}
    totals["downloads"] = sum(totals[f] for f in DownloadFormat.values)
    return totals
