"""Enumerations of the 12345 hotline (12345 政务服务便民热线)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TicketKind(models.TextChoices):
    CONSULT = "consult", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Channel(models.TextChoices):
    """Where a ticket came in; every ticket records one."""

    WEB = "web", _("Web portal")
    MOBILE = "mobile", _("Mobile page")
    PHONE = "phone", _("Phone call")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class TicketStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # at the centre, not yet dispatched
    DISPATCHED = "dispatched", _("Dispatched")  # waiting for the department to sign for it
    HANDLING = "handling", _("Being handled")  # signed for
    RETURNED = "returned", _("Returned to the centre")  # 退单: wrong dispatch, to re-dispatch
    REPLIED = "replied", _("Replied")  # the department answered; call-back and rating next
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged")  # a duplicate; follows the ticket it was merged into


OPEN_STATUSES = frozenset({TicketStatus.RECEIVED, TicketStatus.DISPATCHED,
                           TicketStatus.HANDLING, TicketStatus.RETURNED})
# Where a department holds the ticket and its clocks run.
AT_DEPARTMENT = frozenset({TicketStatus.DISPATCHED, TicketStatus.HANDLING})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class RatingChannel(models.TextChoices):
    SELF = "self", _("By the citizen online")
    CALLBACK = "callback", _("On the call-back")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension", "Waiting for decision")
    APPROVED = "approved", pgettext_lazy("extension", "Approved")
    REFUSED = "refused", pgettext_lazy("extension", "Refused")
    # Still pending when the ticket was returned or replied: nobody decided it.
    CANCELLED = "cancelled", pgettext_lazy("extension", "Cancelled")


class SupervisionLevel(models.IntegerChoices):
    """督办: each level tells more people; the scan raises it while a ticket stays late."""

    NOTICE = 1, _("Supervision notice")  # to the handling department
    # to the department's approvers and the centre's supervisors
    ESCALATED = 2, pgettext_lazy("supervision", "Escalated")
    HIGHER = 3, _("Escalated to the higher level")  # to the parent organization


class SupervisionReason(models.TextChoices):
    SIGN_OVERDUE = "sign_overdue", _("Not signed for in time")
    HANDLE_OVERDUE = "handle_overdue", _("Not replied in time")
    MANUAL = "manual", _("Supervised by the centre")


class TrainingSource(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with the platform")
    CORRECTION = "correction", _("Operator's correction")


class AttributeType(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes, with the standard's spelling."""

    STRING = "string", _("Text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")
