"""Enumerations of supervision (互联网+监管, 双随机一公开, 信用分级分类)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionMethod(models.TextChoices):
    ON_SITE = "on_site", _("On-site inspection")
    DOCUMENTS = "documents", _("Document review")
    SAMPLING = "sampling", _("Sampling and testing")
    ONLINE = "online", _("Online monitoring")


class Industry(models.TextChoices):
    """The supervised entity's line of business, coarse (GB/T 4754 sections where they fit)."""

    FOOD = "food", _("Food production and sale")
    CATERING = "catering", _("Catering")
    RETAIL = "retail", _("Wholesale and retail")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Transport")
    HEALTH = "health", _("Health care and pharmacies")
    EDUCATION = "education", _("Education and training")
    ENVIRONMENT = "environment", _("Pollutant-emitting units")
    SERVICES = "services", _("Other services")


class Grade(models.TextChoices):
    """信用等级: A is trustworthy, D is seriously untrustworthy."""

    A = "A", _("A · trustworthy")
    B = "B", _("B · basically trustworthy")
    C = "C", _("C · credit risk")
    D = "D", _("D · seriously untrustworthy")


class CreditSource(models.TextChoices):
    """Where a credit rule's events come from."""

    PENALTY = "penalty", _("Administrative penalty")
    ABNORMAL = "abnormal", _("Abnormal operations list")
    HOTLINE = "hotline", _("Complaints and reports to 12345")
    INSPECTION = "inspection", _("Inspection result")


class CreditRecordKind(models.TextChoices):
    """Credit events recorded by departments (the hotline and inspections are read live)."""

    PENALTY = "penalty", _("Administrative penalty")
    ABNORMAL = "abnormal", _("Listed in abnormal operations")


class ConflictRelation(models.TextChoices):
    KIN = "kin", _("Close relative works there or owns it")
    EMPLOYMENT = "employment", _("Worked for the entity")
    INTEREST = "interest", _("Holds shares or other interest")
    OTHER = "other", _("Other declared relation")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMMITTED = "committed", _("Committed, awaiting the draw")
    DRAWN = "drawn", pgettext_lazy("plan status", "Drawn")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class InspectionStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    RECORDED = "recorded", _("Result recorded")
    PUBLISHED = "published", _("Published")


class Outcome(models.TextChoices):
    """检查结果 as published."""

    PASSED = "passed", _("No problem found")
    RECTIFY = "rectify", _("Ordered to rectify")
    CASE_FILED = "case_filed", _("Case filed for investigation")
    NOT_REACHABLE = "not_reachable", _("Cannot be reached at the registered address")
    NO_ACTIVITY = "no_activity", _("No business activity subject to this inspection")


class FollowUpStatus(models.TextChoices):
    NONE = "none", _("No follow-up")
    OPEN = "open", _("Rectification due")
    DONE = "done", _("Rectified")
    OVERDUE = "overdue", _("Not rectified in time")
