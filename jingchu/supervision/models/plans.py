"""Inspection plans (抽查计划), their public draws (双随机), the inspections drawn, and results."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingchu.core.fields import EncryptedTextField
from jingchu.core.models import Organization, Region
from jingchu.identity.models import LegalEntity
from jingchu.supervision.choices import FollowUpStatus, InspectionStatus, Outcome, PlanStatus
from jingchu.supervision.models.catalog import Inspector, RegulatoryItem


class PlanNumberCounter(models.Model):
    """The last serial handed out for one prefix (region + year)."""

    prefix = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class InspectionPlan(models.Model):
    """One round of double-random inspections, by one department or several jointly
    (部门联合抽查: the same entity is visited once by inspectors of every department)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("plan number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="inspection_plans",
                                     verbose_name=_("lead department"))
    partners = models.ManyToManyField(Organization, blank=True, related_name="+",
                                      verbose_name=_("joint departments"))
    items = models.ManyToManyField(RegulatoryItem, related_name="plans",
                                   verbose_name=_("regulatory items"))
    # Scope: entities registered in these regions (and below) in these industries (empty: all).
    regions = models.ManyToManyField(Region, related_name="+", verbose_name=_("regions"))
    industries = models.JSONField(default=list, blank=True)
    ratio_percent = models.DecimalField(_("base sampling ratio (%)"), max_digits=5,
                                        decimal_places=2)
    inspectors_per_entity = models.PositiveSmallIntegerField(_("inspectors per entity"),
                                                             default=2)
    starts_on = models.DateField(_("inspections from"))
    ends_on = models.DateField(_("inspections until"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Draw(models.Model):
    """The plan's publicly verifiable draw (see docs/supervision-draw.md).

    Before the draw: the inputs are frozen (canonical JSON), and SM3(inputs) and SM3(seed) are
    appended to the ledger. The seed stays secret (SM4-encrypted) until the draw, then is
    revealed with the result, also appended to the ledger."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.OneToOneField(InspectionPlan, on_delete=models.PROTECT, related_name="draw")
    algorithm = models.CharField(max_length=40)
    inputs = models.TextField()  # canonical JSON, published
    inputs_hash = models.CharField(max_length=64)  # SM3 hex of `inputs`
    seed_hash = models.CharField(max_length=64)  # SM3 hex of the seed bytes
    secret_seed = EncryptedTextField(blank=True, default="")  # hex, until revealed
    seed = models.CharField(max_length=64, blank=True)  # hex, once revealed
    # jingchu-draw-v2: the public text supplied at the draw by someone other than the platform
    # (e.g. the number the supervising officer announces), mixed into the seed; "" before the
    # draw and for jingchu-draw-v1 draws. Published.
    witness = models.CharField(max_length=64, blank=True, default="")
    result = models.TextField(blank=True)  # canonical JSON, published
    result_hash = models.CharField(max_length=64, blank=True)
    commit_entry = models.PositiveBigIntegerField(null=True, blank=True)  # ledger index
    reveal_entry = models.PositiveBigIntegerField(null=True, blank=True)
    committed_at = models.DateTimeField()
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # The draw as long work (actions.plans.do_request_draw): who asked for it, when, with which
    # witness (kept here until the run, which publishes it in `witness`); the entities given
    # their teams so far, published while the run's transaction is open (progress.DrawBoard);
    # the failure of the last run ("" when none), after which it may be requested again.
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_witness = models.CharField(max_length=64, blank=True, default="")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, default="")
    failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"draw of {self.plan}"

    @property
    def is_pending(self) -> bool:
        """Requested, and neither drawn nor failed since: a run is queued or under way."""
        return self.requested_at is not None and self.drawn_at is None and not self.failure


class Inspection(models.Model):
    """One entity drawn in one plan, visited by its drawn inspectors, with its result."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("inspection number"), max_length=40, unique=True)
    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT,
                             related_name="inspections")
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT,
                                     related_name="inspections")
    grade = models.CharField(_("credit grade at the draw"), max_length=1)
    inspectors: models.ManyToManyField[Inspector, InspectionInspector] = models.ManyToManyField(
        Inspector, through="InspectionInspector",
                                        related_name="inspections")
    status = models.CharField(_("status"), max_length=20, choices=InspectionStatus.choices,
                              default=InspectionStatus.ASSIGNED)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    ended_on = models.DateField(_("inspection ended on"), null=True, blank=True)
    outcome = models.CharField(pgettext_lazy("inspection", "outcome"), max_length=20,
                               choices=Outcome.choices,
                               blank=True)
    findings = models.TextField(_("findings"), blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=20, choices=FollowUpStatus.choices,
                                 default=FollowUpStatus.NONE)
    follow_up_due = models.DateField(_("rectify by"), null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)
    # 20 working days after ended_on (core.calendar); set when the result is recorded.
    publish_due = models.DateField(_("publish by"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The last publication alert sent: "soon" (before the deadline) or "late" (after it).
    alerted = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [models.UniqueConstraint(fields=["plan", "legal_entity"],
                                               name="supervision_entity_once_per_plan")]

    def __str__(self) -> str:
        return self.number


class InspectionInspector(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE)
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()  # order in the draw's result

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "inspector"],
                                               name="supervision_inspector_once")]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.inspector_id}"


class InspectionEvidence(models.Model):
    """A file kept as evidence of an inspection (jingchu.core.files; never a /media/ URL)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE,
                                   related_name="evidence")
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
