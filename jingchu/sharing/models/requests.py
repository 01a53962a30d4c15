"""Share requests (共享申请), the grants they become, data-error reports and citizens' consents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.identity.models import Person
from jingchu.sharing.choices import ErrorReportStatus, GrantStatus, RequestStatus
from jingchu.sharing.models.catalog import DataResource


class ShareRequest(models.Model):
    """A consumer organization's request to use a resource, reviewed by the owner.

    `review_deadline` is the last working day of the owner's review (core.calendar). A request
    for an unconditional resource is approved at once. `granted_fields` is what the owner
    approved: all the `fields` asked for, or some of them.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                 related_name="share_requests", verbose_name=_("consumer"))
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT,
                                 related_name="share_requests", verbose_name=_("resource"))
    fields = models.JSONField(_("fields requested"), default=list)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    expected_daily_calls = models.PositiveIntegerField(_("expected calls per day"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.PENDING, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    review_deadline = models.DateField(_("review due"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    granted_fields = models.JSONField(_("fields granted"), default=list, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("share request")
        verbose_name_plural = _("share requests")

    def __str__(self) -> str:
        return f"{self.consumer} → {self.resource.code}"


class Grant(models.Model):
    """授权: a consumer may call a resource through the gateway for these fields, in this period,
    at this rate. `masked_fields` are returned masked by their field's rule even though granted.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consumer = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                 related_name="grants", verbose_name=_("consumer"))
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT,
                                 related_name="grants", verbose_name=_("resource"))
    request = models.OneToOneField(ShareRequest, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="grant")
    fields = models.JSONField(_("fields granted"), default=list)
    masked_fields = models.JSONField(_("fields returned masked"), default=list, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    rate_limit = models.PositiveIntegerField(_("calls per minute"), default=600)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices,
                              default=GrantStatus.ACTIVE, db_index=True)
    created_at = models.DateTimeField(_("granted"), default=timezone.now)
    changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    change_reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["consumer", "resource", "status"],
                                name="sharing_grant_lookup")]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return f"{self.consumer} → {self.resource.code}"


class ErrorReport(models.Model):
    """数据纠错: a consumer reports a data error in a resource to its owner, who answers."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT,
                                 related_name="error_reports")
    reporter = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reported by"))
    record_key = models.CharField(_("record"), max_length=100, blank=True)
    field_name = models.CharField(_("field"), max_length=60, blank=True)
    description = models.TextField(_("what is wrong"))
    status = models.CharField(_("status"), max_length=10, choices=ErrorReportStatus.choices,
                              default=ErrorReportStatus.OPEN, db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("data error report")
        verbose_name_plural = _("data error reports")

    def __str__(self) -> str:
        return f"{self.resource.code}: {self.description[:40]}"


class Consent(models.Model):
    """A person's consent that their data in a resource may fill in forms for one purpose (the
    MyInfo pattern): without it an application form is never pre-filled from that resource."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    resource = models.ForeignKey(DataResource, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=200)
    fields = models.JSONField(_("fields"), default=list)
    # The application the consent was given for, and the read it allowed (once made).
    case_uid = models.UUIDField(_("application"), null=True, blank=True, db_index=True)
    call = models.ForeignKey("sharing.ExchangeCall", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.resource.code}: {self.purpose}"
