from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # In context: elsewhere "Submitted" heads a column of times (提交时间), "Accepted" says a
    # request was granted (通过); a case's state is 已提交, 已受理.
    SUBMITTED = "submitted", pgettext_lazy("case", "Submitted")
    CORRECTION_REQUESTED = "correction", _("Correction requested")
    REFUSED = "refused", _("Not accepted")
    ACCEPTED = "accepted", pgettext_lazy("case", "Accepted")
    UNDER_REVIEW = "under_review", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    DECIDED = "decided", _("Decided")
    COMPLETED = "completed", _("Completed")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")
    API = "api", _("Department system")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class SlaState(models.TextChoices):
    """Colour of a case on the workbench."""

    ON_TIME = "on_time", _("On time")
    NEAR_DUE = "near_due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    PAUSED = "paused", _("Clock paused")
    NONE = "none", _("No deadline")
