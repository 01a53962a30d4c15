"""Tickets (12345 工单) and what happens to them: events, extensions, supervision, attachments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingchu.core.fields import EncryptedTextField
from jingchu.core.models import Organization, Region
from jingchu.hotline.choices import (
    Channel,
    ExtensionStatus,
    RatingChannel,
    Satisfaction,
    SupervisionLevel,
    SupervisionReason,
    TicketKind,
    TicketStatus,
    Urgency,
)
from jingchu.hotline.models.config import Category, Centre
from jingchu.hotline.models.knowledge import KnowledgeArticle
from jingchu.identity.models import LegalEntity, Person


class TicketNumberCounter(models.Model):
    """The last serial handed out for one prefix (region + day); see jingchu.hotline.numbering."""

    prefix = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(last__lte=999_999),
                                              name="hotline_counter_serial_max")]

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class Ticket(models.Model):
    """One request to 12345 (工单), from intake to closure.

    The caller's phone is SM4-encrypted with a blind index beside it (a repeat caller is found
    by an indexed lookup); departments see it masked. For a report (举报) the caller's identity
    is shown to the centre only. Deadlines are instants (UTC); working-day limits end at the end
    of the local day the calendar gives (jingchu.hotline.deadlines).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Open311's token for a request whose id a client polls for (tokens/{token}).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("ticket number"), max_length=30, unique=True)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(pgettext_lazy("ticket", "channel"), max_length=10,
                               choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=TicketKind.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices,
                               default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("description"))
    # Open311 attribute answers, by attribute code.
    attributes = models.JSONField(default=dict, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tickets", verbose_name=_("category"))
    # What the classifier suggested at intake, kept to measure it and to learn from corrections.
    suggested_category = models.ForeignKey(Category, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    suggested_score = models.FloatField(null=True, blank=True)
    # Location: the address as given, the Region it was matched to, optional WGS-84 coordinates.
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("region"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # The caller. `person` is set when a signed-in citizen filed it or the operator linked the
    # caller to a person; such a person follows and rates the ticket online.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="hotline_tickets")
    caller_name = models.CharField(_("caller's name"), max_length=100, blank=True)
    caller_phone = EncryptedTextField(_("caller's phone"), blank=True, default="")
    caller_phone_index = models.CharField(max_length=64, blank=True, db_index=True,
                                          editable=False)
    # Who a complaint or report is about, when it is an organization of the platform: its staff
    # never see the caller's identity.
    reported_org = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organization complained about"))
    # Who a complaint or report is about, when it is a registered enterprise: counted by
    # supervision's credit rules (jingchu.hotline.stats.complaints_about).
    reported_entity = models.ForeignKey(LegalEntity, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="hotline_tickets",
                                        verbose_name=_("enterprise complained about"))
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices,
                              default=TicketStatus.RECEIVED, db_index=True)
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="hotline_tickets",
                                     verbose_name=_("handling organization"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    sign_deadline = models.DateTimeField(_("sign for by"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    deadline = models.DateTimeField(_("reply by"), null=True, blank=True, db_index=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # Fixed when the reply is given (replied_at ≤ deadline), so statistics need no arithmetic.
    replied_on_time = models.BooleanField(null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12,
                                    choices=Satisfaction.choices, blank=True)
    rating_channel = models.CharField(max_length=10, choices=RatingChannel.choices, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    callback_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    callback_note = models.TextField(_("call-back note"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # 即时办结: a consultation answered at intake from the knowledge base.
    answered_from = models.ForeignKey(KnowledgeArticle, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="tickets")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged")
    supervision_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["organization", "status", "deadline"]),
            models.Index(fields=["region", "status", "created_at"]),
            models.Index(fields=["centre", "status", "created_at"]),
            # The cockpit's daily refresh reads one day's replies and one day's ratings.
            models.Index(fields=["replied_at"], name="hotline_ticket_replied_idx",
                         condition=models.Q(replied_at__isnull=False)),
            models.Index(fields=["rated_at"], name="hotline_ticket_rated_idx",
                         condition=models.Q(rated_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return (self.status in (TicketStatus.DISPATCHED, TicketStatus.HANDLING)
                and self.deadline is not None and timezone.now() > self.deadline)


class TicketEvent(models.Model):
    """The ticket's timeline as its handlers and the caller see it (the AuditEvent is beside it)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class TicketAttachment(models.Model):
    """A file sent with a ticket, kept through the hotline's file store (never a public URL)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.CharField(max_length=300)  # the storage key
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class ExtensionRequest(models.Model):
    """延期申请: the department asks the centre for more working days."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("extra working days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    old_deadline = models.DateTimeField(null=True, blank=True)
    new_deadline = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket"],
                                    condition=models.Q(status=ExtensionStatus.PENDING),
                                    name="hotline_one_pending_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} +{self.working_days}"


class Supervision(models.Model):
    """督办: a late ticket supervised, by the automatic scan or by a centre supervisor."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="supervisions")
    level = models.PositiveSmallIntegerField(_("level"), choices=SupervisionLevel.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=SupervisionReason.choices)
    note = models.TextField(_("note"), blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # The ticket's dispatched_at when it was supervised: a re-dispatch or a reopen starts a new
    # round, whose lateness is supervised from level 1 again.
    round_start = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round_start", "level", "reason"],
                                    condition=~models.Q(reason=SupervisionReason.MANUAL),
                                    name="hotline_auto_supervision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} L{self.level}"
