"""Named permission checks of oversight tasks (督查); every view, endpoint and action calls one
first.

Who does what:
- Leaders of an organization are its approvers and administrators. They issue tasks in its
  name (the issuer), and, for an assignment of their organization, sub-assign it and ask for
  an extension.
- Handlers of an assigned organization are its staff in a handling role (reviewer, approver,
  administrator): they sign for the assignment and report progress, with the completion
  report last. Window clerks, data stewards, inspectors and auditors are not handlers.
- An extension is decided by the leaders of the organization that assigned the work: the
  issuer for a top-level assignment, the parent assignment's organization for a sub-assignment.
- The issuer's leaders review the lead organization's completion (accept and close, or send
  back) and may cancel the task.
- A task is seen by the issuer's staff, the staff of every organization assigned to it, and
  the leaders whose board covers it (below); superusers see and may do everything.
- The board: a leader sees the tasks issued by, or assigned to, any organization in the region
  of one of the leader's organizations or below it (which includes the leader's own).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jingchu.core.models import Organization
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids
from jingchu.oversight.models import OversightTask

HANDLER_ROLES = (StaffRole.REVIEWER, StaffRole.APPROVER, StaffRole.ADMINISTRATOR)
LEADER_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_superuser(user: Any) -> bool:
    return bool(_signed_in(user) and user.is_superuser)


def staff_org_ids(user: Any) -> set[int]:
    """Organizations where the user works, in any role."""
    return org_ids(user)


def handler_org_ids(user: Any) -> set[int]:
    return org_ids(user, HANDLER_ROLES)


def leader_org_ids(user: Any) -> set[int]:
    return org_ids(user, LEADER_ROLES)


def leader_region_paths(user: Any) -> list[str]:
    """The region paths of the user's leader organizations: the board covers each one's tree."""
    mine = leader_org_ids(user)
    if not mine:
        return []
    paths = Organization.objects.filter(pk__in=mine).values_list("region__path", flat=True)
    return sorted(set(paths))


def in_region_tree(region_path: str, root_path: str) -> bool:
    """True when the region is `root_path` itself or below it (codes have a fixed length, so a
    path prefix is exactly 'this region or a descendant')."""
    return region_path == root_path or region_path.startswith(root_path + "/")


# --- menus and pages ----------------------------------------------------------------------


def can_use_oversight(user: Any) -> bool:
    """The oversight home page: any staff member (their organizations' assignments and tasks)."""
    return is_superuser(user) or bool(staff_org_ids(user))


def can_issue(user: Any, issuer: Organization | None = None) -> bool:
    """Issue a task in the name of `issuer` (any organization the user leads when None)."""
    if is_superuser(user):
        return True
    mine = leader_org_ids(user)
    return bool(mine) and (issuer is None or issuer.pk in mine)


def issuer_choices(user: Any) -> QuerySet[Organization]:
    """The organizations the user may issue tasks for."""
    found = Organization.objects.filter(is_active=True).select_related("region")
    if is_superuser(user):
        return found
    return found.filter(pk__in=leader_org_ids(user))


def can_view_board(user: Any) -> bool:
    return is_superuser(user) or bool(leader_org_ids(user))


def board_tasks(user: Any) -> QuerySet[OversightTask]:
    """The tasks the user's board covers (each once): all for a superuser, none for others
    than leaders."""
    tasks = OversightTask.objects.all()
    if is_superuser(user):
        return tasks
    paths = leader_region_paths(user)
    if not paths:
        return tasks.none()
    scope = Q()
    for path in paths:
        scope |= Q(issuer__region__path__startswith=path)
        scope |= Q(assignments__organization__region__path__startswith=path)
    return tasks.filter(pk__in=OversightTask.objects.filter(scope).values("pk"))


def visible_tasks(user: Any) -> QuerySet[OversightTask]:
    """Every task the user may open: issued by or assigned to one of the user's organizations,
    or on the user's board."""
    tasks = OversightTask.objects.all()
    if is_superuser(user):
        return tasks
    mine = staff_org_ids(user)
    if not mine:
        return tasks.none()
    own = OversightTask.objects.filter(
        Q(issuer_id__in=mine) | Q(assignments__organization_id__in=mine)).values("pk")
    board = board_tasks(user).values("pk")
    return tasks.filter(Q(pk__in=own) | Q(pk__in=board))


def can_run_scan(user: Any) -> bool:
    """Run the overdue scan by hand (the scheduler runs it without a user)."""
    return is_superuser(user)


# --- one task -----------------------------------------------------------------------------


def _assigned_org_ids(task: Any) -> set[int]:
    return set(task.assignments.values_list("organization_id", flat=True))


def _board_covers(user: Any, task: Any) -> bool:
    paths = leader_region_paths(user)
    if not paths:
        return False
    regions = [task.issuer.region.path, *Organization.objects.filter(
        pk__in=_assigned_org_ids(task)).values_list("region__path", flat=True)]
    return any(in_region_tree(region, root) for region in regions for root in paths)


def can_view_task(user: Any, task: Any) -> bool:
    if is_superuser(user):
        return True
    mine = staff_org_ids(user)
    if not mine:
        return False
    if task.issuer_id in mine or mine & _assigned_org_ids(task):
        return True
    return _board_covers(user, task)


def can_review_task(user: Any, task: Any) -> bool:
    """Accept the lead's completion (closing the task) or send it back."""
    return is_superuser(user) or task.issuer_id in leader_org_ids(user)


def can_cancel_task(user: Any, task: Any) -> bool:
    return can_review_task(user, task)


# --- one assignment -------------------------------------------------------------------------


def assigning_org_id(assignment: Any) -> int:
    """The organization that gave this assignment: the issuer, or the parent's organization."""
    if assignment.parent_id is not None:
        return int(assignment.parent.organization_id)
    return int(assignment.task.issuer_id)


def is_handler_of(user: Any, assignment: Any) -> bool:
    return is_superuser(user) or assignment.organization_id in handler_org_ids(user)


def is_leader_of(user: Any, assignment: Any) -> bool:
    return is_superuser(user) or assignment.organization_id in leader_org_ids(user)


def can_sign(user: Any, assignment: Any) -> bool:
    return is_handler_of(user, assignment)


def can_report(user: Any, assignment: Any) -> bool:
    return is_handler_of(user, assignment)


def can_sub_assign(user: Any, assignment: Any) -> bool:
    return is_leader_of(user, assignment)


def can_request_extension(user: Any, assignment: Any) -> bool:
    return is_leader_of(user, assignment)


def can_decide_extension(user: Any, assignment: Any) -> bool:
    return is_superuser(user) or assigning_org_id(assignment) in leader_org_ids(user)


def can_download(user: Any, attachment: Any) -> bool:
    """A file of the instruction or of a progress report: whoever may see the task."""
    return can_view_task(user, attachment.task)
