"""KPI feeds of data sharing for the cockpit (the contract: jingchu.core.kpi).

- Responsibility-list registration and mounting rates, and the demand-met rate, are catalog
  figures: they have no natural day. They are the state of the catalog when `compute` runs,
  taken from the catalog reports (jingchu.sharing.reports, called, not copied) and emitted as
  a snapshot on the last day asked for (`end`), one row per organization whose lists are
  counted. A past day's state cannot be rebuilt: the cockpit's rollup task should compute
  them on (or soon after) the day itself.
- Call volume and refused calls are events: ExchangeCall rows put on the local day
  (Asia/Shanghai) of `at`, per consumer organization (none for a caller that could not be
  identified), counted by the database in one GROUP BY.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.models import Organization
from jingchu.core.periods import day_start, local_day
from jingchu.sharing import reports
from jingchu.sharing.choices import CallResult
from jingchu.sharing.models import ExchangeCall, ListEntry

PLAN_TARGET = 1.0  # the plan: every listed responsibility registered and mounted, every need met


def _regions_by_uid(uids: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Organization uid (as text) → (pk, region pk)."""
    found = Organization.objects.filter(uid__in=list(uids)).values_list("uid", "pk", "region_id")
    return {str(uid): (pk, region) for uid, pk, region in found}


def _fulfilment(part: str, whole: str, day: dt.date) -> list[KpiRow]:
    rows = reports.responsibility_fulfilment()
    orgs = _regions_by_uid(r["organization_uid"] for r in rows)
    return [KpiRow(day, orgs[r["organization_uid"]][0], orgs[r["organization_uid"]][1],
                   float(r[part]), float(r[whole]))
            for r in rows if r[whole] and r["organization_uid"] in orgs]


def registration_rate(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Responsibility entries registered / listed per listing organization, now, on `end`."""
    return _fulfilment("registered", "listed", end)


def mounting_rate(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Registered responsibility entries whose resource is mounted / registered, on `end`."""
    return _fulfilment("mounted", "registered", end)


def demand_met_rate(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Demand entries met / demand entries per demanding organization, now, on `end`."""
    rows = reports.demand_matching()
    owners = {str(uid): (org, region) for uid, org, region in ListEntry.objects.filter(
        uid__in=[r["entry_uid"] for r in rows]).values_list(
        "uid", "organization_id", "organization__region_id")}
    listed: Counter[tuple[int, int]] = Counter()
    met: Counter[tuple[int, int]] = Counter()
    for row in rows:
        key = owners.get(row["entry_uid"])
        if key is None:  # deleted since the report read it
            continue
        listed[key] += 1
        met[key] += 1 if row["met"] else 0
    return [KpiRow(end, org, region, float(met[(org, region)]), float(n))
            for (org, region), n in sorted(listed.items())]


CallCounts = tuple[dt.date, int | None, int | None, int, int]


def _calls(start: dt.date, end: dt.date) -> list[CallCounts]:
    """(local day, consumer, its region, calls, refused calls) per day and consumer."""
    day = local_day("at")
    rows = (ExchangeCall.objects.filter(at__gte=day_start(start),
                                        at__lt=day_start(end + dt.timedelta(days=1)))
            .order_by().annotate(day=day).values("day", "consumer_id", "consumer__region_id")
            .annotate(calls=Count("id"), refused=Count("id", filter=~Q(result=CallResult.OK)))
            .values_list("day", "consumer_id", "consumer__region_id", "calls", "refused"))
    return [(d, org, region, int(calls), int(refused))
            for d, org, region, calls, refused in rows]


def call_volume(start: dt.date, end: dt.date) -> list[KpiRow]:
    """ExchangeCall rows (answered or refused) per local day of `at` and consumer."""
    return [KpiRow(d, org, region, float(calls), 1.0)
            for d, org, region, calls, _refused in _calls(start, end)]


def refused_calls(start: dt.date, end: dt.date) -> list[KpiRow]:
    """ExchangeCall rows whose result is not "ok" per local day and consumer; the denominator
    is every call of the row, so Σ numerator / Σ denominator is the refusal share."""
    return [KpiRow(d, org, region, float(refused), float(calls))
            for d, org, region, calls, refused in _calls(start, end)]


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="sharing.registration_rate", name=_("Responsibility-list registration rate"),
        definition=_(
            "Snapshot per organization, emitted on the day asked for: the organization's "
            "responsibility-list entries linked to a resource published in the catalog, "
            "divided by all its responsibility-list entries. The catalog's state when the "
            "figure is computed; a past day's state is not rebuilt."),
        source="sharing: ListEntry (responsibility), DataResource", unit="rate",
        compute=registration_rate, target=PLAN_TARGET, snapshot=True),
    KpiSpec(
        code="sharing.mounting_rate", name=_("Resource mounting rate"),
        definition=_(
            "Snapshot per organization, emitted on the day asked for: of the organization's "
            "responsibility-list entries linked to a published resource, those whose resource "
            "is mounted (a table, a lake dataset or an upstream API), divided by all of them. "
            "The catalog's state when the figure is computed."),
        source="sharing: ListEntry (responsibility), DataResource", unit="rate",
        compute=mounting_rate, target=PLAN_TARGET, snapshot=True),
    KpiSpec(
        code="sharing.demand_met_rate", name=_("Demand-met rate"),
        definition=_(
            "Snapshot per demanding organization, emitted on the day asked for: demand-list "
            "entries met (linked to a published resource, or a published, shared resource of "
            "the expected provider, not on a negative list, holds every field wanted), divided "
            "by all its demand-list entries. The catalog's state when the figure is computed."),
        source="sharing: ListEntry (demand), DataResource, ResourceField", unit="rate",
        compute=demand_met_rate, target=PLAN_TARGET, snapshot=True),
    KpiSpec(
        code="sharing.calls", name=_("Exchange call volume"),
        definition=_(
            "Calls through the exchange gateway, answered or refused (every ExchangeCall "
            "record), per local day of the call and consumer organization; calls whose caller "
            "could not be identified have no organization."),
        source="sharing: ExchangeCall", unit="count", compute=call_volume),
    KpiSpec(
        code="sharing.calls_refused", name=_("Refused exchange calls"),
        definition=_(
            "Calls through the exchange gateway that were not answered with data (result other "
            "than answered: no grant, expired or suspended grant, fields outside the grant, "
            "negative list, rate limit, bad request, no such record, upstream error), per local "
            "day of the call and consumer organization. The denominator is every call of the "
            "day and organization, so the figure over rows is also the refusal share."),
        source="sharing: ExchangeCall", unit="count", compute=refused_calls,
        higher_is_better=False),
]
