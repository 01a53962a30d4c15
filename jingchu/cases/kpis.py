"""The cases' KPI feeds for the cockpit (the contract is jingchu.core.kpi).

Rows are per local day (Asia/Shanghai) and handling organization (Case.handling_org, with its
region). Definitions:

- completed cases: cases with a completion (办结, Case.completed_at, set by the "complete" step,
  whatever the decision) on the local day, that were accepted;
- handling working days of a completed case: the working days (jingchu.core.calendar) after the
  day its handling clock started up to the day it was completed, less the working days the
  clock stood paused (补正, 挂起: Case.paused_working_days), so they compare with the promise
  the deadline was set from. The clock starts on the local day of acceptance, or on the day the
  application was received when the 5-working-day intake limit had passed unanswered (deemed
  accepted, jingchu.cases.clock.acceptance_start). A case accepted and completed on the same
  day took 0 working days;
- promised working days of a completed case: the implementing organization's promise where it
  makes one, else the item version's (jingchu.cases.clock.promised_days); 0 for an on-the-spot
  item (即办件);
- cases.handling_days / cases.promised_days: Σ of each over the completed cases / the completed
  cases: the average handling time, shown against the average promise;
- cases.on_time_rate: completed cases completed on or before their deadline (Case.deadline,
  the promised days moved by pauses) / completed cases with a deadline;
- cases.submitted: applications submitted, each counted once, on the local day of its first
  submission (the "submit" event on its timeline), for the organization that handles it;
- business start-up (开办企业): cases of item versions under the topic "starting_business"
  (Topic.STARTING_BUSINESS: the catalog's 企业开办, 个体工商户设立登记, the new taxpayer
  package and the start-up licences that carry the topic). cases.startup_handling_days is the
  average handling working days of those completed, cases.startup_steps the average of their
  versions' handling steps (ItemVersion.steps: the catalog's figure for the item, as published
  when the case was submitted): what the business-environment evaluation reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as Choose
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from jingchu.cases import clock
from jingchu.cases.models import Case, CaseEvent
from jingchu.core import calendar, kpi
from jingchu.core.kpi import KpiRow, KpiSpec, Unit
from jingchu.core.periods import Period, local_day
from jingchu.services.choices import CaseKind, Topic

SOURCE = "cases: Case, CaseEvent"
STARTUP_TOPIC = Topic.STARTING_BUSINESS
Key = tuple[dt.date, int, int | None]  # local day, handling organization, its region


@dataclass
class Completed:
    """What the cases completed on one day at one organization add up to."""

    cases: int = 0
    handling_days: int = 0
    promised_days: int = 0
    steps: int = 0
    with_deadline: int = 0
    on_time: int = 0


def _promised() -> Choose:
    """The promised working days of a case, as clock.promised_days and the deadline take it."""
    return Choose(When(version__case_kind=CaseKind.ON_THE_SPOT, then=Value(0)),
                  default=Coalesce("implementation__promised_days", "version__promised_days"),
                  output_field=IntegerField())


def clock_start(received: dt.date | None, accepted: dt.date) -> dt.date:
    """The day the handling clock started: the day received when the intake limit passed
    unanswered (deemed accepted on receipt), else the day accepted."""
    if received is not None and accepted > clock.intake_deadline(received):
        return received
    return accepted


def _completed_cases(start: dt.date, end: dt.date, startup: bool) -> QuerySet[Case]:
    period = Period(start, end)
    found = Case.objects.filter(completed_at__gte=period.since, completed_at__lt=period.until,
                                accepted_at__isnull=False)
    if startup:
        found = found.filter(version__topic_index__contains=f"|{STARTUP_TOPIC}|")
    return found


def completed(start: dt.date, end: dt.date, *, startup: bool = False) -> dict[Key, Completed]:
    """The cases completed from `start` to `end` by local day and handling organization; one
    query for the three figures that rest on it when the cockpit refreshes them together."""
    return kpi.shared(("cases.completed", start, end, startup),
                      lambda: _completed(start, end, startup))


def _completed(start: dt.date, end: dt.date, startup: bool) -> dict[Key, Completed]:
    """The database groups the cases by day, organization and the days each was received and
    accepted; Python turns each (received, accepted, completed) triple into working days once
    per group."""
    grouped = (_completed_cases(start, end, startup)
               .annotate(done=local_day("completed_at"), accepted=local_day("accepted_at"),
                         received=local_day("submitted_at"))
               .values("done", "handling_org_id", "handling_org__region_id", "received",
                       "accepted")
               .annotate(n=Count("id"), paused=Sum("paused_working_days"),
                         promised=Sum(_promised()), steps=Sum("version__steps"),
                         timed=Count("id", filter=Q(deadline__isnull=False)),
                         on_time=Count("id", filter=Q(deadline__gte=F("done"))))
               .order_by())
    found: dict[Key, Completed] = {}
    for r in grouped:
        key = (r["done"], r["handling_org_id"], r["handling_org__region_id"])
        totals = found.setdefault(key, Completed())
        took = calendar.working_days_between(clock_start(r["received"], r["accepted"]),
                                             r["done"])
        totals.cases += r["n"]
        totals.handling_days += r["n"] * took - int(r["paused"] or 0)
        totals.promised_days += int(r["promised"] or 0)
        totals.steps += int(r["steps"] or 0)
        totals.with_deadline += r["timed"]
        totals.on_time += r["on_time"]
    return found


def _rows(found: dict[Key, Completed],
          parts: Callable[[Completed], tuple[int, int]]) -> list[KpiRow]:
    rows = []
    for (day, org, region), totals in sorted(found.items(), key=lambda kv: kv[0][:2]):
        numerator, denominator = parts(totals)
        if numerator or denominator:
            rows.append(KpiRow(day, org, region, float(numerator), float(denominator)))
    return rows


def handling_days_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Σ handling working days / completed cases, per local day of completion."""
    return _rows(completed(start, end), lambda t: (t.handling_days, t.cases))


