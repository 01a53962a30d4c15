from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class OrganizationKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    INSTITUTION = "institution", _("Public institution")
    SERVICE_HALL = "service_hall", _("Service hall")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    MAKEUP_WORKDAY = "makeup", _("Make-up working day")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SITE = "site", _("Site message")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class UpdateFrequency(models.TextChoices):
    """How often a data resource or a lake dataset is updated (更新频率)."""

    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregular")


class MaskRule(models.TextChoices):
    """How the gateway masks a field when a grant says to mask it (core.masking)."""

    NONE = "", _("No masking")
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Address")
    NAME = "name", _("Name")
    FULL = "full", _("Hidden entirely")
