"""Named permission checks of the 12345 hotline; every view and endpoint calls one first.

Who does what:
- Operators (话务员) are the staff of a centre's organization, any role: they take calls, file,
  classify, dispatch, merge, answer from the knowledge base, call back and close.
- Centre supervisors are the centre organization's approvers and administrators: they decide
  extensions, supervise (督办), and keep the routing table, time limits, knowledge base and
  Open311 keys.
- Handlers are the staff of the handling organization in a handling role: they sign for,
  return (退单), ask for an extension and reply. Data stewards, auditors and inspectors of the
  same organization are not handlers.
- The citizen who filed a ticket (or whom the operator linked to it) follows it, rates it and
  may reopen it once.
- Privacy: departments see the caller's phone masked; for a report (举报), and for any ticket
  about their own organization, departments do not see who called at all.
"""

from __future__ import annotations

from typing import Any

from jingchu.hotline.choices import TicketKind
from jingchu.identity.choices import StaffRole
from jingchu.identity.permissions import org_ids

HANDLER_ROLES = (StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.APPROVER,
                 StaffRole.ADMINISTRATOR)
SUPERVISOR_ROLES = (StaffRole.APPROVER, StaffRole.ADMINISTRATOR)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _superuser(user: Any) -> bool:
    return bool(_signed_in(user) and user.is_superuser)


def centre_ids(user: Any) -> set[int]:
    """Primary keys of the centres whose organization the user works in (any role)."""
    from jingchu.hotline.models import Centre

    orgs = org_ids(user)
    if not orgs:
        return set()
    return set(Centre.objects.filter(organization_id__in=orgs).values_list("id", flat=True))


def supervised_centre_ids(user: Any) -> set[int]:
    from jingchu.hotline.models import Centre

    orgs = org_ids(user, SUPERVISOR_ROLES)
    if not orgs:
        return set()
    return set(Centre.objects.filter(organization_id__in=orgs).values_list("id", flat=True))


def handler_org_ids(user: Any) -> set[int]:
    return org_ids(user, HANDLER_ROLES)


def person_id(user: Any) -> int | None:
    if not _signed_in(user):
        return None
    person = getattr(user, "person", None)
    return person.pk if person is not None else None


# --- desks and menus -----------------------------------------------------------------------


def can_file_online(user: Any) -> bool:
    """Anyone may file on the web portal or the mobile page; a signed-in citizen follows it."""
    return True


def can_use_operator_desk(user: Any) -> bool:
    return _superuser(user) or bool(centre_ids(user))


def can_use_department_queue(user: Any) -> bool:
    return bool(handler_org_ids(user))


def can_supervise_centre(user: Any) -> bool:
    return _superuser(user) or bool(supervised_centre_ids(user))


def can_list_own_tickets(user: Any) -> bool:
    return person_id(user) is not None


def can_manage_configuration(user: Any) -> bool:
    """Routing table, time limits, categories, knowledge base, Open311 keys."""
    return can_supervise_centre(user)


def can_search_knowledge(user: Any) -> bool:
    return can_use_operator_desk(user) or can_use_department_queue(user)


def can_view_stats(user: Any) -> bool:
    return can_use_operator_desk(user) or can_use_department_queue(user)


# --- one ticket ---------------------------------------------------------------------------


def is_operator_of(user: Any, ticket: Any) -> bool:
    return _superuser(user) or ticket.centre_id in centre_ids(user)


def is_supervisor_of(user: Any, ticket: Any) -> bool:
    return _superuser(user) or ticket.centre_id in supervised_centre_ids(user)


def is_handler_of(user: Any, ticket: Any) -> bool:
    return ticket.organization_id is not None and ticket.organization_id in handler_org_ids(user)


def is_caller(user: Any, ticket: Any) -> bool:
    pid = person_id(user)
    return pid is not None and ticket.person_id == pid


def can_view_ticket(user: Any, ticket: Any) -> bool:
    return is_operator_of(user, ticket) or is_handler_of(user, ticket) or is_caller(user, ticket)


def can_dispatch(user: Any, ticket: Any) -> bool:
    return is_operator_of(user, ticket)


def can_handle(user: Any, ticket: Any) -> bool:
    """Sign for, return (退单), ask for an extension, reply."""
    return is_handler_of(user, ticket)


def can_decide_extension(user: Any, ticket: Any) -> bool:
    return is_supervisor_of(user, ticket)


def can_supervise(user: Any, ticket: Any) -> bool:
    return is_supervisor_of(user, ticket)


def can_call_back(user: Any, ticket: Any) -> bool:
    return is_operator_of(user, ticket)


def can_close(user: Any, ticket: Any) -> bool:
    return is_operator_of(user, ticket)


def can_rate(user: Any, ticket: Any) -> bool:
    return is_caller(user, ticket)


def can_reopen(user: Any, ticket: Any) -> bool:
    """The caller online, or the operator on the call-back on the caller's word."""
    return is_caller(user, ticket) or is_operator_of(user, ticket)


def can_see_caller(user: Any, ticket: Any) -> bool:
    """Who called (name). Departments never see the identity of a reporter (举报), nor of anyone
    complaining about their own organization."""
    if is_operator_of(user, ticket) or is_caller(user, ticket):
        return True
    if ticket.kind == TicketKind.REPORT:
        return False
    if ticket.reported_org_id is not None and ticket.reported_org_id in org_ids(user):
        return False
    return is_handler_of(user, ticket)


def can_see_caller_phone(user: Any, ticket: Any) -> bool:
    """The full phone number: the centre and the caller; departments see it masked."""
    return is_operator_of(user, ticket) or is_caller(user, ticket)


# --- Open311 ------------------------------------------------------------------------------


def can_read_open311(user: Any) -> bool:
    """GeoReport v2 reads (services, requests, tokens) are public by the standard; reports
    (举报) and callers' identities are never published (jingchu.hotline.open311)."""
    return True


def can_manage_open311_keys(user: Any, centre: Any) -> bool:
    return _superuser(user) or centre.pk in supervised_centre_ids(user)
