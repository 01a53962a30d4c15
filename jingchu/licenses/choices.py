"""Enumerations of 电子证照: holder kinds, licence states, kinds of use, verification outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HolderKind(models.TextChoices):
    """持证主体类型; the code is the GB/T 36905 holder-identifier type (111 / 001)."""

    PERSON = "person", _("Natural person")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")


HOLDER_CODE_TYPES = {HolderKind.PERSON: "111", HolderKind.LEGAL_ENTITY: "001"}


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class UseKind(models.TextChoices):
    """How a licence was used (用证): each is a LicenseUse the holder sees."""

    CASE_MATERIAL = "case_material", _("Used as application material")
    SHARED = "shared", _("Shared with an organization")
    VIEWED = "viewed", _("Viewed by an organization")
    VERIFIED = "verified", _("Verified")


class StatusPurpose(models.TextChoices):
    """The purposes of the W3C Bitstring Status Lists an issuer publishes."""

    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")
