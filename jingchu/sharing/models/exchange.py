"""The exchange gateway's callers and its record of every call (数据交换)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.sharing.choices import CallResult, SubjectKind
from jingchu.sharing.models.catalog import DataResource
from jingchu.sharing.models.requests import Grant


class GatewayClient(models.Model):
    """A department system that calls the gateway (X-Road's "subsystem"): an OAuth2 client of
    the platform's identity provider, using the client-credentials grant, acting for one
    organization. `code` is what it sends in the X-Jingchu-Client header."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("system code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="gateway_clients")
    application = models.OneToOneField("oauth2_provider.Application", on_delete=models.PROTECT,
                                       related_name="gateway_client")
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("gateway client")
        verbose_name_plural = _("gateway clients")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExchangeCall(models.Model):
    """One call through the gateway, answered or refused: who called, on whose behalf, why,
    which record, which fields, and the result.

    `subject_index` identifies whom the record is about without holding their number: the
    blind index of the citizen ID number (as `identity.Person.id_number_index`) or the unified
    social credit code of an enterprise. `ledger_index` is the ledger entry of the batch this
    call was sealed in, once it has been.
    """

    id = models.BigAutoField(primary_key=True)
    request_id = models.CharField(_("request id"), max_length=64)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # Not indexed: no page or query looks calls up by client or grant (they are shown from the
    # call), clients and grants are never deleted (a PROTECT check would scan), and each index
    # is one more entry written by every gateway call.
    client = models.ForeignKey(GatewayClient, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    # No index of its own for consumer and resource: the (consumer, at) and (resource, at)
    # indexes lead with them, and every gateway call would write two more index entries.
    consumer = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    on_behalf_of = models.CharField(_("on behalf of"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    case_number = models.CharField(_("case"), max_length=40, blank=True)
    resource = models.ForeignKey(DataResource, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    grant = models.ForeignKey(Grant, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", db_index=False)
    subject_kind = models.CharField(max_length=14, blank=True, choices=SubjectKind.choices)
    subject_index = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(_("fields"), default=list)
    result = models.CharField(_("result"), max_length=20, choices=CallResult.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    duration_us = models.PositiveIntegerField(default=0)
    ledger_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_index", "at"], name="sharing_call_subject"),
            models.Index(fields=["consumer", "at"], name="sharing_call_consumer"),
            models.Index(fields=["resource", "at"], name="sharing_call_resource"),
            # Sealing takes the oldest unsealed calls every minute: without this it walked the
            # primary key past every call already sealed. Only unsealed calls have an entry.
            models.Index(fields=["id"], name="sharing_call_unsealed",
                         condition=models.Q(ledger_index__isnull=True)),
            # A batch's calls, read again to verify it against its ledger entry (any call that
            # claims the batch, inside its id range or not). Written when a call is sealed, in
            # the background, not by the call.
            models.Index(fields=["ledger_index"], name="sharing_call_sealed",
                         condition=models.Q(ledger_index__isnull=False)),
        ]
        verbose_name = _("exchange call")
        verbose_name_plural = _("exchange calls")

    def __str__(self) -> str:
        return f"{self.request_id} {self.result}"
