"""Named permission checks of the cases app.

Who may accept (通办范围): 全省通办 items at any organization in the province, 全市通办 within the
implementing organization's city, 全县通办 within its county, 定点办理 only at the implementing
organization or a service hall in the same region. A case lodged at a counter is accepted at
that counter. Review, decision and completion stay with staff of the handling organization;
the result is delivered by a clerk where the case was accepted or at the handling organization.

"City" follows Hubei's own usage: the directly administered cities (仙桃, 潜江, 天门, 神农架) are
cities, and the statistical grouping above them (429000) is not.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jingchu.cases.choices import CaseStatus, Channel
from jingchu.cases.models import Case
from jingchu.cases.workflow import APPLICANT, TRANSITIONS, Transition
from jingchu.core.choices import OrganizationKind, RegionLevel
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.identity.services import authorization_for, staff_of
from jingchu.services.choices import ServiceArea
from jingchu.services.models import ItemImplementation

CASE_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)
# Before acceptance, every clerk who may accept the case may open it.
INTAKE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.CORRECTION_REQUESTED)


def staff_record(user: Any) -> Any:
    """The signed-in user's staff record, or None (citizens, anonymous callers)."""
    return staff_of(user) if getattr(user, "is_authenticated", False) else None


def staff_orgs(user: Any, role: str) -> list[Organization]:
    """The organizations where the signed-in user holds `role` (none for citizens)."""
    staff = staff_record(user)
    if staff is None:
        return []
    return [a.organization for a in staff.assignments.filter(role=role)
            .select_related("organization__region")]


def _path_regions(region: Region) -> list[Region]:
    """The region's ancestors and itself, from the province down."""
    codes = region.path.split("/")
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _is_city(region: Region) -> bool:
    return (region.level == RegionLevel.CITY and not region.is_statistical) or bool(
        region.directly_administered)


def _is_at(region: Region, area: str) -> bool:
    return _is_city(region) if area == ServiceArea.CITY else region.is_county_level


def scope_code(region: Region, area: str) -> str | None:
    """The region code the service area reaches from the implementing organization's region."""
    if area == ServiceArea.PROVINCE:
        return region.path.split("/")[0]
    if area not in (ServiceArea.CITY, ServiceArea.COUNTY):
        return None
    for ancestor in _path_regions(region):
        if _is_at(ancestor, area):
            return ancestor.code
    return region.code


def org_may_accept(org: Organization, impl: ItemImplementation) -> bool:
    home = impl.organization
    if org.pk == home.pk:
        return True
    if impl.service_area == ServiceArea.FIXED:
        return org.kind == OrganizationKind.SERVICE_HALL and org.region_id == home.region_id
    scope = scope_code(home.region, impl.service_area)
    return scope is not None and scope in org.region.path.split("/")


def _area_q(ancestors: list[Region], area: str) -> Q:
    """Implementations of `area` whose scope code is one of `ancestors` (see scope_code)."""
    first = next((i for i, r in enumerate(ancestors) if _is_at(r, area)), len(ancestors))
    above = [r.code for r in ancestors[:first]]
    q = Q(organization__region__code__in=above)
    if first < len(ancestors):
        path = ancestors[first].path
        q |= Q(organization__region__path=path) | Q(
            organization__region__path__startswith=path + "/")
    return Q(service_area=area) & q


def acceptable_implementations(org: Organization) -> Q:
    """The same rule as `org_may_accept`, as one query over ItemImplementation."""
    ancestors = _path_regions(org.region)
    q = Q(organization_id=org.pk) | Q(
        service_area=ServiceArea.PROVINCE,
        organization__region__path__startswith=org.region.path.split("/")[0])
    q |= _area_q(ancestors, ServiceArea.CITY) | _area_q(ancestors, ServiceArea.COUNTY)
    if org.kind == OrganizationKind.SERVICE_HALL:
        q |= Q(service_area=ServiceArea.FIXED, organization__region_id=org.region_id)
    return q


def accepting_orgs(user: Any, impl: ItemImplementation) -> list[Organization]:
    return [o for o in staff_orgs(user, StaffRole.WINDOW_CLERK) if org_may_accept(o, impl)]


def intake_orgs(user: Any, case: Case) -> list[Organization]:
    """The clerk's organizations that may accept this case: in the item's 通办范围, and the
    counter itself when the case was lodged at one."""
    orgs = accepting_orgs(user, case.implementation)
    if case.accepting_org_id is not None:
        orgs = [o for o in orgs if o.pk == case.accepting_org_id]
    return orgs


