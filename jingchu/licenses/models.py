"""Trusted electronic licences (电子证照): the type catalogue, issued licences, their uses and
shares, the published status lists, and bulk imports.

Only `jingchu.licenses.actions` writes these models.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.cases.models import Case
from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity, Person
from jingchu.licenses.choices import (
    HolderKind,
    ImportStatus,
    LicenseStatus,
    StatusPurpose,
    UseKind,
)
from jingchu.seals.models import Seal
from jingchu.services.models import ServiceItem


class LicenseType(models.Model):
    """证照类型: what a licence of this type records (its data fields as JSON Schema), who
    defines it, who may hold it, how long it is valid, and which service items yield it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The catalogue key used by material requirements (MaterialRequirement.license_type_code).
    key = models.CharField(_("key"), max_length=40, unique=True)
    # The type code inside licence identifiers (GB/T 36904): digits and capital letters.
    type_code = models.CharField(_("type code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    authority = models.CharField(_("defining authority"), max_length=200)
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=HolderKind.choices)
    data_schema = models.JSONField(_("data fields (JSON Schema)"), default=dict)
    # None: valid until revoked.
    validity_years = models.PositiveSmallIntegerField(_("validity in years"), null=True,
                                                      blank=True)
    yielded_by = models.ManyToManyField(ServiceItem, blank=True, related_name="license_types",
                                        verbose_name=_("issued by approving"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("licence type")
        verbose_name_plural = _("licence types")

    def __str__(self) -> str:
        return self.name


class LicenseIssuer(models.Model):
    """An organization that issues licences of a type, and the seal it signs them with."""

    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT,
                                     related_name="issuers")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="license_types_issued")
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["license_type", "organization"],
                                               name="one_issuer_seal_per_type")]

    def __str__(self) -> str:
        return f"{self.organization} {self.license_type}"


class License(models.Model):
    """One issued licence. `signature` is the issuer's seal signature (DER SES_Signature) over
    the licence's canonical content (`jingchu.licenses.content`), made when it was issued."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identifier = models.CharField(_("licence identifier"), max_length=160, unique=True)
    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT,
                                     related_name="licenses")
    # No index of its own: the unique (issuer, type, serial, version) and (issuer, status
    # index) lead with it, and each index is one more insert per licence of a bulk import.
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT,
                               related_name="licenses_issued", db_index=False)
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="+")
    serial = models.PositiveIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(_("licence number"), max_length=60, blank=True)
    holder_kind = models.CharField(_("holder kind"), max_length=20, choices=HolderKind.choices)
    holder_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="licenses")
    holder_entity = models.ForeignKey(LegalEntity, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="licenses")
    holder_name = models.CharField(_("holder"), max_length=200)
    data = models.JSONField(_("data"), default=dict)
    issued_on = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LicenseStatus.choices,
                              default=LicenseStatus.VALID)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The licence's position in its issuer's status lists (revocation and suspension).
    status_index = models.PositiveIntegerField()
    signature = models.BinaryField(editable=False)
    # Indexed by the partial unique (case, type) below: every licence of a case has a case.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="licenses", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "license_type", "serial", "version"],
                                    name="one_licence_per_issuer_type_serial_version"),
            models.UniqueConstraint(fields=["issuer", "status_index"],
                                    name="one_status_index_per_issuer"),
            # A case yields at most one licence of a type.
            models.UniqueConstraint(fields=["case", "license_type"],
                                    condition=models.Q(case__isnull=False),
                                    name="one_licence_per_case_and_type"),
            models.CheckConstraint(
                condition=(models.Q(holder_kind=HolderKind.PERSON, holder_person__isnull=False,
                                    holder_entity__isnull=True)
                           | models.Q(holder_kind=HolderKind.LEGAL_ENTITY,
                                      holder_entity__isnull=False)),
                name="licence_holder_matches_kind"),
        ]

    def __str__(self) -> str:
        return self.identifier


class LicenseShare(models.Model):
    """The holder lets a named organization use the licence for a stated reason and period."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="shares")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason for use"), max_length=500)
    valid_until = models.DateField(_("shared until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.license} → {self.organization}"


class LicenseUse(models.Model):
    """用证记录: who used the licence, when and why; the holder sees every one."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(_("use"), max_length=20, choices=UseKind.choices)
    organization = models.ForeignKey(Organization, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason for use"), max_length=500, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="license_uses")
    share = models.ForeignKey(LicenseShare, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="uses")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # A case records a licence once, however often the applicant consents.
            models.UniqueConstraint(fields=["license", "case"],
                                    condition=models.Q(case__isnull=False,
                                                       kind=UseKind.CASE_MATERIAL),
                                    name="one_material_use_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.license} {self.kind}"


class StatusList(models.Model):
    """An issuer's W3C Bitstring Status List for one purpose; bit i is the licence whose
    `status_index` is i. `next_index` hands out positions (the revocation list's counter
    serves both lists)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=20, choices=StatusPurpose.choices)
    bits = models.BinaryField()
    next_index = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "purpose"],
                                               name="one_status_list_per_issuer_purpose")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.purpose}"


class LicenseImport(models.Model):
    """A bulk import of existing licences from a file: validated whole, then stored whole."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    # [{"row": n, "errors": ["field: message", ...]}, ...] when rejected.
    rejected_rows = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
