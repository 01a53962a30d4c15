"""Statistics and hotspots of the 12345 hotline: the public interface the cockpit calls.

Every function takes a `Period` (local calendar days, both ends included) and/or a `Scope`
(a region subtree and/or a handling organization) and returns frozen dataclasses. The figures
are computed by the database (GROUP BY with filtered counts); Python only merges the grouped
rows and fills labels. Rising keywords are the exception: they stream the titles and contents
of the two windows once and count words in Python.

Definitions (what each figure counts):
- volume: tickets received (created_at) in the period, merged duplicates included (each is a
  call); by kind, category, region (rolled up to the city or county by the region code prefix)
  and local day.
- per handling organization (merged duplicates left out, so an answer is counted once):
  - replied: tickets the organization replied to in the period (replied_at in the period);
  - on-time rate: replied_on_time / replied (the flag is fixed when the reply is given);
  - satisfaction rate: (satisfied + basically satisfied) / rated, over tickets rated in the
    period (rated_at in the period);
  - average handling hours: mean of replied_at − dispatched_at over the replied tickets;
  - overdue open: tickets the organization holds now (dispatched or being handled) whose
    reply deadline has passed — a figure of the present moment, not of the period;
  - returns (退单): "returned" events naming the organization in the period.
- hotspots: open tickets now (received, dispatched, being handled, returned), by county-level
  region × category, most first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core.models import Organization, Region
from jingchu.core.periods import Period, day_start
from jingchu.core.periods import parse_period as parse_period  # the pages and API read it here
from jingchu.hotline import permissions
from jingchu.hotline.choices import (
    AT_DEPARTMENT,
    OPEN_STATUSES,
    Satisfaction,
    TicketKind,
    TicketStatus,
)
from jingchu.hotline.models import Category, Centre, Ticket, TicketEvent

RegionLevel = Literal["city", "county"]
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)
COUNTY_PREFIX = 6  # a region code's first six digits name its county-level division
CITY_PREFIX = 4


# --- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which tickets count: those located in `region` or below, and/or those handled by
    `organization`. An empty scope is the whole province."""

    region: Region | None = None
    organization: Organization | None = None


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRow:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class DayRow:
    day: dt.date
    count: int


@dataclass(frozen=True)
class Summary:
    received: int
    by_status: dict[str, int]
    open_now: int
    overdue_now: int
    answered_at_once: int
    replied: int
    replied_on_time: int
    rated: int
    satisfied: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.replied_on_time, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)


@dataclass(frozen=True)
class DepartmentRow:
    organization_uid: str
    organization_name: str
    replied: int
    replied_on_time: int
    rated: int
    satisfied: int
    average_hours: float | None
    overdue_open: int
    returns: int

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.replied_on_time, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)


@dataclass(frozen=True)
class KeywordRow:
    word: str
    current: int
    previous: int
    growth: float


@dataclass(frozen=True)
class HotspotRow:
    region_code: str
    region_name: str
    category_code: str
    category_name: str
    open_count: int


# --- helpers ----------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _in_region(region: Region, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}region": region})
            | Q(**{f"{prefix}region__path__startswith": region.path + "/"}))


def scoped(scope: Scope, qs: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """The tickets of the scope (all statuses, any time)."""
    found = Ticket.objects.all() if qs is None else qs
    if scope.region is not None:
        found = found.filter(_in_region(scope.region))
    if scope.organization is not None:
        found = found.filter(organization=scope.organization)
    return found


def received_in(period: Period, scope: Scope) -> QuerySet[Ticket]:
    """The tickets of the scope received in the period."""
    return scoped(scope).filter(created_at__gte=period.since, created_at__lt=period.until)


def _overdue_q(now: dt.datetime) -> Q:
    return Q(status__in=AT_DEPARTMENT, deadline__lt=now)


# --- volumes ----------------------------------------------------------------------------


def summary(period: Period, scope: Scope, now: dt.datetime | None = None) -> Summary:
    """Headline figures: received, by status, open and overdue now, answered at once (即时办结),
    replied and on time, rated and satisfied."""
    now = now or timezone.now()
    received = received_in(period, scope)
    statuses = dict(received.order_by().values_list("status").annotate(n=Count("id")))
    current = scoped(scope).aggregate(
        open_now=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue_now=Count("id", filter=_overdue_q(now)))
    base = scoped(scope).filter(merged_into__isnull=True)
    replied = base.filter(replied_at__gte=period.since, replied_at__lt=period.until).aggregate(
        replied=Count("id"), on_time=Count("id", filter=Q(replied_on_time=True)),
        at_once=Count("id", filter=Q(answered_from__isnull=False)))
    rated = base.filter(rated_at__gte=period.since, rated_at__lt=period.until).exclude(
        satisfaction="").aggregate(rated=Count("id"),
                                   satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)))
    return Summary(
        received=sum(statuses.values()),
        by_status={s: int(statuses.get(s, 0)) for s in TicketStatus.values},
        open_now=current["open_now"], overdue_now=current["overdue_now"],
        answered_at_once=replied["at_once"], replied=replied["replied"],
        replied_on_time=replied["on_time"], rated=rated["rated"],
        satisfied=rated["satisfied"])


