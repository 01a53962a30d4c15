"""信用分级分类: declared credit rules, the events departments record, and computed grades."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity
from jingchu.supervision.choices import CreditRecordKind, CreditSource, Grade


class CreditRule(models.Model):
    """A declared rule: each matching event in the window deducts `points` from 100.

    `outcomes` narrows an inspection rule to some outcomes; `kinds` narrows a hotline rule to
    ticket kinds (complaint, report)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=CreditSource.choices)
    points = models.PositiveSmallIntegerField(_("points deducted per event"))
    max_points = models.PositiveSmallIntegerField(_("most points deducted"), null=True,
                                                  blank=True)
    window_days = models.PositiveSmallIntegerField(_("look-back days"), default=365)
    outcomes = models.JSONField(default=list, blank=True)
    kinds = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} −{self.points}"


class CreditBand(models.Model):
    """The lowest score of a grade: a score at or above min_score (and below the next band's)
    gets the grade."""

    grade = models.CharField(_("credit grade"), max_length=1, choices=Grade.choices, unique=True)
    min_score = models.PositiveSmallIntegerField(_("lowest score"))

    class Meta:
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class CreditRecord(models.Model):
    """A penalty decision or an abnormal-operations listing recorded by a department."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT,
                                     related_name="credit_records")
    kind = models.CharField(_("kind"), max_length=20, choices=CreditRecordKind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("deciding department"))
    reference = models.CharField(_("decision number"), max_length=80)
    summary = models.CharField(_("summary"), max_length=500)
    decided_on = models.DateField(_("decided on"))
    # When the entity left the abnormal list, or the penalty's publicity ended.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "reference"],
                                               name="supervision_one_record_per_reference")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class CreditGrade(models.Model):
    """A computed grade with its explanation; the newest per entity is current, older ones
    stay as history."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT,
                                     related_name="credit_grades")
    grade = models.CharField(_("credit grade"), max_length=1, choices=Grade.choices)
    score = models.SmallIntegerField(_("score"))
    # [{"rule": code, "name": ..., "events": n, "points": deducted, "evidence": [refs]}]
    explanation = models.JSONField(default=list)
    computed_at = models.DateTimeField(db_index=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["legal_entity"], condition=models.Q(is_current=True),
            name="supervision_one_current_grade")]

    def __str__(self) -> str:
        return f"{self.legal_entity} {self.grade}"
