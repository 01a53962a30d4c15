"""The sharing app's links on a lake dataset's page: the catalog's data resources mounted on it
(registered with jingchu.lake.links in SharingConfig.ready)."""

from __future__ import annotations

from django.urls import reverse

from jingchu.sharing.choices import MountKind
from jingchu.sharing.models import DataResource


def mounted_resources(dataset_code: str) -> list[tuple[str, str, str]]:
    rows = (DataResource.objects.filter(mount_kind=MountKind.LAKE, mount_target=dataset_code)
            .order_by("code").values_list("code", "name"))
    return [(code, name, reverse("sharing:resource", kwargs={"code": code}))
            for code, name in rows]
