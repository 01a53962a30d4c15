"""Named permission checks of supervision; every view and endpoint calls one first.

Who does what:
- Department leaders (approvers and administrators of an organization) keep their department's
  regulatory items, inspectors and sampling rules, plan rounds, commit and run draws, and
  publish results. In a joint plan the partner departments' leaders may publish too.
- Department staff in a handling role (reviewer, approver, administrator) record credit events
  (penalties, abnormal-operations listings) in their organization's name.
- Leaders of any department that has regulatory items keep the shared entity directory.
- An inspector records the result of the inspections they were drawn for; a leader of the
  plan's departments may also record it.
- An inspector declares their own conflicts of interest; their department's leaders may too.
- Any staff member reads the directories, credit grades with their explanations, and plans of
  their own departments. Anyone, signed in or not, reads published results and the draws.
"""

from __future__ import annotations

from typing import Any

from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids
from jingchu.identity.services import staff_of

LEADER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
RECORDER_ROLES = (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
KPI_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR, StaffRole.AUDITOR)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _superuser(user: Any) -> bool:
    return bool(_signed_in(user) and user.is_superuser)


def staff_id(user: Any) -> int | None:
    staff = staff_of(user) if _signed_in(user) else None
    return staff.pk if staff is not None else None


def led_org_ids(user: Any) -> set[int]:
    return org_ids(user, LEADER_ROLES)


def plan_org_ids(plan: Any) -> set[int]:
    """The lead department and the joint departments of a plan."""
    return {plan.organization_id, *plan.partners.values_list("id", flat=True)}


# --- public -------------------------------------------------------------------------------


def can_view_public(user: Any) -> bool:
    """Published results, the draws' inputs, commitments, seeds and results are public."""
    return True


# --- directories and rules -----------------------------------------------------------------


def can_use_supervision(user: Any) -> bool:
    return _superuser(user) or bool(org_ids(user))


def can_view_directory(user: Any) -> bool:
    return can_use_supervision(user)


def can_manage_items(user: Any, organization: Any) -> bool:
    """Regulatory items, inspectors and sampling rules of `organization`."""
    return _superuser(user) or organization.pk in led_org_ids(user)


def can_manage_entities(user: Any) -> bool:
    """The shared directory of supervised entities: leaders of a regulating department."""
    if _superuser(user):
        return True
    from jingchu.supervision.models import RegulatoryItem

    led = led_org_ids(user)
    return bool(led) and RegulatoryItem.objects.filter(organization_id__in=led).exists()


def can_declare_conflict(user: Any, inspector: Any) -> bool:
    return (_superuser(user) or inspector.staff_id == staff_id(user)
            or inspector.organization_id in led_org_ids(user))


# --- credit ------------------------------------------------------------------------------


def can_view_credit(user: Any) -> bool:
    """Grades and their explanations are for government staff, not the public."""
    return can_use_supervision(user)


def can_record_credit(user: Any, organization: Any) -> bool:
    return _superuser(user) or organization.pk in org_ids(user, RECORDER_ROLES)


def can_recompute_grades(user: Any) -> bool:
    return _superuser(user) or bool(led_org_ids(user))


# --- plans and draws ---------------------------------------------------------------------


def can_plan(user: Any, organization: Any) -> bool:
    return _superuser(user) or organization.pk in led_org_ids(user)


def can_draw(user: Any, plan: Any) -> bool:
    """Commit, run or cancel the draw: leaders of the lead department."""
    return _superuser(user) or plan.organization_id in led_org_ids(user)


def can_view_plan(user: Any, plan: Any) -> bool:
    if _superuser(user):
        return True
    if plan_org_ids(plan) & org_ids(user):
        return True
    sid = staff_id(user)
    return bool(sid and plan.inspections.filter(inspectors__staff_id=sid).exists())


# --- inspections -------------------------------------------------------------------------


def is_drawn_inspector(user: Any, inspection: Any) -> bool:
    sid = staff_id(user)
    return bool(sid and inspection.inspectors.filter(staff_id=sid).exists())


def can_view_inspection(user: Any, inspection: Any) -> bool:
    return (_superuser(user) or is_drawn_inspector(user, inspection)
            or bool(plan_org_ids(inspection.plan) & org_ids(user)))


def can_record_result(user: Any, inspection: Any) -> bool:
    return (_superuser(user) or is_drawn_inspector(user, inspection)
            or bool(plan_org_ids(inspection.plan) & led_org_ids(user)))


def can_publish(user: Any, inspection: Any) -> bool:
    return _superuser(user) or bool(plan_org_ids(inspection.plan) & led_org_ids(user))


def can_view_kpis(user: Any) -> bool:
    return _superuser(user) or bool(org_ids(user, KPI_ROLES))
