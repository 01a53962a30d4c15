"""Service ratings (好差评), the rectification of bad ones, appeals and window rating devices.

Only `jingchu.reviews.actions` writes these models.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.cases.models import Case
from jingchu.core.models import Organization, Region
from jingchu.identity.models import Person
from jingchu.reviews.choices import (
    BAD_LEVELS,
    SCORE_MAX,
    SCORE_MIN,
    AppealStatus,
    Indicator,
    Level,
    RatingChannel,
    RectificationStatus,
    Resolution,
    ServiceEvent,
    SmsInvitationStatus,
)
from jingchu.services.models import ServiceItem


class WindowDevice(models.Model):
    """A tablet at a window, opened by a clerk of the organization for anonymous ratings.

    The raw token lives only in the clerk's session on the tablet; the table keeps its SHA-256,
    so a copy of the database cannot be used to rate in the organization's name.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="rating_devices")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.organization} {self.opened_at:%Y-%m-%d %H:%M}"


class Review(models.Model):
    """One rating (好差评) of one service event by one rater, or anonymously at a window."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    event = models.CharField(_("service event"), max_length=20, choices=ServiceEvent.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reviews")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="reviews")
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reviews")
    # The organization's region at rating time, kept so regional statistics are one indexed
    # prefix query on the region path.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=RatingChannel.choices)
    rater = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="reviews")
    device = models.ForeignKey(WindowDevice, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reviews")
    # A phone rating (电话回访) is entered by a staff member on the rater's behalf: who did it.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    # Set when an appeal against the rating is upheld: the rating stays, statistics skip it.
    excluded_from_stats = models.BooleanField(_("excluded from statistics"), default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "event", "rater"],
                condition=models.Q(case__isnull=False, rater__isnull=False),
                name="one_rating_per_case_event_rater",
            ),
            # An anonymous window rating of a case: one per event, so a device cannot flood it.
            models.UniqueConstraint(
                fields=["case", "event"],
                condition=models.Q(case__isnull=False, rater__isnull=True),
                name="one_anonymous_rating_per_case_event",
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5),
                                   name="review_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["organization", "created_at"]),
                   models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.organization}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class ReviewScore(models.Model):
    """The score of one indicator within a rating."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["review", "indicator"], name="one_score_per_indicator"),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="review_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}={self.score}"


class SmsRatingInvitation(models.Model):
    """短信评价: an SMS inviting the applicant to rate one service event by replying to it.

    The reply code is unique among open invitations, so a reply names exactly one. The number
    the invitation went to is kept only as its blind index: a reply is matched on it, and the
    full number stays where it was (the person's record) and in the SMS gateway.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sms_invitations")
    event = models.CharField(_("service event"), max_length=20, choices=ServiceEvent.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="sms_invitations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT,
                               related_name="sms_rating_invitations")
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    reply_code = models.CharField(_("reply code"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=SmsInvitationStatus.choices,
                              default=SmsInvitationStatus.OPEN)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(null=True, blank=True)
    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="sms_invitation")

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reply_code"],
                                    condition=models.Q(status=SmsInvitationStatus.OPEN),
                                    name="open_sms_invitation_code_unique"),
            models.UniqueConstraint(fields=["case", "event", "person"],
                                    condition=models.Q(status=SmsInvitationStatus.OPEN),
                                    name="one_open_sms_invitation_per_case_event"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.event} {self.get_status_display()}"


class Rectification(models.Model):
    """差评整改: opened with a bad rating; call back, fix or explain, close."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="rectification")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="rectifications")
    status = models.CharField(_("status"), max_length=20, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN, db_index=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    opened_at = models.DateTimeField(default=timezone.now)
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    callback_note = models.TextField(_("what the applicant said"), blank=True)
    resolution = models.CharField(_("outcome"), max_length=20, choices=Resolution.choices,
                                  blank=True)
    resolution_text = models.TextField(_("fix or explanation"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Fixed at closure (local date of closing ≤ deadline) so statistics need no date arithmetic.
    closed_on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "opened_at"]
        indexes = [models.Index(fields=["organization", "status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_status_display()}"

    @property
    def is_overdue(self) -> bool:
        return (self.status != RectificationStatus.CLOSED
                and timezone.localdate() > self.deadline)


class Appeal(models.Model):
    """Staff contest a rating as malicious (恶意差评申诉); an approver decides."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices,
                              default=AppealStatus.PENDING, db_index=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.review} {self.get_status_display()}"
