"""Enumerations of the data-sharing exchange (政务数据共享), with translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Shared with the lake and open data; kept importable from here.
from jingchu.core.choices import MaskRule as MaskRule
from jingchu.core.choices import UpdateFrequency as UpdateFrequency


class ShareType(models.TextChoices):
    """共享类型: whether and how other departments may use a resource."""

    UNCONDITIONAL = "unconditional", _("Shared unconditionally")
    CONDITIONAL = "conditional", _("Shared on conditions")
    NOT_SHARED = "not_shared", _("Not shared")


class OpenType(models.TextChoices):
    """开放类型: whether a resource may be published to society (the open-data portal)."""

    OPEN = "open", _("Open unconditionally")
    CONDITIONAL = "conditional", _("Open on conditions")
    NOT_OPEN = "not_open", _("Not open")


class MountKind(models.TextChoices):
    """How a registered resource is reachable (挂接): not yet, a table, a lake dataset, an API."""

    NONE = "", _("Not mounted")
    TABLE = "table", _("Table in the platform's database")
    LAKE = "lake", _("Dataset in the data lake")
    API = "api", _("Upstream API")


class SubjectKind(models.TextChoices):
    """Whom one record of a resource is about; calls about a person or an enterprise are shown
    to them on their "who read my data" page."""

    NONE = "", _("Not about a person or enterprise")
    PERSON = "person", _("A person")
    LEGAL_ENTITY = "legal_entity", _("An enterprise or organization")


class FieldType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes or no")


class Sensitivity(models.IntegerChoices):
    """Sensitivity grade of a field (数据分级), after GB/T 43697's general, important and core data
    with the general grade split for personal information."""

    PUBLIC = 1, _("Grade 1: public")
    INTERNAL = 2, _("Grade 2: internal")
    SENSITIVE = 3, _("Grade 3: sensitive personal or business data")
    RESTRICTED = 4, _("Grade 4: restricted")



class ResourceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published in the catalog")
    RETIRED = "retired", _("Retired")


class ListKind(models.TextChoices):
    """三清单: 责任清单, 需求清单, 负面清单."""

    RESPONSIBILITY = "responsibility", _("Responsibility list")
    DEMAND = "demand", _("Demand list")
    NEGATIVE = "negative", _("Negative list")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    PARTLY_APPROVED = "partly_approved", _("Approved for some fields")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class ErrorReportStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the owner's answer")
    ANSWERED = "answered", _("Answered")


class CallResult(models.TextChoices):
    """The outcome of one call through the exchange gateway; refusals are recorded too."""

    OK = "ok", _("Answered")
    NOT_FOUND = "not_found", _("No such record")
    BAD_REQUEST = "bad_request", _("Bad request")
    UNAUTHENTICATED = "unauthenticated", _("Caller not authenticated")
    NO_GRANT = "no_grant", _("No grant")
    GRANT_EXPIRED = "grant_expired", _("Grant expired or not yet valid")
    GRANT_SUSPENDED = "grant_suspended", _("Grant suspended or revoked")
    FIELDS_NOT_GRANTED = "fields_not_granted", _("Fields outside the grant")
    NEGATIVE_LIST = "negative_list", _("On the negative list")
    RATE_LIMITED = "rate_limited", _("Rate limit exceeded")
    UPSTREAM_ERROR = "upstream_error", _("Upstream error")


class Ethnicity(models.TextChoices):
    """A few of the 56 ethnic groups (GB/T 3304 codes), enough for the demo population base."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    MIAO = "06", _("Miao")
    TUJIA = "15", _("Tujia")
    DONG = "12", _("Dong")
