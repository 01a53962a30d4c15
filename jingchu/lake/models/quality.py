"""Quality rules, audit runs with their per-rule results, and rectification tasks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.lake.choices import (
    AuditTrigger,
    Dimension,
    JobStatus,
    RectificationStatus,
    RuleSource,
)
from jingchu.lake.models.datasets import Dataset, DatasetVersion


class QualityRule(models.Model):
    """One check of a dataset's rule set: `check_name` names a rule of the library
    (jingchu.lake.quality.library), `columns` the columns it reads, `params` its settings."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="rules")
    name = models.SlugField(_("name"), max_length=80)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    check_name = models.CharField(_("check"), max_length=40)
    columns = models.JSONField(_("columns"), default=list)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(_("declared in"), max_length=10, choices=RuleSource.choices,
                              default=RuleSource.YAML)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["dataset", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"],
                                               name="lake_rule_name_unique")]
        verbose_name = _("quality rule")
        verbose_name_plural = _("quality rules")

    def __str__(self) -> str:
        return f"{self.dataset.code}:{self.name}"


class AuditRun(models.Model):
    """One audit of one dataset version: every enabled rule in one pass of SQL (`sql`, kept for
    review and for running elsewhere). `scores` maps each dimension to 0–100; `score` is the
    overall figure."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="audit_runs")
    version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="audit_runs")
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices,
                              default=JobStatus.PENDING)
    trigger = models.CharField(_("trigger"), max_length=20, choices=AuditTrigger.choices,
                               default=AuditTrigger.MANUAL)
    row_count = models.BigIntegerField(_("rows"), default=0)
    scores = models.JSONField(_("scores by dimension"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True,
                                blank=True)
    threshold = models.PositiveSmallIntegerField(_("threshold"), default=80)
    sql = models.TextField(_("compiled SQL"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["dataset", "-started_at"], name="lake_audit_ds_time")]
        verbose_name = _("audit run")
        verbose_name_plural = _("audit runs")

    def __str__(self) -> str:
        return f"audit of {self.dataset_id} at {self.started_at:%Y-%m-%d %H:%M}"


class RuleResult(models.Model):
    """What one rule found in one run: rows checked, rows failing, and a bounded sample of
    failing rows, masked by the dataset's column mask rules before it is stored."""

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="results")
    rule_name = models.CharField(_("rule"), max_length=80)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    check_name = models.CharField(_("check"), max_length=40)
    checked = models.BigIntegerField(_("checked"), default=0)
    failed = models.BigIntegerField(_("failed"), default=0)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    sample = models.JSONField(_("sample of failing rows"), default=list, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("rule result")
        verbose_name_plural = _("rule results")

    def __str__(self) -> str:
        return f"{self.rule_name}: {self.failed}/{self.checked}"


class QualityRectification(models.Model):
    """整改: opened to the owning organization when an audit's score falls below the dataset's
    threshold; due in working days on core.calendar; closed by the owner with a note."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.OneToOneField(AuditRun, on_delete=models.CASCADE, related_name="rectification")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE,
                                related_name="rectifications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="quality_rectifications")
    status = models.CharField(_("status"), max_length=20, choices=RectificationStatus.choices,
                              default=RectificationStatus.OPEN)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    due_on = models.DateField(_("due on"))
    note = models.TextField(_("note"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quality rectification")
        verbose_name_plural = _("quality rectifications")

    def __str__(self) -> str:
        return f"rectification of {self.dataset_id} ({self.status})"
