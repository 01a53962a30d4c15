"""Regions, organizations, the working-day calendar, the audit trail and the notification outbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.choices import (
    DayKind,
    NotificationChannel,
    NotificationStatus,
    OrganizationKind,
    RegionLevel,
)

LEVEL_DEPTH = {
    RegionLevel.PROVINCE: 0,
    RegionLevel.CITY: 1,
    RegionLevel.COUNTY: 2,
    RegionLevel.TOWNSHIP: 3,
    RegionLevel.VILLAGE: 4,
}


class RegionQuerySet(models.QuerySet["Region"]):
    def cities(self) -> RegionQuerySet:
        """The 17 city-level divisions in Hubei's own usage."""
        return self.filter(level=RegionLevel.CITY, is_statistical=False)

    def county_level(self) -> RegionQuerySet:
        """Legal county-level divisions: counties, districts, county-level cities, the
        directly administered cities and the forestry district; statistical areas excluded."""
        return self.filter(
            models.Q(level=RegionLevel.COUNTY) | models.Q(directly_administered=True),
            is_statistical=False,
        )


class Region(models.Model):
    """An administrative division (行政区划) with its 12-digit statistical code.

    `path` holds the codes from the root down, separated by '/', so that descendants are one
    indexed prefix query and ancestors are read from the path without recursion.
    """

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=80, db_index=True, editable=False)
    # Xiantao, Qianjiang, Tianmen and Shennongjia sit under a statistical grouping in the
    # national tables but count as cities in Hubei's own usage.
    is_statistical = models.BooleanField(
        _("statistical grouping only"), default=False,
        help_text=_("A grouping in the statistical tables, not a real division."),
    )
    directly_administered = models.BooleanField(
        _("directly administered by the province"), default=False,
        help_text=_("A county-level city or district that Hubei counts as a city (省直管)."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def gb2260(self) -> str:
        """The six-digit GB/T 2260 prefix used in ID numbers and credit codes."""
        return self.code[:6]

    @property
    def is_county_level(self) -> bool:
        if self.is_statistical:
            return False
        return self.level == RegionLevel.COUNTY or self.directly_administered

    def ancestors(self) -> models.QuerySet[Region]:
        codes = self.path.split("/")[:-1]
        return Region.objects.filter(code__in=codes).order_by("path")

    def descendants(self) -> models.QuerySet[Region]:
        return Region.objects.filter(path__startswith=self.path + "/")


class Organization(models.Model):
    """A government department, public institution or service hall (组织机构)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """A year whose holiday arrangement is loaded; provisional until the State Council publishes."""

    year = models.PositiveSmallIntegerField(unique=True)
    provisional = models.BooleanField(default=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that departs from the Monday–Friday rule: a public holiday or a make-up working day."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=10, choices=DayKind.choices)
    name = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class AuditEvent(models.Model):
    """Who did what to which object, when, and from where (审计事件). Append-only."""

    # Every audited action writes each index of this table, so only the searches get one.
    # Nothing looks an event up by its uid (it names the event in exports; a random UUID,
    # unique without a constraint), nor by its actor's key: the search matches the actor by
    # name, and users are never deleted (the admin is read-only), so SET_NULL never scans.
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    # Indexed in Meta once, for both equality and prefix searches (`db_index` would build two).
    action = models.CharField(max_length=80)
    # Searched through the index in Meta, which leads with it (a second index would only cost
    # every audited action a write).
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Every audited action writes each of these: only the ones a search needs. The audit
        # search filters actions by prefix (LIKE 'x%' needs the pattern operator class, which
        # also serves equality) and objects by id, with or without their type.
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["action"], name="core_audit_action_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["object_id"], name="core_audit_object_id"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Notification(models.Model):
    """One message in the outbox; a task delivers it and records the outcome."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # When the recipient read a site message in the inbox; null while unread.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