def volumes_by_kind(period: Period, scope: Scope) -> list[VolumeRow]:
    """Tickets received per kind (咨询, 求助, 投诉, 举报, 建议), every kind listed."""
    counts = dict(received_in(period, scope).order_by().values_list("kind")
                  .annotate(n=Count("id")))
    return [VolumeRow(kind.value, str(kind.label), int(counts.get(kind.value, 0)))
            for kind in TicketKind]


def volumes_by_category(period: Period, scope: Scope) -> list[VolumeRow]:
    """Tickets received per category, most first; unclassified ones under the key ""."""
    rows = (received_in(period, scope).order_by().values("category__code", "category__name")
            .annotate(n=Count("id")).order_by("-n", "category__code"))
    return [VolumeRow(r["category__code"] or "", r["category__name"] or _("Unclassified"),
                      r["n"]) for r in rows]


def _region_prefix(code: str, level: RegionLevel, counties: dict[str, Region]) -> str:
    """The city or county a county-level code prefix rolls up to, as a 12-digit code. A
    county-level city the province administers directly (仙桃, 潜江, 天门, 神农架) is a city
    of its own, not part of the statistical grouping its code sits in."""
    county_code = code.ljust(12, "0")
    if level == "county":
        return county_code
    county = counties.get(county_code)
    if county is not None and county.directly_administered:
        return county_code
    return code[:CITY_PREFIX].ljust(12, "0")


def volumes_by_region(period: Period, scope: Scope,
                      level: RegionLevel = "city") -> list[VolumeRow]:
    """Tickets received per city or county (by region code prefix), most first; tickets whose
    address matched no region under the key ""."""
    grouped = (received_in(period, scope).order_by()
               .annotate(prefix=Substr("region__code", 1, COUNTY_PREFIX))
               .values("prefix").annotate(n=Count("id")))
    raw = {str(r["prefix"] or ""): int(r["n"]) for r in grouped}
    codes = [p.ljust(12, "0") for p in raw if p]
    counties = {r.code: r for r in Region.objects.filter(code__in=codes)}
    totals: Counter[str] = Counter()
    for prefix, n in raw.items():
        totals[_region_prefix(prefix, level, counties) if prefix else ""] += n
    names = dict(Region.objects.filter(code__in=list(totals)).values_list("code", "name"))
    return [VolumeRow(code, names.get(code, code or _("Location unknown")), n)
            for code, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]


def default_level(scope: Scope) -> RegionLevel:
    """Cities for the province (or no region), counties within a city or below."""
    if scope.region is not None and "/" in scope.region.path:
        return "county"
    return "city"


def volumes_by_day(period: Period, scope: Scope) -> list[DayRow]:
    """Tickets received per local day, every day of the period listed (zeros included)."""
    rows = (received_in(period, scope).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values("day").annotate(n=Count("id")))
    counts = {r["day"]: int(r["n"]) for r in rows}
    return [DayRow(day, counts.get(day, 0)) for day in period.days()]


# --- departments ------------------------------------------------------------------------


