"""Django admin of supervision: read-only. Every change goes through the actions (the
supervision pages, the API and `jingchu supervision load-rules` for the credit rules, whose
declared form is jingchu/supervision/data/credit_rules.json), which check the actor and audit
it; the admin is for looking things up."""

from __future__ import annotations

from django.contrib import admin

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.supervision.models import (
    ConflictDeclaration,
    CreditBand,
    CreditGrade,
    CreditRecord,
    CreditRule,
    Draw,
    Inspection,
    InspectionPlan,
    Inspector,
    RegulatoryItem,
    SamplingRule,
    SupervisedEntity,
)


@admin.register(RegulatoryItem)
class RegulatoryItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "organization", "method", "is_key", "is_active")
    list_filter = ("method", "is_key", "is_active")
    search_fields = ("code", "name")


@admin.register(SupervisedEntity)
class SupervisedEntityAdmin(ReadOnlyAdmin):
    list_display = ("legal_entity", "industry", "region", "is_active")
    list_filter = ("industry", "is_active")
    search_fields = ("legal_entity__name", "legal_entity__uscc")


@admin.register(Inspector)
class InspectorAdmin(ReadOnlyAdmin):
    list_display = ("staff", "organization", "certificate_number", "qualified_until",
                    "is_active")
    search_fields = ("staff__name", "certificate_number")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ("inspector", "legal_entity", "relation", "declared_at", "withdrawn_at")


@admin.register(SamplingRule)
class SamplingRuleAdmin(ReadOnlyAdmin):
    list_display = ("organization", "grade", "factor", "cap_percent", "frequency_per_year")


@admin.register(CreditRule)
class CreditRuleAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "source", "points", "max_points", "window_days",
                    "is_active")
    list_filter = ("source", "is_active")


@admin.register(CreditBand)
class CreditBandAdmin(ReadOnlyAdmin):
    list_display = ("grade", "min_score")


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "legal_entity", "organization", "decided_on",
                    "ended_on")
    list_filter = ("kind",)
    search_fields = ("reference", "legal_entity__name", "legal_entity__uscc")


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyAdmin):
    list_display = ("legal_entity", "grade", "score", "computed_at", "is_current")
    list_filter = ("grade", "is_current")


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "organization", "status", "starts_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("number", "name")


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ("plan", "algorithm", "committed_at", "drawn_at", "commit_entry",
                    "reveal_entry")
    exclude = ("secret_seed",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("number", "legal_entity", "status", "outcome", "ended_on", "publish_due",
                    "published_at")
    list_filter = ("status", "outcome")
    search_fields = ("number", "legal_entity__name", "legal_entity__uscc")
