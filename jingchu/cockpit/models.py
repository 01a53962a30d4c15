"""The cockpit's rollups: the apps' KPI rows (jingchu.core.kpi) kept per local day, so that a
page adds up a few hundred stored rows instead of scanning the apps' tables.

- `OrgDay`: the rows as an app gives them, one per KPI, day, organization and region; read for
  the organization level of a drill-down.
- `RegionDay`: the same rows added into every province-, city- and county-level region they lie
  in (rows without a region count for the province only); read by every other page.
- `RefreshRun`: when a KPI's day was last recomputed, how many rows it gave, and the error if
  its app's function failed.

Only `jingchu.cockpit.rollups` writes them, replacing a KPI's day whole on each refresh.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.choices import RegionLevel
from jingchu.core.models import Organization, Region


class OrgDay(models.Model):
    kpi_code = models.CharField(_("KPI"), max_length=60)
    day = models.DateField(_("day"))
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    # The region's path, copied so that "everything under this county" is one prefix filter.
    region_path = models.CharField(max_length=80, blank=True)
    numerator = models.FloatField(default=0.0)
    denominator = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("KPI rollup per organization and day")
        verbose_name_plural = _("KPI rollups per organization and day")
        indexes = [models.Index(fields=["kpi_code", "day"], name="cockpit_orgday_kpi_day")]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.day} org {self.organization_id}"


class RegionDay(models.Model):
    kpi_code = models.CharField(_("KPI"), max_length=60)
    day = models.DateField(_("day"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    numerator = models.FloatField(default=0.0)
    denominator = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("KPI rollup per region and day")
        verbose_name_plural = _("KPI rollups per region and day")
        constraints = [models.UniqueConstraint(fields=["region", "kpi_code", "day"],
                                               name="cockpit_regionday_unique")]
        indexes = [models.Index(fields=["kpi_code", "level", "day"],
                                name="cockpit_regionday_level")]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.day} region {self.region_id}"


class RefreshRun(models.Model):
    kpi_code = models.CharField(_("KPI"), max_length=60)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("rollup refresh")
        verbose_name_plural = _("rollup refreshes")
        constraints = [models.UniqueConstraint(fields=["kpi_code", "day"],
                                               name="cockpit_refreshrun_unique")]
        indexes = [models.Index(fields=["day"], name="cockpit_refreshrun_day")]

    def __str__(self) -> str:
        return f"{self.kpi_code} {self.day}"
