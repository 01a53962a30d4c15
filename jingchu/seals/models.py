"""Seals (电子印章), the platform's root of trust, stored keys, and every use of a seal.

Only `jingchu.seals.actions` (and the key store it calls) writes these models.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.seals.choices import SealKind, SealStatus, UseKind, VerifyCode


class TrustRoot(models.Model):
    """The platform's own certification authority (the provincial root of trust): an SM2 key in
    the key store and its self-signed certificate. It issues every seal's certificate and signs
    every seal's data (as 制章人, the seal maker of GB/T 38540)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    key_ref = models.CharField(max_length=200, editable=False)
    certificate = models.BinaryField(editable=False)  # DER
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("root certificate")
        verbose_name_plural = _("root certificates")

    def __str__(self) -> str:
        return self.name


class SealKey(models.Model):
    """One private key of the database key store, SM4-GCM encrypted under the seal master key.

    `uid` is the key's reference (`db:<uid>`); another key store (a PKCS #11 HSM) keeps its keys
    itself and leaves this table empty.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    label = models.CharField(max_length=200)
    public_key = models.BinaryField()  # SubjectPublicKeyInfo DER
    private_key_sealed = models.TextField()  # "sm4gcm:" + base64(nonce || PKCS#8 DER || tag)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seal key")
        verbose_name_plural = _("seal keys")

    def __str__(self) -> str:
        return self.label


class Seal(models.Model):
    """An Organization's electronic seal: SM2 key, X.509 certificate issued by the root, image,
    validity, status, and its GB/T 38540 seal data (SES_Seal, DER)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="seals")
    kind = models.CharField(_("kind"), max_length=20, choices=SealKind.choices)
    name = models.CharField(_("name"), max_length=100)
    es_id = models.CharField(_("seal code"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=SealStatus.choices,
                              default=SealStatus.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"))
    root = models.ForeignKey(TrustRoot, on_delete=models.PROTECT, related_name="seals")
    key_ref = models.CharField(max_length=200, editable=False)
    certificate = models.BinaryField(editable=False)  # DER, issued by the root
    seal_data = models.BinaryField(editable=False)  # SES_Seal DER
    image_svg = models.TextField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization__name", "kind", "-created_at"]
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        constraints = [
            # One seal of each kind per organization until it is revoked (then a new one).
            models.UniqueConstraint(fields=["organization", "kind"],
                                    condition=~models.Q(status="revoked"),
                                    name="one_live_seal_per_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def in_validity(self, when: dt.datetime | None = None) -> bool:
        moment = when or timezone.now()
        return self.valid_from <= moment <= self.valid_to

    def problem_at(self, when: dt.datetime) -> str:
        """Why the seal cannot seal (or have sealed) at that moment, as a VerifyCode; "" if
        it can. Revocation and suspension count whenever the signature was made: the platform
        has no trusted time-stamp to prove a signature older than the revocation."""
        if self.status == SealStatus.REVOKED:
            return VerifyCode.SEAL_REVOKED
        if self.status == SealStatus.SUSPENDED:
            return VerifyCode.SEAL_SUSPENDED
        if when < self.valid_from:
            return VerifyCode.SEAL_NOT_YET_VALID
        if when > self.valid_to:
            return VerifyCode.SEAL_EXPIRED
        return ""


class SealUse(models.Model):
    """One use of a seal (用印记录): who sealed which document (name and SM3 digest), when, and
    the signature made. Written in the same transaction as the signature's AuditEvent."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Indexed by (seal, -signed_at) below. Each index is one more insert per seal use, and a
    # bulk licence import writes one use a licence.
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="uses",
                             db_index=False)
    kind = models.CharField(max_length=10, choices=UseKind.choices, default=UseKind.DOCUMENT)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150)
    document_name = models.CharField(_("document"), max_length=255)
    document_digest = models.CharField(_("SM3 digest"), max_length=64)  # indexed below
    document_size = models.PositiveBigIntegerField(default=0)
    signature = models.BinaryField(editable=False)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["-signed_at", "-id"]
        # The digest is found by equality only: a plain index, without the LIKE twin that
        # db_index=True adds to a CharField on PostgreSQL.
        indexes = [models.Index(fields=["seal", "-signed_at"], name="seals_use_seal_time"),
                   models.Index(fields=["document_digest"], name="seals_use_digest")]
        verbose_name = _("seal use")
        verbose_name_plural = _("seal uses")

    def __str__(self) -> str:
        return f"{self.seal} {self.document_name}"
