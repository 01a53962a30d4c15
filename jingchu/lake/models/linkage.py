"""Record linkage runs (数据融合, 一人一档)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.lake.choices import JobStatus
from jingchu.lake.models.datasets import DatasetVersion


class LinkageRun(models.Model):
    """One Splink run: deduplicating one dataset version, or linking several against the first
    (the population base). `output_path` (relative to the lake directory) is the Parquet map from
    each source record to its stable person key; `report` holds the match-weight histogram, the
    cluster-size distribution and sample clusters (masked) for review."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    versions = models.ManyToManyField(DatasetVersion, related_name="linkage_runs",
                                      verbose_name=_("dataset versions"))
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices,
                              default=JobStatus.PENDING)
    threshold = models.FloatField(_("match probability threshold"), default=0.95)
    record_count = models.BigIntegerField(_("records"), default=0)
    pair_count = models.BigIntegerField(_("scored pairs"), default=0)
    cluster_count = models.BigIntegerField(_("persons (clusters)"), default=0)
    output_path = models.CharField(_("person key map"), max_length=400, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return self.name
