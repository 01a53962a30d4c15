"""Users, natural persons, legal entities, staff and their roles, and the login history."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingchu.core.fields import EncryptedTextField
from jingchu.core.models import Organization, Region
from jingchu.identity.choices import (
    ActingBasis,
    Gender,
    LegalEntityKind,
    StaffRole,
    UserKind,
)


class User(AbstractUser):
    """The one login of the platform; a Person or a Staff member logs in as it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=UserKind.choices)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    totp_secret = EncryptedTextField(blank=True, default="")
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last TOTP time step accepted, so a code cannot be replayed within its window.
    totp_last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret) and self.totp_confirmed_at is not None


class Person(models.Model):
    """A natural person (自然人), keyed by the citizen ID number (GB 11643).

    The ID number, phone and address are SM4-encrypted; `id_number_index` is their keyed SM3
    blind index, unique, so lookups by ID number stay exact and indexed.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    name = models.CharField(_("name"), max_length=100)
    id_number = EncryptedTextField(_("citizen ID number"))
    id_number_index = models.CharField(max_length=64, unique=True, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    birth_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField(_("address"), blank=True, default="")
    verified_in_person_at = models.DateTimeField(null=True, blank=True)
    verified_in_person_by = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("natural person")
        verbose_name_plural = _("natural persons")

    def __str__(self) -> str:
        return self.name


class LegalEntity(models.Model):
    """A legal entity (法人), keyed by the unified social credit code (GB 32100)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=LegalEntityKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    legal_representative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="represented_entities"
    )
    address = EncryptedTextField(_("registered address"), blank=True, default="")
    established_on = models.DateField(_("established on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal entity")
        verbose_name_plural = _("legal entities")

    def __str__(self) -> str:
        return self.name


class ActingAuthorization(models.Model):
    """A Person may act for a LegalEntity: as its legal representative or as an authorized agent."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="authorizations")
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.CASCADE, related_name="authorizations"
    )
    basis = models.CharField(_("basis"), max_length=30, choices=ActingBasis.choices)
    granted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "legal_entity"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_authorization_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.legal_entity}"


class Staff(models.Model):
    """A civil servant or other worker of an Organization (工作人员)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("name"), max_length=100)
    employee_number = models.CharField(_("employee number"), max_length=40, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """A role a Staff member holds in one Organization."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="staff_assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "organization", "role"], name="unique_staff_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.role}@{self.organization}"


class LoginRecord(models.Model):
    """One login attempt: shown to the user as their login history."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="login_records"
    )
    username_tried = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    success = models.BooleanField()
    stage = models.CharField(max_length=20)  # password, totp
    reason = models.CharField(max_length=50, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username_tried} {self.at:%Y-%m-%d %H:%M} {self.success}"


class ClientPolicy(models.Model):
    """What an administrator let one OpenID Connect client (a department system) receive.

    Kept beside django-oauth-toolkit's Application, one-to-one, so the toolkit's model stays
    stock. A client without a policy (registered elsewhere, e.g. the Django admin) gets `openid`
    only and never the full citizen ID number.
    """

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="jingchu_policy"
    )
    # Space-separated scopes the client may request, `id_number` excluded: that one is granted
    # separately, below, because it releases the full citizen ID number.
    allowed_scopes = models.CharField(_("allowed scopes"), max_length=200, default="openid")
    may_receive_id_number = models.BooleanField(_("may receive the citizen ID number"),
                                                default=False)
    registered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("OpenID Connect client policy")
        verbose_name_plural = _("OpenID Connect client policies")

    def __str__(self) -> str:
        return str(self.application)

    @property
    def code(self) -> str:
        """The client_id: how audit events and URLs refer to a client."""
        return str(self.application.client_id)

    def scopes(self) -> list[str]:
        extra = ["id_number"] if self.may_receive_id_number else []
        return self.allowed_scopes.split() + extra


class TokenAssurance(models.Model):
    """The assurance level (acr) of the sign-in behind an authorization code or an ID token.

    The token endpoint has no browser session, so the level read from the session when the
    person approved the request is kept here and carried to every ID token of that sign-in,
    refreshes included.
    """

    grant = models.OneToOneField(
        "oauth2_provider.Grant", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    id_token = models.OneToOneField(
        "oauth2_provider.IDToken", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    acr = models.CharField(max_length=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"acr={self.acr}"