def _dept_replied(period: Period, base: QuerySet[Ticket]) -> dict[int, dict[str, Any]]:
    hours = ExpressionWrapper(F("replied_at") - F("dispatched_at"), output_field=DurationField())
    rows = (base.filter(replied_at__gte=period.since, replied_at__lt=period.until)
            .values("organization_id")
            .annotate(replied=Count("id"), on_time=Count("id", filter=Q(replied_on_time=True)),
                      took=Avg(hours, filter=Q(dispatched_at__isnull=False))))
    return {r["organization_id"]: r for r in rows}


def _dept_rated(period: Period, base: QuerySet[Ticket]) -> dict[int, dict[str, Any]]:
    rows = (base.filter(rated_at__gte=period.since, rated_at__lt=period.until)
            .exclude(satisfaction="").values("organization_id")
            .annotate(rated=Count("id"),
                      satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED))))
    return {r["organization_id"]: r for r in rows}


def _dept_overdue(base: QuerySet[Ticket], now: dt.datetime) -> dict[int, int]:
    rows = base.filter(_overdue_q(now)).values("organization_id").annotate(n=Count("id"))
    return {r["organization_id"]: int(r["n"]) for r in rows}


def _dept_returns(period: Period, scope: Scope) -> dict[int, int]:
    events = TicketEvent.objects.filter(action="returned", organization__isnull=False,
                                        created_at__gte=period.since,
                                        created_at__lt=period.until)
    if scope.region is not None:
        events = events.filter(_in_region(scope.region, "ticket__"))
    if scope.organization is not None:
        events = events.filter(organization=scope.organization)
    rows = events.order_by().values("organization_id").annotate(n=Count("id"))
    return {r["organization_id"]: int(r["n"]) for r in rows}


def _hours(took: Any) -> float | None:
    if took is None:
        return None
    if isinstance(took, dt.timedelta):
        return round(took.total_seconds() / 3600, 1)
    return round(float(took) / 3_600_000_000, 1)  # a backend that answers microseconds


def departments(period: Period, scope: Scope,
                now: dt.datetime | None = None) -> list[DepartmentRow]:
    """Per handling organization: replied, on time, rated, satisfied, average handling hours,
    overdue open tickets now and returns (退单) in the period; most replies first."""
    now = now or timezone.now()
    base = scoped(scope).filter(organization__isnull=False,
                                merged_into__isnull=True).order_by()
    replied, rated = _dept_replied(period, base), _dept_rated(period, base)
    overdue, returns = _dept_overdue(base, now), _dept_returns(period, scope)
    ids = set(replied) | set(rated) | set(overdue) | set(returns)
    orgs = Organization.objects.in_bulk(list(ids))
    rows = [DepartmentRow(
        organization_uid=str(orgs[pk].uid), organization_name=orgs[pk].name,
        replied=int(replied.get(pk, {}).get("replied", 0)),
        replied_on_time=int(replied.get(pk, {}).get("on_time", 0)),
        rated=int(rated.get(pk, {}).get("rated", 0)),
        satisfied=int(rated.get(pk, {}).get("satisfied", 0)),
        average_hours=_hours(replied.get(pk, {}).get("took")),
        overdue_open=overdue.get(pk, 0), returns=returns.get(pk, 0)) for pk in ids if pk in orgs]
    return sorted(rows, key=lambda r: (-r.replied, -r.overdue_open, r.organization_name))


# --- keywords and hotspots --------------------------------------------------------------


def _word_counts(texts: Iterable[tuple[str, str]]) -> Counter[str]:
    from jingchu.hotline import segment  # written beside this module; jieba loads lazily

    counts: Counter[str] = Counter()
    for title, content in texts:
        counts.update({w for w in segment.words(f"{title} {content}") if len(w) > 1})
    return counts


