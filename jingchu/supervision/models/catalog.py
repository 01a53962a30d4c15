"""一单两库一细则: the regulatory-item list, the entity and inspector directories, conflicts of
interest, and each department's sampling rules."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization, Region
from jingchu.identity.models import LegalEntity, Staff
from jingchu.supervision.choices import ConflictRelation, Grade, Industry, InspectionMethod


class RegulatoryItem(models.Model):
    """One 监管事项 (抽查事项) a department inspects, with its legal basis."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="regulatory_items",
                                     verbose_name=_("department"))
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    method = models.CharField(_("inspection method"), max_length=20,
                              choices=InspectionMethod.choices)
    is_key = models.BooleanField(_("key item"), default=False)
    # Industries the item applies to; empty means every industry.
    industries = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("regulatory item")
        verbose_name_plural = _("regulatory items")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupervisedEntity(models.Model):
    """A LegalEntity in the directory of supervised entities (检查对象名录库)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_entity = models.OneToOneField(LegalEntity, on_delete=models.PROTECT,
                                        related_name="supervision")
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    # The entity's region, copied from the LegalEntity so the directory filters by region
    # without a join (kept in step by the action that registers the entity).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervised entity")
        verbose_name_plural = _("supervised entities")
        indexes = [models.Index(fields=["industry", "region"])]

    def __str__(self) -> str:
        return str(self.legal_entity)


class Inspector(models.Model):
    """A Staff member with an enforcement qualification (执法人员名录库), in one department."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="inspector_roles")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="inspectors", verbose_name=_("department"))
    # 执法证号: the public code the draw's published inputs name the inspector by.
    certificate_number = models.CharField(_("enforcement certificate number"), max_length=40,
                                          unique=True)
    qualified_until = models.DateField(_("qualified until"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        constraints = [models.UniqueConstraint(fields=["staff", "organization"],
                                               name="supervision_one_inspector_per_org")]

    def __str__(self) -> str:
        return f"{self.staff} ({self.certificate_number})"


class ConflictDeclaration(models.Model):
    """An inspector's declared relation to an entity: the draw never sends them there."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="conflicts")
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=20, choices=ConflictRelation.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["inspector", "legal_entity"], condition=models.Q(withdrawn_at__isnull=True),
            name="supervision_one_live_conflict")]

    def __str__(self) -> str:
        return f"{self.inspector} ≠ {self.legal_entity}"


class SamplingRule(models.Model):
    """抽查细则: how a department samples entities of one credit grade.

    A plan's ratio for the grade is plan.ratio_percent × factor, at most cap_percent unless the
    plan includes a key item (重点事项 have no upper limit), and never more than 100%."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="sampling_rules", verbose_name=_("department"))
    grade = models.CharField(_("credit grade"), max_length=1, choices=Grade.choices)
    factor = models.DecimalField(_("ratio factor"), max_digits=5, decimal_places=2)
    cap_percent = models.DecimalField(_("upper limit (%)"), max_digits=5, decimal_places=2,
                                      null=True, blank=True)
    # How often a year an entity of this grade should be inspected (for the rules page).
    frequency_per_year = models.DecimalField(_("inspections a year"), max_digits=4,
                                             decimal_places=2, default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "grade"]
        constraints = [models.UniqueConstraint(fields=["organization", "grade"],
                                               name="supervision_one_rule_per_grade")]

    def __str__(self) -> str:
        return f"{self.organization} {self.grade} ×{self.factor}"
