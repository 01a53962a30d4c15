"""The resource catalog (政务信息资源目录) and the three lists (三清单)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.sharing.choices import (
    FieldType,
    ListKind,
    MaskRule,
    MountKind,
    OpenType,
    ResourceStatus,
    Sensitivity,
    ShareType,
    SubjectKind,
    UpdateFrequency,
)


class DataResource(models.Model):
    """A data resource registered in the catalog by the organization that owns it.

    `code` is the catalog code, e.g. ``HB-GAT-0001``; it is the stable name of the resource in
    the gateway's paths. A resource is *mounted* when `mount_kind` says where its records live:
    a table of the platform's database (`mount_target` names an entry of `sharing.mounts`), a
    dataset of the lake (its code) or an upstream API (its base URL). `key_field` is the field a
    record is looked up by (e.g. the citizen ID number). `subject_kind` says whom a record is
    about, so that reads appear on that person's or enterprise's "who read my data" page.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("catalog code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT,
                              related_name="data_resources", verbose_name=_("owner"))
    update_frequency = models.CharField(_("update frequency"), max_length=12,
                                        choices=UpdateFrequency.choices,
                                        default=UpdateFrequency.DAILY)
    share_type = models.CharField(_("share type"), max_length=14, choices=ShareType.choices)
    share_conditions = models.TextField(_("conditions of sharing"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    open_type = models.CharField(_("open type"), max_length=12, choices=OpenType.choices,
                                 default=OpenType.NOT_OPEN)
    mount_kind = models.CharField(_("mounted as"), max_length=8, choices=MountKind.choices,
                                  default=MountKind.NONE, blank=True)
    mount_target = models.CharField(_("mount target"), max_length=300, blank=True)
    key_field = models.CharField(_("lookup key field"), max_length=60, blank=True)
    subject_kind = models.CharField(_("records are about"), max_length=14, blank=True,
                                    choices=SubjectKind.choices, default=SubjectKind.NONE)
    status = models.CharField(_("status"), max_length=10, choices=ResourceStatus.choices,
                              default=ResourceStatus.DRAFT, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    mounted_at = models.DateTimeField(_("mounted"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data resource")
        verbose_name_plural = _("data resources")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_mounted(self) -> bool:
        return bool(self.mount_kind)


class ResourceField(models.Model):
    """One field (信息项) of a data resource, with its sensitivity grade and masking rule."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="fields")
    name = models.CharField(_("field name"), max_length=60)
    label = models.CharField(_("label"), max_length=100)
    data_type = models.CharField(_("type"), max_length=10, choices=FieldType.choices,
                                 default=FieldType.STRING)
    description = models.TextField(_("description"), blank=True)
    sensitivity = models.PositiveSmallIntegerField(_("sensitivity"),
                                                   choices=Sensitivity.choices,
                                                   default=Sensitivity.INTERNAL)
    mask = models.CharField(_("masking rule"), max_length=10, choices=MaskRule.choices,
                            default=MaskRule.NONE, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["resource", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "name"], name="sharing_field_unique_name"),
        ]
        verbose_name = _("resource field")
        verbose_name_plural = _("resource fields")

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


class ListEntry(models.Model):
    """An entry of one of an organization's three lists.

    - responsibility (责任清单): data the organization must provide; `resource` is the registered
      resource that fulfils it, once there is one.
    - demand (需求清单): data the organization needs for its duties, with the fields wanted and
      the organization expected to provide it; `resource` is a resource that meets it.
    - negative (负面清单): data it may not share, with the legal basis; a resource named here is
      never shared, whatever its share type says.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="list_entries")
    kind = models.CharField(_("list"), max_length=14, choices=ListKind.choices, db_index=True)
    name = models.CharField(_("data item"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    fields_wanted = models.JSONField(_("fields wanted"), default=list, blank=True)
    provider = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("expected provider"))
    resource = models.ForeignKey(DataResource, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="list_entries", verbose_name=_("resource"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["organization", "kind", "name"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"
