"""Enumerations of 好差评: the five national levels, the indicators, events, channels, states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The five national rating levels; the value is also the score on the 1–5 scale."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASICALLY_SATISFIED = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# 差评: the two lowest levels open a rectification; the three others count as good (好评).
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED})


class Indicator(models.TextChoices):
    """The national 好差评 indicators, each scored 1–5."""

    ATTITUDE = "attitude", _("Service attitude")
    EFFICIENCY = "efficiency", _("Efficiency")
    CONVENIENCE = "convenience", _("Convenience")
    DISCLOSURE = "disclosure", _("Information disclosure")
    OVERALL = "overall", _("Overall satisfaction")


# The indicators a rating form asks for, in order. Edit this list (not the enum) to ask for
# fewer; statistics average whatever indicators were scored.
INDICATORS: list[str] = [
    Indicator.ATTITUDE, Indicator.EFFICIENCY, Indicator.CONVENIENCE, Indicator.DISCLOSURE,
    Indicator.OVERALL,
]
SCORE_MIN = 1
SCORE_MAX = 5


class ServiceEvent(models.TextChoices):
    """The service event a rating is about (评价节点)."""

    CONSULTATION = "consultation", _("Consultation")
    SUBMISSION = "submission", _("Submission")
    CORRECTION = "correction", _("Correction")
    PAYMENT = "payment", _("Payment")
    COMPLETION = "completion", _("Completion")


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW_DEVICE = "window", _("Window device")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")


class SmsInvitationStatus(models.TextChoices):
    """短信评价邀请: open until answered; an open one past its expiry no longer takes replies."""

    OPEN = "open", _("Awaiting reply")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CALLED_BACK = "called_back", _("Called back")
    RESOLVED = "resolved", _("Fixed or explained")
    CLOSED = "closed", _("Closed")


class Resolution(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    EXPLAINED = "explained", _("Explained")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")
