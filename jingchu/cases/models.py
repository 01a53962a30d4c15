"""Cases (办件): one application for one item, its materials, and its timeline of events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.cases.choices import CaseStatus, Channel, Decision
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity, Person, Staff
from jingchu.services.models import (
    ItemImplementation,
    ItemVersion,
    MaterialRequirement,
    ServiceItem,
)

# The case's optional links that are empty when it is submitted online.
NULL_UNTIL_SET = ("accepting_org", "on_behalf_of", "claimed_by")


class Case(models.Model):
    """One application. It keeps the item version it was submitted under, so later edits of the
    item never change what this applicant was asked for."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique through a constraint in Meta, not `unique=True`, which on PostgreSQL also builds a
    # second (LIKE) index that no query uses: case numbers are searched by substring.
    number = models.CharField(_("case number"), max_length=30, null=True, blank=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="cases")
    # Indexes cost every submission a write: a foreign key gets one only where a page or a
    # query looks cases up by it. Versions and implementations are only followed from the case
    # (a PROTECT check on deleting one scans, which an administrator can afford); the handling
    # organization leads the workbench index below.
    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="cases",
                                db_index=False)
    implementation = models.ForeignKey(ItemImplementation, on_delete=models.PROTECT,
                                       related_name="cases", db_index=False)
    handling_org = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="handled_cases", db_index=False)
    # Empty until a step fills them: indexed in Meta only where set (NULL_UNTIL_SET).
    accepting_org = models.ForeignKey(Organization, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="accepted_cases",
                                      db_index=False)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    on_behalf_of = models.ForeignKey(LegalEntity, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="cases",
                                     db_index=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", db_index=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices,
                              default=CaseStatus.DRAFT)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    clock_paused_on = models.DateField(null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    claimed_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="claimed_cases", db_index=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["number"], name="cases_case_number_key")]
        indexes = [
            # A case is looked up by these only once they are set (an equality on a value implies
            # NOT NULL, so the planner uses these partial indexes), and most cases arrive with
            # them empty: a submission writes no entry for them.
            *(models.Index(fields=[name], name=f"cases_case_{name}_set",
                           condition=models.Q(**{f"{name}__isnull": False}))
              for name in NULL_UNTIL_SET),
            models.Index(fields=["handling_org", "status", "deadline"]),
            # The intake queues (全省通办 from any hall): only cases not yet accepted.
            models.Index(fields=["implementation", "status"], name="cases_case_intake_idx",
                         condition=models.Q(accepted_at__isnull=True)),
            # The cockpit's daily refresh reads the cases completed on one day.
            models.Index(fields=["completed_at"], name="cases_case_completed_idx",
                         condition=models.Q(completed_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number or f"draft {self.uid}"


class CaseEvent(models.Model):
    """A step on the case's timeline; the applicant sees those marked public."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    # Not indexed: events are read by their case, and users are never deleted (as the audit
    # trail's actor), so nothing looks events up by their actor's key.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_index=False)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        # The cockpit's daily refresh reads one day's events of one kind (e.g. "submit").
        indexes = [models.Index(fields=["action", "at"], name="cases_event_action_at_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"


class CaseMaterial(models.Model):
    """A material supplied for a case: an uploaded file, or a licence/shared-data reference."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey(MaterialRequirement, on_delete=models.PROTECT,
                                    related_name="+")
    file = models.FileField(upload_to="cases/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=20)
    reference = models.CharField(max_length=120, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requirement__position", "uploaded_at"]

    def __str__(self) -> str:
        return self.filename or self.reference


class CaseNumberCounter(models.Model):
    """The serial behind case numbers, per region, item type and day."""

    prefix = models.CharField(max_length=24, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Six digits a day: the database refuses the serial after the last, so a submission
            # written in one statement cannot take a number that does not exist.
            models.CheckConstraint(condition=models.Q(last__lte=999_999),
                                   name="cases_counter_serial_max"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"