def rising_keywords(scope: Scope, *, days: int = 7, today: dt.date | None = None,
                    min_count: int = 3, limit: int = 20) -> list[KeywordRow]:
    """Words that rose in the last `days` days against the `days` days before.

    Each ticket's title and content are segmented (jingchu.hotline.segment.words; one-character
    words dropped) and a word counts once per ticket, so one long complaint does not outweigh
    many short ones. With c the number of tickets mentioning the word in the current window
    and p the number in the previous window, growth = (c + 1) / (p + 1) (add-one smoothing, so
    a new word is not infinitely rising and a word going from 0 to 3 ranks below one going from
    0 to 10). Words with c ≥ `min_count` and c > p are ranked by growth, then by c, then
    alphabetically; the first `limit` are returned.
    """
    current = Period.last_days(days, today)
    previous = Period(current.start - dt.timedelta(days=days),
                      current.start - dt.timedelta(days=1))
    now_texts = received_in(current, scope).values_list("title", "content").iterator()
    then_texts = received_in(previous, scope).values_list("title", "content").iterator()
    c_counts, p_counts = _word_counts(now_texts), _word_counts(then_texts)
    rows = [KeywordRow(word, c, p_counts.get(word, 0), round((c + 1) / (p_counts[word] + 1), 2))
            for word, c in c_counts.items()
            if c >= min_count and c > p_counts.get(word, 0)]
    rows.sort(key=lambda r: (-r.growth, -r.current, r.word))
    return rows[:limit]


def hotspots(scope: Scope, *, limit: int = 10) -> list[HotspotRow]:
    """County-level regions × categories with the most open tickets now, most first."""
    rows = (scoped(scope).filter(status__in=OPEN_STATUSES, region__isnull=False).order_by()
            .annotate(prefix=Substr("region__code", 1, COUNTY_PREFIX))
            .values("prefix", "category_id").annotate(n=Count("id"))
            .order_by("-n", "prefix", "category_id")[:limit])
    found = list(rows)
    codes = [str(r["prefix"]).ljust(12, "0") for r in found]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    cats = Category.objects.in_bulk([r["category_id"] for r in found if r["category_id"]])
    result = []
    for r in found:
        code, cat = str(r["prefix"]).ljust(12, "0"), cats.get(r["category_id"])
        result.append(HotspotRow(code, names.get(code, code), cat.code if cat else "",
                                 cat.name if cat else _("Unclassified"), int(r["n"])))
    return result


# --- who sees what ----------------------------------------------------------------------


def scope_for(user: Any, organization_uid: str = "") -> Scope | None:
    """The scope a user's statistics cover, or None when the user may not see statistics.

    Platform superusers see the province; operators their centre's region (the widest, when
    they work for several centres); a department's handlers their own organization (the one
    named by `organization_uid` when they work for several)."""
    if not permissions.can_view_stats(user):
        return None
    if user.is_superuser:
        return Scope()
    centres = Centre.objects.filter(pk__in=permissions.centre_ids(user)).select_related("region")
    widest = min(centres, key=lambda c: len(c.region.path), default=None)
    if widest is not None:
        return Scope(region=widest.region)
    orgs = Organization.objects.filter(pk__in=permissions.handler_org_ids(user)).order_by("name")
    chosen = next((o for o in orgs if str(o.uid) == organization_uid), None) or orgs.first()
    return Scope(organization=chosen) if chosen is not None else None


# --- for supervision's credit rules -----------------------------------------------------

ENTITY_CHUNK = 500  # primary keys per query, well under any backend's parameter limit


def complaints_about(entity_ids: Iterable[int], since: dt.date,
                     kinds: Iterable[str] = (TicketKind.COMPLAINT, TicketKind.REPORT),
                     ) -> dict[int, list[tuple[str, str, dt.datetime]]]:
    """Complaints and reports (or the `kinds` given) about registered enterprises
    (Ticket.reported_entity) received on or after the local day `since`: LegalEntity pk →
    [(ticket number, kind, received at)], oldest first. Merged duplicates are left out: a matter
    is counted once, on the ticket the duplicates follow. Entities without such tickets are
    absent from the answer. Read by jingchu.supervision.credit."""
    ids, wanted = sorted(set(entity_ids)), [str(k) for k in kinds]
    found: dict[int, list[tuple[str, str, dt.datetime]]] = {}
    for start in range(0, len(ids), ENTITY_CHUNK):
        rows = (Ticket.objects.filter(reported_entity_id__in=ids[start:start + ENTITY_CHUNK],
                                      kind__in=wanted, created_at__gte=day_start(since),
                                      merged_into__isnull=True)
                .exclude(status=TicketStatus.MERGED).order_by("created_at", "number")
                .values_list("reported_entity_id", "number", "kind", "created_at"))
        for entity_id, number, kind, created_at in rows:
            found.setdefault(entity_id, []).append((number, kind, created_at))
    return found
