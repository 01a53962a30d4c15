"""Enumerations of oversight tasks (督查督办)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Task in progress")
    REVIEW = "review", _("Awaiting the issuer's review")
    CLOSED = "closed", _("Task closed")
    CANCELLED = "cancelled", _("Task cancelled")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead organization")
    CO = "co", _("Co-organizing organization")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Awaiting sign-for")
    SIGNED = "signed", _("Signed for, in progress")
    REPORTED = "reported", _("Completion reported")
    RETURNED = "returned", _("Sent back")
    DONE = "done", _("Accepted by the issuer")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", pgettext_lazy("extension", "Approved")
    REFUSED = "refused", _("Refused")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    ASSIGNEE = 1, _("Reminded the assignee")
    ASSIGNER = 2, _("Escalated to the assigning organization")
    PARENT = 3, _("Escalated to the parent organization")


# Assignments still to be completed: signed for or not, or sent back by the issuer.
OPEN_ASSIGNMENT = (AssignmentStatus.ASSIGNED, AssignmentStatus.SIGNED,
                   AssignmentStatus.RETURNED)
# Assignments that may report progress, sub-assign and ask for more time (signed for).
WORKING_ASSIGNMENT = (AssignmentStatus.SIGNED, AssignmentStatus.RETURNED)
# Tasks still being worked on.
LIVE_TASK = (TaskStatus.OPEN, TaskStatus.REVIEW)


class BoardLevel(models.TextChoices):
    """The four levels of government an assignee's region sits at (the board's grouping)."""

    PROVINCE = "province", _("Province level")
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")
    TOWNSHIP = "township", _("Township level")
