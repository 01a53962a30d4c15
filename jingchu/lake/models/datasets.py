"""Datasets, their versions (snapshots) and the load jobs that make versions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.choices import UpdateFrequency
from jingchu.core.models import Organization
from jingchu.lake.choices import DatasetStatus, JobStatus, SourceKind


class Dataset(models.Model):
    """A dataset of the lake, owned by one Organization.

    `code` is its stable name, ``<owner prefix>/<slug>`` (e.g. ``hb-rst/si-enrolment``); a
    DataResource mounted on the lake names it. `columns` is the declared schema, a list of
    ``{"name", "type" (ColumnType), "label", "required", "mask" (MaskRule)}``: a load casts to it
    and rejects the rows that do not fit; with no declared schema the first load infers one.
    `rules_yaml` is the dataset's quality rule file (docs/lake-quality.md); its parsed form is
    the dataset's QualityRule rows.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT,
                              related_name="lake_datasets", verbose_name=_("owner"))
    update_frequency = models.CharField(_("update frequency"), max_length=20,
                                        choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.MONTHLY)
    columns = models.JSONField(_("declared columns"), default=list, blank=True)
    key_column = models.CharField(_("key column"), max_length=100, blank=True,
                                  help_text=_("The column a record is looked up by, if any."))
    rules_yaml = models.TextField(_("quality rules (YAML)"), blank=True)
    audit_threshold = models.PositiveSmallIntegerField(
        _("audit threshold"), default=80,
        help_text=_("A score below this opens a rectification task to the owner."))
    status = models.CharField(_("status"), max_length=20, choices=DatasetStatus.choices,
                              default=DatasetStatus.ACTIVE)
    current_version = models.ForeignKey("DatasetVersion", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("current version"))
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("lake dataset")
        verbose_name_plural = _("lake datasets")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DatasetVersion(models.Model):
    """One load of a dataset: an immutable Parquet file (`path`, relative to the lake
    directory) with its row count, actual schema and SM3 checksum. Older versions stay
    readable; the dataset's `current_version` is the newest good one."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    path = models.CharField(_("file"), max_length=400)
    row_count = models.BigIntegerField(_("rows"))
    rejected_count = models.BigIntegerField(_("rejected rows"), default=0)
    rejects_path = models.CharField(_("rejected rows report"), max_length=400, blank=True)
    byte_size = models.BigIntegerField(_("size in bytes"), default=0)
    schema = models.JSONField(_("schema"), default=list)  # [{"name", "type"}] as stored
    checksum = models.CharField(_("SM3 checksum"), max_length=64)
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_name = models.CharField(_("source name"), max_length=300, blank=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dataset", "-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"],
                                               name="lake_version_number_unique")]
        verbose_name = _("dataset version")
        verbose_name_plural = _("dataset versions")

    def __str__(self) -> str:
        return f"{self.dataset.code} v{self.number}"


class IngestJob(models.Model):
    """A load in progress or done: what the page's progress element polls. `upload_path` is the
    uploaded file under the lake's incoming folder (removed when the job ends)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="ingest_jobs")
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices,
                              default=JobStatus.PENDING)
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    source_name = models.CharField(_("source name"), max_length=300, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    upload_path = models.CharField(max_length=400, blank=True)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    rows_done = models.BigIntegerField(_("rows done"), default=0)
    rows_total = models.BigIntegerField(_("rows in all"), null=True, blank=True)
    rejected_count = models.BigIntegerField(_("rejected rows"), default=0)
    error = models.TextField(_("error"), blank=True)
    version = models.ForeignKey(DatasetVersion, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("load job")
        verbose_name_plural = _("load jobs")

    def __str__(self) -> str:
        return f"load of {self.dataset_id} ({self.status})"
