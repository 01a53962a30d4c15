"""How the hotline is set up: centres, categories, the routing table and the time limits."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization, Region
from jingchu.hotline.choices import TicketKind, Urgency


class Centre(models.Model):
    """A 12345 centre (热线中心): the organization whose staff take calls and dispatch tickets for
    the regions below `region`. Staff of the centre's organization are its operators; its
    approvers and administrators are its supervisors (extensions, 督办, closing)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.OneToOneField(Organization, on_delete=models.PROTECT,
                                        related_name="hotline_centre")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region served"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("hotline centre")
        verbose_name_plural = _("hotline centres")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category of request (诉求分类); it is also an Open311 service, `code` its service_code.

    `department` names the kind of department responsible (e.g. "market" for market regulation);
    the routing table turns category × region into the actual Organization. `attributes` are
    the Open311 service definition's extra questions: a list of
    {code, datatype, required, description, order, values: [{key, name}]}.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.CharField(_("group"), max_length=100, blank=True)
    department = models.CharField(_("responsible department kind"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """One cell of the routing table (派单规则): tickets of `category` in `region` (and below) go to
    `organization`. A blank category is the region's default; a blank region applies anywhere.
    The most specific rule wins (see jingchu.hotline.routing)."""

    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="routing_rules")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="hotline_routing_rules")

    class Meta:
        ordering = ["category__code", "region__code"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        # One rule per cell. NULLs are distinct in a unique index, so each blank combination
        # has its own partial constraint; the all-blank default is kept single by the action.
        constraints = [
            models.UniqueConstraint(fields=["category", "region"], name="hotline_route_unique",
                                    condition=models.Q(category__isnull=False,
                                                       region__isnull=False)),
            models.UniqueConstraint(fields=["category"], name="hotline_route_any_region",
                                    condition=models.Q(region__isnull=True)),
            models.UniqueConstraint(fields=["region"], name="hotline_route_region_default",
                                    condition=models.Q(category__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.region or '*'} → {self.organization}"


class TimeLimit(models.Model):
    """The time limit of a kind and urgency (办理时限). Exactly one of `working_days` and
    `hours`; sign-for within `sign_working_days`. Kinds without a row use the defaults in
    jingchu.hotline.deadlines."""

    kind = models.CharField(_("kind"), max_length=20, choices=TicketKind.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    sign_working_days = models.PositiveSmallIntegerField(_("working days to sign for"),
                                                         default=1)

    class Meta:
        ordering = ["kind", "urgency"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="hotline_limit_unique"),
            models.CheckConstraint(
                condition=(models.Q(working_days__isnull=False, hours__isnull=True)
                           | models.Q(working_days__isnull=True, hours__isnull=False)),
                name="hotline_limit_days_or_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.urgency}"