def promised_days_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Σ promised working days / completed cases, per local day of completion."""
    return _rows(completed(start, end), lambda t: (t.promised_days, t.cases))


def on_time_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Completed by the deadline / completed with a deadline, per local day of completion."""
    return _rows(completed(start, end), lambda t: (t.on_time, t.with_deadline))


def startup_days_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Business start-up: Σ handling working days / completed cases."""
    return _rows(completed(start, end, startup=True), lambda t: (t.handling_days, t.cases))


def startup_steps_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Business start-up: Σ handling steps of the versions / completed cases."""
    return _rows(completed(start, end, startup=True), lambda t: (t.steps, t.cases))


def submitted_rows(start: dt.date, end: dt.date) -> list[KpiRow]:
    """Applications submitted (first submission), per local day and handling organization."""
    period = Period(start, end)
    grouped = (CaseEvent.objects.filter(action="submit", at__gte=period.since,
                                        at__lt=period.until)
               .annotate(day=local_day("at"))
               .values("day", "case__handling_org_id", "case__handling_org__region_id")
               .annotate(n=Count("case_id", distinct=True))
               .order_by("day", "case__handling_org_id"))
    return [KpiRow(r["day"], r["case__handling_org_id"], r["case__handling_org__region_id"],
                   float(r["n"]), 1.0) for r in grouped]


def _spec(code: str, name: Any, definition: Any, unit: Unit,
          compute: Callable[[dt.date, dt.date], list[KpiRow]], *,
          higher_is_better: bool = True) -> KpiSpec:
    return KpiSpec(code=code, name=name, definition=definition, source=SOURCE, unit=unit,
                   compute=compute, higher_is_better=higher_is_better)


KPIS: list[KpiSpec] = [
    _spec("cases.handling_days", _("Average handling working days"), _(
        "Working days from the day a completed case's handling clock started (the day of "
        "acceptance, or the day received when it was deemed accepted) to the day it was "
        "completed, less the working days the clock was paused (corrections, suspension), "
        "summed over the completed cases and divided by their number. Completed cases are "
        "counted on the local day of completion, for the handling organization."),
        "days", handling_days_rows, higher_is_better=False),
    _spec("cases.promised_days", _("Average promised working days"), _(
        "The promised working days of each completed case (the implementing organization's "
        "promise, else the item's; zero for an on-the-spot item), summed over the completed "
        "cases and divided by their number, to show beside the average handling days. "
        "Completed cases are counted on the local day of completion, for the handling "
        "organization."),
        "days", promised_days_rows, higher_is_better=False),
    _spec("cases.on_time_rate", _("On-time completion rate"), _(
        "Completed cases completed on or before their deadline (the promised working days "
        "from acceptance, moved by pauses), divided by the completed cases with a deadline. "
        "Completed cases are counted on the local day of completion, for the handling "
        "organization."),
        "rate", on_time_rows),
    _spec("cases.submitted", _("Applications submitted"), _(
        "Applications submitted, each counted once on the local day of its first submission, "
        "for the organization that handles it."),
        "count", submitted_rows),
    _spec("cases.startup_handling_days", _("Business start-up: average handling working days"),
          _("The average handling working days (as for all cases) of the completed cases of "
            "items under the topic Starting a business (开办企业), counted on the local day of "
            "completion, for the handling organization."),
          "days", startup_days_rows, higher_is_better=False),
    _spec("cases.startup_steps", _("Business start-up: average handling steps"),
          _("The handling steps of the item version each completed case of an item under the "
            "topic Starting a business (开办企业) was submitted under, summed and divided by "
            "those cases, counted on the local day of completion, for the handling "
            "organization."),
          "steps", startup_steps_rows, higher_is_better=False),
]
