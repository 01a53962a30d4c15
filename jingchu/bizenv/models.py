"""The business-environment evaluation (营商环境评估): the indicator system, imported departmental
figures, and monthly evaluations with one score per city and indicator.

An indicator is scored by its distance to frontier (DTF, see `jingchu.bizenv.scoring`); a topic
score is the weighted mean of its indicators' scores and the overall score the weighted mean of
the topics. Missing values are kept as missing (a Score with no value and a reason) and the
range the score would take if they were at the frontier or at the worst value is stored beside
each topic and overall score.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.bizenv.choices import Direction, MissingReason, ValueSource
from jingchu.core.models import Organization, Region


class Topic(models.Model):
    """A first-level indicator (一级指标), e.g. 开办企业; the default set has China's 18."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.FloatField(_("weight"), default=1.0)
    is_local = models.BooleanField(_("local topic"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A second-level indicator of a topic: its direction, unit, frontier and worst values,
    weight within the topic, and data source (`import`, or `kpi:<code>` for a platform
    figure, multiplied by `kpi_scale`, e.g. 100 for a rate shown in per cent)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=150)
    unit = models.CharField(_("unit"), max_length=30)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    frontier = models.FloatField(_("frontier (best) value"))
    worst = models.FloatField(_("worst value"))
    weight = models.FloatField(_("weight"), default=1.0)
    source = models.CharField(_("data source"), max_length=100, default="import")
    kpi_scale = models.FloatField(_("platform figure multiplier"), default=1.0)
    valid_min = models.FloatField(_("smallest valid value"), null=True, blank=True)
    valid_max = models.FloatField(_("largest valid value"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_local = models.BooleanField(_("local indicator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["topic__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def kpi_code(self) -> str:
        return self.source.removeprefix("kpi:") if self.source.startswith("kpi:") else ""


class EvaluationOffice(models.Model):
    """An organization whose approvers and administrators manage the evaluation (the province's
    政务服务和大数据管理局 by default)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="+")

    class Meta:
        verbose_name = _("evaluation office")
        verbose_name_plural = _("evaluation offices")

    def __str__(self) -> str:
        return str(self.organization)


class ImportBatch(models.Model):
    """One accepted upload of departmental figures for a month: who, when, what."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    month = models.DateField(_("month"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    cities = models.PositiveIntegerField(_("cities"), default=0)
    values = models.PositiveIntegerField(_("values"), default=0)
    indicator_codes = models.JSONField(default=list)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.filename}"


class ImportedValue(models.Model):
    """The imported figure of one indicator for one city and month (a later import of the same
    cell replaces it)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    month = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "region", "indicator"],
                                               name="bizenv_one_value_per_cell")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.indicator_id}={self.value}"


class Evaluation(models.Model):
    """The evaluation of one month; recomputing a month replaces it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    month = models.DateField(_("month"), unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    unknown_kpis = models.JSONField(default=list)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class CityResult(models.Model):
    """One city's result in a month: overall score (None when no topic has data), the range
    it would take with the missing values at worst/frontier, rank and change since last
    month."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    overall = models.FloatField(null=True)
    overall_low = models.FloatField(default=0.0)
    overall_high = models.FloatField(default=100.0)
    rank = models.PositiveSmallIntegerField(null=True)
    previous_overall = models.FloatField(null=True)
    previous_rank = models.PositiveSmallIntegerField(null=True)
    missing = models.PositiveSmallIntegerField(default=0)
    report = models.FileField(upload_to="bizenv/reports/", blank=True)

    class Meta:
        ordering = ["rank", "region__code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "region"],
                                               name="bizenv_one_result_per_city")]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.region}"

    @property
    def change(self) -> float | None:
        if self.overall is None or self.previous_overall is None:
            return None
        return self.overall - self.previous_overall

    @property
    def rank_change(self) -> int | None:
        """Places gained since last month (positive: moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return int(self.previous_rank) - int(self.rank)


class TopicScore(models.Model):
    result = models.ForeignKey(CityResult, on_delete=models.CASCADE, related_name="topics")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(null=True)
    low = models.FloatField(default=0.0)
    high = models.FloatField(default=100.0)
    present = models.PositiveSmallIntegerField(default=0)
    missing = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["topic__order", "topic__code"]

    def __str__(self) -> str:
        return f"{self.result} {self.topic}"


class Score(models.Model):
    """One indicator of one city in a month: its value and DTF score, or why it is missing."""

    result = models.ForeignKey(CityResult, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.FloatField(null=True)
    source = models.CharField(max_length=10, choices=ValueSource.choices, blank=True)
    dtf = models.FloatField(null=True)
    missing_reason = models.CharField(max_length=20, choices=MissingReason.choices,
                                      blank=True)

    class Meta:
        ordering = ["indicator__topic__order", "indicator__order", "indicator__code"]

    def __str__(self) -> str:
        return f"{self.result} {self.indicator.code}"
