"""Read-side helpers of the cases API: whose cases, which tasks, which steps (no writes here)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from jingchu.cases import permissions
from jingchu.cases.choices import CaseStatus
from jingchu.cases.models import Case
from jingchu.cases.workflow import APPLICANT, Transition
from jingchu.core.compiled import CompiledQuery
from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.identity.choices import StaffRole
from jingchu.identity.models import LegalEntity
from jingchu.identity.services import live_authorizations, person_of
from jingchu.services.choices import ServiceArea
from jingchu.services.models import ItemImplementation, ItemVersion, ServiceItem

CASE_RELATED = (
    "item", "version", "implementation__organization__region", "handling_org",
    "accepting_org", "on_behalf_of", "applicant",
)
VERSION_CACHE_SIZE = 1024
_versions: dict[int, ItemVersion] = {}
# What an application is filed against (implementation, item, current version, organization)
# is kept per process this long: a submission costs no catalog query, and the price is that
# publishing a new version or closing an implementation reaches the API up to this many seconds
# later in each process (the case still records exactly the version it was checked against).
IMPLEMENTATION_CACHE_SECONDS = 2.0
_implementations: dict[tuple[str, str], tuple[float, ItemImplementation]] = {}
_implementations_lock = threading.Lock()
STAFF_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)
# Statuses in which each role has a step to take (from the workflow's transitions).
ROLE_STATUSES: dict[str, set[str]] = {
    StaffRole.WINDOW_CLERK: {CaseStatus.SUBMITTED, CaseStatus.COMPLETED},
    StaffRole.REVIEWER: {CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED,
                         CaseStatus.DECIDED},
    StaffRole.APPROVER: {CaseStatus.UNDER_REVIEW},
}


def my_cases(user: Any) -> QuerySet[Case]:
    """The person's own applications and those of the enterprises they may act for now."""
    person = person_of(user)
    if person is None:
        return Case.objects.none()
    entities = live_authorizations(person).values("legal_entity_id")
    return Case.objects.filter(
        Q(applicant=person) | Q(on_behalf_of_id__in=entities)
    ).select_related(*CASE_RELATED)


def case_for(user: Any, uid: uuid.UUID) -> Case:
    """The case if the user may see it; 404 otherwise, so outsiders learn nothing."""
    case = Case.objects.select_related(*CASE_RELATED).filter(uid=uid).first()
    if case is None or not permissions.can_view_case(user, case):
        raise Http404(_("No such application."))
    return case


def steps_for(user: Any, case: Case) -> list[Transition]:
    """The transitions this user may take on the case in its current status."""
    return permissions.transitions_for(user, case)


def _orgs_by_role(user: Any) -> dict[str, list[Organization]]:
    staff = permissions.staff_record(user)
    out: dict[str, list[Organization]] = {role: [] for role in STAFF_ROLES}
    if staff is None:
        return out
    for a in staff.assignments.filter(role__in=STAFF_ROLES).select_related("organization__region"):
        out[a.role].append(a.organization)
    return out


def _acceptable_here(org: Organization) -> Q:
    """A superset, in SQL, of the submitted cases this counter may accept; the permission
    function decides each row (see `permissions.org_may_accept`)."""
    home = "implementation__organization"
    prefixes = org.region.path.split("/")
    ancestors = ["/".join(prefixes[: i + 1]) for i in range(len(prefixes))]
    wide = Q(implementation__service_area=ServiceArea.PROVINCE)
    for area in (ServiceArea.CITY, ServiceArea.COUNTY):
        # The scope region is an ancestor of both the implementing organization and this one.
        near = Q()
        for path in ancestors[1:]:
            near |= Q(**{f"{home}__region__path": path}) | Q(
                **{f"{home}__region__path__startswith": path + "/"})
        wide |= Q(implementation__service_area=area) & near
    fixed = Q(implementation__service_area=ServiceArea.FIXED,
              **{f"{home}__region_id": org.region_id}) if org.kind == "service_hall" else Q(pk=None)
    return Q(**{home: org}) | wide | fixed


def task_candidates(user: Any) -> QuerySet[Case]:
    """Cases on which this staff member probably has a step; `steps_for` settles each one."""
    orgs = _orgs_by_role(user)
    condition = Q(pk=None)
    for org in orgs[StaffRole.WINDOW_CLERK]:
        condition |= Q(status=CaseStatus.SUBMITTED) & _acceptable_here(org)
        condition |= Q(status=CaseStatus.COMPLETED, handling_org=org)
    for role in (StaffRole.REVIEWER, StaffRole.APPROVER):
        for org in orgs[role]:
            condition |= Q(status__in=ROLE_STATUSES[role], handling_org=org)
    return Case.objects.filter(condition).select_related(*CASE_RELATED).order_by(
        "deadline", "submitted_at", "id")


