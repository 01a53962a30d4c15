"""Named permission checks of the cases app.

Who may accept: 全省通办 items at any organization in the province, 全市通办 within the
implementing organization's city, 全县通办 within its county, 定点办理 only at the implementing
organization or a service hall in the same region. Review, decision and completion stay with
staff of the handling organization.
"""

from __future__ import annotations

from typing import Any

from jingchu.cases.models import Case
from jingchu.cases.workflow import APPLICANT, Transition
from jingchu.core.choices import RegionLevel
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import StaffRole
from jingchu.services.choices import ServiceArea
from jingchu.services.models import ItemImplementation


def _staff_orgs(user: Any, role: str) -> list[Organization]:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    if staff is None:
        return []
    return [a.organization for a in staff.assignments.filter(role=role)
            .select_related("organization__region")]


def _ancestor_at(region: Region, level: str) -> str | None:
    for code in region.path.split("/"):
        if Region.objects.filter(code=code, level=level).exists():
            return code
    return None


def _scope_code(region: Region, area: str) -> str | None:
    """The region code the service area reaches from the implementing organization."""
    if area == ServiceArea.PROVINCE:
        return region.path.split("/")[0]
    if area == ServiceArea.CITY:
        return _ancestor_at(region, RegionLevel.CITY) or region.code
    if area == ServiceArea.COUNTY:
        return _ancestor_at(region, RegionLevel.COUNTY) or region.code
    return None


def org_may_accept(org: Organization, impl: ItemImplementation) -> bool:
    home = impl.organization
    if org.pk == home.pk:
        return True
    if impl.service_area == ServiceArea.FIXED:
        return org.kind == "service_hall" and org.region_id == home.region_id
    scope = _scope_code(home.region, impl.service_area)
    return scope is not None and (f"/{scope}/" in f"/{org.region.path}/")


def accepting_orgs(user: Any, impl: ItemImplementation) -> list[Organization]:
    return [o for o in _staff_orgs(user, StaffRole.WINDOW_CLERK) if org_may_accept(o, impl)]


def is_applicant(user: Any, case: Case) -> bool:
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return False
    if case.applicant_id == person.pk:
        return True
    if case.on_behalf_of_id is None:
        return False
    return person.authorizations.filter(legal_entity_id=case.on_behalf_of_id,
                                        revoked_at__isnull=True).exists()


def handles(user: Any, case: Case, role: str) -> bool:
    return any(o.pk == case.handling_org_id for o in _staff_orgs(user, role))


def can_view_case(user: Any, case: Case) -> bool:
    if is_applicant(user, case):
        return True
    staff_roles = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)
    if any(handles(user, case, role) for role in staff_roles):
        return True
    return bool(case.accepting_org_id and any(
        o.pk == case.accepting_org_id for o in _staff_orgs(user, StaffRole.WINDOW_CLERK)))


def can_transition(user: Any, case: Case, transition: Transition) -> bool:
    if transition.actor == APPLICANT:
        return is_applicant(user, case)
    if transition.actor == StaffRole.WINDOW_CLERK and transition.name != "deliver":
        return bool(accepting_orgs(user, case.implementation))
    return handles(user, case, transition.actor)


def can_apply(user: Any) -> bool:
    return getattr(user, "person", None) is not None if getattr(
        user, "is_authenticated", False) else False


def can_use_workbench(user: Any) -> bool:
    roles = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER)
    return any(_staff_orgs(user, role) for role in roles)


def counter_may_edit(user: Any, case: Case) -> bool:
    """At the counter the clerk fills in the draft for the walk-in applicant."""
    from jingchu.cases.choices import Channel

    return case.channel == Channel.COUNTER and bool(accepting_orgs(user, case.implementation))


def may_claim(user: Any, case: Case) -> bool:
    return handles(user, case, StaffRole.REVIEWER) or handles(user, case, StaffRole.APPROVER)
