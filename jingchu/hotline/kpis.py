"""The 12345 hotline's KPI feeds for the cockpit (the contract is jingchu.core.kpi).

The figures are the per-department ones of jingchu.hotline.stats, split by local day
(Asia/Shanghai) and handling organization, so the cockpit can add them up over any period:

- hotline.on_time_rate: tickets replied to on time / tickets replied to. A ticket counts on the
  local day of its reply (replied_at), for the organization that replied (Ticket.organization);
  "on time" is the flag fixed when the reply was given (replied_at ≤ the reply deadline).
- hotline.satisfaction_rate: tickets rated satisfied or basically satisfied / tickets rated.
  A ticket counts on the local day of its rating (rated_at), for the organization that handled
  it.

- hotline.received: tickets received (every call, message or web request filed, merged
  duplicates included: each is a contact), on the local day it was filed (created_at), for the
  organization it is dispatched to (none while undispatched or answered by the centre), in the
  region the request is about, else the region of the centre that took it.

The two rates leave merged duplicates out (an answer is counted once, on the ticket the duplicates
follow) and tickets never dispatched to an organization (answered by the centre itself). A
ticket reopened (重办) loses its reply and rating until it is answered and rated again, so it
counts once, on the last answer. The region of a row is the handling organization's region.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jingchu.core.kpi import KpiRow, KpiSpec
from jingchu.core.periods import Period, local_day
from jingchu.hotline.models import Ticket
from jingchu.hotline.stats import SATISFIED

SOURCE = "hotline: Ticket"


def _answered() -> QuerySet[Ticket]:
    """Tickets a department answered, merged duplicates left out (as in stats.departments)."""
    return Ticket.objects.filter(organization__isnull=False, merged_into__isnull=True)


def _rows(qs: QuerySet[Ticket], stamp: str, start: dt.date, end: dt.date,
          counted: Q) -> list[KpiRow]:
    """Per local day of `stamp` and organization: the tickets matching `counted` over all."""
    period = Period(start, end)
    grouped = (qs.filter(**{f"{stamp}__gte": period.since, f"{stamp}__lt": period.until})
               .annotate(day=local_day(stamp))
               .values("day", "organization_id", "organization__region_id")
               .annotate(part=Count("id", filter=counted), whole=Count("id"))
               .order_by("day", "organization_id"))
    return [KpiRow(r["day"], r["organization_id"], r["organization__region_id"],
                   float(r["part"]), float(r["whole"])) for r in grouped]


def on_time_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Replies given on time / replies, per local day of the reply and organization."""
    return _rows(_answered().filter(replied_at__isnull=False), "replied_at", start, end,
                 Q(replied_on_time=True))


def satisfaction_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Ratings satisfied or basically satisfied / ratings, per local day of the rating."""
    rated = _answered().filter(rated_at__isnull=False).exclude(satisfaction="")
    return _rows(rated, "rated_at", start, end, Q(satisfaction__in=SATISFIED))


def received_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Tickets filed, per local day, organization dispatched to and region asked about."""
    period = Period(start, end)
    grouped = (Ticket.objects.filter(created_at__gte=period.since, created_at__lt=period.until)
               .annotate(day=local_day("created_at"),
                         where=Coalesce("region_id", "centre__region_id"))
               .values("day", "organization_id", "where")
               .annotate(n=Count("id"))
               .order_by("day", "organization_id", "where"))
    return [KpiRow(r["day"], r["organization_id"], r["where"], float(r["n"]), float(r["n"]))
            for r in grouped]


KPIS: list[KpiSpec] = [
    KpiSpec(
        code="hotline.on_time_rate",
        name=_("12345 on-time reply rate"),
        definition=_(
            "Tickets a department replied to by the reply deadline, divided by the tickets it "
            "replied to. A ticket counts on the local day of its reply, for the organization "
            "that replied; merged duplicates and tickets answered by the centre itself are "
            "left out."),
        source=SOURCE, unit="rate", compute=on_time_rows),
    KpiSpec(
        code="hotline.satisfaction_rate",
        name=_("12345 satisfaction rate"),
        definition=_(
            "Tickets rated satisfied or basically satisfied, divided by the tickets rated (on "
            "the call-back or by the caller). A ticket counts on the local day of its rating, "
            "for the organization that handled it; merged duplicates are left out."),
        source=SOURCE, unit="rate", compute=satisfaction_rows),
    KpiSpec(
        code="hotline.received",
        name=_("12345 requests received"),
        definition=_(
            "Tickets filed through every channel (phone, web, mobile, API, Open311), merged "
            "duplicates included, on the local day they were filed, for the organization they "
            "are dispatched to, in the region the request is about (else the centre's region)."),
        source=SOURCE, unit="count", compute=received_rows),
]