def resolve_implementation(item: ServiceItem, code: str) -> ItemImplementation:
    """The implementation named by `code`, or the item's only active one."""
    qs = ItemImplementation.objects.filter(item=item, is_active=True).select_related(
        "item__current_version", "organization__region")
    if code:
        found = qs.filter(code=code).first()
        if found is None:
            raise ActionError("implementation_unknown",
                              _("This service is not implemented under that code."),
                              {"field": "implementation"}, status=422)
        return found
    choices = list(qs[:20])
    if len(choices) != 1:
        raise ActionError(
            "implementation_required",
            _("Please choose where to apply: this service is implemented in several places."),
            {"field": "implementation", "choices": [i.code for i in choices]}, status=422,
        )
    return choices[0]


def published_version(pk: int, item_id: int) -> ItemVersion:
    """An item version by its key, kept per process: a published version never changes (a
    change is a new version) and PostgreSQL never hands out a key twice. Tests, whose rolled
    back keys SQLite may reuse, clear it with `forget_versions`; a cached version of another
    item is read again."""
    found = _versions.get(pk)
    if found is None or found.item_id != item_id:
        found = ItemVersion.objects.get(pk=pk)
        if len(_versions) >= VERSION_CACHE_SIZE:
            _versions.clear()
        _versions[pk] = found
    return found


def forget_versions() -> None:
    """Drop the cached versions and implementations (tests; a catalog change that must bite at
    once in this process)."""
    _versions.clear()
    with _implementations_lock:
        _implementations.clear()


def implementation_for(service: str, code: str) -> ItemImplementation:
    """The implementation to apply at, with its item, the item's current version and the
    organization's region, kept per process for IMPLEMENTATION_CACHE_SECONDS."""
    key, now = (service, code), time.monotonic()
    with _implementations_lock:
        entry = _implementations.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    found = _load_implementation(service, code)
    with _implementations_lock:
        if len(_implementations) >= VERSION_CACHE_SIZE:
            _implementations.clear()
        _implementations[key] = (now + IMPLEMENTATION_CACHE_SECONDS, found)
    return found


def _implementations_of(service: str) -> QuerySet[ItemImplementation]:
    return ItemImplementation.objects.filter(
        item__code=service, item__current_version__isnull=False, is_active=True,
    ).select_related("item", "organization__region").order_by("code")


# Compiled once per process (jingchu.core.compiled): each implementation is loaded again every
# IMPLEMENTATION_CACHE_SECONDS in each process, and compiling the query was most of a load.
_IMPLEMENTATION: CompiledQuery[ItemImplementation] = CompiledQuery(
    lambda service, code: _implementations_of(service).filter(code=code)[:1], 2)
_FIRST_TWO: CompiledQuery[ItemImplementation] = CompiledQuery(
    lambda service: _implementations_of(service)[:2], 1)


def _load_implementation(service: str, code: str) -> ItemImplementation:
    """One query for the implementation, its item and region; the version from
    `published_version`. Any refusal is worded by `resolve_implementation` (and not cached)."""
    found = _IMPLEMENTATION.run(service, code) if code else _FIRST_TWO.run(service)
    if len(found) == 1:
        item = found[0].item
        item.current_version = published_version(int(item.current_version_id or 0), item.pk)
        return found[0]
    published = ServiceItem.objects.filter(code=service, current_version__isnull=False).first()
    if published is None:
        raise ActionError("service_unknown", _("No service has this code."),
                          {"field": "service"}, status=422)
    return resolve_implementation(published, code)


def entity_for(user: Any, uscc: str) -> LegalEntity | None:
    """The legal entity named by its credit code; the action checks the person may act for it."""
    if not uscc:
        return None
    entity = LegalEntity.objects.filter(uscc=uscc.strip().upper()).first()
    if entity is None:
        raise ActionError("entity_unknown", _("No legal entity has this credit code."),
                          {"field": "on_behalf_of"}, status=422)
    return entity


def actor_of_step(transition: Transition) -> str:
    return "applicant" if transition.actor == APPLICANT else str(transition.actor)
