"""Open datasets (数据开放), their tags and topics, and their daily usage counters."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.lake.models import Dataset, DatasetVersion
from jingchu.opendata.choices import (
    EDITABLE,
    XLSX_MAX_ROWS,
    DownloadFormat,
    Licence,
    OpenStatus,
    Topic,
    UpdateFrequency,
)


class OpenDataset(models.Model):
    """A dataset the public may download and query, published from a lake dataset.

    `name` is its stable public name (CKAN's package name, ``^[a-z0-9_-]{2,100}$``). `fields`
    are the published columns, a subset of the lake dataset's declared columns without a mask
    rule: ``[{"name", "label", "type", "description"}]``. `version` is the lake version pinned
    when the dataset was submitted; publication copies those columns of that version into
    `file_path` (relative to the lake directory), which is all that downloads and queries ever
    read. `datastore_uid` is the CKAN resource id of its queryable (CSV) resource.
    `details["stats"]` holds the numeric columns' summaries and histograms computed at
    publication.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("description"))
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices,
                               default=Licence.CC_BY_4)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT,
                              related_name="open_datasets", verbose_name=_("publisher"))
    source = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="open_datasets",
                               verbose_name=_("lake dataset"))
    version = models.ForeignKey(DatasetVersion, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("published version"))
    fields = models.JSONField(_("published fields"), default=list)
    update_frequency = models.CharField(_("update frequency"), max_length=20,
                                        choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.MONTHLY)
    status = models.CharField(_("status"), max_length=12, choices=OpenStatus.choices,
                              default=OpenStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("reviewer"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    modified_at = models.DateTimeField(_("data last published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    file_path = models.CharField(_("published file"), max_length=400, blank=True)
    row_count = models.BigIntegerField(_("rows"), default=0)
    byte_size = models.BigIntegerField(_("size in bytes"), default=0)
    checksum = models.CharField(_("SM3 checksum"), max_length=64, blank=True)
    datastore_uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-modified_at", "name"]
        verbose_name = _("open dataset")
        verbose_name_plural = _("open datasets")

    def __str__(self) -> str:
        return f"{self.name} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == OpenStatus.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def formats(self) -> list[str]:
        """The download formats offered: XLSX only while the rows fit one worksheet."""
        return [f.value for f in DownloadFormat
                if f != DownloadFormat.XLSX or self.row_count <= XLSX_MAX_ROWS]

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags.all()]

    @property
    def topic_values(self) -> list[str]:
        return [t.topic for t in self.topics.all()]

    def get_topics_display(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topic_values]


class OpenDatasetTag(models.Model):
    """A free keyword of an open dataset (CKAN's tags, DCAT's keywords)."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=50, db_index=True)

    class Meta:
        ordering = ["dataset", "tag"]
        constraints = [models.UniqueConstraint(fields=["dataset", "tag"],
                                               name="opendata_tag_unique")]

    def __str__(self) -> str:
        return self.tag


class OpenDatasetTopic(models.Model):
    """A topic (CKAN group) an open dataset is filed under."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, db_index=True)

    class Meta:
        ordering = ["dataset", "topic"]
        constraints = [models.UniqueConstraint(fields=["dataset", "topic"],
                                               name="opendata_topic_unique")]

    def __str__(self) -> str:
        return self.topic


class OpenDatasetUsage(models.Model):
    """One day's use of one open dataset: page views, downloads by format, query API calls
    (the portal's query API and CKAN's datastore_search together)."""

    dataset = models.ForeignKey(OpenDataset, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("page views"), default=0)
    downloads_csv = models.PositiveIntegerField(default=0)
    downloads_json = models.PositiveIntegerField(default=0)
    downloads_xlsx = models.PositiveIntegerField(default=0)
    downloads_parquet = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(_("API calls"), default=0)

    class Meta:
        ordering = ["dataset", "-day"]
        constraints = [models.UniqueConstraint(fields=["dataset", "day"],
                                               name="opendata_usage_day_unique")]
        verbose_name = _("open dataset usage")
        verbose_name_plural = _("open dataset usage")

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day}"

    @property
    def downloads(self) -> int:
        return (self.downloads_csv + self.downloads_json + self.downloads_xlsx
                + self.downloads_parquet)
