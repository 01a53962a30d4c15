"""Enumerations of the open-data portal (数据开放平台), with translatable labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared with the lake and sharing; kept importable from here.
from jingchu.core.choices import UpdateFrequency as UpdateFrequency


class OpenStatus(models.TextChoices):
    """Where an open dataset stands in the publishing workflow.

    draft → submitted (under review) → published → withdrawn; a reviewer may return a submitted
    dataset (returned, editable like a draft); a withdrawn one may be reopened as a draft.
    """

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Under review")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE = (OpenStatus.DRAFT, OpenStatus.RETURNED)


class Licence(models.TextChoices):
    """The licences a dataset may be opened under (a short list on purpose: each is known to
    allow reuse, and their URIs go into DCAT and the CKAN API)."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC0 = "CC0-1.0", _("Creative Commons Zero 1.0 (public domain dedication)")
    ODC_BY = "ODC-BY-1.0", _("Open Data Commons Attribution 1.0")
    GOV_OPEN = "gov-open", _("Government open data licence (政府数据开放许可)")


LICENCE_URLS: dict[str, str] = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.ODC_BY: "https://opendatacommons.org/licenses/by/1-0/",
    Licence.GOV_OPEN: "",  # the portal's own page describes it (opendata:licences)
}


class Topic(models.TextChoices):
    """Topics (CKAN's groups) under which the portal files datasets; the value is the group's
    CKAN name."""

    ECONOMY = "economy", _("Economic development")
    TRANSPORT = "transport", _("Roads and transport")
    SOCIETY = "society", _("Society and livelihoods")
    EDUCATION = "education", _("Education and culture")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Resources and environment")
    INSTITUTIONS = "institutions", _("Institutions and organizations")
    PUBLIC_SERVICE = "public-service", _("Public services")


class DownloadFormat(models.TextChoices):
    """The formats each published dataset is downloadable in (XLSX only while the rows fit a
    worksheet)."""

    CSV = "csv", "CSV"
    JSON = "json", "JSON"
    XLSX = "xlsx", "XLSX"
    PARQUET = "parquet", "Parquet"


MEDIA_TYPES: dict[str, str] = {
    DownloadFormat.CSV: "text/csv",
    DownloadFormat.JSON: "application/json",
    DownloadFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DownloadFormat.PARQUET: "application/vnd.apache.parquet",
}

# Excel's worksheet holds 1,048,576 rows, one of them the header.
XLSX_MAX_ROWS = 1_048_575