def is_applicant(user: Any, case: Case) -> bool:
    """The applicant, or a person acting now for the enterprise the case was made for."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return False
    if case.applicant_id == person.pk:
        return True
    if case.on_behalf_of is None:
        return False
    return authorization_for(person, case.on_behalf_of) is not None


def handles(user: Any, case: Case, role: str) -> bool:
    return any(o.pk == case.handling_org_id for o in staff_orgs(user, role))


def may_deliver(user: Any, case: Case) -> bool:
    """The result goes out where the case was accepted, or from the handling organization."""
    places = {case.handling_org_id, case.accepting_org_id} - {None}
    return any(o.pk in places for o in staff_orgs(user, StaffRole.WINDOW_CLERK))


# At the counter the clerk lodges the walk-in applicant's papers: submitting them, and handing in
# corrections, are the clerk's steps too. Withdrawing stays the applicant's own decision.
COUNTER_STEPS = frozenset({"submit", "resubmit", "supplement"})


def can_transition(user: Any, case: Case, transition: Transition) -> bool:
    if transition.actor == APPLICANT:
        if is_applicant(user, case):
            return True
        return transition.name in COUNTER_STEPS and counter_may_edit(user, case)
    if transition.name == "deliver":
        # Before acceptance the intake clerks stand for the counter the result will go to.
        return may_deliver(user, case) or (
            case.accepting_org_id is None and bool(intake_orgs(user, case)))
    if transition.actor == StaffRole.WINDOW_CLERK:
        return bool(intake_orgs(user, case))
    return handles(user, case, transition.actor)


# The transitions leaving each (status, accepted) pair, in TRANSITIONS' order: both are fixed
# while the process runs, and a new submission's answer lists its steps.
_LEAVING: dict[tuple[str, bool], tuple[Transition, ...]] = {}


def _leaving(status: str, accepted: bool) -> tuple[Transition, ...]:
    found = _LEAVING.get((status, accepted))
    if found is None:
        found = _LEAVING[status, accepted] = tuple(
            t for t in TRANSITIONS.values() if t.applies(status, accepted))
    return found


def transitions_for(user: Any, case: Case) -> list[Transition]:
    """The steps this user may take on the case now (the buttons to show)."""
    leaving = _leaving(case.status, case.accepted_at is not None)
    if staff_record(user) is None:
        # Every staff step, and a clerk's part in the applicant's steps, goes through
        # `staff_orgs`, which is empty without a staff record: only the applicant's own steps
        # are left. Why: an applicant's answer lists its steps, and asking `can_transition`
        # for each staff step took ~4% of a submission's time in the web process.
        own = [t for t in leaving if t.actor == APPLICANT]
        return own if own and is_applicant(user, case) else []
    return [t for t in leaving if can_transition(user, case, t)]


def can_work_on_case(user: Any, case: Case) -> bool:
    """Staff side: the handling organization's staff, the accepting counter, and any clerk who
    may accept the case while it waits for intake."""
    if any(handles(user, case, role) for role in CASE_ROLES):
        return True
    if may_deliver(user, case):
        return True
    in_intake = case.accepted_at is None and case.status in INTAKE_STATUSES
    return in_intake and bool(intake_orgs(user, case))


def can_view_case(user: Any, case: Case) -> bool:
    return is_applicant(user, case) or can_work_on_case(user, case)


def can_apply(user: Any) -> bool:
    return getattr(user, "person", None) is not None if getattr(
        user, "is_authenticated", False) else False


def can_use_workbench(user: Any) -> bool:
    staff = staff_record(user)
    return staff is not None and staff.assignments.filter(role__in=CASE_ROLES).exists()


def counter_may_edit(user: Any, case: Case) -> bool:
    """At the counter the clerk fills in the draft for the walk-in applicant."""
    return case.channel == Channel.COUNTER and bool(intake_orgs(user, case))


def may_claim(user: Any, case: Case) -> bool:
    return handles(user, case, StaffRole.REVIEWER) or handles(user, case, StaffRole.APPROVER)


def can_use_counter(user: Any) -> bool:
    """Window clerks lodge applications for walk-in citizens."""
    return bool(staff_orgs(user, StaffRole.WINDOW_CLERK))
