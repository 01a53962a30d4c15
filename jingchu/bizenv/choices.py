"""Enumerations of the business-environment evaluation, with translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way an indicator improves: its frontier is above its worst value, or below."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class ValueSource(models.TextChoices):
    """Where the value of one score came from."""

    PLATFORM = "platform", _("Platform figure")
    IMPORT = "import", _("Imported departmental data")
    NONE = "", _("No value")


class MissingReason(models.TextChoices):
    """Why a score has no value: reported, never counted as zero."""

    PRESENT = "", _("Present")
    NO_VALUE = "no_value", _("No value for the month")
    UNKNOWN_KPI = "unknown_kpi", _("Platform figure not registered; no imported value")
    KPI_ERROR = "kpi_error", _("Platform figure failed; no imported value")


IMPORT_SOURCE = "import"
KPI_PREFIX = "kpi:"
