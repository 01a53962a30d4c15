"""Enumerations of the data lake (数据湖) and its quality audits (质量自动稽核)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DatasetStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class ColumnType(models.TextChoices):
    """The logical type of a declared column; each maps to one DuckDB/Arrow type (lake.storage)."""

    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes or no")


class SourceKind(models.TextChoices):
    CSV = "csv", _("CSV file")
    EXCEL = "excel", _("Excel workbook")
    PARQUET = "parquet", _("Parquet file")
    TABLE = "table", _("Database table")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Dimension(models.TextChoices):
    """The five dimensions of data quality the plan names."""

    CONFORMITY = "conformity", _("Conformity (规范性)")
    ACCURACY = "accuracy", _("Accuracy (准确性)")
    CONSISTENCY = "consistency", _("Consistency (一致性)")
    COMPLETENESS = "completeness", _("Completeness (完整性)")
    TIMELINESS = "timeliness", _("Timeliness (时效性)")


class AuditTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by hand")
    SCHEDULE = "schedule", _("Scheduled")
    INGEST = "ingest", _("After a load")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class RuleSource(models.TextChoices):
    YAML = "yaml", _("Rule file (YAML)")
    ADMIN = "admin", _("Entered in the admin")
