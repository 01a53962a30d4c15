"""The service-item catalog: items, their versions and materials, and implementations.

An item's content lives in versions. A case records the version it was submitted under, so
editing an item (which publishes a new version) never alters cases already submitted.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.services.choices import (
    ApplicantKind,
    CaseKind,
    ItemType,
    MaterialNecessity,
    MaterialSource,
    OnlineDepth,
    ResultType,
    ServiceArea,
)


class ServiceItem(models.Model):
    """One entry of the basic catalog (政务服务事项), stable across versions."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("basic code"), max_length=40, unique=True)
    current_version = models.OneToOneField(
        "ItemVersion", null=True, blank=True, on_delete=models.PROTECT,
        related_name="current_for",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return f"{self.code} {self.current_version.name if self.current_version else ''}"


class ItemVersion(models.Model):
    """The item's content as published at one time; immutable once published."""

    # Cases refer to the version they were submitted under; the API names it by this uid.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=2, choices=ItemType.choices)
    competent_department = models.CharField(_("competent department"), max_length=100)
    applicant_kind = models.CharField(
        _("applicant"), max_length=20, choices=ApplicantKind.choices
    )
    legal_basis = models.TextField(_("legal basis"))
    acceptance_conditions = models.TextField(_("acceptance conditions"))
    case_kind = models.CharField(_("case kind"), max_length=20, choices=CaseKind.choices)
    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    fee = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2,
                              default=Decimal("0"))
    fee_basis = models.CharField(_("fee basis"), max_length=300, blank=True)
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices
    )
    onsite_visits = models.PositiveSmallIntegerField(_("on-site visits required"), default=0)
    legal_steps = models.PositiveSmallIntegerField(_("steps under the law"), default=4)
    steps = models.PositiveSmallIntegerField(_("handling steps"), default=4)
    legal_materials = models.PositiveSmallIntegerField(
        _("materials under the law"), default=0,
        help_text=_("How many materials the law and the original catalog ask for."),
    )
    result_type = models.CharField(_("result type"), max_length=20, choices=ResultType.choices)
    result_name = models.CharField(_("result name"), max_length=100, blank=True)
    topics = models.JSONField(_("topics and life events"), default=list, blank=True)
    # "|birth|marriage|": JSON containment lookups do not exist on SQLite, so the topic filter
    # matches this denormalized copy, written by the publish action only.
    topic_index = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    form_schema = models.JSONField(_("application form (JSON Schema)"), default=dict)
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="unique_item_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class MaterialRequirement(models.Model):
    """One material an applicant must provide (申请材料) under one item version."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    necessity = models.CharField(_("necessity"), max_length=20,
                                 choices=MaterialNecessity.choices)
    condition = models.CharField(_("condition"), max_length=200, blank=True)
    media = models.CharField(_("format"), max_length=100, default="PDF/JPG")
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    source = models.CharField(_("source"), max_length=20, choices=MaterialSource.choices,
                              default=MaterialSource.UPLOAD)
    # Filled in by the licence and sharing issues; the code names what can replace an upload.
    license_type_code = models.CharField(_("licence type code"), max_length=40, blank=True)
    data_resource_code = models.CharField(_("data resource code"), max_length=60, blank=True)
    sample_file = models.CharField(_("sample file"), max_length=200, blank=True)
    blank_form_file = models.CharField(_("blank form"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class ItemImplementation(models.Model):
    """The item as one Organization implements it (实施清单)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE,
                             related_name="implementations")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="implementations")
    code = models.CharField(_("implementation code"), max_length=60, unique=True)
    service_area = models.CharField(_("service area"), max_length=20,
                                    choices=ServiceArea.choices)
    legal_days = models.PositiveSmallIntegerField(null=True, blank=True)
    promised_days = models.PositiveSmallIntegerField(null=True, blank=True)
    fee = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["item", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organization"],
                                    name="one_implementation_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.code} @ {self.organization}"
